"""The internship follow-up: configuration (snippets), internships and their steps, documents, logbook, evaluations."""

from portal.followup.models.configuration import AgreementTemplate, EvaluationForm, StepDefinition, StepSet
from portal.followup.models.documents import Amendment, Signature
from portal.followup.models.internships import Internship, InternshipStep, TutorLink, academic_year
from portal.followup.models.logbook import Evaluation, JournalComment, JournalEntry, Review

__all__ = [
    "AgreementTemplate",
    "Amendment",
    "Evaluation",
    "EvaluationForm",
    "Internship",
    "InternshipStep",
    "JournalComment",
    "JournalEntry",
    "Review",
    "Signature",
    "StepDefinition",
    "StepSet",
    "TutorLink",
    "academic_year",
]
