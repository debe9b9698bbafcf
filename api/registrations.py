"""`/registrations/*`: the company registration wizard in one call, the look-up, student sign-up."""

from django.contrib.auth import get_user_model
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from cms_pages.models import MAX_EXPERTISE_LENGTH
from cms_pages.search import MAX_QUERY_LENGTH
from portal.accounts import services
from portal.accounts.tokens import email_confirmation_token


class RegistrationContactSerializer(serializers.Serializer):
    email = serializers.EmailField()
    first_name = serializers.CharField(max_length=150)
    last_name = serializers.CharField(max_length=150)
    civility = serializers.ChoiceField(choices=["mr", "ms", ""], required=False, default="")
    phone = serializers.CharField(max_length=40, required=False, default="", allow_blank=True)
    language = serializers.ChoiceField(choices=["fr", "en"], required=False, default="fr")
    can_create_offers = serializers.BooleanField(required=False, default=False)

    def to_contact(self, data) -> services.ContactData:
        return services.ContactData(**data)


class CompanyRegistrationSerializer(serializers.Serializer):
    # 1. identity
    name = serializers.CharField(max_length=255)
    registration_number = serializers.CharField(max_length=40, required=False, default="", allow_blank=True)
    address = serializers.CharField(max_length=255, required=False, default="", allow_blank=True)
    postcode = serializers.CharField(max_length=20, required=False, default="", allow_blank=True)
    city = serializers.CharField(max_length=120)
    country = serializers.CharField(max_length=2)
    phone = serializers.CharField(max_length=40, required=False, default="", allow_blank=True)
    email = serializers.EmailField(required=False, default="", allow_blank=True)
    admin = RegistrationContactSerializer()
    # 2. secondary contacts
    contacts = RegistrationContactSerializer(many=True, required=False, default=list)
    # 3. activity
    sector = serializers.CharField(max_length=2)
    expertise_domains = serializers.CharField(
        max_length=MAX_EXPERTISE_LENGTH, required=False, default="", allow_blank=True
    )
    keywords = serializers.ListField(child=serializers.CharField(max_length=100), required=False, default=list)
    description = serializers.CharField(required=False, default="", allow_blank=True)
    website = serializers.URLField(required=False, default="", allow_blank=True)
    reference_hub = serializers.IntegerField(required=False, allow_null=True, default=None)
    # 4. terms
    accept_terms = serializers.BooleanField()

    def registration(self) -> services.CompanyRegistration:
        data = dict(self.validated_data)
        data["admin"] = services.ContactData(**data["admin"])
        data["contacts"] = [services.ContactData(**c) for c in data["contacts"]]
        return services.CompanyRegistration(**data)


class RegisteredCompanySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="title")
    url = serializers.SerializerMethodField()

    def get_url(self, company) -> str:
        """The company's public page."""
        return company.get_full_url(self.context.get("request"))


class CompanyRegistrationView(APIView):
    permission_classes = [AllowAny]
    throttle_scope = "registration"

    @extend_schema(request=CompanyRegistrationSerializer, responses={201: RegisteredCompanySerializer})
    def post(self, request):
        data = CompanyRegistrationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        company = services.register_company(data.registration())
        return Response(
            RegisteredCompanySerializer(company, context={"request": request}).data, status=status.HTTP_201_CREATED
        )


class LookupResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="title")
    city = serializers.CharField()
    country = serializers.CharField(source="country_id", allow_null=True)


class LookupQuerySerializer(serializers.Serializer):
    q = serializers.CharField(
        min_length=2,
        max_length=MAX_QUERY_LENGTH,
        error_messages={
            "required": _("Type at least 2 characters."),
            "blank": _("Type at least 2 characters."),
            "min_length": _("Type at least 2 characters."),
        },
        help_text="name or registration number, 2 characters at least",
    )


class LookupAnswerSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    registered = serializers.BooleanField()
    results = LookupResultSerializer(many=True, help_text="the first 20 companies found, by name")


class CompanyLookupView(APIView):
    """ "Is my company already registered?": search by name or registration number."""

    permission_classes = [AllowAny]

    @extend_schema(parameters=[LookupQuerySerializer], responses=LookupAnswerSerializer)
    def get(self, request):
        params = LookupQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        results = list(services.find_companies(params.validated_data["q"])[:20])
        return Response(
            {
                "count": len(results),
                "registered": bool(results),
                "results": LookupResultSerializer(results, many=True).data,
            }
        )


class StudentRegistrationSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(trim_whitespace=False, write_only=True)
    first_name = serializers.CharField(max_length=150)
    last_name = serializers.CharField(max_length=150)
    school = serializers.IntegerField()
    programme = serializers.IntegerField(required=False, allow_null=True, default=None)
    study_level = serializers.CharField()
    accept_terms = serializers.BooleanField()
    language = serializers.ChoiceField(choices=["fr", "en"], required=False, default="fr")


class StudentRegistrationView(APIView):
    permission_classes = [AllowAny]
    throttle_scope = "registration"

    @extend_schema(request=StudentRegistrationSerializer, responses={201: None})
    def post(self, request):
        data = StudentRegistrationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        student = services.register_student(services.StudentRegistration(**data.validated_data))
        return Response(
            {"id": student.user_id, "email": student.user.email, "status": "awaiting_confirmation"},
            status=status.HTTP_201_CREATED,
        )


class ConfirmationSerializer(serializers.Serializer):
    uid = serializers.CharField()
    token = serializers.CharField()


class StudentConfirmationView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(request=ConfirmationSerializer, responses={200: None})
    def post(self, request):
        data = ConfirmationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user_model = get_user_model()
        try:
            pk = force_str(urlsafe_base64_decode(data.validated_data["uid"]))
            user = user_model.objects.get(pk=pk, student__isnull=False)
        except (user_model.DoesNotExist, ValueError, TypeError, OverflowError):
            user = None
        if user is None or not email_confirmation_token.check_token(user, data.validated_data["token"]):
            raise serializers.ValidationError({"token": [_("This confirmation link is not valid.")]})
        services.confirm_student_email(user)
        return Response({"id": user.pk, "status": "active"})
