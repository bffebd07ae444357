"""The link checker: probes the published distributions' URLs and reports broken ones as
incidents (one mail per incident, see ``catalog.notifications.services``)."""

from __future__ import annotations

import logging
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from catalog.db import transaction
from catalog.mail import Mail, Mailer
from catalog.models import Dataset, Distribution, RecordState
from catalog.notifications.services import Failure, report_failure, report_success

log = logging.getLogger(__name__)


class LinkProbe(Protocol):
    def probe(self, url: str) -> str | None:
        """None when ``url`` answers, else what is wrong."""


@dataclass(frozen=True)
class UrllibProbe:
    """HEAD (GET when HEAD is refused) with a timeout, through the standard library."""

    timeout: float = 10.0
    user_agent: str = "liberec-portal-linkcheck/1"

    def probe(self, url: str) -> str | None:
        for method in ("HEAD", "GET"):
            request = urllib.request.Request(url, method=method,
                                             headers={"User-Agent": self.user_agent})
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    response.read(0)
                    return None
            except urllib.error.HTTPError as exc:
                if method == "HEAD" and exc.code in (403, 405, 501):
                    continue
                return f"HTTP {exc.code}"
            except (urllib.error.URLError, TimeoutError, OSError) as exc:
                return str(getattr(exc, "reason", exc))
        return "no answer"


@dataclass(frozen=True)
class LinkReport:
    checked: int
    broken: int


def check_links(engine: Engine, probe: LinkProbe, mailer: Mailer,
                compose: Callable[[Failure, str], Mail], *, skip_prefix: str | None = None,
                batch: int = 200) -> LinkReport:
    """Probe every published distribution's URL (keyset-paged, one transaction per link)."""
    checked = broken = 0
    last_id = 0
    while True:
        with Session(engine) as session:
            rows = session.exec(select(Distribution.id, Distribution.dataset_id,
                                       Distribution.access_url, Distribution.download_url)
                                .join(Dataset, col(Dataset.id) == Distribution.dataset_id)
                                .where(Dataset.state == RecordState.PUBLISHED,
                                       col(Distribution.id) > last_id)
                                .order_by(col(Distribution.id)).limit(batch)).all()
        if not rows:
            break
        for dist_id, dataset_id, access_url, download_url in rows:
            last_id = dist_id or last_id
            url = download_url or access_url
            if skip_prefix and url.startswith(skip_prefix):
                continue
            problem = probe.probe(url)
            checked += 1
            key = f"link:{dist_id}"
            with transaction(engine) as session:
                if problem is None:
                    report_success(session, key)
                else:
                    broken += 1
                    report_failure(session, mailer, Failure(key, f"{url}: {problem}",
                                                            dataset_id=dataset_id), compose)
    return LinkReport(checked, broken)
