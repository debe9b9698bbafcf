"""Offers on the company side: create and edit drafts, lifecycle actions, workspace tabs, moderation queue."""

import json
import time
from collections.abc import Callable

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from api.pagination import PortalPagination
from cms_pages import search_cache
from cms_pages.forms import OfferSearchForm
from cms_pages.models import OfferPage, OrganisationPage
from cms_pages.search import MAX_QUERY_LENGTH, ORDERINGS, search_offers
from portal import access
from portal.ids import MAX_ID
from portal.recent import Recent
from portal.reference import tables
from portal.reference.choices import InternshipType, OfferStatus, StudyLevel
from workflows import review, services, visits, workspace
from workflows.models import Campaign
from workflows.offer_input import OfferInput, edited_version


class OfferSerializer(serializers.ModelSerializer):
    number = serializers.CharField(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    company_name = serializers.CharField(source="company.title", read_only=True)
    author = serializers.SerializerMethodField()
    country = serializers.CharField(source="country_id")
    sector = serializers.CharField(source="sector_id")
    keywords = serializers.SerializerMethodField()
    remuneration = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    campaign = serializers.IntegerField(source="campaign_id", allow_null=True)
    target_countries = serializers.SerializerMethodField()
    target_organisations = serializers.SerializerMethodField()
    target_programmes = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()

    class Meta:
        model = OfferPage
        fields = [
            "id",
            "number",
            "title",
            "status",
            "status_label",
            "live",
            "company",
            "company_name",
            "author",
            "internship_type",
            "mission",
            "profile_sought",
            "study_level",
            "duration_weeks",
            "start_date",
            "end_date",
            "city",
            "country",
            "sector",
            "keywords",
            "remuneration",
            "places",
            "campaign",
            "target_countries",
            "target_organisations",
            "target_programmes",
            "visits",
            "url",
            "actions",
        ]

    def get_author(self, offer) -> dict | None:
        """Who wrote the offer, for the people who work on it only: anybody else reads the company's name."""
        if offer.author is None or not self._for_company_side(offer):
            return None
        return {"id": offer.author_id, "name": offer.author.get_full_name()}

    def _for_company_side(self, offer) -> bool:
        # Lists of the workspace pass `company_side=True`; a single offer is checked for its reader.
        company_side = self.context.get("company_side")
        if company_side is None:
            request = self.context.get("request")
            company_side = request is not None and access.offers.in_workspace(request.user, offer)
        return company_side

    def get_keywords(self, offer) -> list[str]:
        return offer.keyword_list

    def get_target_countries(self, offer) -> list[str]:
        return sorted(country.code for country in offer.target_countries.all())

    def get_target_organisations(self, offer) -> list[int]:
        return sorted(organisation.pk for organisation in offer.target_organisations.all())

    def get_target_programmes(self, offer) -> list[int]:
        return sorted(programme.pk for programme in offer.target_programmes.all())

    def get_url(self, offer) -> str | None:
        return offer.get_full_url(self.context.get("request")) if offer.live else None

    def get_actions(self, offer) -> list[str]:
        request = self.context.get("request")
        if request is None or not request.user.is_authenticated:
            return []
        # A list passes the caller's capabilities in each company of its page, read at once.
        capabilities = self.context.get("workspaces", {}).get(offer.company_id)
        if capabilities is not None:
            return capabilities.actions(offer)
        return access.offers.actions(request.user, offer)


class ModeratorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


def _person(user) -> dict | None:
    return None if user is None else {"id": user.pk, "name": user.get_full_name() or user.email}


class ModerationCommentSerializer(serializers.Serializer):
    text = serializers.CharField()
    by = ModeratorSerializer(allow_null=True)
    at = serializers.DateTimeField()


class ModerationEntrySerializer(serializers.Serializer):
    action = serializers.ChoiceField([action for action, _label in review.HISTORY_ACTIONS.values()])
    label = serializers.CharField()
    step = serializers.ChoiceField(
        list(review.STEP_LABELS), allow_null=True, help_text="the step approved or sent back"
    )
    by = ModeratorSerializer(allow_null=True)
    at = serializers.DateTimeField()
    comment = serializers.CharField(allow_blank=True)


class OfferReviewSerializer(OfferSerializer):
    """One offer as the people who work on it read it: with the comment of the latest request for changes (until
    the offer is submitted again) and its moderation history. Anybody else reads null and an empty history."""

    moderation_comment = serializers.SerializerMethodField()
    moderation_history = serializers.SerializerMethodField()

    class Meta(OfferSerializer.Meta):
        fields = [*OfferSerializer.Meta.fields, "moderation_comment", "moderation_history"]

    def _history(self, offer) -> list | None:
        cache = self.context.setdefault("moderation_histories", {})
        if offer.pk not in cache:
            cache[offer.pk] = review.moderation_history(offer) if self._for_company_side(offer) else None
        return cache[offer.pk]

    @extend_schema_field(ModerationCommentSerializer(allow_null=True))
    def get_moderation_comment(self, offer) -> dict | None:
        history = self._history(offer)
        comment = review.pending_comment(offer, history) if history is not None else None
        if comment is None:
            return None
        return {"text": comment.text, "by": _person(comment.by), "at": comment.at}

    @extend_schema_field(ModerationEntrySerializer(many=True))
    def get_moderation_history(self, offer) -> list[dict]:
        return [
            {
                "action": entry.action,
                "label": entry.label,
                "step": entry.step,
                "by": _person(entry.by),
                "at": entry.at,
                "comment": entry.comment,
            }
            for entry in self._history(offer) or []
        ]


class OfferRowSerializer(serializers.ModelSerializer):
    """One row of a workspace tab: what the seeds' table shows, and the buttons the caller may press."""

    number = serializers.CharField(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    author = serializers.SerializerMethodField()
    campaign = serializers.CharField(source="campaign.name", default=None, allow_null=True, read_only=True)
    listed_on = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="the publication date, else the creation date"
    )
    country = serializers.CharField(source="country_id", read_only=True)
    country_label = serializers.CharField(source="country.label", read_only=True)
    targeting = serializers.SerializerMethodField()
    application_count = serializers.IntegerField(read_only=True, help_text="the applications the caller receives")
    new_application_count = serializers.IntegerField(read_only=True)
    url = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()

    class Meta:
        model = OfferPage
        fields = [
            "id",
            "number",
            "title",
            "status",
            "status_label",
            "live",
            "author",
            "campaign",
            "listed_on",
            "start_date",
            "city",
            "country",
            "country_label",
            "targeting",
            "application_count",
            "new_application_count",
            "visits",
            "url",
            "actions",
        ]

    def get_targeting(self, offer) -> str:
        return workspace.TARGETED if offer.targeted else workspace.OPEN

    def get_author(self, offer) -> dict | None:
        if offer.author is None:
            return None
        return {"id": offer.author_id, "name": offer.author.get_full_name()}

    def get_url(self, offer) -> str | None:
        return offer.get_full_url(self.context.get("request")) if offer.live else None

    def get_actions(self, offer) -> list[str]:
        return workspace.row_actions(offer, self.context["capabilities"])


def _id_field(**kwargs) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


class OfferWriteSerializer(OfferInput):
    """The offer's fields, checked by the offer's schema (the web form's rules), with what only the API sends."""

    company = _id_field(required=False, help_text="the company's id (creation only)")
    submit = serializers.BooleanField(
        required=False,
        default=False,
        help_text="true: save and submit for validation in one step (« Publier »); refused as a whole when the "
        "offer may not be submitted",
    )

    class Meta(OfferInput.Meta):
        fields = [*OfferInput.Meta.fields, "company", "submit"]


class ActionSerializer(serializers.Serializer):
    comment = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=services.MAX_COMMENT_LENGTH
    )


def offers_with_details():
    return OfferPage.objects.select_related("company", "author", "campaign").prefetch_related(
        "keywords", "target_countries", "target_organisations", "target_programmes"
    )


def get_offer(request, offer_id: int) -> OfferPage:
    """The offer if the caller may know it exists, else 404."""
    offer = offers_with_details().filter(pk=offer_id).first()
    if offer is None or not access.offers.visible(request.user, offer):
        raise NotFound
    return offer


INTERNSHIP_TYPE_LABELS, STUDY_LEVEL_LABELS = dict(InternshipType.choices), dict(StudyLevel.choices)
# The parameters of an offer search whose answer may be kept for the public: the form's and the page's.
KEPT_SEARCH_PARAMETERS = {
    *OfferSearchForm.base_fields,
    PortalPagination.page_query_param,
    PortalPagination.page_size_query_param,
}


class SummaryListSerializer(serializers.ListSerializer):
    """Results of the search: an offer shown already (`HeldSummaries`) is its row as it was, any other is written."""

    def to_representation(self, data):
        return [item if isinstance(item, dict) else self.child.to_representation(item) for item in data]


class OfferSummarySerializer(serializers.ModelSerializer):
    """One offer of the public search: what a result shows, with labels beside the stable codes."""

    number = serializers.CharField(read_only=True)
    company = serializers.SerializerMethodField()
    internship_type_label = serializers.SerializerMethodField()
    study_level_label = serializers.SerializerMethodField()
    country = serializers.CharField(source="country_id")
    country_label = serializers.CharField(source="country.label")
    sector = serializers.CharField(source="sector_id")
    sector_label = serializers.CharField(source="sector.label")
    keywords = serializers.SerializerMethodField()
    published_at = serializers.DateTimeField(source="first_published_at")
    url = serializers.SerializerMethodField()

    class Meta:
        model = OfferPage
        fields = [
            "id",
            "number",
            "title",
            "status",
            "company",
            "internship_type",
            "internship_type_label",
            "study_level",
            "study_level_label",
            "duration_weeks",
            "start_date",
            "end_date",
            "city",
            "country",
            "country_label",
            "sector",
            "sector_label",
            "keywords",
            "remuneration",
            "places",
            "published_at",
            "url",
        ]
        list_serializer_class = SummaryListSerializer

    def get_company(self, offer) -> dict:
        return {"id": offer.company_id, "name": offer.company.title}

    # The labels from dicts built once: `get_FOO_display` builds one of every choice per call, twice per result.
    def get_internship_type_label(self, offer) -> str:
        return str(INTERNSHIP_TYPE_LABELS.get(offer.internship_type, offer.internship_type))

    def get_study_level_label(self, offer) -> str:
        return str(STUDY_LEVEL_LABELS.get(offer.study_level, offer.study_level))

    def get_keywords(self, offer) -> list[str]:
        return offer.keyword_list

    def get_url(self, offer) -> str | None:
        return offer.get_full_url(self.context.get("request"))


class HeldSummaries:
    """The results of the searches many people make (the public's, a programme's students'), as the API shows them,
    held in each process for the offers' generation they were read in (`cms_pages.search_cache`), their language and
    the site's address: a new search whose page holds offers shown since the offers changed writes their rows
    without reading them again. The `limit` most recently shown are held, none longer than the kept searches
    (`search_cache.KEPT_FOR`), should a change ever reach the database by a path that tells nobody."""

    def __init__(self, limit: int):
        self.rows = Recent(limit)

    def read(self, key: tuple, ids: list[int], read_missing: Callable[[list[int]], dict[int, dict]]) -> list[dict]:
        """The rows of `ids` in their order under `key`: those held, and those `read_missing` gives, held since; an
        offer it does not find is left out."""
        key = (*key, int(time.monotonic() // search_cache.KEPT_FOR))
        found = {pk: row for (_key, pk), row in self.rows.get_many((key, pk) for pk in ids).items()}
        missing = [pk for pk in ids if pk not in found]
        if missing:
            read = read_missing(missing)
            found.update(read)
            self.rows.put_many(((key, pk), row) for pk, row in read.items())
        return [found[pk] for pk in ids if pk in found]


# About a hundred pages of results; a row is some 2 kB.
SUMMARIES = HeldSummaries(limit=2000)


def held_rows(request, found) -> Callable[[list[int]], list[dict]]:
    """How a search of the offers' `found.generation` reads the rows of its page: held (`SUMMARIES`), else read by
    id and written."""

    def read_missing(ids: list[int]) -> dict[int, dict]:
        offers = found.read_by_id(ids)
        return {row["id"]: row for row in OfferSummarySerializer(offers, many=True, context={"request": request}).data}

    key = (found.generation, get_language() or "", request.scheme, request.get_host())
    return lambda ids: SUMMARIES.read(key, ids, read_missing)


class FacetTermSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()


class OfferFacetsSerializer(serializers.Serializer):
    sector = FacetTermSerializer(many=True)
    country = FacetTermSerializer(many=True)
    internship_type = FacetTermSerializer(many=True)
    level = FacetTermSerializer(many=True)


class OfferSearchPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = OfferSummarySerializer(many=True)
    facets = OfferFacetsSerializer()
    ordering = serializers.ChoiceField([code for code, _label in ORDERINGS], help_text="the ordering applied")


class KeptAnswer(Response):
    """An answer of the search kept as the JSON it was sent as (`search_cache.Answer`): sent again as it is to a client
    of the JSON, without decoding nor encoding it; decoded for another renderer (the browsable API, an indented JSON)
    and for whoever reads its `data`."""

    def __init__(self, body: bytes, data: dict | None = None):
        self.body = body
        super().__init__(data)

    @property
    def data(self) -> dict:
        if self._data is None:
            self._data = json.loads(self.body)
        return self._data

    @data.setter
    def data(self, value) -> None:
        self._data = value

    @property
    def rendered_content(self):
        renderer = getattr(self, "accepted_renderer", None)
        if type(renderer) is JSONRenderer and "indent" not in (self.accepted_media_type or ""):
            self["Content-Type"] = renderer.media_type  # as DRF writes it for this renderer (no charset)
            return self.body
        return super().rendered_content


class OfferListView(APIView):
    """The public search (`GET`, anyone, targeting applied) and the creation of a draft (`POST`, company side)."""

    permission_classes = [IsAuthenticatedOrReadOnly]
    pagination_class = PortalPagination

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "q",
                {"type": "string", "maxLength": MAX_QUERY_LENGTH},
                description="words of the title, mission, keywords or company",
            ),
            OpenApiParameter("sector", str, description="NACE division code, e.g. 62"),
            OpenApiParameter("country", str, description="ISO 3166-1 alpha-2 code"),
            OpenApiParameter("city", str),
            OpenApiParameter("internship_type", str, enum=InternshipType.values),
            OpenApiParameter("level", str, enum=StudyLevel.values),
            OpenApiParameter(
                "organisation", {"type": "integer", "minimum": 1, "maximum": MAX_ID}, description="the company's id"
            ),
            OpenApiParameter("start_after", OpenApiTypes.DATE),
            OpenApiParameter("start_before", OpenApiTypes.DATE),
            OpenApiParameter("ordering", str, enum=[code for code, _label in ORDERINGS]),
            OpenApiParameter("page", int, description="a page number within the results"),
            OpenApiParameter("page_size", int, description="results per page, at most 100"),
        ],
        responses=OfferSearchPageSerializer,
        operation_id="offers_search",
    )
    def get(self, request):
        # The answers to an audience many people share (the public, a programme's students) are kept whole until the
        # offers change (`cms_pages.search_cache`), by address: only those made of the search's own parameters, so
        # that parameters of no meaning cannot fill the cache.
        audience, address, language = (
            access.offers.audience_key(request.user),
            request.build_absolute_uri(),
            get_language() or "",
        )
        kept_whole = audience is not None and set(request.query_params) <= KEPT_SEARCH_PARAMETERS
        kept = search_cache.kept_answer(address, language, audience) if kept_whole else None
        if kept is not None and kept.found is not None:
            return KeptAnswer(kept.found)
        form = OfferSearchForm(request.query_params)
        if not form.is_valid():
            raise DRFValidationError({field: list(messages) for field, messages in form.errors.items()})
        found = search_offers(request.user, form.cleaned_data, generation=kept.generation if kept else None)
        if found.generation is not None:
            found.rows = held_rows(request, found)
        paginator = self.pagination_class()
        page = paginator.paginate_counted(found.results, found.count, request, view=self)
        response = paginator.get_paginated_response(
            OfferSummarySerializer(page, many=True, context={"request": request}).data
        )
        response.data["facets"] = found.facets
        response.data["ordering"] = found.ordering
        if kept is not None:
            # Kept as the JSON it is sent as: a repeated search is answered without building nor encoding it again.
            body = JSONRenderer().render(response.data)
            kept.keep(body)
            return KeptAnswer(body, response.data)
        return response

    @extend_schema(request=OfferWriteSerializer, responses={201: OfferSerializer})
    def post(self, request):
        checked = OfferWriteSerializer(data=request.data)
        checked.is_valid(raise_exception=True)
        data = dict(checked.validated_data)
        company_id = data.pop("company", None)
        submit = data.pop("submit")
        if company_id is None:
            raise DRFValidationError({"company": [_("This field is required.")]})
        company = OrganisationPage.objects.companies().filter(pk=company_id).first()
        if company is None:
            raise DRFValidationError({"company": [_("Unknown company.")]})
        offer = services.create_offer(company, data, by=request.user, submit=submit)
        offer = offers_with_details().get(pk=offer.pk)
        return Response(OfferSerializer(offer, context={"request": request}).data, status=status.HTTP_201_CREATED)


class OfferDetailView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=OfferReviewSerializer)
    def get(self, request, offer_id: int):
        offer = get_offer(request, offer_id)
        if offer.live:
            visits.record(request, offer)
        return Response(OfferReviewSerializer(offer, context={"request": request}).data)

    @extend_schema(request=OfferWriteSerializer, responses=OfferReviewSerializer)
    def patch(self, request, offer_id: int):
        if not request.user.is_authenticated:
            self.permission_denied(request)
        offer = get_offer(request, offer_id)
        # Who may change it, and in which status, before what the change holds.
        services.check(offer, "edit", request.user)
        checked = OfferWriteSerializer(edited_version(offer), data=request.data, partial=True)
        checked.is_valid(raise_exception=True)
        data = dict(checked.validated_data)
        data.pop("company", None)
        submit = data.pop("submit", False)
        services.update_offer(offer, data, by=request.user, submit=submit)
        offer = offers_with_details().get(pk=offer.pk)
        return Response(OfferReviewSerializer(offer, context={"request": request}).data)


class OfferActionView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=ActionSerializer,
        responses={200: OfferReviewSerializer, 201: OfferReviewSerializer},
        parameters=[
            OpenApiParameter(
                "action",
                str,
                OpenApiParameter.PATH,
                enum=list(services.PERFORMERS),
                description="`duplicate` answers 201 with the new draft; every other action 200 with the offer",
            )
        ],
        operation_id="offers_action",
    )
    def post(self, request, offer_id: int, action: str):
        if action not in services.PERFORMERS:
            raise NotFound
        offer = get_offer(request, offer_id)
        data = ActionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.perform(offer, action, by=request.user, comment=data.validated_data["comment"])
        result = offers_with_details().get(pk=result.pk)
        code = status.HTTP_201_CREATED if action == "duplicate" else status.HTTP_200_OK
        return Response(OfferReviewSerializer(result, context={"request": request}).data, status=code)


class WorkspacePagination(PortalPagination):
    """A workspace tab: a page of its offers, with the counts of the three tabs and the tab shown."""

    page_size = 10

    def get_paginated_response_schema(self, schema):
        paginated = super().get_paginated_response_schema(schema)
        paginated["properties"]["tabs"] = {
            "type": "object",
            "properties": {tab: {"type": "integer"} for tab in workspace.TABS},
            "required": list(workspace.TABS),
        }
        paginated["properties"]["tab"] = {"type": "string", "enum": list(workspace.TABS)}
        paginated["required"] = [*paginated.get("required", []), "tabs", "tab"]
        return paginated


class WorkspaceQuerySerializer(serializers.Serializer):
    tab = serializers.ChoiceField(list(workspace.TABS), required=False, default="current")
    number = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID, help_text="the offer's number")
    date_from = serializers.DateField(required=False, help_text="listed (published, else created) on or after")
    date_to = serializers.DateField(required=False, help_text="listed (published, else created) on or before")
    q = serializers.CharField(
        max_length=255, required=False, allow_blank=True, default="", help_text="part of the title"
    )
    country = serializers.CharField(required=False, allow_blank=True, max_length=2, help_text="ISO 3166-1 alpha-2")
    city = serializers.CharField(required=False, allow_blank=True, max_length=120, help_text="part of the city")
    targeting = serializers.ChoiceField(
        [code for code, _label in workspace.TARGETING], required=False, allow_blank=True
    )
    status = serializers.ChoiceField(OfferStatus.values, required=False, allow_blank=True, default="")
    author = serializers.CharField(
        required=False, allow_blank=True, max_length=150, help_text="words of the author's name or e-mail"
    )

    def validate_country(self, code: str) -> str:
        if code and not tables.is_country(code.upper()):
            raise serializers.ValidationError(_("Unknown country."))
        return code.upper()

    def validate(self, data):
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            raise serializers.ValidationError({"date_to": [_("This date must not be before date_from.")]})
        return data


def _company_in_scope(request, company_id: int):
    companies = OrganisationPage.objects.companies().select_related("reference_hub")
    found = access.offers.company_workspace(request.user, companies, company_id)
    if found is None or not found[1].opens:
        raise NotFound
    return found


class CompanyOffersView(APIView):
    """The workspace tabs: offers to validate, current offers, archived offers, with their counts."""

    permission_classes = [IsAuthenticated]
    pagination_class = WorkspacePagination

    @extend_schema(parameters=[WorkspaceQuerySerializer], responses=OfferRowSerializer(many=True))
    def get(self, request, company_id: int):
        company, capabilities = _company_in_scope(request, company_id)
        params = WorkspaceQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        filters = dict(params.validated_data)
        tab = filters.pop("tab")
        counts = workspace.tab_counts(request.user, company, tab=tab, filters=filters)
        offers = workspace.company_offers(request.user, company)
        rows = workspace.tab_rows(request.user, offers, tab, filters)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(rows, request, view=self)
        serializer = OfferRowSerializer(page, many=True, context={"request": request, "capabilities": capabilities})
        response = paginator.get_paginated_response(serializer.data)
        response.data["tabs"] = {name: counts[name] for name in workspace.TABS}
        response.data["tab"] = tab
        return response


class BulkRenewSerializer(serializers.Serializer):
    offers = serializers.ListField(child=_id_field(), allow_empty=False)
    campaign = _id_field(required=False, allow_null=True)


class RenewedOffersSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    results = OfferSerializer(many=True)


class BulkRenewView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=BulkRenewSerializer, responses=RenewedOffersSerializer)
    def post(self, request, company_id: int):
        company, _capabilities = _company_in_scope(request, company_id)
        data = BulkRenewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ids = set(data.validated_data["offers"])
        offers = list(OfferPage.objects.filter(access.offers.workspace_q(request.user), company=company, pk__in=ids))
        if len(offers) != len(ids):
            raise NotFound
        campaign = None
        if data.validated_data.get("campaign") is not None:
            campaign = Campaign.objects.filter(pk=data.validated_data["campaign"]).first()
            if campaign is None:
                raise DRFValidationError({"campaign": [_("Unknown campaign.")]})
        renewed = services.bulk_renew(company, offers, by=request.user, campaign=campaign)
        rows = offers_with_details().filter(pk__in=[offer.pk for offer in renewed]).order_by("pk")
        context = {"request": request, "company_side": True}
        return Response({"count": len(renewed), "results": OfferSerializer(rows, many=True, context=context).data})


class ModerationQueueView(APIView):
    """What awaits the caller's decision: company validations for administrators, hub validations for moderators."""

    permission_classes = [IsAuthenticated]
    pagination_class = PortalPagination

    @extend_schema(responses=OfferSerializer(many=True))
    def get(self, request):
        offers = (
            offers_with_details()
            .filter(access.offers.awaiting_decision_q(request.user))
            .order_by("latest_revision_created_at", "pk")
        )
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(offers, request, view=self)
        # Whoever decides on an offer works on it: its author is shown (the web page shows it too).
        workspaces = access.offers.workspaces(request.user, {offer.company_id for offer in page})
        context = {"request": request, "company_side": True, "workspaces": workspaces}
        return paginator.get_paginated_response(OfferSerializer(page, many=True, context=context).data)


class CampaignSerializer(serializers.ModelSerializer):
    class Meta:
        model = Campaign
        fields = ["id", "name", "starts_on", "ends_on"]


class CampaignListView(APIView):
    permission_classes = [AllowAny]
    pagination_class = PortalPagination

    @extend_schema(responses=CampaignSerializer(many=True))
    def get(self, request):
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(Campaign.objects.order_by("-starts_on", "pk"), request, view=self)
        return paginator.get_paginated_response(CampaignSerializer(page, many=True).data)
