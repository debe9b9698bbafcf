"""The CV book: a student's profile (`/profiles/me`), the companies' faceted search (`/cvbook`), the matching of offers
and profiles in both directions.

The views are thin: `portal.access.cvbook` decides who may, `portal.cvbook.selectors` and `.matching` read,
`portal.cvbook.services` writes; the web pages (`portal/cvbook/views.py`) call the same functions.
"""

from django.core.paginator import Page
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.parsers import FormParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from api.offers import FacetTermSerializer, OfferSummarySerializer
from api.pagination import PortalPagination
from cms_pages.models import OfferPage, OrganisationPage
from portal import access
from portal.cvbook import matching, selectors, services
from portal.cvbook.forms import CvbookSearchForm
from portal.cvbook.models import Profile
from portal.ids import MAX_ID, within_range
from portal.recruitment.downloads import document_response
from portal.recruitment.uploads import MarkingDRFMultiPartParser
from portal.reference.choices import StudyLevel

# Parameters shared by the CV book's endpoints.
COMPANY_PARAMETER = OpenApiParameter(
    "company",
    int,
    description="the company searched for (required from members of several companies)",
)
LIMIT_PARAMETER = OpenApiParameter(
    "limit",
    int,
    description=f"how many suggestions, best first (default {matching.DEFAULT_LIMIT}, at most {matching.MAX_LIMIT})",
)


def _absolute(request, path: str) -> str:
    return request.build_absolute_uri(path) if request else path


class ProfileDocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    name = serializers.CharField()
    size = serializers.IntegerField()
    content_type = serializers.CharField()
    url = serializers.SerializerMethodField()

    def get_url(self, document) -> str:
        """Where the reader downloads it: the student under `/profiles/me`, a company under `/cvbook`."""
        request, company = self.context.get("request"), self.context.get("company")
        if company is None:
            path = f"/api/v1/profiles/me/documents/{document.pk}"
        else:
            path = f"/api/v1/cvbook/{document.profile_id}/documents/{document.pk}?company={company.pk}"
        return _absolute(request, path)


class CvbookEntrySerializer(serializers.ModelSerializer):
    """A CV-book entry as a company sees it in the results (`for_listing`: no query per row)."""

    student = serializers.SerializerMethodField()
    sector = serializers.CharField(source="sector_id", allow_null=True)
    sector_label = serializers.CharField(source="sector.label", default=None, allow_null=True, read_only=True)
    country = serializers.CharField(source="country_id", allow_null=True)
    country_label = serializers.CharField(source="country.label", default=None, allow_null=True, read_only=True)
    study_level_label = serializers.CharField(source="get_study_level_display")
    keywords = serializers.ListField(source="keyword_list", child=serializers.CharField())
    documents = ProfileDocumentSerializer(many=True, source="documents.all")
    url = serializers.SerializerMethodField()

    class Meta:
        model = Profile
        fields = [
            "id",
            "title",
            "student",
            "sector",
            "sector_label",
            "country",
            "country_label",
            "study_level",
            "study_level_label",
            "keywords",
            "available_from",
            "documents",
            "updated_at",
            "url",
        ]

    def get_student(self, profile) -> dict:
        return {"name": profile.student.user.get_full_name()}

    def get_url(self, profile) -> str:
        company = self.context["company"]
        return _absolute(self.context.get("request"), f"/api/v1/cvbook/{profile.pk}?company={company.pk}")


class CvbookProfileSerializer(CvbookEntrySerializer):
    """One profile of the CV book: the entry, with the summary and the student's training organisation."""

    student = serializers.SerializerMethodField()

    class Meta(CvbookEntrySerializer.Meta):
        fields = [*CvbookEntrySerializer.Meta.fields, "summary"]

    def get_student(self, profile) -> dict:
        student = profile.student
        return {
            "name": student.user.get_full_name(),
            "school": {"id": student.school_id, "name": student.school.title},
            "programme": {"id": student.programme_id, "name": student.programme.name} if student.programme_id else None,
        }


class ConsultationSerializer(serializers.Serializer):
    company = serializers.SerializerMethodField()
    date = serializers.DateField(source="day")

    def get_company(self, view) -> dict:
        return {"id": view.company_id, "name": view.company.title}


class OwnProfileSerializer(serializers.ModelSerializer):
    """The student's own profile, as they edit it; `searchable` says whether companies find it now."""

    id = serializers.IntegerField(allow_null=True)
    sector = serializers.CharField(source="sector_id", allow_null=True)
    sector_label = serializers.CharField(source="sector.label", default=None, allow_null=True, read_only=True)
    country = serializers.CharField(source="country_id", allow_null=True)
    country_label = serializers.CharField(source="country.label", default=None, allow_null=True, read_only=True)
    study_level_label = serializers.CharField(source="get_study_level_display")
    keywords = serializers.SerializerMethodField()
    documents = serializers.SerializerMethodField()
    searchable = serializers.SerializerMethodField()
    consultations = serializers.SerializerMethodField()
    updated_at = serializers.DateTimeField(allow_null=True)

    class Meta:
        model = Profile
        fields = [
            "id",
            "visible",
            "searchable",
            "title",
            "summary",
            "sector",
            "sector_label",
            "country",
            "country_label",
            "study_level",
            "study_level_label",
            "keywords",
            "available_from",
            "receives_digest",
            "documents",
            "consultations",
            "updated_at",
        ]

    def get_keywords(self, profile) -> list[str]:
        return profile.keyword_list if profile.pk else []

    @extend_schema_field(ProfileDocumentSerializer(many=True))
    def get_documents(self, profile):
        if profile.pk is None:
            return []
        return ProfileDocumentSerializer(profile.documents.all(), many=True, context=self.context).data

    def get_searchable(self, profile) -> bool:
        return profile.pk is not None and selectors.is_online(profile)

    @extend_schema_field(ConsultationSerializer(many=True))
    def get_consultations(self, profile):
        return ConsultationSerializer(selectors.consultations(profile), many=True).data


class ProfileWriteSerializer(serializers.Serializer):
    """The fields of `PUT /profiles/me` (fields left out keep their value); the service validates them."""

    visible = serializers.BooleanField(required=False)
    title = serializers.CharField(required=False, allow_blank=True)
    summary = serializers.CharField(required=False, allow_blank=True)
    sector = serializers.CharField(required=False, allow_null=True, allow_blank=True, help_text="NACE division code")
    country = serializers.CharField(required=False, allow_null=True, allow_blank=True, help_text="ISO 3166-1 code")
    study_level = serializers.ChoiceField(choices=StudyLevel.choices, required=False, allow_blank=True)
    keywords = serializers.ListField(child=serializers.CharField(), required=False)
    available_from = serializers.DateField(required=False, allow_null=True)
    receives_digest = serializers.BooleanField(required=False)


class ProfileDocumentsUploadSerializer(serializers.Serializer):
    cv = serializers.FileField(required=False)
    motivation_letter = serializers.FileField(required=False)


class CvbookFacetsSerializer(serializers.Serializer):
    sector = FacetTermSerializer(many=True)
    country = FacetTermSerializer(many=True)
    level = FacetTermSerializer(many=True)
    keywords = FacetTermSerializer(many=True)


class CvbookSearchPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = CvbookEntrySerializer(many=True)
    facets = CvbookFacetsSerializer()
    ordering = serializers.ChoiceField(choices=selectors.ORDERINGS)


class ReasonSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=["keywords", "sector", "level", "country", "targeted", "availability"])
    label = serializers.CharField()


class MatchingProfileSerializer(serializers.Serializer):
    profile = CvbookEntrySerializer(source="item")
    score = serializers.FloatField()
    reasons = ReasonSerializer(many=True)


class MatchingOfferSerializer(serializers.Serializer):
    offer = OfferSummarySerializer(source="item")
    score = serializers.FloatField()
    reasons = ReasonSerializer(many=True)


class MatchingProfilesSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    results = MatchingProfileSerializer(many=True)


class MatchingOffersSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    results = MatchingOfferSerializer(many=True)


class StudentMessageRequestSerializer(serializers.Serializer):
    message = serializers.CharField(max_length=services.MAX_MESSAGE_LENGTH)


class StudentMessageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    message = serializers.CharField(source="body")
    created_at = serializers.DateTimeField()


# The student


def _own_profile(request) -> Profile:
    return selectors.own_profile(access.cvbook.student_of(request.user))


def _own_profile_response(request, *, code=status.HTTP_200_OK) -> Response:
    return Response(OwnProfileSerializer(_own_profile(request), context={"request": request}).data, status=code)


class OwnProfileView(APIView):
    """« Mon profil CV-book »: the student's internship request (403 for anybody but a student)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=OwnProfileSerializer, operation_id="profiles_me_retrieve")
    def get(self, request):
        return _own_profile_response(request)

    @extend_schema(request=ProfileWriteSerializer, responses=OwnProfileSerializer, operation_id="profiles_me_update")
    def put(self, request):
        """Write the profile; the fields left out keep their value. `visible` needs a title."""
        access.cvbook.student_of(request.user)
        if not isinstance(request.data, dict):
            raise DRFValidationError({"non_field_errors": [_("Send a JSON object.")]})
        changes = {name: request.data[name] for name in services.PROFILE_FIELDS if name in request.data}
        services.update_profile(request.user, changes, by=request.user)
        return _own_profile_response(request)


class OwnProfileDocumentsView(APIView):
    """The CV and the motivation letter of the profile, with the upload rules of applications."""

    permission_classes = [IsAuthenticated]
    parser_classes = [MarkingDRFMultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": ProfileDocumentsUploadSerializer},
        responses={201: OwnProfileSerializer},
        operation_id="profiles_me_documents_create",
    )
    def post(self, request):
        """Send a `cv`, a `motivation_letter` or both: each replaces the previous one (400, 413, 415 if refused)."""
        access.cvbook.student_of(request.user)
        files = request.FILES
        services.upload_documents(
            request.user, cv=files.get("cv"), motivation_letter=files.get("motivation_letter"), by=request.user
        )
        return _own_profile_response(request, code=status.HTTP_201_CREATED)


class OwnProfileDocumentView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY}, operation_id="profiles_me_document"
    )
    def get(self, request, document_id: int):
        """A document of the student's own profile, as an attachment (anybody else's: 404)."""
        document = selectors.own_document(access.cvbook.student_of(request.user), document_id)
        if document is None:
            raise NotFound
        return document_response(document)

    @extend_schema(responses={204: None}, operation_id="profiles_me_document_destroy")
    def delete(self, request, document_id: int):
        """Remove a document of the student's own profile (anybody else's: 404)."""
        access.cvbook.student_of(request.user)
        services.delete_document(request.user, document_id, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class OwnMatchingOffersView(APIView):
    """« Offres pour vous »: the live offers the student may see, ranked against their profile, with the reasons."""

    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[LIMIT_PARAMETER], responses=MatchingOffersSerializer)
    def get(self, request):
        profile = _own_profile(request)
        found = matching.offers_for(request.user, profile, limit=_limit(request))
        data = MatchingOfferSerializer(found, many=True, context={"request": request}).data
        return Response({"count": len(found), "results": data})


# The companies


def _limit(request) -> int:
    raw = request.query_params.get("limit", "")
    if not raw:
        return matching.DEFAULT_LIMIT
    if not raw.isdigit() or not 1 <= int(raw) <= matching.MAX_LIMIT:
        raise DRFValidationError({"limit": [f"A whole number from 1 to {matching.MAX_LIMIT}."]})
    return int(raw)


def _searching_company(request) -> OrganisationPage:
    """The company the caller searches for: 403 for non-members, 404 for another company, 400 if ambiguous."""
    raw = request.query_params.get("company", "")
    if raw and (not raw.isdigit() or not within_range(int(raw))):
        if not access.cvbook.is_searcher(request.user):
            raise PermissionDenied  # whatever they ask, non-members learn nothing more
        raise DRFValidationError({"company": [_("A whole number is required.")]})
    return access.cvbook.require_searcher(request.user, int(raw) if raw else None)


class CvbookPagination(PortalPagination):
    """The list's pagination; a page past the end is an empty page (the count says how many there are)."""

    def paginate_search(self, found: selectors.ProfileSearch, request):
        raw = request.query_params.get(self.page_query_param, "1")
        if not raw.isdigit() or not 1 <= int(raw) <= MAX_ID:
            raise DRFValidationError({"page": [_("A page number from 1 is required.")]})
        self.request = request
        paginator = found.paginator(self.get_page_size(request))
        number = int(raw)
        if number <= max(paginator.num_pages, 1):
            self.page = paginator.page(number)
        else:
            self.page = Page([], number, paginator)
        return list(self.page)

    def get_previous_link(self):
        if self.page.number > max(self.page.paginator.num_pages, 1):
            return None
        return super().get_previous_link()


def _search_form(request) -> CvbookSearchForm:
    form = CvbookSearchForm(request.query_params)
    if not form.is_valid():
        raise DRFValidationError({field: list(messages) for field, messages in form.errors.items()})
    return form


class CvbookSearchView(APIView):
    """« Accéder aux meilleurs profils »: the visible profiles a company finds, with facet counts (company members)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="words of the title, the summary or the keywords"),
            OpenApiParameter("sector", str, description="NACE division code, e.g. 62"),
            OpenApiParameter("country", str, description="ISO 3166-1 alpha-2 code"),
            OpenApiParameter("level", str, enum=StudyLevel.values),
            OpenApiParameter(
                "keywords", str, many=True, description="keywords every profile holds (repeat, or commas)"
            ),
            OpenApiParameter("available_by", OpenApiTypes.DATE, description="available on this date at the latest"),
            OpenApiParameter("ordering", str, enum=[code for code, _label in selectors.ORDERINGS]),
            COMPANY_PARAMETER,
        ],
        responses=CvbookSearchPageSerializer,
        operation_id="cvbook_search",
    )
    def get(self, request):
        company = _searching_company(request)
        found = selectors.search_profiles(company, _search_form(request).cleaned_data)
        paginator = CvbookPagination()
        page = paginator.paginate_search(found, request)
        context = {"request": request, "company": company}
        response = paginator.get_paginated_response(CvbookEntrySerializer(page, many=True, context=context).data)
        response.data["facets"] = found.facets
        response.data["ordering"] = found.ordering
        return response


def _found_profile(request, profile_id: int):
    company = _searching_company(request)
    profile = selectors.profile_for(company, profile_id)
    if profile is None:
        raise NotFound
    return company, profile


class CvbookProfileView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[COMPANY_PARAMETER], responses=CvbookProfileSerializer, operation_id="cvbook_profile")
    def get(self, request, profile_id: int):
        """One profile the company finds (hidden or unknown: 404); the student will see that the company came."""
        company, profile = _found_profile(request, profile_id)
        services.record_view(profile, company, by=request.user)
        return Response(CvbookProfileSerializer(profile, context={"request": request, "company": company}).data)


class CvbookDocumentView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[COMPANY_PARAMETER],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
        operation_id="cvbook_document",
    )
    def get(self, request, profile_id: int, document_id: int):
        """The CV or the letter of a profile the company finds, as an attachment."""
        company, profile = _found_profile(request, profile_id)
        return document_response(services.document_for(profile, company, document_id, by=request.user))


class CvbookContactView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[COMPANY_PARAMETER],
        request=StudentMessageRequestSerializer,
        responses={201: StudentMessageSerializer},
        operation_id="cvbook_contact",
    )
    def post(self, request, profile_id: int):
        """« Contacter l'étudiant »: the message is e-mailed to the student with the sender's address, and kept."""
        company, profile = _found_profile(request, profile_id)
        data = StudentMessageRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        contact = services.contact_student(profile, company, data.validated_data["message"], by=request.user)
        return Response(StudentMessageSerializer(contact).data, status=status.HTTP_201_CREATED)


class OfferMatchingProfilesView(APIView):
    """The profiles suggested for an offer: its company's members who work on it (others: 403, or 404)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[LIMIT_PARAMETER], responses=MatchingProfilesSerializer)
    def get(self, request, offer_id: int):
        offer = (
            OfferPage.objects.select_related("company", "country", "sector")
            .prefetch_related("target_countries", "target_organisations", "target_programmes")
            .filter(pk=offer_id)
            .first()
        )
        if offer is None:
            raise NotFound
        company = access.cvbook.require_matching_reader(request.user, offer)
        found = matching.profiles_for(company, offer, limit=_limit(request))
        data = MatchingProfileSerializer(found, many=True, context={"request": request, "company": company}).data
        return Response({"count": len(found), "results": data})
