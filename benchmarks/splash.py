"""Splash burst benchmark: a train empties 2,000 phones onto one access point.

Starts gunicorn (2 workers) on a fresh demo instance (SQLite), then fires 2,000 arrivals from
the simulated gateway (each a different phone) with 16 concurrent clients, and prints requests
per second, p50/p99 latency and the page's transferred bytes (HTML + CSS). The baseline, in the
same run and under the same load, is the stylesheet (a static file): it shows what the server
and this client manage without any splash work.

    .venv/bin/python benchmarks/splash.py [--requests 2000] [--concurrency 50]

Goals (issue 7): ≥ 500 req/s, p99 ≤ 50 ms, ≤ 30 KB.
"""

from __future__ import annotations

import argparse
import http.client
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
GATEWAY = "sim-liberec-hlavni-nadrazi"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def get(port: int, path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers={"Accept-Language": "cs"})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def burst(port: int, paths: list[str], concurrency: int) -> tuple[float, list[float], int]:
    """(elapsed seconds, latencies in ms, failures)."""
    latencies: list[float] = []
    failures = 0
    lock = threading.Lock()
    queue = list(reversed(paths))

    def worker() -> None:
        nonlocal failures
        while True:
            with lock:
                if not queue:
                    return
                path = queue.pop()
            start = time.perf_counter()
            status, _ = get(port, path)
            elapsed = (time.perf_counter() - start) * 1000
            with lock:
                latencies.append(elapsed)
                if status != 200:
                    failures += 1

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start, latencies, failures


def report(label: str, count: int, elapsed: float, latencies: list[float], failures: int) -> float:
    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99) - 1]
    rate = count / elapsed
    print(f"{label:<28} {rate:8.0f} req/s   p50 {statistics.median(latencies):6.1f} ms   "
          f"p99 {p99:6.1f} ms   failures {failures}")
    return p99


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "PORTAL_INSTANCE_PATH": tmp,
               "PORTAL_BASE_URL": f"http://127.0.0.1:{port}",
               "PORTAL_SECRET_KEY": secrets.token_hex(32), "PORTAL_LOG_LEVEL": "WARNING"}
        for command in (["db", "upgrade"], ["demo", "load"]):
            subprocess.run([str(BIN / "portal"), *command], env=env, cwd=ROOT, check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        access_log = Path(tmp) / "access.log"  # path and server time only (no addresses)
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}",
             "--log-level", "warning", "--access-logfile", str(access_log),
             "--access-logformat", "%(U)s %(D)s", "portal.app:create_app()"], env=env, cwd=ROOT)
        try:
            for _ in range(100):
                try:
                    if get(port, "/healthz")[0] == 200:
                        break
                except OSError:
                    time.sleep(0.1)
            arrival = (f"/wifi/arrive/simulated?gateway={GATEWAY}&client="
                       "{client}&url=http%3A%2F%2Fexample.com%2F")
            status, html = get(port, arrival.format(client=secrets.token_hex(16)))
            assert status == 200, html[:500]
            _, css = get(port, "/static/wifi.css")
            size = len(html) + len(css)
            for _ in range(100):  # warm both workers
                get(port, arrival.format(client=secrets.token_hex(16)))
            print(f"gunicorn 2 workers, {args.requests} requests, {args.concurrency} concurrent")
            base = burst(port, ["/static/wifi.css"] * args.requests, args.concurrency)
            report("baseline: static CSS", args.requests, *base)
            paths = [arrival.format(client=secrets.token_hex(16)) for _ in range(args.requests)]
            elapsed, latencies, failures = burst(port, paths, args.concurrency)
            p99 = report("splash arrivals", args.requests, elapsed, latencies, failures)
            rate = args.requests / elapsed
            time.sleep(0.5)  # let gunicorn flush its access log
            served = sorted(int(line.split()[1]) / 1000 for line in
                            access_log.read_text().splitlines()[-args.requests:]
                            if line.startswith("/wifi/arrive/"))
            if served:
                print(f"{'  server time per arrival':<28} {'':>8}         p50 "
                      f"{statistics.median(served):6.1f} ms   p99 "
                      f"{served[int(len(served) * 0.99) - 1]:6.1f} ms   (queueing excluded)")
            print(f"splash page transferred: {size} bytes (HTML {len(html)} + CSS {len(css)})")
            ok = rate >= 500 and p99 <= 50 and size <= 30 * 1024 and failures == 0
            print("goals (>= 500 req/s, p99 <= 50 ms, <= 30 KB): " + ("met" if ok else "NOT met"))
        finally:
            server.terminate()
            server.wait(10)


if __name__ == "__main__":
    main()
