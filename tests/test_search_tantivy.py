"""The embedded tantivy index's own behaviour beyond the shared contract: results are kept for
repeated queries only while no commit (by any process) has changed the index."""

from __future__ import annotations

from pathlib import Path

from catalog.search.base import SearchQuery
from catalog.search.tantivy_index import TantivyIndex
from tests.records import search_doc as doc


def test_kept_results_end_with_a_commit_by_any_process(tmp_path: Path) -> None:
    reader = TantivyIndex(tmp_path / "index")
    writer = TantivyIndex(tmp_path / "index")  # another worker or the harvester's process
    with writer.writer(wait=True):
        writer.upsert([doc(1, "Jízdní řády", facets={"theme": ["TRAN"]})])
    query = SearchQuery(text="jizdni", facets=("theme",))
    first = reader.search(query)
    assert reader.search(query) is first, "the same query on the same commit is answered again"
    with writer.writer(wait=True):
        writer.upsert([doc(2, "Jízdní kola", facets={"theme": ["TRAN"]})])
    after = reader.search(query)
    assert after.total == 2 and [c.count for c in after.facets["theme"]] == [2]
    filtered = SearchQuery(text="jizdni", filters={"theme": ("TRAN",)}, facets=("theme",))
    assert reader.search(filtered).total == 2
