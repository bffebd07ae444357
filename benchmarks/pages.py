"""Server time and page weight of the public pages at demo scale, in one run.

    .venv/bin/python benchmarks/pages.py [--requests 200] [--profile]

Loads the bundled demo catalog into a temporary instance (SQLite, embedded index), then times
the home page, a search with facets, the dataset listing and a dataset page through the WSGI app
(the server's own time, no network), each against the same run's baseline of ``/healthz``.
Prints p50/p95 per page and the bytes a first visit to the home page transfers: the HTML and
every asset it loads (stylesheet, scripts, Leaflet, the map script), raw and gzip-compressed,
map tiles excluded. Goals: p95 <= 50 ms, home page <= 100 KB without tiles.
"""

from __future__ import annotations

import argparse
import cProfile
import gzip
import pstats
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from portal import migrate  # noqa: E402
from portal.app import create_app  # noqa: E402
from portal.cli import demo_load  # noqa: E402
from portal.config import Settings  # noqa: E402

GOAL_P95_MS = 50.0
GOAL_HOME_BYTES = 100 * 1024


def build_app(instance: Path):  # type: ignore[no-untyped-def]
    instance.mkdir()
    migrate.upgrade(f"sqlite:///{instance / 'portal.sqlite3'}")
    app = create_app(Settings.from_env({
        "PORTAL_INSTANCE_PATH": str(instance), "PORTAL_BASE_URL": "http://127.0.0.1:8000",
        "PORTAL_SECRET_KEY": "benchmark-secret-key-benchmark-secret", "PORTAL_LOG_LEVEL":
        "WARNING"}))
    result = app.test_cli_runner().invoke(demo_load)
    assert result.exit_code == 0, result.output
    return app


def timings(client, url: str, count: int) -> list[float]:  # type: ignore[no-untyped-def]
    for _ in range(5):
        client.get(url)
    times = []
    for _ in range(count):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return times


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[94]


def page_weight(client, lazy: bool) -> list[tuple[str, int, int]]:  # type: ignore[no-untyped-def]
    """What the home page loads (``lazy``: what its map adds once scrolled to)."""
    html = client.get("/").data
    pattern = rb'data-(?:map-script|leaflet|leaflet-css)="([^"]+)"' if lazy else \
        rb'<(?:script|link)[^>]*(?:src|href)="(/(?:static|maps)/[^"]+)"'
    rows = [] if lazy else [("/ (HTML)", len(html), len(gzip.compress(html)))]
    for url in dict.fromkeys(a.decode() for a in re.findall(pattern, html)):
        body = client.get(url).data
        rows.append((url, len(body), len(gzip.compress(body))))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--profile", action="store_true", help="profile the slowest page")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = build_app(Path(tmp) / "instance")
        client = app.test_client()
        listing = client.get("/datasets?q=nadrazi").get_data(as_text=True)
        dataset = re.search(r'href="(/datasets/[a-z0-9-]+)"', listing)[1]
        pages = {"baseline /healthz": "/healthz", "home": "/",
                 "search (facets)": "/search?q=liberec",
                 "datasets (facets)": "/datasets?theme=TRAN", "dataset": dataset}
        print(f"{'page':<22}{'p50 ms':>9}{'p95 ms':>9}{'goal':>8}")
        results = {}
        for name, url in pages.items():
            values = timings(client, url, args.requests)
            results[name] = p95(values)
            goal = "" if name.startswith("baseline") else (
                "ok" if results[name] <= GOAL_P95_MS else "MISSED")
            print(f"{name:<22}{statistics.median(values):>9.1f}{results[name]:>9.1f}{goal:>8}")
        for lazy in (False, True):
            rows = page_weight(client, lazy)
            total, total_gz = sum(r[1] for r in rows), sum(r[2] for r in rows)
            print("\nhome page, first visit, without map tiles" if not lazy else
                  "added when the visitor scrolls to the Wi-Fi map (loaded on demand)")
            for url, raw, gz in rows:
                print(f"  {url:<48}{raw:>9} B{gz:>9} B gzip")
            verdict = "" if lazy else "   goal {} B: {}".format(GOAL_HOME_BYTES, "ok" if (
                total <= GOAL_HOME_BYTES) else "MISSED")
            print(f"  {'total':<48}{total:>9} B{total_gz:>9} B gzip{verdict}")
        if args.profile:
            slowest = max((n for n in results if not n.startswith("baseline")),
                          key=results.__getitem__)
            profiler = cProfile.Profile()
            profiler.enable()
            timings(client, pages[slowest], 50)
            profiler.disable()
            print(f"\nprofile of {slowest}:")
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    main()
