from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketplaceConfig(AppConfig):
    name = "marketplace"
    verbose_name = _("Marketplace")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Connects receivers and registers checks.
        # Receivers and checks connect on import, once the models are ready.
        from . import account_audit, checks, page_cache, session_timeout  # noqa: F401

        page_cache.connect()
