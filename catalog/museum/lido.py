"""LIDO 1.0/1.1 → register records: one ``lido:lido`` element to an ``ObjectInput`` with a
per-record report, and a streamed reader of ``lido:lidoWrap`` files of any size.

For harvesters (OAI-PMH ``metadataPrefix=lido``, LIDO files)::

    from catalog.museum.lido import lido_to_object, iter_lido

    record = lido_to_object(element, institution="severoceske-muzeum", number=7)
    # element: an lxml lido:lido element (e.g. the child of an OAI-PMH <metadata>)
    # record.rec_id  -> the lidoRecID (use it as the source identifier), or None
    # record.object  -> a validated catalog.schemas.ObjectInput, or None when invalid
    # record.errors  -> [Problem(record=7, field="lidoRecID", message="...")]; empty when valid
    # record.warnings -> things dropped or guessed (unknown rights, no Czech title, ...)

    for record in iter_lido(open(path, "rb"), institution="..."):   # streamed, flat memory
        ...   # raises LidoFileError (a ValueError) for unsafe or malformed XML or a wrong root

Only the record's content is read; the caller decides the institution (the curator's museum or
the harvest source's), the state and what to do with invalid records.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from lxml import etree

from catalog.errors import ValidationError
from catalog.museum import rights as rights_uris
from catalog.museum.safexml import XmlError, iterparse
from catalog.schemas import LANGUAGES, URL_RE, ObjectInput, parse_input

LIDO_NS = "http://www.lido-schema.org"
L = "{" + LIDO_NS + "}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SKOS = "{http://www.w3.org/2004/02/skos/core#}"
RDF_ABOUT = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about"
TERMS = "http://terminology.lido-schema.org/"
PREFERRED = {"", "preferred", TERMS + "lido00169"}

# lido:type values (LIDO terminology URIs and the free strings older data uses).
PRODUCTION_EVENTS = {TERMS + "lido00007", TERMS + "lido00012", TERMS + "lido00224"}
PRODUCTION_WORDS = {"production", "creation", "designing", "výroba", "vznik", "herstellung",
                    "produktion", "entstehung", "wytworzenie", "produkcja"}
ACQUISITION_WORDS = {"acquisition", "nabytí", "akvizice", "erwerb", "erwerbung", "nabycie"}
INVENTORY_TYPES = {TERMS + "lido00113", "inventory number", "inventarnummer",
                   "inventární číslo", "inventory", "evidenční číslo"}
ACCESSION_TYPES = {"accession number", "přírůstkové číslo", "zugangsnummer", "accession"}
MATERIAL_TYPES = {TERMS + "lido00132", "material", "materiál", "material/medium"}
TECHNIQUE_TYPES = {TERMS + "lido00131", "technique", "technika", "technik"}
COLLECTION_TYPES = {"podsbírka", "podsbirka", "sub-collection", "collection", "sbírka"}
EDM_TYPE_CLASSIFICATIONS = {"europeana:type", "edm:type"}
_LANG_ALIASES = {"cze": "cs", "ces": "cs", "eng": "en", "ger": "de", "deu": "de", "pol": "pl"}
_YEAR = re.compile(r"^\s*(-?\d{1,7})")

# Schema order of the containers a misplaced element most often breaks (LIDO 1.0 and 1.1).
ORDER: dict[str, tuple[str, ...]] = {
    "lido": ("lidoRecID", "objectPublishedID", "category", "applicationProfile",
             "descriptiveMetadata", "administrativeMetadata"),
    "descriptiveMetadata": ("objectClassificationWrap", "objectIdentificationWrap", "eventWrap",
                            "objectRelationWrap"),
    "objectClassificationWrap": ("objectWorkTypeWrap", "classificationWrap"),
    "objectIdentificationWrap": ("titleWrap", "inscriptionsWrap", "repositoryWrap",
                                 "displayStateEditionWrap", "objectDescriptionWrap",
                                 "objectMeasurementsWrap", "objectMaterialsTechWrap"),
    "repositorySet": ("displayRepository", "repositoryName", "workID", "repositoryLocation",
                      "sourceRepositorySet"),
    "administrativeMetadata": ("rightsWorkWrap", "recordWrap", "resourceWrap"),
    "recordWrap": ("recordID", "recordType", "recordSource", "recordRights", "recordInfoSet",
                   "collection"),
    "measurementsSet": ("measurementType", "measurementUnit", "measurementValue"),
    "eventDate": ("displayDate", "date"),
    "resourceRepresentation": ("linkResource", "resourceMeasurementsSet"),
}
REQUIRED: dict[str, tuple[str, ...]] = {
    "lido": ("descriptiveMetadata", "administrativeMetadata"),  # lidoRecID: checked first
    "recordWrap": ("recordID", "recordType", "recordSource"),
    "measurementsSet": ("measurementType", "measurementUnit", "measurementValue"),
}


_CONTAINERS = tuple(L + name for name in ORDER)


@functools.lru_cache(maxsize=256)
def _clark(path: str) -> str:
    """``l:a/l:b`` → ``{lido}a/{lido}b``."""
    return path.replace("l:", L)


class LidoFileError(ValueError):
    """The file as a whole cannot be read: unsafe or malformed XML, or not LIDO at all."""


@dataclass(frozen=True)
class Problem:
    """One finding of the import report: which record, which field, what is wrong."""

    record: int
    field: str
    message: str


@dataclass
class LidoRecord:
    """The outcome of reading one ``lido:lido`` element."""

    number: int
    rec_id: str | None
    object: ObjectInput | None
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.object is not None and not self.errors


def _local(element: Any) -> str:
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag[len(L):] if tag.startswith(L) else tag


def _text(element: etree._Element | None) -> str:
    if element is None:
        return ""
    return " ".join("".join(element.itertext()).split())


def _lang(element: etree._Element, default: str) -> str:
    raw = (element.get(XML_LANG) or default or "").strip().lower()
    raw = raw.split("-")[0].split("_")[0]
    return _LANG_ALIASES.get(raw, raw)


def _type(element: etree._Element) -> str:
    return (element.get(L + "type") or "").strip()


def _type_in(element: etree._Element, values: set[str]) -> bool:
    return _type(element).lower() in values or _type(element) in values


def _year(value: str) -> int | None:
    match = _YEAR.match(value)
    return int(match.group(1)) if match else None


def _number(value: str) -> float | None:
    try:
        return float(value.strip().replace("\u00a0", "").replace(" ", "").replace(",", "."))
    except ValueError:
        return None


class _Reader:
    """Collects one record's values and problems while walking its element tree."""

    def __init__(self, lido: etree._Element, number: int) -> None:
        self.lido = lido
        self.number = number
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []

    def error(self, where: str, message: str) -> None:
        self.errors.append(Problem(self.number, where, message))

    def warn(self, where: str, message: str) -> None:
        self.warnings.append(Problem(self.number, where, message))

    def all(self, path: str, start: etree._Element | None = None) -> list[etree._Element]:
        base = self.lido if start is None else start
        found: list[etree._Element] = base.findall(_clark(path))
        return found

    def first(self, path: str, start: etree._Element | None = None) -> etree._Element | None:
        found = self.all(path, start)
        return found[0] if found else None

    def check_structure(self) -> None:
        """Schema order, required children and foreign elements of the containers that
        matter (iterating only those keeps this cheap on large records)."""
        for element in self.lido.iter(*_CONTAINERS):
            name = element.tag[len(L):]
            order = ORDER[name]
            children = []
            for child in element:
                tag = child.tag
                if not isinstance(tag, str):
                    continue
                if not tag.startswith(L):
                    self.error(name, f"element {tag} is not in the LIDO namespace {LIDO_NS}")
                    continue
                children.append(tag[len(L):])
            last = -1
            for child_name in children:
                position = order.index(child_name) if child_name in order else -1
                if position < 0:
                    continue
                if position < last:
                    self.error(name, f"{child_name} is out of schema order: it must come "
                                     f"before {order[last]}")
                    break
                last = position
            for required in REQUIRED.get(name, ()):
                if required not in children:
                    self.error(f"{name}/{required}", f"{required} is required in {name}")


def _texts_by_lang(elements: list[etree._Element], default: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for element in elements:
        text = _text(element)
        if text:
            lang = _lang(element, default)
            values[lang] = f"{values[lang]}\n\n{text}" if lang in values else text
    return values


def _terms(concept: etree._Element) -> list[etree._Element]:
    """The labels of a concept: its lido:term elements and (LIDO 1.1) the prefLabels of an
    embedded skos:Concept."""
    found: list[etree._Element] = concept.findall(L + "term")
    found += concept.findall(f"{SKOS}Concept/{SKOS}prefLabel")
    return [t for t in found if _text(t)]


def _preferred_terms(elements: list[etree._Element], lang: str) -> list[str]:
    """One label per concept: the term in ``lang``, else the concept's first term."""
    labels: list[str] = []
    for concept in elements:
        terms = _terms(concept)
        chosen = next((t for t in terms if _lang(t, lang) == lang), terms[0] if terms else None)
        if chosen is not None and _text(chosen) not in labels:
            labels.append(_text(chosen))
    return labels


def _label(element: etree._Element | None, lang: str) -> str:
    """A concept's preferred label, or the plain text of a text element."""
    if element is None:
        return ""
    labels = _preferred_terms([element], lang)
    return labels[0] if labels else _text(element)


def _concept_uris(element: etree._Element) -> list[str]:
    uris = [_text(c) for c in element.findall(L + "conceptID") if _text(c)]
    uris += [c.get(RDF_ABOUT, "") for c in element.findall(SKOS + "Concept") if c.get(RDF_ABOUT)]
    return uris


def lido_to_object(element: etree._Element, *, institution: str, number: int = 1,
                   state: str = "published") -> LidoRecord:
    """Read one ``lido:lido`` element as a register record of ``institution`` (a slug).

    Never raises for bad content: every problem is in ``errors`` with the record ``number``,
    the LIDO field and a message, and ``object`` is None when any error was found.
    """
    reader = _Reader(element, number)
    if element.tag != L + "lido":
        reader.error("lido", f"expected a lido:lido element in namespace {LIDO_NS}, found "
                             f"{element.tag}")
        return LidoRecord(number, None, None, reader.errors, reader.warnings)
    rec_ids = reader.all("l:lidoRecID")
    rec_id = _text(rec_ids[0]) if rec_ids else None
    if not rec_id:
        reader.error("lidoRecID", "missing lidoRecID (the record's identifier)")
        rec_id = None
    elif not rec_ids[0].get(L + "type"):
        reader.error("lidoRecID", "the lido:type attribute of lidoRecID is required")
    reader.check_structure()
    try:
        values = _values(reader)
    except (TypeError, ValueError) as exc:  # content too odd to map: report, never crash
        reader.error("lido", f"cannot be read: {exc}")
        values = None
    obj: ObjectInput | None = None
    if values is not None and not reader.errors:
        values["institution"] = institution
        values["state"] = state
        try:
            obj = parse_input(ObjectInput, values)
        except ValidationError as exc:
            reader.error(_FIELD_NAMES.get(exc.field.split(".")[0], exc.field), exc.message)
    return LidoRecord(number, rec_id, obj if not reader.errors else None, reader.errors,
                      reader.warnings)


# ObjectInput field → the LIDO element a curator should look at.
_FIELD_NAMES = {
    "title": "titleSet/appellationValue", "object_type": "objectWorkType",
    "inventory_number": "repositorySet/workID", "accession_number": "repositorySet/workID",
    "description": "objectDescriptionSet", "measurements": "objectMeasurements",
    "production": "eventSet/event (production)", "images": "resourceSet",
    "rights": "recordRights", "esbirky_url": "objectPublishedID",
    "europeana_url": "objectPublishedID", "maker": "eventActor",
}


def _values(reader: _Reader) -> dict[str, Any] | None:
    descriptive = reader.all("l:descriptiveMetadata")
    administrative = reader.all("l:administrativeMetadata")
    if not descriptive or not administrative:
        return None
    lang = _lang(descriptive[0], "cs") or "cs"
    values: dict[str, Any] = {}
    values["title"] = _title(reader, descriptive, lang)
    _classification(reader, descriptive[0], lang, values)
    _identification(reader, descriptive, lang, values)
    _events(reader, descriptive[0], lang, values)
    values["subjects"] = _preferred_terms(reader.all(
        "l:objectRelationWrap/l:subjectWrap/l:subjectSet/l:subject/l:subjectConcept",
        descriptive[0]), lang)
    _administrative(reader, administrative[0], lang, values)
    _published_ids(reader, values)
    return values


def _title(reader: _Reader, descriptive: list[etree._Element], lang: str) -> dict[str, str]:
    titles: dict[str, str] = {}
    for block in descriptive:
        block_lang = _lang(block, lang)
        for value in reader.all("l:objectIdentificationWrap/l:titleWrap/l:titleSet/"
                                "l:appellationValue", block):
            preferred = (value.get(L + "pref") or "").strip().lower() in PREFERRED
            text = _text(value)
            value_lang = _lang(value, block_lang)
            if text and preferred and value_lang not in titles:
                titles[value_lang] = text
    if not titles:
        reader.error("titleSet/appellationValue", "a title (or the object name) is required")
        return {}
    if "cs" not in titles:
        first_lang, first = next(iter(titles.items()))
        titles["cs"] = first
        reader.warn("titleSet/appellationValue",
                    f"no Czech title: the {first_lang or 'unlabelled'} title is shown instead")
    return _known_languages(reader, "titleSet/appellationValue", titles)


def _known_languages(reader: _Reader, where: str, texts: dict[str, str]) -> dict[str, str]:
    kept = {k: v for k, v in texts.items() if k in LANGUAGES}
    dropped = sorted(set(texts) - set(kept))
    if dropped:
        reader.warn(where, f"texts in {', '.join(d or '?' for d in dropped)} are not kept "
                           f"(the register keeps {', '.join(LANGUAGES)})")
    return kept


def _classification(reader: _Reader, block: etree._Element, lang: str,
                    values: dict[str, Any]) -> None:
    work_types = reader.all("l:objectClassificationWrap/l:objectWorkTypeWrap/l:objectWorkType",
                            block)
    names = _preferred_terms(work_types, lang)
    if names:
        values["object_type"] = names[0][:200]
    elif work_types and _concept_uris(work_types[0]):
        values["object_type"] = _concept_uris(work_types[0])[0][:200]
        reader.warn("objectWorkType", "no term: the concept identifier is used as object type")
    else:
        reader.error("objectWorkType", "an object type (objectWorkType with a term) is required")
    classification: list[str] = []
    for item in reader.all("l:objectClassificationWrap/l:classificationWrap/l:classification",
                           block):
        labels = _preferred_terms([item], lang)
        if not labels:
            continue
        if _type_in(item, COLLECTION_TYPES):
            values.setdefault("collection", labels[0][:200])
        elif _type_in(item, EDM_TYPE_CLASSIFICATIONS):
            classification.append(labels[0].upper())
        else:
            classification.extend(label for label in labels if label not in classification)
    values["classification"] = classification


def _identification(reader: _Reader, descriptive: list[etree._Element], lang: str,
                    values: dict[str, Any]) -> None:
    block = descriptive[0]
    work_ids = reader.all("l:objectIdentificationWrap/l:repositoryWrap/l:repositorySet/l:workID",
                          block)
    inventory = next((w for w in work_ids if _type_in(w, INVENTORY_TYPES)), None)
    accession = next((w for w in work_ids if _type_in(w, ACCESSION_TYPES)), None)
    if inventory is None:
        inventory = next((w for w in work_ids if w is not accession), None)
    if inventory is None or not _text(inventory):
        reader.error("repositorySet/workID", "an inventory number (workID) is required")
    else:
        values["inventory_number"] = _text(inventory)
    if accession is not None and _text(accession):
        values["accession_number"] = _text(accession)
    notes: list[etree._Element] = []
    for each in descriptive:
        for note in reader.all("l:objectIdentificationWrap/l:objectDescriptionWrap/"
                               "l:objectDescriptionSet/l:descriptiveNoteValue", each):
            if note.get(XML_LANG) is None:
                note.set(XML_LANG, _lang(each, lang))
            notes.append(note)
    values["description"] = _known_languages(reader, "objectDescriptionSet",
                                             _texts_by_lang(notes, lang))
    measurements: list[dict[str, Any]] = []
    for index, item in enumerate(reader.all(
            "l:objectIdentificationWrap/l:objectMeasurementsWrap/l:objectMeasurementsSet/"
            "l:objectMeasurements/l:measurementsSet", block)):
        kind = _label(item.find(L + "measurementType"), lang)
        unit = _label(item.find(L + "measurementUnit"), lang)
        raw = _text(item.find(L + "measurementValue"))
        number = _number(raw)
        if number is None:
            reader.error(f"measurementsSet[{index + 1}]/measurementValue",
                         f"{raw!r} is not a number")
            continue
        if kind and unit:
            measurements.append({"type": kind, "value": number, "unit": unit})
    values["measurements"] = measurements
    materials, techniques = _materials(reader.all(
        "l:objectIdentificationWrap/l:objectMaterialsTechWrap/l:objectMaterialsTechSet/"
        "l:materialsTech/l:termMaterialsTech", block), lang)
    values["materials"], values["techniques"] = materials, techniques


def _materials(terms: list[etree._Element], lang: str) -> tuple[list[str], list[str]]:
    materials: list[str] = []
    techniques: list[str] = []
    for term in terms:
        labels = _preferred_terms([term], lang)
        if not labels:
            continue
        target = techniques if _type_in(term, TECHNIQUE_TYPES) else materials
        if labels[0] not in target:
            target.append(labels[0])
    return materials, techniques


def _event_kind(reader: _Reader, event: etree._Element) -> str:
    event_type = event.find(L + "eventType")
    if event_type is None:
        return ""
    uris = set(_concept_uris(event_type))
    words = {_text(t).lower() for t in _terms(event_type)}
    if uris & PRODUCTION_EVENTS or words & PRODUCTION_WORDS:
        return "production"
    if words & ACQUISITION_WORDS:
        return "acquisition"
    return ""


def _events(reader: _Reader, block: etree._Element, lang: str, values: dict[str, Any]) -> None:
    events = reader.all("l:eventWrap/l:eventSet/l:event", block)
    production = next((e for e in events if _event_kind(reader, e) == "production"), None)
    acquisition = next((e for e in events if _event_kind(reader, e) == "acquisition"), None)
    if acquisition is not None:
        text = _text(acquisition.find(L + "eventDescriptionSet/" + L + "descriptiveNoteValue")) \
            or _text(acquisition.find(L + "eventMethod/" + L + "term")) \
            or _text(acquisition.find(L + "eventName/" + L + "appellationValue"))
        if text:
            values["acquisition"] = text[:500]
    if production is None:
        return
    makers = []
    for actor in reader.all("l:eventActor", production):
        name = _text(actor.find(f"{L}actorInRole/{L}actor/{L}nameActorSet/{L}appellationValue")) \
            or _text(actor.find(L + "displayActorInRole"))
        if name and name not in makers:
            makers.append(name)
    display = _text(reader.first("l:eventDate/l:displayDate", production))
    earliest = _year(_text(reader.first("l:eventDate/l:date/l:earliestDate", production)))
    latest = _year(_text(reader.first("l:eventDate/l:date/l:latestDate", production)))
    place = _text(reader.first("l:eventPlace/l:displayPlace", production)) or _text(
        reader.first("l:eventPlace/l:place/l:namePlaceSet/l:appellationValue", production))
    if not display and earliest is not None:
        display = str(earliest) if latest in (None, earliest) else f"{earliest}–{latest}"
    maker = "; ".join(makers)
    if len(maker) > 300:
        reader.warn("eventActor", "more makers than fit: the list is shortened")
        maker = maker[:297] + "…"
    values["production"] = {"maker": maker or None, "date": display[:200] or None,
                            "earliest_year": earliest, "latest_year": latest,
                            "place": place[:300] or None}
    materials, techniques = _materials(reader.all(
        "l:eventMaterialsTech/l:materialsTech/l:termMaterialsTech", production), lang)
    values["materials"] = values.get("materials", []) + [
        m for m in materials if m not in values.get("materials", [])]
    values["techniques"] = values.get("techniques", []) + [
        t for t in techniques if t not in values.get("techniques", [])]
    if not materials and not techniques:
        display_mt = _text(reader.first("l:eventMaterialsTech/l:displayMaterialsTech",
                                        production))
        if display_mt and display_mt not in values["materials"]:
            values["materials"].append(display_mt)


def _rights(reader: _Reader, where: str, element: etree._Element | None) -> str | None:
    if element is None:
        return None
    candidates = _concept_uris(element) + [_text(t) for t in _terms(element)]
    for candidate in candidates:
        accepted = rights_uris.known(candidate)
        if accepted:
            return accepted
    shown = candidates or ["(none given)"]
    reader.warn(where, f"rights {shown[0]!r} are not a statement the register accepts; "
                       "they are left out")
    return None


def _administrative(reader: _Reader, block: etree._Element, lang: str,
                    values: dict[str, Any]) -> None:
    values["rights"] = _rights(reader, "recordRights",
                               reader.first("l:recordWrap/l:recordRights/l:rightsType", block))
    collection = reader.first("l:recordWrap/l:collection", block)
    if collection is not None and "collection" not in values:
        labels = _preferred_terms([collection], lang)
        if labels:
            values["collection"] = labels[0][:200]
    images: list[dict[str, Any]] = []
    for index, resource in enumerate(reader.all("l:resourceWrap/l:resourceSet", block)):
        representations = resource.findall(L + "resourceRepresentation")
        chosen = next((r for r in representations if "thumb" not in _type(r).lower()),
                      representations[0] if representations else None)
        link = _text(chosen.find(L + "linkResource")) if chosen is not None else ""
        if not link:
            continue
        if not URL_RE.match(link):
            reader.warn(f"resourceSet[{index + 1}]/linkResource",
                        f"{link[:80]!r} is not an http(s) URL; the image is left out")
            continue
        caption = _known_languages(reader, "resourceDescription", _texts_by_lang(
            resource.findall(L + "resourceDescription"), lang))
        image: dict[str, Any] = {"url": link, "caption": caption}
        image_rights = _rights(reader, f"resourceSet[{index + 1}]/rightsResource",
                               resource.find(L + "rightsResource/" + L + "rightsType"))
        if image_rights:
            image["rights"] = image_rights
        images.append(image)
    values["images"] = images


def _published_ids(reader: _Reader, values: dict[str, Any]) -> None:
    for published in reader.all("l:objectPublishedID"):
        url = _text(published)
        host = re.sub(r"^https?://", "", url).split("/")[0].lower()
        if host.endswith("esbirky.cz") and URL_RE.match(url):
            values.setdefault("esbirky_url", url)
        elif host.endswith("europeana.eu") and URL_RE.match(url):
            values.setdefault("europeana_url", url)


def iter_lido(source: IO[bytes] | str, *, institution: str, state: str = "published"
              ) -> Iterator[LidoRecord]:
    """Stream the records of a LIDO file (``lidoWrap`` or a single ``lido``), numbered from 1.

    Memory stays flat however many records the file holds. Raises LidoFileError when the
    document is unsafe (a DOCTYPE), malformed, or not LIDO; records read before a fault in
    the middle of the file have already been yielded.
    """
    number = 0
    try:
        for element in iterparse(source, L + "lido", roots={L + "lidoWrap", L + "lido"}):
            number += 1
            yield lido_to_object(element, institution=institution, number=number, state=state)
    except XmlError as exc:
        raise LidoFileError(str(exc)) from None
