"""Every user-facing string is extracted and translated in each catalog of translations/."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("cs", "en")
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


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalog_translates_every_message(messages: set, lang: str) -> None:
    with open(ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po", "rb") as handle:
        catalog = read_po(handle)
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
