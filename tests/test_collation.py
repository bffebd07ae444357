"""Czech alphabetical order as a sort key every backend can use."""

from __future__ import annotations

import unicodedata

from catalog.search.collation import czech_sort_key


def test_czech_alphabet_order() -> None:
    words = ["chata", "hrad", "cukr", "čaj", "Ústí", "uhlí", "zámek", "Žatec", "abeceda", "ahoj",
             "Řeka", "rok", "sůl", "sova", "1. máj", "2 body", "dům", "Děčín", "Cena", "Čáp"]
    assert sorted(words, key=czech_sort_key) == [
        "1. máj", "2 body", "abeceda", "ahoj", "Cena", "cukr", "čaj", "Čáp", "Děčín", "dům",
        "hrad", "chata", "rok", "Řeka", "sova", "sůl", "uhlí", "Ústí", "zámek", "Žatec"]


def test_a_word_sorts_before_its_extensions_and_accents_only_break_ties() -> None:
    assert czech_sort_key("Most") < czech_sort_key("Mostek") < czech_sort_key("Motor")
    assert czech_sort_key("kaz") < czech_sort_key("káz") < czech_sort_key("kazeta")


def test_key_survives_meilisearch_normalisation() -> None:
    """Meilisearch compares sortable strings after NFKD and lower-casing: the key is digits and
    '!' only, so that changes nothing and the order stays Czech."""
    for word in ["Hrad", "Chata", "Čáp", "Šumava", "Žatec", "Ōsaka", "Ærø", "Москва"]:
        key = czech_sort_key(word)
        assert key.isascii() and unicodedata.normalize("NFKD", key).lower() == key
