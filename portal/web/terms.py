"""The terms of use of a distribution in plain words: the licence and the four Czech
terms-of-use slots (DCAT-AP-CZ) turned into sentences a visitor understands."""

from __future__ import annotations

from flask_babel import gettext

from catalog import vocabularies as voc
from catalog.models import Distribution


def plain_terms(distribution: Distribution) -> list[str]:
    """Sentences saying what a visitor may do with the distribution, most important first."""
    d = distribution
    free = (d.terms_author_work == voc.TERMS_AUTHOR_WORK["none"]
            and d.terms_database_work == voc.TERMS_DATABASE_WORK["none"]
            and d.terms_special_db_rights in (voc.TERMS_SPECIAL_DB_RIGHTS["none"],
                                              voc.TERMS_SPECIAL_DB_RIGHTS["cc0"]))
    sentences = []
    if free:
        sentences.append(gettext("You may use these data for any purpose, including commercial "
                                 "use, without asking anyone."))
    else:
        credit = (d.terms_author_work == voc.TERMS_AUTHOR_WORK["ccby"]
                  or d.terms_database_work == voc.TERMS_DATABASE_WORK["ccby"])
        if credit:
            sentences.append(gettext("You may use, share and adapt these data, also "
                                     "commercially, if you name the author."))
        if d.terms_author_work == voc.TERMS_AUTHOR_WORK["multiple"]:
            sentences.append(gettext("The data contain several works protected by copyright: "
                                     "check the conditions of each before reusing it."))
        if d.terms_special_db_rights not in (voc.TERMS_SPECIAL_DB_RIGHTS["none"],
                                             voc.TERMS_SPECIAL_DB_RIGHTS["cc0"]):
            sentences.append(gettext("The maker of the database holds a special right to it: "
                                     "ask before copying large parts."))
    personal = {
        voc.TERMS_PERSONAL_DATA["yes"]: gettext(
            "The data contain personal data: process them only as data protection law allows."),
        voc.TERMS_PERSONAL_DATA["no"]: gettext("The data contain no personal data."),
        voc.TERMS_PERSONAL_DATA["unspecified"]: gettext(
            "The publisher does not say whether the data contain personal data."),
    }
    if d.terms_personal_data in personal:
        sentences.append(personal[d.terms_personal_data])
    return sentences
