"""Every service's OpenAPI document is one a client system's generator takes (docs/api.md): valid
OpenAPI 3 (openapi-spec-validator), a stable, unique operationId on every operation, a schema on
every success answer, one request body (no OpenAPI 2 `formData`), and servers that say where the
service is. The generated client itself: tests/inquiry/test_generated_client.py."""
from __future__ import annotations

import re

import pytest
from openapi_spec_validator import validate
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.test import Client

from govmb.config import SERVICES
from govmb.openapi import ClientReady, binary_downloads, one_request_body
from tests.system import migrated_app, settings_for

METHODS = ("get", "put", "post", "delete", "patch")


@pytest.fixture(scope="module")
def apps(tmp_path_factory) -> dict:
    directory = tmp_path_factory.mktemp("openapi")
    return {name: migrated_app(name, settings_for(name, f"sqlite:///{directory / name}.db")) for name in SERVICES}


@pytest.fixture(scope="module")
def documents(apps) -> dict[str, dict]:
    return {name: app.test_client().get("/openapi.json").json for name, app in apps.items()}


def operations(document: dict):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield f"{method.upper()} {path}", operation


@pytest.mark.parametrize("service", SERVICES)
def test_the_document_is_valid_openapi_3(service, documents):
    document = documents[service]
    assert document["openapi"].startswith("3.")
    validate(document)  # raises on the first error, naming where it is


@pytest.mark.parametrize("service", SERVICES)
def test_every_operation_has_a_unique_snake_case_operation_id(service, documents):
    ids = {}
    for label, operation in operations(documents[service]):
        assert re.fullmatch(r"[a-z][a-z0-9_]*", operation.get("operationId", "")), f"{label}: {operation.get('operationId')}"
        assert operation["operationId"] not in ids, f"{label} and {ids.get(operation['operationId'])}"
        ids[operation["operationId"]] = label
    assert len(ids) > 30


def test_operation_ids_are_the_view_functions_names(documents):
    # stable: a client's method is named after the view, which the tests and the docs name too
    ids = {label: operation["operationId"] for label, operation in operations(documents["inquiry"])}
    assert ids["POST /api/intake/messages"] == "intake_message"
    assert ids["GET /api/intake/messages/{message_id}"] == "client_request"
    assert ids["POST /api/messages/import"] == "import_export"


@pytest.mark.parametrize("service", SERVICES)
def test_every_success_answer_has_a_schema(service, documents):
    missing = []
    for label, operation in operations(documents[service]):
        for status, answer in operation["responses"].items():
            if not status.startswith("2") or status == "204":
                continue
            contents = answer.get("content", {})
            if not contents or any("schema" not in content for content in contents.values()):
                missing.append(f"{label} {status}")
    assert not missing, "\n".join(missing)


@pytest.mark.parametrize("service", SERVICES)
def test_an_upload_is_one_multipart_body(service, documents):
    """A file and the form beside it are one multipart/form-data body, in OpenAPI 3's terms."""
    uploads = 0
    for label, operation in operations(documents[service]):
        assert all(p["in"] in ("path", "query", "header", "cookie") for p in operation.get("parameters", [])), label
        body = operation.get("requestBody", {}).get("content", {})
        if "multipart/form-data" in body:
            uploads += 1
            assert list(body) == ["multipart/form-data"], label
    assert uploads or service == "publishing"


def test_the_message_import_takes_its_file_and_its_form_together(documents):
    schema = documents["inquiry"]["paths"]["/api/messages/import"]["post"]["requestBody"]["content"][
        "multipart/form-data"]["schema"]
    assert set(schema["properties"]) == {"file", "account_id", "platform"}
    assert schema["properties"]["file"]["format"] == "binary"
    assert schema["required"] == ["file", "account_id", "platform"] and schema["additionalProperties"] is False


def test_a_download_is_a_binary_string_and_its_json_keeps_its_schema(documents):
    contents = documents["assessment"]["paths"]["/api/reports/{quarter}"]["get"]["responses"]["200"]["content"]
    assert contents["application/pdf"]["schema"] == {"type": "string", "format": "binary"}
    assert contents["application/json"]["schema"] == {"$ref": "#/components/schemas/QuarterlyReport"}


@pytest.mark.parametrize("service", SERVICES)
def test_the_servers_say_where_the_service_is(service, apps, documents):
    # fetched from the service on its own (the distributed mode, a test client): here is "/"
    servers = documents[service]["servers"]
    assert servers[0]["url"] == "/"
    assert f"/{service}" in [s["url"] for s in servers]
    distributed = servers[-1]
    assert distributed["url"] == "{scheme}://{host}:{port}" and distributed["variables"]["port"]["default"].startswith("800")
    # mounted as the embedded mode mounts it: the mount path first, once
    embedded = Client(DispatcherMiddleware(apps["registry"], {f"/{service}": apps[service]}))
    mounted = embedded.get(f"/{service}/openapi.json").json["servers"]
    assert [s["url"] for s in mounted][:1] == [f"/{service}"] and len(mounted) == 2


def test_an_operation_id_taken_by_another_blueprint_gets_its_blueprint_first():
    plugin = ClientReady()
    assert plugin.operation_id("drafts.take_action", "post", False) == "take_action"
    assert plugin.operation_id("accounts.take_action", "post", False) == "accounts_take_action"
    assert plugin.operation_id("drafts.take_action", "post", False) == "take_action"  # the same view again
    assert plugin.operation_id("items.items", "get", True) == "items_get"


def test_form_parameters_join_the_files_body():
    operation = {"parameters": [{"in": "path", "name": "id"},
                                {"in": "formData", "name": "note", "required": False, "schema": {"type": "string"},
                                 "description": "备注"}],
                 "requestBody": {"required": True, "content": {"multipart/form-data": {
                     "schema": {"$ref": "#/components/schemas/Upload"}}}}}
    upload = {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}, "required": ["file"],
              "additionalProperties": False}
    one_request_body(operation, {"Upload": upload})
    assert operation["parameters"] == [{"in": "path", "name": "id"}]
    assert operation["requestBody"]["content"]["multipart/form-data"]["schema"] == {
        "type": "object", "properties": {"file": {"type": "string", "format": "binary"},
                                         "note": {"type": "string", "description": "备注"}},
        "required": ["file"], "additionalProperties": False}


def test_only_files_become_binary_strings():
    operation = {"responses": {"200": {"content": {"application/json": {}, "text/csv": {}}}, "default": {"$ref": "#/e"}}}
    binary_downloads(operation)
    assert operation["responses"]["200"]["content"] == {"application/json": {},
                                                        "text/csv": {"schema": {"type": "string", "format": "binary"}}}
