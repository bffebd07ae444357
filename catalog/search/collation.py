"""Czech alphabetical order ("ch" after "h", "č" after "c") as a plain sort key, so that every
backend can sort titles the way Czech readers expect without ICU.

The key is ASCII digits only (two per letter, then "!" and the tie-breaking accents), because
Meilisearch normalises sortable strings (NFKD, lower case) and would merge any richer encoding.
"""

from __future__ import annotations

import re
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


_SYMBOL = re.compile("ch|.", re.DOTALL)
# symbol → (primary, secondary) digits; primary "" for a symbol that does not sort, " " for a
# space. A per-symbol cache: titles are keyed by the hundred thousand when (re)indexing.
_CODES: dict[str, tuple[str, str]] = {}


def _code(symbol: str) -> tuple[str, str]:
    base = _FOLD.get(symbol, symbol)
    if base not in _PRIMARY and symbol.isalpha():
        base = unicodedata.normalize("NFKD", symbol)[0]  # a foreign letter: ö → o
    if base in _PRIMARY:
        return f"{_PRIMARY[base]:02d}", f"{_SECONDARY.get(symbol, 0):02d}"
    if symbol.isascii() and symbol.isdigit():
        return f"{_DIGIT0 + int(symbol):02d}", ""
    if symbol.isalpha():
        return f"{_OTHER:02d}", ""
    return (" " if symbol.isspace() else ""), ""


def czech_sort_key(text: str) -> str:
    """A string of ASCII digits whose plain order is the Czech alphabetical order of ``text``."""
    primary: list[str] = []
    secondary: list[str] = []
    space = f"{_SPACE:02d}"
    for symbol in _SYMBOL.findall(unicodedata.normalize("NFC", text.casefold())):
        codes = _CODES.get(symbol)
        if codes is None:
            codes = _CODES[symbol] = _code(symbol)
        first, second = codes
        if first == " ":
            if primary and primary[-1] != space:
                primary.append(space)
        elif first:
            primary.append(first)
            if second:
                secondary.append(second)
    return "".join(primary) + "!" + "".join(secondary)
