"""Machine clients of the read API (`/api/`) and the record of every call they make.

A client is issued by an administrator (the admin or `api_client_create`) for one area
(a city, a province or the country) and sees exactly that area's objects. Its secret is
shown once, at issue; only its SHA-256 is stored, with a short prefix to tell clients apart.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from groups.areas import Area, AreaLevel, area_for, level_matches_q
from groups.models import City


class ApiClient(models.Model):
    name = models.CharField(
        _("nama"), max_length=150, help_text=_("Siapa yang memakai token ini, mis. Dinsos Provinsi.")
    )
    # The secret's first characters, stored plainly: what the admin and the call log show.
    prefix = models.CharField(_("awalan token"), max_length=12, unique=True, editable=False)
    token_hash = models.CharField(_("hash token"), max_length=64, unique=True, editable=False)
    level = models.CharField(_("tingkat"), max_length=10, choices=AreaLevel.choices, default=AreaLevel.KOTA)
    city = models.ForeignKey(
        City, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("kota")
    )
    province_code = models.CharField(_("kode provinsi"), max_length=2, blank=True)
    personal_data = models.BooleanField(
        _("boleh melihat data pribadi"),
        default=False,
        help_text=_("NIK, nomor KK, telepon dan tanggal lahir lengkap. Tanpa ini semuanya disamarkan."),
    )
    is_active = models.BooleanField(_("aktif"), default=True, help_text=_("Hapus centang untuk mencabut token."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("diterbitkan oleh"),
    )
    created_at = models.DateTimeField(_("diterbitkan"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("terakhir dipakai"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("klien API")
        verbose_name_plural = _("klien API")
        constraints = [
            models.CheckConstraint(
                condition=level_matches_q(),
                name="api_client_area_matches_level",
                violation_error_message=_("Kota wajib untuk tingkat kota, kode provinsi untuk tingkat provinsi."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def as_area(self) -> Area:
        """The area the client reads."""
        return area_for(self.level, self.city, self.province_code)


class ApiCall(models.Model):
    """One request of a known client, refused ones (401, 404, 429) included: one insert each."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="calls", verbose_name=_("klien"))
    method = models.CharField(_("metode"), max_length=10)
    path = models.CharField(_("alamat"), max_length=500)
    query_string = models.TextField(_("parameter"), blank=True)
    status_code = models.PositiveSmallIntegerField(_("kode status"))
    duration_ms = models.PositiveIntegerField(_("durasi (ms)"))
    at = models.DateTimeField(_("waktu"), db_index=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("panggilan API")
        verbose_name_plural = _("panggilan API")
        indexes = [models.Index(fields=["client", "at"], name="api_call_client_at")]

    def __str__(self) -> str:
        return f"{self.client} {self.method} {self.path} {self.status_code}"
