"""Keeping the search index current after web writes: a request whose transaction committed
search-outbox rows drains the outbox once its response has been sent (without waiting for the
writer role: whoever holds it drains, and ``portal search drain`` on a timer is the safety net).
CLI jobs drain explicitly after their transactions."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, g, has_request_context
from sqlalchemy import event
from sqlmodel import Session

from catalog.models import SearchOutbox
from catalog.search.base import SearchUnavailable
from portal.state import state

log = logging.getLogger(__name__)
_FLAG = "portal_search_outbox"


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    if any(isinstance(obj, SearchOutbox) for obj in session.new):
        session.info[_FLAG] = True


def _after_commit(session: Session) -> None:
    if session.info.pop(_FLAG, False) and has_request_context():
        g.search_outbox_committed = True


def _after_rollback(session: Session, _previous: Any) -> None:
    session.info.pop(_FLAG, None)


def _drain_after_response(response: Response) -> Response:
    if g.pop("search_outbox_committed", False):
        portal = state()

        def drain() -> None:
            try:
                portal.drain(wait=False)
            except SearchUnavailable as exc:  # the rows stay queued for the next drain
                log.warning("search index not updated after the request: %s", exc)

        response.call_on_close(drain)
    return response


def init_search_sync(app: Flask) -> None:
    """Watch every session for committed outbox rows; drain after such requests."""
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_soft_rollback", _after_rollback)
    app.after_request(_drain_after_response)
