"""Controlled vocabularies the catalog accepts: EU data themes, frequencies, file types, licences,
Czech terms of use, record rights. Labels are English msgids marked for extraction; the portal
translates them.
"""

from __future__ import annotations

from dataclasses import dataclass


def N_(message: str) -> str:  # noqa: N802 - the conventional gettext no-op marker
    """Mark a label for translation without translating it here (the domain has no locale)."""
    return message


EU_AUTHORITY = "http://publications.europa.eu/resource/authority/"
THEME_BASE = EU_AUTHORITY + "data-theme/"
FREQUENCY_BASE = EU_AUTHORITY + "frequency/"
FILE_TYPE_BASE = EU_AUTHORITY + "file-type/"
LICENCE_BASE = EU_AUTHORITY + "licence/"
EUROVOC_BASE = "http://eurovoc.europa.eu/"
RUIAN_BASE = "https://linked.cuzk.cz/resource/ruian/"
LIBEREC_REGION_IRI = RUIAN_BASE + "vusc/78"
TERMS_BASE = "https://data.gov.cz/podmínky-užití/"
HVD_CATEGORY_BASE = "http://data.europa.eu/bna/"
HVD_LEGISLATION = "http://data.europa.eu/eli/reg_impl/2023/138/oj"
OPEN_DATA_LEGISLATION = "http://data.europa.eu/eli/dir/2019/1024/oj"


@dataclass(frozen=True)
class Term:
    """One concept of a controlled vocabulary: its short code, IRI and English label (msgid)."""

    code: str
    iri: str
    label: str


def _terms(base: str, pairs: list[tuple[str, str]]) -> dict[str, Term]:
    return {code: Term(code, base + code, label) for code, label in pairs}


THEMES = _terms(
    THEME_BASE,
    [
        ("AGRI", N_("Agriculture, fisheries, forestry and food")),
        ("ECON", N_("Economy and finance")),
        ("EDUC", N_("Education, culture and sport")),
        ("ENER", N_("Energy")),
        ("ENVI", N_("Environment")),
        ("GOVE", N_("Government and public sector")),
        ("HEAL", N_("Health")),
        ("INTR", N_("International issues")),
        ("JUST", N_("Justice, legal system and public safety")),
        ("OP_DATPRO", N_("Provisional data")),
        ("REGI", N_("Regions and cities")),
        ("SOCI", N_("Population and society")),
        ("TECH", N_("Science and technology")),
        ("TRAN", N_("Transport")),
    ],
)

FREQUENCIES = _terms(
    FREQUENCY_BASE,
    [
        ("CONT", N_("continuous")),
        ("UPDATE_CONT", N_("continuously updated")),
        ("DAILY", N_("daily")),
        ("WEEKLY", N_("weekly")),
        ("MONTHLY", N_("monthly")),
        ("QUARTERLY", N_("quarterly")),
        ("BIANNUAL", N_("twice a year")),
        ("ANNUAL", N_("annual")),
        ("IRREG", N_("irregular")),
        ("NEVER", N_("never")),
        ("UNKNOWN", N_("unknown")),
        # The rest of the EU frequency authority list, so harvested records keep their value.
        ("HOURLY", N_("hourly")),
        ("BIHOURLY", N_("every two hours")),
        ("TRIHOURLY", N_("every three hours")),
        ("DAILY_2", N_("twice a day")),
        ("WEEKLY_2", N_("twice a week")),
        ("WEEKLY_3", N_("three times a week")),
        ("BIWEEKLY", N_("every two weeks")),
        ("MONTHLY_2", N_("twice a month")),
        ("MONTHLY_3", N_("three times a month")),
        ("BIMONTHLY", N_("every two months")),
        ("ANNUAL_2", N_("twice a year")),
        ("ANNUAL_3", N_("three times a year")),
        ("BIENNIAL", N_("every two years")),
        ("TRIENNIAL", N_("every three years")),
        ("QUADRENNIAL", N_("every four years")),
        ("QUINQUENNIAL", N_("every five years")),
        ("DECENNIAL", N_("every ten years")),
        ("BIDECENNIAL", N_("every twenty years")),
        ("TRIDECENNIAL", N_("every thirty years")),
        ("OTHER", N_("other")),
    ],
)

# The six high-value dataset categories of Implementing Regulation (EU) 2023/138 (the top of
# the EU "high-value dataset categories" vocabulary).
HVD_CATEGORIES = _terms(
    HVD_CATEGORY_BASE,
    [
        ("c_ac64a52d", N_("Geospatial")),
        ("c_dd313021", N_("Earth observation and environment")),
        ("c_164e0bf5", N_("Meteorological")),
        ("c_e1da4e07", N_("Statistics")),
        ("c_a9135398", N_("Companies and company ownership")),
        ("c_b79e35eb", N_("Mobility")),
    ],
)

FILE_TYPES = _terms(
    FILE_TYPE_BASE,
    [
        ("CSV", "CSV"),
        ("JSON", "JSON"),
        ("GEOJSON", "GeoJSON"),
        ("XML", "XML"),
        ("XLSX", "XLSX"),
        ("XLS", "XLS"),
        ("ODS", "ODS"),
        ("PDF", "PDF"),
        ("ZIP", "ZIP"),
        ("HTML", "HTML"),
        ("SHP", "Shapefile"),
        ("KML", "KML"),
        ("GML", "GML"),
        ("GPKG", "GeoPackage"),
        ("WMS_SRVC", "WMS"),
        ("WFS_SRVC", "WFS"),
        ("RDF_TURTLE", "Turtle"),
        ("JSON_LD", "JSON-LD"),
        ("RDF_XML", "RDF/XML"),
        ("TXT", N_("Text")),
    ],
)

LICENCES = {
    term.code: term
    for term in (
        Term("CC-BY-4.0", LICENCE_BASE + "CC_BY_4_0", "CC BY 4.0"),
        Term("CC-BY-SA-4.0", LICENCE_BASE + "CC_BYSA_4_0", "CC BY-SA 4.0"),
        Term("CC0-1.0", LICENCE_BASE + "CC0", "CC0 1.0"),
        Term("ODbL-1.0", LICENCE_BASE + "ODBL_1_0", "ODbL 1.0"),
    )
}

# The four slots of the Czech terms of use (DCAT-AP-CZ "podmínky užití") and their allowed values.
TERMS_AUTHOR_WORK = {
    "none": TERMS_BASE + "neobsahuje-autorská-díla/",
    "ccby": "https://creativecommons.org/licenses/by/4.0/",
    "multiple": TERMS_BASE + "obsahuje-více-autorských-děl/",
}
TERMS_DATABASE_WORK = {
    "none": TERMS_BASE + "není-autorskoprávně-chráněnou-databází/",
    "ccby": "https://creativecommons.org/licenses/by/4.0/",
}
TERMS_SPECIAL_DB_RIGHTS = {
    "none": TERMS_BASE + "není-chráněna-zvláštním-právem-pořizovatele-databáze/",
    "cc0": "https://creativecommons.org/publicdomain/zero/1.0/",
}
TERMS_PERSONAL_DATA = {
    "no": TERMS_BASE + "neobsahuje-osobní-údaje/",
    "yes": TERMS_BASE + "obsahuje-osobní-údaje/",
    "unspecified": TERMS_BASE + "není-specifikováno-zda-obsahuje-osobní-údaje/",
}

# Rights statements for collection records and images (EDM accepts these).
RIGHTS = {
    term.code: term
    for term in (
        Term("CC0-1.0", "http://creativecommons.org/publicdomain/zero/1.0/", "CC0 1.0"),
        Term("PDM", "http://creativecommons.org/publicdomain/mark/1.0/", N_("Public domain")),
        Term("CC-BY-4.0", "http://creativecommons.org/licenses/by/4.0/", "CC BY 4.0"),
        Term("CC-BY-SA-4.0", "http://creativecommons.org/licenses/by-sa/4.0/", "CC BY-SA 4.0"),
        Term("InC", "http://rightsstatements.org/vocab/InC/1.0/", N_("In copyright")),
        # The rest of the statements Europeana accepts (museum records and images).
        Term("CC-BY-NC-4.0", "http://creativecommons.org/licenses/by-nc/4.0/", "CC BY-NC 4.0"),
        Term("CC-BY-ND-4.0", "http://creativecommons.org/licenses/by-nd/4.0/", "CC BY-ND 4.0"),
        Term("CC-BY-NC-SA-4.0", "http://creativecommons.org/licenses/by-nc-sa/4.0/",
             "CC BY-NC-SA 4.0"),
        Term("CC-BY-NC-ND-4.0", "http://creativecommons.org/licenses/by-nc-nd/4.0/",
             "CC BY-NC-ND 4.0"),
        Term("InC-EDU", "http://rightsstatements.org/vocab/InC-EDU/1.0/",
             N_("In copyright, educational use permitted")),
        Term("InC-OW-EU", "http://rightsstatements.org/vocab/InC-OW-EU/1.0/",
             N_("In copyright, EU orphan work")),
        Term("NoC-NC", "http://rightsstatements.org/vocab/NoC-NC/1.0/",
             N_("No copyright, non-commercial use only")),
        Term("NoC-OKLR", "http://rightsstatements.org/vocab/NoC-OKLR/1.0/",
             N_("No copyright, other known legal restrictions")),
        Term("CNE", "http://rightsstatements.org/vocab/CNE/1.0/",
             N_("Copyright not evaluated")),
    )
}

# Czech labels of the RÚIAN areas the demo and the editor use most (type/code → label).
RUIAN_LABELS = {
    "vusc/78": "Liberecký kraj",
    "okres/3501": "okres Česká Lípa",
    "okres/3504": "okres Jablonec nad Nisou",
    "okres/3505": "okres Liberec",
    "okres/3608": "okres Semily",
    "obec/563889": "Liberec",
    "obec/563510": "Jablonec nad Nisou",
    "obec/561380": "Česká Lípa",
    "obec/576964": "Semily",
    "obec/577626": "Turnov",
    "obec/564028": "Frýdlant",
    "stat/1": "Česká republika",
}


# vocabulary id -> (the vocabulary, kept so its id is never reused, and its terms by IRI)
_BY_IRI: dict[int, tuple[dict[str, Term], dict[str, Term]]] = {}


def by_iri(vocabulary: dict[str, Term], iri: str) -> Term | None:
    """The term of ``vocabulary`` whose IRI is ``iri``, or None (an index built once per
    vocabulary: documents, API results and exports look terms up per record)."""
    cached = _BY_IRI.get(id(vocabulary))
    if cached is None or cached[0] is not vocabulary:  # the tables are fixed after import
        # the first term wins when two share an IRI, as in a scan in order
        cached = _BY_IRI[id(vocabulary)] = (
            vocabulary, {t.iri: t for t in reversed(list(vocabulary.values()))})
    return cached[1].get(iri)


def ruian_label(iri: str) -> str:
    """A readable label for a RÚIAN IRI (falls back to the type and code)."""
    key = iri.removeprefix(RUIAN_BASE)
    return RUIAN_LABELS.get(key, key)
