"""Form widgets of the portal's own."""

from __future__ import annotations

from functools import cache

from django import forms
from django.template import engines

# Django's select.html, select_option.html and attrs.html in one template: the same markup, without an include per
# option.
ATTRIBUTES = (
    "{% for name, value in attrs.items %}{% if value is not False %} {{ name }}"
    "{% if value is not True %}=\"{{ value|stringformat:'s' }}\"{% endif %}{% endif %}{% endfor %}"
)
LONG_SELECT = (
    '<select name="{{ widget.name }}"{% with attrs=widget.attrs %}' + ATTRIBUTES + "{% endwith %}>"
    "{% for group_name, group_choices, group_index in widget.optgroups %}{% for option in group_choices %}\n"
    "  <option value=\"{{ option.value|stringformat:'s' }}\""
    "{% with attrs=option.attrs %}" + ATTRIBUTES + "{% endwith %}>{{ option.label }}</option>\n"
    "{% endfor %}{% endfor %}\n</select>"
)


@cache
def _long_select():
    return engines["django"].from_string(LONG_SELECT)


class LongSelect(forms.Select):
    """A select of a long list (the countries, the sectors) rendered by one template: Django's renders a template
    per option, and the 250 countries took most of the search page's time."""

    def render(self, name, value, attrs=None, renderer=None):
        return _long_select().render(self.get_context(name, value, attrs))
