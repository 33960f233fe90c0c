from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TendersConfig(AppConfig):
    name = "tenders"
    verbose_name = _("Needs and tenders")

    def ready(self) -> None:
        from marketplace.uploads import register_quota_source
        from tenders.services.documents import storage_used

        register_quota_source(storage_used)
