"""Benchmark of harvesting end to end (fetch, parse, store, index) into an empty catalog:

* a local OAI-PMH repository streaming LIDO records (500 per ListRecords page, resumption
  tokens), harvested with the OAI-PMH adapter (Sickle through the guarded HTTP client);
* a local DCAT catalog in Turtle with Hydra paging (250 datasets per page), harvested with the
  DCAT adapter.

Each measurement runs in a fresh process (its peak RSS is its own) on a fresh SQLite catalog
with the configured embedded search index; the server runs in another process. The baseline in
the same run is the fetch-and-parse pass alone (the adapter's items consumed, nothing stored), so
the cost of storing and indexing shows; the re-run over unchanged records is reported apart, and
for DCAT the unchanged re-run with conditional GET (an incremental run: every page answers 304)
beside the full re-read without it.

    .venv/bin/python benchmarks/harvest.py [--sizes 5000,20000] [--datasets 10000] [--profile]

``--profile`` prints where the CPU time of each run goes (cProfile with a CPU-time clock;
``BENCH_SORT=tottime`` sorts by own time). ``--sizes ''`` or ``--datasets ''`` skips a source.

Goals (issue 5): >= 1,000 records/s for both sources; peak RSS < 300 MB, not growing with the
record count (reported at 5k and 20k).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import resource
import subprocess
import sys
import tempfile
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BASE_URL = "https://data.example-kraj.test"
GOAL_RATE = 1000.0
GOAL_RSS_MB = 300.0
OAI_PAGE = 500
DCAT_PAGE = 250


# -- the local sources ----------------------------------------------------------------------

def oai_page(total: int, offset: int) -> bytes:
    from tests.harvest_fixtures import oai_envelope, oai_record

    part = range(offset + 1, min(total, offset + OAI_PAGE) + 1)
    body = "".join(oai_record(n, f"2026-{1 + n % 12:02d}-{1 + n % 28:02d}") for n in part)
    rest = offset + OAI_PAGE
    token = (f'<resumptionToken completeListSize="{total}" cursor="{offset}">{rest}'
             f"</resumptionToken>" if rest < total else "<resumptionToken/>")
    return oai_envelope('<request verb="ListRecords">http://127.0.0.1/oai</request>',
                        f"<ListRecords>{body}{token}</ListRecords>")


def dcat_page(total: int, page: int, url: str) -> bytes:
    from tests.test_harvest_dcat import PREFIXES, PUBLISHER, turtle_dataset

    first = (page - 1) * DCAT_PAGE + 1
    numbers = range(first, min(total, first + DCAT_PAGE - 1) + 1)
    paging = f"<{url}?page={page}> a hydra:PartialCollectionView"
    if numbers.stop <= total:
        paging += f" ; hydra:next <{url}?page={page + 1}>"
    text = PREFIXES + paging + " .\n" + PUBLISHER + "".join(turtle_dataset(n) for n in numbers)
    return text.encode()


def serve(port_file: Path) -> None:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802 - the http.server convention
            parts = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            segments = parts.path.strip("/").split("/")
            total = int(segments[1])
            if segments[0] == "oai":
                offset = int(query.get("resumptionToken", "0"))
                body, kind = oai_page(total, offset), "text/xml; charset=utf-8"
            else:
                page = int(query.get("page", "1"))
                etag = f'"dcat-{total}-{page}"'  # the pages never change
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                url = f"http://127.0.0.1:{self.server.server_address[1]}{parts.path}"  # type: ignore[index]
                body = dcat_page(total, page, url)
                kind = "text/turtle; charset=utf-8"
            self.send_response(200)
            if segments[0] != "oai":
                self.send_header("ETag", etag)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    port_file.write_text(str(server.server_address[1]))
    server.serve_forever()


# -- one measurement (in its own process) ---------------------------------------------------

def measure(kind: str, size: int, port: int, mode: str, profile: bool) -> dict[str, object]:
    from catalog.db import transaction
    from catalog.models import AgentKind
    from catalog.services import ensure_local_catalog, upsert_agent
    from harvesters import services
    from harvesters.http import HttpClient, HttpPolicy
    from harvesters.runner import HarvestSettings, run_source
    from harvesters.sources import adapter_for
    from harvesters.sources.base import RunState, SourceConfig
    from portal import migrate
    from portal.config import Settings
    from portal.state import build_state

    url = (f"http://127.0.0.1:{port}/oai/{size}" if kind == "oai"
           else f"http://127.0.0.1:{port}/dcat/{size}/catalog.ttl")
    http = HttpClient(HttpPolicy(allowed_networks=("127.0.0.1/32",)))
    # CPU time, not wall-clock: on a shared machine waiting for a core is not our cost.
    profiler = cProfile.Profile(time.process_time) if profile else None
    result: dict[str, object] = {"kind": kind, "size": size, "mode": mode}
    if mode == "parse":  # the baseline: fetch and parse only
        config = SourceConfig(name="bench", type="oai-pmh" if kind == "oai" else "dcat",
                              url=url, publisher="muzeum", metadata_prefix="lido")
        started, cpu = time.perf_counter(), time.process_time()
        count = sum(1 for _ in adapter_for(config).items(http, RunState()))
        seconds = time.perf_counter() - started
        result.update(records=count, seconds=seconds, cpu_seconds=time.process_time() - cpu)
    else:
        with tempfile.TemporaryDirectory() as folder:
            instance = Path(folder)
            settings = Settings.from_env({"PORTAL_INSTANCE_PATH": str(instance),
                                          "PORTAL_BASE_URL": BASE_URL})
            migrate.upgrade(settings.database_url)
            portal = build_state(settings)
            with transaction(portal.engine) as session:
                ensure_local_catalog(session, BASE_URL, {"cs": "Katalog"})
                upsert_agent(session, {"slug": "muzeum", "name": {"cs": "Muzeum"}},
                             kind=AgentKind.INSTITUTION, base_url=BASE_URL)
                upsert_agent(session, {"slug": "kraj", "name": {"cs": "Kraj"}},
                             kind=AgentKind.PUBLISHER, base_url=BASE_URL)
                services.add_source(session, name="bench",
                                    type="oai-pmh" if kind == "oai" else "dcat", url=url,
                                    publisher="muzeum" if kind == "oai" else "kraj",
                                    metadata_prefix="lido" if kind == "oai" else None)
            run_settings = HarvestSettings(base_url=BASE_URL)
            if profiler:
                profiler.enable()
            started, cpu = time.perf_counter(), time.process_time()
            report = run_source(portal.engine, "bench", http=http, settings=run_settings,
                                index=portal.search)
            seconds = time.perf_counter() - started
            cpu_seconds = time.process_time() - cpu
            if profiler:
                profiler.disable()
            again = time.perf_counter()
            rerun = run_source(portal.engine, "bench", http=http, settings=run_settings,
                               index=portal.search, full=True)
            rerun_seconds = time.perf_counter() - again
            if kind == "dcat":  # incremental: each page asked with its validators (all 304)
                again = time.perf_counter()
                conditional = run_source(portal.engine, "bench", http=http,
                                         settings=run_settings, index=portal.search, full=False)
                result.update(conditional_unchanged=conditional.counts.unchanged,
                              conditional_seconds=time.perf_counter() - again)
            result.update(records=report.counts.added, errored=report.counts.errored,
                          status=str(report.status), error=report.error, seconds=seconds,
                          cpu_seconds=cpu_seconds,
                          rerun_unchanged=rerun.counts.unchanged, rerun_seconds=rerun_seconds)
            portal.engine.dispose()
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if profiler:
        out = io.StringIO()
        order = os.environ.get("BENCH_SORT", "cumulative")
        pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(40)
        result["profile"] = out.getvalue()
    return result


def child(kind: str, size: int, port: int, mode: str, profile: bool) -> dict[str, object]:
    command = [sys.executable, __file__, "--measure", kind, str(size), str(port), mode]
    if profile:
        command.append("--profile")
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def report(kind: str, size: int, base: dict[str, Any], run: dict[str, Any]) -> None:
    """One line per measurement: wall-clock and CPU-time rates (the machine may be shared; the
    CPU-time rate is what one free core would give), peak RSS, baseline and re-run."""
    rate = run["records"] / run["seconds"]
    cpu_rate = run["records"] / run["cpu_seconds"]
    base_rate, base_cpu = size / base["seconds"], size / base["cpu_seconds"]
    rerun_rate = run["rerun_unchanged"] / run["rerun_seconds"]
    small = run["peak_rss_mb"] < GOAL_RSS_MB
    verdict = ("meets the goal" if rate >= GOAL_RATE and small else
               "meets the goal per CPU second only" if cpu_rate >= GOAL_RATE and small else
               "MISSES the goal")
    print(f"{kind:5} {size:6}: end to end {rate:6.0f} records/s wall, {cpu_rate:6.0f} per CPU "
          f"second ({run['records']} stored in {run['seconds']:.1f} s, peak RSS "
          f"{run['peak_rss_mb']:.0f} MB)\n"
          f"              baseline fetch+parse only {base_rate:6.0f} records/s wall, "
          f"{base_cpu:6.0f} per CPU second (peak RSS {base['peak_rss_mb']:.0f} MB); re-run "
          f"over unchanged records {rerun_rate:6.0f} records/s wall\n"
          f"              {verdict} (>= {GOAL_RATE:.0f} records/s, < {GOAL_RSS_MB:.0f} MB)")
    if "conditional_seconds" in run:
        print(f"              unchanged re-run: full read {run['rerun_seconds']:.2f} s, "
              f"with conditional GET {run['conditional_seconds']:.2f} s "
              f"({run['conditional_unchanged'] / run['conditional_seconds']:,.0f} records/s, "
              f"{run['rerun_seconds'] / run['conditional_seconds']:.0f}x faster)")
    if run.get("error"):
        print(f"              error: {run['error']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="5000,20000",
                        help="OAI-PMH record counts ('' for none)")
    parser.add_argument("--datasets", default="5000,10000",
                        help="DCAT dataset counts ('' for none)")
    parser.add_argument("--profile", action="store_true", help="print a profile of each run")
    parser.add_argument("--measure", nargs=4, metavar=("KIND", "SIZE", "PORT", "MODE"),
                        help=argparse.SUPPRESS)
    parser.add_argument("--serve", metavar="PORT_FILE", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(Path(args.serve))
        return
    if args.measure:
        kind, size, port, mode = args.measure
        print(json.dumps(measure(kind, int(size), int(port), mode, args.profile)))
        return
    with tempfile.TemporaryDirectory() as folder:
        port_file = Path(folder) / "port"
        server = subprocess.Popen([sys.executable, __file__, "--serve", str(port_file)],
                                  cwd=ROOT)
        try:
            while not port_file.exists() or not port_file.read_text():
                time.sleep(0.05)
            port = int(port_file.read_text())
            print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
            plan = [("oai", int(s)) for s in args.sizes.split(",") if s] + \
                   [("dcat", int(s)) for s in args.datasets.split(",") if s]
            for kind, size in plan:
                base = child(kind, size, port, "parse", False)
                run = child(kind, size, port, "store", args.profile)
                report(kind, size, base, run)
                if args.profile:
                    print(run["profile"])
        finally:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    main()
