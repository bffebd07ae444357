"""A curator's LIDO file for a harvest: copied from the upload stream to a file under a size
cap and sniffed as XML; then the museum's LIDO source harvests that file (the adapter streams
it with the hardened parser), and it becomes the source's document only after a run that did
not fail, so a bad file changes nothing."""

from __future__ import annotations

import codecs
import enum
import os
import tempfile
from pathlib import Path
from typing import IO

from sqlmodel import Session, select

from catalog.errors import ValidationError
from harvesters.errors import HarvestError
from harvesters.models import HarvestSource, Schedule, SourceType
from harvesters.services import add_source

CHUNK = 1024 * 1024
HEAD = 4096


class UploadProblem(enum.StrEnum):
    EMPTY = "empty"
    TOO_LARGE = "too-large"
    NOT_XML = "not-xml"


class UploadRefused(HarvestError):
    """The upload is refused before any harvest; nothing was stored."""

    def __init__(self, problem: UploadProblem, limit: int = 0) -> None:
        super().__init__(f"upload refused: {problem.value}")
        self.problem = problem
        self.limit = limit


def looks_like_xml(head: bytes) -> bool:
    """Whether a document's first bytes can start XML (a BOM, whitespace, then ``<``)."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE,
                        codecs.BOM_UTF32_BE)):
        return True
    return head.removeprefix(codecs.BOM_UTF8).lstrip(b" \t\r\n").startswith(b"<")


def save_upload(stream: IO[bytes], folder: Path, *, max_bytes: int) -> Path:
    """Copy ``stream`` to a new file in ``folder`` chunk by chunk (never whole in memory);
    ``UploadRefused`` if it is empty, larger than ``max_bytes`` or plainly not XML (the file is
    then removed)."""
    folder.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=folder, prefix="upload-", suffix=".xml")
    path = Path(name)
    size, head = 0, b""
    try:
        with os.fdopen(handle, "wb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise UploadRefused(UploadProblem.TOO_LARGE, max_bytes)
                if len(head) < HEAD:
                    head += chunk[:HEAD]
                out.write(chunk)
        if size == 0:
            raise UploadRefused(UploadProblem.EMPTY)
        if not looks_like_xml(head):
            raise UploadRefused(UploadProblem.NOT_XML)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path


def lido_upload_source(session: Session, institution: str, folder: Path) -> HarvestSource:
    """The museum's source of uploaded LIDO files (``<slug>-lido``, manual schedule, reading
    ``<folder>/<name>.xml``), registered on first use."""
    name = f"{institution}-lido"[:120]
    found = session.exec(select(HarvestSource).where(HarvestSource.name == name)).first()
    if found is None:
        return add_source(session, name=name, type=SourceType.LIDO,
                          url=str(document_path(folder, name)), publisher=institution,
                          schedule=Schedule.MANUAL)
    if found.type != SourceType.LIDO or found.publisher != institution:
        raise ValidationError("name", f"the source {name!r} is not this museum's LIDO source")
    return found


def document_path(folder: Path, source_name: str) -> Path:
    return (folder / f"{source_name}.xml").absolute()


def adopt_upload(session: Session, source: HarvestSource, upload: Path, folder: Path) -> None:
    """After a run that did not fail: the upload becomes the source's document (what
    ``portal harvest run`` reads next), unless the source reads an http(s) URL."""
    if source.url.startswith(("http://", "https://")):
        upload.unlink(missing_ok=True)
        return
    document = document_path(folder, source.name)
    os.replace(upload, document)
    source.url = str(document)
