from django.apps import AppConfig


class KubeRegistryConfig(AppConfig):
    name = "kube_registry"
    verbose_name = "Registri KUBE"
