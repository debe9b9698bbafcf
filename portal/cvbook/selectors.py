"""Reading the CV book: a student's own profile, who consulted it, and the companies' faceted search.

The search serves the page « Accéder aux meilleurs profils » and `GET /cvbook` alike: the words of `q` must all
appear in a profile's title, summary or keywords (Wagtail's search backend, as the offer search); filters by
sector, country, level, keywords and availability are plain SQL on the result; the total and the facets are counted
over the filtered results in one aggregate query, in the format of the offer search (`cms_pages.search`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from cms_pages.search import words
from portal import access
from portal.cvbook import fulltext
from portal.cvbook.models import Profile, ProfileDocument, ProfileKeyword, ProfileView, SchoolSharing
from portal.reference.choices import StudyLevel
from portal.reference.models import Country, Sector

KEYWORD_FACET_SIZE = 20
RELEVANCE, NEWEST = "relevance", "newest"
ORDERINGS = [(RELEVANCE, _("Relevance")), (NEWEST, _("Most recent first"))]


@dataclass
class ProfileSearch:
    """The profiles found, in order, and the facet counts over them."""

    profiles: QuerySet
    facets: dict[str, list[dict]]
    ordering: str
    count: int | None = None

    def paginator(self, per_page: int) -> Paginator:
        """The pages of the results, with the count read with the facets when there is one."""
        if self.count is None:
            return Paginator(self.profiles, per_page)
        return CountedPaginator(self.profiles, per_page, count=self.count)


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


def digest_profiles() -> QuerySet[Profile]:
    """The profiles whose students receive the weekly digest: visible, not opted out, of active students."""
    return Profile.objects.filter(visible=True, receives_digest=True, student__user__is_active=True)


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


def _facets_sql(profiles: QuerySet) -> tuple[str, list]:
    """One aggregate query over the filtered profiles, computed once (a common table expression): the total, and the
    counts of each sector, country, level and of the most frequent keywords."""
    inner, params = profiles.order_by().values("pk", "sector_id", "country_id", "study_level").query.sql_with_params()
    name = "name_en" if (get_language() or "fr").startswith("en") else "name_fr"
    sector, country = Sector._meta.db_table, Country._meta.db_table
    keyword, tag = ProfileKeyword._meta.db_table, Tag._meta.db_table
    sql = f"""
        WITH found (id, sector_id, country_id, study_level) AS ({inner})
        SELECT 'total', '', '', COUNT(*) FROM found
        UNION ALL
        SELECT 'sector', s.code, s.{name}, COUNT(*) FROM found JOIN {sector} s ON s.code = found.sector_id
        GROUP BY s.code, s.{name}
        UNION ALL
        SELECT 'country', c.code, c.{name}, COUNT(*) FROM found JOIN {country} c ON c.code = found.country_id
        GROUP BY c.code, c.{name}
        UNION ALL
        SELECT 'level', found.study_level, '', COUNT(*) FROM found WHERE found.study_level <> ''
        GROUP BY found.study_level
        UNION ALL
        SELECT * FROM (
            SELECT 'keywords', t.name, t.name, COUNT(*) FROM found
            JOIN {keyword} k ON k.content_object_id = found.id JOIN {tag} t ON t.id = k.tag_id
            GROUP BY t.name ORDER BY COUNT(*) DESC, t.name LIMIT {KEYWORD_FACET_SIZE}
        ) AS keywords
    """
    return sql, list(params)


def facet_counts(profiles: QuerySet) -> tuple[int, dict[str, list[dict]]]:
    """The number of `profiles` and {facet: [{"code", "label", "count"}]} over them, most frequent first: one query."""
    sql, params = _facets_sql(profiles)
    with fulltext.without_jit(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    levels = dict(StudyLevel.choices)
    total, facets = 0, {"sector": [], "country": [], "level": [], "keywords": []}
    for facet, code, label, count in rows:
        if facet == "total":
            total = count
        else:
            label = str(levels.get(code, code)) if facet == "level" else label
            facets[facet].append({"code": code, "label": label, "count": count})
    for terms in facets.values():
        terms.sort(key=lambda term: (-term["count"], term["code"]))
    return total, facets


class CountedPaginator(Paginator):
    """A paginator told the number of objects (counted with the facets) instead of counting them again."""

    def __init__(self, object_list, per_page, *, count: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.__dict__["count"] = count


def search_profiles(company, data: dict, *, with_facets: bool = True) -> ProfileSearch:
    """The profiles `company` finds matching the search form's cleaned data, and the facets over them.

    Ordering: relevance when there is a query and no other choice, most recently updated first otherwise.
    """
    terms = words(data.get("q"))
    ordering = data.get("ordering") or (RELEVANCE if terms else NEWEST)
    if ordering == RELEVANCE and not terms:
        ordering = NEWEST
    profiles = Profile.objects.all()
    if terms:
        # The database backends answer a plain queryset of the matching profiles, ranked when asked; the access
        # rule and the filters narrow it in the same query.
        results = profiles.search(" ".join(terms), operator="and", order_by_relevance=ordering == RELEVANCE)
        profiles = results.get_queryset()
    profiles = filter_profiles(profiles.filter(access.cvbook.searchable_q(company)), data)
    if ordering == NEWEST:
        profiles = profiles.order_by("-updated_at", "-pk")
    count, facets = facet_counts(profiles) if with_facets else (None, {})
    return ProfileSearch(profiles=profiles.for_listing(), facets=facets, ordering=ordering, count=count)
