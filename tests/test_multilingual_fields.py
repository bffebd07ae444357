"""The multilingual text inputs of the forms (editor, editorial content, museum curator)."""

from __future__ import annotations

from werkzeug.datastructures import MultiDict

from portal.multilingual_fields import read_texts, text_inputs


def test_texts_are_read_stripped_and_blank_languages_left_out() -> None:
    form = MultiDict({"title_cs": "  Odjezdy ", "title_en": "   ", "title_de": "Abfahrten",
                      "title_xx": "ignored", "description_cs": "jiné pole"})
    assert read_texts(form, "title") == {"cs": "Odjezdy", "de": "Abfahrten"}
    assert read_texts(form, "title", ("cs", "en")) == {"cs": "Odjezdy"}


def test_inputs_show_each_language_blank_where_it_has_no_text() -> None:
    assert text_inputs("summary", {"cs": "Souhrn", "pl": "Streszczenie"}) == {
        "summary_cs": "Souhrn", "summary_en": "", "summary_de": "", "summary_pl": "Streszczenie"}
    assert text_inputs("title", {"cs": "Váza", "de": "Vase"}, ("cs", "en")) == {
        "title_cs": "Váza", "title_en": ""}
