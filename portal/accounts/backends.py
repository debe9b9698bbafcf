"""How the person signed in is read on each request of a session."""

from django.contrib.auth import backends

from portal.accounts.selectors import person_for_request


class ModelBackend(backends.ModelBackend):
    """Django's backend (e-mail and password, Django's permissions), reading the person signed in with their student
    record (`portal.accounts.selectors.person_for_request`): one query where the offers' targeting would read a
    second."""

    def get_user(self, user_id):
        user = person_for_request(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
