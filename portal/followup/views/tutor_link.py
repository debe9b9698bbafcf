"""The company tutor's link: the pages a tutor without an account opens from an e-mail, without signing in.

Everything they may do goes through the same services as the signed-in pages, acting as the tutor: their own
steps, the validation of the intermediate reviews, their evaluation of the intern. A link that does not work any
more (expired, revoked, another tutor named since) answers 404; `access.followup.tutor_link` decides.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal import access
from portal.followup import selectors, services
from portal.followup.choices import Actor, Audience, InternshipStatus, Via
from portal.followup.forms import EvaluationForm
from portal.followup.services.steps import OPEN_FOR_STEPS
from portal.followup.views.common import act


def _link(token: str):
    link = access.followup.tutor_link(token)
    if link is None:
        raise Http404
    services.links.touch(link)
    return link, selectors.internship(link.internship_id)


def _here(token: str, anchor: str = "") -> str:
    return reverse("followup:link", args=[token]) + (f"#{anchor}" if anchor else "")


def _context(token, link, internship, **forms) -> dict:
    running = internship.status in OPEN_FOR_STEPS
    sent = selectors.sent_evaluations(internship)
    steps = [
        (step, running and not step.event and not step.done_at and step.actor == Actor.COMPANY_TUTOR)
        for step in selectors.steps(internship)
    ]
    evaluation_open = internship.status == InternshipStatus.ACTIVE and Audience.COMPANY not in sent
    return {
        "token": token,
        "tutor": link.tutor,
        "link": link,
        "internship": internship,
        "steps": steps,
        "reviews": selectors.reviews(internship),
        "evaluation_sent": Audience.COMPANY in sent,
        "opens_on": services.evaluations.opens_on(internship),
        "evaluation_form": forms.get("evaluation_form")
        or (EvaluationForm(criteria=internship.criteria(Audience.COMPANY)) if evaluation_open else None),
    }


def page(request, token: str):
    link, internship = _link(token)
    response = render(request, "followup/tutor_link.html", _context(token, link, internship))
    response["Referrer-Policy"] = "no-referrer"  # the token is in the address: never pass it on
    return response


@require_POST
def validate_step(request, token: str, code: str):
    link, internship = _link(token)
    return act(
        request,
        lambda: services.steps.validate_step(internship, code, by=link.tutor, via=Via.LINK),
        success=_("The step is validated; the next person was told."),
        target=_here(token, "steps"),
    )


@require_POST
def validate_review(request, token: str, review_id: int):
    link, internship = _link(token)
    return act(
        request,
        lambda: services.logbook.validate_review(services.logbook.review_of(internship, review_id), by=link.tutor),
        success=_("Your validation of the review is recorded."),
        target=_here(token, "reviews"),
    )


@require_POST
def evaluate(request, token: str):
    link, internship = _link(token)
    form = EvaluationForm(request.POST, criteria=internship.criteria(Audience.COMPANY))
    if form.is_valid():
        response = act(
            request,
            lambda: services.evaluations.send_company_evaluation(
                internship, by=link.tutor, scores=form.scores(), comment=form.cleaned_data["comment"]
            ),
            success=_("Your evaluation is sent."),
            target=_here(token, "evaluation"),
            form=form,
        )
        if response is not None:
            return response
    return render(
        request, "followup/tutor_link.html", _context(token, link, internship, evaluation_form=form), status=400
    )
