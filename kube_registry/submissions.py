"""One save per form: a double-clicked submit does not create twice.

Every form a `kube_registry.form_views.ServiceFormMixin` view renders carries a hidden one-time
`form_token`, made on GET. Its first POST claims it (one INSERT into
`SubmissionToken`, unique per user) in the same transaction as the save, and stores
where the save led; a second POST with the same token finds it claimed and goes there
too, with a message, without saving again. A refused save rolls the claim back, so
the corrected form can be sent with the same token. The table is in the database, so
this holds across app servers.
"""

import datetime as dt
import secrets
from collections.abc import Callable
from typing import Any

from django import forms
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from .models import SubmissionToken

FIELD = "form_token"
MSG_ALREADY_SAVED = gettext_noop("Formulir ini sudah disimpan; tidak disimpan dua kali.")
# A phone may hold a sending for weeks without a signal; its retry must still find the claim.
KEEP_FOR = dt.timedelta(days=30)


class AlreadySubmitted(Exception):
    def __init__(self, url: str):
        super().__init__(url)
        self.url = url


def token_new() -> str:
    return secrets.token_urlsafe(24)


def token_field() -> forms.CharField:
    return forms.CharField(widget=forms.HiddenInput, required=False, max_length=64, initial=token_new)


def run_once(*, user, token: str, perform: Callable[[], Any], url_of: Callable[[Any], str]) -> tuple[Any, str]:
    """`perform()` and its result's URL, unless `token` was already used by `user` (AlreadySubmitted).

    Without a token (a client that did not send the form's field) it simply performs.
    """
    if not token or not getattr(user, "is_authenticated", False):
        result = perform()
        return result, url_of(result)
    with transaction.atomic():
        try:
            with transaction.atomic():
                claim = SubmissionToken.objects.create(user=user, token=token)
        except IntegrityError:
            earlier = SubmissionToken.objects.filter(user=user, token=token).values_list("result_url", flat=True)
            raise AlreadySubmitted(earlier.first() or "") from None
        result = perform()
        url = url_of(result)
        claim.result_url = str(url)[:500]
        claim.save(update_fields=["result_url"])
    return result, url


def tokens_purge(*, now: dt.datetime | None = None) -> int:
    """Forget tokens older than KEEP_FOR: no double click or phone queue waits that long."""
    cutoff = (now or timezone.now()) - KEEP_FOR
    deleted, _by_model = SubmissionToken.objects.filter(created_at__lt=cutoff).delete()
    return deleted
