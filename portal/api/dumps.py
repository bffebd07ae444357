"""Bulk dumps of the catalog: datasets and collection objects as gzip JSON Lines (the REST API
v1 representations, so the OpenAPI schemas describe every line), datasets as CSV, the DCAT
catalog as N-Triples and Turtle, the collections as LIDO and EDM. Each file is written beside
its final name and renamed over it (readers see the old or the new file, never half of one),
then listed as a distribution of the "catalog metadata" dataset so it can be found like any
dataset."""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Engine
from sqlmodel import Session

from catalog import batches
from catalog.db import transaction
from catalog.museum import edm, lido_export
from catalog.rdf.queries import catalog_record, iter_dataset_records
from catalog.rdf.stream import write_catalog
from catalog.services import Upsert, upsert_dataset
from portal.api import rest_records
from portal.config import Settings
from portal.web.filters import term_code

DATASET_SLUG = "metadata-katalogu"
SOURCE_ID = "portal:dumps"
CSV_COLUMNS = ("slug", "iri", "title_cs", "title_en", "description_cs", "publisher", "themes",
               "keywords_cs", "formats", "licences", "issued", "modified", "updated_at",
               "landing_page", "download_urls")


Out = io.BufferedWriter | gzip.GzipFile  # a dump's temporary file, or a gzip stream over it
Writer = Callable[[Engine, Out, Settings], int]  # writes a dump, returns its records


@dataclass(frozen=True)
class DumpSpec:
    """One dump file: its name, how to describe it, and the function writing its content
    (to a binary stream; returns how many records it wrote)."""

    name: str
    title: dict[str, str]
    file_type: str | None
    media_type: str
    write: Writer


@dataclass(frozen=True)
class DumpFile:
    name: str
    path: Path
    records: int
    byte_size: int
    sha256: str


def _text(out: Out) -> io.TextIOWrapper:
    return io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=False)


def _jsonl(walk: Callable[[Engine], Iterable[Any]],
           record: Callable[[Any, str], BaseModel]) -> Writer:
    """A dump writing one REST API record a line of every view ``walk`` streams."""
    def write(engine: Engine, out: Out, settings: Settings) -> int:
        count = 0
        for view in walk(engine):
            out.write(record(view, settings.base_url).model_dump_json().encode() + b"\n")
            count += 1
        return count

    return write


def _datasets_csv(engine: Engine, out: Out, settings: Settings) -> int:
    text = _text(out)
    rows = csv.writer(text)
    rows.writerow(CSV_COLUMNS)
    count = 0
    for view in batches.walk_dataset_views(engine):
        d = view.dataset
        dists = view.distributions
        rows.writerow([
            d.slug, d.iri, d.title.get("cs", ""), d.title.get("en", ""),
            d.description.get("cs", ""), view.publisher.slug,
            ";".join(term_code(t, "theme") for t in d.themes),
            ";".join(d.keywords.get("cs", [])),
            ";".join(sorted({term_code(x.format, "format") for x in dists} - {""})),
            ";".join(sorted({term_code(x.license, "licence") for x in dists} - {""})),
            d.issued.isoformat() if d.issued else "", d.modified.isoformat() if d.modified else "",
            d.updated_at.isoformat(timespec="seconds"), d.landing_page or "",
            " ".join(x.download_url or x.access_url for x in dists)])
        count += 1
    text.flush()
    text.detach()
    return count


def _rdf(fmt: str) -> Writer:
    def write(engine: Engine, out: Out, settings: Settings) -> int:
        text = _text(out)
        with Session(engine) as session:
            count = write_catalog(text, iter_dataset_records(session), fmt,
                                  catalog=catalog_record(session, settings.base_url))
        text.flush()
        text.detach()
        return count

    return write


class _Objects:
    """The published objects with their institutions, counted as they stream by."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.count = 0

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        for view in batches.walk_object_views(self.engine):
            self.count += 1
            yield view.object, view.institution


def _lido(engine: Engine, out: Out, settings: Settings) -> int:
    records = _Objects(engine)
    for chunk in lido_export.iter_dump(records, base_url=settings.base_url):
        out.write(chunk)
    return records.count


def _edm(engine: Engine, out: Out, settings: Settings) -> int:
    records = _Objects(engine)
    for chunk in edm.iter_dump(records, base_url=settings.base_url,
                               provider=settings.edm_provider):
        out.write(chunk)
    return records.count


GZIP = "application/gzip"
SPECS: tuple[DumpSpec, ...] = (
    DumpSpec("datasets.jsonl.gz", {"cs": "Datové sady (JSON Lines, gzip)",
                                   "en": "Datasets (JSON Lines, gzip)"}, "JSON", GZIP,
             _jsonl(batches.walk_dataset_views, rest_records.dataset)),
    DumpSpec("datasets.csv", {"cs": "Datové sady (CSV)", "en": "Datasets (CSV)"}, "CSV",
             "text/csv", _datasets_csv),
    DumpSpec("catalog.nt.gz", {"cs": "Katalog DCAT-AP (N-Triples, gzip)",
                               "en": "DCAT-AP catalog (N-Triples, gzip)"}, None, GZIP,
             _rdf("nt")),
    DumpSpec("catalog.ttl.gz", {"cs": "Katalog DCAT-AP (Turtle, gzip)",
                                "en": "DCAT-AP catalog (Turtle, gzip)"}, "RDF_TURTLE", GZIP,
             _rdf("ttl")),
    DumpSpec("objects.jsonl.gz", {"cs": "Sbírkové předměty (JSON Lines, gzip)",
                                  "en": "Collection objects (JSON Lines, gzip)"}, "JSON", GZIP,
             _jsonl(batches.walk_object_views, rest_records.collection_object)),
    DumpSpec("objects.lido.xml.gz", {"cs": "Sbírkové předměty (LIDO 1.1, gzip)",
                                     "en": "Collection objects (LIDO 1.1, gzip)"}, "XML", GZIP,
             _lido),
    DumpSpec("objects.edm.xml.gz", {"cs": "Sbírkové předměty (EDM, gzip)",
                                    "en": "Collection objects (EDM, gzip)"}, "XML", GZIP, _edm),
)
NAMES = frozenset(spec.name for spec in SPECS)


def _write_atomically(directory: Path, spec: DumpSpec, engine: Engine,
                      settings: Settings) -> DumpFile:
    """Write ``spec`` to a temporary file in ``directory``, then rename it over the dump."""
    directory.mkdir(parents=True, exist_ok=True)
    final = directory / spec.name
    handle, temporary = tempfile.mkstemp(prefix=f".{spec.name}.", dir=directory)
    try:
        with os.fdopen(handle, "wb") as raw:
            if spec.name.endswith(".gz"):
                # mtime=0 and no file name: unchanged content gives identical bytes
                with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as packed:
                    records = spec.write(engine, packed, settings)
            else:
                records = spec.write(engine, raw, settings)
            raw.flush()
            os.fsync(raw.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, final)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    digest = hashlib.sha256()
    with final.open("rb") as done:
        for block in iter(lambda: done.read(1 << 20), b""):
            digest.update(block)
    return DumpFile(spec.name, final, records, final.stat().st_size, digest.hexdigest())


def build_dumps(engine: Engine, settings: Settings, specs: tuple[DumpSpec, ...] = SPECS,
                progress: Callable[[DumpFile], None] | None = None) -> list[DumpFile]:
    """Write every dump of ``specs`` into the dumps folder, one after another."""
    assert settings.dumps_path is not None
    files = []
    for spec in specs:
        done = _write_atomically(settings.dumps_path, spec, engine, settings)
        files.append(done)
        if progress:
            progress(done)
    return files


def publish_dumps(session: Session, files: list[DumpFile], settings: Settings,
                  today: date | None = None) -> Upsert:
    """List the dumps as the distributions of the catalog-metadata dataset."""
    specs = {spec.name: spec for spec in SPECS}
    today = today or date.today()
    distributions = []
    for done in files:
        spec = specs.get(done.name)
        if spec is None:
            continue
        url = f"{settings.base_url}/dumps/{done.name}"
        distributions.append({
            "title": spec.title, "access_url": url, "download_url": url,
            "format": spec.file_type, "media_type": spec.media_type,
            "byte_size": done.byte_size, "license": "CC0-1.0", "modified": today.isoformat(),
            "description": {"cs": f"{done.records} záznamů; SHA-256 {done.sha256}",
                            "en": f"{done.records} records; SHA-256 {done.sha256}"},
        })
    record = {
        "slug": DATASET_SLUG,
        "title": {"cs": "Metadata katalogu otevřených dat (hromadné soubory)",
                  "en": "Open data catalog metadata (bulk dumps)"},
        "description": {
            "cs": "Celý katalog najednou: datové sady a sbírkové předměty jako JSON Lines "
                  "(stejné záznamy jako REST API v1), datové sady v CSV, katalog DCAT-AP v "
                  "N-Triples a Turtle, sbírky v LIDO a EDM. Soubory se pravidelně obnovují.",
            "en": "The whole catalog at once: datasets and collection objects as JSON Lines "
                  "(the REST API v1 records), datasets as CSV, the DCAT-AP catalog as "
                  "N-Triples and Turtle, the collections as LIDO and EDM. Rebuilt regularly."},
        "keywords": {"cs": ["metadata", "katalog", "hromadná data"],
                     "en": ["metadata", "catalog", "bulk data"]},
        "publisher": settings.dumps_publisher,
        "themes": ["GOVE"],
        "frequency": "DAILY",
        "landing_page": f"{settings.base_url}/api/v1/docs",
        "modified": today.isoformat(),
        "distributions": distributions,
    }
    _dataset, outcome = upsert_dataset(session, SOURCE_ID, record, base_url=settings.base_url)
    return outcome


def build_and_publish(engine: Engine, settings: Settings,
                      progress: Callable[[DumpFile], None] | None = None
                      ) -> tuple[list[DumpFile], Upsert]:
    files = build_dumps(engine, settings, progress=progress)
    with transaction(engine) as session:
        outcome = publish_dumps(session, files, settings)
    return files, outcome


def read_manifest(directory: Path) -> dict[str, Any]:
    """Sizes of the dumps present (for the hackathon page)."""
    return {name: (directory / name).stat().st_size for name in sorted(NAMES)
            if (directory / name).exists()}


