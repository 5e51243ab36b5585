"""The OpenAPI document and the readable reference rendered from it, with no script from
anywhere and nothing loaded from a CDN."""

import re

from django.urls import reverse


def test_the_openapi_document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Commonground API"
    assert schema["components"]["securitySchemes"]["TokenAuth"] == {
        "type": "http",
        "scheme": "bearer",
    }
    submit = schema["paths"]["/api/v1/initiatives/{slug}/submissions/{submission_id}/submit"][
        "post"
    ]
    assert {"200", "401", "404", "409", "422", "429"} <= set(submit["responses"])
    assert "Idempotency-Key" in {p["name"] for p in submit["parameters"]}
    error = schema["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"code", "message", "details"}


def test_no_swagger_ui_from_a_cdn(client):
    page = client.get(reverse("api_docs"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "swagger" not in html.lower()
    assert "cdn" not in html.lower()
    # No inline script: every <script> tag loads a file of our own.
    for tag in re.findall(r"<script[^>]*>", html):
        assert 'src="/static/' in tag, tag
    assert " style=" not in html


def test_the_reference_lists_every_operation_and_schema(client):
    schema = client.get("/api/v1/openapi.json").json()
    html = client.get(reverse("api_docs")).content.decode()
    for path, methods in schema["paths"].items():
        for details in methods.values():
            assert f'id="{details["operationId"]}"' in html
        assert f"<code>{path}</code>" in html
    for name in ("ValuesIn", "SubmissionDetail", "Error", "IndicatorIn"):
        assert f'id="schema-{name}"' in html
    # The settings that shape every request are stated with their values.
    assert "300 requests every 60 seconds" in html
    assert "Idempotency-Key" in html


def test_the_reference_shows_example_bodies(client):
    html = client.get(reverse("api_docs")).content.decode()
    save_values = html.split('id="save_values"', 1)[1].split("</section>", 1)[0]
    assert "small cohort" in save_values


def test_the_walkthrough_uses_this_servers_address(client):
    html = client.get(reverse("api_docs"), HTTP_HOST="localhost").content.decode()
    assert "export CG=http://localhost/api/v1" in html


def test_the_api_root_leads_to_the_reference(client):
    response = client.get("/api/v1/")
    assert response.status_code == 302
    assert response["Location"] == reverse("api_docs")
