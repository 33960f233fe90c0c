from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TendersConfig(AppConfig):
    name = "tenders"
    verbose_name = _("Needs and tenders")
