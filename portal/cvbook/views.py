"""The web pages of the CV book: « mon profil CV-book » and « offres pour vous » of a student, « Accéder aux
meilleurs profils » of a company (search, profile, documents, contact), an offer's suggested profiles, a school's
sharing, the digest's opt-out.

Views parse the request, call one selector or one service and render; the rules live in `portal.access.cvbook`
and `portal.cvbook.services`, shared with the API (`api/cvbook.py`).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cms_pages.models import OfferPage, OrganisationPage
from portal import access
from portal.cvbook import matching, selectors, services
from portal.cvbook.forms import ContactForm, CvbookSearchForm, ProfileForm, SharingForm, VisibilityForm
from portal.exceptions import NotVisible, PortalError
from portal.recruitment.downloads import document_response
from portal.recruitment.uploads import marks_file_names

PAGE_SIZE = 20
FACET_TITLES = {
    "sector": CvbookSearchForm.base_fields["sector"].label,
    "country": CvbookSearchForm.base_fields["country"].label,
    "level": CvbookSearchForm.base_fields["level"].label,
    "keywords": CvbookSearchForm.base_fields["q"].label,
}


def _form_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError back on the form: known fields on the field, the rest on top."""
    for field, field_messages in error.message_dict.items():
        for message in field_messages:
            form.add_error(field if field in form.fields else None, message)


@login_required
def index(request):
    """The CV book's way in: a student's profile, a company member's search."""
    if access.organisations.is_student(request.user):
        return redirect("cvbook:profile")
    company = access.cvbook.search_companies(request.user).order_by("title").first()
    if company is None:
        raise PermissionDenied
    return redirect("cvbook:search", company_id=company.pk)


# The student


@marks_file_names
@login_required
def profile(request):
    """« Mon profil CV-book »: the request, its switch, its documents, and who consulted it."""
    student = access.cvbook.student_of(request.user)
    current = selectors.own_profile(student)
    form = ProfileForm(request.POST or None, request.FILES or None, initial=ProfileForm.initial_for(current))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_profile(
                request.user,
                form.profile_changes(),
                cv=form.cleaned_data["cv"],
                motivation_letter=form.cleaned_data["motivation_letter"],
                by=request.user,
            )
        except ValidationError as error:
            _form_errors(form, error)
        except PortalError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error.message))
        else:
            messages.success(request, _("Your CV-book profile was saved."))
            return redirect("cvbook:profile")
    context = {
        "form": form,
        "profile": current,
        "online": current.pk is not None and selectors.is_online(current),
        "consultations": selectors.consultations(current),
    }
    return render(request, "cvbook/profile.html", context)


@login_required
@require_POST
def set_visibility(request):
    """The switch of the student's home: the profile visible to companies, or not."""
    form = VisibilityForm(request.POST)
    visible = form.is_valid() and form.cleaned_data["visible"]
    try:
        services.set_visible(request.user, visible, by=request.user)
    except ValidationError as error:
        for field_messages in error.message_dict.values():
            for message in field_messages:
                messages.error(request, message)
        return redirect("cvbook:profile")
    if visible:
        messages.success(request, _("Your profile is visible to companies in the CV book."))
    else:
        messages.success(request, _("Your profile is hidden: no company finds it any more."))
    return redirect("accounts:dashboard" if request.POST.get("next") == "home" else "cvbook:profile")


@login_required
def own_document(request, document_id: int):
    """The student downloads a document of their own profile (anybody else's: 404)."""
    student = access.cvbook.student_of(request.user)
    document = selectors.own_document(student, document_id)
    if document is None:
        raise Http404
    return document_response(document)


@login_required
@require_POST
def delete_document(request, document_id: int):
    try:
        services.delete_document(request.user, document_id, by=request.user)
    except NotVisible as error:
        raise Http404 from error
    messages.success(request, _("The document was removed from your profile."))
    return redirect("cvbook:profile")


@login_required
def matching_offers(request):
    """« Offres pour vous »: the live offers that match the student's profile, with the reasons."""
    student = access.cvbook.student_of(request.user)
    current = selectors.own_profile(student)
    found = matching.offers_for(request.user, current, limit=matching.MAX_LIMIT)
    return render(request, "cvbook/matching_offers.html", {"profile": current, "matches": found})


def digest_opt_out(request, token: str):
    """The opt-out link of the weekly digest: a confirmation page, then no more digests (no sign-in needed)."""
    if request.method == "POST":
        try:
            services.stop_digest(token)
        except NotVisible as error:
            raise Http404 from error
        return render(request, "cvbook/digest_opt_out.html", {"done": True})
    return render(request, "cvbook/digest_opt_out.html", {"done": False})


# The company


def _company(request, company_id: int) -> OrganisationPage:
    """The company the member searches for: 403 for non-members of any company, 404 for another company."""
    try:
        return access.cvbook.require_searcher(request.user, company_id)
    except NotVisible as error:
        raise Http404 from error


def _facet_links(request, facets: dict) -> list[dict]:
    """Each facet with its terms; each term links to the search with it added (or, chosen already, removed).

    Sector, country and level hold one term each (choosing another replaces it); keywords add up.
    """
    shown = []
    for name, rows in facets.items():
        if not rows:
            continue
        chosen_keywords = [keyword.casefold() for keyword in request.GET.getlist("keywords")]
        terms = []
        for row in rows:
            params = request.GET.copy()
            params.pop("page", None)
            if name == "keywords":
                chosen = str(row["code"]).casefold() in chosen_keywords
                kept = [
                    keyword for keyword in params.getlist("keywords") if keyword.casefold() != row["code"].casefold()
                ]
                params.setlist("keywords", kept if chosen else [*kept, row["code"]])
            else:
                chosen = str(row["code"]) == request.GET.get(name, "")
                if chosen:
                    params.pop(name, None)
                else:
                    params[name] = row["code"]
            terms.append({**row, "selected": chosen, "url": f"?{params.urlencode()}"})
        shown.append({"name": name, "title": FACET_TITLES[name], "terms": terms})
    return shown


@login_required
def search(request, company_id: int):
    """« Accéder aux meilleurs profils »: the guided search — facets beside the results, each term a link."""
    company = _company(request, company_id)
    form = CvbookSearchForm(request.GET)
    if form.is_valid():
        data = form.cleaned_data
        found = selectors.search_profiles(company, data)
    else:  # an unknown sector, country or level: the form says which, and nothing is listed
        data = {}
        found = selectors.ProfileSearch(profiles=selectors.searchable(company).none(), facets={}, ordering="")
    context = {
        "company": company,
        "space": access.spaces.company_space(request.user, company),
        "form": form,
        "profiles": found.paginator(PAGE_SIZE).get_page(request.GET.get("page")),
        "facets": _facet_links(request, found.facets),
        "searching": any(value for name, value in data.items() if name != "ordering"),
    }
    return render(request, "cvbook/search.html", context)


def _found_profile(request, company, profile_id: int):
    found = selectors.profile_for(company, profile_id)
    if found is None:
        raise Http404
    return found


@login_required
def detail(request, company_id: int, profile_id: int):
    """A profile of the CV book: the request, the documents, « contacter l'étudiant »; the visit is recorded."""
    company = _company(request, company_id)
    found = _found_profile(request, company, profile_id)
    services.record_view(found, company, by=request.user)
    return render(request, "cvbook/detail.html", {"company": company, "profile": found, "contact_form": ContactForm()})


@login_required
def document(request, company_id: int, profile_id: int, document_id: int):
    """The CV or the letter of a profile the company finds, always as a download."""
    company = _company(request, company_id)
    found = _found_profile(request, company, profile_id)
    try:
        return document_response(services.document_for(found, company, document_id, by=request.user))
    except NotVisible as error:
        raise Http404 from error


@login_required
@require_POST
def contact(request, company_id: int, profile_id: int):
    """« Contacter l'étudiant »: the message goes to the student by e-mail."""
    company = _company(request, company_id)
    found = _found_profile(request, company, profile_id)
    form = ContactForm(request.POST)
    back = reverse("cvbook:detail", args=[company.pk, found.pk]) + "#contact"
    if not form.is_valid():
        messages.error(request, _("Write a message."))
        return redirect(back)
    try:
        services.contact_student(found, company, form.cleaned_data["body"], by=request.user)
    except PortalError as error:
        if isinstance(error, NotVisible):
            raise Http404 from error
        messages.error(request, str(error.message))
        return redirect(back)
    messages.success(request, _("Your message was sent to the student by e-mail."))
    return redirect(back)


@login_required
def offer_profiles(request, offer_id: int):
    """The profiles suggested for an offer of the company's workspace, best first, with the reasons."""
    offer = get_object_or_404(
        OfferPage.objects.select_related("company", "country", "sector").prefetch_related(
            "target_countries", "target_organisations", "target_programmes"
        ),
        pk=offer_id,
    )
    try:
        company = access.cvbook.require_matching_reader(request.user, offer)
    except NotVisible as error:
        raise Http404 from error
    found = matching.profiles_for(company, offer, limit=matching.MAX_LIMIT)
    return render(request, "cvbook/offer_profiles.html", {"company": company, "offer": offer, "matches": found})


# The training organisation


@login_required
def sharing(request, school_id: int):
    """How the school's students' profiles are shared with companies (the school-wide programme heads)."""
    school = get_object_or_404(OrganisationPage.objects.schools(), pk=school_id)
    if not access.cvbook.manages_sharing(request.user, school):
        raise Http404
    current = selectors.school_sharing(school)
    initial = {
        "opted_out": current.opted_out,
        "countries": [country.pk for country in current.countries.all()] if current.pk else [],
        "hubs": [hub.pk for hub in current.hubs.all()] if current.pk else [],
    }
    form = SharingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_school_sharing(
                school,
                opted_out=form.cleaned_data["opted_out"],
                countries=form.cleaned_data["countries"],
                hubs=form.cleaned_data["hubs"],
                by=request.user,
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("The sharing of your students' profiles was saved."))
            return redirect("cvbook:sharing", school_id=school.pk)
    return render(request, "cvbook/sharing.html", {"school": school, "form": form})
