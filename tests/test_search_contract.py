"""The contract every search backend meets: diacritics folded both ways, prefixes, facets with
counts, filters, sorting, highlighting, replacement and deletion, hostile queries. It runs on the
embedded index always and on Meilisearch when PORTAL_TEST_MEILI_URL names a server."""

from __future__ import annotations

import dataclasses
import os
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from catalog.search.base import MARK_END, MARK_START, Range, SearchIndex, SearchQuery, Sort
from catalog.search.locks import FileLock
from catalog.search.meili import MeilisearchIndex
from catalog.search.tantivy_index import TantivyIndex
from tests.records import reuse_search_doc as reuse_doc
from tests.records import search_doc as doc

MEILI_VARIABLE = "PORTAL_TEST_MEILI_URL"


@pytest.fixture(params=["embedded", "meilisearch"])
def search_index(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SearchIndex]:
    if request.param == "embedded":
        yield TantivyIndex(tmp_path / "search-index")
        return
    url = os.environ.get(MEILI_VARIABLE)
    if not url:
        pytest.skip(f"the Meilisearch contract run needs {MEILI_VARIABLE} (a server URL; "
                    "PORTAL_TEST_MEILI_KEY for its key)")
    index = MeilisearchIndex(url, os.environ.get("PORTAL_TEST_MEILI_KEY"),
                             f"test_{uuid.uuid4().hex[:12]}", FileLock(tmp_path / "w.lock"))
    index.configure()
    yield index
    index.client.delete_index(index.index_uid)


@pytest.fixture
def filled(search_index: SearchIndex) -> SearchIndex:
    index = search_index
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


def test_query_without_diacritics_finds_text_with_them(filled: SearchIndex) -> None:
    result = filled.search(SearchQuery(text="nadrazi"))
    assert set(titles(result)) == {"Odjezdy vlaků z Liberce, hlavní nádraží",
                                   "Parkoviště u nadrazi v Jablonci"}


def test_query_with_diacritics_finds_text_without_them(filled: SearchIndex) -> None:
    result = filled.search(SearchQuery(text="NÁDRAŽÍ Jablon"))
    assert titles(result) == ["Parkoviště u nadrazi v Jablonci"]


def test_prefix_of_a_word_matches(filled: SearchIndex) -> None:
    assert titles(filled.search(SearchQuery(text="spotř"))) == ["Spotřeba energie budov kraje"]
    assert titles(filled.search(SearchQuery(text="elektr"))) == ["Spotřeba energie budov kraje"]


def test_all_words_must_match(filled: SearchIndex) -> None:
    assert filled.search(SearchQuery(text="nadrazi energie")).total == 0


def test_facet_counts_cover_the_whole_result_not_just_the_page(filled: SearchIndex) -> None:
    result = filled.search(SearchQuery(kinds=("dataset",), facets=("theme", "format"), limit=1))
    assert result.total == 3 and len(result.hits) == 1
    assert {(c.value, c.count) for c in result.facets["theme"]} == {("TRAN", 2), ("ENER", 1)}
    assert {(c.value, c.count) for c in result.facets["format"]} == {
        ("CSV", 2), ("JSON", 1), ("XLSX", 1)}


def test_facet_counts_ignore_their_own_filter_but_honour_the_others(
        filled: SearchIndex) -> None:
    result = filled.search(SearchQuery(kinds=("dataset",), filters={"theme": ("TRAN",)},
                                       facets=("theme", "format")))
    assert result.total == 2
    # Ticking ENER as well would add one result: its count must still be offered.
    assert {(c.value, c.count) for c in result.facets["theme"]} == {("TRAN", 2), ("ENER", 1)}
    assert {(c.value, c.count) for c in result.facets["format"]} == {("CSV", 1), ("JSON", 1)}


def test_filters_combine_and_within_a_facet_or(filled: SearchIndex) -> None:
    both = filled.search(SearchQuery(filters={"theme": ("TRAN",), "publisher": ("kraj",)}))
    assert titles(both) == ["Odjezdy vlaků z Liberce, hlavní nádraží"]
    either = filled.search(SearchQuery(filters={"format": ("JSON", "XLSX")}))
    assert {h.id for h in either.hits} == {2, 3}


def test_ranges_bound_the_record_timestamps(search_index: SearchIndex) -> None:
    stamps = [datetime(2024, 1, 1), datetime(2024, 6, 1, 12, 30), datetime(2025, 1, 1)]
    search_index.upsert([dataclasses.replace(
        doc(n, f"Sada {n}", facets={"theme": ["TRAN" if n < 2 else "ENVI"]}),
        created=stamp - timedelta(days=30), updated=stamp) for n, stamp in enumerate(stamps)]
        + [doc(9, "Sada bez času")])

    def ids(**ranges: Range) -> set[int]:
        return {h.id for h in search_index.search(SearchQuery(ranges=ranges)).hits}

    assert ids(updated=Range(datetime(2024, 6, 1, 12, 30))) == {1, 2}
    assert ids(updated=Range(datetime(2024, 6, 1, 12, 30), include_low=False)) == {2}
    assert ids(updated=Range(None, datetime(2024, 6, 1, 12, 30), include_high=False)) == {0}
    assert ids(updated=Range(datetime(2024, 2, 1), datetime(2024, 12, 31))) == {1}
    assert ids(created=Range(datetime(2024, 12, 1)), updated=Range(None, datetime(2026, 1, 1))
               ) == {2}
    assert ids(updated=Range(datetime(2025, 1, 1), datetime(2024, 1, 1))) == set()
    counted = search_index.search(SearchQuery(
        ranges={"updated": Range(datetime(2024, 3, 1))}, facets=("theme",)))
    assert counted.total == 2
    assert {(c.value, c.count) for c in counted.facets["theme"]} == {("TRAN", 1), ("ENVI", 1)}


def test_snippets_are_left_out_when_not_wanted(filled: SearchIndex) -> None:
    hit = filled.search(SearchQuery(text="plyn", snippets=False)).hits[0]
    assert hit.title["cs"] == "Spotřeba energie budov kraje" and hit.snippet == ""


def test_a_count_asks_for_no_hits(filled: SearchIndex) -> None:
    counted = filled.search(SearchQuery(kinds=("dataset",), limit=0))
    assert counted.total == 3 and counted.hits == []
    filled.upsert([doc(6, "Nová sada")])  # a count kept by the backend follows each change
    assert filled.search(SearchQuery(kinds=("dataset",), limit=0)).total == 4
    filled.delete(["dataset:1", "dataset:6"])
    assert filled.search(SearchQuery(kinds=("dataset",), limit=0)).total == 2


def test_kind_counts_are_reported_before_the_kind_filter(filled: SearchIndex) -> None:
    result = filled.search(SearchQuery(kinds=("object",)))
    assert result.total == 2
    assert result.kind_counts == {"dataset": 3, "object": 2}


def test_sort_by_title_follows_czech_alphabet(filled: SearchIndex) -> None:
    result = filled.search(SearchQuery(kinds=("object",), sort=Sort.TITLE))
    assert titles(result) == ["Cukřenka z broušeného skla", "Chrpa modrá"]


def test_newest_first_without_a_query(filled: SearchIndex) -> None:
    assert [h.id for h in filled.search(SearchQuery(kinds=("dataset",))).hits] == [2, 1, 3]


def test_snippet_marks_the_matched_words(filled: SearchIndex) -> None:
    hit = filled.search(SearchQuery(text="plyn")).hits[0]
    assert f"{MARK_START}plyn{MARK_END}" in hit.snippet


def test_upsert_replaces_and_delete_removes(filled: SearchIndex) -> None:
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
def test_hostile_queries_never_reach_the_engine_as_syntax(filled: SearchIndex,
                                                          query: str) -> None:
    result = filled.search(SearchQuery(text=query, facets=("theme",)))
    assert result.total >= 0
    assert filled.search(SearchQuery()).total == 5, "the index is intact"




@pytest.fixture
def czech(search_index: SearchIndex) -> SearchIndex:
    search_index.upsert([
        doc(11, "Severočeské muzeum v Liberci", kind="institution"),
        doc(12, "Vlakové nádraží Turnov", description="Odjezdy z nádraží."),
        doc(13, "Zastávky městské hromadné dopravy", keywords=("doprava",)),
        doc(14, "Automatizované defibrilátory", description="Kde je nejbližší AED."),
        doc(15, "Jízdní řády ve formátu GTFS"),
        doc(16, "Muzejní sbírka skla"),
    ])
    return search_index


@pytest.mark.parametrize(("text", "key"), [
    ("muzea", 11), ("muzeích", 11), ("nádražím", 12), ("NADRAZIM", 12),
])
def test_inflected_forms_find_the_dictionary_form(czech: SearchIndex, text: str,
                                                  key: int) -> None:
    assert key in [hit.id for hit in czech.search(SearchQuery(text=text)).hits]


@pytest.mark.parametrize(("text", "key", "found"), [
    ("defibrilatry", 14, True),     # one typo (a deletion) in a 12-letter word
    ("defibrilatro", 14, True),     # a transposition counts as one typo
    ("defybrylatory", 14, True),    # two typos: allowed from 9 letters
    ("defxbxlxtory", 14, False),    # three typos: too many
    ("muzem", 11, True),            # one typo allowed from 5 letters
    ("sklp", 16, False),            # none below 5 letters
])
def test_typos_are_tolerated_by_word_length(czech: SearchIndex, text: str, key: int,
                                            found: bool) -> None:
    # The trailing space: a finished word, not a prefix being typed.
    hits = {hit.id for hit in czech.search(SearchQuery(text=text + " ")).hits}
    assert (key in hits) is found


def test_an_exact_title_match_outranks_a_typo(czech: SearchIndex) -> None:
    czech.upsert([doc(17, "Defibrilátor", kind="object")])
    hits = czech.search(SearchQuery(text="defibrilator ")).hits
    assert hits[0].id == 17


def test_synonyms_from_the_configuration_match_both_ways(czech: SearchIndex) -> None:
    assert 13 in {h.id for h in czech.search(SearchQuery(text="MHD")).hits}
    assert 15 in {h.id for h in czech.search(SearchQuery(text="jízdní řády")).hits}
    assert 15 in {h.id for h in czech.search(SearchQuery(text="gtfs")).hits}


def test_pages_are_stable_and_cover_every_result_once(search_index: SearchIndex) -> None:
    search_index.upsert([doc(n, f"Záznam {n}", modified=f"2026-01-{1 + n % 5:02d}")
                         for n in range(1, 24)])
    for sort in Sort:
        seen = []
        for offset in range(0, 30, 7):
            page = search_index.search(SearchQuery(text="zaznam", sort=sort, offset=offset,
                                                   limit=7))
            assert page.total == 23
            seen += [h.id for h in page.hits]
        assert sorted(seen) == list(range(1, 24)), sort


def test_reuses_are_a_kind_found_by_their_own_language_and_type(filled: SearchIndex) -> None:
    filled.upsert([reuse_doc(1, "Departure board"), reuse_doc(2, "Zebra map")])
    found = filled.search(SearchQuery(text="board"))
    assert [(h.kind, h.id, h.title) for h in found.hits] == [
        ("reuse", 1, {"en": "Departure board"})]
    assert filled.search(SearchQuery(text="aplikace", kinds=("reuse",))).total == 2  # type words
    assert filled.search(SearchQuery(kinds=("dataset",))).kind_counts["reuse"] == 2
    only = filled.search(SearchQuery(kinds=("reuse",), sort=Sort.TITLE))
    assert [h.id for h in only.hits] == [1, 2]  # sorted by the English title
    filled.delete(["reuse:1"])
    assert filled.search(SearchQuery(text="board")).total == 0
