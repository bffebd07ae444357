"""Czech alphabetical order ("ch" after "h", "č" after "c") as a plain sort key, so that every
backend can sort titles the way Czech readers expect without ICU."""

from __future__ import annotations

import unicodedata

_ALPHABET = [
    "a", "á", "b", "c", "č", "d", "ď", "e", "é", "ě", "f", "g", "h", "ch", "i", "í", "j", "k",
    "l", "m", "n", "ň", "o", "ó", "p", "q", "r", "ř", "s", "š", "t", "ť", "u", "ú", "ů", "v",
    "w", "x", "y", "ý", "z", "ž",
]
# Primary letters: accents on vowels and ď/ň/ť only break ties; č ř š ž and ch are letters of
# their own.
_PRIMARY_LETTERS = ["a", "b", "c", "č", "d", "e", "f", "g", "h", "ch", "i", "j", "k", "l", "m",
                    "n", "o", "p", "q", "r", "ř", "s", "š", "t", "u", "v", "w", "x", "y", "z", "ž"]
_PRIMARY = {letter: index for index, letter in enumerate(_PRIMARY_LETTERS)}
_SECONDARY = {letter: index for index, letter in enumerate(_ALPHABET)}
_FOLD = {"á": "a", "ď": "d", "é": "e", "ě": "e", "í": "i", "ň": "n", "ó": "o", "ť": "t", "ú": "u",
         "ů": "u", "ý": "y"}


def czech_sort_key(text: str) -> str:
    """A string whose plain code-point order is Czech alphabetical order of ``text``."""
    text = unicodedata.normalize("NFC", text.casefold())
    primary: list[str] = []
    secondary: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if text.startswith("ch", index):
            letter = "ch"
            index += 2
        else:
            letter = char
            index += 1
        base = _FOLD.get(letter, letter)
        if base in _PRIMARY:
            primary.append(chr(0x100 + _PRIMARY[base]))
            secondary.append(chr(0x100 + _SECONDARY.get(letter, 0)))
        elif letter.isdigit():
            primary.append(chr(0x30 + int(letter)) if letter.isascii() else letter)
        elif letter.isalpha():
            folded = unicodedata.normalize("NFKD", letter)[0]
            primary.append(chr(0x100 + _PRIMARY.get(folded, 40)) + folded)
        elif letter.isspace():
            primary.append(" ")
    return "".join(primary) + "\x01" + "".join(secondary)
