"""Benchmark of the developer APIs under load: CKAN ``package_search`` and REST
``/api/v1/datasets`` on a synthetic catalog of 100,000 datasets, served by gunicorn (2 workers)
and driven over loopback by a load generator running in other processes (keep-alive HTTP
clients, a fixed number of concurrent connections, for a fixed time). The baseline in the same
run is the cheapest API answer (``GET /api/3``, no database and no index), the ceiling of this
server and machine. Prints requests/s, p50/p95/p99 latency and the workers' CPU time per request
(from /proc: unlike latency it does not depend on what else the machine runs) per endpoint;
with ``--profile``, a cProfile of the slowest endpoint in-process.

    .venv/bin/python benchmarks/api.py [--datasets 100000] [--seconds 10] [--connections 8]
                                       [--catalog /tmp/api-bench] [--profile]

The generated catalog is kept in --catalog and reused by later runs of the same size.
Goals (issue 10): p95 <= 30 ms and >= 300 requests/s.
"""

from __future__ import annotations

import argparse
import cProfile
import http.client
import io
import json
import multiprocessing
import os
import pstats
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BASE_URL = "https://data.example-kraj.test"
GOAL_P95_MS = 30.0
GOAL_RPS = 300.0
THEMES = ["TRAN", "ENVI", "ECON", "EDUC", "HEAL", "REGI", "GOVE", "SOCI"]
WORDS = ["doprava", "autobusy", "ovzduší", "rozpočet", "školy", "nemocnice", "parkování",
         "cyklostezky", "voda", "hluk", "kultura", "dotace", "energie", "odpady", "turistika"]
ENDPOINTS = [
    ("baseline GET /api/3", "/api/3"),
    ("package_search (rows=10)", "/api/3/action/package_search"),
    ("package_search q=doprava", "/api/3/action/package_search?q=doprava"),
    ("package_search fq=groups:tran", "/api/3/action/package_search?fq=groups:tran"),
    ("/api/v1/datasets (limit=20)", "/api/v1/datasets"),
    ("/api/v1/datasets?q=doprava", "/api/v1/datasets?q=doprava"),
]


def _env(catalog: Path) -> dict[str, str]:
    return {**os.environ, "PORTAL_INSTANCE_PATH": str(catalog), "PORTAL_BASE_URL": BASE_URL,
            "PORTAL_SECRET_KEY": "benchmark-secret-key-that-is-long-enough",
            "PORTAL_API_RATE_LIMIT": "100000000/minute", "PORTAL_LOG_LEVEL": "WARNING"}


def generate(catalog: Path, count: int) -> None:
    """A migrated SQLite catalog of ``count`` published datasets and its search index."""
    marker = catalog / f"generated-{count}"
    if marker.exists():
        print(f"reusing the catalog in {catalog}")
        return
    shutil.rmtree(catalog, ignore_errors=True)
    catalog.mkdir(parents=True)
    os.environ.update(_env(catalog))
    from catalog.db import transaction
    from catalog.models import AgentKind
    from catalog.search.indexer import reindex
    from catalog.services import ensure_local_catalog, upsert_agent
    from portal import migrate
    from portal.app import create_app
    from portal.state import state

    app = create_app()
    portal = state(app)
    migrate.upgrade(portal.settings.database_url)
    publishers = [f"obec-{n}" for n in range(150)]
    started = time.perf_counter()
    with transaction(portal.engine) as session:
        ensure_local_catalog(session, BASE_URL, {"cs": "Katalog", "en": "Catalog"})
        for n, slug in enumerate(publishers):
            upsert_agent(session, {"slug": slug, "name": {"cs": f"Obec {n}"}},
                         kind=AgentKind.PUBLISHER, base_url=BASE_URL)
    # Rows go in by bulk insert (the services' validation is measured elsewhere; here only
    # the read side matters), 5,000 at a time.
    from sqlalchemy import insert, select

    from catalog import vocabularies as voc
    from catalog.models import Agent, Dataset, Distribution, utcnow
    with transaction(portal.engine) as session:
        agent_ids = {slug: i for i, slug in session.execute(select(Agent.id, Agent.slug))}
    theme_base = "http://publications.europa.eu/resource/authority/"
    for start in range(0, count, 5000):
        now = utcnow()
        rows, dists = [], []
        for n in range(start, min(count, start + 5000)):
            words = [WORDS[(n * 7 + k) % len(WORDS)] for k in range(3)]
            rows.append({
                "id": n + 1, "slug": f"sada-{n}", "iri": f"{BASE_URL}/datasets/sada-{n}",
                "state": "published",
                "title": {"cs": f"{words[0].capitalize()} a {words[1]} {n}",
                          "en": f"Dataset {n}"},
                "description": {"cs": f"Data o tématu {' '.join(words)} v obci {n % 150}."},
                "keywords": {"cs": words[:2]}, "themes": [
                    theme_base + "data-theme/" + THEMES[n % len(THEMES)]],
                "concepts": [], "spatial": [], "identifiers": [], "applicable_legislation": [],
                "hvd_categories": [],
                "publisher_id": agent_ids[publishers[n % len(publishers)]],
                "created_at": now, "updated_at": now})
            dists.append({
                "iri": f"{BASE_URL}/distributions/{n + 1}", "dataset_id": n + 1,
                "position": 0, "title": {"cs": "CSV"}, "description": {},
                "access_url": f"https://data.example.cz/{n}.csv",
                "format": theme_base + "file-type/CSV",
                "license": theme_base + "licence/CC_BY_4_0",
                "terms_author": {}, "terms_database_author": {},
                "terms_author_work": voc.TERMS_AUTHOR_WORK["none"],
                "terms_database_work": voc.TERMS_DATABASE_WORK["none"],
                "terms_special_db_rights": voc.TERMS_SPECIAL_DB_RIGHTS["none"],
                "terms_personal_data": voc.TERMS_PERSONAL_DATA["no"]})
        with transaction(portal.engine) as session:
            session.execute(insert(Dataset), rows)
            session.execute(insert(Distribution), dists)
        print(f"  {min(count, start + 5000)} datasets "
              f"({time.perf_counter() - started:.0f} s)", flush=True)
    from sqlalchemy import delete

    from catalog.models import SearchOutbox
    with transaction(portal.engine) as session:
        session.execute(delete(SearchOutbox))
    written = reindex(portal.engine, portal.search)
    print(f"indexed {written} documents ({time.perf_counter() - started:.0f} s in all)")
    marker.touch()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start_server(catalog: Path, port: int) -> subprocess.Popen[bytes]:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [str(gunicorn), "--workers", "2", "--bind", f"127.0.0.1:{port}", "--log-level",
         "warning", "portal.app:create_app()"], cwd=ROOT, env=_env(catalog))
    for _ in range(300):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("gunicorn did not start")


def server_cpu_seconds(master_pid: int) -> float | None:
    """CPU seconds used so far by the gunicorn master's worker processes, all their threads
    included (Linux /proc; None elsewhere)."""
    try:
        children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
        ticks = 0
        for pid in children:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime and stime
        return ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def _client(url: str, seconds: float, queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    """One keep-alive connection sending requests one after another until time is up."""
    parts = urlsplit(url)
    path = parts.path + ("?" + parts.query if parts.query else "")
    latencies: list[float] = []
    errors = 0
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
    deadline = time.perf_counter() + seconds
    while (now := time.perf_counter()) < deadline:
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                errors += 1
        except (OSError, http.client.HTTPException):
            errors += 1
            connection.close()
            connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
            continue
        latencies.append(time.perf_counter() - now)
    queue.put((latencies, errors))


def load(url: str, seconds: float, connections: int) -> dict[str, float]:
    """Drive ``url`` from ``connections`` client processes for ``seconds``."""
    queue: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    workers = [multiprocessing.Process(target=_client, args=(url, seconds, queue))
               for _ in range(connections)]
    for worker in workers:
        worker.start()
    latencies: list[float] = []
    errors = 0
    for _ in workers:
        found, failed = queue.get()
        latencies.extend(found)
        errors += failed
    for worker in workers:
        worker.join()
    latencies.sort()

    def pick(q: float) -> float:
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000 \
            if latencies else float("nan")

    return {"requests": len(latencies), "rps": len(latencies) / seconds, "p50": pick(0.50),
            "p95": pick(0.95), "p99": pick(0.99), "errors": errors}


def profile(catalog: Path, path: str, calls: int = 200) -> None:
    os.environ.update(_env(catalog))
    from portal.app import create_app

    client = create_app().test_client()
    client.get(path)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(calls):
        client.get(path)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
    print(f"\nprofile of {calls} x GET {path} (in-process, cumulative time):")
    print(out.getvalue())


def cpu_cost(catalog: Path, calls: int) -> dict[str, float]:
    """CPU milliseconds per request of each endpoint, in this process (no HTTP): unlike
    wall-clock latency it does not depend on what else the machine is running."""
    os.environ.update(_env(catalog))
    from portal.app import create_app

    client = create_app().test_client()
    costs = {}
    for label, path in ENDPOINTS:
        for _ in range(5):
            client.get(path)
        started = time.process_time()
        for _ in range(calls):
            assert client.get(path).status_code == 200
        costs[label] = (time.process_time() - started) * 1000 / calls
    return costs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--catalog", type=Path, default=Path("/tmp/portal-api-bench"))
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--cpu-calls", type=int, default=50,
                        help="requests per endpoint for the CPU cost per request (0: skip)")
    args = parser.parse_args()
    generate(args.catalog, args.datasets)
    if args.cpu_calls:
        costs = cpu_cost(args.catalog, args.cpu_calls)
        print(f"\nCPU per request (in-process, {args.cpu_calls} calls each; the ceiling is what "
              "2 workers on 2 free cores could serve):")
        for label, ms in costs.items():
            print(f"  {label:34} {ms:7.1f} ms CPU   ceiling ~{2000 / ms:6.0f} req/s")
    port = free_port()
    server = start_server(args.catalog, port)
    results = {}
    try:
        for label, path in ENDPOINTS:
            load(f"http://127.0.0.1:{port}{path}", 5, 2)  # warm the workers' caches
            before = server_cpu_seconds(server.pid)
            results[label] = load(f"http://127.0.0.1:{port}{path}", args.seconds,
                                  args.connections)
            after = server_cpu_seconds(server.pid)
            results[label]["server_cpu_ms"] = float("nan") if before is None or after is None \
                else (after - before) * 1000 / max(1, results[label]["requests"])
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    print(f"\n{args.datasets} datasets, gunicorn 2 workers, {args.connections} connections, "
          f"{args.seconds:.0f} s each; cores: {os.cpu_count()}, load average: "
          f"{os.getloadavg()[0]:.1f}")
    print(f"{'endpoint':34} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}"
          f" {'CPU ms':>7}  goal (p95 <= {GOAL_P95_MS:.0f} ms, >= {GOAL_RPS:.0f} req/s)")
    for label, r in results.items():
        met = "baseline" if label.startswith("baseline") else (
            "met" if r["p95"] <= GOAL_P95_MS and r["rps"] >= GOAL_RPS else
            f"MISSED (p95 {r['p95'] - GOAL_P95_MS:+.1f} ms, {r['rps'] - GOAL_RPS:+.0f} req/s)")
        print(f"{label:34} {r['rps']:8.0f} {r['p50']:8.1f} {r['p95']:8.1f} {r['p99']:8.1f} "
              f"{r['errors']:7.0f} {r['server_cpu_ms']:7.1f}  {met}")
    print(json.dumps({k: {m: round(v, 2) for m, v in r.items()} for k, r in results.items()}))
    if args.profile:
        worst = max((r["p95"], path) for (label, path), r in
                    zip(ENDPOINTS, results.values(), strict=True) if not label.startswith("base"))
        profile(args.catalog, worst[1])


if __name__ == "__main__":
    main()
