"""Reads: a user's inbox and unread count, the officers' log of every notification sent."""

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from groups.areas import Area, users_q
from kube_registry.roles import ROLE_ADMIN, ROLE_FACILITATOR, ROLE_OFFICER, user_roles

from .models import Kind, Notification, ScheduledRun
from .reminders import FACILITATOR_KINDS, OFFICER_KINDS


def inbox(user) -> QuerySet[Notification]:
    """The user's notifications, newest first (one query per page, whatever their number)."""
    return Notification.objects.filter(user=user).order_by("-created_at", "-pk")


def unread_count(user) -> int:
    """One query: the bell's number."""
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def kinds_for(user) -> list[tuple[str, str]]:
    """The kinds the user may receive, as (value, label), for the preferences page."""
    roles = user_roles(user)
    if ROLE_ADMIN in roles:
        wanted = set(Kind.values)
    else:
        wanted = set()
        if ROLE_OFFICER in roles:
            wanted |= set(OFFICER_KINDS)
        if ROLE_FACILITATOR in roles:
            wanted |= set(FACILITATOR_KINDS)
    return [(value, label) for value, label in Kind.choices if value in wanted]


def sent_log(*, area: Area, kind: str = "", user_id: int | None = None, state: str = "") -> QuerySet[Notification]:
    """Every notification sent to a user of `area`, newest first, with its recipient; filtered by
    kind, recipient, state."""
    queryset = (
        Notification.objects.filter(users_q(area, "user__")).select_related("user").order_by("-created_at", "-pk")
    )
    if kind:
        queryset = queryset.filter(kind=kind)
    if user_id:
        queryset = queryset.filter(user_id=user_id)
    if state == "terbuka":
        queryset = queryset.filter(resolved_at__isnull=True)
    elif state == "selesai":
        queryset = queryset.filter(resolved_at__isnull=False)
    return queryset


def recipients(area: Area) -> list[tuple[int, str]]:
    """Users of `area` who have received a notification, for the log's filter; one query."""
    users = get_user_model().objects.filter(users_q(area), notifications__isnull=False).distinct().order_by("username")
    return [(u.pk, u.get_full_name() or u.username) for u in users.only("pk", "username", "first_name", "last_name")]


def recent_runs(limit: int = 12) -> list[ScheduledRun]:
    return list(ScheduledRun.objects.order_by("-day", "-started_at")[:limit])
