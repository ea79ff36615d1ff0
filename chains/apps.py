from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChainsConfig(AppConfig):
    name = "chains"
    verbose_name = _("Industry chains")

    def ready(self):
        from chains.matrix import checks  # noqa: F401
