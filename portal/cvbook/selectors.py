"""Reading the CV book: a student's own profile, who consulted it, and the companies' faceted search.

The search serves the page « Accéder aux meilleurs profils » and `GET /cvbook` alike: the words of `q` must all
appear in a profile's title, summary or keywords (Wagtail's search backend, as the offer search); filters by
sector, country, level, keywords and availability are plain SQL on the result; the facets are counted over the
filtered results, one query per facet, in the format of the offer search (`cms_pages.search`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from cms_pages.search import words
from portal import access
from portal.cvbook.models import Profile, ProfileDocument, ProfileKeyword, ProfileView, SchoolSharing
from portal.reference.choices import StudyLevel

# Facet name (as in the API and the query string) → the profile's field; keywords are counted apart.
FACETS = {"sector": "sector", "country": "country", "level": "study_level"}
KEYWORD_FACET_SIZE = 20
RELEVANCE, NEWEST = "relevance", "newest"
ORDERINGS = [(RELEVANCE, _("Relevance")), (NEWEST, _("Most recent first"))]


@dataclass
class ProfileSearch:
    """The profiles found, in order, and the facet counts over them."""

    profiles: QuerySet
    facets: dict[str, list[dict]]
    ordering: str


def own_profile(student) -> Profile:
    """The student's profile; a new one (not saved, hidden, at their study level) until they write it."""
    profile = Profile.objects.for_listing().filter(student=student).first()
    if profile is None:
        profile = Profile(student=student, study_level=student.study_level)
    return profile


def own_document(student, document_id: int):
    """A document of the student's own profile (None for anybody else's)."""
    return ProfileDocument.objects.filter(profile__student=student, pk=document_id).first()


def is_online(profile: Profile) -> bool:
    """Do companies find the profile at all (switched on, and the school shares its students' profiles)?"""
    return Profile.objects.online().filter(pk=profile.pk).exists()


def school_sharing(school) -> SchoolSharing:
    """The school's choice (a new, unsaved one shares with every company)."""
    return SchoolSharing.objects.filter(school=school).first() or SchoolSharing(school=school)


def consultations(profile: Profile, *, limit: int = 50) -> list[ProfileView]:
    """Who consulted the profile, newest first: the company and the day, nothing more."""
    if profile.pk is None:
        return []
    return list(profile.views.select_related("company").order_by("-day", "-pk")[:limit])


def searchable(company) -> QuerySet[Profile]:
    """The profiles `company` finds in the CV book (see `access.cvbook.searchable_q`)."""
    return Profile.objects.filter(access.cvbook.searchable_q(company))


def profile_for(company, profile_id: int) -> Profile | None:
    """One profile of the CV book, as `company` finds it (None when hidden from it, or unknown)."""
    return (
        searchable(company)
        .for_listing()
        .select_related("student__school", "student__programme")
        .filter(pk=profile_id)
        .first()
    )


def filter_profiles(profiles: QuerySet, data: dict) -> QuerySet:
    """Narrow `profiles` by the search form's cleaned data (an empty value does not filter)."""
    if data.get("sector"):
        profiles = profiles.filter(sector=data["sector"])
    if data.get("country"):
        profiles = profiles.filter(country=data["country"])
    if data.get("level"):
        profiles = profiles.filter(study_level=data["level"])
    for keyword in data.get("keywords") or ():
        profiles = profiles.filter(
            Exists(ProfileKeyword.objects.filter(content_object=OuterRef("pk"), tag__name__iexact=keyword))
        )
    if data.get("available_by"):
        profiles = profiles.filter(Q(available_from__isnull=True) | Q(available_from__lte=data["available_by"]))
    return profiles


def facet_counts(profiles: QuerySet) -> dict[str, list[dict]]:
    """{facet: [{"code", "label", "count"}]} over `profiles`, most frequent first: one query per facet."""
    name = "name_en" if (get_language() or "fr").startswith("en") else "name_fr"
    found = Profile.objects.filter(pk__in=profiles.order_by().values("pk")).order_by()
    facets = {}
    for facet, field in FACETS.items():
        if facet == "level":
            labels = dict(StudyLevel.choices)
            rows = found.exclude(study_level="").values(field).annotate(count=Count("pk")).order_by("-count", field)
            facets[facet] = [
                {"code": row[field], "label": str(labels.get(row[field], row[field])), "count": row["count"]}
                for row in rows
            ]
        else:
            rows = (
                found.filter(**{f"{field}__isnull": False})
                .values(field, f"{field}__{name}")
                .annotate(count=Count("pk"))
                .order_by("-count", field)
            )
            facets[facet] = [
                {"code": row[field], "label": row[f"{field}__{name}"], "count": row["count"]} for row in rows
            ]
    keywords = (
        ProfileKeyword.objects.filter(content_object__in=found.values("pk"))
        .values("tag__name")
        .annotate(count=Count("content_object", distinct=True))
        .order_by("-count", "tag__name")[:KEYWORD_FACET_SIZE]
    )
    facets["keywords"] = [
        {"code": row["tag__name"], "label": row["tag__name"], "count": row["count"]} for row in keywords
    ]
    return facets


def search_profiles(company, data: dict, *, with_facets: bool = True) -> ProfileSearch:
    """The profiles `company` finds matching the search form's cleaned data, and the facets over them.

    Ordering: relevance when there is a query and no other choice, most recently updated first otherwise.
    """
    terms = words(data.get("q"))
    ordering = data.get("ordering") or (RELEVANCE if terms else NEWEST)
    if ordering == RELEVANCE and not terms:
        ordering = NEWEST
    profiles = filter_profiles(searchable(company), data)
    if terms:
        results = Profile.objects.all().search(
            " ".join(terms), operator="and", order_by_relevance=ordering == RELEVANCE
        )
        # The database backends answer a plain queryset of the matching profiles, ranked when asked.
        profiles = results.get_queryset().filter(pk__in=profiles.values("pk"))
    if ordering == NEWEST:
        profiles = profiles.order_by("-updated_at", "-pk")
    facets = facet_counts(profiles) if with_facets else {}
    return ProfileSearch(profiles=profiles.for_listing(), facets=facets, ordering=ordering)
