"""What an offer may hold: the one input schema of every way an offer is written.

The web offer form (`workflows.forms.OfferForm`) and the API (`POST /offers`, `PATCH /offers/{id}`) hand what they
received to `OfferInput`, which checks every field once: the required ones, the lengths, choices and bounds of the
model's columns, the dates (the end not before the start), the amounts, the country and sector codes, the campaign,
the keywords and the targeting, the texts cleaned (`portal.markup.clean_plain_text`: they are shown escaped). A
partial change (`PATCH`) may leave a required field out, never empty it; a field the schema does not know is
refused. Both entry points therefore refuse the same input with the same messages, and the OpenAPI document
describes the request body from the same fields.

The services (`workflows.services.create_offer`, `update_offer`, `renew_offer`) receive the validated data —
model instances and clean values, keyed by the offer's attributes — and decide only what the offer's state and
the person's rights allow.
"""

from collections.abc import Mapping

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.settings import api_settings

from cms_pages.models import OfferKeyword, OfferPage, OrganisationPage, Programme
from portal.ids import MAX_ID, within_range
from portal.markup import clean_plain_text
from portal.reference.models import Country, Sector
from workflows.models import Campaign

REQUIRED = _("This field is required.")
END_BEFORE_START = _("The end date must not be before the start date.")
# A keyword is a tag: its name is bounded by the tag's column.
KEYWORD_LENGTH = OfferKeyword._meta.get_field("tag").related_model._meta.get_field("name").max_length


def edited_version(offer: OfferPage) -> OfferPage:
    """The version of `offer` a change applies to: its pending changes if it has any (a live offer being renewed
    keeps its approved version online), else the offer itself."""
    return offer.get_latest_revision_as_object() if offer.has_unpublished_changes else offer


class PlainTextField(serializers.CharField):
    """A text shown escaped (a title, a mission): kept without the control characters pasted text may carry, its
    length counted once cleaned; a text left empty once cleaned is an empty text."""

    def to_internal_value(self, data):
        text = clean_plain_text(super().to_internal_value(data))
        if not text and not self.allow_blank:
            self.fail("blank")
        return text


class KnownIdField(serializers.PrimaryKeyRelatedField):
    """A record named by its id; a number no id can reach is as unknown as any other (never a database error)."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | str):
            self.fail("incorrect_type", data_type=type(data).__name__)
        try:
            pk = int(data)
        except ValueError:
            self.fail("incorrect_type", data_type=type(data).__name__)
        if not within_range(pk):
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(pk)


class RecordsField(serializers.ListField):
    """A list of records named by their keys (codes or ids), looked up in one query; one key that names no record
    refuses the list, with the field's own message rather than one per item."""

    def __init__(self, queryset, *, unknown, not_a_key=None, **kwargs):
        self.queryset = queryset
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.error_messages["unknown"] = unknown
        self.error_messages["not_a_key"] = not_a_key or unknown

    def run_child_validation(self, data):
        keys = set()
        for item in data:
            try:
                keys.add(self.child.run_validation(item))
            except serializers.ValidationError:
                self.fail("not_a_key")
        return keys

    def to_internal_value(self, data):
        keys = super().to_internal_value(data)
        if not keys:
            return []
        records = list(self.queryset.filter(pk__in=keys))
        if len(records) != len(keys):
            self.fail("unknown")
        return records

    def get_attribute(self, instance):
        return list(getattr(instance, self.source).all())

    def to_representation(self, records):
        return sorted(record.pk for record in records)


class KeywordsField(serializers.ListField):
    """The keywords that guide students' searches: texts of at most a tag's length, blanks and repeats dropped."""

    default_error_messages = {
        "not_text": _("Give a list of keywords."),
        "too_long": _("A keyword has at most {max} characters."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(child=serializers.CharField(allow_blank=True, max_length=KEYWORD_LENGTH), **kwargs)

    def run_child_validation(self, data):
        keywords = set()
        for item in data:
            if not isinstance(item, str):
                self.fail("not_text")
            keyword = clean_plain_text(item)
            if not keyword:
                continue
            if len(keyword) > KEYWORD_LENGTH:
                self.fail("too_long", max=KEYWORD_LENGTH)
            try:
                # The checks every text has (no surrogate character a database could not store).
                keywords.add(self.child.run_validation(keyword))
            except serializers.ValidationError:
                self.fail("not_text")
        return sorted(keywords)

    def get_attribute(self, instance):
        return instance.keyword_list

    def to_representation(self, keywords):
        return list(keywords)


class OfferInput(serializers.ModelSerializer):
    """Every field of an offer, validated once for the web form and the API alike.

    The lengths, choices, bounds (small integers), amounts (0 to 999999.99) and whether a field may be empty come
    from the model's columns; the codes, ids and texts are read by the fields declared here.
    """

    # Texts (title, mission, profile sought, city) are read as plain text, bounded by their columns.
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: PlainTextField,
        models.TextField: PlainTextField,
    }

    country = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Country.objects.all(),
        help_text="ISO 3166-1 alpha-2 code",
        error_messages={"does_not_exist": _("Unknown country code."), "invalid": _("Unknown country code.")},
    )
    sector = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Sector.objects.all(),
        help_text="NACE rev. 2 division code",
        error_messages={"does_not_exist": _("Unknown sector code."), "invalid": _("Unknown sector code.")},
    )
    keywords = KeywordsField()
    campaign = KnownIdField(
        queryset=Campaign.objects.all(),
        required=False,
        allow_null=True,
        help_text="empty: the current campaign",
        error_messages={"does_not_exist": _("Unknown campaign.")},
    )
    target_countries = RecordsField(
        Country.objects.all(),
        child=serializers.CharField(),
        unknown=_("Unknown country code."),
        help_text="ISO 3166-1 alpha-2 codes; empty: every country",
    )
    target_organisations = RecordsField(
        OrganisationPage.objects.schools(),
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        unknown=_("Only existing training organisations can be targeted."),
        not_a_key=_("Give a list of identifiers."),
        help_text="ids of training organisations; empty: every organisation",
    )
    target_programmes = RecordsField(
        Programme.objects.filter(organisation__kind="school").select_related("organisation"),
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        unknown=_("Only programmes of existing training organisations can be targeted."),
        not_a_key=_("Give a list of identifiers."),
        help_text="ids of programmes; empty: every programme",
    )

    class Meta:
        model = OfferPage
        fields = [
            "title",
            "internship_type",
            "mission",
            "profile_sought",
            "study_level",
            "duration_weeks",
            "start_date",
            "end_date",
            "city",
            "country",
            "sector",
            "keywords",
            "remuneration",
            "places",
            "campaign",
            "target_countries",
            "target_organisations",
            "target_programmes",
        ]
        extra_kwargs = {"title": {"help_text": None}, "remuneration": {"help_text": "monthly, in euros"}}

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            # Emptying a field that must hold a value is leaving it out: the same message, on create and on change.
            field.error_messages.update(null=REQUIRED, blank=REQUIRED)
        return fields

    def to_internal_value(self, data):
        unknown = sorted(set(data) - set(self.fields)) if isinstance(data, Mapping) else []
        errors = {field: [_("Unknown field.")] for field in unknown}
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as error:
            raise serializers.ValidationError({**errors, **error.detail}) from error
        if errors:
            raise serializers.ValidationError(errors)
        return value

    def validate(self, attrs):
        # A partial change is checked against the version it changes.
        start = attrs.get("start_date", getattr(self.instance, "start_date", None))
        end = attrs.get("end_date", getattr(self.instance, "end_date", None))
        if start and end and end < start:
            raise serializers.ValidationError({"end_date": [END_BEFORE_START]})
        return attrs


def refuses_empty(field: serializers.Field) -> bool:
    """Whether the schema refuses an empty value for this field (a form shows it as required)."""
    if isinstance(field, serializers.ListField):
        return False
    return not (field.allow_null or getattr(field, "allow_blank", False))


def as_django_errors(errors: Mapping) -> ValidationError:
    """The schema's errors as Django's (field → messages with their codes), for forms and Python callers."""
    return ValidationError(
        {
            (NON_FIELD_ERRORS if field == api_settings.NON_FIELD_ERRORS_KEY else field): [
                ValidationError(str(message), code=getattr(message, "code", None)) for message in messages
            ]
            for field, messages in errors.items()
        }
    )


def validate(data: Mapping, *, offer: OfferPage | None = None, partial: bool = False) -> dict:
    """`data` as the services take it, once the schema accepted it; ValidationError(field → messages) otherwise.

    `offer` is the offer being changed (a partial change is checked against it)."""
    checked = OfferInput(edited_version(offer) if offer is not None else None, data=data, partial=partial)
    if not checked.is_valid():
        raise as_django_errors(checked.errors)
    return dict(checked.validated_data)


def representation(offer: OfferPage) -> dict:
    """What the schema reads back from an offer: its latest version, pending changes included (codes, ids, lists)."""
    return dict(OfferInput(edited_version(offer)).data)
