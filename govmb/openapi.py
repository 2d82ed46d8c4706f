"""What every service's OpenAPI document needs beyond flask-smorest's, for a client system's
generator (docs/api.md): a stable `operationId` on every operation, one multipart request body
where a view reads a form and its files, a schema on every file a success answers with, and the
`servers` where the service is found."""
from __future__ import annotations

from apispec import BasePlugin

from govmb.messages import said

BINARY = {"type": "string", "format": "binary"}
DISTRIBUTED_PORTS = {"registry": 8001, "publishing": 8002, "inquiry": 8003, "assessment": 8004}  # the Procfile's


def servers(service: str) -> list[dict]:
    """Where the service's API is: under the web app's address in the embedded mode, on its own
    address in the distributed one (docs/operations.md)."""
    return [
        {"url": f"/{service}", "description": said("内嵌模式（make run）：与网页同一地址，本服务在 /{service} 之下",
                                                   service=service)},
        {"url": "{scheme}://{host}:{port}",
         "description": said("分布式模式：本服务自己的地址（{variable}）", variable=f"{service.upper()}_URL"),
         "variables": {"scheme": {"default": "http", "enum": ["http", "https"]},
                       "host": {"default": "127.0.0.1"},
                       "port": {"default": str(DISTRIBUTED_PORTS.get(service, 8000))}}},
    ]


def served_here(document: dict, script_root: str) -> dict:
    """The document as served: the address it was fetched under first among its servers (a
    service on its own port serves it at /, the embedded one under /<service>)."""
    here = script_root or "/"
    listed = document.get("servers", [])
    first = [s for s in listed if s["url"] == here] or [{"url": here, "description": said("本文档所在的地址")}]
    return {**document, "servers": first + [s for s in listed if s["url"] != here]}


class ClientReady(BasePlugin):
    """An apispec plugin, run on each path after flask-smorest's and marshmallow's helpers."""

    def __init__(self) -> None:
        self.ids: dict[str, str] = {}  # endpoint and method → operationId, unique in the document
        self.schemas: dict[str, dict] = {}  # the document's components/schemas, as registered

    def init_spec(self, spec) -> None:
        super().init_spec(spec)
        self.schemas = spec.components.schemas

    def operation_helper(self, path=None, operations=None, **kwargs) -> None:
        rule = kwargs.get("rule")
        for method, operation in (operations or {}).items():
            if rule is not None and "operationId" not in operation:
                operation["operationId"] = self.operation_id(rule.endpoint, method, len(operations) > 1)
            one_request_body(operation, self.schemas)
            binary_downloads(operation)

    def operation_id(self, endpoint: str, method: str, several: bool) -> str:
        """The view function's name (`list_messages`); the blueprint's name before it when another
        blueprint of the service has a view of that name already (registration order decides);
        the method after it when one view serves several. Never changes for an existing view."""
        key = f"{endpoint} {method}"
        if key not in self.ids:
            blueprint, _, function = endpoint.rpartition(".")
            suffix = f"_{method}" if several else ""
            taken = set(self.ids.values())
            chosen = f"{function}{suffix}"
            if chosen in taken:
                chosen = f"{blueprint}_{function}{suffix}".replace("-", "_")
            self.ids[key] = chosen
        return self.ids[key]


REF = "#/components/schemas/"


def one_request_body(operation: dict, schemas: dict[str, dict]) -> None:
    """A view that reads a form and its files (`arguments(..., location="form")` beside
    `location="files"`) gets one multipart/form-data body, an object with the fields of both:
    flask-smorest makes the first a request body and leaves the second as `formData` parameters,
    which OpenAPI 3 does not have. (An `allOf` of the two would not do: each is closed to the
    other's fields, `additionalProperties: false`.)"""
    fields = [p for p in operation.get("parameters", []) if p.get("in") == "formData"]
    if not fields:
        return
    operation["parameters"] = [p for p in operation["parameters"] if p.get("in") != "formData"]
    if not operation["parameters"]:
        del operation["parameters"]
    body = operation.setdefault("requestBody", {"required": True, "content": {}})
    merged: dict = {"type": "object", "properties": {}, "required": []}
    for content in body["content"].values():
        part = content.get("schema", {})
        part = schemas.get(part["$ref"].removeprefix(REF), {}) if "$ref" in part else part
        merged["properties"].update(part.get("properties", {}))
        merged["required"] += part.get("required", [])
        if part.get("additionalProperties") is False:
            merged["additionalProperties"] = False
    for p in fields:
        merged["properties"][p["name"]] = {**p.get("schema", {}),
                                           **({"description": p["description"]} if "description" in p else {})}
        merged["required"] += [p["name"]] if p.get("required") else []
    if not merged["required"]:
        del merged["required"]
    body["content"] = {"multipart/form-data": {"schema": merged}}


def binary_downloads(operation: dict) -> None:
    """A success answered with a file (a PDF, a spreadsheet, a CSV, a feed) is a string of bytes."""
    for status, response in operation.get("responses", {}).items():
        if str(status).startswith("2") and isinstance(response, dict):
            for media, content in response.get("content", {}).items():
                if not media.endswith("json"):
                    content.setdefault("schema", dict(BINARY))
