"""The API's schema and its documentation page: ``manage.py spectacular --validate
--fail-on-warn`` passes, personal tokens are described as a bearer scheme, and /api/docs/ is our
page around Redoc from our static files, linked in the footer."""

from __future__ import annotations

import io

import pytest
import yaml
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_the_schema_validates_without_warnings(tmp_path):
    target = tmp_path / "schema.yml"
    call_command(
        "spectacular",
        "--validate",
        "--fail-on-warn",
        "--file",
        str(target),
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    schema = yaml.safe_load(target.read_text())
    assert schema["components"]["securitySchemes"]["personalToken"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schema["components"]["securitySchemes"]["personalToken"]["description"],
    }
    assert {"personalToken": []} in schema["paths"]["/api/tenders/"]["get"]["security"]


def test_the_docs_page_serves_redoc_from_our_static_files(client):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-schema-url="/api/schema/"' in page
    assert "/static/drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js" in page
    assert "cdn." not in page and "unpkg" not in page and "jsdelivr" not in page
    # Scripts stay limited to our origin; only styles are loosened for Redoc.
    policy = response["Content-Security-Policy"]
    script_src = next(part for part in policy.split(";") if "script-src" in part)
    assert "unsafe-inline" not in script_src
    assert "'unsafe-inline'" in next(part for part in policy.split(";") if "style-src" in part)


def test_the_footer_links_the_docs(client):
    from tests.factories.pages import make_home_page

    make_home_page()
    assert 'href="/api/docs/"' in client.get("/").content.decode()
