"""Issuing API clients: the secret is made here, shown once, and only its hash is kept."""

import datetime as dt
import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from groups.areas import AreaLevel
from groups.models import City

from .models import ApiClient

TOKEN_START = "kube_"  # tells a leaked string in a log or a repository for what it is
PREFIX_LENGTH = 8

CITY_UNKNOWN = _("Kota {code} tidak ada di registri (muat wilayahnya dulu: load_regions --city).")
PROVINCE_INVALID = _("Kode provinsi harus dua angka, mis. 64.")
AREA_REQUIRED = _("Pilih satu wilayah: kota, provinsi atau nasional.")


def hash_secret(secret: str) -> str:
    """What is stored of a secret (the secret has 256 random bits: no salt or stretching needed)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret() -> tuple[str, str]:
    """A fresh (secret, prefix)."""
    body = secrets.token_urlsafe(32)
    return f"{TOKEN_START}{body}", body[:PREFIX_LENGTH]


def api_client_create(
    *,
    name: str,
    level: str,
    city: City | None = None,
    province_code: str = "",
    personal_data: bool = False,
    created_by=None,
) -> tuple[ApiClient, str]:
    """Issue a client for one area; returns it with its secret, which is never stored."""
    if (level == AreaLevel.KOTA and city is None) or level not in AreaLevel.values:
        raise ValidationError(AREA_REQUIRED)
    if level == AreaLevel.PROVINSI and not (len(province_code) == 2 and province_code.isdigit()):
        raise ValidationError(PROVINCE_INVALID)
    client = ApiClient(
        name=name,
        level=level,
        city=city if level == AreaLevel.KOTA else None,
        province_code=province_code if level == AreaLevel.PROVINSI else "",
        personal_data=personal_data,
    )
    client.full_clean(exclude=["prefix", "token_hash", "created_by"])
    return client, api_client_issue(client, created_by=created_by)


def api_client_issue(client: ApiClient, *, created_by=None) -> str:
    """Give a new (unsaved, checked) client its secret and save it; returns the secret."""
    with transaction.atomic():
        while True:
            secret, prefix = new_secret()
            if not ApiClient.objects.filter(prefix=prefix).exists():
                break
        client.prefix, client.token_hash, client.created_by = prefix, hash_secret(secret), created_by
        client.save()
    return secret


def city_by_code(code: str) -> City:
    city = City.objects.filter(code=code.strip()).first()
    if city is None:
        raise ValidationError(CITY_UNKNOWN.format(code=code))
    return city


def api_calls_purge(*, now=None) -> int:
    """The daily clean-up: forget calls older than KUBE_API_LOG_DAYS (the log answers "who read
    what" for an audit year, then goes). Returns how many were deleted."""
    from django.conf import settings
    from django.utils import timezone

    from .models import ApiCall

    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.KUBE_API_LOG_DAYS)
    deleted, _by_model = ApiCall.objects.filter(at__lt=cutoff).delete()
    return deleted
