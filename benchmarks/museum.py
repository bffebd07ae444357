"""Benchmark of the museum register at scale: import of a LIDO file of 20,000 records (read,
check, report, publish: what a curator's upload and `portal museum import` do) and a full
OAI-PMH ListRecords harvest of those 20,000 records from our provider by an independent client
(Sickle) over HTTP. Each measurement runs in a fresh process so its peak RSS is its own; a
baseline of 2,000 records in the same run shows whether the rate holds and memory stays flat.

    .venv/bin/python benchmarks/museum.py [--records 20000] [--baseline 2000] [--profile]

Goals (issue 8): >= 1,000 records/s for both, flat memory.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import resource
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BASE_URL = "https://data.example-kraj.test"
GOAL = 1000.0
MUSEUM = {"slug": "severoceske-muzeum", "name": {"cs": "Severočeské muzeum v Liberci"}}
MATERIALS = ["sklo", "porcelán", "cín", "dřevo", "papír", "bronz", "stříbro", "textil"]
TYPES = ["obraz", "váza", "mince", "kniha", "džbán", "grafický list", "medaile", "hodiny"]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def generate(path: Path, count: int) -> None:
    """A lidoWrap file of ``count`` varied records, written by our own LIDO exporter."""
    from catalog.models import Agent, CollectionObject
    from catalog.museum.lido_export import iter_dump

    museum = Agent(id=1, slug=MUSEUM["slug"], iri=f"{BASE_URL}/institutions/x", kind="institution",
                   name=MUSEUM["name"])

    def records() -> Any:
        for n in range(count):
            year = 1600 + n % 400
            yield CollectionObject(
                id=n + 1, iri=f"https://muzeum.example/objects/{n}", institution_id=1,
                inventory_number=f"H {n}", accession_number=f"{n % 500}/19{n % 90 + 10}",
                collection=["Historie", "Sklo", "Numismatika", "Výtvarné umění"][n % 4],
                title={"cs": f"Předmět číslo {n}", "en": f"Object number {n}"},
                object_type=TYPES[n % len(TYPES)], classification=["užité umění"],
                description={"cs": f"Popis předmětu {n}: " + "tvar, výzdoba, stav. " * 8},
                materials=[MATERIALS[n % len(MATERIALS)]], techniques=["lití", "malba"],
                measurements=[{"type": "výška", "value": 10 + n % 50, "unit": "cm"},
                              {"type": "šířka", "value": 5.5, "unit": "cm"}],
                maker=f"Dílna {n % 300}", production_date=f"kolem {year}",
                earliest_year=year - 5, latest_year=year + 5, production_place="Liberec",
                subjects=["cechy", "řemeslo"], acquisition="dar",
                images=[{"url": f"https://img.muzeum.example/{n}.jpg",
                         "rights": "http://creativecommons.org/licenses/by/4.0/",
                         "caption": {"cs": "Pohled zepředu"}}],
                rights="http://creativecommons.org/publicdomain/zero/1.0/",
                state="published", updated_at=__import__("datetime").datetime(2026, 1, 1))

    with open(path, "wb") as out:
        for chunk in iter_dump(((obj, museum) for obj in records()), base_url=BASE_URL):
            out.write(chunk)


def worker_import(lido: Path, database: Path, profile: bool) -> dict[str, Any]:
    from catalog.db import make_engine, transaction
    from catalog.models import AgentKind
    from catalog.museum.imports import process_import, publish_import, start_import
    from catalog.services import upsert_agent
    from portal import migrate

    migrate.upgrade(f"sqlite:///{database}")
    engine = make_engine(f"sqlite:///{database}")
    with transaction(engine) as session:
        museum = upsert_agent(session, MUSEUM, kind=AgentKind.INSTITUTION, base_url=BASE_URL)
        import_id = start_import(session, institution=museum, filename=lido.name).id or 0
    profiler = cProfile.Profile() if profile else None
    cpu = time.process_time()
    start = time.perf_counter()
    if profiler:
        profiler.enable()
    checked = process_import(engine, import_id, lido)
    checked_at = time.perf_counter()
    done = publish_import(engine, import_id, valid_only=False, base_url=BASE_URL)
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu
    if profiler:
        profiler.disable()
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(25)
    return {"records": done.imported, "valid": checked.valid, "seconds": round(elapsed, 2),
            "cpu_seconds": round(cpu, 2), "cpu_rate": round(done.imported / cpu),
            "check_seconds": round(checked_at - start, 2),
            "rate": round(done.imported / elapsed), "peak_rss_mb": round(peak_rss_mb(), 1)}


def worker_serve(database: Path, port: int) -> None:
    from werkzeug.serving import make_server

    from portal.app import create_app
    from portal.config import Settings

    instance = database.parent / "instance"
    instance.mkdir(exist_ok=True)
    app = create_app(Settings.from_env({
        "PORTAL_INSTANCE_PATH": str(instance), "PORTAL_DATABASE_URL": f"sqlite:///{database}",
        "PORTAL_BASE_URL": BASE_URL, "PORTAL_SECRET_KEY": "benchmark-secret-key-0123456789abc",
        "PORTAL_LOG_LEVEL": "WARNING"}))
    make_server("127.0.0.1", port, app, threaded=True).serve_forever()


def worker_harvest(url: str, prefix: str, profile: bool) -> dict[str, Any]:
    from sickle import Sickle

    start = time.perf_counter()
    cpu = time.process_time()
    count = 0
    for record in Sickle(url, max_retries=0).ListRecords(metadataPrefix=prefix):
        count += record.xml is not None
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu
    return {"records": count, "seconds": round(elapsed, 2), "rate": round(count / elapsed),
            "client_cpu_seconds": round(cpu, 2),
            "client_peak_rss_mb": round(peak_rss_mb(), 1)}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _run(*args: str) -> dict[str, Any]:
    done = subprocess.run([sys.executable, __file__, "--worker", *args],
                          capture_output=True, text=True)
    if done.stderr.strip():
        print(done.stderr, file=sys.stderr)
    if done.returncode:
        raise SystemExit(f"worker {args[0]} failed ({done.returncode})")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of process ``pid`` so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _server_hwm(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def measure(count: int, folder: Path, profile: bool) -> dict[str, Any]:
    lido = folder / f"lido-{count}.xml"
    database = folder / f"portal-{count}.sqlite3"
    generate(lido, count)
    result: dict[str, Any] = {"records": count,
                              "file_mb": round(lido.stat().st_size / 1024 / 1024, 1)}
    result["import"] = _run("import", str(lido), str(database), str(int(profile)))
    port = _free_port()
    server = subprocess.Popen([sys.executable, __file__, "--worker", "serve", str(database),
                               str(port)])
    try:
        deadline = time.monotonic() + 120  # a loaded machine starts a Python app slowly
        while time.monotonic() < deadline and server.poll() is None:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.2)
        if server.poll() is not None:
            raise SystemExit("the benchmark server did not start")
        url = f"http://127.0.0.1:{port}/oai"
        for prefix in ("lido", "edm", "oai_dc"):
            before = _cpu_seconds(server.pid)
            harvest = _run("harvest", url, prefix, str(int(profile)))
            server_cpu = _cpu_seconds(server.pid) - before
            harvest["server_cpu_seconds"] = round(server_cpu, 2)
            harvest["server_cpu_rate"] = round(harvest["records"] / max(server_cpu, 0.01))
            harvest["server_peak_rss_mb"] = _server_hwm(server.pid)
            result[f"harvest_{prefix}"] = harvest
    finally:
        server.terminate()
        server.wait()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--baseline", type=int, default=2_000)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        kind, *rest = args.worker
        if kind == "import":
            print(json.dumps(worker_import(Path(rest[0]), Path(rest[1]), rest[2] == "1")))
        elif kind == "serve":
            worker_serve(Path(rest[0]), int(rest[1]))
        else:
            print(json.dumps(worker_harvest(rest[0], rest[1], rest[2] == "1")))
        return
    print(f"load average before: {os.getloadavg()} on {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory() as folder:
        baseline = measure(args.baseline, Path(folder), False)
        full = measure(args.records, Path(folder), args.profile)
    print(json.dumps({"baseline": baseline, "full": full}, indent=1))
    print(f"load average after: {os.getloadavg()} on {os.cpu_count()} CPUs")
    print(f"\nimport of {args.records:,} LIDO records: {full['import']['rate']:,} records/s "
          f"wall, {full['import']['cpu_rate']:,} per CPU-second "
          f"(goal {GOAL:,.0f}); peak RSS {full['import']['peak_rss_mb']} MB vs "
          f"{baseline['import']['peak_rss_mb']} MB for {args.baseline:,}")
    for prefix in ("lido", "edm", "oai_dc"):
        h, b = full[f"harvest_{prefix}"], baseline[f"harvest_{prefix}"]
        print(f"Sickle ListRecords {prefix}: {h['records']:,} records at {h['rate']:,} records/s "
              f"wall, server {h['server_cpu_rate']:,} per CPU-second "
              f"(goal {GOAL:,.0f}); server peak RSS {h['server_peak_rss_mb']} MB vs "
              f"{b['server_peak_rss_mb']} MB for {args.baseline:,}; client "
              f"{h['client_peak_rss_mb']} MB")


if __name__ == "__main__":
    main()
