"""Multilingual text fields of the HTML forms: one input a language (``title_cs``,
``title_en``, ...), read into and shown from the ``{lang: text}`` mappings records keep."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from catalog.schemas import LANGUAGES


def read_texts(form: Mapping[str, str], name: str,
               langs: Iterable[str] = LANGUAGES) -> dict[str, str]:
    """The texts of the ``{name}_{lang}`` inputs, stripped, by language; blank ones left out."""
    texts = {lang: (form.get(f"{name}_{lang}") or "").strip() for lang in langs}
    return {lang: text for lang, text in texts.items() if text}


def text_inputs(name: str, texts: Mapping[str, str],
                langs: Iterable[str] = LANGUAGES) -> dict[str, str]:
    """The values of the ``{name}_{lang}`` inputs showing ``texts`` (blank where a language
    has none)."""
    return {f"{name}_{lang}": texts.get(lang, "") for lang in langs}
