"""Matching offers and profiles: one score, computed by the database, read in both directions.

    score = 0.35 × keywords + 0.25 × sector + 0.20 × level + 0.10 × country + 0.10 × availability

- keywords: the profile's keywords found in the offer's text (title, mission, profile sought, keywords), through
  the full-text index of the search (`portal.cvbook.fulltext`); three or more count in full;
- sector: the same NACE division; level: the same study level;
- country: the offer is in the country the student asks for, or its targeting names the student's country,
  school or programme (a targeted offer that admits them);
- availability: the student is available on the offer's start date.

`offers_for(student)` ranks the live offers for a student (« offres pour vous », `GET /profiles/me/matching-offers`,
the weekly digest); `profiles_for(offer)` ranks the CV book's profiles for an offer (the suggested profiles of the
company's workspace, `GET /offers/{id}/matching-profiles`). Both build the same components with `score()` and
name them with `reasons()`; each is one SQL query ordered by the score, never a loop over rows in Python.
A pair is suggested when the offer's text holds one of the profile's keywords — the profile sought is what the seeds
ask companies to write for the matching — or, for a profile without keywords, when they share the sector; targeting
always applies: an offer is suggested only to the students it admits (`access.offers.audience_q`,
`access.cvbook.offer_admits_q`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Greatest, Least
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from taggit.models import Tag

from cms_pages import search
from cms_pages.models import OfferPage
from portal import access
from portal.cvbook import fulltext
from portal.cvbook.models import OfferSuggestion, Profile, ProfileKeyword
from portal.recruitment.models import Application
from portal.reference.choices import StudyLevel

WEIGHTS = {"keywords": 0.35, "sector": 0.25, "level": 0.20, "country": 0.10, "availability": 0.10}
# Keywords found in the offer's text: this many count in full.
FULL_KEYWORDS = 3
DEFAULT_LIMIT = 20
MAX_LIMIT = 50


@dataclass(frozen=True)
class Match:
    """A suggested offer or profile, its score (0 to 1) and the reasons shown to the reader."""

    item: object
    score: float
    reasons: list[dict]


def _flag(condition: Q) -> Case:
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


def _constant(flag: bool) -> Value:
    return Value(1 if flag else 0, output_field=IntegerField())


def score(*, keywords, sector, level, country, targeted, available) -> ExpressionWrapper:
    """The score of a pair from its components (SQL expressions: a count of keywords, 0/1 flags for the rest)."""
    found = Least(keywords, Value(FULL_KEYWORDS), output_field=IntegerField())
    return ExpressionWrapper(
        found * Value(WEIGHTS["keywords"] / FULL_KEYWORDS)
        + sector * Value(WEIGHTS["sector"])
        + level * Value(WEIGHTS["level"])
        + Greatest(country, targeted, output_field=IntegerField()) * Value(WEIGHTS["country"])
        + available * Value(WEIGHTS["availability"]),
        output_field=FloatField(),
    )


def _components(**components) -> dict:
    """The annotations of a ranked queryset: each component under `match_<name>`, and the score."""
    return {
        **{f"match_{name}": expression for name, expression in components.items()},
        "match_score": score(**{name: F(f"match_{name}") for name in components}),
    }


def reasons(row, *, level_label: str, country_label: str) -> list[dict]:
    """What the reader is told of a pair, from the components annotated on `row`."""
    found = []
    if row.match_keywords:
        found.append(
            {
                "code": "keywords",
                "label": ngettext("%(count)d keyword in common", "%(count)d keywords in common", row.match_keywords)
                % {"count": row.match_keywords},
            }
        )
    if row.match_sector:
        found.append({"code": "sector", "label": _("Same sector")})
    if row.match_level:
        found.append({"code": "level", "label": _("Level: %(level)s") % {"level": level_label}})
    if row.match_country:
        found.append({"code": "country", "label": _("Country: %(country)s") % {"country": country_label}})
    if row.match_targeted:
        found.append({"code": "targeted", "label": _("Targeted training")})
    if row.match_available:
        found.append({"code": "availability", "label": _("Available on the start date")})
    return found


def _limit(limit: int | None) -> int:
    return max(1, min(limit or DEFAULT_LIMIT, MAX_LIMIT))


def _level_label(code: str) -> str:
    return str(dict(StudyLevel.choices).get(code, code))


# A student's offers


def ranked_offers(user, profile: Profile, *, new_only: bool = False) -> QuerySet[OfferPage]:
    """The live offers that `user` (the profile's student) may see and has not applied to, whose text holds one of the
    profile's keywords (without keywords: of its sector), annotated with the components and the score, best first.

    `new_only`: leave out the offers already e-mailed to the student in a digest.
    """
    keywords = profile.keyword_list if profile.pk else []
    if keywords:  # the candidates come from the full-text index
        related = Q(pk__in=fulltext.offers_containing_any(keywords))
    else:
        related = Q(sector_id=profile.sector_id) if profile.sector_id else Q(pk__in=[])
    found = Value(0, output_field=IntegerField())
    for keyword in keywords:
        found = found + fulltext.found_in_offer(keyword)
    applied = Application.objects.filter(student=user, offer=OuterRef("pk"))
    offers = search.searchable(user).filter(related).exclude(Exists(applied))
    if new_only and profile.pk:
        offers = offers.exclude(Exists(OfferSuggestion.objects.filter(profile=profile, offer=OuterRef("pk"))))
    return offers.annotate(
        **_components(
            keywords=found,
            sector=_flag(Q(sector_id=profile.sector_id)) if profile.sector_id else _constant(False),
            level=_flag(Q(study_level=profile.study_level)) if profile.study_level else _constant(False),
            country=_flag(Q(country_id=profile.country_id)) if profile.country_id else _constant(False),
            targeted=_flag(~access.offers.untargeted_q()),
            available=_flag(Q(start_date__gte=profile.available_from)) if profile.available_from else _constant(False),
        )
    ).order_by("-match_score", "start_date", "pk")


def offers_for(
    user, profile: Profile, *, limit: int | None = None, min_score: float = 0, new_only: bool = False
) -> list[Match]:
    """The best offers for the student, with their reasons (one query, and the offers' keywords)."""
    offers = ranked_offers(user, profile, new_only=new_only)
    if min_score:
        offers = offers.filter(match_score__gte=min_score)
    with fulltext.without_jit():
        rows = list(offers.for_listing()[: _limit(limit)])
    return [
        Match(
            item=offer,
            score=round(offer.match_score, 2),
            reasons=reasons(offer, level_label=_level_label(offer.study_level), country_label=offer.country.label),
        )
        for offer in rows
    ]


# An offer's profiles


def _profile_keywords():
    """The keywords some profile holds (the vocabulary the offer's text is checked against)."""
    return Tag.objects.filter(Exists(ProfileKeyword.objects.filter(tag=OuterRef("pk"))))


def ranked_profiles(company, offer: OfferPage) -> QuerySet[Profile]:
    """The profiles `company` finds in the CV book that the offer's targeting admits and that hold a keyword found in
    its text (without keywords: of its sector), annotated with the components and the score, best first."""
    in_text = fulltext.keywords_in_offer(offer.pk, _profile_keywords())
    with_keyword = ProfileKeyword.objects.filter(tag_id__in=in_text).values("content_object_id")
    profiles = Profile.objects.filter(access.cvbook.searchable_q(company), access.cvbook.offer_admits_q(offer))
    without_keywords = ~Exists(ProfileKeyword.objects.filter(content_object=OuterRef("pk")))
    profiles = profiles.filter(Q(pk__in=with_keyword) | (Q(sector_id=offer.sector_id) & without_keywords))
    # The profile's keywords found in the offer's text: its keywords joined, and counted when in the text.
    found = Count("tagged_keywords", filter=Q(tagged_keywords__tag_id__in=in_text))
    return profiles.annotate(
        **_components(
            keywords=found,
            sector=_flag(Q(sector_id=offer.sector_id)),
            level=_flag(Q(study_level=offer.study_level)),
            country=_flag(Q(country_id=offer.country_id)),
            targeted=_constant(offer.is_targeted),
            available=_flag(Q(available_from__lte=offer.start_date)),
        )
    ).order_by("-match_score", "-updated_at", "pk")


def profiles_for(company, offer: OfferPage, *, limit: int | None = None) -> list[Match]:
    """The best profiles for the offer, with their reasons (one query, and the profiles' keywords and documents)."""
    with fulltext.without_jit():
        rows = list(ranked_profiles(company, offer).for_listing()[: _limit(limit)])
    level_label = _level_label(offer.study_level)
    country_label = offer.country.label
    return [
        Match(
            item=profile,
            score=round(profile.match_score, 2),
            reasons=reasons(profile, level_label=level_label, country_label=country_label),
        )
        for profile in rows
    ]
