from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupConfig(AppConfig):
    name = "portal.followup"
    label = "followup"
    verbose_name = _("Internship follow-up")

    def ready(self):
        # The company tutor's link is made when an e-mail of the follow-up goes out, so that its token never rests
        # in the database (see services/links.py).
        from portal.followup.services import links
        from portal.notifications import emails

        emails.register_send_time_context(links.context_for_email)
