"""Optimistic locking for every edit form: no save overwrites a change the user never saw.

Each editable model has a `version` (`version_field()`), raised by one on every write:
services through `version_bump`, the import engine in `update_with_history`. An edit
form carries the version it was read at (a hidden field the view adds, see
`kube_registry.form_views.ServiceFormMixin`); the service locks the row and calls `version_check`,
which refuses a stale save with `StaleEdit`: a message naming who changed what since
(old → new, read from the row's history), personal data masked for users who may not
read it. The page keeps what the user typed and now carries the current version, so a
second save, after reading the changes, goes through.
"""

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from kube_registry.masking import age_display, mask_id_number, mask_phone

FIELD = "version"
MSG_STALE = gettext_noop(
    "Data ini sudah diubah oleh {user} ({time}) setelah Anda membukanya; isian Anda belum disimpan. "
    "Yang berubah: {changes}. Periksa isian Anda, lalu simpan lagi bila tetap benar."
)
MSG_STALE_UNKNOWN = gettext_noop("perubahan lain")
MSG_CHANGE = gettext_noop("{label}: {old} → {new}")
MSG_SOMEONE = gettext_noop("pengguna lain")
# Shown only to users with `groups.view_personal_data`; others see a mask.
PERSONAL_FIELDS = {"nik", "kk", "phone", "birth_on"}
ID_NUMBER_FIELDS = {"nik", "kk"}
_IGNORED = {"id", FIELD, "created_at", "updated_at", "changed_at"}


def version_field() -> models.PositiveIntegerField:
    return models.PositiveIntegerField(gettext_lazy("versi"), default=1, editable=False)


class StaleEdit(ValidationError):
    """A save refused because the row changed after the form was read; knows the current version."""

    def __init__(self, message: str, *, current_version: int):
        super().__init__(message, code="stale")
        self.current_version = current_version


def version_bump(obj: models.Model) -> None:
    obj.version += 1


def version_check(obj: models.Model, version: int | None, *, actor, fields: Iterable[str] | None = None) -> None:
    """Refuse with `StaleEdit` unless `version` (read by the form; None: not given) is `obj`'s.

    `obj` is the row as locked by the caller (select_for_update). `fields` limits the
    list of changes to what the form shows (default: every tracked field).
    """
    if version is None or version == obj.version:
        return
    raise StaleEdit(stale_message(obj, version, actor=actor, fields=fields), current_version=obj.version)


def stale_message(obj: models.Model, version: int, *, actor, fields: Iterable[str] | None = None) -> str:
    records = obj.history.select_related("history_user")
    latest = records.first()
    read = records.filter(version=version).first()
    user = latest.history_user if latest is not None else None
    can_see = actor is not None and actor.has_perm("groups.view_personal_data")
    changes = changes_since(obj, read, fields=fields, can_see_personal_data=can_see) if read is not None else []
    return _(MSG_STALE).format(
        user=(user.get_full_name() or user.username) if user is not None else _(MSG_SOMEONE),
        time=date_format(timezone.localtime(latest.history_date), "j M Y H:i") if latest is not None else "—",
        changes="; ".join(changes) or _(MSG_STALE_UNKNOWN),
    )


def changes_since(obj, record, *, fields=None, can_see_personal_data: bool) -> list[str]:
    """'Label: old → new' for each field that differs between a history `record` and `obj`."""
    meta = obj._meta
    names = list(fields) if fields is not None else [f.name for f in meta.concrete_fields]
    out = []
    for name in names:
        if name in _IGNORED:
            continue
        field = meta.get_field(name)
        old, new = getattr(record, field.attname, None), getattr(obj, field.attname, None)
        if old == new:
            continue
        label = capfirst(str(field.verbose_name))
        if isinstance(old, dict) and isinstance(new, dict):  # a JSON setting: the keys that changed
            for key in sorted(set(old) | set(new)):
                if old.get(key) != new.get(key):
                    pair = (_display(field, old.get(key)), _display(field, new.get(key)))
                    out.append(_(MSG_CHANGE).format(label=f"{label} ({key})", old=pair[0], new=pair[1]))
            continue
        if name in PERSONAL_FIELDS and not can_see_personal_data:
            shown = (_mask(name, old), _mask(name, new))
        else:
            shown = (_display(field, old), _display(field, new))
        out.append(_(MSG_CHANGE).format(label=label, old=shown[0], new=shown[1]))
    return out


def _mask(name: str, value) -> str:
    """The masking rule (kube_registry.masking) for one changed personal field."""
    if value in (None, ""):
        return "—"
    if name in ID_NUMBER_FIELDS:
        return mask_id_number(value)
    if name == "phone":
        return mask_phone(value)
    return age_display(value) if isinstance(value, dt.date) else "•••"


def _display(field, value) -> str:
    if value in (None, ""):
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.ForeignKey):
        related = field.related_model._default_manager.filter(pk=value).first()  # only on a refused save
        return str(related) if related is not None else "—"
    if isinstance(field, models.BooleanField):
        return _("ya") if value else _("tidak")
    if isinstance(value, dt.date):
        return date_format(value, "j M Y")
    return str(value)
