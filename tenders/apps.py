from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TendersConfig(AppConfig):
    name = "tenders"
    verbose_name = _("Needs and tenders")

    def ready(self) -> None:
        # Receivers, checks and quota sources are wired once the app registry is ready.
        from marketplace.page_cache import page_cache_invalidate
        from marketplace.uploads import register_quota_source
        from tenders.domain_events import need_changed, tender_changed
        from tenders.ocds import checks, receivers  # noqa: F401  (system check, releases)
        from tenders.services.tender_files import storage_used

        register_quota_source(storage_used)
        receivers.connect()
        # Public pages show tenders and needs: a change makes every cached page stale.
        tender_changed.connect(page_cache_invalidate, dispatch_uid="page_cache.tender_changed")
        need_changed.connect(page_cache_invalidate, dispatch_uid="page_cache.need_changed")
