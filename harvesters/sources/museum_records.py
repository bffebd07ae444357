"""From a museum record (a ``lido:lido`` element) to a harvested collection object, on the LIDO
reading of ``catalog.museum.lido``."""

from __future__ import annotations

from lxml import etree

from catalog.museum.lido import L, lido_to_object
from harvesters.models import RecordKind
from harvesters.sources.base import Failed, Harvested, Item

LIDO = L + "lido"
LIDO_WRAP = L + "lidoWrap"


def lido_item(element: etree._Element, *, institution: str, number: int,
              remote_id: str | None = None) -> Item:
    """One LIDO record as an item; ``remote_id`` (e.g. the OAI-PMH identifier) wins over the
    lidoRecID. Problems become a Failed item whose message names the LIDO field."""
    if element.tag == LIDO_WRAP and len(element):
        element = element[0]
    record = lido_to_object(element, institution=institution, number=number)
    key = remote_id or record.rec_id
    if key is None:
        problem = record.errors[0] if record.errors else None
        return Failed(f"record {number}", f"{problem.field}: {problem.message}" if problem
                      else "a LIDO record without lidoRecID")
    if record.object is None:
        problem = record.errors[0] if record.errors else None
        message = f"{problem.field}: {problem.message}" if problem else "not a valid record"
        return Failed(key, message)
    obj = record.object
    identities = [f"lido:{record.rec_id}"] if record.rec_id else []
    flags = tuple(dict.fromkeys(f"{w.field}: {w.message}" for w in record.warnings))
    return Harvested(remote_id=key[:500], kind=RecordKind.OBJECT,
                     data=obj.model_dump(mode="json"), identities=tuple(identities),
                     flags=flags, label=obj.title.get("cs") or key)
