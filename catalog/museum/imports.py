"""Use cases of a curator's import: receive an upload, read and validate it into a report
(committed batch by batch, so its progress can be watched), then publish all its records, or
only the valid ones when the curator chooses so, in one transaction; or discard it.

Nothing already in the register is changed by an import: an inventory number the museum has
already registered is an error of that record.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Text, bindparam, cast, insert, or_, update
from sqlmodel import Session, col, select

from catalog import bulk, iris
from catalog.db import transaction
from catalog.errors import NotFound, ValidationError
from catalog.models import Agent, CollectionObject, utcnow
from catalog.museum.lido import Problem
from catalog.museum.models import ImportStatus, MuseumImport, MuseumImportRecord
from catalog.museum.uploads import DEFAULT_LIMITS, Item, Limits, Notes, UploadError, iter_upload
from catalog.objects import _object_values
from catalog.schemas import ObjectInput

BATCH = 500


def start_import(session: Session, *, institution: Agent, filename: str,
                 created_by: str | None = None) -> MuseumImport:
    """Register a received upload of ``institution`` (its file is read by process_import)."""
    upload = MuseumImport(institution_id=institution.id or 0, kind="upload",
                          filename=filename[:300], created_by=created_by)
    session.add(upload)
    session.flush()
    return upload


def get_import(session: Session, import_id: int) -> MuseumImport:
    upload = session.get(MuseumImport, import_id)
    if upload is None:
        raise NotFound("import", import_id)
    return upload


def _problems(problems: Iterable[Problem], member: str) -> list[dict[str, Any]]:
    return [{**asdict(p), "file": member} if member else asdict(p) for p in problems]


def existing_inventory(session: Session, institution_id: int, numbers: Iterable[str]
                       ) -> dict[str, int]:
    """Inventory number → object id, for those of ``numbers`` the museum already has."""
    wanted = sorted(set(numbers))
    found: dict[str, int] = {}
    for start in range(0, len(wanted), 500):
        rows = session.exec(select(CollectionObject.inventory_number, CollectionObject.id).where(
            CollectionObject.institution_id == institution_id,
            col(CollectionObject.inventory_number).in_(wanted[start:start + 500]))).all()
        found.update({number: object_id or 0 for number, object_id in rows})
    return found


def process_import(engine: Engine, import_id: int, path: Path, *, limits: Limits = DEFAULT_LIMITS,
                   batch: int = BATCH) -> MuseumImport:
    """Read and validate the upload into per-record reports, committing every ``batch``
    records (the counts show the progress). Never raises for bad content."""
    with transaction(engine) as session:
        upload = get_import(session, import_id)
        institution = session.get(Agent, upload.institution_id)
        assert institution is not None
        upload.status = ImportStatus.PROCESSING
        filename, slug, institution_id = upload.filename, institution.slug, upload.institution_id
    notes = Notes()
    seen: dict[str, int] = {}
    pending: list[Item] = []
    file_error: str | None = None
    try:
        for item in iter_upload(path, filename, institution=slug, notes=notes, limits=limits):
            pending.append(item)
            if len(pending) >= batch:
                _store(engine, import_id, institution_id, pending, seen)
                pending = []
    except UploadError as exc:
        file_error = str(exc)
    except (OSError, ValueError) as exc:  # an unreadable file is a report, never a crash
        file_error = f"the file cannot be read: {exc}"
    if pending:
        _store(engine, import_id, institution_id, pending, seen)
    with transaction(engine) as session:
        upload = get_import(session, import_id)
        if notes.problems:
            session.add(MuseumImportRecord(import_id=import_id, number=0, payload=None,
                                           errors=[], warnings=[asdict(p) for p in
                                                                notes.problems]))
        upload.file_error = file_error[:2000] if file_error else None
        upload.status = ImportStatus.FAILED if file_error or not upload.total \
            else ImportStatus.VALIDATED
        if not file_error and not upload.total:
            upload.file_error = "the upload holds no records"
        upload.finished_at = utcnow()
    return upload


def _store(engine: Engine, import_id: int, institution_id: int, items: list[Item],
           seen: dict[str, int]) -> None:
    with transaction(engine) as session:
        registered = existing_inventory(session, institution_id, [
            item.record.object.inventory_number for item in items if item.record.object])
        rows = []
        valid = invalid = 0
        for item in items:
            record = item.record
            errors = _problems(record.errors, item.member)
            obj = record.object
            if obj is not None:
                number = obj.inventory_number
                if number in registered:
                    errors.append(_error(item, "inventory_number",
                                         f"{number!r} is already registered (object "
                                         f"{registered[number]}); edit that record instead"))
                elif number in seen:
                    errors.append(_error(item, "inventory_number",
                                         f"{number!r} repeats record {seen[number]}"))
                else:
                    seen[number] = record.number
            ok = obj is not None and not errors
            valid += ok
            invalid += not ok
            rows.append({
                "import_id": import_id, "number": record.number,
                "source_key": (record.rec_id or "")[:500] or None,
                "payload": obj.model_dump(mode="json") if ok and obj else None,
                "errors": errors, "warnings": _problems(record.warnings, item.member),
                "object_id": None})
        # Core executemany: table-model instances cost more than the whole check of a record
        session.execute(insert(MuseumImportRecord), rows)
        upload = get_import(session, import_id)
        upload.total += len(items)
        upload.valid += valid
        upload.invalid += invalid


def _error(item: Item, field: str, message: str) -> dict[str, Any]:
    found: dict[str, Any] = {"record": item.record.number, "field": field, "message": message}
    if item.member:
        found["file"] = item.member
    return found


def bulk_create(session: Session, inputs: list[ObjectInput], institution: Agent, *,
                base_url: str) -> list[int]:
    """Insert validated records of one institution as new objects in a few statements: IRIs
    minted from their ids, one outbox row each (as ``create_object`` does one by one).
    Returns the new ids in the order of ``inputs``."""
    now = utcnow()
    rows = [{**_object_values(record), "iri": iris.placeholder(),
             "institution_id": institution.id or 0, "source_id": None, "source_hash": None,
             "created_at": now, "updated_at": now} for record in inputs]
    ids = bulk.insert_ids(session, CollectionObject, rows)
    bulk.mint_iris(session, CollectionObject, "objects", ids, base_url)
    bulk.enqueue_many(session, "object", ids, now)
    return ids


def publish_import(engine: Engine, import_id: int, *, valid_only: bool, base_url: str,
                   batch: int = BATCH) -> MuseumImport:
    """Create the upload's records as published objects, all in one transaction. An upload with
    invalid records is refused unless ``valid_only`` (the curator's "import the valid ones")."""
    with transaction(engine) as session:
        upload = get_import(session, import_id)
        if upload.status != ImportStatus.VALIDATED:
            raise ValidationError("import", f"an upload that is {upload.status} cannot be "
                                            "published")
        if upload.invalid and not valid_only:
            raise ValidationError("import", f"{upload.invalid} record(s) are invalid: correct "
                                            "the file, or import only the valid ones")
        institution = session.get(Agent, upload.institution_id)
        assert institution is not None
        after = 0
        imported = 0
        while True:
            rows = list(session.exec(select(MuseumImportRecord).where(
                MuseumImportRecord.import_id == import_id,
                col(MuseumImportRecord.payload).is_not(None),
                col(MuseumImportRecord.id) > after).order_by(col(MuseumImportRecord.id))
                .limit(batch)))
            if not rows:
                break
            after = rows[-1].id or 0
            inputs = [ObjectInput.model_validate(row.payload) for row in rows]
            clash = existing_inventory(session, institution.id or 0,
                                       [i.inventory_number for i in inputs])
            if clash:
                number = next(iter(clash))
                raise ValidationError("inventory_number", f"{number!r} was registered since the "
                                      "upload was checked; check the upload again")
            created = bulk_create(session, inputs, institution, base_url=base_url)
            records = MuseumImportRecord.__table__  # type: ignore[attr-defined]
            session.execute(update(records).where(records.c.id == bindparam("record_id"))
                            .values(object_id=bindparam("created")),
                            [{"record_id": row.id, "created": object_id}
                             for row, object_id in zip(rows, created, strict=True)])
            imported += len(created)
        upload.imported = imported
        upload.status = ImportStatus.PUBLISHED
        upload.finished_at = utcnow()
    return upload


def discard_import(session: Session, import_id: int) -> MuseumImport:
    """Drop an upload that was not published (its report stays until then)."""
    upload = get_import(session, import_id)
    if upload.status == ImportStatus.PUBLISHED:
        raise ValidationError("import", "a published upload cannot be discarded")
    upload.status = ImportStatus.DISCARDED
    return upload


def report(session: Session, import_id: int, *, problems_only: bool = True, offset: int = 0,
           limit: int = 200) -> list[MuseumImportRecord]:
    """The upload's records (those with errors or warnings first by number)."""
    query = select(MuseumImportRecord).where(MuseumImportRecord.import_id == import_id)
    if problems_only:
        query = query.where(or_(col(MuseumImportRecord.payload).is_(None),
                                cast(MuseumImportRecord.warnings, Text) != "[]"))
    return list(session.exec(query.order_by(col(MuseumImportRecord.number),
                                            col(MuseumImportRecord.id))
                             .offset(offset).limit(limit)))
