from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.urls import path, reverse_lazy
from django.views.generic import RedirectView

from portal.accounts import views

app_name = "accounts"

urlpatterns = [
    # « Mon espace »: the dashboard, after signing in.
    path("", login_required(RedirectView.as_view(pattern_name="accounts:dashboard")), name="home"),
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("mon-compte/", views.dashboard, name="dashboard"),
    path("mon-compte/informations/", views.personal_information, name="personal_information"),
    path("notifications/", views.notifications, name="notifications"),
    path(
        "mot-de-passe/",
        auth_views.PasswordChangeView.as_view(
            template_name="accounts/password_change.html", success_url=reverse_lazy("accounts:password_change_done")
        ),
        name="password_change",
    ),
    path(
        "mot-de-passe/modifie/",
        auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_change_done.html"),
        name="password_change_done",
    ),
    path("mot-de-passe/oubli/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "mot-de-passe/oubli/envoye/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html",
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/nouveau/termine/",
        auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    path("entreprises/", views.companies, name="companies"),
    path("entreprises/inscription/", views.CompanyRegistrationWizard.as_view(), name="register_company"),
    path("entreprises/inscription/terminee/", views.registration_done, name="register_company_done"),
    path("entreprises/deja-inscrite/", views.company_lookup, name="company_lookup"),
    path("entreprises/<id:company_id>/contacts/", views.company_contacts, name="company_contacts"),
    path("entreprises/<id:company_id>/contacts/<id:user_id>/", views.company_contact_change, name="company_contact"),
    path("entreprises/<id:company_id>/donnees/", views.company_edit, name="company_edit"),
    path("etudiants/inscription/", views.student_signup, name="register_student"),
    path("etudiants/inscription/envoyee/", views.student_signup_done, name="register_student_done"),
    path("etudiants/confirmer/<uidb64>/<token>/", views.confirm_email, name="confirm_email"),
    path("conditions-generales/", views.terms, name="terms"),
]
