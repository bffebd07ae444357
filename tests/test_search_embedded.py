"""The embedded search index: diacritics folded both ways, prefixes, facets with counts,
filters, sorting, highlighting, hostile queries, and one writer at a time across processes."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from catalog.search.base import MARK_END, MARK_START, SearchDocument, SearchQuery, Sort
from catalog.search.collation import czech_sort_key
from catalog.search.embedded import SqliteFtsIndex, fts_expression


def doc(doc_id: int, title: str, *, kind: str = "dataset", description: str = "",
        keywords: tuple[str, ...] = (), facets: dict | None = None,
        modified: str = "2026-01-01") -> SearchDocument:
    return SearchDocument(kind=kind, id=doc_id, url_key=f"k{doc_id}", title={"cs": title},
                          description={"cs": description}, keywords=list(keywords), text="",
                          facets=facets or {}, sort_title=czech_sort_key(title),
                          modified=modified, version=f"v{doc_id}")


@pytest.fixture
def filled(index: SqliteFtsIndex) -> SqliteFtsIndex:
    index.upsert([
        doc(1, "Odjezdy vlaků z Liberce, hlavní nádraží", keywords=("vlaky",),
            facets={"theme": ["TRAN"], "format": ["CSV"], "publisher": ["kraj"]},
            modified="2026-05-01"),
        doc(2, "Parkoviště u nadrazi v Jablonci", facets={"theme": ["TRAN"], "format": ["JSON"],
            "publisher": ["jablonec"]}, modified="2026-07-01"),
        doc(3, "Spotřeba energie budov kraje", description="Elektřina a plyn v budovách.",
            facets={"theme": ["ENER"], "format": ["CSV", "XLSX"], "publisher": ["kraj"]},
            modified="2025-01-01"),
        doc(4, "Chrpa modrá", kind="object", facets={"institution": ["muzeum"]}),
        doc(5, "Cukřenka z broušeného skla", kind="object", facets={"institution": ["muzeum"]}),
    ])
    return index


def titles(result) -> list[str]:
    return [hit.title["cs"] for hit in result.hits]


def test_query_without_diacritics_finds_text_with_them(filled: SqliteFtsIndex) -> None:
    result = filled.search(SearchQuery(text="nadrazi"))
    assert set(titles(result)) == {"Odjezdy vlaků z Liberce, hlavní nádraží",
                                   "Parkoviště u nadrazi v Jablonci"}


def test_query_with_diacritics_finds_text_without_them(filled: SqliteFtsIndex) -> None:
    result = filled.search(SearchQuery(text="NÁDRAŽÍ Jablon"))
    assert titles(result) == ["Parkoviště u nadrazi v Jablonci"]


def test_prefix_of_a_word_matches(filled: SqliteFtsIndex) -> None:
    assert titles(filled.search(SearchQuery(text="spotř"))) == ["Spotřeba energie budov kraje"]
    assert titles(filled.search(SearchQuery(text="elektr"))) == ["Spotřeba energie budov kraje"]


def test_all_words_must_match(filled: SqliteFtsIndex) -> None:
    assert filled.search(SearchQuery(text="nadrazi energie")).total == 0


def test_facet_counts_cover_the_whole_result_not_just_the_page(filled: SqliteFtsIndex) -> None:
    result = filled.search(SearchQuery(kinds=("dataset",), facets=("theme", "format"), limit=1))
    assert result.total == 3 and len(result.hits) == 1
    assert {(c.value, c.count) for c in result.facets["theme"]} == {("TRAN", 2), ("ENER", 1)}
    assert {(c.value, c.count) for c in result.facets["format"]} == {
        ("CSV", 2), ("JSON", 1), ("XLSX", 1)}


def test_filters_combine_and_within_a_facet_or(filled: SqliteFtsIndex) -> None:
    both = filled.search(SearchQuery(filters={"theme": ("TRAN",), "publisher": ("kraj",)}))
    assert titles(both) == ["Odjezdy vlaků z Liberce, hlavní nádraží"]
    either = filled.search(SearchQuery(filters={"format": ("JSON", "XLSX")}))
    assert {h.id for h in either.hits} == {2, 3}


def test_kind_counts_are_reported_before_the_kind_filter(filled: SqliteFtsIndex) -> None:
    result = filled.search(SearchQuery(kinds=("object",)))
    assert result.total == 2
    assert result.kind_counts == {"dataset": 3, "object": 2}


def test_sort_by_title_follows_czech_alphabet(filled: SqliteFtsIndex) -> None:
    result = filled.search(SearchQuery(kinds=("object",), sort=Sort.TITLE))
    assert titles(result) == ["Cukřenka z broušeného skla", "Chrpa modrá"]


def test_newest_first_without_a_query(filled: SqliteFtsIndex) -> None:
    assert [h.id for h in filled.search(SearchQuery(kinds=("dataset",))).hits] == [2, 1, 3]


def test_snippet_marks_the_matched_words(filled: SqliteFtsIndex) -> None:
    hit = filled.search(SearchQuery(text="plyn")).hits[0]
    assert f"{MARK_START}plyn{MARK_END}" in hit.snippet


def test_upsert_replaces_and_delete_removes(filled: SqliteFtsIndex) -> None:
    filled.upsert([doc(1, "Příjezdy autobusů", facets={"theme": ["TRAN"]})])
    assert filled.search(SearchQuery(text="odjezdy")).total == 0
    assert filled.search(SearchQuery(text="autobusu")).total == 1
    filled.delete(["dataset:1"])
    assert filled.search(SearchQuery(text="autobusu")).total == 0
    assert ("dataset:1", "v1") not in set(filled.versions())


@pytest.mark.parametrize("query", [
    '"', "nádraží\"", "a OR b", "NOT", "title:x", "(((", "*", "^x", "x NEAR y",
    "'; DROP TABLE docs; --", "\x00\x01", "💥", "a" * 10_000, "- + :",
])
def test_hostile_queries_never_reach_the_engine_as_syntax(filled: SqliteFtsIndex,
                                                          query: str) -> None:
    result = filled.search(SearchQuery(text=query, facets=("theme",)))
    assert result.total >= 0
    assert filled.search(SearchQuery()).total == 5, "the index is intact"


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
