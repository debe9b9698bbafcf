from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsPagesConfig(AppConfig):
    name = "cms_pages"
    verbose_name = _("Pages")

    def ready(self):
        from cms_pages import signals  # noqa: F401  (the receivers connect on import)
