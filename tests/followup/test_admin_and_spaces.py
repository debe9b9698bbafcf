"""What editors configure in the Wagtail admin, and where each person finds the follow-up in their space."""

import pytest
from django.test import RequestFactory
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from portal.accounts.models import User
from portal.followup.models import EvaluationForm, StepSet
from tests.access.test_menus import menu_links
from tests.followup.fixtures import active, proposed

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    user = User.objects.create_superuser(email="editor@portal.test", password="Editor-Password-42")
    client.force_login(user)
    return user


def test_an_editor_gives_a_programme_its_own_steps_which_its_next_internships_copy(client, editor, world):
    url = reverse("wagtailsnippets_followup_stepset:add")
    assert client.get(url).status_code == 200
    step = {
        "title_fr": "Présentation du projet",
        "title_en": "Project presentation",
        "phase": "during",
        "actor": "student",
        "event": "",
        "due_anchor": "",
        "due_offset_days": "0",
    }
    data = nested_form_data(
        {
            "name": "Génie logiciel",
            "school": world.school.pk,
            "programme": world.programme.pk,
            "steps": inline_formset(
                [{**step, "code": "p1", "mandatory": "on"}, {**step, "code": "p2", "title_fr": "Soutenance"}]
            ),
        }
    )

    response = client.post(url, data)

    assert response.status_code == 302, response.context["form"].errors if response.context else response
    step_set = StepSet.objects.get(programme=world.programme)
    assert [s.code for s in step_set.steps.all()] == ["p1", "p2"]
    internship = proposed(world)
    assert list(internship.steps.values_list("code", "mandatory")) == [("p1", True), ("p2", False)]


def test_a_second_step_set_for_the_same_programme_is_refused(client, editor, world):
    StepSet.objects.create(name="Existing", school=world.school, programme=world.programme)
    data = nested_form_data(
        {
            "name": "Twice",
            "school": "",
            "programme": world.programme.pk,
            "steps": inline_formset(
                [
                    {
                        "code": "x",
                        "title_fr": "X",
                        "title_en": "X",
                        "phase": "before",
                        "actor": "student",
                        "due_offset_days": "0",
                    }
                ]
            ),
        }
    )

    response = client.post(reverse("wagtailsnippets_followup_stepset:add"), data)

    assert response.status_code == 200 and StepSet.objects.filter(programme=world.programme).count() == 1


def test_an_editor_writes_an_evaluation_form_and_previews_it(client, editor, world):
    url = reverse("wagtailsnippets_followup_evaluationform:add")
    assert client.get(url).status_code == 200
    criteria = [{"code": "rigour", "label_fr": "Rigueur", "label_en": "Rigour"}]
    data = nested_form_data(
        {
            "name": "Évaluation école",
            "audience": "company",
            "school": world.school.pk,
            "programme": "",
            "intro_fr": "",
            "intro_en": "",
            "sections": streamfield(
                [
                    # a ListBlock's form data are a StreamBlock's, the types aside
                    (
                        "section",
                        {
                            "title_fr": "Travail",
                            "title_en": "Work",
                            "criteria": streamfield([("item", c) for c in criteria]),
                        },
                    )
                ]
            ),
        }
    )

    response = client.post(url, data)

    assert response.status_code == 302
    form = EvaluationForm.objects.get(school=world.school, audience="company")
    assert form.criteria() == [
        {"code": "rigour", "label_fr": "Rigueur", "label_en": "Rigour", "section_fr": "Travail", "section_en": "Work"}
    ]
    internship = proposed(world)
    assert [c["code"] for c in internship.criteria("company")] == ["rigour"]

    request = RequestFactory().get("/")
    request.user = editor
    preview = form.serve_preview(request, form.default_preview_mode)
    preview.render()
    assert preview.status_code == 200 and "Rigueur" in preview.content.decode()


def test_the_evaluations_themselves_are_not_in_the_admin(client, editor, world):
    assert client.get("/admin/snippets/followup/evaluation/").status_code == 404
    assert client.get(reverse("wagtailsnippets_followup_agreementtemplate:list")).status_code == 200


def test_the_company_tutors_menu_links_to_the_follow_up_pages_and_each_opens(client, world):
    internship = active(world)
    client.force_login(world.company_tutor)  # a secondary contact without the right to create offers

    links = [
        link for link in menu_links(client.get(reverse("accounts:dashboard")).content.decode()) if "/suivi/" in link
    ]

    assert len(links) >= 6
    assert {client.get(link).status_code for link in links} == {200}
    assert all(world.student.last_name.upper() in client.get(link).content.decode() for link in links)
    assert internship.company_id == world.company.pk


def test_a_contact_who_tutors_no_internship_has_no_follow_up_menu(client, world):
    client.force_login(world.company_tutor)

    links = menu_links(client.get(reverse("accounts:dashboard")).content.decode())

    assert not [link for link in links if "/suivi/" in link]


@pytest.mark.parametrize("person", ["student", "academic_tutor", "programme_head"])
def test_the_student_and_the_school_staff_find_the_follow_up_in_their_space(client, world, person):
    active(world)
    client.force_login(getattr(world, person))

    html = client.get(reverse("accounts:dashboard")).content.decode()

    assert reverse("followup:dashboard") in html
    assert world.student.last_name in client.get(reverse("followup:dashboard")).content.decode()
