from django.utils import timezone

from .phone import is_phone_copy, opaque_user
from .roles import ROLE_LABELS, primary_role


def roles(request):
    user = getattr(request, "user", None)
    # When the page was made: a copy kept on the phone shows its age (static/js/offline/app.js).
    common = {
        "page_time": timezone.now().isoformat(timespec="seconds"),
        "is_phone_copy": is_phone_copy(request),
    }
    if user is None or not user.is_authenticated:
        return common
    role = primary_role(user)
    return common | {
        "offline_user": opaque_user(user),
        "user_role": role,
        "user_role_label": ROLE_LABELS.get(role, ""),
    }
