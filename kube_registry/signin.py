"""Sign-in throttling (django-axes): the backend, the client's address, the lockout page.

Settings: kube_registry/settings/security.py.
"""

from axes.attempts import get_cool_off_threshold
from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Q, Sum
from django.shortcuts import render


class UserWithAreaMixin:
    """Read the signed-in user with their area (groups.UserArea) in the same query:
    every scoped read asks for it (groups.areas.area_of)."""

    def get_user(self, user_id):
        user_model = get_user_model()
        try:
            user = user_model._default_manager.select_related("area__city").get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user if user.is_active else None


class UserBackend(UserWithAreaMixin, ModelBackend):
    """Django's model backend, reading the user with their area."""


class SignInThrottleBackend(UserWithAreaMixin, AxesStandaloneBackend):
    """django-axes' check, for sign-ins that come with a request.

    Management commands and the shell call `authenticate()` without a request; there is
    no address to throttle there, and axes would raise instead of answering.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class SignInAttemptsHandler(AxesDatabaseHandler):
    """axes' database handler with a limit per user name and per address besides the pair's.

    axes compares one number, `get_failures`, with one limit, AXES_FAILURE_LIMIT (the
    pair's). Here that number is the pair's failures, raised to the limit when the user
    name's failures from any address reach SIGNIN_LIMIT_USER or the address's failures
    for any name reach SIGNIN_LIMIT_ADDRESS. One query for the three counts.
    """

    def get_failures(self, request, credentials=None) -> int:
        username = get_client_username(request, credentials)
        address = request.axes_ip_address
        recent = AccessAttempt.objects.filter(attempt_time__gte=get_cool_off_threshold(request))
        counts = recent.aggregate(
            pair=Sum("failures_since_start", filter=Q(username=username, ip_address=address), default=0),
            user=Sum("failures_since_start", filter=Q(username=username), default=0),
            address=Sum("failures_since_start", filter=Q(ip_address=address), default=0),
        )
        if counts["user"] >= settings.SIGNIN_LIMIT_USER or counts["address"] >= settings.SIGNIN_LIMIT_ADDRESS:
            return max(counts["pair"], settings.AXES_FAILURE_LIMIT)
        return counts["pair"]

    def reset_user_attempts(self, request, credentials=None) -> int:
        """After a successful sign-in: forget that name's failures from that address only."""
        username = get_client_username(request, credentials)
        count, _ = AccessAttempt.objects.filter(username=username, ip_address=request.axes_ip_address).delete()
        return count


def client_ip(request) -> str:
    """The client's address: the one our proxy appended to X-Forwarded-For, when trusted."""
    if getattr(settings, "TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last = forwarded.split(",")[-1].strip()
        if last:
            return last
    return request.META.get("REMOTE_ADDR", "")


def signin_locked_out(request, original_response=None, credentials=None):
    """The answer to a sign-in while its user name and address wait: 429, in the user's language."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)
