"""Applications: students apply (to an offer or spontaneously), the company side answers, school staff follow.

The views are thin: `portal.recruitment.services` decides and writes, `portal.accounts.permissions`
scopes the lists; the web pages (`portal/recruitment/views.py`) call the same functions.
"""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from api.offers import get_offer
from api.pagination import PortalPagination
from api.parsers import DocumentsMultiPartParser, FormParser, JSONParser
from cms_pages.models import OfferPage, OrganisationPage
from portal import access
from portal.ids import MAX_ID, within_range
from portal.recruitment import downloads, exports, selectors, services
from portal.recruitment.documents import EXTENSIONS as DOCUMENT_TYPES
from portal.recruitment.models import Application
from portal.reference.choices import ApplicationStatus


def _person(user) -> dict | None:
    if user is None:
        return None
    return {"id": user.pk, "name": user.get_full_name() or user.email}


class DocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    size = serializers.IntegerField()
    content_type = serializers.CharField()
    url = serializers.SerializerMethodField()

    def get_url(self, document) -> str:
        request = self.context.get("request")
        path = f"/api/v1/applications/{document.application_id}/documents/{document.pk}"
        return request.build_absolute_uri(path) if request else path


class ApplicationSerializer(serializers.ModelSerializer):
    """An application as its readers see it (`for_listing`: no query per row)."""

    number = serializers.CharField(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    spontaneous = serializers.BooleanField(source="is_spontaneous", read_only=True)
    offer = serializers.SerializerMethodField()
    company = serializers.SerializerMethodField()
    student = serializers.SerializerMethodField()
    documents = DocumentSerializer(many=True, read_only=True)

    class Meta:
        model = Application
        fields = [
            "id",
            "number",
            "status",
            "status_label",
            "spontaneous",
            "offer",
            "company",
            "student",
            "message",
            "documents",
            "created_at",
            "updated_at",
            "read_at",
        ]

    def get_offer(self, application) -> dict | None:
        offer = application.offer
        if offer is None:
            return None
        return {"id": offer.pk, "number": offer.number, "title": offer.title, "status": offer.status}

    def get_company(self, application) -> dict:
        return {"id": application.company_id, "name": application.company.title}

    def get_student(self, application) -> dict:
        user = application.student
        student = getattr(user, "student", None)
        return {
            "id": user.pk,
            "name": user.get_full_name() or user.email,
            "email": user.email,
            "school": {"id": student.school_id, "name": student.school.title} if student else None,
            "programme": (
                {"id": student.programme_id, "name": student.programme.name}
                if student and student.programme_id
                else None
            ),
        }


class EventSerializer(serializers.Serializer):
    at = serializers.DateTimeField(source="created_at")
    by = serializers.SerializerMethodField()
    before = serializers.CharField(allow_blank=True)
    after = serializers.CharField()
    comment = serializers.CharField(allow_blank=True)

    def get_by(self, event) -> dict | None:
        return _person(event.by)


class MessageSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    body = serializers.CharField(max_length=services.MAX_MESSAGE_LENGTH)
    sender = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField(read_only=True)

    def get_sender(self, message) -> dict | None:
        return _person(message.sender)


class ApplicationDetailSerializer(ApplicationSerializer):
    """One application with its history, its messages and the statuses the reader may set now."""

    history = serializers.SerializerMethodField()
    messages = serializers.SerializerMethodField()
    allowed_statuses = serializers.SerializerMethodField()

    class Meta(ApplicationSerializer.Meta):
        fields = [*ApplicationSerializer.Meta.fields, "history", "messages", "allowed_statuses"]

    @extend_schema_field(EventSerializer(many=True))
    def get_history(self, application):
        return EventSerializer(application.events.select_related("by"), many=True).data

    @extend_schema_field(MessageSerializer(many=True))
    def get_messages(self, application):
        if not access.applications.can_read_messages(self.context["request"].user, application):
            return []
        return MessageSerializer(application.messages.select_related("sender"), many=True).data

    def get_allowed_statuses(self, application) -> list[str]:
        return services.allowed_statuses(application, self.context["request"].user)


class ApplyRequestSerializer(serializers.Serializer):
    """The multipart form of `POST /applications` (files are read from the request's files)."""

    offer = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    company = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    message = serializers.CharField(required=False, allow_blank=True, default="", trim_whitespace=False)
    cv = serializers.FileField(required=False)
    motivation_letter = serializers.FileField(required=False)
    documents = serializers.ListField(child=serializers.FileField(), required=False)


def _applications_filter(request, applications):
    params = request.query_params
    wanted = params.get("status", "")
    if wanted:
        if wanted not in ApplicationStatus.values:
            raise DRFValidationError({"status": [f"Choose one of {', '.join(ApplicationStatus.values)}."]})
        applications = applications.filter(status=wanted)
    for name in ("offer", "company"):
        value = params.get(name, "")
        if value:
            if not value.isdigit() or not within_range(int(value)):
                raise DRFValidationError({name: [_("A whole number is required.")]})
            applications = applications.filter(**{f"{name}_id": int(value)})
    spontaneous = params.get("spontaneous", "")
    if spontaneous in ("true", "1"):
        applications = applications.spontaneous()
    elif spontaneous in ("false", "0"):
        applications = applications.to_offers()
    return applications


class ApplicationListView(APIView):
    """The applications the caller may read (own, company scope, followed students), and applying."""

    permission_classes = [IsAuthenticated]
    pagination_class = PortalPagination
    parser_classes = [DocumentsMultiPartParser, FormParser, JSONParser]

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=ApplicationStatus.values),
            OpenApiParameter("offer", int),
            OpenApiParameter("company", int),
            OpenApiParameter("spontaneous", bool),
        ],
        responses=ApplicationSerializer(many=True),
    )
    def get(self, request):
        applications = _applications_filter(request, selectors.readable_by(request.user).for_listing())
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(applications, request, view=self)
        return paginator.get_paginated_response(
            ApplicationSerializer(page, many=True, context={"request": request}).data
        )

    @extend_schema(request={"multipart/form-data": ApplyRequestSerializer}, responses={201: ApplicationSerializer})
    def post(self, request):
        fields = {key: request.data[key] for key in ("offer", "company", "message") if key in request.data}
        data = ApplyRequestSerializer(data=fields)
        data.is_valid(raise_exception=True)
        offer = company = None
        if data.validated_data.get("offer"):
            offer = OfferPage.objects.select_related("company").filter(pk=data.validated_data["offer"]).first()
            if offer is None:
                raise NotFound
        elif data.validated_data.get("company"):
            company = OrganisationPage.objects.companies().filter(pk=data.validated_data["company"]).first()
            if company is None:
                raise NotFound
        files = request.FILES
        application = services.apply(
            request.user,
            offer=offer,
            company=company,
            message=data.validated_data["message"],
            cv=files.get("cv"),
            motivation_letter=files.get("motivation_letter"),
            others=[*files.getlist("documents"), *files.getlist("documents[]")],
        )
        application = Application.objects.for_listing().get(pk=application.pk)
        return Response(
            ApplicationSerializer(application, context={"request": request}).data, status=status.HTTP_201_CREATED
        )


def _readable(request, application_id: int) -> Application:
    application = Application.objects.for_listing().filter(pk=application_id).first()
    if application is None or not access.applications.can_read(request.user, application):
        raise NotFound
    return application


class ApplicationDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=ApplicationDetailSerializer)
    def get(self, request, application_id: int):
        """One application; the company side's first reading marks it `read`."""
        application = _readable(request, application_id)
        services.open_application(application, by=request.user)
        return Response(ApplicationDetailSerializer(application, context={"request": request}).data)


class StatusChangeSerializer(serializers.Serializer):
    status = serializers.CharField()
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ApplicationStatusView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=StatusChangeSerializer, responses=ApplicationDetailSerializer)
    def post(self, request, application_id: int):
        """interview, accepted or cancelled by the company side; cancelled by the student (withdrawal), or by their
        programme head or academic tutor with a comment (closed by the school)."""
        application = _readable(request, application_id)
        data = StatusChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.change_status(
            application, data.validated_data["status"], by=request.user, comment=data.validated_data["comment"]
        )
        application = Application.objects.for_listing().get(pk=application.pk)
        return Response(ApplicationDetailSerializer(application, context={"request": request}).data)


class ApplicationMessagesView(APIView):
    """« Contactez l'étudiant »: the company side's messages to the student, e-mailed and kept."""

    permission_classes = [IsAuthenticated]
    pagination_class = PortalPagination

    @extend_schema(responses=MessageSerializer(many=True))
    def get(self, request, application_id: int):
        """The messages, oldest first."""
        application = _readable(request, application_id)
        access.applications.require_messages_reader(request.user, application)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(application.messages.select_related("sender"), request, view=self)
        return paginator.get_paginated_response(MessageSerializer(page, many=True).data)

    @extend_schema(request=MessageSerializer, responses={201: MessageSerializer})
    def post(self, request, application_id: int):
        application = _readable(request, application_id)
        data = MessageSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        message = services.send_message(application, data.validated_data["body"], by=request.user)
        return Response(MessageSerializer(message).data, status=status.HTTP_201_CREATED)


class ApplicationDocumentView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={(200, content_type): OpenApiTypes.BINARY for content_type in DOCUMENT_TYPES})
    def get(self, request, application_id: int, document_id: int):
        """The file, as an attachment, after the permission check (404 for anyone who may not read it)."""
        application = _readable(request, application_id)
        return downloads.document_response(services.document_for(application, document_id, by=request.user))


def _offer_applications(request, offer_id: int):
    """The offer and its applications in the caller's scope; 404 for anybody outside the company."""
    offer = get_offer(request, offer_id)
    member = access.spaces.company_space(request.user, offer.company).member
    if not (member and access.offers.in_workspace(request.user, offer)):
        raise NotFound
    return offer, selectors.received_by(request.user).filter(offer=offer).for_listing()


class OfferApplicationsView(APIView):
    """The applications to one offer, for the company side within scope."""

    permission_classes = [IsAuthenticated]
    pagination_class = PortalPagination

    @extend_schema(
        parameters=[OpenApiParameter("status", str, enum=ApplicationStatus.values)],
        responses=ApplicationSerializer(many=True),
    )
    def get(self, request, offer_id: int):
        _offer, applications = _offer_applications(request, offer_id)
        applications = _applications_filter(request, applications)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(applications, request, view=self)
        return paginator.get_paginated_response(
            ApplicationSerializer(page, many=True, context={"request": request}).data
        )


class OfferApplicationsExportView(APIView):
    """The applications to one offer as a CSV or XLSX file."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[OpenApiParameter("fmt", str, OpenApiParameter.PATH, enum=list(exports.FORMATS))],
        responses={(200, "text/csv"): OpenApiTypes.BINARY, (200, exports.FORMATS["xlsx"]): OpenApiTypes.BINARY},
        operation_id="offers_applications_export",
    )
    def get(self, request, offer_id: int, fmt: str):
        if fmt not in exports.FORMATS:
            raise NotFound
        offer, applications = _offer_applications(request, offer_id)
        return exports.response(applications, fmt, label=f"candidatures-{offer.number}")
