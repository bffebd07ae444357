"""Benchmark of the bulk RDF export: 10,000 generated datasets (two distributions each, one
with a data service) exported from an SQLite catalog to Turtle and N-Triples by the streaming
exporter (`portal catalog export`), against a naive baseline that builds one rdflib Graph for
the whole catalog and serializes it. Prints datasets/s and peak RSS; each run is a fresh
process so its peak RSS is its own.

    .venv/bin/python benchmarks/rdf_export.py [--datasets 10000] [--profile]

Goal (issue 4): >= 2,000 datasets/s streamed, with memory that stays flat.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BASE_URL = "https://data.example-kraj.test"
GOAL = 2000.0


def generate(database: Path, count: int) -> None:
    """A migrated SQLite catalog with ``count`` published datasets."""
    from catalog.db import make_engine, transaction
    from catalog.models import AgentKind
    from catalog.services import create_dataset, ensure_local_catalog, upsert_agent
    from portal import migrate

    migrate.upgrade(f"sqlite:///{database}")
    engine = make_engine(f"sqlite:///{database}")
    publishers = [f"publisher-{n}" for n in range(20)]
    with transaction(engine) as session:
        ensure_local_catalog(session, BASE_URL, {"cs": "Katalog", "en": "Catalog"})
        for n, slug in enumerate(publishers):
            upsert_agent(session, {"slug": slug, "name": {"cs": f"Obec {n}", "en": f"Town {n}"},
                                   "ico": f"{70000000 + n}", "email": f"data@obec{n}.cz"},
                         kind=AgentKind.PUBLISHER, base_url=BASE_URL)
    done = 0
    while done < count:
        with transaction(engine) as session:
            for n in range(done, min(count, done + 500)):
                create_dataset(session, _dataset(n, publishers[n % len(publishers)]),
                               base_url=BASE_URL)
        done = min(count, done + 500)
    engine.dispose()


def _dataset(n: int, publisher: str) -> dict[str, object]:
    return {
        "slug": f"dataset-{n}",
        "title": {"cs": f"Datová sada číslo {n}", "en": f"Dataset number {n}"},
        "description": {"cs": f"Popis datové sady {n}: měření, záznamy a \"citace\".",
                        "en": f"Description of dataset {n}."},
        "keywords": {"cs": ["doprava", f"klíč {n % 50}"], "en": ["transport"]},
        "publisher": publisher,
        "themes": ["TRAN", "REGI"],
        "spatial": ["https://linked.cuzk.cz/resource/ruian/vusc/78"],
        "bbox": [14.4, 50.5, 15.5, 51.0],
        "temporal": {"start": "2020-01-01", "end": "2025-12-31"},
        "frequency": "MONTHLY",
        "landing_page": f"https://data.example.cz/{n}",
        "contact": {"name": "Odbor dat", "email": "data@example.cz"},
        "identifiers": [f"https://old.example.cz/ds/{n}"],
        "issued": "2021-03-01",
        "modified": "2026-10-01",
        "distributions": [
            {"title": {"cs": "CSV"}, "access_url": f"https://data.example.cz/{n}.csv",
             "download_url": f"https://data.example.cz/{n}.csv", "format": "CSV",
             "media_type": "text/csv", "license": "CC-BY-4.0", "byte_size": 1000 + n},
            {"title": {"cs": "API"}, "access_url": f"https://api.example.cz/{n}",
             "format": "JSON", "media_type": "application/json",
             "access_service": {"title": {"cs": f"API {n}"},
                                "endpoint_url": f"https://api.example.cz/{n}"}},
        ],
    }


def run(mode: str, fmt: str, database: Path, profile: bool) -> dict[str, float]:
    """One measured export in this process."""
    from catalog.db import make_engine
    from catalog.rdf.export import export_catalog

    engine = make_engine(f"sqlite:///{database}")
    out_path = Path(tempfile.mkdtemp()) / f"out.{fmt}"
    profiler = cProfile.Profile() if profile else None
    started = time.perf_counter()
    cpu_started = time.process_time()
    if profiler:
        profiler.enable()
    if mode == "streamed":
        with out_path.open("w", encoding="utf-8") as out:
            count = export_catalog(engine, out, fmt, base_url=BASE_URL)
    else:
        count = _naive(engine, out_path, fmt)
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    if profiler:
        profiler.disable()
        stream = io.StringIO()
        pstats.Stats(profiler, stream=stream).sort_stats("cumulative").print_stats(18)
        print(stream.getvalue(), file=sys.stderr)
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"datasets": count, "seconds": elapsed, "per_second": count / elapsed,
            "cpu_seconds": cpu, "per_cpu_second": count / cpu,
            "peak_rss_mib": peak_kib / 1024, "bytes": out_path.stat().st_size}


def _naive(engine: object, out_path: Path, fmt: str) -> int:
    """Baseline: every dataset's triples in one rdflib Graph, then rdflib's serializer."""
    from sqlmodel import Session

    from catalog.rdf import dcat_ap_3, dcat_ap_cz
    from catalog.rdf.namespaces import new_graph
    from catalog.rdf.queries import catalog_record, iter_dataset_records

    graph = new_graph()
    count = 0
    with Session(engine) as session:  # type: ignore[arg-type]
        catalog = catalog_record(session, BASE_URL)
        for record in iter_dataset_records(session):
            for triple in dcat_ap_cz.dataset_triples(record):
                graph.add(triple)
            graph.add((dcat_ap_3.URIRef(catalog.iri), dcat_ap_3.DCAT.dataset,
                       dcat_ap_3.URIRef(record.iri)))
            count += 1
    for triple in dcat_ap_3.catalog_triples(catalog):
        graph.add(triple)
    graph.serialize(destination=str(out_path), format={"ttl": "turtle", "nt": "nt"}[fmt],
                    encoding="utf-8")
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=int, default=10_000)
    parser.add_argument("--profile", action="store_true", help="cProfile the streamed runs")
    parser.add_argument("--db", type=Path, help="reuse (or keep) the generated catalog here")
    parser.add_argument("--run", nargs=3, metavar=("MODE", "FORMAT", "DB"),
                        help=argparse.SUPPRESS)  # the child process of one measurement
    args = parser.parse_args()
    if args.run:
        mode, fmt, database = args.run
        print(json.dumps(run(mode, fmt, Path(database), args.profile)))
        return
    database = args.db or Path(tempfile.mkdtemp(prefix="rdf-export-bench-")) / "cat.sqlite3"
    if not database.exists():
        started = time.perf_counter()
        generate(database, args.datasets)
        print(f"generated {args.datasets} datasets in {time.perf_counter() - started:.1f} s")
    # Wall-clock rates depend on what else the machine runs; CPU-time rates much less.
    print(f"{'run':<16}{'datasets/s':>12}{'per CPU-s':>11}{'seconds':>9}{'peak RSS MiB':>14}"
          f"{'output MiB':>12}")
    results = {}
    for mode in ("streamed", "naive"):
        for fmt in ("ttl", "nt"):
            command = [sys.executable, __file__, "--run", mode, fmt, str(database)]
            if args.profile and mode == "streamed":
                command.insert(2, "--profile")
            child = subprocess.run(command, capture_output=True, text=True, check=True)
            if child.stderr.strip():
                print(child.stderr, file=sys.stderr)
            result = json.loads(child.stdout)
            results[(mode, fmt)] = result
            print(f"{mode + ' ' + fmt:<16}{result['per_second']:>12.0f}"
                  f"{result['per_cpu_second']:>11.0f}"
                  f"{result['seconds']:>9.2f}{result['peak_rss_mib']:>14.0f}"
                  f"{result['bytes'] / 2**20:>12.1f}")
    for fmt in ("ttl", "nt"):
        streamed, naive = results[("streamed", fmt)], results[("naive", fmt)]
        verdict = "meets" if streamed["per_second"] >= GOAL else "MISSES"
        print(f"{fmt}: streamed {streamed['per_second']:.0f}/s wall, "
              f"{streamed['per_cpu_second']:.0f}/CPU-s ({verdict} the goal of "
              f"{GOAL:.0f}/s by wall clock), "
              f"{streamed['per_cpu_second'] / naive['per_cpu_second']:.1f}x the "
              f"baseline; peak RSS {streamed['peak_rss_mib']:.0f} MiB vs "
              f"{naive['peak_rss_mib']:.0f} MiB")


if __name__ == "__main__":
    main()
