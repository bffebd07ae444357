"""The bulk dump: the whole published catalog streamed to a file in one RDF syntax, or as one
LKOD JSON-LD document."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TextIO

from sqlalchemy import Engine
from sqlmodel import Session

from catalog.rdf.queries import catalog_record, iter_dataset_records
from catalog.rdf.records import DatasetRecord
from catalog.rdf.stream import FORMATS, write_catalog, write_lkod


def export_catalog(engine: Engine, out: TextIO, fmt: str, *, base_url: str,
                   lkod: bool = False, progress: Callable[[int], None] | None = None,
                   every: int = 1000) -> int:
    """Write every published dataset to ``out``; returns how many. ``lkod`` with ``jsonld``
    writes the LKOD form (Czech keys, 2024-05-28 context); the other syntaxes carry the same
    DCAT-AP-CZ graph either way."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    with Session(engine) as session:
        catalog = catalog_record(session, base_url)
        records = _counted(iter_dataset_records(session), progress, every)
        if lkod and fmt == "jsonld":
            return write_lkod(out, catalog, records)
        return write_catalog(out, records, fmt, catalog=catalog)


def _counted(records: Iterator[DatasetRecord], progress: Callable[[int], None] | None,
             every: int) -> Iterator[DatasetRecord]:
    count = 0
    for record in records:
        yield record
        count += 1
        if progress and count % every == 0:
            progress(count)
