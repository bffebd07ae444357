"""Czech text analysis shared by every search backend: words folded (case, diacritics) and
reduced to their dictionary form by simplemma's Czech (then English) model, on the indexed text
and on the query alike; the query's typo budget, prefix word, stop words and synonyms; and the
highlighting of matched words in snippets.

Backends index ``index_text(...)`` (each word's folded form and folded lemma) and search the
``QueryPlan`` of ``plan_query(...)``, so "muzeích" finds "muzeum" and "nadrazi" finds "nádraží"
on the embedded index and on Meilisearch alike.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import simplemma
from rapidfuzz.distance import DamerauLevenshtein

from catalog.search.base import MARK_END, MARK_START

LANGUAGES = ("cs", "en")
MAX_WORDS = 12
MAX_WORD_LENGTH = 40
MIN_PREFIX = 2  # a one-letter prefix would expand to a large part of the vocabulary
MAX_ALTERNATIVES = 8
SYNONYMS_FILE = Path(__file__).with_name("synonyms.txt")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)

# Words a query may drop (they carry no meaning on their own); a query of nothing else keeps them.
STOP_WORDS = frozenset({
    "a", "i", "k", "o", "s", "u", "v", "z", "ve", "ze", "se", "na", "do", "od", "po", "pro",
    "pod", "nad", "za", "ke", "ku", "je", "to", "ten", "ta", "the", "of", "and", "in", "on",
    "at", "for", "by", "with", "an",
})


def fold(word: str) -> str:
    """Lower case without diacritics: "Nádraží" → "nadrazi"."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    """The words of ``text`` (letters and digits), each at most ``MAX_WORD_LENGTH`` long."""
    return [w[:MAX_WORD_LENGTH] for w in _WORD.findall(text)]


@lru_cache(maxsize=200_000)
def lemma(word: str) -> str:
    """The folded dictionary form of ``word`` ("muzeích" → "muzeum", "vlaků" → "vlak")."""
    lowered = unicodedata.normalize("NFC", word.casefold())
    if lowered.isdigit():
        return lowered
    return fold(simplemma.lemmatize(lowered, lang=LANGUAGES))


@lru_cache(maxsize=200_000)
def forms(word: str) -> tuple[str, ...]:
    """What a word is indexed as: its folded form and, when different, its folded lemma."""
    surface = fold(word)
    base = lemma(word)
    return (surface,) if base == surface else (surface, base)


_INDEXED: dict[str, str] = {}  # word → its index terms; bounded by the vocabulary's size


def index_text(*texts: str) -> str:
    """The analysed text of ``texts``: space-separated index terms (hot when indexing a million
    records, hence the flat cache)."""
    out = []
    for text in texts:
        for word in _WORD.findall(text):
            terms = _INDEXED.get(word)
            if terms is None:
                terms = " ".join(forms(word[:MAX_WORD_LENGTH]))
                if len(_INDEXED) < 500_000:
                    _INDEXED[word] = terms
            out.append(terms)
    return " ".join(out)


def typo_budget(word: str) -> int:
    """Meilisearch's default: one typo from 5 characters, two from 9."""
    return 2 if len(word) >= 9 else 1 if len(word) >= 5 else 0


@dataclass(frozen=True)
class QueryWord:
    """One word of a query: its exact terms (folded form, lemma), how many typos it may have,
    and whether it is also matched as a prefix (the last word, still being typed)."""

    surface: str
    terms: tuple[str, ...]
    typos: int
    prefix: bool

    @property
    def primary(self) -> str:
        """The single term a backend that takes one word per position should send: the lemma
        of a word the dictionary knows (so inflections match), else the word as typed."""
        return self.terms[-1]


@dataclass(frozen=True)
class QueryPlan:
    """Alternatives (the query as typed, then its synonym variants), each a list of words that
    must all match."""

    alternatives: tuple[tuple[QueryWord, ...], ...]

    @property
    def empty(self) -> bool:
        return not self.alternatives

    def all_words(self) -> Iterator[QueryWord]:
        for alternative in self.alternatives:
            yield from alternative

    def text(self, alternative: int = 0) -> str:
        """One alternative as plain analysed words (for a backend with its own typo and prefix
        handling, such as Meilisearch)."""
        return " ".join(word.primary for word in self.alternatives[alternative])


class Synonyms:
    """Groups of equivalent phrases (both ways), compared by their lemmas."""

    def __init__(self, groups: Sequence[Sequence[str]]) -> None:
        # A phrase is the forms of each of its words; a query word matches a phrase word when
        # they share a form ("řády" and "rady" share "rady").
        analysed = (tuple(tuple(forms(w) for w in words(p)) for p in g) for g in groups)
        self.groups: list[tuple[tuple[tuple[str, ...], ...], ...]] = [
            tuple(p for p in g if p) for g in analysed]

    @classmethod
    def load(cls, path: Path = SYNONYMS_FILE) -> Synonyms:
        """Read a synonyms file: one group per line, phrases separated by ``=``; ``#`` starts a
        comment."""
        groups = []
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            line = line.split("#", 1)[0].strip()
            if "=" in line:
                groups.append([p.strip() for p in line.split("=") if p.strip()])
        return cls(groups)

    def expand(self, query: Sequence[tuple[str, ...]]
               ) -> list[tuple[int, int, tuple[str, ...]]]:
        """(start, end, replacement) for every phrase of a group found in ``query`` (each
        word's forms)."""
        found: list[tuple[int, int, tuple[str, ...]]] = []
        for group in self.groups:
            for phrase in group:
                size = len(phrase)
                for start in range(len(query) - size + 1):
                    if all(set(w) & set(f) for w, f in zip(phrase, query[start:start + size],
                                                           strict=True)):
                        found.extend((start, start + size, tuple(w[-1] for w in other))
                                     for other in group if other != phrase)
        return found

    def as_pairs(self) -> dict[str, list[str]]:
        """Each phrase → its equivalents, as analysed text (Meilisearch's ``synonyms``)."""
        pairs: dict[str, list[str]] = {}
        for group in self.groups:
            for phrase in group:
                pairs[_lemmas(phrase)] = [_lemmas(o) for o in group if o != phrase]
        return pairs


def _lemmas(phrase: Sequence[tuple[str, ...]]) -> str:
    return " ".join(word[-1] for word in phrase)


def _query_word(word: str, *, last: bool) -> QueryWord:
    surface = fold(word)
    return QueryWord(surface=surface, terms=forms(word), typos=typo_budget(surface),
                     prefix=last and len(surface) >= MIN_PREFIX)


def plan_query(text: str, synonyms: Synonyms | None = None) -> QueryPlan:
    """The plan of a user's query. Nothing of the user's text reaches an engine as syntax:
    only words (letters and digits) are kept."""
    found = words(text)[:MAX_WORDS]
    meaningful = [w for w in found if fold(w) not in STOP_WORDS]
    found = meaningful or found
    if not found:
        return QueryPlan(())
    typing = not text[-1:].isspace() and text.rstrip()[-1:].isalnum()
    base = tuple(_query_word(w, last=typing and i == len(found) - 1)
                 for i, w in enumerate(found))
    alternatives = [base]
    if synonyms is not None:
        for start, end, replacement in synonyms.expand([w.terms for w in base]):
            if len(alternatives) >= MAX_ALTERNATIVES:
                break
            new = tuple(QueryWord(surface=term, terms=(term,), typos=0, prefix=False)
                        for term in replacement)
            candidate = base[:start] + new + base[end:]
            if candidate not in alternatives:
                alternatives.append(candidate)
    return QueryPlan(tuple(alternatives))


class _Matcher:
    """Whether a word of a text matches the query: an exact form, a prefix, or within the
    typo budget (a snippet checks every word of a description, so the sets are built once)."""

    def __init__(self, plan: QueryPlan) -> None:
        words = list(plan.all_words())
        self.exact = {term for w in words for term in w.terms}
        self.prefixes = tuple(w.surface for w in words if w.prefix)
        self.typos = [(w.surface, w.typos) for w in words if w.typos]
        self.seen: dict[str, bool] = {}

    def __call__(self, word: str) -> bool:
        found = self.seen.get(word)
        if found is None:
            found = self.seen[word] = self._match(word)
        return found

    def _match(self, word: str) -> bool:
        terms = forms(word)
        if any(t in self.exact for t in terms):
            return True
        if self.prefixes and terms[0].startswith(self.prefixes):
            return True
        return any(abs(len(terms[0]) - len(surface)) <= budget and
                   DamerauLevenshtein.distance(terms[0], surface, score_cutoff=budget) <= budget
                   for surface, budget in self.typos)


@lru_cache(maxsize=64)
def _matcher(plan: QueryPlan) -> _Matcher:
    """One matcher per query: the snippets of a page's hits (and the next page's) share what it
    has learnt about each word."""
    return _Matcher(plan)


def matches_text(plan: QueryPlan, *texts: str) -> bool:
    """Whether ``texts`` hold every word of one alternative of the plan, each as the indexes
    match it (a form, a prefix or within the typo budget); an empty plan matches anything."""
    if plan.empty:
        return True
    found = {word for text in texts for word in _WORD.findall(text)}
    for alternative in plan.alternatives:
        if all(any(map(_Matcher(QueryPlan(((word,),))), found)) for word in alternative):
            return True
    return False


def highlight(text: str, plan: QueryPlan, *, width: int = 24) -> str:
    """A snippet of ``text`` around its first matched word, every matched word between
    ``MARK_START`` and ``MARK_END``; "" when no word of ``text`` matches."""
    if plan.empty or not text:
        return ""
    matches = _matcher(plan)
    spans = [(m.start(), m.end(), matches(m.group())) for m in _WORD.finditer(text)]
    hits = [i for i, (_s, _e, hit) in enumerate(spans) if hit]
    if not hits:
        return ""
    first = max(0, hits[0] - width // 3)
    last = min(len(spans), first + width)
    start = spans[first][0]
    end = spans[last - 1][1] if last < len(spans) else len(text)
    out = ["…" if first else ""]
    cursor = start
    for s, e, hit in spans[first:last]:
        if hit:
            out.append(text[cursor:s] + MARK_START + text[s:e] + MARK_END)
            cursor = e
    out.append(text[cursor:end])
    out.append("…" if last < len(spans) else "")
    return "".join(out)
