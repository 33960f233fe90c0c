from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = _("Matching, partners and alerts")

    def ready(self) -> None:
        from matching import receivers  # noqa: F401  (connects them; needs the app registry ready)
