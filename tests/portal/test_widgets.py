"""The portal's own widgets render what Django's own would."""

import pytest
from django import forms

from portal.widgets import LongSelect

CHOICES = [("", "Tous les pays"), ("BE", "Belgique"), ("CI", "Côte d'Ivoire"), ("FR", "France & <DOM>")]


@pytest.mark.parametrize("value", ["", "CI", "FR", None, "XX"])
def test_a_long_select_renders_the_markup_of_djangos_select(value):
    attrs = {"id": "id_country", "aria-describedby": "country-help", "disabled": False, "required": True}

    ours = LongSelect(choices=CHOICES).render("country", value, attrs=attrs)
    django = forms.Select(choices=CHOICES).render("country", value, attrs=attrs)

    assert ours == django
    assert "Côte d&#x27;Ivoire" in ours and "France &amp; &lt;DOM&gt;" in ours
