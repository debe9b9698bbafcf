"""How the public pages are served: the offer search, offers only to their audience (each visit counted), the
contact page's form."""

from django.http import Http404
from wagtail import hooks

from cms_pages import views
from cms_pages.models import ContactPage, OfferIndexPage, OfferPage
from portal import access
from workflows import visits


@hooks.register("before_serve_page")
def serve_offer_search(page, request, serve_args, serve_kwargs):
    """The offer index page shows the search: its view takes over."""
    if isinstance(page, OfferIndexPage):
        return views.offer_search(request, page)
    return None


@hooks.register("on_serve_page")
def serve_offers_to_their_audience(next_serve):
    """A targeted offer answers 404 to anybody outside its audience (its existence is not revealed); each visitor
    session of a published offer counts as one visit."""

    def serve(page, request, args, kwargs):
        if not isinstance(page, OfferPage):
            return next_serve(page, request, args, kwargs)
        if not access.offers.visible(request.user, page):
            raise Http404
        response = next_serve(page, request, args, kwargs)
        if page.live:
            visits.record(request, page)
        return response

    return serve


# After Wagtail's own checks (order 0): a contact page an editor restricted stays restricted.
@hooks.register("on_serve_page", order=1)
def serve_contact_form(next_serve):
    """The contact page shows its form and sends what is written there: its view takes over."""

    def serve(page, request, args, kwargs):
        if isinstance(page, ContactPage):
            return views.contact(request, page)
        return next_serve(page, request, args, kwargs)

    return serve
