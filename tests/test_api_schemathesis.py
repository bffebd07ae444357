"""schemathesis against the REST API v1 (the WSGI app, the demo catalog): every operation of the
OpenAPI document, valid and invalid inputs, every built-in check, a bounded number of examples.

One adjustment, justified in the README: a cursor is opaque, so a random string that matches its
syntax is refused (400) although it is "valid" to the schema; positive cases therefore do not
invent cursors (the cursor tests in test_api_rest.py follow real next links). Negative cases
still send invalid cursors and must get 400.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS, load_all_checks

from portal.api import (
    rest,
    rest_reuses,  # noqa: F401 - declares its operations on rest.api
)

MAX_EXAMPLES = 8

load_all_checks()
ALL_CHECKS = CHECKS.get_all()


PATHS = sorted({op.path for op in rest.api.operations})


@pytest.fixture(scope="module")
def api_schema(demo_app: Flask) -> Any:
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", demo_app)


# pytest-style parametrisation of schemathesis (from_fixture) does not run on pytest 9, so each
# operation's Hypothesis strategy is driven here directly, in both generation modes.
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize("path", PATHS)
def test_rest_api_conforms_to_its_openapi_document(api_schema: Any, path: str,
                                                   mode: GenerationMode) -> None:
    operation = api_schema[path]["GET"]

    @given(operation.as_strategy(generation_mode=mode))
    @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None,
              suppress_health_check=list(HealthCheck), derandomize=True)
    def check(case: Any) -> None:
        if mode.is_positive and case.query:
            case.query.pop("cursor", None)
        case.call_and_validate(checks=ALL_CHECKS)

    check()


def test_document_lists_every_resource_and_closes_every_object(demo_app: Flask) -> None:
    document = demo_app.test_client().get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    paths = set(document["paths"])
    assert document["servers"][0]["url"].endswith("/api/v1")
    for path in ("/datasets", "/datasets/{slug}", "/distributions", "/publishers", "/themes",
                 "/objects", "/institutions", "/wifi-locations", "/search"):
        assert path in paths
    for name, schema_ in document["components"]["schemas"].items():
        if schema_.get("type") == "object" and "properties" in schema_:
            assert schema_.get("additionalProperties") is False, name
            assert set(schema_["required"]) == set(schema_["properties"]), name
