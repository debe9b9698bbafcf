"""The public pages' own views: the offer search of the offer index page, offers by their number, and the form of
the contact page."""

import math

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cms_pages import search
from cms_pages.forms import ContactForm, OfferSearchForm
from cms_pages.models import PAGE_SIZE, ContactPage, OfferIndexPage, OfferPage
from portal.contact import services as contact_services
from portal.contact.throttles import ContactRateThrottle
from portal.ids import within_range

FACET_TITLES = {
    "sector": OfferSearchForm.base_fields["sector"].label,
    "country": OfferSearchForm.base_fields["country"].label,
    "internship_type": OfferSearchForm.base_fields["internship_type"].label,
    "level": OfferSearchForm.base_fields["level"].label,
}


def _facet_links(request, facets: dict) -> list[dict]:
    """Each facet with its terms, and for each term the link that adds it to the search (or removes it)."""
    shown = []
    for name, rows in facets.items():
        if not rows:
            continue
        selected = request.GET.get(name, "")
        terms = []
        for row in rows:
            params = request.GET.copy()
            params.pop("page", None)
            chosen = str(row["code"]) == selected
            if chosen:
                params.pop(name, None)
            else:
                params[name] = row["code"]
            terms.append({**row, "selected": chosen, "url": f"?{params.urlencode()}"})
        shown.append({"name": name, "title": FACET_TITLES[name], "terms": terms})
    return shown


def offer_search(request, page: OfferIndexPage) -> TemplateResponse:
    """The search form, the facets beside the results, one page of offers (the offer index page's content).

    Criteria that cannot be read (an unknown sector, a date that is none) are shown as errors of the form and find
    no offer: listing every offer under an error would pass them off as the results."""
    form = OfferSearchForm(request.GET)
    if form.is_valid():
        data = form.cleaned_data
        found = search.search_offers(request.user, data)
        offers, facets, ordering = found.paginator(PAGE_SIZE), _facet_links(request, found.facets), found.ordering
    else:
        data = {}
        offers, facets, ordering = Paginator(OfferPage.objects.none(), PAGE_SIZE), [], ""
    context = {
        **page.get_context(request),
        "form": form,
        "offers": offers.get_page(request.GET.get("page")),
        "facets": facets,
        "ordering": ordering,
        "searching": any(value for name, value in data.items() if name != "ordering"),
    }
    return TemplateResponse(request, page.get_template(request), context)


def offer_by_number(request, number: int):
    """An offer by its number (N° 00381), for links in e-mails and on paper: 404 unless its reader may find it."""
    offer = search.by_number(request.user, number) if within_range(number) else None
    if offer is None:
        raise Http404
    return redirect(offer.get_url(request))


def _sent(request, page: ContactPage, team: str):
    messages.success(
        request, _("Your message was sent to %(team)s. The answer will come to your e-mail.") % {"team": team}
    )
    return redirect(page.get_url(request))


def _too_many_messages(wait: float) -> str:
    minutes = max(1, math.ceil(wait / 60))
    return ngettext(
        "You have sent several messages in a short time: try again in %(minutes)d minute.",
        "You have sent several messages in a short time: try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


def contact(request, page: ContactPage) -> TemplateResponse:
    """The contact page: the teams' addresses and the form. A message is e-mailed to the team chosen; an address
    sends a few an hour (429 beyond, the wait said on the form)."""
    context = page.get_context(request)
    initial = {}
    if request.user.is_authenticated:
        initial = {"name": request.user.get_full_name(), "email": request.user.email}
    form = ContactForm(request.POST or None, initial=initial, page=page, teams=context["teams"])
    status, retry_after = 200, None
    if request.method == "POST" and form.is_valid():
        if form.is_from_a_robot():
            # Told what a person would be told; nothing is sent, nothing counted.
            return _sent(request, page, page.team_name)
        throttle = ContactRateThrottle()
        if throttle.allow_request(request, None):
            try:
                recipient = contact_services.send_message(form.contact_message(), by=request.user)
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    for message in errors:
                        form.add_error(field if field in form.fields else None, message)
            else:
                return _sent(request, page, recipient.team)
        else:
            retry_after = math.ceil(throttle.wait() or 1)
            form.add_error(None, _too_many_messages(retry_after))
            status = 429
    response = TemplateResponse(request, page.get_template(request), {**context, "form": form}, status=status)
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response
