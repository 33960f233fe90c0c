from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PilotsConfig(AppConfig):
    name = "pilots"
    verbose_name = _("Pilots")

    def ready(self) -> None:
        # Models are ready only now; the OCDS module imports them.
        from pilots import ocds

        ocds.register()  # the contracts' implementation in OCDS releases
