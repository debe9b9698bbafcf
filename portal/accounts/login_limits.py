"""How many failed sign-ins the portal accepts, and for how long it refuses more.

django-axes counts the failures of every sign-in that goes through `authenticate(request=...)`: the
portal's sign-in page, the Wagtail admin's and the API's token login. Its counters are rows in the
database (`AccessAttempt`), so every web process, every server and a restart see the same numbers.

Two limits, over the cool-off period (`AXES_COOLOFF_TIME` after the latest counted failure):
- one account from one address (`AXES_FAILURE_LIMIT`): the guessing of one person's password stops,
  while that person still signs in from another address;
- one address, whatever the accounts (`LOGIN_ADDRESS_FAILURE_LIMIT`, much higher): spraying one password
  over many accounts stops, while the students behind a school's shared address are not locked out by
  one of them mistyping.
A success clears that account's failures from that address, never the address's other failures.
"""

import math
from datetime import datetime, timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit, get_lockout_parameters
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Sum
from django.http import HttpRequest
from django.utils.translation import ngettext

# AccessAttempt.username holds at most that many characters.
_ACCOUNT_NAME_LENGTH = 255


def account_name(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The account a sign-in is for, as the portal stores e-mails: « Alice@X.org » and « alice@x.org » count once."""
    source = credentials if credentials is not None else getattr(request, "POST", {})
    # authenticate(username=...) from the sign-in forms and the API, authenticate(email=...) from scripts.
    value = source.get(settings.AXES_USERNAME_FORM_FIELD) or source.get(get_user_model().USERNAME_FIELD)
    if not value:
        return None
    return str(value).strip().lower()[:_ACCOUNT_NAME_LENGTH]


def _own_limit(parameter: str | list[str]) -> int:
    """A limit naming the account is the account's; the address alone has its own, higher one."""
    names = {parameter} if isinstance(parameter, str) else set(parameter)
    return settings.AXES_FAILURE_LIMIT if "username" in names else settings.LOGIN_ADDRESS_FAILURE_LIMIT


class LoginFailureHandler(AxesDatabaseHandler):
    """Axes' database handler with one limit per lockout parameter instead of one for all."""

    def _attempts_by_limit(self, request, credentials):
        parameters = get_lockout_parameters(request, credentials)
        return zip(map(_own_limit, parameters), self.get_user_attempts(request, credentials), strict=True)

    def get_failures(self, request, credentials: dict | None = None) -> int:
        """The failures counted against this sign-in, in the unit of `AXES_FAILURE_LIMIT`, which Axes compares.

        Each parameter's failures are scaled to that limit (25 failures of an address allowed 50 count as 2
        of an account's 5), so a parameter reaches the limit exactly when it reaches its own.
        """
        limit = get_failure_limit(request, credentials)
        counted = 0
        for own_limit, attempts in self._attempts_by_limit(request, credentials):
            failures = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            counted = max(counted, failures * limit // own_limit)
        return counted

    def reset_user_attempts(self, request, credentials: dict | None = None) -> int:
        """After a success, forget that account's failures from that address, and only those.

        Axes would forget every failure matching any parameter, the address's included: one valid account
        would then reset the spraying limit of its whole address.
        """
        count, _ = AccessAttempt.objects.filter(
            username=get_client_username(request, credentials), ip_address=request.axes_ip_address
        ).delete()
        return count

    def unlocked_at(self, request, credentials: dict | None = None) -> datetime | None:
        """When the locks on this sign-in end: a lock lasts until enough of its latest failures are too old."""
        cool_off = get_cool_off(request)
        ends = []
        for own_limit, attempts in self._attempts_by_limit(request, credentials):
            failures = 0
            for attempt_time, count in attempts.order_by("-attempt_time").values_list(
                "attempt_time", "failures_since_start"
            ):
                failures += count
                if failures >= own_limit:
                    ends.append(attempt_time + cool_off)
                    break
        return max(ends, default=None)


def lockout_wait(request: HttpRequest, credentials: dict | None = None) -> timedelta:
    """How long a locked-out sign-in must wait (the whole cool-off if the end cannot be told)."""
    AxesProxyHandler.update_request(request)
    ends = AxesProxyHandler.get_implementation().unlocked_at(request, credentials)
    if ends is None:
        return get_cool_off(request)
    return max(ends - request.axes_attempt_time, timedelta(seconds=1))


def lockout_message(wait: timedelta) -> str:
    """What the locked-out person reads, on the web and in the API: the wait, in whole minutes rounded up."""
    minutes = max(1, math.ceil(wait.total_seconds() / 60))
    return ngettext(
        "Too many failed sign-in attempts: try again in %(minutes)d minute.",
        "Too many failed sign-in attempts: try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}
