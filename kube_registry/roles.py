"""The three roles, their permissions, and the access mixins views use.

Roles are Django auth groups. Each app grants its own permissions to the roles in a
data migration that calls `grant_role_permissions`, so this module imports no app.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.http import JsonResponse
from django.shortcuts import resolve_url
from django.utils.translation import gettext_lazy as _
from django.views import View

from .phone import from_phone_queue

ROLE_ADMIN = "admin"
ROLE_OFFICER = "petugas"
ROLE_FACILITATOR = "pendamping"
# A province's or the Ministry's reader: reads every city of their area (groups.UserArea), writes nothing.
ROLE_OBSERVER = "pemantau"

ROLE_LABELS = {
    ROLE_ADMIN: _("Admin"),
    ROLE_OFFICER: _("Petugas Dinas Sosial"),
    ROLE_FACILITATOR: _("Pendamping"),
    ROLE_OBSERVER: _("Pemantau provinsi/nasional"),
}

_CRUD = ("add", "change", "delete", "view")

# app label -> role -> permission codenames. A facilitator's permissions apply only to
# the groups assigned to them: views scope every read through `visible_to(user)`.
ROLE_PERMISSIONS: dict[str, dict[str, list[str]]] = {
    "auth": {
        ROLE_ADMIN: [f"{a}_user" for a in _CRUD] + ["view_group"],
    },
    "groups": {
        ROLE_ADMIN: [
            *(
                f"{a}_{m}"
                for m in ("kecamatan", "kelurahan", "kube", "person", "membership", "facilitatorarea")
                for a in _CRUD
            ),
            "view_all_kube",
            "view_personal_data",
            "import_registry",
        ],
        ROLE_OFFICER: [
            "view_kecamatan",
            "view_kelurahan",
            "add_kube",
            "change_kube",
            "view_kube",
            "view_all_kube",
            *(f"{a}_{m}" for m in ("person", "membership") for a in ("add", "change", "view")),
            # Facilitators' work areas (the kelurahan of their waiting families) are the office's to set.
            *(f"{a}_facilitatorarea" for a in _CRUD),
            "import_registry",
        ],
        ROLE_OBSERVER: [
            *(f"view_{m}" for m in ("kecamatan", "kelurahan", "kube", "person", "membership")),
            "view_all_kube",
        ],
        ROLE_FACILITATOR: [
            "view_kube",
            "change_kube",
            *(f"{a}_{m}" for m in ("person", "membership") for a in ("add", "change", "view")),
        ],
    },
    # Filled by each app with its own models' permissions, granted by its migrations.
    "finances": {
        ROLE_ADMIN: [
            *(
                f"{a}_{m}"
                for m in ("monthlyreport", "memberline", "grant", "asset", "loan", "repayment", "product")
                for a in _CRUD
            ),
            "verify_monthlyreport",
        ],
        ROLE_OFFICER: [
            "view_monthlyreport",
            "view_memberline",
            "verify_monthlyreport",
            *(
                f"{a}_{m}"
                for m in ("grant", "asset", "loan", "repayment", "product")
                for a in ("add", "change", "view")
            ),
        ],
        ROLE_OBSERVER: [
            f"view_{m}" for m in ("monthlyreport", "memberline", "grant", "asset", "loan", "repayment", "product")
        ],
        ROLE_FACILITATOR: [
            *(f"{a}_{m}" for m in ("monthlyreport", "memberline", "product") for a in ("add", "change", "view")),
            *(f"view_{m}" for m in ("grant", "asset", "loan", "repayment")),
        ],
    },
    "partnerships": {
        ROLE_ADMIN: [
            *(f"{a}_{m}" for m in ("partner", "partnership") for a in _CRUD),
            "merge_partner",
            "view_partnermerge",
        ],
        ROLE_OFFICER: [f"{a}_{m}" for m in ("partner", "partnership") for a in ("add", "change", "view")],
        ROLE_OBSERVER: ["view_partner", "view_partnership"],
        # Partners are the office's list; a facilitator picks from it for their own groups.
        ROLE_FACILITATOR: ["view_partner", *(f"{a}_partnership" for a in ("add", "change", "view"))],
    },
    "assessments": {
        ROLE_ADMIN: [
            *(f"{a}_assessment" for a in ("add", "change", "view")),
            "judge_assessment",
            "view_thresholdsetting",
            "change_thresholds",
        ],
        # Officers run assessments and add their judgement; a facilitator reads their groups'.
        ROLE_OFFICER: ["add_assessment", "view_assessment", "judge_assessment", "view_thresholdsetting"],
        ROLE_FACILITATOR: ["view_assessment"],
        ROLE_OBSERVER: ["view_assessment", "view_thresholdsetting"],
    },
    "formation": {
        ROLE_ADMIN: [
            *(f"{a}_{m}" for m in ("candidate", "proposal", "proposalcandidate", "kubestage") for a in _CRUD),
            "view_proposaldecision",
            "view_all_proposal",
            "decide_proposal",
        ],
        # Officers review proposals and record the program's stages.
        ROLE_OFFICER: [
            *(
                f"{a}_{m}"
                for m in ("candidate", "proposal", "proposalcandidate", "kubestage")
                for a in ("add", "change", "view")
            ),
            "view_proposaldecision",
            "view_all_proposal",
            "decide_proposal",
        ],
        ROLE_OBSERVER: ["view_proposal", "view_proposalcandidate", "view_kubestage", "view_all_proposal"],
        # A facilitator proposes groups where they work and records families; never decides.
        ROLE_FACILITATOR: [
            *(f"{a}_{m}" for m in ("candidate", "proposal", "proposalcandidate") for a in ("add", "change", "view")),
            "view_proposaldecision",
            "view_kubestage",
        ],
    },
    "monitoring": {
        ROLE_ADMIN: [
            *(f"{a}_{m}" for m in ("visit", "visitphoto", "followup", "training") for a in _CRUD),
        ],
        # Officers record monitoring-and-evaluation visits and trainings, and follow every group.
        ROLE_OFFICER: [
            *(f"{a}_{m}" for m in ("visit", "visitphoto", "followup", "training") for a in ("add", "change", "view")),
        ],
        # A facilitator records the visits to their own groups and their follow-ups.
        ROLE_FACILITATOR: [
            *(f"{a}_{m}" for m in ("visit", "visitphoto", "followup") for a in ("add", "change", "view")),
            "view_training",
        ],
        ROLE_OBSERVER: [f"view_{m}" for m in ("visit", "visitphoto", "followup", "training")],
    },
    # Everyone has their own inbox; the log of every reminder sent is the office's.
    "notifications": {
        ROLE_ADMIN: ["view_all_notification"],
        ROLE_OFFICER: ["view_all_notification"],
    },
    # The queue of background jobs: the office sees every job (a job's owner always sees their own);
    # an admin may run another's failed job again.
    "jobs": {
        ROLE_ADMIN: ["view_job", "change_job"],
        ROLE_OFFICER: ["view_job"],
    },
}


def grant_role_permissions(apps, app_label: str) -> None:
    """Create the roles if needed and give them `app_label`'s permissions.

    For data migrations: permissions normally appear only after `migrate` finishes
    (post_migrate), so they are created here first.
    """
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config(app_label)
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)

    auth_group = apps.get_model("auth", "Group")
    permission = apps.get_model("auth", "Permission")
    # An early migration runs before later ones create some models: their default
    # permissions are granted by the migration that creates them.
    models_now = {model._meta.model_name for model in app_config.get_models()}

    def later_model(codename: str) -> bool:
        action, _sep, model = codename.partition("_")
        return action in _CRUD and model not in models_now and "_" not in model

    for role in ROLE_LABELS:
        group, _created = auth_group.objects.get_or_create(name=role)
        codenames = ROLE_PERMISSIONS.get(app_label, {}).get(role, [])
        perms = permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        missing = {c for c in set(codenames) - set(perms.values_list("codename", flat=True)) if not later_model(c)}
        if missing:
            raise RuntimeError(f"Unknown permissions for {app_label}: {sorted(missing)}")
        group.permissions.add(*perms)


def user_roles(user) -> set[str]:
    """The role names of a user, read once per request object."""
    if not user.is_authenticated:
        return set()
    if not hasattr(user, "_role_cache"):
        user._role_cache = set(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            user._role_cache.add(ROLE_ADMIN)
    return user._role_cache


def is_facilitator(user) -> bool:
    return ROLE_FACILITATOR in user_roles(user)


def primary_role(user) -> str | None:
    """The role that decides a user's home page: admin, officer, facilitator, then observer."""
    roles = user_roles(user)
    for role in (ROLE_ADMIN, ROLE_OFFICER, ROLE_FACILITATOR, ROLE_OBSERVER):
        if role in roles:
            return role
    return None


class RoleRequiredMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """The one order of answers for every page: anonymous users go to sign-in; an object
    named in the URL that the user may not see is 404; a page the role may not use is
    403; a method the page does not take is 405.

    `scope` names the view's cached properties that look up the URL's objects among
    those the user may see (raising 404). They are read before the permission and the
    method are checked, so a 403 or a 405 never confirms that another's object exists.
    """

    scope: tuple[str, ...] = ()

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            if from_phone_queue(request):  # the phone's queue keeps the sending until the user signs in
                login = f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': request.get_full_path()})}"
                return JsonResponse({"status": "signin", "url": login}, status=401)
            return self.handle_no_permission()
        for name in self.scope:
            getattr(self, name)
        if not self.has_permission():
            return self.handle_no_permission()
        return View.dispatch(self, request, *args, **kwargs)
