"""Every user-facing string is extracted and translated in each catalog of translations/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("cs", "en", "de", "pl")
# German and Polish text that may equal the Czech or English text: names of things and the
# official labels of the EU vocabularies. Anything else that is identical was merely copied.
SAME_IN_ALL_LANGUAGES = {
    ("de", "Energy"),  # EU data theme, German label "Energie" (Czech: "Energie")
    ("pl", "Transport"),  # EU data theme, Polish label "Transport"
    ("de", "Distribution"),  # the DCAT term, as in DCAT-AP's German documentation
    ("pl", "Wi-Fi"), ("pl", "E-mail"),
    ("de", "Name"), ("de", "Material"), ("de", "Museum"),  # the German words are the English ones
    ("pl", "Museum"),  # "Muzeum" in Polish and in Czech
    ("pl", "administrator"),  # the Polish word is the English one
    ("de", "Organisation"),  # the German word is the English one
}
# Codes and format names (CSV, RDF/XML, JSON-LD, OAI-PMH, ...) are the same in every language.
CODE = re.compile(r"[A-Z0-9][A-Za-z0-9 ./:+\-()&,·]*")
METHODS = [("portal/**.py", "python"), ("catalog/**.py", "python"),
           ("captive_portal/**.py", "python"), ("portal/templates/**.html", "jinja2")]


def extracted() -> set[str | tuple[str, ...]]:
    found: set[str | tuple[str, ...]] = set()
    options = {"portal/templates/**.html": {"extensions": "jinja2.ext.do", "silent": "false"}}
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), METHODS, options_map=options, keywords=keywords):
        found.add(message if isinstance(message, str) else tuple(message))
    return found


@pytest.fixture(scope="module")
def messages() -> set[str | tuple[str, ...]]:
    return extracted()


def test_templates_and_code_yield_messages(messages: set) -> None:
    assert "Datasets" in messages and "Transport" in messages
    assert ("%(num)d result", "%(num)d results") in messages


def read_catalog(lang: str) -> Catalog:
    with open(ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle)


def strings_by_id(catalog: Catalog) -> dict[str | tuple[str, ...], tuple[str, ...]]:
    return {(m.id if isinstance(m.id, str) else tuple(m.id)):
            (m.string if isinstance(m.string, tuple) else (m.string,))
            for m in catalog if m.id}


def is_code(message_id: str | tuple[str, ...]) -> bool:
    text = message_id if isinstance(message_id, str) else message_id[0]
    text = re.sub(r"%\(\w+\)[sd]", "", text).strip()
    capitals = sum(ch.isupper() for ch in text)
    return not text or bool(CODE.fullmatch(text) and capitals >= 2
                            and not re.search(r"[a-z]{3,}", text))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalog_translates_every_message(messages: set, lang: str) -> None:
    catalog = read_catalog(lang)
    translated = {}
    for message in catalog:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else tuple(message.id)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"{lang}: {key!r} is untranslated"
        assert not message.fuzzy, f"{lang}: {key!r} is fuzzy"
        translated[key] = strings
    missing = sorted(map(str, messages - set(translated)))
    assert missing == [], f"{lang} lacks: {missing[:10]}"


def copied_messages(lang: str, catalog: Catalog, czech: Catalog) -> list:
    """Messages of ``catalog`` whose text is the Czech or English text (English is the id)."""
    czech_strings = strings_by_id(czech)
    copied = []
    for key, strings in strings_by_id(catalog).items():
        if (lang, key) in SAME_IN_ALL_LANGUAGES or is_code(key):
            continue
        english = (key,) if isinstance(key, str) else key
        # Short words are often the same in Czech and Polish ("Co", "Pole", "Od", "Mapa"):
        # only a phrase equal to the Czech one counts as copied.
        if any(s in english or (" " in s.strip() and s in czech_strings.get(key, ()))
               for s in strings if s):
            copied.append(key)
    return copied


@pytest.mark.parametrize("lang", ["de", "pl"])
def test_german_and_polish_are_not_copies_of_czech_or_english(lang: str) -> None:
    copied = copied_messages(lang, read_catalog(lang), read_catalog("cs"))
    assert copied == [], f"{lang} messages copied from Czech or English: {copied[:10]}"


def test_copy_check_finds_czech_and_english_text() -> None:
    czech, german = Catalog(locale="cs"), Catalog(locale="de")
    czech.add("Map search", "Hledání na mapě")
    czech.add("Map", "Mapa")
    czech.add("Datasets", "Datové sady")
    czech.add("CSV", "CSV")
    german.add("Map search", "Hledání na mapě")  # Czech text
    german.add("Map", "Mapa")  # one word the same in two languages (as in Polish)
    german.add("Datasets", "Datasets")  # English text
    german.add("CSV", "CSV")  # a code
    assert copied_messages("de", german, czech) == ["Map search", "Datasets"]


def test_copy_check_tells_codes_from_words() -> None:
    assert is_code("CSV") and is_code("RDF/XML") and is_code("JSON-LD") and is_code("%(n)s")
    assert is_code("GeoJSON") and is_code("Wi-Fi")
    assert not is_code("Transport") and not is_code("Filters") and not is_code("Text")
