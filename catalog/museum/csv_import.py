"""CSV with the Czech evidence fields (inventární číslo, přírůstkové číslo, název, ...) → register
records, each with a report of its problems by line and column. UTF-8 (with or without a BOM)
and Windows-1250, the encoding of many Czech office exports, are both accepted; ``;``, ``,`` and
tab separators are recognised.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from catalog.errors import ValidationError
from catalog.museum import rights as rights_uris
from catalog.museum.lido import LidoRecord, Problem
from catalog.schemas import URL_RE, ObjectInput, parse_input


@dataclass(frozen=True)
class Column:
    """One column of the template: its Czech header, the field it fills and its meaning."""

    header: str
    key: str
    required: bool
    help: str
    example: str


# The template, in its published order. ``help`` texts are the documentation's.
COLUMNS = (
    Column("inventární číslo", "inventory", True,
           "evidenční (inventární) číslo, jedinečné v muzeu", "H 1234"),
    Column("přírůstkové číslo", "accession", False, "číslo přírůstkové knihy (pořadí/rok)",
           "12/1956"),
    Column("název", "title", True, "název předmětu (nebo jeho pojmenování)",
           "Džbán s cínovým víčkem"),
    Column("druh předmětu", "object_type", False,
           "pojmenování druhu (džbán, obraz, mince…); prázdné: použije se název", "džbán"),
    Column("popis", "description", False, "popis předmětu", "Fajánsový džbán s malovaným dekorem."),
    Column("podsbírka", "collection", False, "podsbírka podle CES", "Historická"),
    Column("materiál", "materials", False, "materiály oddělené středníkem", "fajáns; cín"),
    Column("technika", "techniques", False, "techniky oddělené středníkem", "malba"),
    Column("rozměry", "measurements", False,
           "rozměry oddělené středníkem: druh hodnota jednotka (i druh=hodnota jednotka)",
           "výška 24,5 cm; průměr 12 cm"),
    Column("datace", "date", False,
           "rok, rozmezí (1850–1860), „kolem 1680“ nebo století (2. polovina 19. století)",
           "kolem 1680"),
    Column("autor/výrobce", "maker", False, "autor, dílna nebo výrobce", "habánská dílna"),
    Column("místo vzniku", "place", False, "místo vzniku nebo nálezu", "Sobotiště"),
    Column("způsob nabytí", "acquisition", False, "sběr, dar, koupě, převod…", "dar, 1956"),
    Column("vyobrazení URL", "images", False,
           "adresy obrázků (http nebo https) oddělené středníkem", "https://img.example/h1234.jpg"),
    Column("práva", "rights", False,
           "licence záznamu a obrázků: CC0-1.0, PDM, CC-BY-4.0, CC-BY-SA-4.0, InC… nebo adresa "
           "licence", "CC-BY-4.0"),
    Column("eSbírky URL", "esbirky", False, "adresa záznamu v eSbírkách", ""),
    Column("Europeana URL", "europeana", False, "adresa záznamu v Europeaně", ""),
)
REQUIRED = tuple(c for c in COLUMNS if c.required)
_ALIASES = {"inventory number": "inventory", "evidencni cislo": "inventory",
            "accession number": "accession", "title": "title", "object type": "object_type",
            "predmet": "object_type", "description": "description", "sub-collection": "collection",
            "material": "materials", "technique": "techniques", "dimensions": "measurements",
            "date": "date", "dating": "date", "maker": "maker", "autor": "maker",
            "vyrobce": "maker", "place": "place", "acquisition": "acquisition",
            "image url": "images", "rights": "rights", "licence": "rights"}
_MEASUREMENT = re.compile(r"^\s*(?P<type>[^\d=:]*?)\s*[=:]?\s*(?P<value>\d+(?:[.,]\d+)?)\s*"
                          r"(?P<unit>[^\d\s;,]+)?\s*$")
_YEARS = re.compile(r"(?<!\d)(\d{3,4})(?!\d)")
_CENTURY = re.compile(r"(?:(?P<part>[12])\.\s*(?:pol(?:ovina|\.)?)\s*)?(?P<century>\d{1,2})\.\s*"
                      r"(?:století|stol\.?)", re.IGNORECASE)


class CsvFileError(ValueError):
    """The file as a whole cannot be read (encoding, no header, missing required columns)."""


def _fold(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(ascii_text.lower().replace("_", " ").split())


_BY_HEADER = {_fold(c.header): c.key for c in COLUMNS} | _ALIASES
_HEADER_OF = {c.key: c.header for c in COLUMNS}


def decode(data: bytes) -> tuple[str, str]:
    """The text of an upload and the encoding it was read in (UTF-8, UTF-16 or Windows-1250)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "UTF-8"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "UTF-16"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1250"), "Windows-1250"
    except UnicodeDecodeError:
        raise CsvFileError("the file is neither UTF-8 nor Windows-1250 text; save it as "
                           "CSV (UTF-8)") from None


def parse_dating(text: str) -> tuple[int | None, int | None]:
    """Earliest and latest year of a Czech dating text ("kolem 1850", "1850–1860",
    "2. polovina 19. století"); (None, None) when it names no year."""
    century = _CENTURY.search(text)
    if century:
        number = int(century.group("century"))
        start, end = (number - 1) * 100 + 1, number * 100
        if century.group("part") == "1":
            end = start + 49
        elif century.group("part") == "2":
            start = start + 50
        return start, end
    years = [int(y) for y in _YEARS.findall(text)]
    if not years:
        return None, None
    if len(years) == 1 and re.search(r"\b(kolem|cca|asi|okolo)\b", text, re.IGNORECASE):
        return years[0] - 5, years[0] + 5
    return min(years), max(years)


def _split(value: str) -> list[str]:
    return [part.strip() for part in re.split(r"[;\n]", value) if part.strip()]


def _number(value: str) -> float:
    return float(value.replace(",", "."))


class _Line:
    def __init__(self, number: int) -> None:
        self.number = number
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []

    def error(self, key: str, message: str) -> None:
        self.errors.append(Problem(self.number, _HEADER_OF.get(key, key), message))


def _record(line: _Line, cells: dict[str, str], institution: str, state: str
            ) -> dict[str, Any]:
    values: dict[str, Any] = {"institution": institution, "state": state}
    values["inventory_number"] = cells.get("inventory", "")
    if not values["inventory_number"]:
        line.error("inventory", "is required")
    values["title"] = {"cs": cells.get("title", "")}
    if not cells.get("title"):
        line.error("title", "is required")
    values["object_type"] = (cells.get("object_type") or cells.get("title", ""))[:200]
    for key, field in (("accession", "accession_number"), ("collection", "collection"),
                       ("acquisition", "acquisition")):
        if cells.get(key):
            values[field] = cells[key]
    if cells.get("description"):
        values["description"] = {"cs": cells["description"]}
    values["materials"] = [m for part in _split(cells.get("materials", ""))
                           for m in part.split(",") if m.strip()]
    values["materials"] = [m.strip() for m in values["materials"]]
    values["techniques"] = [t.strip() for part in _split(cells.get("techniques", ""))
                            for t in part.split(",") if t.strip()]
    measurements = []
    for part in _split(cells.get("measurements", "")):
        match = _MEASUREMENT.match(part)
        if not match or not match.group("type") or not match.group("unit"):
            line.error("measurements", f"{part!r} is not 'kind value unit' (výška 24,5 cm)")
            continue
        measurements.append({"type": match.group("type").strip(),
                             "value": _number(match.group("value")),
                             "unit": match.group("unit")})
    values["measurements"] = measurements
    date = cells.get("date", "")
    earliest, latest = parse_dating(date) if date else (None, None)
    if date and earliest is None:
        line.warnings.append(Problem(line.number, _HEADER_OF["date"],
                                     f"{date!r} names no year: kept as text only"))
    values["production"] = {"maker": cells.get("maker") or None, "date": date or None,
                            "earliest_year": earliest, "latest_year": latest,
                            "place": cells.get("place") or None}
    rights = None
    if cells.get("rights"):
        rights = rights_uris.known(cells["rights"])
        if rights is None:
            line.error("rights", f"{cells['rights']!r} is not an accepted licence or rights "
                                 "statement (see the template's documentation)")
    values["rights"] = rights
    images = []
    for url in _split(cells.get("images", "").replace(" ", ";")):
        if not URL_RE.match(url):
            line.error("images", f"{url[:80]!r} is not an http(s) URL")
            continue
        image: dict[str, Any] = {"url": url}
        if rights:
            image["rights"] = rights
        images.append(image)
    values["images"] = images
    for key, field in (("esbirky", "esbirky_url"), ("europeana", "europeana_url")):
        if cells.get(key):
            if URL_RE.match(cells[key]):
                values[field] = cells[key]
            else:
                line.error(key, f"{cells[key][:80]!r} is not an http(s) URL")
    return values


def iter_csv(data: bytes, *, institution: str, state: str = "published"
             ) -> tuple[str, list[Problem], Iterator[LidoRecord]]:
    """Read an upload: (encoding, file-level warnings, the records by line). Raises
    CsvFileError when the file cannot be read as the template at all."""
    text, encoding = decode(data)
    if not text.strip():
        raise CsvFileError("the file is empty")
    first_line = text.splitlines()[0]
    try:
        dialect: Any = csv.Sniffer().sniff(first_line, delimiters=";,\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    header = next(reader)
    keys: list[str | None] = []
    notes: list[Problem] = []
    for name in header:
        key = _BY_HEADER.get(_fold(name))
        if key is None and name.strip():
            notes.append(Problem(1, name.strip(), "unknown column: ignored"))
        keys.append(key)
    missing = [c.header for c in REQUIRED if c.key not in keys]
    if missing:
        raise CsvFileError(f"missing required column(s): {', '.join(missing)} (the first line "
                           "must name the columns of the template)")
    if encoding == "Windows-1250":
        notes.append(Problem(1, "file", "the file is in Windows-1250: read as such"))

    def records() -> Iterator[LidoRecord]:
        start = reader.line_num + 1
        for row in reader:
            number, start = start, reader.line_num + 1
            if not any(cell.strip() for cell in row):
                continue
            line = _Line(number)
            if len(row) > len(keys):
                line.errors.append(Problem(number, "line",
                                           f"{len(row)} cells but {len(keys)} columns"))
            cells = {k: v.strip() for k, v in zip(keys, row, strict=False) if k}
            values = _record(line, cells, institution, state)
            obj = None
            if not line.errors:
                try:
                    obj = parse_input(ObjectInput, values)
                except ValidationError as exc:
                    line.errors.append(Problem(number, exc.field, exc.message))
            yield LidoRecord(number, cells.get("inventory") or None, obj, line.errors,
                             line.warnings)

    return encoding, notes, records()


def template() -> str:
    """The published template: the header and one example line (UTF-8, ``;``-separated)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([c.header for c in COLUMNS])
    writer.writerow([c.example for c in COLUMNS])
    return out.getvalue()
