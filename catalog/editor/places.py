"""The RÚIAN places of the Liberec Region the editor offers: the region, its four districts and
its main towns, found by name (diacritics-insensitive) or by code.

The codes were written from memory by the portal's team and MUST be verified against RÚIAN
(https://vdp.cuzk.cz, the "obec"/"okres"/"vusc" registers) before production use; a wrong code
only mislabels a dataset's coverage and is fixed here without touching stored records' meaning.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from catalog.vocabularies import RUIAN_BASE


@dataclass(frozen=True)
class Place:
    key: str  # "obec/563889"
    name: str
    kind: str  # "vusc", "okres", "obec"
    district: str | None = None

    @property
    def iri(self) -> str:
        return RUIAN_BASE + self.key

    @property
    def label(self) -> str:
        if self.kind == "okres":
            return f"okres {self.name}"
        if self.kind == "obec" and self.district:
            return f"{self.name} (okres {self.district})"
        return self.name


PLACES: tuple[Place, ...] = (
    Place("vusc/78", "Liberecký kraj", "vusc"),
    Place("okres/3501", "Česká Lípa", "okres"),
    Place("okres/3504", "Jablonec nad Nisou", "okres"),
    Place("okres/3505", "Liberec", "okres"),
    Place("okres/3608", "Semily", "okres"),
    # District of Liberec
    Place("obec/563889", "Liberec", "obec", "Liberec"),
    Place("obec/564028", "Frýdlant", "obec", "Liberec"),
    Place("obec/564095", "Hrádek nad Nisou", "obec", "Liberec"),
    Place("obec/563951", "Chrastava", "obec", "Liberec"),
    Place("obec/564117", "Hejnice", "obec", "Liberec"),
    Place("obec/564290", "Raspenava", "obec", "Liberec"),
    Place("obec/564231", "Nové Město pod Smrkem", "obec", "Liberec"),
    Place("obec/564303", "Jablonné v Podještědí", "obec", "Liberec"),
    # District of Jablonec nad Nisou
    Place("obec/563510", "Jablonec nad Nisou", "obec", "Jablonec nad Nisou"),
    Place("obec/563781", "Tanvald", "obec", "Jablonec nad Nisou"),
    Place("obec/563803", "Železný Brod", "obec", "Jablonec nad Nisou"),
    Place("obec/563757", "Smržovka", "obec", "Jablonec nad Nisou"),
    Place("obec/563536", "Desná", "obec", "Jablonec nad Nisou"),
    Place("obec/563714", "Rychnov u Jablonce nad Nisou", "obec", "Jablonec nad Nisou"),
    # District of Česká Lípa
    Place("obec/561380", "Česká Lípa", "obec", "Česká Lípa"),
    Place("obec/561860", "Nový Bor", "obec", "Česká Lípa"),
    Place("obec/561495", "Doksy", "obec", "Česká Lípa"),
    Place("obec/561851", "Mimoň", "obec", "Česká Lípa"),
    Place("obec/561479", "Cvikov", "obec", "Česká Lípa"),
    Place("obec/562017", "Stráž pod Ralskem", "obec", "Česká Lípa"),
    # District of Semily
    Place("obec/576964", "Semily", "obec", "Semily"),
    Place("obec/577626", "Turnov", "obec", "Semily"),
    Place("obec/577081", "Jilemnice", "obec", "Semily"),
    Place("obec/577260", "Lomnice nad Popelkou", "obec", "Semily"),
    Place("obec/577618", "Rokytnice nad Jizerou", "obec", "Semily"),
    Place("obec/577162", "Harrachov", "obec", "Semily"),
)
BY_KEY = {place.key: place for place in PLACES}


def fold(text: str) -> str:
    """Lower case without diacritics ("Česká Lípa" → "ceska lipa")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def search(text: str, limit: int = 20) -> list[Place]:
    """Places whose name or label contains ``text`` (folded), best (prefix) matches first."""
    wanted = fold(text)
    if not wanted:
        return list(PLACES[:limit])
    hits = [p for p in PLACES if wanted in fold(p.label) or wanted in p.key]
    hits.sort(key=lambda p: (not fold(p.name).startswith(wanted), PLACES.index(p)))
    return hits[:limit]


def resolve(text: str) -> Place | None:
    """The place a chooser value names: its label, name (a town before a district of the same
    name), key ("obec/563889") or IRI."""
    value = text.strip()
    if value.startswith(RUIAN_BASE):
        value = value[len(RUIAN_BASE):]
    if value in BY_KEY:
        return BY_KEY[value]
    wanted = fold(value)
    for place in PLACES:
        if fold(place.label) == wanted:
            return place
    named = [p for p in PLACES if fold(p.name) == wanted]
    named.sort(key=lambda p: p.kind != "obec")
    return named[0] if named else None


def label_of(iri: str) -> str:
    """A readable label for a RÚIAN IRI (the key when it is not in the bundled list)."""
    key = iri.removeprefix(RUIAN_BASE)
    place = BY_KEY.get(key)
    return place.label if place else key
