"""The CV book on the student's home (« mon profil CV-book », « offres pour vous »), read where the home shows it."""

from django import template

from portal.accounts.models import Student
from portal.cvbook import matching, selectors

register = template.Library()

HOME_SUGGESTIONS = 5
HOME_CONSULTATIONS = 5


@register.inclusion_tag("cvbook/_student_home.html", takes_context=True)
def student_cvbook(context, student: Student):
    """The student's profile with its switch and its last visitors, and the best offers for them."""
    request = context["request"]
    profile = selectors.own_profile(student)
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "profile": profile,
        "online": profile.pk is not None and selectors.is_online(profile),
        "consultations": selectors.consultations(profile, limit=HOME_CONSULTATIONS),
        "matches": matching.offers_for(request.user, profile, limit=HOME_SUGGESTIONS),
    }
