from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BidsConfig(AppConfig):
    name = "bids"
    verbose_name = _("Bids, opening, evaluation and award")

    def ready(self) -> None:
        # Imported here, not at the top: these modules use the models, which are loaded only
        # once the app registry is ready (Django's AppConfig.ready contract).
        from bids import checks, receivers  # noqa: F401  (system checks and domain events)
        from bids.audit_visibility import sealed_bid_events_q
        from marketplace.audit_visibility import register_sealed_filter

        register_sealed_filter(sealed_bid_events_q)

        from bids.services.bid_files import storage_used
        from marketplace.uploads import register_quota_source

        register_quota_source(storage_used)
