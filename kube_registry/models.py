"""The audit trail of exports: who took a file out of the registry, when, what, masked or not.

Changes to groups, persons and memberships are audited by django-simple-history; an
export changes nothing, so it gets its own row here, written by `export_record`. Web
downloads write it through `kube_registry.downloads.export_response`, the one way a
view answers with a file; `ExportAuditMiddleware` records any file that bypassed it.
"""

import getpass

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExportSource(models.TextChoices):
    WEB = "web", _("Halaman web")
    COMMAND = "command", _("Perintah export_registry")


class ExportRecord(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pengguna"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="export_records",
    )
    # For the command: the operating-system account that ran it (and --user if given).
    actor = models.CharField(_("pelaku"), max_length=150)
    source = models.CharField(_("sumber"), max_length=10, choices=ExportSource.choices)
    # Which file: "registri", "usulan", "kemitraan", "dasbor-<block>", "templat-impor"; a
    # file that bypassed export_response is recorded as "tidak-dideklarasikan:<path>".
    what = models.CharField(_("isi berkas"), max_length=200)
    file_format = models.CharField(_("format"), max_length=10)
    is_unmasked = models.BooleanField(_("NIK/KK lengkap"), default=False)
    group_count = models.PositiveIntegerField(_("jumlah kelompok"), default=0)
    # The list's filters for a web export (never a NIK: the list does not search by NIK).
    query = models.CharField(_("saringan"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("waktu"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("catatan ekspor")
        verbose_name_plural = _("catatan ekspor")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.actor} · {self.get_source_display()} · {self.created_at:%Y-%m-%d %H:%M}"


def system_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name and no passwd entry (some containers)
        return "?"


def export_record(
    *,
    user=None,
    source: str,
    what: str,
    file_format: str,
    is_unmasked: bool,
    group_count: int,
    query: str = "",
) -> ExportRecord:
    """Record one export; the caller writes the file only after this succeeded."""
    actor = user.get_username() if user is not None else system_user()
    if source == ExportSource.COMMAND and user is not None:
        actor = f"{system_user()} ({actor})"
    return ExportRecord.objects.create(
        user=user,
        actor=actor[:150],
        source=source,
        what=what[:200],
        file_format=file_format,
        is_unmasked=is_unmasked,
        group_count=group_count,
        query=query[:500],
    )


class SubmissionToken(models.Model):
    """A create form's one-time token, claimed by its first POST (kube_registry.submissions).

    In the database, so a double-clicked submit that two app servers receive still
    creates once: the second insert meets the unique constraint.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=64)
    result_url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("token formulir")
        verbose_name_plural = _("token formulir")
        constraints = [models.UniqueConstraint(fields=["user", "token"], name="submission_token_once_per_user")]

    def __str__(self):
        return self.token
