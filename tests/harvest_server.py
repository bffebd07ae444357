"""A local HTTP server for the harvester tests: each path serves a document we wrote (or a
failure mode: an error status, a slow or endless body, a redirect), and every request is logged."""

from __future__ import annotations

import email.utils
import hashlib
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes


@dataclass
class Reply:
    """What a route answers: a status, headers and a body (bytes, or chunks sent one by one with
    an optional pause, without a Content-Length)."""

    body: bytes | Iterable[bytes] = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    pause: float = 0.0  # before each chunk (or before the body)


Handler = Callable[[Request], Reply]


class LocalServer:
    """Routes by path (query string ignored unless the handler reads it)."""

    def __init__(self) -> None:
        self.routes: dict[str, Handler] = {}
        self.requests: list[Request] = []
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def _handle(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                query = parse_qs(parts.query)
                if self.command == "POST" and body:
                    query.update(parse_qs(body.decode()))
                request = Request(self.command, parts.path, query, dict(self.headers), body)
                server.requests.append(request)
                handler = server.routes.get(parts.path)
                reply = handler(request) if handler else Reply(b"not found", 404)
                try:
                    self._send(reply)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def _send(self, reply: Reply) -> None:
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                if isinstance(reply.body, bytes):
                    if reply.pause:
                        time.sleep(reply.pause)
                    self.send_header("Content-Length", str(len(reply.body)))
                    self.end_headers()
                    self.wfile.write(reply.body)
                    return
                self.send_header("Connection", "close")
                self.end_headers()
                for chunk in reply.body:
                    if reply.pause:
                        time.sleep(reply.pause)
                    self.wfile.write(chunk)
                    self.wfile.flush()
                self.close_connection = True

            do_GET = _handle
            do_POST = _handle

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,),
                                       daemon=True)

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def route(self, path: str, reply: Reply | Handler) -> None:
        self.routes[path] = reply if callable(reply) else (lambda _request, r=reply: r)

    def hits(self, path: str) -> int:
        return sum(1 for r in self.requests if r.path == path)

    def __enter__(self) -> LocalServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def serve() -> Iterator[LocalServer]:
    with LocalServer() as server:
        yield server


@dataclass
class Versioned:
    """Documents served as an HTTP/1.1 origin serves files: each with an ``ETag`` (a hash of
    its body) and a ``Last-Modified`` (moved an hour on every change), answering 304 to a
    matching ``If-None-Match`` or, without one, to an ``If-Modified-Since`` not older than the
    document (RFC 9110 13.1). Counts what it answered, per path and query."""

    documents: dict[str, bytes] = field(default_factory=dict)
    content_type: str = "text/turtle; charset=utf-8"
    etags: bool = True  # False: Last-Modified only
    modified: dict[str, int] = field(default_factory=dict)
    conditional: int = 0  # requests that carried a validator
    not_modified: int = 0  # answered 304
    served: int = 0  # answered 200 with a body

    def put(self, key: str, body: bytes) -> None:
        if self.documents.get(key) != body:
            self.documents[key] = body
            self.modified[key] = self.modified.get(key, 0) + 1

    def __call__(self, request: Request) -> Reply:
        page = request.query.get("page", [""])[0]
        key = request.path + (f"?page={page}" if page else "")
        if key not in self.documents:
            return Reply(b"not found", 404)
        body = self.documents[key]
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        stamp = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(hours=self.modified[key])
        headers = {"Content-Type": self.content_type,
                   "Last-Modified": email.utils.format_datetime(stamp, usegmt=True)}
        if self.etags:
            headers["ETag"] = etag
        match, since = request.headers.get("If-None-Match"), request.headers.get(
            "If-Modified-Since")
        if match or since:
            self.conditional += 1
        if match is not None:
            fresh = self.etags and etag in (m.strip() for m in match.split(","))
        else:
            fresh = since is not None and email.utils.parsedate_to_datetime(since) >= stamp
        if fresh:
            self.not_modified += 1
            return Reply(b"", 304, {k: v for k, v in headers.items() if k != "Content-Type"})
        self.served += 1
        return Reply(body, headers=headers)
