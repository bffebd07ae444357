"""Hypothesis against both APIs: malformed JSON, wrong types, unknown fields, oversized bodies,
injection attempts in q/fq/sort and unknown actions get a 4xx with a proper error body, never a
500 or a stack trace."""

from __future__ import annotations

import json
from typing import Any

from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

SETTINGS = settings(max_examples=30, deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck))
ACTIONS = ["package_search", "package_show", "package_list", "organization_list",
           "organization_show", "group_list", "group_show", "tag_list", "resource_show",
           "current_package_list_with_resources", "license_list", "status_show", "help_show"]
INJECTIONS = ["{!lucene}*:*", "{!join from=id to=owner_org}name:x", "*:*", "name:*", "tags:a*",
              "' OR 1=1 --", "\"; DROP TABLE dataset; --", "NEAR(a b)", "title:(a OR", "a\" OR \"",
              "title:[a TO z]", "metadata_modified:[NOW TO {!lucene}]",
              "metadata_created:[2020-01-01T00:00:00Z TO *] OR *:*", "-tags:x", "NOT tags:x",
              "organization:x) OR (1=1", "\\", "\x00", "groups:tran AND AND", "+", ":"]
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner,
                                                                  max_size=4),
    max_leaves=12)
params = st.dictionaries(
    st.sampled_from(["q", "fq", "fq_list", "sort", "rows", "start", "facet.field", "facet.limit",
                     "facet", "id", "limit", "offset", "all_fields", "query", "name",
                     "include_datasets", "unknown_field"]),
    json_values, max_size=6)


def _assert_answer(response: Any) -> None:
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    text = response.get_data(as_text=True)
    assert "Traceback" not in text
    body = json.loads(text)
    if response.status_code == 200:
        assert body["success"] is True
    elif isinstance(body, dict):
        assert body["success"] is False and "__type" in body["error"]
    else:
        assert isinstance(body, str) and body.startswith("Bad request")


@SETTINGS
@given(action=st.sampled_from(ACTIONS), data=params)
def test_ckan_actions_refuse_any_json_body_cleanly(demo_client: FlaskClient, action: str,
                                                   data: dict[str, Any]) -> None:
    response = demo_client.post(f"/api/3/action/{action}", data=json.dumps(data, default=str),
                                content_type="application/json")
    _assert_answer(response)
    assert response.status_code in (200, 400, 404, 409)


@SETTINGS
@given(field=st.sampled_from(["q", "fq", "sort", "rows", "start", "facet.field",
                              "facet.limit", "fq_list"]),
       value=st.sampled_from(INJECTIONS) | st.text(max_size=60))
def test_package_search_query_strings_never_break(demo_client: FlaskClient, field: str,
                                                  value: str) -> None:
    response = demo_client.get("/api/3/action/package_search", query_string={field: value})
    _assert_answer(response)
    assert response.status_code in (200, 400, 409)


@SETTINGS
@given(body=st.binary(max_size=200))
def test_malformed_bodies_are_bad_requests(demo_client: FlaskClient, body: bytes) -> None:
    response = demo_client.post("/api/3/action/package_search", data=body,
                                content_type="application/json")
    _assert_answer(response)
    assert response.status_code in (200, 400, 409)


@SETTINGS
@given(name=st.text(min_size=1, max_size=40).filter(lambda n: n not in ACTIONS and "/" not in n
                                                     and "?" not in n and "#" not in n))
def test_unknown_actions_are_bad_requests(demo_client: FlaskClient, name: str) -> None:
    response = demo_client.get("/api/3/action/" + name)
    assert response.status_code in (400, 404)
    assert "Traceback" not in response.get_data(as_text=True)


def test_injection_in_fq_is_refused_not_run(demo_client: FlaskClient) -> None:
    every = demo_client.get("/api/3/action/package_search?rows=0").get_json()["result"]["count"]
    for attempt in INJECTIONS:
        response = demo_client.get("/api/3/action/package_search",
                                   query_string={"fq": attempt, "rows": 0})
        body = response.get_json()
        if response.status_code == 200:  # read as a plain filter value: it matches nothing
            assert body["result"]["count"] < every, attempt
        else:
            assert body["error"]["__type"] in ("Search Query Error", "Validation Error"), attempt
    text = demo_client.get("/api/3/action/package_search",
                           query_string={"q": "' OR 1=1 -- NEAR(\"x\" *", "rows": 0})
    assert text.status_code == 200


@SETTINGS
@given(query=st.dictionaries(st.sampled_from(["q", "theme", "publisher", "format", "licence",
                                              "keyword", "sort", "limit", "cursor", "kind",
                                              "institution", "object_type", "x"]),
                             st.sampled_from(INJECTIONS) | st.text(max_size=40), max_size=5))
def test_rest_search_refuses_bad_input_as_problems(demo_client: FlaskClient,
                                                   query: dict[str, str]) -> None:
    response = demo_client.get("/api/v1/search", query_string=query)
    assert response.status_code in (200, 400), response.get_data(as_text=True)[:300]
    if response.status_code == 400:
        assert response.content_type == "application/problem+json"
        assert response.get_json()["invalid_params"]


def test_oversized_body_is_413(demo_client: FlaskClient) -> None:
    response = demo_client.post("/api/3/action/package_search",
                                data=b'{"q": "' + b"a" * (2 * 1024 * 1024) + b'"}',
                                content_type="application/json")
    assert response.status_code == 413
    assert "Traceback" not in response.get_data(as_text=True)
