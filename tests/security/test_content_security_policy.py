"""The Content-Security-Policy of each part of the site, the templates it relies on, and the language cookie."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

from portal.recruitment import services as recruitment_services
from tests.factories import CompanyFactory, UserFactory, company_admin, student
from tests.portal.test_deploy_settings import run_manage
from tests.recruitment.files import cv, letter
from tests.recruitment.fixtures import published_offer

pytestmark = pytest.mark.django_db

# What every part of the site keeps: nothing from elsewhere, no plug-in, no <base>, forms only to the portal,
# framed only by the portal itself (Wagtail's preview).
SITE = {
    "default-src": {"'self'"},
    "object-src": {"'none'"},
    "base-uri": {"'self'"},
    "form-action": {"'self'"},
    "frame-ancestors": {"'self'"},
}


def policy(response) -> dict[str, set[str]]:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.wsgi_request.path}"
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = set(sources)
    return directives


@pytest.fixture
def portal(company, admin, author):
    offer = published_offer(company, author)
    applicant = student()
    application = recruitment_services.apply(
        applicant, offer=offer, message="Bonjour", cv=cv(), motivation_letter=letter()
    )
    return {"company": company, "admin": admin, "offer": offer, "applicant": applicant, "application": application}


def test_public_pages_run_no_inline_script_and_load_nothing_from_elsewhere(client, portal):
    for path in [
        "/",
        "/offres/",
        "/offres/?q=python",
        portal["offer"].url,
        "/organisations/",
        portal["company"].url,
        "/guides/",
        "/comptes/connexion/",
        "/comptes/entreprises/inscription/",
        "/api/v1/offers",
    ]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert policy(response) == SITE, path


def test_error_pages_have_the_policy_of_the_site(client):
    assert policy(client.get("/nulle-part/")) == SITE
    assert policy(client.get("/offres/numero/99999999999999999999/")) == SITE


def test_workspace_pages_of_companies_and_students_have_the_policy_of_the_site(client, portal):
    client.force_login(portal["admin"])
    for path in [
        "/comptes/mon-compte/",
        f"/espace/entreprises/{portal['company'].pk}/offres/",
        f"/espace/entreprises/{portal['company'].pk}/offres/nouvelle/",
        f"/candidatures/entreprises/{portal['company'].pk}/",
        f"/candidatures/{portal['application'].pk}/",
        f"/comptes/entreprises/{portal['company'].pk}/donnees/",
    ]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert policy(response) == SITE, path
    client.force_login(portal["applicant"])
    assert policy(client.get("/candidatures/")) == SITE


def test_the_wagtail_admin_alone_may_run_inline_scripts_and_styles(client):
    editor = UserFactory(is_staff=True, is_superuser=True)
    assert policy(client.get("/admin/login/")) == {
        **SITE,
        "script-src": {"'self'", "'unsafe-inline'"},
        "style-src": {"'self'", "'unsafe-inline'"},
        "img-src": {"'self'", "data:", "blob:"},
    }
    client.force_login(editor)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert "'unsafe-inline'" in policy(response)["script-src"]


def test_the_admin_previews_of_a_page_keep_the_policy_of_the_site(client, portal):
    editor = UserFactory(is_staff=True, is_superuser=True)
    company = portal["company"]
    revision = company.save_revision(user=editor)
    client.force_login(editor)

    for path in [
        f"/admin/pages/{company.pk}/view_draft/",
        f"/admin/pages/{company.pk}/revisions/{revision.pk}/view/",
    ]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert policy(response) == SITE, path
    edit = client.get(f"/admin/pages/{company.pk}/edit/")
    assert "'unsafe-inline'" in policy(edit)["script-src"]


def test_the_api_documentation_is_served_by_the_portal_with_its_own_styles_and_images(client):
    response = client.get("/api/v1/docs/")

    assert policy(response) == {**SITE, "style-src": {"'self'", "'unsafe-inline'"}, "img-src": {"'self'", "data:"}}
    page = response.content.decode()
    scripts = re.findall(r'<script[^>]*src="([^"]+)"', page)
    assert len(scripts) == 3 and all(src.startswith(("/static/", "/api/v1/docs/")) for src in scripts), scripts
    assert "https://" not in page and "<script>" not in page
    for static in re.findall(r'(?:src|href)="/static/([^"]+)"', page):
        assert finders.find(static), static


def test_templates_hold_no_inline_script_style_or_event_handler():
    """What the policy of the site forbids is nowhere in the portal's templates (e-mails aside: not pages)."""
    found = []
    for template in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        if "notifications/email" in template.as_posix():
            continue
        text = template.read_text()
        for pattern in (r"<script(?![^>]*\bsrc=)[^>]*>", r"<style\b", r"\sstyle=", r"\son[a-z]+=", r"javascript:"):
            found += [f"{template.name}: {match}" for match in re.findall(pattern, text)]
    assert found == []


def test_no_template_or_code_marks_text_safe_but_rich_text():
    """Plain text is escaped wherever it is shown; only rich text (editors' or cleaned on the way in) is not."""
    marked = []
    for template in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        text = template.read_text()
        marked += [f"{template.name}: {m}" for m in re.findall(r"\|safe\b|\|safeseq|autoescape off", text)]
        marked += [
            f"{template.name}: {value}|richtext"
            for value in re.findall(r"{{\s*([\w.]+)\|richtext", text)
            if value not in ("page.intro", "page.description", "page.company.description")
        ]
    for folder in ("portal", "cms_pages", "workflows", "api"):
        for module in Path(settings.BASE_DIR, folder).rglob("*.py"):
            text = module.read_text()
            marked += [f"{module.name}: {m}" for m in re.findall(r"mark_safe|SafeString|format_html", text)]
    assert marked == []


def test_the_static_files_the_templates_name_exist():
    names = set()
    for template in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        names.update(re.findall(r"{% static '([^']+)' %}", template.read_text()))

    assert {"css/error.css", "js/history-back.js"} <= names
    assert [name for name in sorted(names) if not finders.find(name)] == []


def test_the_language_cookie_travels_like_the_session_cookie(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie["samesite"] == "Lax" and cookie["httponly"]


def test_the_language_chosen_in_the_personal_details_sets_the_same_cookie(client):
    user = company_admin(CompanyFactory())
    client.force_login(user)

    response = client.post(
        "/comptes/mon-compte/informations/",
        {"civility": "", "first_name": "Aurélie", "last_name": "Hogge", "phone": "", "language": "en"},
    )

    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en" and cookie["samesite"] == "Lax" and cookie["httponly"]


def test_in_production_the_language_cookie_goes_over_https_only(tmp_path):
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings as s; "
        "print(s.LANGUAGE_COOKIE_SECURE, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.LANGUAGE_COOKIE_SAMESITE)",
        DEBUG="0",
        SECRET_KEY="k3y-for-the-deployment-check-" + "x7Qz9" * 8,
        ALLOWED_HOSTS="stages.example.org",
        VAR_DIR=str(tmp_path),
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == ["True", "True", "True", "Lax"]
