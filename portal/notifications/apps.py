from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "portal.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        # The delivery task listens for recorded notifications: connect it in every process, web and consumer.
        from portal.notifications import tasks  # noqa: F401
