"""Offers on the company side: create and edit drafts, lifecycle actions, workspace tabs, moderation queue."""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.response import Response
from rest_framework.views import APIView

from api.pagination import PortalPagination
from cms_pages.forms import ORDERINGS, OfferSearchForm
from cms_pages.models import OfferPage, OrganisationPage
from cms_pages.search import search_offers
from portal import access
from portal.reference.choices import InternshipType, OfferStatus, StudyLevel
from workflows import services, visits, workspace
from workflows.models import Campaign


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
        if offer.author is None:
            return None
        return {"id": offer.author_id, "name": offer.author.get_full_name()}

    def get_keywords(self, offer) -> list[str]:
        return offer.keyword_list

    def get_target_countries(self, offer) -> list[str]:
        return sorted(country.code for country in offer.target_countries.all())

    def get_target_organisations(self, offer) -> list[int]:
        return sorted(organisation.pk for organisation in offer.target_organisations.all())

    def get_target_programmes(self, offer) -> list[int]:
        return sorted(programme.pk for programme in offer.target_programmes.all())

    def get_url(self, offer) -> str | None:
        return offer.url if offer.live else None

    def get_actions(self, offer) -> list[str]:
        request = self.context.get("request")
        if request is None or not request.user.is_authenticated:
            return []
        return access.offers.actions(request.user, offer)


class OfferRowSerializer(serializers.ModelSerializer):
    """One row of a workspace tab: what the seeds' table shows, and the buttons the caller may press."""

    number = serializers.CharField(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    author = serializers.SerializerMethodField()
    campaign = serializers.CharField(source="campaign.name", default=None, read_only=True)
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
            "start_date",
            "city",
            "visits",
            "url",
            "actions",
        ]

    def get_author(self, offer) -> dict | None:
        if offer.author is None:
            return None
        return {"id": offer.author_id, "name": offer.author.get_full_name()}

    def get_url(self, offer) -> str | None:
        return offer.get_url(self.context.get("request")) if offer.live else None

    def get_actions(self, offer) -> list[str]:
        return workspace.row_actions(offer, self.context["capabilities"])


class OfferWriteSerializer(serializers.Serializer):
    """The documented fields of an offer; the service validates them (shared with the web form)."""

    company = serializers.IntegerField(required=False)
    title = serializers.CharField(required=False)
    internship_type = serializers.CharField(required=False)
    mission = serializers.CharField(required=False)
    profile_sought = serializers.CharField(required=False, allow_blank=True)
    study_level = serializers.CharField(required=False)
    duration_weeks = serializers.IntegerField(required=False)
    start_date = serializers.DateField(required=False)
    end_date = serializers.DateField(required=False, allow_null=True)
    city = serializers.CharField(required=False)
    country = serializers.CharField(required=False)
    sector = serializers.CharField(required=False)
    keywords = serializers.ListField(child=serializers.CharField(), required=False)
    remuneration = serializers.DecimalField(max_digits=8, decimal_places=2, required=False, allow_null=True)
    places = serializers.IntegerField(required=False)
    campaign = serializers.IntegerField(required=False, allow_null=True)
    target_countries = serializers.ListField(child=serializers.CharField(), required=False)
    target_organisations = serializers.ListField(child=serializers.IntegerField(), required=False)
    target_programmes = serializers.ListField(child=serializers.IntegerField(), required=False)


class ActionSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


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


def _payload(request) -> dict:
    data = OfferWriteSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    # Only the fields the caller sent, in the raw form the service validates.
    return {key: request.data[key] for key in data.validated_data if key in request.data}


class OfferSummarySerializer(serializers.ModelSerializer):
    """One offer of the public search: what a result shows, with labels beside the stable codes."""

    number = serializers.CharField(read_only=True)
    company = serializers.SerializerMethodField()
    internship_type_label = serializers.CharField(source="get_internship_type_display", read_only=True)
    study_level_label = serializers.CharField(source="get_study_level_display", read_only=True)
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

    def get_company(self, offer) -> dict:
        return {"id": offer.company_id, "name": offer.company.title}

    def get_keywords(self, offer) -> list[str]:
        return offer.keyword_list

    def get_url(self, offer) -> str | None:
        return offer.get_full_url(self.context.get("request"))


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


class OfferListView(APIView):
    """The public search (`GET`, anyone, targeting applied) and the creation of a draft (`POST`, company side)."""

    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="words of the title, mission, keywords or company"),
            OpenApiParameter("sector", str, description="NACE division code, e.g. 62"),
            OpenApiParameter("country", str, description="ISO 3166-1 alpha-2 code"),
            OpenApiParameter("city", str),
            OpenApiParameter("internship_type", str, enum=InternshipType.values),
            OpenApiParameter("level", str, enum=StudyLevel.values),
            OpenApiParameter("organisation", int, description="the company's id"),
            OpenApiParameter("start_after", OpenApiTypes.DATE),
            OpenApiParameter("start_before", OpenApiTypes.DATE),
            OpenApiParameter("ordering", str, enum=[code for code, _label in ORDERINGS]),
        ],
        responses=OfferSearchPageSerializer,
        operation_id="offers_search",
    )
    def get(self, request):
        form = OfferSearchForm(request.query_params)
        if not form.is_valid():
            raise DRFValidationError({field: list(messages) for field, messages in form.errors.items()})
        found = search_offers(request.user, form.cleaned_data)
        paginator = PortalPagination()
        page = paginator.paginate_queryset(found.offers, request, view=self)
        response = paginator.get_paginated_response(
            OfferSummarySerializer(page, many=True, context={"request": request}).data
        )
        response.data["facets"] = found.facets
        response.data["ordering"] = found.ordering
        return response

    @extend_schema(request=OfferWriteSerializer, responses={201: OfferSerializer})
    def post(self, request):
        data = _payload(request)
        company_id = data.pop("company", None)
        if company_id is None:
            raise DRFValidationError({"company": ["This field is required."]})
        company = OrganisationPage.objects.companies().filter(pk=company_id).first()
        if company is None:
            raise DRFValidationError({"company": ["Unknown company."]})
        offer = services.create_offer(company, data, by=request.user)
        offer = offers_with_details().get(pk=offer.pk)
        return Response(OfferSerializer(offer, context={"request": request}).data, status=status.HTTP_201_CREATED)


class OfferDetailView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=OfferSerializer)
    def get(self, request, offer_id: int):
        offer = get_offer(request, offer_id)
        if offer.live:
            visits.record(request, offer)
        return Response(OfferSerializer(offer, context={"request": request}).data)

    @extend_schema(request=OfferWriteSerializer, responses=OfferSerializer)
    def patch(self, request, offer_id: int):
        if not request.user.is_authenticated:
            self.permission_denied(request)
        offer = get_offer(request, offer_id)
        data = _payload(request)
        data.pop("company", None)
        services.update_offer(offer, data, by=request.user)
        offer = offers_with_details().get(pk=offer.pk)
        return Response(OfferSerializer(offer, context={"request": request}).data)


class OfferActionView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=ActionSerializer, responses=OfferSerializer, operation_id="offers_action")
    def post(self, request, offer_id: int, action: str):
        if action not in services.PERFORMERS:
            raise NotFound
        offer = get_offer(request, offer_id)
        data = ActionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.perform(offer, action, by=request.user, comment=data.validated_data["comment"])
        result = offers_with_details().get(pk=result.pk)
        code = status.HTTP_201_CREATED if action == "duplicate" else status.HTTP_200_OK
        return Response(OfferSerializer(result, context={"request": request}).data, status=code)


class WorkspacePagination(PortalPagination):
    page_size = 10


def _company_in_scope(request, company_id: int):
    company = get_object_or_404(OrganisationPage.objects.companies().select_related("reference_hub"), pk=company_id)
    capabilities = access.offers.workspace(request.user, company)
    if not capabilities.opens:
        raise NotFound
    return company, capabilities


class CompanyOffersView(APIView):
    """The workspace tabs: offers to validate, current offers, archived offers, with their counts."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("tab", str, enum=list(workspace.TABS)),
            OpenApiParameter("q", str, description="part of the title"),
            OpenApiParameter("status", str, enum=OfferStatus.values),
            OpenApiParameter("page_size", int, enum=list(workspace.PAGE_SIZES)),
        ],
        responses=OfferRowSerializer(many=True),
    )
    def get(self, request, company_id: int):
        company, capabilities = _company_in_scope(request, company_id)
        tab = request.query_params.get("tab", "current")
        if tab not in workspace.TABS:
            raise DRFValidationError({"tab": [f"Choose one of {', '.join(workspace.TABS)}."]})
        status_filter = request.query_params.get("status", "")
        if status_filter and status_filter not in OfferStatus.values:
            raise DRFValidationError({"status": [f"Choose one of {', '.join(OfferStatus.values)}."]})
        offers = workspace.company_offers(request.user, company)
        counts = workspace.tab_counts(offers)
        rows = workspace.tab_rows(offers, tab, title=request.query_params.get("q", ""), status=status_filter)
        paginator = WorkspacePagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        serializer = OfferRowSerializer(page, many=True, context={"request": request, "capabilities": capabilities})
        response = paginator.get_paginated_response(serializer.data)
        response.data["tabs"] = counts
        response.data["tab"] = tab
        return response


class BulkRenewSerializer(serializers.Serializer):
    offers = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)
    campaign = serializers.IntegerField(required=False, allow_null=True)


class BulkRenewView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=BulkRenewSerializer, responses=OfferSerializer(many=True))
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
                raise DRFValidationError({"campaign": ["Unknown campaign."]})
        renewed = services.bulk_renew(company, offers, by=request.user, campaign=campaign)
        rows = offers_with_details().filter(pk__in=[offer.pk for offer in renewed]).order_by("pk")
        return Response(
            {"count": len(renewed), "results": OfferSerializer(rows, many=True, context={"request": request}).data}
        )


class ModerationQueueView(APIView):
    """What awaits the caller's decision: company validations for administrators, hub validations for moderators."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=OfferSerializer(many=True))
    def get(self, request):
        offers = (
            offers_with_details()
            .filter(access.offers.awaiting_decision_q(request.user))
            .order_by("latest_revision_created_at", "pk")
        )
        paginator = PortalPagination()
        page = paginator.paginate_queryset(offers, request, view=self)
        return paginator.get_paginated_response(OfferSerializer(page, many=True, context={"request": request}).data)


class CampaignSerializer(serializers.ModelSerializer):
    class Meta:
        model = Campaign
        fields = ["id", "name", "starts_on", "ends_on"]


class CampaignListView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=CampaignSerializer(many=True))
    def get(self, request):
        campaigns = Campaign.objects.order_by("-starts_on")
        return Response({"count": len(campaigns), "results": CampaignSerializer(campaigns, many=True).data})
