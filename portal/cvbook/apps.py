from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CvbookConfig(AppConfig):
    name = "portal.cvbook"
    label = "cvbook"
    verbose_name = _("CV book")
