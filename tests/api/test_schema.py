import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_openapi_schema_of_the_portal_api_generates_without_warnings(tmp_path):
    target = tmp_path / "schema.yaml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))

    schema = target.read_text()
    assert "/api/v1/registrations/companies:" in schema
    assert "/api/v1/companies/{company_id}/contacts:" in schema
    assert "/api/v2/" not in schema
