"""The `--user` option of the workbook commands: who the history or the audit trail names."""

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

MSG_UNKNOWN_USER = gettext_noop("Pengguna “{username}” tidak ada.")


def user_named(username: str | None):
    """The user of that name, None when no name is given; an unknown name stops the command."""
    if not username:
        return None
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(_(MSG_UNKNOWN_USER).format(username=username))
    return user
