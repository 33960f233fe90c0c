from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Search and matching")

    def ready(self) -> None:
        from search import receivers  # here, not at the top: it needs the app registry ready

        receivers.connect()
