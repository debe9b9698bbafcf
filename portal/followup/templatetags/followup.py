"""Template tags of the follow-up: texts kept in French and English, the labelled internships' badges."""

from django import template

from portal.followup import selectors
from portal.followup.models.configuration import in_language

register = template.Library()


@register.simple_tag
def localised(french: str, english: str) -> str:
    """The French or the English text, as the active language asks (in e-mails: the recipient's)."""
    return in_language(french or "", english or "")


@register.simple_tag
def labelled_internships(company) -> int:
    """« N stages labellisés »: the company's internships that received the quality label."""
    return selectors.labelled_count(company)


@register.simple_tag
def labelled_internships_of_student(student_user) -> int:
    """The quality labels a student's internships received (for their CV-book profile)."""
    return selectors.labelled_count_for_student(student_user)
