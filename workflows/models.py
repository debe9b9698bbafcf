"""Offer moderation on Wagtail workflows, and the campaigns offers belong to.

The "Offer approval" workflow (created by a data migration) has two tasks:
1. `CompanyAdminApprovalTask`: the administrators of the offer's company validate it; it completes
   at once when the author is an administrator.
2. `HubApprovalTask`: the moderators of the company's reference hub validate it; the last approval
   publishes the offer (see `services.publish_approved_offer`).
Company users act through the workspace and the API, which call the same `on_action` as the
Wagtail admin, so every path keeps the offer's lifecycle status and notifications in step.
"""

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import Task, TaskState

from cms_pages.models import OfferPage
from portal import access


class Campaign(models.Model):
    """An internship campaign: offers are published for one, and renewed for the next."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    ending_notice_sent_at = models.DateTimeField(_("ending notice sent at"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-starts_on"]
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="campaign_dates")]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def current(cls, on=None):
        """The campaign running on `on` (today by default), the latest one if several overlap."""
        day = on or timezone.localdate()
        return cls.objects.filter(starts_on__lte=day, ends_on__gte=day).order_by("-starts_on").first()


def _offer(obj):
    specific = obj.specific if not isinstance(obj, OfferPage) else obj
    return specific if isinstance(specific, OfferPage) else None


class OfferApprovalTask(Task):
    """The parts both approval steps share: who approves is decided by the access rules (`portal.access.offers`).

    Wagtail asks a Task model who may act and hands it the action: these two questions go up the layers, to the
    access rules and (`on_action`) to the offer services. They are the only model code that does.
    """

    class Meta:
        abstract = True

    # Each concrete task names its approvers with `user_can_approve(offer, user)` and
    # `approvable_offers(user)` (a queryset of the offers the user may approve at this step).

    def get_actions(self, obj, user):
        offer = _offer(obj)
        if offer is None or not self.user_can_approve(offer, user):
            return []
        return [
            ("reject", _("Request changes"), True),
            ("approve", _("Approve"), False),
            ("approve", _("Approve with comment"), True),
        ]

    def on_action(self, task_state, user, action_name, **kwargs):
        """Approve or request changes, then bring the offer's status and notifications in step."""
        # Wagtail calls the task with the action: the offer services (which import this module) keep the offer's
        # status and notifications in step.
        from workflows import services

        offer = _offer(task_state.workflow_state.content_object)
        if offer is None or not self.user_can_approve(offer, user):
            raise PermissionDenied
        super().on_action(task_state, user, action_name, **kwargs)
        services.after_task_action(offer, task_state, action_name, by=user, comment=kwargs.get("comment", ""))

    def user_can_access_editor(self, obj, user):
        offer = _offer(obj)
        return offer is not None and self.user_can_approve(offer, user)

    def locked_for_user(self, obj, user):
        offer = _offer(obj)
        return offer is None or not self.user_can_approve(offer, user)

    def user_can_lock(self, obj, user):
        offer = _offer(obj)
        return offer is not None and self.user_can_approve(offer, user)

    def get_task_states_user_can_moderate(self, user, **kwargs):
        offer_ids = self.approvable_offers(user).annotate(str_pk=Cast("pk", CharField())).values("str_pk")
        return self.task_states.filter(status=TaskState.STATUS_IN_PROGRESS, workflow_state__object_id__in=offer_ids)


class CompanyAdminApprovalTask(OfferApprovalTask):
    admin_form_fields = Task.admin_form_fields

    class Meta:
        verbose_name = _("company administrator approval")
        verbose_name_plural = _("company administrator approvals")

    def user_can_approve(self, offer, user) -> bool:
        return access.offers.approves_for_company(user, offer)

    def approvable_offers(self, user):
        return OfferPage.objects.filter(access.offers.company_step_q(user))

    def start(self, workflow_state, user=None):
        """An offer written by a company administrator needs no second look from the company."""
        task_state = super().start(workflow_state, user=user)
        offer = _offer(workflow_state.content_object)
        if offer is not None and user is not None and self.user_can_approve(offer, user):
            task_state.approve(user=user, update=False, comment=str(_("Written by a company administrator.")))
        return task_state

    @classmethod
    def get_description(cls):
        return _("The administrators of the offer's company validate it.")


class HubApprovalTask(OfferApprovalTask):
    admin_form_fields = Task.admin_form_fields

    class Meta:
        verbose_name = _("reference hub approval")
        verbose_name_plural = _("reference hub approvals")

    def user_can_approve(self, offer, user) -> bool:
        return access.offers.approves_for_hub(user, offer)

    def approvable_offers(self, user):
        return OfferPage.objects.filter(access.offers.hub_step_q(user))

    @classmethod
    def get_description(cls):
        return _("The moderators of the company's reference hub validate the offer before publication.")
