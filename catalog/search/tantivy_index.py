"""The embedded search backend: a tantivy index in its own folder, no service to run.

Chosen over SQLite FTS5 by measurement (``benchmarks/search.py``): at a million documents a
frequent word with facet counts takes milliseconds, not the best part of a second. Czech is
analysed in Python (``analysis``) and indexed as plain terms; typos and prefixes are tantivy's
fuzzy and prefix automata over one combined field, while exact terms score per field (title >
keywords > description). One writer at a time: the writer role is an exclusive ``flock`` beside
the folder, and tantivy's own writer lock backs it; readers in any process reload the last
commit before each query and never wait.
"""

from __future__ import annotations

import json
import logging
import shutil
import threading
from collections import OrderedDict
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any

import tantivy

from catalog.search.analysis import (
    QueryPlan,
    QueryWord,
    Synonyms,
    highlight,
    index_text,
    plan_query,
)
from catalog.search.base import (
    FACETS,
    KINDS,
    RANGES,
    FacetCount,
    Hit,
    Range,
    SearchDocument,
    SearchQuery,
    SearchResult,
    SearchUnavailable,
    Sort,
    timestamp_number,
)
from catalog.search.locks import FileLock

log = logging.getLogger(__name__)
SCHEMA_VERSION = 3  # 2: the place and maker facets of collection objects; 3: record timestamps
SCHEMA_FILE = "portal-search.json"
FACET_LIMIT = 50
RESULTS_KEPT = 256  # per process, of the current commit
# Exact terms score BM25 per field with these weights; a prefix or a typo matches the combined
# field with a constant score below any exact match in a title.
WEIGHTS = {"title": 8.0, "keywords": 4.0, "description": 1.0, "extra": 1.0}
PREFIX_BOOST = 0.6
TITLE_PREFIX_BOOST = 2.0  # tuned on the tuning half of the relevance query set
TYPO_BOOST = 0.3
SYNONYM_BOOST = 0.8
WRITER_HEAP = 64_000_000
SORT_SYMBOLS = 10  # letters of the Czech sort key packed into a 64-bit sort field


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("key", stored=True, tokenizer_name="raw")
    builder.add_text_field("kind", fast=True, tokenizer_name="raw")
    for name in WEIGHTS:
        builder.add_text_field(name, tokenizer_name="default", index_option="freq")
    builder.add_text_field("all", tokenizer_name="default", index_option="basic")
    for facet in FACETS:
        builder.add_text_field(f"f_{facet}", fast=True, tokenizer_name="raw",
                               index_option="basic")
    builder.add_unsigned_field("modified", fast=True)
    for name in RANGES:
        builder.add_integer_field(name, fast=True)
    builder.add_unsigned_field("sort_title", fast=True)
    builder.add_bytes_field("payload", stored=True)
    return builder.build()


def sort_number(sort_key: str) -> int:
    """The first letters of a ``czech_sort_key`` as one number in the same order."""
    primary = sort_key.split("!", 1)[0]
    digits = [int(primary[i:i + 2]) for i in range(0, len(primary), 2)][:SORT_SYMBOLS]
    number = 0
    for position in range(SORT_SYMBOLS):
        number = number * 61 + (digits[position] if position < len(digits) else 0)
    return number


def date_number(iso_date: str) -> int:
    """``2026-05-01`` → 20260501 (0 for no date: sorts last among the newest)."""
    digits = "".join(ch for ch in iso_date[:10] if ch.isdigit())
    return int(digits) if len(digits) == 8 else 0


def _result_key(query: SearchQuery) -> tuple[Any, ...]:
    return (query.text, query.kinds, tuple(sorted((k, tuple(v)) for k, v in
                                                  query.filters.items())),
            tuple(sorted((k, repr(v)) for k, v in query.ranges.items())),
            query.facets, query.sort, query.offset, query.limit, query.snippets)


class TantivyIndex:
    """``SearchIndex`` on a tantivy index folder."""

    def __init__(self, path: Path, synonyms: Synonyms | None = None) -> None:
        self.path = Path(path)
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        self.synonyms = synonyms if synonyms is not None else Synonyms.load()
        self.schema = _schema()
        self._index: tantivy.Index | None = None
        self._searcher: tantivy.Searcher | None = None
        self._seen: tuple[int, int, int] | None = None  # meta.json as last loaded
        self._writer: tantivy.IndexWriter | None = None
        self._holding = False
        # Results of the last commit's most recent queries (the listing pages everyone opens:
        # no query, a theme, a publisher): a commit by any process starts afresh.
        self._results: OrderedDict[tuple[Any, ...], SearchResult] = OrderedDict()
        self._results_of: tuple[int, int, int] | None = None
        self._results_lock = threading.Lock()

    # -- opening ------------------------------------------------------------------------

    def _version_ok(self) -> bool:
        marker = self.path / SCHEMA_FILE
        try:
            return bool(json.loads(marker.read_text())["schema"] == SCHEMA_VERSION)
        except (OSError, ValueError, KeyError, TypeError):
            return False

    def _open_for_write(self) -> tantivy.Index:
        if not self._version_ok():
            if self.path.exists():
                log.warning("search index %s has an old schema: recreating it; run "
                            "`portal search reindex`", self.path)
                shutil.rmtree(self.path)
            self.path.mkdir(parents=True, exist_ok=True)
            tantivy.Index(self.schema, path=str(self.path), reuse=False)
            (self.path / SCHEMA_FILE).write_text(json.dumps({"schema": SCHEMA_VERSION}))
            self._index = None
        return self._open()

    def _open(self) -> tantivy.Index:
        try:
            meta = (self.path / "meta.json").stat()
        except OSError:
            meta = None
        if meta is None or not self._version_ok():
            self._index = self._searcher = None
            raise SearchUnavailable(f"the search index {self.path} has not been built")
        try:
            if self._index is None:
                self._index = tantivy.Index(self.schema, path=str(self.path), reuse=True)
                self._searcher = None
            seen = (meta.st_ino, meta.st_mtime_ns, meta.st_size)  # replaced on each commit
            if seen != self._seen:  # a commit (by any process) since the last query
                self._index.reload()
                self._searcher, self._seen = None, seen
        except (OSError, ValueError) as exc:
            self._index = self._searcher = None
            raise SearchUnavailable(f"the search index {self.path} cannot be read: {exc}") \
                from exc
        return self._index

    def _current(self) -> tantivy.Searcher:
        """A searcher on the last commit, kept between queries while nothing changed (a new
        one starts with cold caches)."""
        index = self._open()
        if self._searcher is None:
            self._searcher = index.searcher()
        return self._searcher

    # -- the writer role ----------------------------------------------------------------

    @contextmanager
    def _hold(self, *, wait: bool) -> Iterator[bool]:
        with FileLock(self.lock_path).hold(wait=wait) as acquired:
            if not acquired:
                yield False
                return
            self._holding = True
            try:
                yield True
            finally:
                self._holding = False
                self._close_writer()

    def writer(self, *, wait: bool) -> AbstractContextManager[bool]:
        if self._holding:  # held already (like a second flock in this process): refused
            return nullcontext(False)
        return self._hold(wait=wait)

    def _close_writer(self) -> None:
        if self._writer is not None:
            writer, self._writer = self._writer, None
            writer.wait_merging_threads()

    def _write(self, change: Any) -> None:
        """Run ``change(writer)`` and commit, holding the writer role for the call if this
        object does not hold it already."""
        with nullcontext(True) if self._holding else self._hold(wait=True):
            index = self._open_for_write()
            if self._writer is None:
                self._writer = index.writer(heap_size=WRITER_HEAP, num_threads=1)
            try:
                change(self._writer)
                self._writer.commit()
            except BaseException:
                self._writer.rollback()
                raise

    # -- writes -------------------------------------------------------------------------

    def upsert(self, documents: Sequence[SearchDocument]) -> None:
        if not documents:
            return

        def change(writer: tantivy.IndexWriter) -> None:
            for doc in documents:
                writer.delete_documents_by_term("key", doc.key)
                writer.add_document(self._document(doc))

        self._write(change)

    def _document(self, doc: SearchDocument) -> tantivy.Document:
        texts = {
            "title": index_text(*doc.title.values()),
            "keywords": index_text(*doc.keywords),
            "description": index_text(*doc.description.values()),
            "extra": index_text(doc.text),
        }
        payload = json.dumps({"kind": doc.kind, "id": doc.id, "url_key": doc.url_key,
                              "title": doc.title, "description": doc.description,
                              "facets": doc.facets, "version": doc.version},
                             ensure_ascii=False).encode()
        document = tantivy.Document(key=doc.key, kind=doc.kind, **texts,
                                    all=" ".join(texts.values()))
        document.add_unsigned("modified", date_number(doc.modified))
        document.add_unsigned("sort_title", sort_number(doc.sort_title))
        for name in RANGES:
            stamp = getattr(doc, name)
            if stamp is not None:
                document.add_integer(name, timestamp_number(stamp))
        document.add_bytes("payload", payload)
        for facet, values in doc.facets.items():
            if facet in FACETS:
                for value in values:
                    document.add_text(f"f_{facet}", value)
        return document

    def delete(self, keys: Sequence[str]) -> None:
        if not keys:
            return

        def change(writer: tantivy.IndexWriter) -> None:
            for key in keys:
                writer.delete_documents_by_term("key", key)

        self._write(change)

    def clear(self) -> None:
        self._write(lambda writer: writer.delete_all_documents())

    # -- reads --------------------------------------------------------------------------

    def ping(self) -> None:
        self._current()

    def versions(self) -> Iterator[tuple[str, str]]:
        try:
            searcher = self._current()
        except SearchUnavailable:
            return  # never built: it holds nothing, so every record will show as missing
        total = searcher.num_docs
        if not total:
            return
        result = searcher.search(tantivy.Query.all_query(), limit=total, count=False)
        pairs = []
        for _score, address in result.hits:
            payload = json.loads(bytes(searcher.doc(address)["payload"][0]))
            pairs.append((f"{payload['kind']}:{payload['id']}", payload["version"]))
        yield from sorted(pairs)

    def search(self, query: SearchQuery) -> SearchResult:
        searcher = self._current()
        commit, key = self._seen, _result_key(query)
        with self._results_lock:
            if self._results_of != commit:
                self._results.clear()
                self._results_of = commit
            found = self._results.get(key)
            if found is not None:
                self._results.move_to_end(key)
                return found
        try:
            result = self._search(searcher, query)
        except (ValueError, OSError) as exc:
            raise SearchUnavailable(f"search failed: {exc}") from exc
        with self._results_lock:
            if self._results_of == commit:
                self._results[key] = result
                if len(self._results) > RESULTS_KEPT:
                    self._results.popitem(last=False)
        return result

    # -- query building -----------------------------------------------------------------

    def _word_query(self, word: QueryWord) -> tantivy.Query:
        Q = tantivy.Query
        clauses = []
        for field, weight in WEIGHTS.items():
            for term in word.terms:
                clauses.append(Q.boost_query(Q.term_query(self.schema, field, term), weight))
        if word.prefix:
            clauses.append(Q.boost_query(Q.fuzzy_term_query(
                self.schema, "all", word.surface, distance=0, prefix=True), PREFIX_BOOST))
            # As-you-type: a title starting a word with it first.
            clauses.append(Q.boost_query(Q.fuzzy_term_query(
                self.schema, "title", word.surface, distance=0, prefix=True),
                TITLE_PREFIX_BOOST))
        if word.typos:
            clauses.append(Q.boost_query(Q.fuzzy_term_query(
                self.schema, "all", word.surface, distance=word.typos,
                transposition_cost_one=True, prefix=word.prefix), TYPO_BOOST))
        return Q.boolean_query([(tantivy.Occur.Should, c) for c in clauses])

    def _text_query(self, plan: QueryPlan) -> tantivy.Query:
        Q = tantivy.Query
        if plan.empty:
            return Q.all_query()
        alternatives = []
        for number, words in enumerate(plan.alternatives):
            query = Q.boolean_query([(tantivy.Occur.Must, self._word_query(w)) for w in words])
            alternatives.append(query if number == 0 else Q.boost_query(query, SYNONYM_BOOST))
        if len(alternatives) == 1:
            return alternatives[0]
        return Q.boolean_query([(tantivy.Occur.Should, q) for q in alternatives])

    def _filtered(self, text: tantivy.Query, filters: Mapping[str, tuple[str, ...]],
                  kinds: tuple[str, ...], ranges: Mapping[str, Range]) -> tantivy.Query:
        Q = tantivy.Query
        musts = [(tantivy.Occur.Must, text)]
        for name, bounds in sorted(ranges.items()):
            if name not in RANGES:
                raise ValueError(f"unknown range {name!r}")
            low, high = bounds.bounds()
            if low is not None and high is not None and low > high:
                musts.append((tantivy.Occur.MustNot, Q.all_query()))
            elif low is not None or high is not None:
                musts.append((tantivy.Occur.Must, Q.range_query(
                    self.schema, name, tantivy.FieldType.Integer, low, high)))
        for facet, values in sorted(filters.items()):
            if facet not in FACETS:
                raise ValueError(f"unknown facet {facet!r}")
            if values:
                musts.append((tantivy.Occur.Must, Q.term_set_query(
                    self.schema, f"f_{facet}", list(values))))
        if kinds and not set(KINDS) <= set(kinds):  # every kind: no filter to apply
            musts.append((tantivy.Occur.Must, Q.term_set_query(self.schema, "kind",
                                                                list(kinds))))
        return musts[0][1] if len(musts) == 1 else Q.boolean_query(musts)

    @staticmethod
    def _terms(searcher: tantivy.Searcher, query: tantivy.Query,
               fields: Mapping[str, str]) -> dict[str, list[FacetCount]]:
        if not fields:
            return {}
        aggregation = {name: {"terms": {"field": field, "size": FACET_LIMIT}}
                       for name, field in fields.items()}
        result = searcher.aggregate(query, aggregation)
        counts = {}
        for name in fields:
            buckets = (result.get(name) or {}).get("buckets") or []
            counts[name] = sorted((FacetCount(str(b["key"]), int(b["doc_count"]))
                                   for b in buckets), key=lambda c: (-c.count, c.value))
        return counts

    def _search(self, searcher: tantivy.Searcher, query: SearchQuery) -> SearchResult:
        plan = plan_query(query.text, self.synonyms)
        text = self._text_query(plan)
        matched = self._filtered(text, query.filters, query.kinds, query.ranges)
        if query.limit <= 0:  # a count: in no order (sorting 100,000 documents doubles it)
            order: dict[str, Any] = {}
        elif query.sort is Sort.TITLE:
            order = {"order_by_field": "sort_title", "order": tantivy.Order.Asc}
        elif query.sort is Sort.NEWEST or plan.empty:
            order = {"order_by_field": "modified", "order": tantivy.Order.Desc}
        else:
            order = {}
        limit = max(1, query.limit)
        found = searcher.search(matched, limit=limit, count=True, offset=max(0, query.offset),
                                **order)
        hits = [self._hit(searcher.doc(address), plan if query.snippets else QueryPlan(()))
                for _score, address in found.hits[:max(0, query.limit)]]
        # One aggregation pass for the facets not filtered on (and the kinds, when no kind is
        # chosen); a filtered facet is counted without its own filter (disjunctive counts).
        plain = {f: f"f_{f}" for f in query.facets if not query.filters.get(f)}
        if not query.kinds or set(KINDS) <= set(query.kinds):
            plain["__kind"] = "kind"
        counts = self._terms(searcher, matched, plain)
        for facet in query.facets:
            if query.filters.get(facet):
                others = {k: v for k, v in query.filters.items() if k != facet}
                counts.update(self._terms(searcher, self._filtered(
                    text, others, query.kinds, query.ranges), {facet: f"f_{facet}"}))
        kind_counts = counts.pop("__kind", None)
        if kind_counts is None:
            kind_counts = self._terms(searcher, self._filtered(
                text, query.filters, (), query.ranges), {"k": "kind"})["k"]
        total: int = found.count or 0  # type: ignore[attr-defined]
        return SearchResult(total=total, hits=hits,
                            facets={f: counts.get(f, []) for f in query.facets},
                            kind_counts={c.value: c.count for c in kind_counts})

    @staticmethod
    def _hit(document: tantivy.Document, plan: QueryPlan) -> Hit:
        payload = json.loads(bytes(document["payload"][0]))
        description = payload["description"]
        snippet = highlight(description.get("cs") or next(iter(description.values()), ""),
                            plan)
        if not snippet:
            title = payload["title"]
            snippet = highlight(title.get("cs") or next(iter(title.values()), ""), plan)
        return Hit(kind=payload["kind"], id=int(payload["id"]), url_key=payload["url_key"],
                   title=payload["title"], description=description, snippet=snippet,
                   facets=payload["facets"])
