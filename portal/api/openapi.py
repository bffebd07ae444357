"""Declared operations of the REST API v1 and the OpenAPI 3.1 document generated from them.

Each view is declared once with ``@operation(path, query=Model, response=Model)``: the same
declaration registers the Flask route, parses and validates the query string with the pydantic
query model, serialises the pydantic response model (with an ETag) and becomes the operation of
the OpenAPI document. Schemas are pydantic's JSON Schema (draft 2020-12, which OpenAPI 3.1 uses
as is), so the document cannot drift from the code.
"""

from __future__ import annotations

import hashlib
import re
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pydantic
from flask import Blueprint, Response, request
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from portal.api.problems import Problem, from_problem

REF = "#/components/schemas/{model}"
# If-None-Match: "*" or a list of (weak or strong) entity tags, RFC 9110 section 13.1.2.
ETAG_LIST = r'^(\*|(W/)?"[\x21\x23-\x7e]*"([ \t]*,[ \t]*(W/)?"[\x21\x23-\x7e]*")*)$'
ETAG_LIST_RE = re.compile(ETAG_LIST)
MAX_IF_NONE_MATCH = 400
PATH_PARAM = re.compile(r"{(\w+)}")


@dataclass(frozen=True)
class PathParam:
    name: str
    schema: dict[str, Any]
    converter: str  # the Flask converter that enforces the same rule
    description: str = ""


@dataclass
class Operation:
    path: str
    method: str
    operation_id: str
    summary: str
    description: str
    tag: str
    query: type[BaseModel] | None
    response: type[BaseModel]
    path_params: tuple[PathParam, ...]
    errors: tuple[int, ...]
    view: Callable[..., BaseModel] | None = field(default=None, repr=False)


class ApiRegistry:
    """The operations of one API and the blueprint that serves them."""

    def __init__(self, blueprint: Blueprint, *, title: str, version: str, description: str,
                 problem_model: type[BaseModel]) -> None:
        self.blueprint = blueprint
        self.title = title
        self.version = version
        self.description = description
        self.problem_model = problem_model
        self.operations: list[Operation] = []

    def operation(self, path: str, *, operation_id: str, summary: str, tag: str,
                  response: type[BaseModel], query: type[BaseModel] | None = None,
                  path_params: tuple[PathParam, ...] = (), errors: tuple[int, ...] = (),
                  ) -> Callable[[Callable[..., BaseModel]], Callable[..., BaseModel]]:
        """Declare a GET operation at ``path`` (OpenAPI syntax, relative to the blueprint)."""

        def register(view: Callable[..., BaseModel]) -> Callable[..., BaseModel]:
            params = {p.name: p for p in path_params}
            rule = PATH_PARAM.sub(lambda m: f"<{params[m.group(1)].converter}:{m.group(1)}>",
                                  path)
            op = Operation(path, "get", operation_id, summary, (view.__doc__ or "").strip(),
                           tag, query, response, path_params, errors, view)
            self.operations.append(op)

            def endpoint(**kwargs: Any) -> Response:
                try:
                    if query is not None:
                        kwargs["params"] = parse_query(query)
                    check_preconditions()
                    return json_response(view(**kwargs))
                except Problem as problem:
                    return from_problem(problem)

            self.blueprint.add_url_rule(rule, operation_id, endpoint, methods=["GET"])
            return view

        return register

    # -- the document ------------------------------------------------------------------

    def document(self, server_url: str) -> dict[str, Any]:
        models = {op.response for op in self.operations} | {self.problem_model}
        refs, schemas = models_json_schema(
            [(model, "serialization") for model in sorted(models, key=lambda m: m.__name__)],
            ref_template=REF)
        paths: dict[str, dict[str, Any]] = {}
        for op in self.operations:
            paths.setdefault(op.path, {})[op.method] = self._operation(op, refs)
        return {
            "openapi": "3.1.0",
            "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
            "info": {"title": self.title, "version": self.version,
                     "description": self.description,
                     "license": {"name": "EUPL-1.2", "identifier": "EUPL-1.2"}},
            "servers": [{"url": server_url}],
            "paths": paths,
            "components": {"schemas": schemas.get("$defs", {}), "headers": {
                "ETag": {"description": "Entity tag of the representation",
                         "required": True, "schema": {"type": "string"}}}},
        }

    def _operation(self, op: Operation, refs: dict[Any, Any]) -> dict[str, Any]:
        parameters = [
            {"name": p.name, "in": "path", "required": True, "schema": p.schema,
             **({"description": p.description} if p.description else {})}
            for p in op.path_params
        ]
        if op.query is not None:
            parameters.extend(query_parameters(op.query))
        parameters.append({"name": "If-None-Match", "in": "header", "required": False,
                           "description": "ETag of a representation already held: "
                                          "answered 304 when it is still current",
                           "schema": {"type": "string", "maxLength": MAX_IF_NONE_MATCH,
                                      "pattern": ETAG_LIST}})
        problem = {"application/problem+json": {
            "schema": refs[(self.problem_model, "serialization")]}}
        responses: dict[str, Any] = {
            "200": {"description": "OK",
                    "headers": {"ETag": {"$ref": "#/components/headers/ETag"}},
                    "content": {"application/json": {
                        "schema": refs[(op.response, "serialization")]}}},
            "304": {"description": "Not modified (If-None-Match matched)",
                    "headers": {"ETag": {"$ref": "#/components/headers/ETag"}}},
            "400": {"description": "Invalid parameter", "content": problem},
            "429": {"description": "Too many requests", "content": problem},
        }
        for status in op.errors:
            responses[str(status)] = {"description": {404: "Not found"}.get(status, "Error"),
                                      "content": problem}
        return {"operationId": op.operation_id, "summary": op.summary,
                "description": op.description, "tags": [op.tag], "parameters": parameters,
                "responses": responses}


# -- requests and responses -----------------------------------------------------------------

def _is_list(annotation: Any) -> bool:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        return any(_is_list(arg) for arg in typing.get_args(annotation))
    return origin is list


def query_parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    """OpenAPI query parameters of a query model (one per field, arrays exploded)."""
    schema = model.model_json_schema(ref_template=REF)
    required = set(schema.get("required", []))
    result = []
    for name, prop in schema["properties"].items():
        prop = dict(prop)
        description = prop.pop("description", "")
        prop.pop("title", None)
        param: dict[str, Any] = {"name": name, "in": "query", "required": name in required,
                                 "schema": prop}
        if description:
            param["description"] = description
        if prop.get("type") == "array":
            param.update(style="form", explode=True)
        result.append(param)
    return result


def parse_query(model: type[BaseModel]) -> BaseModel:
    """The query string as ``model``: unknown parameters and invalid values are a 400 problem
    naming the parameter."""
    fields = model.model_fields
    unknown = sorted(set(request.args) - set(fields))
    if unknown:
        raise Problem(400, "Invalid request", f"unknown parameter {unknown[0][:60]!r}",
                      invalid=[(unknown[0][:60], "unknown parameter")])
    data: dict[str, Any] = {}
    for name, info in fields.items():
        values = request.args.getlist(name)
        if not values:
            continue
        if _is_list(info.annotation):
            data[name] = values
        elif len(values) > 1:
            raise Problem(400, "Invalid request", f"{name}: given more than once",
                          invalid=[(name, "given more than once")])
        else:
            data[name] = values[0]
    try:
        return model.model_validate(data)
    except pydantic.ValidationError as exc:
        invalid = [(".".join(str(p) for p in error["loc"]) or "query",
                    str(error["msg"]).removeprefix("Value error, "))
                   for error in exc.errors(include_url=False, include_input=False)]
        name, reason = invalid[0]
        raise Problem(400, "Invalid request", f"{name}: {reason}", invalid=invalid) from None


def check_preconditions() -> None:
    """Refuse a malformed If-None-Match before any work is done."""
    wanted = request.headers.get("If-None-Match")
    if wanted is not None and (len(wanted) > MAX_IF_NONE_MATCH
                               or not ETAG_LIST_RE.match(wanted)):
        raise Problem(400, "Invalid request", "If-None-Match: must be * or a list of entity "
                      "tags", invalid=[("If-None-Match", "not a list of entity tags")])


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def json_response(model: BaseModel) -> Response:
    """``model`` as JSON with a strong ETag; 304 when If-None-Match names it."""
    body = model.__pydantic_serializer__.to_json(model)
    etag = etag_of(body)
    wanted = request.headers.get("If-None-Match")
    if wanted:
        tags = {tag.strip().removeprefix("W/") for tag in wanted.split(",")}
        if etag in tags or "*" in tags:
            response = Response(status=304)
            response.headers["ETag"] = etag
            response.headers["Cache-Control"] = "no-cache"
            return response
    response = Response(body, status=200, content_type="application/json")
    response.headers["ETag"] = etag
    response.headers["Cache-Control"] = "no-cache"
    return response
