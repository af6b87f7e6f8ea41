"""The hub's OpenAPI document: the routes FastAPI knows, with the protocol's request and answer
models (``sync.protocol``) filled in, since the routes read their bodies themselves."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel

from sync.hub.audit_chain import AuditLinks, Checkpoint, CheckpointReport
from sync.hub.city_policy import CityPolicy
from sync.protocol import (
    AttachmentStatus,
    DeviceInfo,
    ErrorResponse,
    HubInfo,
    NumberLease,
    NumberLeaseRequest,
    OfficeDirectory,
    PullPage,
    PushRequest,
    PushResponse,
    RegisterRequest,
    RegisterResponse,
    RotateTokenRequest,
)

REF = "#/components/schemas/{model}"
#: (path, method) → (request model or None, success status, answer model or None)
ROUTES: dict[tuple[str, str], tuple[type[BaseModel] | None, str, type[BaseModel] | None]] = {
    ("/v1/info", "get"): (None, "200", HubInfo),
    ("/v1/devices", "post"): (RegisterRequest, "201", RegisterResponse),
    ("/v1/devices/me", "get"): (None, "200", DeviceInfo),
    ("/v1/devices/me/token", "post"): (RotateTokenRequest, "200", DeviceInfo),
    ("/v1/offices", "get"): (None, "200", OfficeDirectory),
    ("/v1/numbers", "post"): (NumberLeaseRequest, "200", NumberLease),
    ("/v1/push", "post"): (PushRequest, "200", PushResponse),
    ("/v1/pull", "get"): (None, "200", PullPage),
    ("/v1/attachments/{sha256}/status", "get"): (None, "200", AttachmentStatus),
    ("/v1/attachments/{sha256}/chunks/{offset}", "put"): (None, "200", AttachmentStatus),
    ("/v1/attachments/{sha256}/commit", "post"): (None, "200", AttachmentStatus),
    ("/v1/attachments/{sha256}", "get"): (None, "200", None),
    ("/v1/audit/checkpoint", "post"): (Checkpoint, "200", CheckpointReport),
    ("/v1/audit/links", "get"): (None, "200", AuditLinks),
    ("/v1/policy", "get"): (None, "200", CityPolicy),
}


def _schema(model: type[BaseModel], components: dict[str, Any]) -> dict[str, Any]:
    schema = model.model_json_schema(ref_template=REF)
    components.update(schema.pop("$defs", {}))
    components[model.__name__] = schema
    return {"$ref": REF.format(model=model.__name__)}


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": schema}}}


def openapi_document(app: FastAPI) -> dict[str, Any]:
    """The document served at ``/openapi.json`` (built once per app)."""
    if app.openapi_schema:
        return app.openapi_schema
    doc = get_openapi(title=app.title, version="1", routes=app.routes)
    components: dict[str, Any] = doc.setdefault("components", {}).setdefault("schemas", {})
    error = _schema(ErrorResponse, components)
    for (path, method), (request, status, answer) in ROUTES.items():
        op = doc.get("paths", {}).get(path, {}).get(method)
        if op is None:
            continue
        if request is not None:
            op["requestBody"] = {"required": True, **_json(_schema(request, components))}
        if path.endswith("/chunks/{offset}"):
            op["requestBody"] = {
                "required": True,
                "content": {
                    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
                },
            }
        ok: dict[str, Any] = {"description": "成功"}
        if answer is not None:
            ok.update(_json(_schema(answer, components)))
        else:
            ok["content"] = {
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
            }
        op["responses"] = {status: ok, "default": {"description": "错误", **_json(error)}}
        if path.startswith("/v1/attachments/") and path.endswith("}"):
            op["responses"]["206"] = {"description": "部分内容", "content": ok["content"]}
    for schema in components.values():
        schema.pop("title", None)
    app.openapi_schema = doc
    return doc
