"""`/organisations`: published presentations; `/companies/{id}` and its contacts for the administrator."""

from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from api.pagination import PortalPagination
from cms_pages.models import MAX_EXPERTISE_LENGTH, OrganisationPage, Programme
from cms_pages.search import MAX_QUERY_LENGTH
from portal import access
from portal.accounts import services
from portal.accounts.models import Membership
from portal.reference.choices import OrganisationKind


class ProgrammeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Programme
        fields = ["id", "name", "level", "year"]


class OrganisationSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="title")
    country = serializers.CharField(source="country_id", allow_null=True)
    country_label = serializers.SerializerMethodField()
    sector = serializers.CharField(source="sector_id", allow_null=True)
    sector_label = serializers.SerializerMethodField()
    keywords = serializers.ListField(source="keyword_list", child=serializers.CharField())
    programmes = ProgrammeSerializer(many=True, read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = OrganisationPage
        fields = [
            "id",
            "name",
            "kind",
            "description",
            "website",
            "address",
            "postcode",
            "city",
            "country",
            "country_label",
            "sector",
            "sector_label",
            "expertise_domains",
            "keywords",
            "reference_hub",
            "programmes",
            "url",
        ]

    def get_country_label(self, obj) -> str | None:
        return obj.country.label if obj.country else None

    def get_sector_label(self, obj) -> str | None:
        return obj.sector.label if obj.sector else None

    def get_url(self, obj) -> str | None:
        """The public page, or null while the organisation is not published."""
        return obj.get_full_url(self.context.get("request")) if obj.live else None


def organisations_for_listing():
    return (
        OrganisationPage.objects.live()
        .public()
        .for_listing()
        .prefetch_related(Prefetch("programmes", queryset=Programme.objects.order_by("sort_order", "pk")))
        .order_by("title")
    )


class OrganisationQuerySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=OrganisationKind.values, required=False, allow_blank=True)
    q = serializers.CharField(
        max_length=MAX_QUERY_LENGTH, required=False, allow_blank=True, help_text="name, city or keyword"
    )


@extend_schema(parameters=[OrganisationQuerySerializer])
class OrganisationListView(generics.ListAPIView):
    serializer_class = OrganisationSerializer
    permission_classes = [AllowAny]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return OrganisationPage.objects.none()
        params = OrganisationQuerySerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        queryset = organisations_for_listing()
        kind = params.validated_data.get("kind")
        if kind:
            queryset = queryset.filter(kind=kind)
        query = params.validated_data.get("q", "")
        if query:
            queryset = queryset.filter(
                Q(title__icontains=query) | Q(city__icontains=query) | Q(keywords__name__iexact=query)
            ).distinct()
        return queryset


class OrganisationDetailView(generics.RetrieveAPIView):
    serializer_class = OrganisationSerializer
    permission_classes = [AllowAny]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return OrganisationPage.objects.none()
        return organisations_for_listing()


class CompanyUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=255, required=False)
    address = serializers.CharField(max_length=255, required=False, allow_blank=True)
    postcode = serializers.CharField(max_length=20, required=False, allow_blank=True)
    city = serializers.CharField(max_length=120, required=False, allow_blank=True)
    country = serializers.CharField(max_length=2, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    sector = serializers.CharField(max_length=2, required=False, allow_blank=True)
    expertise_domains = serializers.CharField(max_length=MAX_EXPERTISE_LENGTH, required=False, allow_blank=True)
    keywords = serializers.ListField(child=serializers.CharField(max_length=100), required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    website = serializers.URLField(required=False, allow_blank=True)


def get_company(company_id: int) -> OrganisationPage:
    return get_object_or_404(OrganisationPage.objects.companies(), pk=company_id)


class CompanyView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=CompanyUpdateSerializer, responses=OrganisationSerializer)
    def patch(self, request, company_id: int):
        company = get_company(company_id)
        access.require(request.user, access.organisations.MANAGE_COMPANY, company)
        changes = CompanyUpdateSerializer(data=request.data, partial=True)
        changes.is_valid(raise_exception=True)
        services.update_company(company, changes.validated_data, by=request.user)
        company = OrganisationPage.objects.for_listing().prefetch_related("programmes").get(pk=company.pk)
        return Response(OrganisationSerializer(company, context={"request": request}).data)


class ContactSerializer(serializers.ModelSerializer):
    user_id = serializers.IntegerField(read_only=True)
    email = serializers.EmailField(source="user.email")
    first_name = serializers.CharField(source="user.first_name", max_length=150)
    last_name = serializers.CharField(source="user.last_name", max_length=150)
    language = serializers.ChoiceField(source="user.language", choices=["fr", "en"], required=False, default="fr")

    class Meta:
        model = Membership
        fields = ["user_id", "email", "first_name", "last_name", "language", "role", "can_create_offers", "created_at"]
        read_only_fields = ["role", "created_at"]


class ContactRightsSerializer(serializers.Serializer):
    can_create_offers = serializers.BooleanField()


def _company_for_contacts(user, company_id: int) -> OrganisationPage:
    company = get_company(company_id)
    access.require(user, access.organisations.MANAGE_CONTACTS, company, visible_to_user=False)
    return company


class ContactListView(APIView):
    permission_classes = [IsAuthenticated]
    pagination_class = PortalPagination

    @extend_schema(responses=ContactSerializer(many=True))
    def get(self, request, company_id: int):
        company = _company_for_contacts(request.user, company_id)
        memberships = company.memberships.select_related("user").order_by("role", "user__last_name", "pk")
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(memberships, request, view=self)
        return paginator.get_paginated_response(ContactSerializer(page, many=True).data)

    @extend_schema(request=ContactSerializer, responses={201: ContactSerializer})
    def post(self, request, company_id: int):
        company = _company_for_contacts(request.user, company_id)
        data = ContactSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = data.validated_data["user"]
        membership = services.add_contact(
            company,
            services.ContactData(
                email=user["email"],
                first_name=user["first_name"],
                last_name=user["last_name"],
                language=user.get("language", "fr"),
                can_create_offers=data.validated_data.get("can_create_offers", False),
            ),
            by=request.user,
        )
        return Response(ContactSerializer(membership).data, status=status.HTTP_201_CREATED)


class ContactDetailView(APIView):
    permission_classes = [IsAuthenticated]

    def _membership(self, request, company_id: int, user_id: int) -> Membership:
        company = _company_for_contacts(request.user, company_id)
        return get_object_or_404(
            Membership.objects.select_related("user", "organisation"), organisation=company, user_id=user_id
        )

    @extend_schema(request=ContactRightsSerializer, responses=ContactSerializer)
    def patch(self, request, company_id: int, user_id: int):
        membership = self._membership(request, company_id, user_id)
        data = ContactRightsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.set_contact_rights(
            membership, can_create_offers=data.validated_data["can_create_offers"], by=request.user
        )
        return Response(ContactSerializer(membership).data)

    @extend_schema(responses={204: None})
    def delete(self, request, company_id: int, user_id: int):
        membership = self._membership(request, company_id, user_id)
        services.remove_contact(membership, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
