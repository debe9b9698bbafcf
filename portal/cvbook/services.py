"""What people do with the CV book: a student writes their profile and switches it on; companies consult and
contact; training organisations choose how their students' profiles are shared; the weekly digest of offers.

Every write checks access through `portal.access.cvbook`, runs in one transaction and enqueues its e-mails on
commit. Documents follow the upload rules of applications (`portal.recruitment.documents`): nothing is written
until every file is accepted, and files that did not land, or were replaced, are removed.
"""

from __future__ import annotations

import datetime
import hashlib
import re
import unicodedata

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from taggit.models import Tag
from wagtail.search import index

from cms_pages.models import OrganisationPage
from portal import access
from portal.cvbook import matching, selectors
from portal.cvbook.models import (
    MAX_KEYWORD_LENGTH,
    MAX_KEYWORDS,
    MAX_SUMMARY_LENGTH,
    OfferSuggestion,
    Profile,
    ProfileContact,
    ProfileDocument,
    ProfileView,
    SchoolSharing,
)
from portal.exceptions import NotVisible, PortalError
from portal.notifications.services import notify
from portal.recruitment import documents
from portal.reference.choices import DocumentKind, OrganisationKind, StudyLevel
from portal.reference.models import Country, Sector

PROFILE_FIELDS = (
    "visible",
    "title",
    "summary",
    "sector",
    "country",
    "study_level",
    "keywords",
    "available_from",
    "receives_digest",
)
MAX_TITLE_LENGTH = 200
MAX_MESSAGE_LENGTH = 5000
# The weekly digest: at most this many offers, each scoring at least this much, never one sent before.
DIGEST_SIZE = 10
DIGEST_MIN_SCORE = 0.5
DIGEST_SALT = "portal.cvbook.digest-opt-out"
# Control characters that pasted text may carry, except the line breaks and tabs a text keeps.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _clean_text(value, *, field: str, limit: int, multiline: bool = True) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError({field: [_("Enter a text.")]})
    text = CONTROL_CHARACTERS.sub("", value.replace("\r\n", "\n"))
    if not multiline:
        text = " ".join(text.split())
    text = text.strip()
    if len(text) > limit:
        raise ValidationError({field: [_("The text must not be longer than %(count)s characters.") % {"count": limit}]})
    return text


def clean_keywords(values) -> list[str]:
    """The keywords of a profile as they are kept: trimmed, single-spaced, without double quotes, each once
    (whatever its case), at most `MAX_KEYWORDS` of at most `MAX_KEYWORD_LENGTH` characters.

    A comma-separated text is read as a list (the web form's field).
    """
    if values is None:
        return []
    if isinstance(values, str):
        values = values.split(",")
    if not isinstance(values, list | tuple):
        raise ValidationError({"keywords": [_("Give a list of keywords.")]})
    keywords: dict[str, str] = {}
    for value in values:
        if not isinstance(value, str):
            raise ValidationError({"keywords": [_("Each keyword must be a text.")]})
        text = unicodedata.normalize("NFC", value)
        text = "".join(char for char in text if unicodedata.category(char)[0] != "C" and char != '"')
        text = " ".join(text.split())
        if not text:
            continue
        if len(text) > MAX_KEYWORD_LENGTH:
            raise ValidationError(
                {
                    "keywords": [
                        _("A keyword must not be longer than %(count)s characters.") % {"count": MAX_KEYWORD_LENGTH}
                    ]
                }
            )
        keywords.setdefault(text.casefold(), text)
    if len(keywords) > MAX_KEYWORDS:
        raise ValidationError({"keywords": [_("At most %(count)s keywords.") % {"count": MAX_KEYWORDS}]})
    return list(keywords.values())


def _known_spellings(keywords: list[str]) -> list[str]:
    """Each keyword as an existing tag spells it, so that « python » and « Python » are counted as one."""
    if not keywords:
        return []
    lookup = Q()
    for keyword in keywords:
        lookup |= Q(name__iexact=keyword)
    existing = {name.casefold(): name for name in Tag.objects.filter(lookup).values_list("name", flat=True)}
    return [existing.get(keyword.casefold(), keyword) for keyword in keywords]


def _code(value, model, *, field: str):
    """A sector or country given by its code (or as the object itself); empty: none."""
    code = getattr(value, "pk", value)
    if code in (None, ""):
        return None
    if not isinstance(code, str) or not model.objects.filter(pk=code).exists():
        raise ValidationError({field: [_("Unknown code.")]})
    return code


def _date(value, *, field: str) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        return value
    parsed = parse_date(value) if isinstance(value, str) else None
    if parsed is None:
        raise ValidationError({field: [_("Enter a date (YYYY-MM-DD).")]})
    return parsed


def _boolean(value, *, field: str) -> bool:
    if not isinstance(value, bool):
        raise ValidationError({field: [_("Enter true or false.")]})
    return value


def _cleaned(changes: dict) -> dict:
    """The changes, checked and in the form they are stored; every error at once."""
    unknown = sorted(set(changes) - set(PROFILE_FIELDS))
    if unknown:
        raise ValidationError({field: [_("This field cannot be changed here.")] for field in unknown})
    cleaners = {
        "visible": lambda value: _boolean(value, field="visible"),
        "receives_digest": lambda value: _boolean(value, field="receives_digest"),
        "title": lambda value: _clean_text(value, field="title", limit=MAX_TITLE_LENGTH, multiline=False),
        "summary": lambda value: _clean_text(value, field="summary", limit=MAX_SUMMARY_LENGTH),
        "sector": lambda value: _code(value, Sector, field="sector"),
        "country": lambda value: _code(value, Country, field="country"),
        "study_level": _study_level,
        "keywords": clean_keywords,
        "available_from": lambda value: _date(value, field="available_from"),
    }
    cleaned, errors = {}, {}
    for name, value in changes.items():
        try:
            cleaned[name] = cleaners[name](value)
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    return cleaned


def _study_level(value) -> str:
    if value in (None, ""):
        return ""
    if value not in StudyLevel.values:
        raise ValidationError(
            {"study_level": [_("Choose one of: %(levels)s.") % {"levels": ", ".join(StudyLevel.values)}]}
        )
    return value


def _own_profile_for_update(owner, *, by) -> Profile:
    """The owner's profile, locked for the change (created at their study level on their first save).

    Only the student edits their profile: anybody else is answered 404, a non-student 403.
    """
    if getattr(by, "pk", None) != getattr(owner, "pk", None):
        raise NotVisible
    student = access.cvbook.student_of(by)
    Profile.objects.get_or_create(student=student, defaults={"study_level": student.study_level})
    return Profile.objects.select_for_update().select_related("student__user").get(student=student)


def _reindex(profile: Profile) -> None:
    """Write the profile's search entry now that its keywords are saved (the search finds them at once)."""
    index.insert_or_update_object(profile)


def _checked_documents(cv, motivation_letter) -> list[documents.Upload]:
    """The files sent, checked as applications' are (type by content, size, name), before anything is written."""
    uploads = []
    if cv:
        uploads.append(documents.check_upload(cv, kind=DocumentKind.CV, field="cv"))
    if motivation_letter:
        uploads.append(
            documents.check_upload(motivation_letter, kind=DocumentKind.MOTIVATION_LETTER, field="motivation_letter")
        )
    return uploads


def _store_documents(profile: Profile, uploads: list[documents.Upload], written: list[str]) -> None:
    """Store the accepted files in place of the profile's previous ones, removed once the change is committed."""
    replaced = []
    for upload in uploads:
        previous = profile.documents.filter(kind=upload.kind).first()
        if previous is not None:
            replaced.append(previous.file.name)
            previous.delete()
        document = ProfileDocument(profile=profile)
        documents.store(upload, document)
        written.append(document.file.name)
        document.save()
    if replaced:
        transaction.on_commit(lambda: documents.delete_files(replaced))


def update_profile(owner, changes: dict, *, by, cv=None, motivation_letter=None) -> Profile:
    """The student changes their CV-book profile (fields left out keep their value), and its documents if given.

    Switching it on needs a title; switched off, the profile leaves every company's search at once. Refusals:
    not the owner (404), not a student (403), invalid fields (400, every field at once), refused files (400, 413,
    415). All or nothing: a refusal leaves the profile and its files as they were.
    """
    cleaned = _cleaned(changes)
    uploads = _checked_documents(cv, motivation_letter)
    written: list[str] = []
    try:
        with transaction.atomic():
            profile = _own_profile_for_update(owner, by=by)
            keywords = cleaned.pop("keywords", None)
            for name, value in cleaned.items():
                setattr(profile, f"{name}_id" if name in ("sector", "country") else name, value)
            if profile.visible and not profile.title:
                raise ValidationError(
                    {"title": [_("Give your profile a title before making it visible to companies.")]}
                )
            profile.save()
            if keywords is not None:
                profile.keywords.set(_known_spellings(keywords), clear=True)
            _store_documents(profile, uploads, written)
            _reindex(profile)
    except BaseException:
        documents.delete_files(written)
        raise
    return profile


def set_visible(owner, visible: bool, *, by) -> Profile:
    """The switch of « mon profil CV-book »: visible to companies, or not."""
    return update_profile(owner, {"visible": visible}, by=by)


def upload_documents(owner, *, cv=None, motivation_letter=None, by) -> Profile:
    """Put the CV and/or the motivation letter on the profile, each replacing the previous one (`POST
    /profiles/me/documents`); refused files (400, 413, 415) leave everything as it was."""
    if not cv and not motivation_letter:
        raise PortalError(_("Send a CV or a motivation letter."), field="cv")
    return update_profile(owner, {}, cv=cv, motivation_letter=motivation_letter, by=by)


@transaction.atomic
def delete_document(owner, document_id: int, *, by) -> Profile:
    """The student removes a document of their profile (another's: 404)."""
    profile = _own_profile_for_update(owner, by=by)
    document = profile.documents.filter(pk=document_id).first()
    if document is None:
        raise NotVisible
    name = document.file.name
    document.delete()
    profile.save(update_fields=["updated_at"])
    transaction.on_commit(lambda: documents.delete_files([name]))
    return profile


# Companies


def _require_found(company: OrganisationPage, profile: Profile, *, by) -> None:
    access.cvbook.require_searcher(by, company.pk)
    if not access.cvbook.can_open(company, profile):
        raise NotVisible


def record_view(profile: Profile, company: OrganisationPage, *, by) -> None:
    """A member of `company` opened the profile: the student will see the company and the day."""
    _require_found(company, profile, by=by)
    ProfileView.objects.get_or_create(profile=profile, company=company, day=timezone.localdate())


def document_for(profile: Profile, company: OrganisationPage, document_id: int, *, by) -> ProfileDocument:
    """A document of a profile `company` finds, for its members (404 otherwise); the opening is recorded."""
    record_view(profile, company, by=by)
    document = profile.documents.filter(pk=document_id).first()
    if document is None:
        raise NotVisible
    return document


@transaction.atomic
def contact_student(profile: Profile, company: OrganisationPage, body: str, *, by) -> ProfileContact:
    """« Contacter l'étudiant »: the message is kept and e-mailed to the student, with the sender's address."""
    _require_found(company, profile, by=by)
    body = _clean_text(body, field="body", limit=MAX_MESSAGE_LENGTH)
    if not body:
        raise PortalError(_("Write a message."), field="body")
    contact = ProfileContact.objects.create(profile=profile, company=company, sender=by, body=body)
    notify(
        "cvbook_contact",
        profile.student.user,
        key=f"cvbook_contact:{contact.pk}",
        company=company.title,
        sender=by.get_full_name() or by.email,
        sender_email=by.email,
        profile_title=profile.title,
        body=body,
        profile_url=_absolute(reverse("cvbook:profile")),
    )
    return contact


# Training organisations


@transaction.atomic
def set_school_sharing(school: OrganisationPage, *, opted_out: bool, countries=(), hubs=(), by) -> SchoolSharing:
    """A programme head decides how the school's students' profiles are shared: not at all, with every company, or
    only with the companies of some countries or attached to some hubs."""
    if not access.cvbook.manages_sharing(by, school):
        raise PermissionDenied
    countries = [getattr(country, "pk", country) for country in countries]
    hubs = [getattr(hub, "pk", hub) for hub in hubs]
    if len(Country.objects.filter(pk__in=countries)) != len(set(countries)):
        raise ValidationError({"countries": [_("Unknown code.")]})
    if OrganisationPage.objects.filter(pk__in=hubs, kind=OrganisationKind.HUB).count() != len(set(hubs)):
        raise ValidationError({"hubs": [_("Choose hubs of the portal.")]})
    sharing, _created = SchoolSharing.objects.select_for_update().get_or_create(school=school)
    sharing.opted_out = opted_out
    sharing.updated_by = by
    sharing.save()
    sharing.countries.set(countries)
    sharing.hubs.set(hubs)
    return sharing


# The weekly digest


def digest_opt_out_token(profile: Profile) -> str:
    """The token of the digest's opt-out link: it stops the digest of this profile, nothing else."""
    return signing.dumps(profile.pk, salt=DIGEST_SALT)


def stop_digest(token: str) -> Profile:
    """The opt-out link of a digest was followed: no more digests for that profile (a bad token: 404)."""
    try:
        profile_id = signing.loads(token, salt=DIGEST_SALT)
    except signing.BadSignature as error:
        raise NotVisible from error
    profile = Profile.objects.filter(pk=profile_id).first()
    if profile is None:
        raise NotVisible
    Profile.objects.filter(pk=profile.pk).update(receives_digest=False)
    profile.receives_digest = False
    return profile


def _offer_entry(match: matching.Match) -> dict:
    offer = match.item
    return {
        "id": offer.pk,
        "title": offer.title,
        "company": offer.company.title,
        "city": offer.city,
        "country": offer.country.label,
        "start_date": offer.start_date.isoformat(),
        "starts": formats.date_format(offer.start_date, "SHORT_DATE_FORMAT"),
        "url": _absolute(reverse("offer_by_number", args=[offer.pk])),
        "score": match.score,
        "reasons": [reason["label"] for reason in match.reasons],
    }


def send_digest(profile_id: int) -> int:
    """E-mail the student the offers that match their profile and were never sent to them. Returns how many.

    Nothing for a profile hidden, opted out or gone meanwhile. Safe to run twice, or in two consumers at once:
    each offer is recorded with the profile under a lock, and a digest names its offers.
    """
    profile = (
        selectors.digest_profiles().select_related("student__user").prefetch_related("keywords").filter(pk=profile_id)
    ).first()
    if profile is None:
        return 0
    user = profile.student.user
    with translation.override(user.language or settings.LANGUAGE_CODE):
        matches = matching.offers_for(user, profile, limit=DIGEST_SIZE, min_score=DIGEST_MIN_SCORE, new_only=True)
        entries = [_offer_entry(match) for match in matches]
    if not entries:
        return 0
    with transaction.atomic():
        Profile.objects.select_for_update().filter(pk=profile.pk).first()
        sent = set(
            OfferSuggestion.objects.filter(profile=profile, offer_id__in=[e["id"] for e in entries]).values_list(
                "offer_id", flat=True
            )
        )
        entries = [entry for entry in entries if entry["id"] not in sent]
        if not entries:
            return 0
        OfferSuggestion.objects.bulk_create(
            OfferSuggestion(profile=profile, offer_id=entry["id"], score=entry["score"]) for entry in entries
        )
        names = ",".join(str(entry["id"]) for entry in entries)
        notify(
            "matching_offers",
            user,
            key=f"matching_offers:{profile.pk}:{hashlib.sha256(names.encode()).hexdigest()[:32]}",
            offers=entries,
            offer_count=len(entries),
            profile_url=_absolute(reverse("cvbook:profile")),
            opt_out_url=_absolute(reverse("cvbook:digest_opt_out", args=[digest_opt_out_token(profile)])),
        )
    return len(entries)
