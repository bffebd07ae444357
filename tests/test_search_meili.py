"""The Meilisearch backend's pure parts: index settings, documents, query translation and
response parsing; and its PostgreSQL writer lock on a real server. (No Meilisearch server runs
on the project's machines: the contract suite runs on it only when PORTAL_TEST_MEILI_URL is set.)"""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime

import pytest

from catalog.search.analysis import Synonyms, plan_query
from catalog.search.base import FACETS, MARK_END, MARK_START, RANGES, Range, SearchQuery, Sort
from catalog.search.locks import PostgresAdvisoryLock
from catalog.search.meili import (
    MeilisearchIndex,
    disjunctive_facets,
    facet_count_params,
    filter_expression,
    index_settings,
    kind_count_params,
    search_params,
    to_document,
    to_result,
)
from portal.config import Settings
from portal.state import build_search
from tests.records import search_doc


def test_settings_rank_title_then_keywords_then_text_and_declare_facets() -> None:
    settings = index_settings(Synonyms([["MHD", "městská hromadná doprava"]]))
    assert settings["searchableAttributes"] == [
        "title_norm", "keywords_norm", "description_norm", "extra_norm"]
    assert set(settings["filterableAttributes"]) == {"kind", *FACETS, *RANGES}
    assert set(settings["sortableAttributes"]) == {"sort_title", "modified"}
    assert settings["typoTolerance"]["minWordSizeForTypos"] == {"oneTypo": 5, "twoTypos": 9}
    assert settings["pagination"]["maxTotalHits"] >= 10_000
    # Synonyms both ways, analysed like the documents (lemmas without diacritics).
    assert settings["synonyms"] == {"mhd": ["mestsky hromadny doprava"],
                                    "mestsky hromadny doprava": ["mhd"]}
    assert "na" in settings["stopWords"]


def test_documents_carry_analysed_text_so_inflections_match() -> None:
    document = to_document(search_doc(3, "Muzea a galerie", description="V nádražích."))
    assert document["title_norm"].split() == ["muzea", "muzeum", "a", "galerie"]
    assert "nadrazi" in document["description_norm"].split()


@pytest.mark.parametrize(("text", "q"), [
    ("Muzeích", "muzeum"),        # a known inflected word: its lemma (no prefix needed)
    ("NADRAZI ", "nadrazi "),     # a finished word: the trailing space stops prefix matching
    ('"nádraží" OR (vlaky', "nadrazi or vlak"),  # only words reach it, never its syntax
    ("", ""),
])
def test_query_text_is_analysed(text: str, q: str) -> None:
    assert search_params(SearchQuery(text=text))["q"] == q


def test_document_has_a_valid_primary_key_and_flat_facets() -> None:
    document = to_document(search_doc(7, "Odjezdy vlaků", description="Z nádraží.",
                                      facets={"theme": ["TRAN"], "format": ["CSV"]}))
    assert document["uid"] == "dataset-7" and document["key"] == "dataset:7"
    assert document["theme"] == ["TRAN"] and document["licence"] == []
    assert document["title_text"] == "Odjezdy vlaků"
    assert document["description_text"] == "Z nádraží."
    json.dumps(document)  # serialisable as sent


def test_filters_are_and_across_facets_or_within_and_quote_every_value() -> None:
    query = SearchQuery(kinds=("dataset",), filters={
        "theme": ("TRAN", "ENVI"), "publisher": ('kraj" OR kind = "object',)})
    assert filter_expression(query, with_kinds=True) == [
        ['kind = "dataset"'],
        ['publisher = "kraj\\" OR kind = \\"object"'],
        ['theme = "TRAN"', 'theme = "ENVI"'],
    ]
    assert filter_expression(query, with_kinds=False)[0] == ['publisher = "kraj\\" OR kind = '
                                                             '\\"object"']
    assert filter_expression(query, with_kinds=True, without="theme") == [
        ['kind = "dataset"'], ['publisher = "kraj\\" OR kind = \\"object"']]


def test_documents_carry_their_timestamps_as_microsecond_numbers() -> None:
    document = to_document(dataclasses.replace(
        search_doc(7, "Odjezdy"), created=datetime(1970, 1, 1, 0, 0, 1),
        updated=datetime(2024, 1, 1, 0, 0, 0, 5)))
    assert document["created"] == 1_000_000
    assert document["updated"] == 1_704_067_200_000_005
    assert "created" not in to_document(search_doc(8, "Bez času"))


def test_ranges_become_inclusive_number_comparisons() -> None:
    query = SearchQuery(kinds=("dataset",), filters={"theme": ("TRAN",)}, ranges={
        "updated": Range(datetime(2024, 1, 1), datetime(2024, 2, 1), include_high=False),
        "created": Range(None, datetime(1970, 1, 1, 0, 0, 2), include_high=True)})
    assert filter_expression(query, with_kinds=True) == [
        ['kind = "dataset"'], ['theme = "TRAN"'], "created <= 2000000",
        "updated >= 1704067200000000", "updated <= 1706745599999999"]
    exclusive = SearchQuery(ranges={"updated": Range(datetime(1970, 1, 1), include_low=False)})
    assert filter_expression(exclusive, with_kinds=False) == ["updated >= 1"]
    with pytest.raises(ValueError):
        filter_expression(SearchQuery(ranges={"deleted": Range()}), with_kinds=False)


def test_a_backslash_cannot_escape_the_closing_quote() -> None:
    query = SearchQuery(filters={"keyword": ("konec\\",)})
    assert filter_expression(query, with_kinds=False) == [['keyword = "konec"']]


def test_filtered_facets_get_their_own_count_request() -> None:
    query = SearchQuery(text="vlak", filters={"theme": ("TRAN",), "format": ("CSV",)},
                        facets=("theme", "publisher"))
    assert disjunctive_facets(query) == ["theme"]
    params = facet_count_params(query, "theme")
    assert params["facets"] == ["theme"] and params["hitsPerPage"] == 0
    assert params["filter"] == [['format = "CSV"']]


def test_unknown_facet_is_refused() -> None:
    with pytest.raises(ValueError):
        filter_expression(SearchQuery(filters={"password": ("x",)}), with_kinds=True)


@pytest.mark.parametrize(("query", "sort", "page"), [
    (SearchQuery(text="nadrazi", offset=40, limit=20), None, 3),
    (SearchQuery(text="", limit=20), ["modified:desc"], 1),
    (SearchQuery(text="sklo", sort=Sort.NEWEST), ["modified:desc"], 1),
    (SearchQuery(text="sklo", sort=Sort.TITLE, offset=10, limit=10), ["sort_title:asc"], 2),
])
def test_search_params_page_sort_and_highlight(query: SearchQuery, sort: list | None,
                                               page: int) -> None:
    params = search_params(query)
    assert params.get("sort") == sort
    assert (params["page"], params["hitsPerPage"]) == (page, query.limit)
    counts = kind_count_params(query)
    assert counts["facets"] == ["kind"] and counts["hitsPerPage"] == 0


def test_response_becomes_our_result() -> None:
    response = {
        "hits": [{"uid": "dataset-1", "key": "dataset:1", "kind": "dataset", "id": 1,
                  "url_key": "odjezdy", "title": {"cs": "Odjezdy"},
                  "description": {"cs": "Ze stanice nádraží Liberec."},
                  "facets": {"theme": ["TRAN"]}}],
        "totalHits": 41, "page": 1, "hitsPerPage": 20,
        "facetDistribution": {"theme": {"ENVI": 3, "TRAN": 38}},
    }
    counts = {"totalHits": 50, "facetDistribution": {"kind": {"dataset": 41, "object": 9}}}
    own = {"theme": {"facetDistribution": {"theme": {"TRAN": 38, "ENVI": 12, "ECON": 4}}}}
    result = to_result(response, counts, ("theme", "format"), own, plan_query("nadrazi"))
    assert result.total == 41
    assert result.hits[0].url_key == "odjezdy"
    assert f"{MARK_START}nádraží{MARK_END}" in result.hits[0].snippet
    assert [(c.value, c.count) for c in result.facets["theme"]] == [
        ("TRAN", 38), ("ENVI", 12), ("ECON", 4)]
    assert result.facets["format"] == []
    assert result.kind_counts == {"dataset": 41, "object": 9}


def test_configuration_selects_meilisearch_with_a_database_lock(tmp_path) -> None:
    settings = Settings.from_env({"PORTAL_INSTANCE_PATH": str(tmp_path),
                                  "PORTAL_SEARCH_BACKEND": "meilisearch",
                                  "PORTAL_MEILI_URL": "http://127.0.0.1:7700"})
    from catalog.db import make_engine

    index = build_search(settings, make_engine("postgresql+psycopg://u@127.0.0.1/x"))
    assert isinstance(index, MeilisearchIndex)
    assert isinstance(index.lock, PostgresAdvisoryLock)


def test_advisory_lock_admits_one_writer(postgres_url: str) -> None:
    from catalog.db import make_engine

    engine = make_engine(postgres_url)
    first, second = PostgresAdvisoryLock(engine, "w"), PostgresAdvisoryLock(engine, "w")
    with first.hold(wait=False) as held:
        assert held
        with second.hold(wait=False) as also:
            assert also is False
    with second.hold(wait=False) as now:
        assert now
    engine.dispose()


def test_reuses_are_filtered_as_their_own_kind() -> None:
    query = SearchQuery(kinds=("dataset", "reuse"))
    assert filter_expression(query, with_kinds=True) == [['kind = "dataset"', 'kind = "reuse"']]
    assert kind_count_params(query)["facets"] == ["kind"]
