"""Benchmark of the reuse (showcase) reads as the showcase grows: the dataset page (its reuse
section), the publisher page (its count of reuses) and the list filtered by the publisher, the
list page (first and a deep page), the Atom feed, REST ``/api/v1/reuses`` (first
page and a page reached by cursor) and ``ckanext_showcase_list``, in-process (Flask test
client, SQLite), on the demo catalog. The baseline in the same run is the same requests on the
demo's 5 reuses; then --reuses published reuses (each linked to 1-3 demo datasets) are added
and everything is measured again. Prints median and p95 milliseconds per request.

    .venv/bin/python benchmarks/reuses.py [--reuses 20000] [--requests 40]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlmodel import Session, select  # noqa: E402

from catalog.models import Dataset, RecordState  # noqa: E402
from catalog.reuses.models import Reuse, ReuseDataset, ReuseStatus, ReuseType  # noqa: E402
from portal import migrate  # noqa: E402
from portal.app import create_app  # noqa: E402
from portal.config import Settings  # noqa: E402
from portal.state import state  # noqa: E402

DATASET = "/datasets/zastavky-verejne-dopravy"
PUBLISHER = "korid-lk"  # the dataset's publisher
TYPES = list(ReuseType)


def endpoints(deep_cursor: str) -> list[tuple[str, str]]:
    return [
        ("dataset page (reuse section)", DATASET),
        ("publisher page (reuse count)", f"/publishers/{PUBLISHER}"),
        ("/reuses/?publisher=", f"/reuses/?publisher={PUBLISHER}"),
        ("/reuses/ first page", "/reuses/"),
        ("/reuses/?page=40", "/reuses/?page=40"),
        ("/reuses/?type=idea", "/reuses/?type=idea"),
        ("/reuses/feed.atom (50)", "/reuses/feed.atom"),
        ("/api/v1/reuses (20)", "/api/v1/reuses"),
        (
            "/api/v1/reuses by cursor",
            f"/api/v1/reuses?cursor={deep_cursor}" if deep_cursor else "/api/v1/reuses",
        ),
        ("ckanext_showcase_list (1000)", "/api/3/action/ckanext_showcase_list"),
        (
            "ckanext_package_showcase_list",
            "/api/3/action/ckanext_package_showcase_list?package_id=zastavky-verejne-dopravy",
        ),
    ]


def measure(client, url: str, requests: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    timings = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1]


def deep_cursor(client, pages: int) -> str:  # type: ignore[no-untyped-def]
    """The cursor of page ``pages`` of /api/v1/reuses (followed through next links)."""
    url, cursor = "/api/v1/reuses", ""
    for _ in range(pages):
        body = client.get(url).get_json()
        if not body["next"]:
            break
        url = body["next"].split("example-kraj.test", 1)[1]
        cursor = url.split("cursor=", 1)[1]
    return cursor


def add_reuses(engine, count: int) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(7)
    start = datetime(2020, 1, 1)
    with Session(engine) as session:
        ids = list(session.exec(select(Dataset.id).where(Dataset.state == RecordState.PUBLISHED)))
        for n in range(count):
            when = start + timedelta(minutes=n * 7)
            reuse = Reuse(
                type=rng.choice(TYPES),
                title=f"Aplikace {n}",
                description="Ukázkové využití dat. " * 10,
                url=f"https://app{n}.example/",
                status=ReuseStatus.PUBLISHED,
                published_at=when,
                created_at=when,
                updated_at=when,
            )
            session.add(reuse)
            session.flush()
            for dataset_id in rng.sample(ids, rng.randint(1, 3)):
                session.add(ReuseDataset(reuse_id=reuse.id or 0, dataset_id=dataset_id or 0))
        session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reuses", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()
    instance = Path(tempfile.mkdtemp(prefix="reuses-bench-"))
    migrate.upgrade(f"sqlite:///{instance / 'portal.sqlite3'}")
    app = create_app(
        Settings.from_env(
            {
                "PORTAL_INSTANCE_PATH": str(instance),
                "PORTAL_BASE_URL": "https://data.example-kraj.test",
                "PORTAL_SECRET_KEY": "benchmark-secret-key-that-is-long-enough",
                "PORTAL_API_RATE_LIMIT": "100000000/minute",
                "PORTAL_LOG_LEVEL": "WARNING",
            }
        )
    )
    from portal.cli import demo_load

    result = app.test_cli_runner().invoke(demo_load)
    assert result.exit_code == 0, result.output
    client = app.test_client()
    client.get(DATASET)  # warm the caches (templates, the OpenAPI document)
    before = {
        label: measure(client, url, args.requests)
        for label, url in endpoints(deep_cursor(client, 1))
    }
    started = time.perf_counter()
    add_reuses(state(app).engine, args.reuses)
    print(f"added {args.reuses} published reuses in {time.perf_counter() - started:.1f} s")
    after = {
        label: measure(client, url, args.requests)
        for label, url in endpoints(deep_cursor(client, 50))
    }
    print(
        f"{'request':34} {'5 reuses: median / p95 ms':>28} "
        f"{f'{args.reuses + 5} reuses: median / p95 ms':>34}"
    )
    for label, (median, p95) in before.items():
        median2, p952 = after[label]
        print(f"{label:34} {median:13.1f} / {p95:6.1f} {median2:19.1f} / {p952:6.1f}")


if __name__ == "__main__":
    main()
