"""Uploaded distribution files: streamed to the upload folder under their SHA-256 with a size
cap, their media type sniffed from the content (never trusted from the client), a safe name."""

from __future__ import annotations

import codecs
import enum
import hashlib
import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

CHUNK = 64 * 1024


class Sniffed(enum.StrEnum):
    """What the content is, by its bytes."""

    PDF = "pdf"
    ZIP = "zip"  # also XLSX, ODS, DOCX, zipped shapefiles
    OLE = "ole"  # legacy Office (XLS)
    GZIP = "gzip"
    SQLITE = "sqlite"  # GeoPackage
    PNG = "png"
    JPEG = "jpeg"
    GIF = "gif"
    JSON = "json"
    XML = "xml"
    TEXT = "text"
    BINARY = "binary"


MAGIC = (
    (b"%PDF-", Sniffed.PDF), (b"PK\x03\x04", Sniffed.ZIP), (b"PK\x05\x06", Sniffed.ZIP),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", Sniffed.OLE), (b"\x1f\x8b", Sniffed.GZIP),
    (b"SQLite format 3\x00", Sniffed.SQLITE), (b"\x89PNG\r\n\x1a\n", Sniffed.PNG),
    (b"\xff\xd8\xff", Sniffed.JPEG), (b"GIF8", Sniffed.GIF),
)
# The file-type codes (catalog.vocabularies.FILE_TYPES) a sniffed content may be declared as.
ACCEPTS: dict[str, set[Sniffed]] = {
    "CSV": {Sniffed.TEXT}, "TXT": {Sniffed.TEXT, Sniffed.JSON, Sniffed.XML},
    "JSON": {Sniffed.JSON}, "GEOJSON": {Sniffed.JSON}, "JSON_LD": {Sniffed.JSON},
    "XML": {Sniffed.XML}, "GML": {Sniffed.XML}, "KML": {Sniffed.XML},
    "RDF_XML": {Sniffed.XML}, "HTML": {Sniffed.TEXT, Sniffed.XML},
    "RDF_TURTLE": {Sniffed.TEXT}, "PDF": {Sniffed.PDF}, "ZIP": {Sniffed.ZIP},
    "XLSX": {Sniffed.ZIP}, "ODS": {Sniffed.ZIP}, "SHP": {Sniffed.ZIP}, "XLS": {Sniffed.OLE},
    "GPKG": {Sniffed.SQLITE},
}
EXTENSIONS = {
    "csv": "CSV", "txt": "TXT", "json": "JSON", "geojson": "GEOJSON", "jsonld": "JSON_LD",
    "xml": "XML", "gml": "GML", "kml": "KML", "rdf": "RDF_XML", "html": "HTML", "htm": "HTML",
    "ttl": "RDF_TURTLE", "pdf": "PDF", "zip": "ZIP", "xlsx": "XLSX", "ods": "ODS",
    "xls": "XLS", "gpkg": "GPKG",
}
MEDIA_TYPES = {
    "CSV": "text/csv", "TXT": "text/plain", "JSON": "application/json",
    "GEOJSON": "application/geo+json", "JSON_LD": "application/ld+json",
    "XML": "application/xml", "GML": "application/gml+xml",
    "KML": "application/vnd.google-earth.kml+xml", "RDF_XML": "application/rdf+xml",
    "HTML": "text/html", "RDF_TURTLE": "text/turtle", "PDF": "application/pdf",
    "ZIP": "application/zip", "SHP": "application/zip",
    "XLSX": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ODS": "application/vnd.oasis.opendocument.spreadsheet", "XLS": "application/vnd.ms-excel",
    "GPKG": "application/geopackage+sqlite3",
}
DEFAULT_FORMAT = {Sniffed.PDF: "PDF", Sniffed.ZIP: "ZIP", Sniffed.OLE: "XLS",
                  Sniffed.SQLITE: "GPKG", Sniffed.JSON: "JSON", Sniffed.XML: "XML",
                  Sniffed.TEXT: "TXT"}


class UploadProblem(enum.StrEnum):
    EMPTY = "empty"
    TOO_LARGE = "too_large"
    TYPE_MISMATCH = "type_mismatch"
    UNSUPPORTED = "unsupported"


class UploadRefused(Exception):
    def __init__(self, problem: UploadProblem, detail: str = "") -> None:
        super().__init__(f"{problem.value}: {detail}")
        self.problem = problem
        self.detail = detail


@dataclass(frozen=True)
class StoredUpload:
    sha256: str
    byte_size: int
    media_type: str
    format: str  # a catalog.vocabularies.FILE_TYPES code
    filename: str
    path: Path
    created: bool  # False when the same content was already stored


def safe_name(name: str) -> str:
    """The last path segment of ``name`` with only letters, digits, dots, hyphens and
    underscores, no leading dots ("../../etc/passwd" → "passwd"); "file" when nothing is left."""
    last = re.split(r"[\\/]", name or "")[-1]
    cleaned = re.sub(r"[^\w.-]+", "_", last, flags=re.ASCII).lstrip("._")[:150]
    return cleaned or "file"


def sniff(head: bytes) -> Sniffed:
    """The content type of a file from its first bytes."""
    for magic, kind in MAGIC:
        if head.startswith(magic):
            return kind
    text = _as_text(head)
    if text is None:
        return Sniffed.BINARY
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith(("{", "[")) and _json_prefix(stripped):
        return Sniffed.JSON
    if stripped.startswith("<?xml") or re.match(r"<[A-Za-z][\w:.-]*[\s>/]", stripped):
        return Sniffed.XML
    return Sniffed.TEXT


def _as_text(head: bytes) -> str | None:
    if b"\x00" in head:
        return None
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        return decoder.decode(head)  # a multi-byte character cut at the end is fine
    except UnicodeDecodeError:
        try:
            text = head.decode("cp1250")  # Czech Windows CSV exports
        except UnicodeDecodeError:
            return None
        printable = sum(c.isprintable() or c in "\r\n\t" for c in text)
        return text if printable >= 0.95 * len(text) else None


def _json_prefix(text: str) -> bool:
    try:
        json.loads(text)
        return True
    except json.JSONDecodeError as exc:
        # Only a head of the file was read: an error at its very end means "cut", not "bad".
        return exc.pos >= len(text.rstrip()) - 1 or "Unterminated" in exc.msg


def expected_format(filename: str, declared: str | None) -> str | None:
    """The file type the uploader claims: the chosen format, else the file name's extension."""
    if declared:
        return declared
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    return EXTENSIONS.get(extension)


def store(stream: IO[bytes], filename: str, folder: Path, *, max_bytes: int,
          declared_format: str | None = None) -> StoredUpload:
    """Stream an upload into ``folder`` (``ab/abcdef…`` by SHA-256), refusing it when it is
    empty, larger than ``max_bytes``, or its content is not what its name or chosen format
    says. The file appears atomically; a refused upload leaves nothing behind."""
    name = safe_name(filename)
    folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    head = b""
    fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=".upload-")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise UploadRefused(UploadProblem.TOO_LARGE, str(max_bytes))
                if len(head) < 8192:
                    head += chunk[:8192 - len(head)]
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise UploadRefused(UploadProblem.EMPTY)
        kind = sniff(head)
        claimed = expected_format(name, declared_format)
        if claimed is not None and claimed in ACCEPTS:
            if kind not in ACCEPTS[claimed]:
                raise UploadRefused(UploadProblem.TYPE_MISMATCH, f"{claimed}:{kind.value}")
            file_format = claimed
        elif kind in DEFAULT_FORMAT:
            file_format = DEFAULT_FORMAT[kind]
        else:
            raise UploadRefused(UploadProblem.UNSUPPORTED, kind.value)
        sha = digest.hexdigest()
        target = folder / sha[:2] / sha
        target.parent.mkdir(exist_ok=True)
        created = not target.exists()
        if created:
            os.replace(tmp, target)
        return StoredUpload(sha, size, MEDIA_TYPES[file_format], file_format, name, target,
                            created)
    finally:
        tmp.unlink(missing_ok=True)


def path_of(folder: Path, sha256: str) -> Path:
    """Where the content with ``sha256`` is stored (the hash is checked, so no traversal)."""
    if not re.fullmatch(r"[0-9a-f]{64}", sha256):
        raise ValueError("not a SHA-256")
    return folder / sha256[:2] / sha256
