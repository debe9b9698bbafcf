"""How the person signed in is read on each request of a session."""

from django.contrib.auth import backends

from portal.accounts.models import User


class ModelBackend(backends.ModelBackend):
    """Django's backend (e-mail and password, Django's permissions), reading the person signed in with their student
    record (`User.objects.for_request`): one query where the offers' targeting would read a second."""

    def get_user(self, user_id):
        try:
            user = User.objects.for_request().get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
