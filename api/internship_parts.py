"""The parts of an internship's follow-up: the logbook, the intermediate reviews, the two evaluations, the agreement
and its amendments (with their PDF documents and the scans of signed papers).

Every reader of the internship reads its logbook and reviews; the company's evaluation is read by the school and
the company side; the student's evaluation by the programme head alone (404 to anybody else).
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from api.internships import PersonSerializer, person, readable
from portal import access
from portal.followup import downloads, pdfs, selectors, services
from portal.followup.choices import Audience, Party
from portal.followup.models import Signature
from portal.recruitment.uploads import MarkingDRFMultiPartParser

TEXT_LIMIT = 5000


class CommentSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    text = serializers.CharField(max_length=TEXT_LIMIT)
    author = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField(read_only=True)

    @extend_schema_field(PersonSerializer(allow_null=True))
    def get_author(self, comment):
        return person(comment.author)


class EntrySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    date = serializers.DateField()
    text = serializers.CharField(max_length=TEXT_LIMIT)
    author = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField(read_only=True)
    comments = CommentSerializer(many=True, read_only=True)

    @extend_schema_field(PersonSerializer(allow_null=True))
    def get_author(self, entry):
        return person(entry.author)


class JournalView(APIView):
    """« Journaux de stage »: dated entries by the student, read by both tutors, who may comment."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=EntrySerializer(many=True))
    def get(self, request, internship_id: int):
        internship = readable(request, internship_id)
        entries = list(selectors.journal(internship))
        return Response({"count": len(entries), "results": EntrySerializer(entries, many=True).data})

    @extend_schema(request=EntrySerializer, responses={201: EntrySerializer})
    def post(self, request, internship_id: int):
        internship = readable(request, internship_id)
        data = EntrySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry = services.logbook.write_entry(
            internship, by=request.user, date=data.validated_data["date"], text=data.validated_data["text"]
        )
        return Response(EntrySerializer(entry).data, status=status.HTTP_201_CREATED)


class JournalCommentView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=CommentSerializer, responses={201: CommentSerializer})
    def post(self, request, internship_id: int, entry_id: int):
        """A tutor comments an entry; the student is told."""
        internship = readable(request, internship_id)
        entry = get_object_or_404(internship.journal.all(), pk=entry_id)
        data = CommentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        comment = services.logbook.comment_entry(entry, by=request.user, text=data.validated_data["text"])
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)


class ReviewSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    number = serializers.IntegerField(read_only=True)
    text = serializers.CharField(max_length=TEXT_LIMIT)
    created_at = serializers.DateTimeField(read_only=True)
    company_validated_at = serializers.DateTimeField(read_only=True, allow_null=True)
    academic_validated_at = serializers.DateTimeField(read_only=True, allow_null=True)
    validated = serializers.BooleanField(source="fully_validated", read_only=True)
    counts_in_grade = serializers.SerializerMethodField()

    def get_counts_in_grade(self, review) -> bool:
        """An intermediate review does not count in the final grade: it helps to put problems right early."""
        return False


class ReviewListView(APIView):
    """« Bilans intermédiaires »: written by the student, validated by each tutor."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=ReviewSerializer(many=True))
    def get(self, request, internship_id: int):
        internship = readable(request, internship_id)
        reviews = list(selectors.reviews(internship))
        return Response({"count": len(reviews), "results": ReviewSerializer(reviews, many=True).data})

    @extend_schema(request=ReviewSerializer, responses={201: ReviewSerializer})
    def post(self, request, internship_id: int):
        internship = readable(request, internship_id)
        data = ReviewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        review = services.logbook.write_review(internship, by=request.user, text=data.validated_data["text"])
        return Response(ReviewSerializer(review).data, status=status.HTTP_201_CREATED)


class ReviewValidateView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=ReviewSerializer)
    def post(self, request, internship_id: int, review_id: int):
        """The company tutor or the academic tutor validates the review (409 if they already did)."""
        internship = readable(request, internship_id)
        review = services.logbook.review_of(internship, review_id)
        review = services.logbook.validate_review(review, by=request.user)
        return Response(ReviewSerializer(review).data)


class EvaluationSerializer(serializers.Serializer):
    scores = serializers.DictField(child=serializers.JSONField(), allow_empty=True)
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=TEXT_LIMIT)
    average = serializers.FloatField(read_only=True, allow_null=True)
    sent_at = serializers.DateTimeField(read_only=True)
    sent_by = serializers.SerializerMethodField()

    @extend_schema_field(PersonSerializer(allow_null=True))
    def get_sent_by(self, evaluation):
        return person(evaluation.sent_by)


class CompanyEvaluationView(APIView):
    """The company tutor's evaluation of the intern: sent by the tutor, read by the school and the company side."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=EvaluationSerializer)
    def get(self, request, internship_id: int):
        internship = readable(request, internship_id)
        access.followup.require_roles(request.user, internship, lambda roles: roles.reads_company_evaluation)
        evaluation = selectors.evaluation(internship, Audience.COMPANY)
        if evaluation is None:
            raise NotFound(_("The evaluation has not been sent."))
        return Response(EvaluationSerializer(evaluation).data)

    @extend_schema(request=EvaluationSerializer, responses={201: EvaluationSerializer})
    def post(self, request, internship_id: int):
        internship = readable(request, internship_id)
        data = EvaluationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        evaluation = services.evaluations.send_company_evaluation(internship, by=request.user, **data.validated_data)
        return Response(EvaluationSerializer(evaluation).data, status=status.HTTP_201_CREATED)


class StudentEvaluationView(APIView):
    """The student's evaluation of the internship: confidential, read by the programme head alone (404 to others)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=EvaluationSerializer)
    def get(self, request, internship_id: int):
        internship = readable(request, internship_id)
        access.followup.require_confidential_reader(request.user, internship)
        evaluation = selectors.evaluation(internship, Audience.STUDENT)
        if evaluation is None:
            raise NotFound
        return Response(EvaluationSerializer(evaluation).data)

    @extend_schema(request=EvaluationSerializer, responses={201: None})
    def post(self, request, internship_id: int):
        """Sent once the final grade is recorded; the answer carries no content back (it is confidential)."""
        internship = readable(request, internship_id)
        data = EvaluationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        evaluation = services.evaluations.send_student_evaluation(internship, by=request.user, **data.validated_data)
        return Response({"sent_at": evaluation.sent_at}, status=status.HTTP_201_CREATED)


class ApprovalSerializer(serializers.Serializer):
    """Approve online (no file), or with the scan of the signed paper (multipart `scan`: PDF, JPEG or PNG)."""

    party = serializers.ChoiceField(choices=Party.choices, required=False)
    scan = serializers.FileField(required=False)


class SignatureSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    party = serializers.CharField()
    method = serializers.CharField()
    signed_at = serializers.DateTimeField()
    signed_by = serializers.SerializerMethodField()

    @extend_schema_field(PersonSerializer(allow_null=True))
    def get_signed_by(self, signature):
        return person(signature.signed_by)


def _approval(request) -> dict:
    data = ApprovalSerializer(data={key: request.data[key] for key in ("party",) if key in request.data})
    data.is_valid(raise_exception=True)
    return {"party": data.validated_data.get("party"), "scan": request.FILES.get("scan")}


class AgreementView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request, internship_id: int):
        """The agreement as a PDF, generated from the internship's data and its template."""
        internship = readable(request, internship_id)
        content = pdfs.agreement_pdf(
            internship,
            selectors.signatures(internship).filter(undone_at__isnull=True),
            selectors.amendments(internship),
        )
        return downloads.pdf_response(content, f"convention-{internship.number}.pdf")


class AgreementApproveView(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MarkingDRFMultiPartParser, FormParser, JSONParser]

    @extend_schema(
        request={"application/json": ApprovalSerializer, "multipart/form-data": ApprovalSerializer},
        responses={201: SignatureSerializer},
    )
    def post(self, request, internship_id: int):
        """The student, the company (its tutor or an administrator) or the programme head signs the agreement."""
        internship = readable(request, internship_id)
        signature = services.agreement.approve_agreement(internship, by=request.user, **_approval(request))
        return Response(SignatureSerializer(signature).data, status=status.HTTP_201_CREATED)


class SignatureUndoView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=SignatureSerializer)
    def post(self, request, internship_id: int, party: str):
        """The school undoes a party's signature of the agreement; the party signs again."""
        internship = readable(request, internship_id)
        if party not in Party.values:
            raise NotFound
        signature = services.agreement.undo_signature(internship, party, by=request.user)
        return Response(SignatureSerializer(signature).data)


class ScanView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request, internship_id: int, signature_id: int):
        """The scan of a signed paper, for the internship's readers, as an attachment."""
        internship = readable(request, internship_id)
        signature = Signature.objects.filter(internship=internship, pk=signature_id).exclude(scan="").first()
        if signature is None:
            raise NotFound
        return downloads.scan_response(signature)


class AmendmentSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    number = serializers.IntegerField(read_only=True)
    status = serializers.CharField(read_only=True)
    start_date = serializers.DateField(required=False, allow_null=True)
    end_date = serializers.DateField(required=False, allow_null=True)
    company_tutor = serializers.EmailField(source="company_tutor_email", required=False, allow_blank=True)
    company_tutor_first_name = serializers.CharField(required=False, allow_blank=True, max_length=150)
    company_tutor_last_name = serializers.CharField(required=False, allow_blank=True, max_length=150)
    mission = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_LIMIT)
    reason = serializers.CharField(max_length=TEXT_LIMIT)
    proposed_at = serializers.DateTimeField(read_only=True)
    applied_at = serializers.DateTimeField(read_only=True, allow_null=True)
    approved_by = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_approved_by(self, amendment) -> dict:
        signed = {signature.party: signature.signed_at for signature in amendment.signatures.all()}
        return {party: signed.get(party) for party in Party.values}


class AmendmentListView(APIView):
    """« Avenants »: changes to the dates, the tutor or the mission, approved by the three parties."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=AmendmentSerializer(many=True))
    def get(self, request, internship_id: int):
        internship = readable(request, internship_id)
        amendments = list(selectors.amendments(internship))
        return Response({"count": len(amendments), "results": AmendmentSerializer(amendments, many=True).data})

    @extend_schema(request=AmendmentSerializer, responses={201: AmendmentSerializer})
    def post(self, request, internship_id: int):
        internship = readable(request, internship_id)
        data = AmendmentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        tutor = None
        if values.get("company_tutor_email"):
            tutor = services.internships.Tutor(
                values["company_tutor_email"],
                values.get("company_tutor_first_name", ""),
                values.get("company_tutor_last_name", ""),
            )
        amendment = services.agreement.propose_amendment(
            internship,
            by=request.user,
            reason=values["reason"],
            start_date=values.get("start_date"),
            end_date=values.get("end_date"),
            company_tutor=tutor,
            mission=values.get("mission", ""),
        )
        amendment = selectors.amendments(internship).get(pk=amendment.pk)
        return Response(AmendmentSerializer(amendment).data, status=status.HTTP_201_CREATED)


def _amendment(request, internship_id: int, amendment_id: int):
    internship = readable(request, internship_id)
    return internship, get_object_or_404(selectors.amendments(internship), pk=amendment_id)


class AmendmentDocumentView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request, internship_id: int, amendment_id: int):
        """The amendment as a PDF with its approvals."""
        internship, amendment = _amendment(request, internship_id, amendment_id)
        amendment.internship = internship
        content = pdfs.amendment_pdf(amendment, amendment.signatures.all())
        return downloads.pdf_response(content, f"avenant-{internship.number}-{amendment.number}.pdf")


class AmendmentApproveView(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MarkingDRFMultiPartParser, FormParser, JSONParser]

    @extend_schema(
        request={"application/json": ApprovalSerializer, "multipart/form-data": ApprovalSerializer},
        responses={201: SignatureSerializer},
    )
    def post(self, request, internship_id: int, amendment_id: int):
        """A party approves the amendment; the third approval applies it to the internship."""
        _internship, amendment = _amendment(request, internship_id, amendment_id)
        signature = services.agreement.approve_amendment(amendment, by=request.user, **_approval(request))
        return Response(SignatureSerializer(signature).data, status=status.HTTP_201_CREATED)


class AmendmentWithdrawView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=AmendmentSerializer)
    def post(self, request, internship_id: int, amendment_id: int):
        """The party who proposed the amendment, or the programme head, withdraws it while it awaits approvals."""
        _internship, amendment = _amendment(request, internship_id, amendment_id)
        amendment = services.agreement.withdraw_amendment(amendment, by=request.user)
        return Response(AmendmentSerializer(amendment).data)
