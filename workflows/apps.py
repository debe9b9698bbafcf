from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = _("Offer moderation")

    def ready(self):
        # The receivers replace Wagtail's moderation e-mails, which wagtail.admin connects in its own ready().
        from workflows import signals

        signals.connect()
