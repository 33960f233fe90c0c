from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BidsConfig(AppConfig):
    name = "bids"
    verbose_name = _("Bids, opening, evaluation and award")

    def ready(self) -> None:
        from bids import checks, receivers  # noqa: F401  (system checks and domain events)
