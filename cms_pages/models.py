"""The portal's Wagtail page tree.

HomePage
├── OrganisationIndexPage ── OrganisationPage (company | school | hub) ── OfferPage (companies only)
├── OfferIndexPage           (the public list of live offers)
├── GuideIndexPage ───────── GuidePage
└── ContactPage              (the portal team's addresses, per hub, and a form that writes to them)
"""

import json
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Aggregate, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Length, Substr
from django.db.models.query import ModelIterable
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.api import APIField
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page, PageManager, PageViewRestriction, Workflow
from wagtail.query import PageQuerySet
from wagtail.search import index

from cms_pages.blocks import GuideBodyBlock
from portal.reference import tables
from portal.reference.choices import Audience, InternshipType, OfferStatus, OrganisationKind, StudyLevel
from portal.reference.models import Country, Sector

PAGE_SIZE = 20
# The largest number a (positive) small integer column holds on every database: PostgreSQL refuses more, SQLite
# would keep it. The fields' validators say so, and the forms, services and API bound their input by them.
SMALLINT_MAX = 32767
OFFER_WORKFLOW_NAME = "Offer approval"


class HomePage(Page):
    """The portal's landing page: public counters and a way in for each audience."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    api_fields = [APIField("intro")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "cms_pages.OrganisationIndexPage",
        "cms_pages.OfferIndexPage",
        "cms_pages.GuideIndexPage",
        "cms_pages.ContactPage",
    ]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["guides"] = GuidePage.objects.live().public().order_by("audience", "title")[:6]
        return context

    def route(self, request, path_components):
        """Wagtail's routing, reading the section an address names (`/offres/`, `/organisations/`…) with its own
        fields in one query: Wagtail reads the page, then its fields, a query more on every page served."""
        if not path_components:
            return super().route(request, path_components)
        # A section's own table, joined from the page: the reverse link of each page type a home page holds.
        joined = {
            model: model._meta.model_name
            for model in self.allowed_subpage_models()
            if model._meta.get_parent_list() == [Page]
        }
        try:
            child = self.get_children().select_related(*joined.values()).get(slug=path_components[0])
        except Page.DoesNotExist:
            raise Http404 from None
        section = getattr(child, joined[child.specific_class]) if child.specific_class in joined else child.specific
        section._cached_parent_obj = self
        return section.route(request, path_components[1:])


class OrganisationIndexPage(Page):
    """The directory of organisations: companies, training organisations and hubs."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    api_fields = [APIField("intro")]

    parent_page_types = ["cms_pages.HomePage"]
    subpage_types = ["cms_pages.OrganisationPage"]
    max_count = 1

    class Meta:
        verbose_name = _("organisation index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        organisations = OrganisationPage.objects.live().public().for_listing().order_by("title")
        kind = request.GET.get("kind")
        if kind in OrganisationKind.values:
            organisations = organisations.filter(kind=kind)
        context["kind"] = kind
        context["kinds"] = OrganisationKind.choices
        context["organisations"] = Paginator(organisations, PAGE_SIZE).get_page(request.GET.get("page"))
        return context


class OrganisationKeyword(TaggedItemBase):
    content_object = ParentalKey("cms_pages.OrganisationPage", related_name="tagged_keywords", on_delete=models.CASCADE)


class PortalPageQuerySet(PageQuerySet):
    """Wagtail's page queries, with the view restrictions checked inside the statement that lists the pages."""

    def private_q(self):
        """The pages in a private section (a view restriction on the page or on an ancestor), as a condition of the
        statement itself: Wagtail's own reads every restriction first, in a query of its own, on every list."""
        restricted = PageViewRestriction.objects.filter(
            page__depth__lte=OuterRef("depth"),
            page__path=Substr(OuterRef("path"), 1, Length("page__path")),
        )
        return Q(Exists(restricted))


class OrganisationQuerySet(PortalPageQuerySet):
    def companies(self):
        return self.filter(kind=OrganisationKind.COMPANY)

    def schools(self):
        return self.filter(kind=OrganisationKind.SCHOOL)

    def hubs(self):
        return self.filter(kind=OrganisationKind.HUB)

    def for_listing(self):
        """The joins every list of organisations needs, with the keywords prefetched."""
        return self.select_related("country", "sector", "logo", "reference_hub").prefetch_related("keywords")


# The longest text of a company's expertise domains (« domaines d'expertise »).
MAX_EXPERTISE_LENGTH = 500
# What only a company holds: a school or a hub has no registration number, expertise domains nor reference hub.
COMPANY_ONLY_FIELDS = ("registration_number", "expertise_domains", "reference_hub")
# In the admin, a company-only field shows while "company" is the chosen kind (Wagtail's `w-rules` controller, set on
# the content tab below, hides it as soon as another kind is chosen).
COMPANY_ONLY = {"data-w-rules-target": "show", "data-w-rules": json.dumps({"kind": ["company"]})}
KIND_RULES = {"data-controller": "w-rules", "data-action": "change->w-rules#resolve"}


class OrganisationPageForm(WagtailAdminPageForm):
    """The admin form of an organisation, where the company-only fields belong to companies alone.

    A school's or a hub's form does not show them; on a new organisation they show while the kind chosen is
    "company", and whatever they hold is dropped when the organisation is of another kind.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.kind and self.instance.kind != OrganisationKind.COMPANY:
            for name in COMPANY_ONLY_FIELDS:
                self.fields.pop(name, None)

    def clean(self):
        data = super().clean()
        if data.get("kind") and data["kind"] != OrganisationKind.COMPANY:
            for name in COMPANY_ONLY_FIELDS:
                empty = None if self.instance._meta.get_field(name).is_relation else ""
                if name in self.fields:
                    data[name] = empty
                else:
                    setattr(self.instance, name, empty)
        return data


class OrganisationPage(Page):
    """A company, a training organisation (school) or a reference hub, with its public presentation."""

    kind = models.CharField(_("kind"), max_length=10, choices=OrganisationKind.choices, db_index=True)
    registration_number = models.CharField(
        _("company registration number"),
        max_length=40,
        blank=True,
        help_text=_("Official number of the organisation (e.g. BCE/KBO, SIREN, RNE)."),
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    description = RichTextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("contact e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    postcode = models.CharField(_("postcode"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    country = models.ForeignKey(
        "reference.Country",
        verbose_name=_("country"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    sector = models.ForeignKey(
        "reference.Sector", verbose_name=_("sector"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    keywords = ClusterTaggableManager(verbose_name=_("expertise keywords"), through=OrganisationKeyword, blank=True)
    expertise_domains = models.CharField(
        _("expertise domains"),
        max_length=MAX_EXPERTISE_LENGTH,
        blank=True,
        help_text=_("The fields the company is expert in, as students will read them."),
    )
    reference_hub = models.ForeignKey(
        "self",
        verbose_name=_("reference hub"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="attached_companies",
        limit_choices_to={"kind": OrganisationKind.HUB},
        help_text=_("The hub that validates this company's offers before publication."),
    )

    objects = PageManager.from_queryset(OrganisationQuerySet)()

    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("kind"), FieldPanel("registration_number", attrs=COMPANY_ONLY)]),
        FieldPanel("logo"),
        FieldPanel("description"),
        MultiFieldPanel(
            [
                FieldPanel("website"),
                FieldPanel("email"),
                FieldPanel("phone"),
                FieldPanel("address"),
                FieldRowPanel([FieldPanel("postcode"), FieldPanel("city")]),
                FieldPanel("country"),
            ],
            heading=_("Contact details"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("sector"),
                FieldPanel("expertise_domains", attrs=COMPANY_ONLY),
                FieldPanel("keywords"),
                FieldPanel("reference_hub", attrs=COMPANY_ONLY),
            ],
            heading=_("Activity"),
        ),
        InlinePanel("programmes", heading=_("Programmes"), label=_("programme")),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Content"), attrs=KIND_RULES),
            ObjectList(Page.promote_panels, heading=_("Promote")),
            ObjectList(Page.settings_panels, heading=_("Settings")),
        ]
    )
    base_form_class = OrganisationPageForm
    search_fields = [
        *Page.search_fields,
        index.SearchField("description"),
        index.SearchField("expertise_domains"),
        index.SearchField("city"),
        index.AutocompleteField("title"),
        index.FilterField("kind"),
        index.FilterField("country"),
        index.FilterField("sector"),
        index.RelatedFields("keywords", [index.SearchField("name")]),
    ]
    api_fields = [
        APIField("kind"),
        APIField("logo"),
        APIField("description"),
        APIField("website"),
        APIField("address"),
        APIField("postcode"),
        APIField("city"),
        APIField("country_code"),
        APIField("sector_code"),
        APIField("keyword_list"),
        APIField("expertise_domains"),
        APIField("reference_hub"),
        APIField("programmes"),
    ]

    parent_page_types = ["cms_pages.OrganisationIndexPage"]
    subpage_types = ["cms_pages.OfferPage"]

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        permissions = [
            ("manage_company", _("Manage the company record")),
            ("manage_contacts", _("Manage the company's secondary contacts")),
            ("approve_offers", _("Validate the offers of secondary contacts")),
            ("create_offers", _("Create offers for the company")),
            ("view_company_offers", _("See every offer of the company")),
            ("receive_spontaneous_applications", _("Receive spontaneous applications")),
            ("moderate_offers", _("Moderate the offers of the hub's companies")),
            ("follow_students", _("Follow the organisation's students")),
            ("read_confidential_evaluations", _("Read the students' confidential evaluations")),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def country_code(self) -> str | None:
        return self.country_id

    @property
    def sector_code(self) -> str | None:
        return self.sector_id

    @property
    def keyword_list(self) -> list[str]:
        return sorted(tag.name for tag in self.keywords.all())

    @property
    def is_company(self) -> bool:
        return self.kind == OrganisationKind.COMPANY

    def clean(self):
        super().clean()
        errors = {}
        if self.reference_hub_id and self.kind != OrganisationKind.COMPANY:
            errors["reference_hub"] = _("Only a company has a reference hub.")
        if self.reference_hub and self.reference_hub.kind != OrganisationKind.HUB:
            errors["reference_hub"] = _("The reference hub must be a hub.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        result = super().save(*args, **kwargs)
        if self.is_company and self.pk:
            # Offers are found by their company's name: keep their search entries in step with it.
            for offer in OfferPage.objects.live().filter(company=self).select_related("company"):
                index.insert_or_update_object(offer)
        return result


class Programme(Orderable):
    """A programme ("filière") of a training organisation, at a study level and a year of study."""

    organisation = ParentalKey(OrganisationPage, related_name="programmes", on_delete=models.CASCADE)
    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(_("study level"), max_length=20, choices=StudyLevel.choices)
    year = models.PositiveSmallIntegerField(
        _("year of study"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(SMALLINT_MAX)],
        help_text=_("1 for the first year."),
    )

    panels = [FieldPanel("name"), FieldRowPanel([FieldPanel("level"), FieldPanel("year")])]
    api_fields = [APIField("id"), APIField("name"), APIField("level"), APIField("year")]

    class Meta(Orderable.Meta):
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        permissions = [
            ("follow_students", _("Follow the programme's students")),
            ("read_confidential_evaluations", _("Read the programme's confidential evaluations")),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_level_display()}, {self.year})"

    def clean(self):
        super().clean()
        if self.organisation_id and self.organisation.kind != OrganisationKind.SCHOOL:
            raise ValidationError(_("Only a training organisation has programmes."))


class OfferIndexPage(Page):
    """The public offer search: keywords, filters, facet counts (« recherche guidée »), targeting applied.

    The editors write its title and introduction; the search itself is served by `cms_pages.views.offer_search`
    (through the `before_serve_page` hook in `cms_pages/wagtail_hooks.py`).
    """

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    api_fields = [APIField("intro")]

    parent_page_types = ["cms_pages.HomePage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = _("offer index")


class OfferKeyword(TaggedItemBase):
    content_object = ParentalKey("cms_pages.OfferPage", related_name="tagged_keywords", on_delete=models.CASCADE)


class KeywordNames(Aggregate):
    """The names of a group's keywords as a JSON list: `json_group_array` on SQLite, `jsonb_agg` on PostgreSQL."""

    function = "JSON_GROUP_ARRAY"
    output_field = models.JSONField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="JSONB_AGG", **extra_context)


class WithReferenceRows(ModelIterable):
    """Offers with their country and sector set from the reference tables held in memory (`with_reference_rows`);
    a code the tables do not hold, or a column left unread, is left to Django to read as usual."""

    def __iter__(self):
        references = [
            (OfferPage._meta.get_field(name), tables.by_code(model))
            for name, model in (("country", Country), ("sector", Sector))
        ]
        for offer in super().__iter__():
            for field, rows in references:
                row = rows.get(offer.__dict__.get(field.attname))
                if row is not None and not field.is_cached(offer):
                    field.set_cached_value(offer, row)
            yield offer


class OfferQuerySet(PortalPageQuerySet):
    def untargeted(self):
        """Offers open to everybody: no target country, organisation or programme."""
        return self.filter(
            target_countries__isnull=True, target_organisations__isnull=True, target_programmes__isnull=True
        )

    def for_listing(self):
        """The columns and joins every list of offers needs, without N+1: the keywords' names come in the same
        statement (`with_keyword_names`), the country and the sector from memory (`with_reference_rows`)."""
        return self.select_related("company").with_keyword_names().with_reference_rows()

    def with_reference_rows(self):
        """Each offer with its country and its sector as `select_related` would give them, taken from the reference
        tables held in memory (`portal.reference.tables`) instead of joined: two tables fewer in the statement,
        whose plan the database then finds several times faster (a search's page of results: 10 → 2 ms)."""
        clone = self._chain()
        clone._iterable_class = WithReferenceRows
        return clone

    def with_keyword_names(self):
        """`keyword_names`: the names of each offer's keywords (a subquery of the statement, not a query per page of
        offers); `OfferPage.keyword_list` reads them."""
        names = (
            OfferKeyword.objects.filter(content_object=OuterRef("pk"))
            .order_by()
            .values("content_object")
            .annotate(names=KeywordNames("tag__name"))
            .values("names")
        )
        return self.annotate(keyword_names=Subquery(names))


class OfferPage(Page):
    """An internship offer, written by a company and published after moderation."""

    company = models.ForeignKey(
        OrganisationPage,
        verbose_name=_("company"),
        on_delete=models.PROTECT,
        related_name="offers",
        editable=False,
        limit_choices_to={"kind": OrganisationKind.COMPANY},
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="authored_offers",
    )
    internship_type = models.CharField(_("internship type"), max_length=20, choices=InternshipType.choices)
    mission = models.TextField(_("mission"))
    profile_sought = models.TextField(
        _("profile sought"),
        blank=True,
        help_text=_("Used to match the offer with students' profiles: be complete."),
    )
    study_level = models.CharField(_("study level"), max_length=20, choices=StudyLevel.choices)
    duration_weeks = models.PositiveSmallIntegerField(
        _("duration (weeks)"), validators=[MinValueValidator(1), MaxValueValidator(SMALLINT_MAX)]
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    city = models.CharField(_("city"), max_length=120)
    country = models.ForeignKey(
        "reference.Country", verbose_name=_("country"), on_delete=models.PROTECT, related_name="+"
    )
    sector = models.ForeignKey("reference.Sector", verbose_name=_("sector"), on_delete=models.PROTECT, related_name="+")
    keywords = ClusterTaggableManager(verbose_name=_("keywords"), through=OfferKeyword, blank=True)
    remuneration = models.DecimalField(
        _("monthly remuneration (EUR)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    places = models.PositiveSmallIntegerField(
        _("number of places"), default=1, validators=[MinValueValidator(1), MaxValueValidator(SMALLINT_MAX)]
    )
    target_countries = ParentalManyToManyField(
        "reference.Country", verbose_name=_("target countries"), blank=True, related_name="+"
    )
    target_organisations = ParentalManyToManyField(
        OrganisationPage,
        verbose_name=_("target training organisations"),
        blank=True,
        related_name="targeted_by_offers",
        limit_choices_to={"kind": OrganisationKind.SCHOOL},
    )
    target_programmes = ParentalManyToManyField(
        Programme, verbose_name=_("target programmes"), blank=True, related_name="targeted_by_offers"
    )
    campaign = models.ForeignKey(
        "workflows.Campaign",
        verbose_name=_("campaign"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="offers",
    )
    visits = models.PositiveIntegerField(_("visits"), default=0, editable=False)
    status = models.CharField(
        _("status"),
        max_length=30,
        choices=OfferStatus.choices,
        default=OfferStatus.DRAFT,
        editable=False,
        db_index=True,
    )

    objects = PageManager.from_queryset(OfferQuerySet)()

    content_panels = [
        *Page.content_panels,
        FieldPanel("internship_type"),
        FieldPanel("mission"),
        FieldPanel("profile_sought"),
        FieldRowPanel([FieldPanel("study_level"), FieldPanel("duration_weeks"), FieldPanel("places")]),
        FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
        FieldRowPanel([FieldPanel("city"), FieldPanel("country")]),
        FieldPanel("sector"),
        FieldPanel("keywords"),
        FieldPanel("remuneration"),
        MultiFieldPanel(
            [FieldPanel("target_countries"), FieldPanel("target_organisations"), FieldPanel("target_programmes")],
            heading=_("Targeting (empty: public)"),
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("mission"),
        index.SearchField("profile_sought"),
        index.SearchField("city"),
        index.AutocompleteField("title"),
        index.FilterField("status"),
        index.FilterField("internship_type"),
        index.FilterField("study_level"),
        index.FilterField("country"),
        index.FilterField("sector"),
        index.FilterField("start_date"),
        index.RelatedFields("keywords", [index.SearchField("name")]),
        index.RelatedFields("company", [index.SearchField("title")]),
    ]
    api_fields = [
        APIField("company"),
        APIField("internship_type"),
        APIField("mission"),
        APIField("profile_sought"),
        APIField("study_level"),
        APIField("duration_weeks"),
        APIField("start_date"),
        APIField("end_date"),
        APIField("city"),
        APIField("country_code"),
        APIField("sector_code"),
        APIField("keyword_list"),
        APIField("remuneration"),
        APIField("places"),
        APIField("status"),
        APIField("number"),
    ]

    parent_page_types = ["cms_pages.OrganisationPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("internship offer")
        verbose_name_plural = _("internship offers")
        permissions = [
            ("manage_offer", _("Manage the offer")),
            ("view_offer_applications", _("See the applications to the offer")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="offer_end_after_start",
            ),
            models.CheckConstraint(condition=Q(places__gte=1), name="offer_has_places"),
        ]
        # The search's filters and orderings within a status (the published offers), and a company's offers by
        # status (workspace tabs, moderation queue). Country, sector and company are foreign keys: indexed already.
        indexes = [
            models.Index(fields=["status", "start_date"], name="offer_status_start_idx"),
            models.Index(fields=["status", "internship_type"], name="offer_status_type_idx"),
            models.Index(fields=["status", "study_level"], name="offer_status_level_idx"),
            models.Index(fields=["company", "status"], name="offer_company_status_idx"),
        ]

    @property
    def number(self) -> str:
        """The offer number shown in the workspace (N° 00381)."""
        return f"{self.pk:05d}" if self.pk else ""

    @property
    def country_code(self) -> str:
        return self.country_id

    @property
    def sector_code(self) -> str:
        return self.sector_id

    @property
    def keyword_list(self) -> list[str]:
        if "keyword_names" in self.__dict__:  # read with the offer (`OfferQuerySet.with_keyword_names`)
            return sorted(self.keyword_names or [])
        return sorted(tag.name for tag in self.keywords.all())

    @property
    def is_targeted(self) -> bool:
        return bool(self.target_countries.all() or self.target_organisations.all() or self.target_programmes.all())

    def get_workflow(self):
        """Every offer goes through the "Offer approval" workflow, wherever it sits in the tree."""
        return Workflow.objects.active().filter(name=OFFER_WORKFLOW_NAME).first()

    def with_content_json(self, content):
        """A revision carries the content; the status, campaign and visit counter are the page's own."""
        obj = super().with_content_json(content)
        obj.status = self.status
        obj.visits = self.visits
        obj.company_id = self.company_id
        obj.author_id = self.author_id
        obj.campaign_id = self.campaign_id
        return obj

    @classmethod
    def can_create_at(cls, parent) -> bool:
        """Offers live under a company, never under a school or a hub."""
        if not super().can_create_at(parent):
            return False
        specific = parent.specific if type(parent) is Page else parent
        return getattr(specific, "kind", None) == OrganisationKind.COMPANY

    def can_move_to(self, parent) -> bool:
        """An offer stays under its company: `company` is set once, from the parent, and never follows a move."""
        return super().can_move_to(parent) and (self.company_id is None or parent.pk == self.company_id)

    def clean(self):
        super().clean()
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date must not be before the start date.")})

    def save(self, *args, **kwargs):
        if not self.company_id:
            parent = self.get_parent()
            if parent is not None:
                self.company_id = parent.pk
        result = super().save(*args, **kwargs)
        # The search entry is written on post_save, before the keywords (a child relation) are committed:
        # write it again now that they are, so that a search by keyword finds the offer.
        index.insert_or_update_object(self)
        return result


class GuideIndexPage(Page):
    """The guides of the portal, grouped by audience."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    api_fields = [APIField("intro")]

    parent_page_types = ["cms_pages.HomePage"]
    subpage_types = ["cms_pages.GuidePage"]
    max_count = 1

    class Meta:
        verbose_name = _("guide index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        guides = GuidePage.objects.child_of(self).live().public().order_by("audience", "title")
        context["guides_by_audience"] = [
            (label, [guide for guide in guides if guide.audience == code]) for code, label in Audience.choices
        ]
        return context


class GuidePage(Page):
    """A user guide for one audience, written by the editors."""

    audience = models.CharField(_("audience"), max_length=10, choices=Audience.choices, db_index=True)
    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(GuideBodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("audience"), FieldPanel("intro"), FieldPanel("body")]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("body"),
        index.FilterField("audience"),
    ]
    api_fields = [APIField("audience"), APIField("intro"), APIField("body")]

    parent_page_types = ["cms_pages.GuideIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("guide")
        verbose_name_plural = _("guides")


class ContactPage(Page):
    """« Contacts »: the portal team (« cellule Stages des Pôles ») and the team of each hub, with a form to write
    to them.

    The editors write the addresses; the form is served by `cms_pages.views.contact` (through the `on_serve_page`
    hook in `cms_pages/wagtail_hooks.py`) and its messages are e-mailed by `portal.contact.services`.
    """

    intro = RichTextField(_("introduction"), blank=True)
    team_name = models.CharField(
        _("team"), max_length=200, help_text=_("The team that answers when no hub is concerned.")
    )
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_role = models.CharField(_("role"), max_length=200, blank=True, help_text=_("For example: Manager."))
    email = models.EmailField(_("e-mail"), help_text=_("The messages of the contact form go to this address."))
    phone = models.CharField(_("phone"), max_length=80, blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        MultiFieldPanel(
            [
                FieldPanel("team_name"),
                FieldRowPanel([FieldPanel("contact_name"), FieldPanel("contact_role")]),
                FieldRowPanel([FieldPanel("email"), FieldPanel("phone")]),
            ],
            heading=_("The portal team"),
        ),
        InlinePanel("teams", heading=_("The teams of the hubs"), label=_("hub team")),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    api_fields = [
        APIField("intro"),
        APIField("team_name"),
        APIField("contact_name"),
        APIField("contact_role"),
        APIField("email"),
        APIField("phone"),
        APIField("teams"),
    ]

    parent_page_types = ["cms_pages.HomePage"]
    subpage_types = []
    max_count = 1
    # Read and written to: the form is sent with POST.
    allowed_http_methods = ["GET", "HEAD", "OPTIONS", "POST"]

    class Meta:
        verbose_name = _("contact page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # The teams of the hubs online: a message about a hub taken offline would be refused.
        context["teams"] = self.teams.filter(hub__live=True).select_related("hub").order_by("sort_order", "pk")
        return context


class ContactTeam(Orderable):
    """The team a hub's companies write to: its name, its contact person and its address."""

    page = ParentalKey(ContactPage, related_name="teams", on_delete=models.CASCADE)
    hub = models.ForeignKey(
        OrganisationPage,
        verbose_name=_("hub"),
        on_delete=models.CASCADE,
        related_name="+",
        limit_choices_to={"kind": OrganisationKind.HUB},
    )
    name = models.CharField(_("team"), max_length=200)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_role = models.CharField(_("role"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("phone"), max_length=80, blank=True)

    panels = [
        FieldPanel("hub"),
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("contact_name"), FieldPanel("contact_role")]),
        FieldRowPanel([FieldPanel("email"), FieldPanel("phone")]),
    ]
    api_fields = [
        APIField("hub"),
        APIField("name"),
        APIField("contact_name"),
        APIField("contact_role"),
        APIField("email"),
        APIField("phone"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("hub team")
        verbose_name_plural = _("hub teams")
        constraints = [models.UniqueConstraint(fields=["page", "hub"], name="contact_team_one_per_hub")]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        if self.hub_id and self.hub.kind != OrganisationKind.HUB:
            raise ValidationError({"hub": _("Choose a hub.")})
