from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_roles(sender, app_config, apps, using="default", **kwargs) -> None:
    """Give the roles each app's permissions after every migrate and every flush.

    The data migrations create the roles once; a flush (TransactionTestCase, `manage.py
    flush`) empties auth_group, and only post_migrate runs again after it.
    """
    from .roles import ROLE_PERMISSIONS, grant_role_permissions

    if app_config.label not in ROLE_PERMISSIONS:
        return
    try:
        apps.get_app_config(app_config.label)
        apps.get_model("auth", "Group")
    except LookupError:  # migrated backwards past the app or auth
        return
    grant_role_permissions(apps, app_config.label)


class KubeRegistryConfig(AppConfig):
    name = "kube_registry"
    verbose_name = "Registri KUBE"

    def ready(self) -> None:
        post_migrate.connect(_sync_roles, dispatch_uid="kube_registry.sync_roles")
