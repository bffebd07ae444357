"""The embedded search backend: an SQLite FTS5 index in its own file, no service to run.

Diacritics are folded on both sides by FTS5's ``unicode61 remove_diacritics 2`` tokenizer, so
"nadrazi" finds "nádraží" and back. One writer at a time is enforced with an exclusive ``flock``
on a lock file beside the index; readers use WAL snapshots and never wait for the writer.
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from pathlib import Path

from catalog.search.base import (
    MARK_END,
    MARK_START,
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
SCHEMA_VERSION = "3"  # 3: record timestamps (created, updated) for ranges
MAX_TERMS = 16
MAX_TERM_LENGTH = 64
FACET_LIMIT = 50
# Column weights for bm25: title, keywords, description, other text (names, places, numbers).
WEIGHTS = (10.0, 4.0, 1.0, 1.0)
SNIPPET_COLUMN = 2  # the description: the other columns read as word lists
_WORD = re.compile(r"\w+", re.UNICODE)

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS docs(
    rowid INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    version TEXT NOT NULL,
    sort_title TEXT NOT NULL,
    modified TEXT NOT NULL,
    created INTEGER,
    updated INTEGER,
    payload TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS docs_kind_modified ON docs(kind, modified);
CREATE INDEX IF NOT EXISTS docs_sort_title ON docs(sort_title);
CREATE VIRTUAL TABLE IF NOT EXISTS docs_fts USING fts5(
    title, keywords, description, extra, tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TABLE IF NOT EXISTS doc_facets(
    doc INTEGER NOT NULL, facet TEXT NOT NULL, value TEXT NOT NULL,
    PRIMARY KEY (facet, value, doc)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS doc_facets_doc ON doc_facets(doc);
INSERT OR IGNORE INTO meta(key, value) VALUES ('schema', '{SCHEMA_VERSION}');
"""


def _upgrade(conn: sqlite3.Connection) -> None:
    """Create the schema; an index of an older schema is derived data, so it is dropped and
    recreated (``portal search check`` then reports it missing until ``reindex``)."""
    found = None
    if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'meta'").fetchone():
        row = conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        found = row[0] if row else None
    if found not in (None, SCHEMA_VERSION):
        log.warning("search index schema %s is old: recreating it; run `portal search reindex`",
                    found)
        conn.executescript("DROP TABLE IF EXISTS docs_fts; DROP TABLE IF EXISTS doc_facets;"
                           " DROP TABLE IF EXISTS docs; DROP TABLE IF EXISTS meta;")
    conn.executescript(_SCHEMA)


def fts_expression(text: str) -> str | None:
    """The FTS5 MATCH expression for a user's query: every word quoted (so no FTS operator,
    bracket or quote of the user's reaches the engine) and matched as a prefix; None when the
    query has no words."""
    words = [word[:MAX_TERM_LENGTH] for word in _WORD.findall(text)][:MAX_TERMS]
    if not words:
        return None
    return " ".join(f'"{word}"*' for word in words)


class SqliteFtsIndex:
    """``SearchIndex`` on an SQLite FTS5 file."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.lock_path = self.path.with_name(self.path.name + ".lock")

    # -- connections --------------------------------------------------------------------

    def _connect(self, *, write: bool) -> sqlite3.Connection:
        if write:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            _upgrade(conn)
            return conn
        if not self.path.exists():
            raise SearchUnavailable(f"the search index {self.path} has not been built yet")
        try:
            # Not mode=ro: a read-only handle cannot recreate the WAL index (-shm) after the
            # last writer closed, and readers must not depend on a writer being open.
            conn = sqlite3.connect(self.path, timeout=10)
            conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        except sqlite3.Error as exc:
            raise SearchUnavailable(f"the search index {self.path} cannot be read: {exc}") from exc
        return conn

    def writer(self, *, wait: bool) -> AbstractContextManager[bool]:
        return FileLock(self.lock_path).hold(wait=wait)

    # -- writes -------------------------------------------------------------------------

    def upsert(self, documents: Sequence[SearchDocument]) -> None:
        if not documents:
            return
        conn = self._connect(write=True)
        try:
            conn.execute("BEGIN IMMEDIATE")
            for doc in documents:
                self._delete_key(conn, doc.key)
                payload = json.dumps({
                    "url_key": doc.url_key, "title": doc.title,
                    "description": doc.description, "facets": doc.facets,
                }, ensure_ascii=False)
                cursor = conn.execute(
                    "INSERT INTO docs(key, kind, version, sort_title, modified, created, updated,"
                    " payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (doc.key, doc.kind, doc.version, doc.sort_title, doc.modified,
                     *(timestamp_number(stamp) if stamp else None
                       for stamp in (doc.created, doc.updated)), payload))
                rowid = cursor.lastrowid
                conn.execute(
                    "INSERT INTO docs_fts(rowid, title, keywords, description, extra)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (rowid, " ".join(doc.title.values()), " ".join(doc.keywords),
                     " ".join(doc.description.values()), doc.text))
                conn.executemany(
                    "INSERT OR IGNORE INTO doc_facets(doc, facet, value) VALUES (?, ?, ?)",
                    [(rowid, facet, value) for facet, values in doc.facets.items()
                     for value in values])
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        finally:
            conn.close()

    @staticmethod
    def _delete_key(conn: sqlite3.Connection, key: str) -> None:
        row = conn.execute("SELECT rowid FROM docs WHERE key = ?", (key,)).fetchone()
        if row is None:
            return
        conn.execute("DELETE FROM docs_fts WHERE rowid = ?", row)
        conn.execute("DELETE FROM doc_facets WHERE doc = ?", row)
        conn.execute("DELETE FROM docs WHERE rowid = ?", row)

    def delete(self, keys: Sequence[str]) -> None:
        if not keys:
            return
        conn = self._connect(write=True)
        try:
            conn.execute("BEGIN IMMEDIATE")
            for key in keys:
                self._delete_key(conn, key)
            conn.execute("COMMIT")
        finally:
            conn.close()

    def clear(self) -> None:
        conn = self._connect(write=True)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("DELETE FROM docs_fts")
            conn.execute("DELETE FROM doc_facets")
            conn.execute("DELETE FROM docs")
            conn.execute("COMMIT")
        finally:
            conn.close()

    # -- reads --------------------------------------------------------------------------

    def ping(self) -> None:
        self._connect(write=False).close()

    def versions(self) -> Iterator[tuple[str, str]]:
        if not self.path.exists():
            return  # never built: it holds nothing, so every record will show as missing
        conn = self._connect(write=False)
        try:
            yield from conn.execute("SELECT key, version FROM docs ORDER BY key")
        finally:
            conn.close()

    def search(self, query: SearchQuery) -> SearchResult:
        conn = self._connect(write=False)
        try:
            return self._search(conn, query)
        except sqlite3.Error as exc:
            raise SearchUnavailable(f"search failed: {exc}") from exc
        finally:
            conn.close()

    def _search(self, conn: sqlite3.Connection, query: SearchQuery) -> SearchResult:
        # base: the text match alone; matched: base with every filter and the kinds applied.
        conn.execute("CREATE TEMP TABLE base(doc INTEGER PRIMARY KEY, kind TEXT, score REAL)")
        conn.execute("CREATE TEMP TABLE matched(doc INTEGER PRIMARY KEY, kind TEXT, score REAL)")
        expression = fts_expression(query.text)
        if expression is None:
            conn.execute("INSERT INTO base SELECT rowid, kind, 0 FROM docs")
        else:
            conn.execute(
                "INSERT INTO base SELECT d.rowid, d.kind, bm25(docs_fts, ?, ?, ?, ?)"
                " FROM docs_fts JOIN docs d ON d.rowid = docs_fts.rowid WHERE docs_fts MATCH ?",
                [*WEIGHTS, expression])
        where, params = _filter_sql(query.filters, query.ranges)
        kind_counts = dict(conn.execute(
            f"SELECT kind, count(*) FROM base b WHERE {where} GROUP BY kind", params))
        kinds_sql, kinds_params = _kinds_sql(query.kinds)
        conn.execute(f"INSERT INTO matched SELECT doc, kind, score FROM base b"
                     f" WHERE {where} AND {kinds_sql}", [*params, *kinds_params])
        total = conn.execute("SELECT count(*) FROM matched").fetchone()[0]
        order = {
            Sort.RELEVANCE: "m.score, d.modified DESC" if expression else "d.modified DESC",
            Sort.NEWEST: "d.modified DESC, m.score",
            Sort.TITLE: "d.sort_title",
        }[query.sort]
        snippet = (f"snippet(docs_fts, {SNIPPET_COLUMN}, '{MARK_START}', '{MARK_END}', '…', 24)"
                   if expression and query.snippets else "''")
        rows = conn.execute(
            f"SELECT d.kind, d.key, d.payload, {snippet} FROM matched m"
            " JOIN docs d ON d.rowid = m.doc"
            + (" JOIN docs_fts ON docs_fts.rowid = m.doc AND docs_fts MATCH ?"
               if expression else "")
            + f" ORDER BY {order}, d.rowid LIMIT ? OFFSET ?",
            [*([expression] if expression else []), query.limit, query.offset]).fetchall()
        hits = []
        for kind, key, payload_json, snip in rows:
            payload = json.loads(payload_json)
            hits.append(Hit(kind=kind, id=int(key.split(":", 1)[1]), url_key=payload["url_key"],
                            title=payload["title"], description=payload["description"],
                            snippet=snip, facets=payload["facets"]))
        facets: dict[str, list[FacetCount]] = {}
        for facet in query.facets:
            # Disjunctive counts: a facet is counted with every filter but its own, so its other
            # values show how many results choosing them too would add.
            others, other_params = _filter_sql(
                {name: values for name, values in query.filters.items() if name != facet},
                query.ranges)
            counts = conn.execute(
                "SELECT f.value, count(*) AS n FROM doc_facets f JOIN base b ON b.doc = f.doc"
                f" WHERE f.facet = ? AND {others} AND {kinds_sql}"
                f" GROUP BY f.value ORDER BY n DESC, f.value LIMIT {FACET_LIMIT}",
                [facet, *other_params, *kinds_params])
            facets[facet] = [FacetCount(value, count) for value, count in counts]
        return SearchResult(total=total, hits=hits, facets=facets, kind_counts=kind_counts)


def _filter_sql(filters: Mapping[str, tuple[str, ...]],
                ranges: Mapping[str, Range]) -> tuple[str, list[object]]:
    """SQL over ``b.doc``: AND across facets and ranges, OR within a facet; values are bound,
    never inlined."""
    conditions: list[str] = []
    params: list[object] = []
    for name, bounds in sorted(ranges.items()):
        if name not in RANGES:
            raise ValueError(f"unknown range {name!r}")
        for bound, operator in zip(bounds.bounds(), (">=", "<="), strict=True):
            if bound is not None:
                conditions.append(f"b.doc IN (SELECT rowid FROM docs WHERE {name} {operator} ?)")
                params.append(bound)
    for facet, values in sorted(filters.items()):
        if values:
            marks = ", ".join("?" for _ in values)
            conditions.append(
                f"b.doc IN (SELECT doc FROM doc_facets WHERE facet = ? AND value IN ({marks}))")
            params.extend([facet, *values])
    return " AND ".join(conditions) or "1", params


def _kinds_sql(kinds: tuple[str, ...]) -> tuple[str, list[object]]:
    if not kinds:
        return "1", []
    return f"b.kind IN ({', '.join('?' for _ in kinds)})", list(kinds)
