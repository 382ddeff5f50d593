"""Notifications sent to users, what each user wants by email, and the record of scheduled runs."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    REPORT_DUE = "laporan_jatuh_tempo", _("Laporan bulanan segera jatuh tempo")
    REPORT_OVERDUE = "laporan_terlambat", _("Laporan bulanan terlambat")
    REPORT_RETURNED = "laporan_dikembalikan", _("Laporan dikembalikan belum diperbaiki")
    REPORTS_MISSING = "laporan_belum_masuk", _("Daftar laporan yang belum masuk")
    LOAN_OVERDUE = "pinjaman_menunggak", _("Pinjaman anggota menunggak")
    FOLLOW_UP_DUE = "tindak_lanjut", _("Tindak lanjut kunjungan jatuh tempo")
    NOT_VISITED = "belum_dikunjungi", _("KUBE belum dikunjungi")
    PROPOSAL_WAITING = "usulan_menunggu", _("Usulan menunggu keputusan")
    JUDGEMENT_REVIEW = "tinjau_keputusan", _("Keputusan kategori perlu ditinjau")
    WEEKLY_SUMMARY = "ringkasan_mingguan", _("Ringkasan mingguan")


class Delivery(models.TextChoices):
    """How a notification leaves the inbox, decided from the user's preferences when it is made."""

    INBOX = "aplikasi", _("Hanya di aplikasi")
    EMAIL = "surel", _("Surel tersendiri")
    DIGEST = "ringkasan", _("Ringkasan harian lewat surel")


class Notification(models.Model):
    """One message to one user. `key` names its cause (the rule and the record it is about),
    so a second run of a rule on the same day — or the next day, while the cause lasts —
    finds the notification already there and sends nothing again."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("penerima")
    )
    kind = models.CharField(_("jenis"), max_length=30, choices=Kind.choices)
    key = models.CharField(_("kunci"), max_length=150)
    title = models.CharField(_("judul"), max_length=200)
    body = models.TextField(_("isi"))
    url = models.CharField(_("tautan"), max_length=300, blank=True)
    # What the reminder is about ({"kube": 12, "period": "2025-11"}): read again to tell whether its cause is gone.
    ref = models.JSONField(_("rujukan"), default=dict, blank=True)
    delivery = models.CharField(_("pengiriman"), max_length=12, choices=Delivery.choices, default=Delivery.INBOX)
    created_at = models.DateTimeField(_("dikirim"), auto_now_add=True)
    read_at = models.DateTimeField(_("dibaca"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("selesai"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("dikirim lewat surel"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("pemberitahuan")
        verbose_name_plural = _("pemberitahuan")
        permissions = [("view_all_notification", _("Dapat melihat semua pemberitahuan yang dikirim"))]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="notification_once_per_user_key"),
        ]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notification_user_unread"),
            models.Index(fields=["delivery"], name="notification_email_pending", condition=Q(emailed_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def is_resolved(self) -> bool:
        return self.resolved_at is not None


class Preference(models.Model):
    """What a user wants by email. No row: every kind by email, one message each."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
        verbose_name=_("pengguna"),
    )
    email_kinds = models.JSONField(_("jenis yang dikirim lewat surel"), default=list, blank=True)
    daily_digest = models.BooleanField(_("ringkasan harian"), default=False)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        verbose_name = _("pengaturan pemberitahuan")
        verbose_name_plural = _("pengaturan pemberitahuan")

    def __str__(self) -> str:
        return str(self.user)


class ScheduledRun(models.Model):
    """One scheduled task for one day (`run_schedules`): when it ran and what it did.

    Unique per (name, day): a finished run is not run again for that day.
    """

    name = models.CharField(_("jadwal"), max_length=40)
    day = models.DateField(_("hari"))
    started_at = models.DateTimeField(_("mulai"))
    finished_at = models.DateTimeField(_("selesai"), null=True, blank=True)
    counts = models.JSONField(_("hasil"), default=dict, blank=True)
    error = models.TextField(_("galat"), blank=True)

    class Meta:
        ordering = ["-day", "-started_at"]
        verbose_name = _("jadwal yang dijalankan")
        verbose_name_plural = _("jadwal yang dijalankan")
        constraints = [models.UniqueConstraint(fields=["name", "day"], name="scheduledrun_once_per_name_day")]

    def __str__(self) -> str:
        return f"{self.name} {self.day:%Y-%m-%d}"
