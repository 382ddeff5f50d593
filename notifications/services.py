"""Writes: storing reminders as notifications (once per user and cause), marking them
resolved when their cause is gone, read, sent by email; users' preferences."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from kube_registry.masking import mask_text

from . import channels
from .models import Delivery, Kind, Notification, Preference
from .reminders import OpenItem, Reminder, resolution_checks

CHUNK = 500
RESOLVE_CHUNK = 2_000


def _chunks(items: list, size: int = CHUNK) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def email_kinds(preference: Preference | None) -> set[str]:
    """The kinds a user gets by email: every kind until they choose."""
    return set(Kind.values) if preference is None else set(preference.email_kinds)


def delivery_for(kind: str, *, email: str, preference: Preference | None) -> str:
    if not email or kind not in email_kinds(preference):
        return Delivery.INBOX
    return Delivery.DIGEST if preference is not None and preference.daily_digest else Delivery.EMAIL


def notifications_create(reminders: Iterable[Reminder]) -> list[Notification]:
    """Store the reminders no user has had yet (one per user and key); returns the new ones.

    A reminder already sent — today, or on an earlier day while its cause lasts — is left
    alone: running the same day twice sends nothing twice (the unique (user, key) is the last
    line). How each leaves the inbox (email, digest, inbox only) is decided now, from the
    user's preferences.
    """
    wanted: dict[tuple[int, str], Reminder] = {}
    for reminder in reminders:
        wanted.setdefault((reminder.user_id, reminder.key), reminder)
    if not wanted:
        return []
    keys = sorted({key for _user, key in wanted})
    existing = set()
    for chunk in _chunks(keys):
        existing |= set(Notification.objects.filter(key__in=chunk).values_list("user_id", "key"))
    new = [reminder for pair, reminder in wanted.items() if pair not in existing]
    user_ids = sorted({reminder.user_id for reminder in new})
    emails, preferences = {}, {}
    for chunk in _chunks(user_ids):
        emails |= dict(get_user_model().objects.filter(pk__in=chunk).values_list("pk", "email"))
        preferences |= {p.user_id: p for p in Preference.objects.filter(user_id__in=chunk)}
    rows = [
        Notification(
            user_id=reminder.user_id,
            kind=reminder.kind,
            key=reminder.key,
            title=mask_text(reminder.title)[:200],
            body=mask_text(reminder.body),
            url=reminder.url,
            ref=reminder.ref,
            delivery=delivery_for(
                reminder.kind, email=emails.get(reminder.user_id, ""), preference=preferences.get(reminder.user_id)
            ),
        )
        for reminder in new
    ]
    with transaction.atomic():
        Notification.objects.bulk_create(rows, batch_size=CHUNK, ignore_conflicts=True)
    return rows


def notifications_resolve(*, today: dt.date, user=None) -> int:
    """Mark resolved the open reminders whose cause is gone (all users', or one user's); returns how many.

    A fixed number of queries (up to 2,000 open reminders of a kind): the open reminders, one or
    two per kind among them, one update.
    """
    checks = resolution_checks()
    open_items = Notification.objects.filter(resolved_at__isnull=True, kind__in=list(checks))
    if user is not None:
        open_items = open_items.filter(user=user)
    by_kind: dict[str, list[OpenItem]] = defaultdict(list)
    for pk, kind, user_id, ref in open_items.values_list("pk", "kind", "user_id", "ref"):
        by_kind[kind].append(OpenItem(pk, user_id, ref or {}))
    done: set[int] = set()
    for kind, items in by_kind.items():
        for chunk in _chunks(items, RESOLVE_CHUNK):  # bounded IN lists, whatever the backend's limit
            done |= checks[kind](chunk, today)
    if done:
        now = timezone.now()
        for chunk in _chunks(sorted(done)):
            Notification.objects.filter(pk__in=chunk, resolved_at__isnull=True).update(resolved_at=now)
    return len(done)


def _send(pending, *, digest: bool) -> int:
    by_user = defaultdict(list)
    for notification in pending.select_related("user").order_by("user_id", "created_at", "pk"):
        by_user[notification.user_id].append(notification)
    sent = 0
    for notifications in by_user.values():
        user = notifications[0].user
        if channels.EMAIL.send(user, notifications, digest=digest):
            Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(emailed_at=timezone.now())
            sent += len(notifications)
    return sent


def deliver_pending() -> int:
    """Email each notification waiting to go as its own message (not a digest's, not resolved)."""
    pending = Notification.objects.filter(delivery=Delivery.EMAIL, emailed_at__isnull=True, resolved_at__isnull=True)
    return _send(pending, digest=False)


def digest_send() -> int:
    """Email each user who chose the daily digest one message with their waiting notifications."""
    pending = Notification.objects.filter(delivery=Delivery.DIGEST, emailed_at__isnull=True, resolved_at__isnull=True)
    return _send(pending, digest=True)


def notification_open(*, user, notification: Notification) -> Notification:
    """The user followed the notification's link: it is read."""
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, user=user, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def notifications_mark_all_read(*, user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


@transaction.atomic
def preference_save(*, user, email_kinds: Iterable[str], daily_digest: bool) -> Preference:
    """The kinds the user wants by email and whether as one daily digest. Applies to notifications
    made from now on; those already waiting for email keep how they were to go."""
    kinds = sorted(set(email_kinds) & set(Kind.values))
    preference, _created = Preference.objects.select_for_update().get_or_create(user=user)
    preference.email_kinds = kinds
    preference.daily_digest = daily_digest
    preference.save()
    return preference
