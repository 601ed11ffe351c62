"""The OpenAPI 3.1 document is made from the code and served, with interactive docs beside it."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from openapi_spec_validator import validate
from openapi_spec_validator.versions.shortcuts import get_spec_version

from booking.security import CONTENT_SECURITY_POLICY

OPERATIONS = {
    ("get", "/api/v1/neighbourhoods"),
    ("get", "/api/v1/buildings"),
    ("get", "/api/v1/spaces"),
    ("get", "/api/v1/availability"),
    ("get", "/api/v1/me"),
    ("patch", "/api/v1/me"),
    ("get", "/api/v1/bookings"),
    ("post", "/api/v1/bookings"),
    ("get", "/api/v1/bookings/{booking_id}"),
    ("patch", "/api/v1/bookings/{booking_id}"),
    ("delete", "/api/v1/bookings/{booking_id}"),
    ("post", "/api/v1/bookings/{booking_id}/check-in"),
    ("post", "/api/v1/bookings/{booking_id}/rating"),
    ("post", "/api/v1/bookings/{booking_id}/problems"),
    ("get", "/api/v1/reports/neighbourhoods"),
}


def test_the_document_is_a_valid_openapi_3_1_document(client: FlaskClient) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    document = response.json
    assert document["openapi"] == "3.1.0"
    assert get_spec_version(document).major == "3" and get_spec_version(document).minor == "1"
    validate(document)


def test_the_document_describes_every_operation(client: FlaskClient) -> None:
    document = client.get("/api/v1/openapi.json").json
    found = {
        (method, path)
        for path, item in document["paths"].items()
        for method in item
        if method in {"get", "post", "patch", "delete"}
    }
    assert found == OPERATIONS
    assert document["info"]["title"] == "Shared Spaces API"
    assert [tag["name"] for tag in document["tags"]] == ["Catalogue", "You", "Bookings", "Reports"]


def test_every_operation_needs_a_bearer_token_and_errors_are_problems(
    client: FlaskClient,
) -> None:
    document = client.get("/api/v1/openapi.json").json
    assert document["security"] == [{"bearerAuth": []}]
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    default = document["components"]["responses"]["DEFAULT_ERROR"]
    assert list(default["content"]) == ["application/problem+json"]
    problem = document["components"]["schemas"]["Problem"]
    assert set(problem["required"]) == {"type", "title", "status", "detail"}
    for item in document["paths"].values():
        for method, operation in item.items():
            if method == "parameters":
                continue
            assert operation["responses"]["default"] == {
                "$ref": "#/components/responses/DEFAULT_ERROR"
            }


def test_nullable_fields_use_openapi_3_1_types(client: FlaskClient) -> None:
    booking = client.get("/api/v1/openapi.json").json["components"]["schemas"]["Booking"]
    assert booking["properties"]["checked_in_at"]["type"] == ["string", "null"]
    assert "nullable" not in booking["properties"]["checked_in_at"]


def test_the_document_can_be_printed_from_the_command_line(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["openapi", "print"])
    assert result.exit_code == 0 and '"openapi": "3.1.0"' in result.output


def test_the_docs_page_runs_swagger_ui_from_our_own_files_under_the_normal_policy(
    client: FlaskClient,
) -> None:
    response = client.get("/api/docs")
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    page = response.text
    assert 'src="/static/build/swagger-ui/swagger-ui-bundle.js"' in page
    assert 'href="/static/build/swagger-ui/swagger-ui.css"' in page
    assert 'src="/static/api-docs.js"' in page
    assert 'data-spec-url="/api/v1/openapi.json"' in page
    assert "<script>" not in page and "style=" not in page
    script = client.get("/static/api-docs.js")
    assert script.status_code == 200 and "SwaggerUIBundle" in script.text
    script.close()


def test_make_assets_has_copied_swagger_ui_into_the_static_files(client: FlaskClient) -> None:
    for name in ("swagger-ui-bundle.js", "swagger-ui.css"):
        response = client.get(f"/static/build/swagger-ui/{name}")
        assert response.status_code == 200, f"{name} missing: run make assets"
        response.close()
