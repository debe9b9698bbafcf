"""Form widgets of the portal's own."""

from __future__ import annotations

from functools import cache

from django import forms
from django.template import engines
from django.utils.translation import get_language

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


# The markup of the selects rendered lately, by what it is made of: the same few (the filters left empty, a country
# chosen) come back on every search page and workspace tab.
_rendered: dict[tuple, str] = {}
RENDERED_KEPT = 512


class LongSelect(forms.Select):
    """A select of a long list (the countries, the sectors) rendered by one template: Django's renders a template
    per option, and the 250 countries took most of the search page's time. The markup is kept, by language, name,
    value, attributes and choices, for the next form that shows the same (4 ms for the countries)."""

    def render(self, name, value, attrs=None, renderer=None):
        try:
            made_of = (
                get_language(),
                name,
                tuple(self.format_value(value)),
                tuple(sorted(self.build_attrs(self.attrs, attrs).items())),
                tuple(self.choices),
            )
            markup = _rendered.get(made_of)
        except TypeError:  # an attribute or a choice that cannot be a key: rendered each time
            made_of, markup = None, None
        if markup is None:
            markup = _long_select().render(self.get_context(name, value, attrs))
            if made_of is not None:
                if len(_rendered) >= RENDERED_KEPT:
                    _rendered.clear()
                _rendered[made_of] = markup
        return markup
