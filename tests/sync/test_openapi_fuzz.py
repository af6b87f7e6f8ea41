"""The hub serves its OpenAPI document (finding 8), and a schemathesis run over it against
the real hub on 127.0.0.1 finds no 5xx and only answers that match the document."""

from __future__ import annotations

import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi import checks as openapi_checks

from sync.hub.server import HubThread
from sync.hub_client import HubApi
from tests.sync.conftest import OFFICE_A, enrol

EXAMPLES = 15


def test_openapi_document_is_served(hub: HubThread) -> None:
    doc = requests.get(f"{hub.base_url}/openapi.json", timeout=10).json()
    assert doc["openapi"].startswith("3.")
    assert {"/v1/push", "/v1/pull", "/v1/devices", "/v1/attachments/{sha256}"} <= set(doc["paths"])
    body = doc["paths"]["/v1/push"]["post"]["requestBody"]["content"]["application/json"]
    assert body["schema"]["$ref"].endswith("/PushRequest")


def test_every_route_survives_generated_requests(hub: HubThread) -> None:
    """Bounded examples per operation; every answer is checked against the document."""
    api: HubApi = enrol(hub, OFFICE_A)
    schema = schemathesis.openapi.from_url(f"{hub.base_url}/openapi.json")
    headers = {"Authorization": f"Bearer {api.token}"}
    wanted = [
        not_a_server_error,
        openapi_checks.response_schema_conformance,
        openapi_checks.status_code_conformance,
        openapi_checks.content_type_conformance,
    ]
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 12
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
            phases=[Phase.generate],
        )
        def run(case) -> None:  # type: ignore[no-untyped-def]
            response = case.call(base_url=hub.base_url, headers=headers, timeout=30)
            case.validate_response(response, checks=wanted, headers=headers)

        run()
