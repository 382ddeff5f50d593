from django.conf import settings

from .roles import ROLE_LABELS, primary_role


def roles(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"city_name": settings.KUBE_CITY_NAME}
    role = primary_role(user)
    return {
        "city_name": settings.KUBE_CITY_NAME,
        "user_role": role,
        "user_role_label": ROLE_LABELS.get(role, ""),
    }
