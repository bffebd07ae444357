"""Czech alphabetical order ("ch" after "h", "č" after "c") as a plain sort key, so that every
backend can sort titles the way Czech readers expect without ICU.

The key is ASCII digits only (two per letter, then "!" and the tie-breaking accents), because
Meilisearch normalises sortable strings (NFKD, lower case) and would merge any richer encoding.
"""

from __future__ import annotations

import unicodedata

# Primary letters: č ř š ž and ch are letters of their own; accents on the other vowels and on
# ď ň ť only break ties (secondary order).
_PRIMARY_LETTERS = ["a", "b", "c", "č", "d", "e", "f", "g", "h", "ch", "i", "j", "k", "l", "m",
                    "n", "o", "p", "q", "r", "ř", "s", "š", "t", "u", "v", "w", "x", "y", "z", "ž"]
_SECONDARY_LETTERS = [
    "a", "á", "b", "c", "č", "d", "ď", "e", "é", "ě", "f", "g", "h", "ch", "i", "í", "j", "k",
    "l", "m", "n", "ň", "o", "ó", "p", "q", "r", "ř", "s", "š", "t", "ť", "u", "ú", "ů", "v",
    "w", "x", "y", "ý", "z", "ž",
]
_FOLD = {"á": "a", "ď": "d", "é": "e", "ě": "e", "í": "i", "ň": "n", "ó": "o", "ť": "t", "ú": "u",
         "ů": "u", "ý": "y"}
_SPACE, _DIGIT0, _LETTER0, _OTHER = 1, 2, 12, 60
_PRIMARY = {letter: _LETTER0 + index for index, letter in enumerate(_PRIMARY_LETTERS)}
_SECONDARY = {letter: index for index, letter in enumerate(_SECONDARY_LETTERS)}


def _symbols(text: str) -> list[str]:
    symbols: list[str] = []
    index = 0
    while index < len(text):
        if text.startswith("ch", index):
            symbols.append("ch")
            index += 2
        else:
            symbols.append(text[index])
            index += 1
    return symbols


def czech_sort_key(text: str) -> str:
    """A string of ASCII digits whose plain order is the Czech alphabetical order of ``text``."""
    primary: list[int] = []
    secondary: list[int] = []
    for symbol in _symbols(unicodedata.normalize("NFC", text.casefold())):
        base = _FOLD.get(symbol, symbol)
        if base not in _PRIMARY and symbol.isalpha():
            base = unicodedata.normalize("NFKD", symbol)[0]  # a foreign letter: ö → o
        if base in _PRIMARY:
            primary.append(_PRIMARY[base])
            secondary.append(_SECONDARY.get(symbol, 0))
        elif symbol.isascii() and symbol.isdigit():
            primary.append(_DIGIT0 + int(symbol))
        elif symbol.isalpha():
            primary.append(_OTHER)
        elif symbol.isspace() and primary and primary[-1] != _SPACE:
            primary.append(_SPACE)
    return "".join(f"{n:02d}" for n in primary) + "!" + "".join(f"{n:02d}" for n in secondary)
