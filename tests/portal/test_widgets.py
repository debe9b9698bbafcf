"""The portal's own widgets render what Django's own would."""

import pytest
from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy

from portal.widgets import LongSelect

CHOICES = [("", "Tous les pays"), ("BE", "Belgique"), ("CI", "Côte d'Ivoire"), ("FR", "France & <DOM>")]


@pytest.mark.parametrize("value", ["", "CI", "FR", None, "XX"])
def test_a_long_select_renders_the_markup_of_djangos_select(value):
    attrs = {"id": "id_country", "aria-describedby": "country-help", "disabled": False, "required": True}

    ours = LongSelect(choices=CHOICES).render("country", value, attrs=attrs)
    django = forms.Select(choices=CHOICES).render("country", value, attrs=attrs)

    assert ours == django
    assert "Côte d&#x27;Ivoire" in ours and "France &amp; &lt;DOM&gt;" in ours


def test_a_long_select_kept_renders_each_value_as_djangos_select():
    """The markup is kept by what it is made of: each value, again and in turn, is Django's own markup."""
    values = ["", "CI", "FR", "", "FR", "CI", None]
    attrs = {"id": "id_country"}

    ours = [LongSelect(choices=CHOICES).render("country", value, attrs=attrs) for value in values]
    django = [forms.Select(choices=CHOICES).render("country", value, attrs=attrs) for value in values]

    assert ours == django
    assert len(set(ours)) == 3
    assert ours[3] is ours[0] and ours[4] is ours[2]  # kept, not rendered again


def test_a_long_select_kept_follows_its_choices_its_attributes_and_the_language():
    plain = LongSelect(choices=CHOICES).render("country", "FR")
    with_fewer = LongSelect(choices=CHOICES[:2]).render("country", "FR")
    described = LongSelect(choices=CHOICES).render("country", "FR", attrs={"aria-describedby": "aide"})
    lazy = [("", gettext_lazy("All countries")), ("FR", "France")]
    with translation.override("fr"):
        french = LongSelect(choices=lazy).render("country", "")
    with translation.override("en"):
        english = LongSelect(choices=lazy).render("country", "")

    assert "France &amp; &lt;DOM&gt;" in plain and "Belgique" in with_fewer and "France &amp;" not in with_fewer
    assert 'aria-describedby="aide"' in described and "aria-describedby" not in plain
    assert "All countries" in english and "All countries" not in french
    with translation.override("en"):
        assert english == forms.Select(choices=lazy).render("country", "")
