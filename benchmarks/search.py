"""Search speed at the region's scale: the embedded index against the strongest simple
alternatives, on the same synthetic Czech catalog, in one run.

    .venv/bin/python benchmarks/search.py            # 100,000 documents
    .venv/bin/python benchmarks/search.py --full     # 100,000 datasets + 1,000,000 objects
    PORTAL_BENCH_PG=postgresql+psycopg://postgres@127.0.0.1:5432/postgres  (the PostgreSQL
    baseline; skipped with a note when unset or unreachable)

Prints build time, index size, and p50/p95/p99 latency and queries/s for a fixed mix of 1,000
queries (words, prefixes, typos, inflected forms, facet filters; every query also counts six
facets) on the embedded index, and 100 of the same queries on a straightforward SQLite FTS5
index and on PostgreSQL full-text search (tsvector with unaccent), each with the same facet
counts. Goals at --full on 2 cores: p95 <= 20 ms, >= 10x faster than the better baseline at
p95, rebuild <= 5 minutes, RSS < 1 GB.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import re
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from catalog.search.analysis import fold, plan_query  # noqa: E402
from catalog.search.base import SearchDocument, SearchQuery  # noqa: E402
from catalog.search.collation import czech_sort_key  # noqa: E402
from catalog.search.tantivy_index import TantivyIndex  # noqa: E402

FACETS = ("theme", "publisher", "format", "institution", "object_type", "material")
THEMES = ["AGRI", "ECON", "EDUC", "ENER", "ENVI", "GOVE", "HEAL", "INTR", "JUST", "REGI",
          "SOCI", "TECH", "TRAN", "OP_DATPRO"]
FORMATS = ["CSV", "JSON", "XLSX", "GEOJSON", "XML", "ZIP", "PDF", "SHP"]
BATCH = 5000


def vocabulary() -> list[str]:
    """Czech (and some English) words of the demo catalog, inflections included, most frequent
    first: the synthetic text is drawn from them with a Zipf-like weight."""
    counts: dict[str, int] = {}
    for name in ("datasets.json", "objects.json"):
        data = json.loads((ROOT / "catalog" / "demo_data" / name).read_text(encoding="utf-8"))
        for record in data.get("datasets", []) + data.get("objects", []):
            for text in (*record["title"].values(), *record["description"].values()):
                for word in re.findall(r"[^\W\d_]{3,}", text.lower()):
                    counts[word] = counts.get(word, 0) + 1
    return sorted(counts, key=lambda w: (-counts[w], w))


class Corpus:
    def __init__(self, datasets: int, objects: int, seed: int = 7) -> None:
        self.datasets, self.objects = datasets, objects
        self.words = vocabulary()
        self.rng = random.Random(seed)
        ranks = range(1, len(self.words) + 1)
        self.cum_weights = list(itertools.accumulate(1 / r ** 0.9 for r in ranks))
        self.publishers = [f"publisher-{n}" for n in range(150)]
        self.institutions = [f"museum-{n}" for n in range(25)]
        self.types = [w for w in self.words[200:400]]
        self.materials = [w for w in self.words[400:460]]

    def text(self, n: int) -> str:
        return " ".join(self.rng.choices(self.words, cum_weights=self.cum_weights, k=n))

    def documents(self) -> Iterator[SearchDocument]:
        rng = self.rng
        for n in range(self.datasets + self.objects):
            is_dataset = n < self.datasets
            title = self.text(rng.randint(3, 8)).capitalize()
            # "data" stands in for a word present in ~40% of the documents (the design doc's
            # calibration case).
            description = self.text(rng.randint(15, 40)) + (" data" if rng.random() < .4 else "")
            if is_dataset:
                facets = {"theme": rng.sample(THEMES, rng.randint(1, 2)),
                          "publisher": [rng.choice(self.publishers)],
                          "format": rng.sample(FORMATS, rng.randint(1, 3)),
                          "keyword": rng.sample(self.words[:300], 3)}
            else:
                facets = {"institution": [rng.choice(self.institutions)],
                          "object_type": [rng.choice(self.types)],
                          "material": rng.sample(self.materials, rng.randint(1, 2))}
            yield SearchDocument(
                kind="dataset" if is_dataset else "object", id=n, url_key=f"k{n}",
                title={"cs": title}, description={"cs": description},
                keywords=facets.get("keyword", []), text=self.text(4), facets=facets,
                sort_title=czech_sort_key(title),
                modified=f"20{rng.randint(10, 26)}-{rng.randint(1, 12):02d}-"
                         f"{rng.randint(1, 28):02d}", version="1")


def query_mix(corpus: Corpus, count: int, seed: int = 11) -> list[SearchQuery]:
    """Words (frequent and rare), as-you-type prefixes, typos, inflected forms without
    diacritics, two-word queries, facet filters; every query counts the facets."""
    rng = random.Random(seed)
    words = [w for w in corpus.words if len(w) >= 4]
    queries = []
    for n in range(count):
        shape = n % 8
        word = rng.choice(words[:50] if n % 3 == 0 else words)
        if shape == 0:
            text = "data"  # the frequent word
        elif shape == 1:
            text = word[:rng.randint(3, max(3, len(word) - 1))]  # as-you-type
        elif shape == 2 and len(word) >= 5:
            i = rng.randrange(1, len(word) - 1)
            text = word[:i] + word[i + 1] + word[i] + word[i + 2:]  # a transposition typo
        elif shape == 3:
            text = fold(word)  # no diacritics
        elif shape == 4:
            text = f"{word} {rng.choice(words)}"
        else:
            text = word
        filters: dict[str, tuple[str, ...]] = {}
        if shape in (5, 6):
            filters["theme"] = (rng.choice(THEMES),)
        if shape == 6:
            filters["format"] = tuple(rng.sample(FORMATS, 2))
        if shape == 7:
            filters["institution"] = (rng.choice(corpus.institutions),)
        queries.append(SearchQuery(text=text, filters=filters, facets=FACETS, limit=20))
    return queries


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)

    def at(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))] * 1000

    return {"p50": at(.50), "p95": at(.95), "p99": at(.99),
            "qps": len(samples) / sum(samples) if sum(samples) else 0.0}


def run(name: str, queries: list[SearchQuery], call: Callable[[SearchQuery], int],
        cpu_of: Callable[[], float] = time.process_time) -> dict:
    """Wall-clock and CPU-time percentiles (CPU time of this process, or of the database
    server's backend for PostgreSQL: on a machine shared with other jobs wall-clock time also
    measures the neighbours)."""
    call(queries[0])  # warm
    samples, cpu = [], []
    for query in queries:
        start, start_cpu = time.perf_counter(), cpu_of()
        call(query)
        samples.append(time.perf_counter() - start)
        cpu.append(cpu_of() - start_cpu)
    figures = percentiles(samples)
    cpu_figures = percentiles(cpu)
    figures.update({f"cpu_{k}": v for k, v in cpu_figures.items()})
    print(f"  {name:<30} {len(queries):>5} q  wall p50 {figures['p50']:7.1f} p95 "
          f"{figures['p95']:7.1f} p99 {figures['p99']:7.1f} ms {figures['qps']:7.1f} q/s | CPU p50 "
          f"{cpu_figures['p50']:7.1f} p95 {cpu_figures['p95']:7.1f} p99 {cpu_figures['p99']:7.1f} "
          f"ms", flush=True)
    return figures


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.is_dir() \
        else path.stat().st_size


# -- the naive SQLite FTS5 baseline ---------------------------------------------------------

def build_fts5(path: Path, corpus: Corpus) -> None:
    conn = sqlite3.connect(path)
    conn.executescript("""
        PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;
        CREATE VIRTUAL TABLE docs USING fts5(title, body, tokenize='unicode61 remove_diacritics 2');
        CREATE TABLE facets(doc INTEGER, facet TEXT, value TEXT);
    """)
    rows, facets = [], []
    for doc in corpus.documents():
        rows.append((doc.id, doc.title["cs"], doc.description["cs"] + " " + doc.text))
        facets.extend((doc.id, f, v) for f, vs in doc.facets.items() for v in vs)
        if len(rows) >= BATCH:
            conn.executemany("INSERT INTO docs(rowid, title, body) VALUES (?, ?, ?)", rows)
            conn.executemany("INSERT INTO facets VALUES (?, ?, ?)", facets)
            rows, facets = [], []
    conn.executemany("INSERT INTO docs(rowid, title, body) VALUES (?, ?, ?)", rows)
    conn.executemany("INSERT INTO facets VALUES (?, ?, ?)", facets)
    conn.executescript("CREATE INDEX facets_doc ON facets(doc, facet, value);"
                       "CREATE INDEX facets_value ON facets(facet, value, doc);")
    conn.commit()
    conn.close()


def fts5_search(conn: sqlite3.Connection) -> Callable[[SearchQuery], int]:
    def search(query: SearchQuery) -> int:
        words = re.findall(r"\w+", query.text)
        match = " ".join(f'"{w}"' for w in words[:-1]) + f' "{words[-1]}"*'
        where, params = "docs MATCH ?", [match]
        for facet, values in query.filters.items():
            where += (" AND docs.rowid IN (SELECT doc FROM facets WHERE facet = ? AND value IN"
                      f" ({', '.join('?' for _ in values)}))")
            params += [facet, *values]
        conn.execute("DROP TABLE IF EXISTS temp.hits")
        conn.execute("CREATE TEMP TABLE hits(doc INTEGER PRIMARY KEY)")
        conn.execute(f"INSERT INTO hits SELECT rowid FROM docs WHERE {where}", params)
        conn.execute(f"SELECT rowid, bm25(docs) FROM docs WHERE {where} ORDER BY bm25(docs)"
                     " LIMIT 20", params).fetchall()
        total = conn.execute("SELECT count(*) FROM hits").fetchone()[0]
        for facet in query.facets:
            conn.execute("SELECT value, count(*) FROM facets JOIN hits ON hits.doc = facets.doc"
                         " WHERE facet = ? GROUP BY value ORDER BY 2 DESC LIMIT 50",
                         [facet]).fetchall()
        return int(total)

    return search


# -- the PostgreSQL baseline ----------------------------------------------------------------

def build_postgres(url: str, corpus: Corpus) -> Callable[[SearchQuery], int] | None:
    try:
        import psycopg
    except ImportError:
        return None
    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    try:
        admin = psycopg.connect(dsn, autocommit=True)
    except psycopg.Error as exc:
        print(f"  PostgreSQL baseline skipped: {exc}")
        return None
    name = f"search_bench_{os.getpid()}"
    admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.execute(f'CREATE DATABASE "{name}"')
    conn = psycopg.connect(dsn.rsplit("/", 1)[0] + "/" + name, autocommit=True)
    conn.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    conn.execute("""CREATE OR REPLACE FUNCTION f_unaccent(text) RETURNS text LANGUAGE sql
                    IMMUTABLE PARALLEL SAFE STRICT AS $$ SELECT public.unaccent($1) $$""")
    conn.execute("CREATE TABLE docs(id int PRIMARY KEY, title text, body text)")
    conn.execute("CREATE TABLE facets(doc int, facet text, value text)")
    with conn.cursor() as cur:
        with cur.copy("COPY docs FROM STDIN") as copy:
            for doc in corpus.documents():
                copy.write_row((doc.id, doc.title["cs"], doc.description["cs"] + " " + doc.text))
        with cur.copy("COPY facets FROM STDIN") as copy:
            for doc in Corpus(corpus.datasets, corpus.objects).documents():
                for facet, values in doc.facets.items():
                    for value in values:
                        copy.write_row((doc.id, facet, value))
    conn.execute("""ALTER TABLE docs ADD COLUMN tsv tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', f_unaccent(coalesce(title, ''))), 'A') ||
        to_tsvector('simple', f_unaccent(coalesce(body, '')))) STORED""")
    conn.execute("CREATE INDEX docs_tsv ON docs USING gin(tsv)")
    conn.execute("CREATE INDEX facets_doc ON facets(doc, facet, value)")
    conn.execute("CREATE INDEX facets_value ON facets(facet, value, doc)")
    conn.execute("VACUUM ANALYZE")

    def search(query: SearchQuery) -> int:
        words = re.findall(r"\w+", query.text)
        ts = " & ".join(words[:-1] + [words[-1] + ":*"])
        where = "tsv @@ to_tsquery('simple', f_unaccent(%s))"
        params: list = [ts]
        for facet, values in query.filters.items():
            where += " AND id IN (SELECT doc FROM facets WHERE facet = %s AND value = ANY(%s))"
            params += [facet, list(values)]
        conn.execute("DROP TABLE IF EXISTS hits")
        conn.execute(f"CREATE TEMP TABLE hits AS SELECT id AS doc, ts_rank(tsv, to_tsquery("
                     f"'simple', f_unaccent(%s))) AS rank FROM docs WHERE {where}",
                     [ts, *params])
        conn.execute("SELECT doc FROM hits ORDER BY rank DESC LIMIT 20").fetchall()
        total = conn.execute("SELECT count(*) FROM hits").fetchone()[0]
        for facet in query.facets:
            conn.execute("SELECT value, count(*) FROM facets JOIN hits USING (doc) WHERE "
                         "facet = %s GROUP BY value ORDER BY 2 DESC LIMIT 50", [facet]).fetchall()
        return int(total)

    def drop() -> None:
        conn.close()
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.close()

    backend = psutil.Process(conn.execute("SELECT pg_backend_pid()").fetchone()[0])

    def cpu() -> float:  # the server process's CPU time (same machine), plus ours
        times = backend.cpu_times()
        return times.user + times.system + time.process_time()

    search.drop = drop  # type: ignore[attr-defined]
    search.cpu = cpu  # type: ignore[attr-defined]
    return search


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--full", action="store_true",
                        help="100,000 datasets + 1,000,000 objects (default: 100,000 documents)")
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--baseline-queries", type=int, default=100)
    parser.add_argument("--keep", type=Path, help="build in this folder and keep it")
    args = parser.parse_args()
    datasets, objects = (100_000, 1_000_000) if args.full else (10_000, 90_000)
    corpus = Corpus(datasets, objects)
    work = args.keep or Path(tempfile.mkdtemp(prefix="search-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    process = psutil.Process()
    print(f"synthetic Czech catalog: {datasets:,} datasets + {objects:,} objects, "
          f"vocabulary {len(corpus.words):,} words, {os.cpu_count()} CPUs", flush=True)

    index = TantivyIndex(work / "tantivy")
    start, start_cpu = time.perf_counter(), time.process_time()
    with index.writer(wait=True):
        batch: list[SearchDocument] = []
        for doc in corpus.documents():
            batch.append(doc)
            if len(batch) >= BATCH:
                index.upsert(batch)
                batch = []
        index.upsert(batch)
    build = time.perf_counter() - start
    build_cpu = time.process_time() - start_cpu
    print(f"embedded (tantivy) build incl. generating the documents: {build:.1f} s wall, "
          f"{build_cpu:.1f} s CPU; index {folder_size(index.path) / 1e6:.0f} MB, "
          f"RSS {process.memory_info().rss / 1e6:.0f} MB", flush=True)

    start = time.perf_counter()
    build_fts5(work / "fts5.sqlite3", Corpus(datasets, objects))
    print(f"naive FTS5 build: {time.perf_counter() - start:.1f} s, "
          f"{folder_size(work / 'fts5.sqlite3') / 1e6:.0f} MB", flush=True)

    queries = query_mix(corpus, args.queries)
    baseline_queries = queries[:args.baseline_queries]
    print("latency (every query: top 20, exact total and six facets' counts):")
    embedded = run("embedded (tantivy)", queries, lambda q: index.search(q).total)
    embedded_100 = run("embedded, baseline queries", baseline_queries,
                       lambda q: index.search(q).total)
    rss = process.memory_info().rss
    fts5 = run("naive SQLite FTS5", baseline_queries,
               fts5_search(sqlite3.connect(work / "fts5.sqlite3")))
    best = fts5
    pg_url = os.environ.get("PORTAL_BENCH_PG")
    if pg_url:
        start = time.perf_counter()
        pg = build_postgres(pg_url, Corpus(datasets, objects))
        if pg is not None:
            print(f"  (PostgreSQL build {time.perf_counter() - start:.1f} s)")
            pg_figures = run("PostgreSQL tsvector+unaccent", baseline_queries, pg,
                             pg.cpu)  # type: ignore[attr-defined]
            pg.drop()  # type: ignore[attr-defined]
            best = min(best, pg_figures, key=lambda f: f["p95"])
    else:
        print("  PostgreSQL baseline skipped: set PORTAL_BENCH_PG to a server URL")
    print(f"embedded process RSS after queries: {rss / 1e6:.0f} MB")
    speedup = best["p95"] / embedded_100["p95"] if embedded_100["p95"] else float("inf")
    cpu_speedup = best["cpu_p95"] / embedded_100["cpu_p95"] if embedded_100["cpu_p95"] else 0
    print(f"p95 speed-up over the better baseline (same 100 queries): {speedup:.1f}x wall, "
          f"{cpu_speedup:.1f}x CPU")
    print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print("goals (--full, 2 cores): p95 <= 20 ms: "
          f"{'met' if embedded['p95'] <= 20 else 'MISSED'} ({embedded['p95']:.1f} ms wall, "
          f"{embedded['cpu_p95']:.1f} ms CPU); >= 10x: {'met' if speedup >= 10 else 'MISSED'}; "
          f"rebuild <= 300 s: {'met' if build <= 300 else 'MISSED'} ({build:.0f} s wall); "
          f"RSS < 1 GB: {'met' if rss < 1e9 else 'MISSED'}")
    _ = plan_query  # the analysis the embedded index runs per query
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
