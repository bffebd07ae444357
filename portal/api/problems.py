"""RFC 9457 problem details (``application/problem+json``) for the REST API v1."""

from __future__ import annotations

import json
from collections.abc import Iterable

from flask import Response, request

PROBLEM_TYPE = "about:blank"
MEDIA_TYPE = "application/problem+json"


class Problem(Exception):
    """An error of the REST API: answered as problem+json with ``status``."""

    def __init__(self, status: int, title: str, detail: str, *,
                 invalid: Iterable[tuple[str, str]] = ()) -> None:
        super().__init__(detail)
        self.status = status
        self.title = title
        self.detail = detail
        self.invalid = list(invalid)


def invalid_parameter(name: str, reason: str) -> Problem:
    return Problem(400, "Invalid request", f"{name}: {reason}", invalid=[(name, reason)])


def problem_response(status: int, title: str, detail: str,
                     invalid: Iterable[tuple[str, str]] = (),
                     headers: dict[str, str] | None = None) -> Response:
    body = {"type": PROBLEM_TYPE, "title": title, "status": status, "detail": detail,
            "instance": request.path, "invalid_params": [
                {"name": name, "reason": reason} for name, reason in invalid]}
    response = Response(json.dumps(body, ensure_ascii=False), status=status,
                        content_type=MEDIA_TYPE)
    response.headers["Cache-Control"] = "no-store"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def from_problem(problem: Problem) -> Response:
    return problem_response(problem.status, problem.title, problem.detail, problem.invalid)
