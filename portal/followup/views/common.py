"""What the follow-up's pages share: finding the internship, acting through a service, the dashboard's filters."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse

from portal import access
from portal.exceptions import NotVisible, PortalError
from portal.followup import selectors
from portal.followup.choices import InternshipStatus, LabelState
from portal.followup.forms import DashboardFilterForm
from portal.ids import within_range

PAGE_SIZE = 25


def internship_for(request, internship_id: int):
    """The internship and the reader's roles in it; 404 for anybody who may not read it."""
    internship = selectors.detail(request.user, internship_id)
    if internship is None:
        raise Http404
    return internship, access.followup.roles(request.user, internship)


def page_of(name: str, internship, anchor: str = "") -> str:
    return reverse(f"followup:{name}", args=[internship.pk]) + (f"#{anchor}" if anchor else "")


def act(request, run, *, success: str, target, form=None):
    """Run a service for the page, then go to `target` (a URL, or a function of what the service returned).

    A refusal is shown on the form (on its field when it names one) and the page is shown again (None is
    returned), or without a form as a message on `target`; nothing is written. 404 when the object is not the
    person's to know."""
    try:
        result = run()
    except NotVisible as error:
        raise Http404 from error
    except PortalError as error:
        if form is not None:
            form.add_error(error.field if error.field in form.fields else None, str(error.message))
            return None
        messages.error(request, str(error.message))
        return redirect(target)
    messages.success(request, success)
    return redirect(target(result) if callable(target) else target)


def _number(value: str) -> int | None:
    return int(value) if value.isdigit() and within_range(int(value)) else None


def dashboard_filters(request) -> tuple[DashboardFilterForm, selectors.Filters]:
    """The filter form over the values of the person's scope, and the filters the query asks (a value outside the
    scope filters everything out; an unknown one is ignored)."""
    params = request.GET
    year = params.get("year", "").split("-", 1)[0]
    filters = selectors.Filters(
        year=_number(year),
        programme=_number(params.get("programme", "")),
        company=_number(params.get("company", "")),
        label=params.get("label", "") if params.get("label", "") in LabelState.values else "",
        status=params.get("status", "") if params.get("status", "") in InternshipStatus.values else "",
    )
    initial = {name: value for name, value in vars(filters).items() if value}
    form = DashboardFilterForm(initial=initial, choices=selectors.filter_choices(request.user))
    return form, filters


def paginate(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
