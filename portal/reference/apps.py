from django.apps import AppConfig
from django.urls import register_converter
from django.utils.translation import gettext_lazy as _

from portal.ids import IdConverter

# Registered when the app's configuration loads, before any model: routable pages build their URL patterns
# (`<id:...>`) when their class is defined.
register_converter(IdConverter, "id")


class ReferenceConfig(AppConfig):
    name = "portal.reference"
    label = "reference"
    verbose_name = _("Reference data")
