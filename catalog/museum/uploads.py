"""Reading a curator's upload — one LIDO file, one CSV, or a zip of them — as a stream of
records. Zips are read in place (never extracted): a path that leaves the archive, too many
members, a total past the size limit or an implausible compression ratio refuse the upload."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO

from catalog.museum.csv_import import CsvFileError, iter_csv
from catalog.museum.lido import LidoFileError, LidoRecord, Problem, iter_lido

ZIP_MAGIC = b"PK\x03\x04"


class UploadError(ValueError):
    """The upload as a whole is refused; nothing of it is imported."""


@dataclass(frozen=True)
class Limits:
    """How much an upload may unpack to."""

    max_bytes: int = 200 * 1024 * 1024  # all members together, uncompressed
    max_members: int = 10_000
    max_ratio: int = 100  # uncompressed / compressed size of one member


DEFAULT_LIMITS = Limits()


@dataclass
class Item:
    """One record of an upload, with the member of a zip it came from ('' for a plain file)."""

    member: str
    record: LidoRecord


@dataclass
class Notes:
    """Problems about the upload's files rather than its records."""

    encoding: str | None = None
    problems: list[Problem] = field(default_factory=list)


class _Capped(io.RawIOBase):
    """A reader that fails once more than ``limit`` bytes came out (zip headers can lie)."""

    def __init__(self, raw: IO[bytes], limit: int, name: str) -> None:
        self.raw, self.left, self.name = raw, limit, name

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self.raw.read(len(buffer))
        self.left -= len(data)
        if self.left < 0:
            raise UploadError(f"{self.name} unpacks to more than its declared size: refused as "
                              "a zip bomb")
        buffer[:len(data)] = data
        return len(data)


def kind_of(head: bytes, filename: str) -> str:
    """'zip', 'lido' or 'csv', from the first bytes (and the name as a hint)."""
    if head.startswith(ZIP_MAGIC):
        return "zip"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"<") or filename.lower().endswith(".xml"):
        return "lido"
    return "csv"


def _safe_member(info: zipfile.ZipInfo) -> str:
    name = info.filename
    path = PurePosixPath(name.replace("\\", "/"))
    if name.startswith(("/", "\\")) or ":" in name or ".." in path.parts or path.is_absolute():
        raise UploadError(f"the zip member {name!r} points outside the archive: refused")
    return str(path)


def _check_zip(archive: zipfile.ZipFile, limits: Limits) -> list[zipfile.ZipInfo]:
    infos = [info for info in archive.infolist() if not info.is_dir()]
    if len(infos) > limits.max_members:
        raise UploadError(f"the zip holds {len(infos)} files; at most {limits.max_members}")
    total = 0
    for info in infos:
        _safe_member(info)
        total += info.file_size
        ratio = info.file_size // max(info.compress_size, 1)
        if info.file_size > 1024 * 1024 and ratio > limits.max_ratio:
            raise UploadError(f"{info.filename} is compressed {ratio}:1: refused as a zip bomb")
    if total > limits.max_bytes:
        raise UploadError(f"the zip unpacks to {total} bytes; at most {limits.max_bytes}")
    return infos


def _records(stream: IO[bytes], kind: str, member: str, institution: str, notes: Notes,
             state: str) -> Iterator[Item]:
    if kind == "lido":
        try:
            for record in iter_lido(stream, institution=institution, state=state):
                yield Item(member, record)
        except LidoFileError as exc:
            if not member:
                raise UploadError(str(exc)) from None
            notes.problems.append(Problem(0, member, str(exc)))
        return
    data = stream.read()
    try:
        encoding, problems, records = iter_csv(data, institution=institution, state=state)
    except CsvFileError as exc:
        if not member:
            raise UploadError(str(exc)) from None
        notes.problems.append(Problem(0, member, str(exc)))
        return
    notes.encoding = notes.encoding or encoding
    notes.problems.extend(Problem(p.record, f"{member}: {p.field}" if member else p.field,
                                  p.message) for p in problems)
    for record in records:
        yield Item(member, record)


def iter_upload(path: Path, filename: str, *, institution: str, notes: Notes,
                limits: Limits = DEFAULT_LIMITS, state: str = "published") -> Iterator[Item]:
    """Every record of the upload at ``path`` (named ``filename`` by the curator). Raises
    UploadError when the upload as a whole is refused (before any record when it can)."""
    with open(path, "rb") as handle:
        kind = kind_of(handle.read(8), filename)
    if kind != "zip":
        with open(path, "rb") as handle:
            yield from _records(handle, kind, "", institution, notes, state)
        return
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise UploadError(f"not a readable zip: {exc}") from None
    with archive:
        infos = _check_zip(archive, limits)
        for info in infos:
            member = _safe_member(info)
            lower = member.lower()
            if lower.endswith(".zip"):
                notes.problems.append(Problem(0, member, "a zip inside the zip is not read"))
                continue
            if not lower.endswith((".xml", ".csv", ".txt")):
                notes.problems.append(Problem(0, member, "neither LIDO (.xml) nor CSV: skipped"))
                continue
            try:
                with archive.open(info) as raw:
                    capped = io.BufferedReader(_Capped(raw, info.file_size, member))
                    kind = "lido" if lower.endswith(".xml") else "csv"
                    yield from _records(capped, kind, member, institution, notes, state)
            except zipfile.BadZipFile as exc:
                raise UploadError(f"{member}: {exc}") from None
