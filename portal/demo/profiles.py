"""CV-book profiles of the demo, written in bulk: requests, keywords, a CV and a letter each, their search entries.

The vocabulary comes from `data/profiles.json` and from the sectors of `data/companies.json`, so that the profiles
share their sectors and keywords with the demo offers: the CV book and the suggestions are alive on `make run`.
Used by `seed_demo` (half of its students) and by the benchmark (`bench/cvbook.py`), which needs thousands.
"""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from pathlib import Path

from django.core.files.base import ContentFile
from django.utils.text import slugify
from wagtail.search.backends import get_search_backend

from portal.accounts.models import Student
from portal.cvbook.models import Profile, ProfileDocument, ProfileKeyword, profile_file_name
from portal.demo import bulk
from portal.demo.documents import pdf_bytes
from portal.recruitment.documents import PDF, private_storage
from portal.reference.choices import DocumentKind

DATA_DIR = Path(__file__).resolve().parent / "data"
with (DATA_DIR / "profiles.json").open(encoding="utf-8") as _file:
    _profiles = json.load(_file)
with (DATA_DIR / "companies.json").open(encoding="utf-8") as _file:
    SECTORS: dict[str, dict] = json.load(_file)["sectors"]
with (DATA_DIR / "offers.json").open(encoding="utf-8") as _file:
    SOFT_SKILLS: list[str] = json.load(_file)["soft_skills"]

VISIBLE_SHARE: float = _profiles["visible_share"]
PROGRAMME_SECTORS: dict[str, list[str]] = _profiles["programme_sectors"]
TITLES: list[str] = _profiles["titles"]
SUMMARIES: list[str] = _profiles["summaries"]
MONTHS: list[str] = _profiles["months"]
FIRST_AVAILABILITY = date(2027, 1, 4)
BATCH = 500


def _ascii(text: str) -> str:
    return slugify(text).replace("-", "")


def _plan(student: Student, rng: random.Random) -> tuple[Profile, list[str]]:
    """A profile for the student (not saved) and its keywords, drawn from their programme's sectors."""
    programme = student.programme
    sectors = PROGRAMME_SECTORS.get(programme.name if programme else "", list(SECTORS))
    sector = rng.choice(sectors)
    vocabulary = SECTORS[sector]
    keywords = rng.sample(vocabulary["keywords"], rng.randint(3, 5))
    available_from = FIRST_AVAILABILITY + timedelta(days=rng.randint(0, 180))
    weeks = rng.choice([8, 10, 12, 16, 20, 24])
    summary = rng.choice(SUMMARIES).format(
        programme=programme.name if programme else "",
        school=student.school.title,
        weeks=weeks,
        month=MONTHS[available_from.month - 1],
        team=vocabulary["team"],
        keywords=", ".join(keywords[:3]),
        skill=rng.choice(SOFT_SKILLS),
    )
    profile = Profile(
        student=student,
        visible=True,
        title=rng.choice(TITLES).format(job=rng.choice(vocabulary["titles"])),
        summary=summary,
        sector_id=sector,
        # Most students look for an internship in their school's country.
        country_id=student.school.country_id if rng.random() < 0.7 else rng.choice(["BE", "FR", "TN", "LU"]),
        study_level=student.study_level,
        available_from=available_from,
    )
    return profile, keywords


def _documents(profile: Profile) -> list[ProfileDocument]:
    """A one-page CV and a letter for the profile, written to the private storage."""
    user = profile.student.user
    name = f"{_ascii(user.last_name)}_{_ascii(user.first_name)}"
    rows = []
    for kind, label, filename in (
        (DocumentKind.CV, f"CV - {user.first_name} {user.last_name}", f"cv_{name}.pdf"),
        (DocumentKind.MOTIVATION_LETTER, f"Lettre de motivation - {user.last_name}", f"lettre_motivation_{name}.pdf"),
    ):
        content = pdf_bytes(label)
        stored = private_storage.save(profile_file_name(None, filename), ContentFile(content))
        rows.append(
            ProfileDocument(profile=profile, kind=kind, file=stored, name=filename, content_type=PDF, size=len(content))
        )
    return rows


def create_profiles(students: list[Student], rng: random.Random, *, tick=None) -> list[Profile]:
    """A visible CV-book profile, with keywords, a CV and a letter, for each of `students`; indexed for the search.

    The students come with their user, school and programme (`select_related`); none may have a profile yet.
    """
    tick = tick or (lambda n=1: None)
    planned = [_plan(student, rng) for student in students]
    profiles = Profile.objects.bulk_create([profile for profile, _keywords in planned], batch_size=BATCH)
    tags = bulk.tags(keyword for _profile, keywords in planned for keyword in keywords)
    ProfileKeyword.objects.bulk_create(
        (
            ProfileKeyword(content_object=profile, tag=tags[keyword])
            for profile, (_planned, keywords) in zip(profiles, planned, strict=True)
            for keyword in keywords
        ),
        batch_size=BATCH,
    )
    ProfileDocument.objects.bulk_create(
        (document for profile in profiles for document in _documents(profile)), batch_size=BATCH
    )
    backend = get_search_backend()
    for start in range(0, len(profiles), BATCH):
        batch = Profile.objects.filter(pk__in=[p.pk for p in profiles[start : start + BATCH]]).prefetch_related(
            "keywords"
        )
        backend.add_bulk(Profile, list(batch))
        tick(len(batch))
    return profiles


def demo_profile_students(
    students: list[Student], rng: random.Random, *, first: Student | None = None
) -> list[Student]:
    """Half of the demo's students, always with the demo student (`first`), in a stable order."""
    chosen = [student for student in students if student != first and rng.random() < VISIBLE_SHARE]
    return ([first] if first is not None else []) + chosen
