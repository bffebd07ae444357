"""What is particular to the embedded index: its query expression, a missing file, and one
writer at a time across processes."""

from __future__ import annotations

import dataclasses
import multiprocessing
from datetime import datetime
from pathlib import Path

import pytest

from catalog.search.base import Range, SearchQuery
from catalog.search.embedded import SqliteFtsIndex, fts_expression
from tests.records import reuse_search_doc
from tests.records import search_doc as doc


def test_fts_expression_quotes_every_word() -> None:
    assert fts_expression('nádraží" OR x*') == '"nádraží"* "OR"* "x"*'
    assert fts_expression("  --  ") is None


def test_missing_index_reports_unavailable(tmp_path: Path) -> None:
    from catalog.search.base import SearchUnavailable

    with pytest.raises(SearchUnavailable):
        SqliteFtsIndex(tmp_path / "none.sqlite3").search(SearchQuery(text="x"))


def _hold_writer(path: str, started: multiprocessing.synchronize.Event,
                 release: multiprocessing.synchronize.Event) -> None:
    index = SqliteFtsIndex(Path(path))
    with index.writer(wait=True) as acquired:
        assert acquired
        started.set()
        release.wait(20)


def test_only_one_process_holds_the_writer_role(tmp_path: Path) -> None:
    path = tmp_path / "search.sqlite3"
    ctx = multiprocessing.get_context("spawn")
    started, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=_hold_writer, args=(str(path), started, release))
    holder.start()
    try:
        assert started.wait(30)
        with SqliteFtsIndex(path).writer(wait=False) as acquired:
            assert acquired is False
    finally:
        release.set()
        holder.join(30)
    with SqliteFtsIndex(path).writer(wait=False) as acquired:
        assert acquired is True


def _write_many(path: str, start: int) -> None:
    index = SqliteFtsIndex(Path(path))
    for n in range(start, start + 40):
        with index.writer(wait=True):
            index.upsert([doc(n, f"Dokument číslo {n}", facets={"theme": ["TRAN"]})])


def test_concurrent_writer_processes_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "search.sqlite3"
    ctx = multiprocessing.get_context("spawn")
    workers = [ctx.Process(target=_write_many, args=(str(path), start)) for start in (0, 1000)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    result = SqliteFtsIndex(path).search(SearchQuery(text="dokument", facets=("theme",)))
    assert result.total == 80
    assert result.facets["theme"][0].count == 80


def test_index_of_an_older_schema_is_recreated_empty(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "search.sqlite3"
    old = sqlite3.connect(path)
    old.executescript("CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);"
                      "INSERT INTO meta VALUES ('schema', '1');"
                      "CREATE VIRTUAL TABLE docs_fts USING fts5(title, keywords, body);")
    old.close()
    index = SqliteFtsIndex(path)
    index.upsert([doc(1, "Nádraží")])
    assert index.search(SearchQuery(text="nadrazi")).total == 1


def test_ranges_bound_the_record_timestamps(tmp_path: Path) -> None:
    index = SqliteFtsIndex(tmp_path / "search.sqlite3")
    index.upsert([dataclasses.replace(doc(n, f"Sada {n}"), created=datetime(2024, 1, n),
                                      updated=datetime(2024, 2, n)) for n in (1, 2, 3)])
    result = index.search(SearchQuery(ranges={
        "updated": Range(datetime(2024, 2, 2), include_low=False),
        "created": Range(None, datetime(2024, 1, 3))}))
    assert [h.id for h in result.hits] == [3] and result.total == 1


def test_reuses_are_found_and_removed_as_their_own_kind(tmp_path: Path) -> None:
    index = SqliteFtsIndex(tmp_path / "search.sqlite3")
    index.upsert([doc(1, "Odjezdy vlaků"), reuse_search_doc(2, "Departure board")])
    found = index.search(SearchQuery(text="board"))
    assert [(h.kind, h.id) for h in found.hits] == [("reuse", 2)]
    assert index.search(SearchQuery(kinds=("reuse",))).kind_counts == {"dataset": 1, "reuse": 1}
    index.delete(["reuse:2"])
    assert index.search(SearchQuery(kinds=("reuse",))).total == 0
