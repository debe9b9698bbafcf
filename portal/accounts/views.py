"""Account web pages: sign-in and its lockout page, company registration, company contacts, student sign-up."""

import math

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from formtools.wizard.views import SessionWizardView

from cms_pages.models import OrganisationPage
from portal import access
from portal.accounts import forms, login_limits, services
from portal.accounts.models import Membership, Student
from portal.accounts.stats import public_counters
from portal.accounts.tokens import email_confirmation_token
from portal.exceptions import NotVisible
from portal.notifications import services as notification_services
from portal.notifications.models import Notification


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = forms.EmailAuthenticationForm
    redirect_authenticated_user = True


def login_locked_out(request, original_response=None, credentials=None):
    """The answer to a sign-in refused for too many failures (django-axes' lockout callable, for the portal's
    sign-in page and the admin's): how long to wait, on a page of the portal, with 429 and `Retry-After`."""
    wait = login_limits.lockout_wait(request, credentials)
    context = {"message": login_limits.lockout_message(wait), "login_url": request.get_full_path()}
    response = render(request, "accounts/login_locked.html", context, status=429)
    response["Retry-After"] = str(math.ceil(wait.total_seconds()))
    return response


class PasswordResetView(auth_views.FormView):
    """Asks for an e-mail address; the link goes out through the task queue, whatever the address."""

    template_name = "accounts/password_reset.html"
    form_class = forms.PasswordResetRequestForm

    def form_valid(self, form):
        services.request_password_reset(form.cleaned_data["email"])
        return redirect("accounts:password_reset_done")


@login_required
def dashboard(request):
    user = request.user
    context = {
        "spaces": access.spaces.company_spaces(user),
        "followup": access.spaces.followup_space(user),
        "school_roles": user.school_roles.select_related("school", "programme"),
        "hub_roles": user.hub_roles.select_related("hub"),
        "student": Student.objects.select_related("school", "programme").filter(user=user).first(),
        "counters": public_counters(),
    }
    return render(request, "accounts/dashboard.html", context)


@login_required
def personal_information(request):
    """« Informations personnelles »: civility, name, phone and language of the signed-in person."""
    form = forms.PersonalInformationForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_personal_information(
                request.user, {name: form.cleaned_data[name] for name in form.changed_data}, by=request.user
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            translation.activate(request.user.language)
            messages.success(request, _("Your information was saved."))
            response = redirect("accounts:dashboard")
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                request.user.language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
            return response
    return render(request, "accounts/personal_information.html", {"form": form})


WIZARD_STEPS = [
    ("identity", forms.CompanyIdentityForm),
    ("contacts", forms.ContactFormSet),
    ("activity", forms.CompanyActivityForm),
    ("terms", forms.TermsForm),
]


class CompanyRegistrationWizard(SessionWizardView):
    """The four screens of the company registration: identity, secondary contacts, activity, terms."""

    form_list = WIZARD_STEPS
    template_name = "accounts/register_company.html"

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form=form, **kwargs)
        context["step_titles"] = [
            _("Identity"),
            _("Secondary contacts"),
            _("Activity"),
            _("Terms of use"),
        ]
        context["terms_version"] = settings.TERMS_VERSION
        return context

    def done(self, form_list, **kwargs):
        identity, contacts, activity, terms = (form.cleaned_data for form in form_list)
        registration = services.CompanyRegistration(
            name=identity["name"],
            registration_number=identity.get("registration_number", ""),
            address=identity.get("address", ""),
            postcode=identity.get("postcode", ""),
            city=identity["city"],
            country=identity["country"].code,
            phone=identity.get("phone", ""),
            admin=services.ContactData(
                email=identity["admin_email"],
                first_name=identity["admin_first_name"],
                last_name=identity["admin_last_name"],
                civility=identity.get("admin_civility", ""),
                language=identity["admin_language"],
            ),
            contacts=[
                services.ContactData(
                    email=row["email"],
                    first_name=row["first_name"],
                    last_name=row["last_name"],
                    can_create_offers=row.get("can_create_offers", False),
                    language=identity["admin_language"],
                )
                for row in contacts
                if row and row.get("email")
            ],
            sector=activity["sector"].code,
            expertise_domains=activity.get("expertise_domains", ""),
            keywords=activity["keywords"],
            description=activity["description"],
            website=activity.get("website", ""),
            reference_hub=activity["reference_hub"].pk,
            accept_terms=terms["accept_terms"],
        )
        try:
            company = services.register_company(registration)
        except ValidationError as error:
            # Someone registered the same company or e-mail between two steps: show why, write nothing.
            form = self.get_form(step="terms", data=self.storage.get_step_data("terms"))
            form.is_valid()
            for messages_ in error.message_dict.values():
                for message in messages_:
                    form.add_error(None, message)
            self.storage.current_step = "terms"
            return self.render(form)
        self.request.session["registered_company"] = company.title
        return redirect("accounts:register_company_done")


def registration_done(request):
    return render(
        request, "accounts/register_company_done.html", {"company": request.session.get("registered_company")}
    )


def companies(request):
    """« Vous êtes une entreprise »: what the portal offers companies and the ways in (check whether the company is
    registered, register it, sign in); once signed in, the menus of one's companies."""
    return render(request, "accounts/companies.html", {"spaces": access.spaces.company_spaces(request.user)})


def company_lookup(request):
    form = forms.CompanyLookupForm(request.GET)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    results = services.find_companies(query)[:20] if query else []
    return render(request, "accounts/company_lookup.html", {"query": query, "results": results, "form": form})


def _company_for(user, company_id: int, perm: str) -> OrganisationPage:
    company = get_object_or_404(OrganisationPage.objects.companies(), pk=company_id)
    try:
        access.require(user, perm, company, visible_to_user=False)
    except NotVisible as error:
        raise Http404 from error
    return company


@login_required
def company_contacts(request, company_id: int):
    company = _company_for(request.user, company_id, access.organisations.MANAGE_CONTACTS)
    form = forms.ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.add_contact(
                company,
                services.ContactData(
                    email=data["email"],
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    can_create_offers=data["can_create_offers"],
                    language=request.user.language,
                ),
                by=request.user,
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, _("The contact was added and received an e-mail to choose a password."))
            return redirect("accounts:company_contacts", company_id=company.pk)
    memberships = company.memberships.select_related("user").order_by("role", "user__last_name")
    return render(
        request, "accounts/company_contacts.html", {"company": company, "memberships": memberships, "form": form}
    )


@login_required
@require_POST
def company_contact_change(request, company_id: int, user_id: int):
    company = _company_for(request.user, company_id, access.organisations.MANAGE_CONTACTS)
    membership = get_object_or_404(Membership, organisation=company, user_id=user_id)
    try:
        if request.POST.get("action") == "remove":
            services.remove_contact(membership, by=request.user)
            messages.success(request, _("The contact was removed."))
        else:
            allowed = request.POST.get("can_create_offers") == "on"
            services.set_contact_rights(membership, can_create_offers=allowed, by=request.user)
            messages.success(request, _("The contact's rights were saved."))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("accounts:company_contacts", company_id=company.pk)


@login_required
def company_edit(request, company_id: int):
    company = _company_for(request.user, company_id, access.organisations.MANAGE_COMPANY)
    initial = {
        "name": company.title,
        "address": company.address,
        "postcode": company.postcode,
        "city": company.city,
        "country": company.country_id,
        "phone": company.phone,
        "email": company.email,
        "sector": company.sector_id,
        "expertise_domains": company.expertise_domains,
        "keywords": ", ".join(company.keyword_list),
        "description": company.description,
        "website": company.website,
    }
    form = forms.CompanyEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_company(company, form.changes(), by=request.user)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, _("The company's data were saved."))
            return redirect("accounts:company_edit", company_id=company.pk)
    return render(request, "accounts/company_edit.html", {"company": company, "form": form})


def student_signup(request):
    form = forms.StudentSignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.register_student(form.registration())
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            return redirect("accounts:register_student_done")
    return render(request, "accounts/register_student.html", {"form": form})


def student_signup_done(request):
    return render(request, "accounts/register_student_done.html")


def confirm_email(request, uidb64: str, token: str):
    user_model = get_user_model()
    try:
        user = user_model.objects.get(pk=force_str(urlsafe_base64_decode(uidb64)), student__isnull=False)
    except (user_model.DoesNotExist, ValueError, TypeError, OverflowError):
        user = None
    if user is None or not email_confirmation_token.check_token(user, token):
        return render(request, "accounts/confirm_email.html", {"confirmed": False}, status=400)
    services.confirm_student_email(user)
    return render(request, "accounts/confirm_email.html", {"confirmed": True})


def terms(request):
    return render(request, "accounts/terms.html", {"terms_version": settings.TERMS_VERSION})


@login_required
def notifications(request):
    """The user's notifications, newest first, the unread ones marked; POST marks them all read."""
    if request.method == "POST":
        notification_services.mark_all_read(request.user)
        messages.success(request, _("All your notifications are marked as read."))
        return redirect("accounts:notifications")
    queryset = Notification.objects.for_user(request.user).select_related("recipient")
    page = Paginator(queryset, 20).get_page(request.GET.get("page"))
    unread_count = Notification.objects.for_user(request.user).unread().count()
    return render(request, "accounts/notifications.html", {"page": page, "unread_count": unread_count})
