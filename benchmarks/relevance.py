"""Relevance of search over the bundled demo catalog: recall@10 and MRR per backend and per half
of the committed query set (``relevance/queries.json``: a tuning half and a held-back half that
ranking is never tuned on).

    .venv/bin/python benchmarks/relevance.py [--misses]
    PORTAL_TEST_MEILI_URL=http://127.0.0.1:7700 [PORTAL_TEST_MEILI_KEY=...] adds Meilisearch.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlmodel import Session, select  # noqa: E402

from catalog.models import CollectionObject  # noqa: E402
from catalog.search.base import KINDS, SearchIndex, SearchQuery  # noqa: E402
from catalog.search.indexer import reindex  # noqa: E402
from portal import migrate  # noqa: E402

QUERIES = Path(__file__).with_name("relevance") / "queries.json"


def demo_instance(folder: Path) -> tuple[object, SearchIndex]:
    """A migrated SQLite catalog with the demo loaded and the embedded index built."""
    from portal.app import create_app
    from portal.cli import demo_load
    from portal.config import Settings
    from portal.state import state

    settings = Settings.from_env({"PORTAL_INSTANCE_PATH": str(folder),
                                  "PORTAL_BASE_URL": "http://127.0.0.1:8000"})
    folder.mkdir(parents=True, exist_ok=True)
    migrate.upgrade(settings.database_url)
    app = create_app(settings)
    result = app.test_cli_runner().invoke(demo_load)
    if result.exit_code:
        raise SystemExit(result.output)
    portal = state(app)
    return portal.engine, portal.search


def identifiers(engine: object, index: SearchIndex, text: str) -> list[str]:
    hits = index.search(SearchQuery(text=text, kinds=KINDS, limit=10)).hits
    object_ids = [h.id for h in hits if h.kind == "object"]
    inventory = {}
    if object_ids:
        with Session(engine) as session:  # type: ignore[arg-type]
            inventory = dict(session.exec(select(CollectionObject.id,
                                                 CollectionObject.inventory_number)
                                          .where(CollectionObject.id.in_(object_ids))).all())
    return [f"object:{inventory[h.id]}" if h.kind == "object" else f"{h.kind}:{h.url_key}"
            for h in hits]


def evaluate(engine: object, index: SearchIndex, queries: list[dict], misses: bool
             ) -> dict[str, tuple[float, float, int]]:
    scores: dict[str, list[tuple[float, float]]] = {}
    for query in queries:
        found = identifiers(engine, index, query["q"])
        expected = query["expect"]
        recall = len(set(found) & set(expected)) / len(expected)
        rank = next((i + 1 for i, key in enumerate(found) if key in expected), None)
        scores.setdefault(query["half"], []).append((recall, 1 / rank if rank else 0.0))
        if misses and recall < 1:
            print(f"    {query['id']} {query['half']:<9} {query['q']!r}: recall {recall:.2f}, "
                  f"first at {rank}; missing {sorted(set(expected) - set(found))}")
    return {half: (sum(r for r, _ in s) / len(s), sum(m for _, m in s) / len(s), len(s))
            for half, s in scores.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--misses", action="store_true", help="list queries not fully found")
    args = parser.parse_args()
    queries = json.loads(QUERIES.read_text(encoding="utf-8"))["queries"]
    with tempfile.TemporaryDirectory() as folder:
        engine, embedded = demo_instance(Path(folder) / "instance")
        backends: list[tuple[str, SearchIndex]] = [("embedded (tantivy)", embedded)]
        url = os.environ.get("PORTAL_TEST_MEILI_URL")
        if url:
            from catalog.search.analysis import Synonyms
            from catalog.search.locks import FileLock
            from catalog.search.meili import MeilisearchIndex

            meili = MeilisearchIndex(url, os.environ.get("PORTAL_TEST_MEILI_KEY"),
                                     f"relevance_{uuid.uuid4().hex[:8]}",
                                     FileLock(Path(folder) / "meili.lock"),
                                     synonyms=Synonyms.load())
            reindex(engine, meili)  # type: ignore[arg-type]
            backends.append(("Meilisearch", meili))
        else:
            print("Meilisearch: not measured (set PORTAL_TEST_MEILI_URL to a server)")
        print(f"{len(queries)} queries ({QUERIES.relative_to(ROOT)})")
        for name, index in backends:
            print(f"{name}:")
            for half, (recall, mrr, count) in sorted(evaluate(engine, index, queries,
                                                              args.misses).items()):
                print(f"  {half:<10} {count:>3} queries  recall@10 {recall:.3f}  MRR {mrr:.3f}")


if __name__ == "__main__":
    main()
