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

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Greatest, Least
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
# The offers of a profile's sector and level are scored first unless fewer than this many times the offers asked for
# are online (`_head`).
SPARSE = 5


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


def ranked_offers(
    user, profile: Profile, *, new_only: bool = False, min_score: float = 0, limit: int | None = None
) -> QuerySet[OfferPage]:
    """The live offers that `user` (the profile's student) may see and has not applied to, whose text holds one of the
    profile's keywords (without keywords: of its sector), annotated with the components and the score, best first.

    `new_only`: leave out the offers already e-mailed to the student in a digest; `min_score`: those scoring less.
    On PostgreSQL, for a profile with keywords and a sector or a level, the queryset holds a few offers among which
    are the best `limit` (`_best_offer_ids`): read its first `limit` rows.
    """
    return _ranked_offers(user, profile, new_only=new_only, min_score=min_score, limit=limit)[0]


def _ranked_offers(
    user, profile: Profile, *, new_only: bool, min_score: float, limit: int | None
) -> tuple[QuerySet[OfferPage], bool]:
    """`ranked_offers`, and whether it reads a list of ids first (`_best_offer_ids`)."""
    keywords = profile.keyword_list if profile.pk else []
    if keywords:  # the candidates come from the full-text index
        related = Q(pk__in=fulltext.offers_containing_any(keywords))
    else:
        related = Q(sector_id=profile.sector_id) if profile.sector_id else Q(pk__in=[])
    applied = Application.objects.filter(student=user, offer=OuterRef("pk"))
    offers = search.searchable(user).exclude(Exists(applied))
    if new_only and profile.pk:
        offers = offers.exclude(Exists(OfferSuggestion.objects.filter(profile=profile, offer=OuterRef("pk"))))
    ranked = _scored(offers, profile, keywords)
    if min_score:
        ranked = ranked.filter(match_score__gte=min_score)
    head = _head(profile, limit=_limit(limit))
    if connection.vendor != "postgresql" or not keywords or head is None:
        return ranked.filter(related), False
    # A candidate tested on its own entry of the index: these queries read few offers, not every one holding a keyword.
    holds = ranked.alias(match_holds=fulltext.offer_holds_any(keywords)).filter(match_holds=1)
    best = _best_offer_ids(holds, profile, keywords, head, limit=_limit(limit), min_score=min_score)
    return holds.filter(_EqualsAny(F("pk"), best)), True


def _scored(offers: QuerySet[OfferPage], profile: Profile, keywords: list[str]) -> QuerySet[OfferPage]:
    """`offers` annotated with the components and the score of each for the profile, best first."""
    found = fulltext.keywords_found_in_offer(keywords) if keywords else Value(0, output_field=IntegerField())
    return offers.annotate(**_components(keywords=found, **_offer_components(profile))).order_by(
        "-match_score", "start_date", "pk"
    )


def _offer_components(profile: Profile) -> dict:
    """The components of an offer's score for the profile but its keywords: 0/1 flags read on the offer's row."""
    return {
        "sector": _flag(Q(sector_id=profile.sector_id)) if profile.sector_id else _constant(False),
        "level": _flag(Q(study_level=profile.study_level)) if profile.study_level else _constant(False),
        "country": _flag(Q(country_id=profile.country_id)) if profile.country_id else _constant(False),
        "targeted": _flag(~access.offers.untargeted_q()),
        "available": _flag(Q(start_date__gte=profile.available_from)) if profile.available_from else _constant(False),
    }


def _head(profile: Profile, *, limit: int) -> tuple[Q, Q, float] | None:
    """Where the profile's best offers usually are: the offers of its sector and level (or of the one it gives),
    found from their indexes; when fewer than `SPARSE × limit` offers online have both, the offers of its sector.

    Returns the head's condition, the condition of both (the head in most cases), and the most that the components
    other than the keywords give an offer without both.
    """
    flags = []
    if profile.sector_id:
        flags.append((Q(sector_id=profile.sector_id), WEIGHTS["sector"]))
    if profile.study_level:
        flags.append((Q(study_level=profile.study_level), WEIGHTS["level"]))
    if not flags:
        return None
    everything = sum(weight for _condition, weight in flags) + WEIGHTS["country"] + WEIGHTS["availability"]
    outside = everything - min(weight for _condition, weight in flags)
    if len(flags) == 1:
        return flags[0][0], flags[0][0], outside
    both = flags[0][0] & flags[1][0]
    few = OfferPage.objects.live().filter(both).order_by().values("pk")[: SPARSE * limit]
    few_sql, few_params = few.query.sql_with_params()
    levels = RawSQL(
        f"CASE WHEN (SELECT count(*) FROM ({few_sql}) few) < %s THEN %s::text[] ELSE %s::text[] END",
        [*few_params, SPARSE * limit, list(StudyLevel.values), [profile.study_level]],
    )
    return Q(sector_id=profile.sector_id) & _EqualsAny(F("study_level"), levels), both, outside


def _best_offer_ids(
    holds: QuerySet, profile: Profile, keywords: list[str], head: tuple[Q, Q, float], *, limit: int, min_score: float
) -> RawSQL:
    """The ids of a few offers of `holds` among which are its best `limit` (an SQL subquery), found without scoring
    every offer that shares a keyword with the profile.

    With a small vocabulary, tens of thousands of offers may share one of the profile's keywords, and each must be
    read from the search index to be scored. Instead, in one query:

    1. the offers of the profile's sector and level (the "head", found from their indexes) are scored and the best
       `limit` kept: the last of them scores `threshold`;
    2. an offer without both gets at most `outside` from its other components, so it reaches `threshold` only when
       its text holds `needed` keywords at least, `needed = ceil((threshold - outside) / (0.35 / 3))`: these offers
       are found in the GIN index of the offers' text (`fulltext.offers_holding_at_least`) — none when `needed` passes
       3 (or the number of the profile's keywords) — and kept when the rest of their score leaves them a chance.

    The query that reads these ids scores them again (the head's best and the others) and keeps the best `limit`:
    the same offers, in the same order, as scoring every candidate, ties included (an offer scoring `threshold` may
    come first by its start date). A head of fewer than `limit` offers gives no threshold (but `min_score`): every
    offer holding a keyword is then scored.
    """
    condition, both, outside = head
    head_sql, head_params = holds.filter(condition).values_list("pk", "match_score")[:limit].query.sql_with_params()
    threshold = "(SELECT COALESCE(CASE WHEN count(*) = %s THEN min(score) END, %s) FROM best_in_head)"
    # Margins keep rounding errors on the side of scoring more offers.
    needed = f"GREATEST(1, CEIL(({threshold} - %s) / %s))"
    needed_params = [limit, min_score, outside + 1e-6, WEIGHTS["keywords"] / FULL_KEYWORDS]
    holding = fulltext.offers_holding_at_least(
        keywords, (needed, needed_params), most=min(len(keywords), FULL_KEYWORDS)
    )
    without_keywords = score(keywords=Value(0, output_field=IntegerField()), **_offer_components(profile))
    keywords_at_most = WEIGHTS["keywords"] * min(len(keywords), FULL_KEYWORDS) / FULL_KEYWORDS
    others = (
        OfferPage.objects.exclude(both)
        .filter(_EqualsAny(F("pk"), _array(*holding)))
        .alias(match_without_keywords=without_keywords)
        .filter(match_without_keywords__gte=RawSQL(f"{threshold} - %s", [limit, min_score, keywords_at_most + 1e-6]))
    )
    others_sql, others_params = others.order_by().values("pk").query.sql_with_params()
    return _array(
        f"WITH best_in_head (offer_id, score) AS MATERIALIZED ({head_sql}) "
        f"SELECT offer_id FROM best_in_head UNION ALL {others_sql}",
        [*head_params, *others_params],
    )


class _EqualsAny(Func):
    """`<column> = ANY(<array>)`. Of an array of ids from a subquery (`_array`), the subquery runs once and the ids
    are read from the primary key's index (`id IN (<subquery>)` is planned as a join among the query's others, which
    may read every offer first); of a list chosen when the query runs, its index is still used."""

    output_field = BooleanField()

    def as_sql(self, compiler, connection, **extra_context):
        column, column_params = compiler.compile(self.source_expressions[0])
        values, values_params = compiler.compile(self.source_expressions[1])
        return f"{column} = ANY({values})", [*column_params, *values_params]


def _array(sql: str, params: list) -> RawSQL:
    """The array of the single column of a subquery."""
    return RawSQL(f"ARRAY({sql})", params)


def _among(field: str, values: QuerySet) -> Q | _EqualsAny:
    """`field` is one of the values of a one-column queryset: on PostgreSQL, an array computed once (`_EqualsAny`)."""
    if connection.vendor == "postgresql":
        return _EqualsAny(F(field), _array(*values.query.sql_with_params()))
    return Q(**{f"{field}__in": values})


def offers_for(
    user, profile: Profile, *, limit: int | None = None, min_score: float = 0, new_only: bool = False
) -> list[Match]:
    """The best offers for the student, with their reasons (one query, and the offers' keywords)."""
    offers, from_ids = _ranked_offers(user, profile, new_only=new_only, min_score=min_score, limit=limit)
    with fulltext.without_jit(from_ids=from_ids):
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
    with_keyword = ProfileKeyword.objects.filter(_among("tag_id", in_text)).values("content_object_id")
    without_keywords = Profile.objects.filter(sector_id=offer.sector_id).exclude(
        Exists(ProfileKeyword.objects.filter(content_object=OuterRef("pk")))
    )
    # The candidates' ids first (from the keywords' index), then the profiles (from the primary key's).
    candidates = _among("pk", with_keyword.union(without_keywords.values("pk"), all=True))
    profiles = Profile.objects.filter(
        candidates, access.cvbook.searchable_q(company), access.cvbook.offer_admits_q(offer)
    )
    # The profile's keywords found in the offer's text, counted on its own keywords (an index lookup for each
    # candidate, instead of joining every profile's keywords and grouping them).
    found = Coalesce(
        Subquery(
            ProfileKeyword.objects.filter(_among("tag_id", in_text), content_object=OuterRef("pk"))
            .order_by()
            .values("content_object")
            .annotate(found=Count("pk"))
            .values("found")
        ),
        0,
    )
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
    with fulltext.without_jit(from_ids=True):
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
