"""What the public page templates read beyond their page: the portal's counters and the reader's own standing."""

from django import template

from cms_pages import search
from cms_pages.models import PAGE_SIZE
from portal import access
from portal.accounts.stats import public_counters as counters
from portal.recruitment import selectors as applications

register = template.Library()


@register.simple_tag
def public_counters() -> dict[str, int]:
    """Students, organisations, CVs and live offers, as the home page shows them."""
    return counters()


@register.simple_tag(takes_context=True)
def company_offers(context, company):
    """The newest offers of `company` that the reader may find."""
    return search.company_offers(context["request"].user, company, limit=PAGE_SIZE)


@register.simple_tag(takes_context=True)
def reader_is_student(context) -> bool:
    return access.organisations.is_student(context["request"].user)


@register.simple_tag(takes_context=True)
def own_application(context, offer):
    """The reader's live application to `offer`, if they are a student who applied."""
    return applications.own_active_application(context["request"].user, offer)
