"""Server time and page weight of the public pages, at demo scale or with a large synthetic
catalog, in one run.

    .venv/bin/python benchmarks/pages.py [--requests 200] [--profile [PAGE]]
    .venv/bin/python benchmarks/pages.py --datasets 100000 [--objects 0]

Loads the bundled demo catalog into an instance (SQLite, embedded index); with ``--datasets``
(and ``--objects``) adds that many synthetic records drawn by the search benchmark's generator
(``benchmarks/search.py``: Czech words with a Zipf-like weight, 150 publishers, themes, formats,
keywords) and indexes everything with the portal's own reindex. A large instance is built once
and cached in ``benchmarks/.cache/`` (gitignored), keyed by its size, and migrated on each use;
delete the folder to rebuild. Then times the home page, the search page (without a query, with
one, with one and facet filters), the dataset listing with a facet and a dataset page through
the WSGI app (the server's own time, no network), against the same run's baseline of
``/healthz``: wall-clock and CPU time (on a machine shared with other jobs wall-clock time also
measures the neighbours).
Prints p50/p95 per page, each page's HTML bytes, and the bytes a first visit to the home page
transfers: the HTML and every asset it loads, raw and gzip-compressed, map tiles excluded.
Goals: p95 <= 50 ms, home page <= 100 KB without tiles.
"""

from __future__ import annotations

import argparse
import cProfile
import gzip
import pstats
import re
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import Engine, func, insert  # noqa: E402
from sqlmodel import Session, select  # noqa: E402

from benchmarks.search import FORMATS, THEMES, Corpus, query_mix  # noqa: E402
from catalog import vocabularies as voc  # noqa: E402
from catalog.models import (  # noqa: E402
    Agent,
    AgentKind,
    Catalog,
    CollectionObject,
    Dataset,
    Distribution,
    RecordState,
)
from catalog.search.base import SearchQuery, SearchUnavailable  # noqa: E402
from catalog.search.indexer import reindex  # noqa: E402
from portal import migrate  # noqa: E402
from portal.app import create_app  # noqa: E402
from portal.cli import demo_load  # noqa: E402
from portal.config import Settings  # noqa: E402
from portal.state import state  # noqa: E402

GOAL_P95_MS = 50.0
GOAL_HOME_BYTES = 100 * 1024
CACHE = Path(__file__).with_name(".cache")
BATCH = 5000
# Bump when the synthetic records change shape: the cache key then changes too.
GENERATOR_VERSION = "1"


def make_app(instance: Path):  # type: ignore[no-untyped-def]
    return create_app(Settings.from_env({
        "PORTAL_INSTANCE_PATH": str(instance), "PORTAL_BASE_URL": "http://127.0.0.1:8000",
        "PORTAL_SECRET_KEY": "benchmark-secret-key-benchmark-secret", "PORTAL_LOG_LEVEL":
        "WARNING"}))


def build_app(instance: Path, datasets: int = 0, objects: int = 0):  # type: ignore[no-untyped-def]
    instance.mkdir(parents=True)
    migrate.upgrade(f"sqlite:///{instance / 'portal.sqlite3'}")
    app = make_app(instance)
    result = app.test_cli_runner().invoke(demo_load)
    assert result.exit_code == 0, result.output
    if datasets or objects:
        portal = state(app)
        start = time.perf_counter()
        add_synthetic(portal.engine, Corpus(datasets, objects))
        print(f"synthetic records written in {time.perf_counter() - start:.0f} s", flush=True)
        start = time.perf_counter()
        written = reindex(portal.engine, portal.search, progress=_progress)
        print(f"\nindexed {written:,} documents in {time.perf_counter() - start:.0f} s",
              flush=True)
    return app


def _progress(kind: str, written: int) -> None:
    if written % 10_000 < 500:
        print(f"\r  indexing: {written:,} documents ({kind})", end="", flush=True)


def cached_app(datasets: int, objects: int):  # type: ignore[no-untyped-def]
    """The instance of this size from the cache, built on first use (and migrated to the
    current schema on every use)."""
    instance = CACHE / f"pages-{datasets}d-{objects}o-v{GENERATOR_VERSION}"
    if (instance / "complete").exists():
        print(f"using the cached instance {instance.relative_to(ROOT)}", flush=True)
        migrate.upgrade(f"sqlite:///{instance / 'portal.sqlite3'}")
        app = make_app(instance)
        portal = state(app)
        try:
            portal.search.search(SearchQuery(limit=0))
        except SearchUnavailable as exc:  # an index of an older schema version: rebuild it
            print(f"reindexing the cached instance ({exc})", flush=True)
            reindex(portal.engine, portal.search, progress=_progress)
            print(flush=True)
        return app
    shutil.rmtree(instance, ignore_errors=True)
    print(f"building {instance.relative_to(ROOT)} (once; a few minutes)", flush=True)
    app = build_app(instance, datasets, objects)
    (instance / "complete").touch()
    return app


def add_synthetic(engine: Engine, corpus: Corpus) -> None:
    """The corpus's documents as published catalog records (datasets with a distribution per
    format, collection objects), written in bulk beside the demo catalog."""
    with Session(engine, expire_on_commit=False) as session:
        catalog_id = session.exec(select(Catalog.id).where(Catalog.is_local)).first()
        template = session.exec(select(Distribution)).first()
        assert template is not None, "the demo catalog has distributions"
        agents = _synthetic_agents(session, corpus)
        next_dataset = (session.exec(select(func.max(Dataset.id))).one() or 0) + 1
        next_dist = (session.exec(select(func.max(Distribution.id))).one() or 0) + 1
        session.commit()
    terms = {k: getattr(template, k) for k in (
        "terms_author_work", "terms_author", "terms_database_work", "terms_database_author",
        "terms_special_db_rights", "terms_personal_data")}
    licences = [term.iri for term in voc.LICENCES.values()]
    datasets: list[dict[str, Any]] = []
    dists: list[dict[str, Any]] = []
    objects: list[dict[str, Any]] = []

    def flush(force: bool = False) -> None:
        if not force and len(datasets) + len(objects) < BATCH:
            return
        with engine.begin() as connection:
            for model, rows in ((Dataset, datasets), (Distribution, dists),
                                (CollectionObject, objects)):
                if rows:
                    connection.execute(insert(model), rows)
                    rows.clear()

    for doc in corpus.documents():
        facets = doc.facets
        modified = date.fromisoformat(doc.modified)
        if doc.kind == "dataset":
            dataset_id, slug = next_dataset, f"syn-{doc.id}"
            next_dataset += 1
            datasets.append({
                "id": dataset_id, "slug": slug, "iri": f"https://data.example/syn/{doc.id}",
                "state": RecordState.PUBLISHED, "catalog_id": catalog_id,
                "title": doc.title, "description": doc.description,
                "keywords": {"cs": facets["keyword"]},
                "themes": [voc.THEMES[code].iri for code in facets["theme"]],
                "concepts": [], "identifiers": [], "applicable_legislation": [],
                "hvd_categories": [], "spatial": [voc.LIBEREC_REGION_IRI],
                "publisher_id": agents[facets["publisher"][0]], "modified": modified,
                "issued": modified, "created_at": modified, "updated_at": modified})
            for position, code in enumerate(facets["format"]):
                url = f"https://data.example/syn/{doc.id}/data.{code.lower()}"
                dists.append({
                    "id": next_dist, "iri": f"{url}#dist", "dataset_id": dataset_id,
                    "position": position, "title": {"cs": f"{doc.title['cs']} ({code})"},
                    "description": {}, "access_url": url, "download_url": url,
                    "format": voc.FILE_TYPES[code].iri,
                    "license": licences[doc.id % len(licences)], **terms})
                next_dist += 1
        else:
            objects.append({
                "iri": f"https://data.example/syn-object/{doc.id}", "state":
                RecordState.PUBLISHED, "institution_id": agents[facets["institution"][0]],
                "inventory_number": f"SYN-{doc.id}", "title": doc.title,
                "object_type": facets["object_type"][0], "classification": [],
                "description": doc.description, "materials": facets["material"],
                "techniques": [], "measurements": [], "subjects": [], "images": [],
                "earliest_year": 1800 + doc.id % 200, "latest_year": 1850 + doc.id % 200,
                "created_at": modified, "updated_at": modified})
        flush()
    flush(force=True)


def _synthetic_agents(session: Session, corpus: Corpus) -> dict[str, int]:
    """The corpus's publishers and institutions as agents: slug -> id."""
    agents = {}
    for slugs, kind, name in ((corpus.publishers, AgentKind.PUBLISHER, "Vydavatel"),
                              (corpus.institutions, AgentKind.INSTITUTION, "Muzeum")):
        for slug in slugs:
            number = slug.rsplit("-", 1)[1]
            agent = Agent(slug=slug, iri=f"https://data.example/agent/{slug}", kind=kind,
                          name={"cs": f"{name} {number}", "en": f"{kind.value} {number}"})
            session.add(agent)
            session.flush()
            assert agent.id is not None
            agents[slug] = agent.id
    return agents


def timings(client, url: str | list[str], count: int  # type: ignore[no-untyped-def]
            ) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds of ``count`` requests (after a warm-up): of one URL,
    or of each of a list of URLs in turn (distinct queries: none answered from kept results
    while ``count`` is at most their number)."""
    urls = [url] if isinstance(url, str) else url
    for warm in urls[-5:] if len(urls) > 1 else urls * 5:
        client.get(warm)
    wall, cpu = [], []
    for n in range(count):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(urls[n % len(urls)])
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        assert response.status_code == 200, (urls[n % len(urls)], response.status_code)
    return wall, cpu


def distinct_searches(count: int) -> list[str]:
    """``count`` different searches from the search benchmark's query mix (words, prefixes,
    typos, two words; theme and format filters), as /search URLs."""
    queries = [q for q in query_mix(Corpus(0, 0), count * 2) if "institution" not in q.filters]
    return ["/search?" + urlencode([("q", q.text), *((name, value) for name, values in
                                                      sorted(q.filters.items())
                                                      for value in values)])
            for q in queries[:count]]


def distinct_filters(count: int) -> list[str]:
    """``count`` different theme and format filter pairs of the dataset listing."""
    pairs = [(theme, fmt) for fmt in FORMATS for theme in THEMES]
    return [f"/datasets?theme={theme}&format={fmt}" for theme, fmt in pairs[:count]]


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


def print_weights(client) -> None:  # type: ignore[no-untyped-def]
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


def profile(client, name: str, url: str | list[str], sort: str) -> None:  # type: ignore[no-untyped-def]
    profiler = cProfile.Profile()
    profiler.enable()
    timings(client, url, 50)
    profiler.disable()
    shown = url if isinstance(url, str) else f"{url[0]} and {len(url) - 1} more"
    print(f"\nprofile of {name} ({shown}), 50 requests, by {sort} time:")
    pstats.Stats(profiler).sort_stats(sort).print_stats(30)


def run(client, pages: dict[str, str | list[str]], requests: int  # type: ignore[no-untyped-def]
        ) -> dict[str, float]:  # type: ignore[no-untyped-def]
    print(f"{'page':<26}{'wall p50':>9}{'p95':>7}{'cpu p50':>9}{'p95':>7}{'goal':>8}"
          f"{'HTML B':>9}{'gzip B':>8}   (ms)")
    results = {}
    for name, url in pages.items():
        wall, cpu = timings(client, url, requests)
        results[name] = p95(wall)
        goal = "" if name.startswith("baseline") else (
            "ok" if results[name] <= GOAL_P95_MS else "MISSED")
        body = client.get(url if isinstance(url, str) else url[0]).data
        print(f"{name:<26}{statistics.median(wall):>9.1f}{results[name]:>7.1f}"
              f"{statistics.median(cpu):>9.1f}{p95(cpu):>7.1f}{goal:>8}{len(body):>9}"
              f"{len(gzip.compress(body)):>8}", flush=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--datasets", type=int, default=0,
                        help="synthetic datasets added to the demo catalog (e.g. 100000)")
    parser.add_argument("--objects", type=int, default=0,
                        help="synthetic collection objects added to the demo catalog")
    parser.add_argument("--profile", nargs="?", const="", metavar="PAGE",
                        help="profile PAGE (a name from the table; default: the slowest)")
    parser.add_argument("--sort", default="cumulative", choices=("cumulative", "tottime"),
                        help="order of the profile")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.datasets or args.objects:
            app = cached_app(args.datasets, args.objects)
        else:
            app = build_app(Path(tmp) / "instance")
        client = app.test_client()
        listing = client.get("/datasets?q=nadrazi").get_data(as_text=True)
        dataset = re.search(r'href="(/datasets/[a-z0-9-]+)"', listing)[1]
        pages: dict[str, str | list[str]] = {
            "baseline /healthz": "/healthz", "home": "/", "search": "/search",
            "search (query)": "/search?q=liberec",
            "search (query, facets)": "/search?q=liberec&theme=TRAN&format=CSV",
            "datasets (facet)": "/datasets?theme=TRAN", "dataset": dataset,
            # every request a different query: nothing answered from the index's kept results
            "search (distinct queries)": distinct_searches(args.requests),
            "datasets (distinct facets)": distinct_filters(args.requests)}
        print(f"catalog: demo + {args.datasets:,} synthetic datasets + {args.objects:,} "
              f"synthetic objects; {args.requests} requests per page")
        results = run(client, pages, args.requests)
        print_weights(client)
        if args.profile is not None:
            slowest = args.profile or max(
                (n for n in results if not n.startswith("baseline")), key=results.__getitem__)
            profile(client, slowest, pages[slowest], args.sort)


if __name__ == "__main__":
    main()
