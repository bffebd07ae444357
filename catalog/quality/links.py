"""The link checker: every access and download URL of the published catalog requested politely
(per-host concurrency and spacing, recent results reused), results stored in ``link_check``.
The HTTP side is a ``LinkProber`` given by the caller (the harvesters' safe client)."""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol
from urllib.parse import urlsplit

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from catalog.models import Dataset, Distribution, RecordState
from catalog.quality.models import LinkCheck


@dataclass(frozen=True)
class ProbeResult:
    ok: bool
    status: int | None = None
    content_type: str | None = None
    byte_size: int | None = None
    error: str | None = None


class LinkProber(Protocol):
    def probe(self, url: str) -> ProbeResult:
        """HEAD, then a ranged GET where HEAD is refused; never raises."""
        ...


@dataclass
class LinkReport:
    checked: int = 0
    reused: int = 0
    broken: int = 0


class HostPacer:
    """At most ``per_host`` requests at once to one host, started ``delay`` seconds apart."""

    def __init__(self, per_host: int, delay: float) -> None:
        self.per_host = per_host
        self.delay = delay
        self._lock = threading.Lock()
        self._slots: dict[str, threading.Semaphore] = defaultdict(
            lambda: threading.BoundedSemaphore(per_host))
        self._next: dict[str, float] = defaultdict(float)

    def run(self, url: str, prober: LinkProber) -> ProbeResult:
        host = urlsplit(url).netloc.lower()
        with self._lock:
            slot = self._slots[host]
        with slot:
            with self._lock:
                now = time.monotonic()
                start = max(now, self._next[host])
                self._next[host] = start + self.delay
            if start > now:
                time.sleep(start - now)
            return prober.probe(url)


def catalog_urls(session: Session) -> list[str]:
    """Every distinct access and download URL of the published datasets."""
    rows = session.exec(select(Distribution.access_url, Distribution.download_url).join(
        Dataset, Dataset.id == Distribution.dataset_id).where(  # type: ignore[arg-type]
        col(Dataset.state) == RecordState.PUBLISHED))
    return sorted({url for row in rows for url in row if url})


def check_links(engine: Engine, prober: LinkProber, *, now: datetime,
                max_age: timedelta = timedelta(hours=24), per_host: int = 2,
                delay: float = 0.5, workers: int = 8, force: bool = False,
                progress: Callable[[int], None] | None = None) -> LinkReport:
    """Check every catalog URL not checked within ``max_age`` (all with ``force``)."""
    report = LinkReport()
    with Session(engine) as session:
        urls = catalog_urls(session)
        fresh = set() if force else set(session.exec(select(LinkCheck.url).where(
            col(LinkCheck.checked_at) >= now - max_age)))
    todo = [u for u in urls if u not in fresh]
    report.reused = len(urls) - len(todo)
    pacer = HostPacer(per_host, delay)
    results: list[tuple[str, ProbeResult]] = []
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(pacer.run, url, prober): url for url in todo}
        for future in as_completed(futures):
            url = futures[future]
            try:
                result = future.result()
            except Exception as exc:  # a prober must not raise; if it does, record it
                result = ProbeResult(False, error=f"checker error: {exc}"[:500])
            results.append((url, result))
            if len(results) >= 200:
                _store(engine, results, now, report)
                results = []
                if progress:
                    progress(report.checked)
    _store(engine, results, now, report)
    return report


def _store(engine: Engine, results: list[tuple[str, ProbeResult]], now: datetime,
           report: LinkReport) -> None:
    if not results:
        return
    with Session(engine) as session:
        existing = {c.url: c for c in session.exec(select(LinkCheck).where(
            col(LinkCheck.url).in_([u for u, _ in results])))}
        for url, result in results:
            row = existing.get(url) or LinkCheck(url=url, checked_at=now)
            row.ok, row.status = result.ok, result.status
            row.content_type = (result.content_type or None) and result.content_type[:200]
            row.byte_size, row.error = result.byte_size, (result.error or None) and \
                result.error[:500]
            row.checked_at = now
            session.add(row)
            report.checked += 1
            report.broken += not result.ok
        session.commit()
