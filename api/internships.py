"""`/internships`: the follow-up of internships towards the quality label.

The company side starts an internship from an accepted application, school staff record one found elsewhere;
the student and the programme head agree; each step is validated by its actor; the programme head awards the
label. The logbook, the reviews, the evaluations and the documents are in `api/internship_parts.py`. The views
are thin: `portal.followup.services` decides and writes, `portal.followup.selectors` reads, and the web pages
(`portal/followup/views.py`) call the same functions.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from api.pagination import PortalPagination
from cms_pages.models import OrganisationPage
from portal import access
from portal.accounts.models import User
from portal.followup import downloads, pdfs, selectors, services
from portal.followup.choices import InternshipStatus, LabelState, Party
from portal.followup.models import Internship
from portal.ids import MAX_ID, within_range
from portal.recruitment.models import Application


def person(user) -> dict | None:
    if user is None:
        return None
    return {"id": user.pk, "name": user.get_full_name() or user.email, "email": user.email}


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    email = serializers.EmailField()


class StepSerializer(serializers.Serializer):
    code = serializers.CharField()
    position = serializers.IntegerField()
    phase = serializers.CharField()
    phase_label = serializers.CharField(source="get_phase_display")
    title = serializers.CharField()
    mandatory = serializers.BooleanField()
    actor = serializers.CharField()
    actor_label = serializers.CharField(source="get_actor_display")
    done_by_event = serializers.BooleanField()
    event = serializers.CharField()
    due_date = serializers.DateField(allow_null=True)
    done_at = serializers.DateTimeField(allow_null=True)
    done_by = serializers.SerializerMethodField()

    @extend_schema_field(PersonSerializer(allow_null=True))
    def get_done_by(self, step):
        return person(step.done_by) if step.done_by_id else None


class CriterionSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    section = serializers.CharField()


class InternshipSerializer(serializers.ModelSerializer):
    """An internship as its readers see it (`for_listing`: no query per row)."""

    number = serializers.CharField(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    label_label = serializers.CharField(source="get_label_display", read_only=True)
    academic_year = serializers.CharField(source="academic_year_label", read_only=True)
    student = serializers.SerializerMethodField()
    company = serializers.SerializerMethodField()
    offer = serializers.SerializerMethodField()
    school = serializers.SerializerMethodField()
    programme = serializers.SerializerMethodField()
    company_tutor = serializers.SerializerMethodField()
    academic_tutor = serializers.SerializerMethodField()
    programme_head = serializers.SerializerMethodField()
    progress = serializers.SerializerMethodField()
    steps = StepSerializer(many=True, read_only=True)
    agreement = serializers.SerializerMethodField()

    class Meta:
        model = Internship
        fields = [
            "id",
            "number",
            "status",
            "status_label",
            "title",
            "student",
            "school",
            "programme",
            "company",
            "offer",
            "company_tutor",
            "academic_tutor",
            "programme_head",
            "start_date",
            "end_date",
            "academic_year",
            "label",
            "label_label",
            "label_awarded_at",
            "progress",
            "steps",
            "agreement",
            "student_agreed_at",
            "school_agreed_at",
        ]

    @extend_schema_field(PersonSerializer)
    def get_student(self, internship):
        return person(internship.student)

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_company(self, internship) -> dict:
        return {"id": internship.company_id, "name": internship.company.title}

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_offer(self, internship) -> dict | None:
        offer = internship.offer
        return {"id": offer.pk, "number": offer.number, "title": offer.title} if offer else None

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_school(self, internship) -> dict:
        return {"id": internship.school_id, "name": internship.school.title}

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_programme(self, internship) -> dict | None:
        programme = internship.programme
        return {"id": programme.pk, "name": programme.name} if programme else None

    @extend_schema_field(PersonSerializer)
    def get_company_tutor(self, internship):
        return person(internship.company_tutor)

    @extend_schema_field(PersonSerializer(allow_null=True))
    def get_academic_tutor(self, internship):
        return person(internship.academic_tutor)

    @extend_schema_field(PersonSerializer(allow_null=True))
    def get_programme_head(self, internship):
        return person(internship.programme_head)

    @extend_schema_field(
        inline_serializer("Progress", {"done": serializers.IntegerField(), "total": serializers.IntegerField()})
    )
    def get_progress(self, internship):
        done, total = internship.mandatory_progress
        return {"done": done, "total": total}

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_agreement(self, internship) -> dict:
        request = self.context.get("request")
        signatures = {party: internship.party_signature(party) for party in Party.values}

        def absolute(path: str) -> str:
            return request.build_absolute_uri(path) if request else path

        path = f"/api/v1/internships/{internship.pk}/agreement"
        return {
            "approved_by": {party: s.signed_at if s else None for party, s in signatures.items()},
            "signatures": [
                {
                    "party": party,
                    "method": s.method,
                    "signed_by": person(s.signed_by),
                    "signed_at": s.signed_at,
                    "scan": absolute(f"{path}/signatures/{s.pk}/scan") if s.method == "scan" else None,
                }
                for party, s in signatures.items()
                if s
            ],
            "complete": all(signatures.values()),
            "document": absolute(path),
        }


class InternshipDetailSerializer(InternshipSerializer):
    """One internship with its mission, its evaluation criteria and what the reader may see of its outcome."""

    evaluation_criteria = serializers.SerializerMethodField()
    evaluations = serializers.SerializerMethodField()
    final_grade = serializers.SerializerMethodField()

    class Meta(InternshipSerializer.Meta):
        fields = [*InternshipSerializer.Meta.fields, "mission", "evaluation_criteria", "evaluations", "final_grade"]

    @extend_schema_field(
        inline_serializer(
            "EvaluationCriteria",
            {"company": CriterionSerializer(many=True), "student": CriterionSerializer(many=True)},
        )
    )
    def get_evaluation_criteria(self, internship):
        return {"company": internship.criteria("company"), "student": internship.criteria("student")}

    @extend_schema_field(
        inline_serializer(
            "EvaluationsSent", {"company": serializers.BooleanField(), "student": serializers.BooleanField()}
        )
    )
    def get_evaluations(self, internship):
        """Which evaluations were sent: never their content (see /evaluations/company and /evaluations/student)."""
        sent = selectors.sent_evaluations(internship)
        return {"company": "company" in sent, "student": "student" in sent}

    @extend_schema_field(serializers.DecimalField(max_digits=4, decimal_places=2, allow_null=True))
    def get_final_grade(self, internship):
        roles = self.context["roles"]
        if internship.final_grade is None or not (roles.student or roles.school_side):
            return None
        return str(internship.final_grade)


def readable(request, internship_id: int) -> Internship:
    """The internship, for its readers; 404 for anybody else."""
    internship = selectors.detail(request.user, internship_id)
    if internship is None:
        raise NotFound
    return internship


def detail_response(request, internship_id: int, code=status.HTTP_200_OK) -> Response:
    internship = readable(request, internship_id)
    context = {"request": request, "roles": access.followup.roles(request.user, internship)}
    return Response(InternshipDetailSerializer(internship, context=context).data, status=code)


def _number(params, name: str) -> int | None:
    value = params.get(name, "")
    if not value:
        return None
    if not value.isdigit() or not within_range(int(value)):
        raise DRFValidationError({name: [_("A whole number is required.")]})
    return int(value)


def _filters(params) -> selectors.Filters:
    label, status_ = params.get("label", ""), params.get("status", "")
    if label and label not in LabelState.values:
        raise DRFValidationError({"label": [_("Choose one of %(values)s.") % {"values": ", ".join(LabelState.values)}]})
    if status_ and status_ not in InternshipStatus.values:
        raise DRFValidationError(
            {"status": [_("Choose one of %(values)s.") % {"values": ", ".join(InternshipStatus.values)}]}
        )
    year = params.get("year", "")
    year = year.split("-", 1)[0]
    if year and not (year.isdigit() and 1900 < int(year) < 3000):
        raise DRFValidationError({"year": [_("Give an academic year, e.g. 2026 or 2026-2027.")]})
    return selectors.Filters(
        year=int(year) if year else None,
        programme=_number(params, "programme"),
        company=_number(params, "company"),
        label=label,
        status=status_,
    )


class StartSerializer(serializers.Serializer):
    """Start from an accepted application (the company side), or record an internship found elsewhere (school)."""

    application = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    student = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    company = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    title = serializers.CharField(required=False, allow_blank=True, max_length=255)
    company_tutor = serializers.EmailField(max_length=254)
    company_tutor_first_name = serializers.CharField(required=False, allow_blank=True, max_length=150, default="")
    company_tutor_last_name = serializers.CharField(required=False, allow_blank=True, max_length=150, default="")
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    mission = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)

    def validate(self, data):
        if ("application" in data) == ("student" in data):
            raise DRFValidationError({"application": [_("Give an accepted application, or a student and a company.")]})
        if "student" in data and "company" not in data:
            raise DRFValidationError({"company": [_("Choose a company of the portal.")]})
        return data


class InternshipListView(APIView):
    """« Suivi global des stagiaires »: the internships in the caller's scope; starting or recording one."""

    permission_classes = [IsAuthenticated]
    pagination_class = PortalPagination

    @extend_schema(
        parameters=[
            OpenApiParameter("year", str, description="Academic year: 2026 or 2026-2027"),
            OpenApiParameter("programme", int),
            OpenApiParameter("company", int),
            OpenApiParameter("label", str, enum=LabelState.values),
            OpenApiParameter("status", str, enum=InternshipStatus.values),
        ],
        responses=InternshipSerializer(many=True),
    )
    def get(self, request):
        internships = selectors.dashboard(request.user, _filters(request.query_params))
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(internships, request, view=self)
        return paginator.get_paginated_response(
            InternshipSerializer(page, many=True, context={"request": request}).data
        )

    @extend_schema(request=StartSerializer, responses={201: InternshipDetailSerializer})
    def post(self, request):
        data = StartSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        tutor = services.internships.Tutor(
            values["company_tutor"], values["company_tutor_first_name"], values["company_tutor_last_name"]
        )
        if "application" in values:
            application = (
                Application.objects.select_related("offer", "company").filter(pk=values["application"]).first()
            )
            if application is None:
                raise NotFound
            internship = services.internships.start(
                application,
                company_tutor=tutor,
                start_date=values["start_date"],
                end_date=values["end_date"],
                mission=values["mission"],
                by=request.user,
            )
        else:
            student = User.objects.filter(pk=values["student"]).first()
            company = OrganisationPage.objects.companies().filter(pk=values["company"]).first()
            if student is None:
                raise NotFound
            internship = services.internships.record(
                student,
                company=company,
                company_tutor=tutor,
                start_date=values["start_date"],
                end_date=values["end_date"],
                title=values.get("title", ""),
                mission=values["mission"],
                by=request.user,
            )
        return detail_response(request, internship.pk, status.HTTP_201_CREATED)


class InternshipDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=InternshipDetailSerializer)
    def get(self, request, internship_id: int):
        """One internship: its steps before / during / after, mandatory flags, label state, agreement."""
        return detail_response(request, internship_id)


class AgreeSerializer(serializers.Serializer):
    academic_tutor = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)


class AgreeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=AgreeSerializer, responses=InternshipDetailSerializer)
    def post(self, request, internship_id: int):
        """The student, or the programme head naming the academic tutor, agrees to the follow-up."""
        internship = readable(request, internship_id)
        data = AgreeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tutor = None
        if "academic_tutor" in data.validated_data:
            tutor = User.objects.filter(pk=data.validated_data["academic_tutor"]).first()
            if tutor is None:
                raise DRFValidationError({"academic_tutor": [_("Unknown person.")]})
        services.internships.agree(internship, by=request.user, academic_tutor=tutor)
        return detail_response(request, internship.pk)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class CancelView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=ReasonSerializer, responses=InternshipDetailSerializer)
    def post(self, request, internship_id: int):
        """The company's administrator or the programme head cancels the follow-up."""
        internship = readable(request, internship_id)
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.internships.cancel(internship, by=request.user, reason=data.validated_data["reason"])
        return detail_response(request, internship.pk)


class StepValidateView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=StepSerializer)
    def post(self, request, internship_id: int, code: str):
        """The step's actor validates it (403 for anybody else, 409 if done or completed by an event)."""
        internship = readable(request, internship_id)
        step = services.steps.validate_step(internship, code, by=request.user)
        return Response(StepSerializer(step).data)


class LabelView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=InternshipDetailSerializer)
    def post(self, request, internship_id: int):
        """The programme head awards the quality label (409 while a mandatory step is open)."""
        internship = readable(request, internship_id)
        services.steps.award_label(internship, by=request.user)
        return detail_response(request, internship.pk)


class CertificateView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request, internship_id: int):
        """The label certificate as a PDF, once the label is awarded (404 before)."""
        internship = readable(request, internship_id)
        if internship.label != LabelState.AWARDED:
            raise NotFound(_("The label has not been awarded."))
        return downloads.pdf_response(pdfs.certificate_pdf(internship), f"label-{internship.number}.pdf")


class GradeSerializer(serializers.Serializer):
    grade = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, max_value=20)


class GradeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=GradeSerializer, responses=InternshipDetailSerializer)
    def post(self, request, internship_id: int):
        """The programme head records the final grade (out of 20); the student is then invited to evaluate."""
        internship = readable(request, internship_id)
        data = GradeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.evaluations.record_grade(internship, by=request.user, grade=data.validated_data["grade"])
        return detail_response(request, internship.pk)


class TutorLinkView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={202: None})
    def post(self, request, internship_id: int):
        """E-mail the company tutor a new link to the follow-up (company administrator, programme head, academic
        tutor)."""
        internship = readable(request, internship_id)
        services.links.send_link(internship, by=request.user)
        return Response(status=status.HTTP_202_ACCEPTED)


class TutorLinkRevokeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=inline_serializer("Revoked", {"revoked": serializers.IntegerField()}))
    def post(self, request, internship_id: int):
        """Revoke every working link of the internship's company tutor."""
        internship = readable(request, internship_id)
        return Response({"revoked": services.links.revoke_links(internship, by=request.user)})
