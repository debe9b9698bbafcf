"""The public pages' own views: the offer search of the offer index page, and offers by their number."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from cms_pages import search
from cms_pages.forms import OfferSearchForm
from cms_pages.models import PAGE_SIZE, OfferIndexPage
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
    """The search form, the facets beside the results, one page of offers (the offer index page's content)."""
    form = OfferSearchForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    found = search.search_offers(request.user, data)
    context = {
        **page.get_context(request),
        "form": form,
        "offers": Paginator(found.offers, PAGE_SIZE).get_page(request.GET.get("page")),
        "facets": _facet_links(request, found.facets),
        "ordering": found.ordering,
        "searching": any(value for name, value in data.items() if name != "ordering"),
    }
    return TemplateResponse(request, page.get_template(request), context)


def offer_by_number(request, number: int):
    """An offer by its number (N° 00381), for links in e-mails and on paper: 404 unless its reader may find it."""
    offer = search.by_number(request.user, number) if within_range(number) else None
    if offer is None:
        raise Http404
    return redirect(offer.get_url(request))
