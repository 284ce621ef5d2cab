"""Lookup tables over one parsed article, built once per `find_quotes` call: which quote
each token is in, which mention, where sentences end, the genders and descriptions the
article gives its people. Part of the quote finder (see builder/quotes.py).
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, replace
from typing import Sequence

from spacy.attrs import IDX, IS_SPACE, LENGTH, ORTH
from spacy.tokens import Doc, Token

from .quote_marks import QuotePiece
from .records import CharSpan, MentionFound
from .quote_words import (
    FEMALE_HONORIFICS, FEMALE_PRONOUNS, FIRST_NAME_SEX, MALE_HONORIFICS, MALE_PRONOUNS, PLACE_LABELS,
    ROLE_NOUNS, SENTENCE_END_CHARS, SPEAKER_LABELS, SUBJECT_DEPS, TITLE_ABBREV, TITLE_ABBREVIATIONS,
    TITLE_SMALL,
)


# What the NER calls a repeated surname besides a person.
_SURNAME_LABELS = PLACE_LABELS | {"ORG", "NORP"}


@dataclass
class QuoteDraft:
    pieces: list[QuotePiece]
    first_tok: int  # the opening mark of the first piece
    last_tok: int  # the closing mark (or last token) of the last piece
    para: int  # paragraph of the first piece
    last_para: int  # paragraph of the last piece
    inner_end: str  # the last character inside the quote (",", ".", ...)
    speaker: tuple[int, int, str] | None = None  # (start, end, label)
    cue: str = ""
    strong: bool = False  # attributed by a cue in its own sentence (verb, according to...)
    source: tuple[int, int] | None = None  # how the text describes an unnamed speaker


def doc_columns(doc: Doc) -> tuple[str, list[list[int]]]:
    """The Doc's text and its token columns (start, length, is-space, orth) as plain lists:
    Doc.text is rebuilt on every access, and creating Token objects is the slow part of
    spaCy's Python API, so the per-token tests work on these. Made once per article, even
    when its quotes are found twice."""
    return doc.text, doc.to_array([IDX, LENGTH, IS_SPACE, ORTH]).tolist() if len(doc) else []


class ArticleTables:
    """Lookup tables over one Doc, built once per pass of `find_quotes`."""

    def __init__(self, doc: Doc, mentions: Sequence[MentionFound],
                 columns: tuple[str, list[list[int]]] | None = None):
        self.doc = doc
        self.text, cols = columns or doc_columns(doc)
        text = self.text
        self.starts = [c[0] for c in cols]
        ends = frozenset(doc.vocab.strings[p] for p in SENTENCE_END_CHARS)
        self.boundary = [c[3] in ends or (c[2] == 1 and "\n" in text[c[0]:c[0] + c[1]])
                         for c in cols]
        n = len(doc)
        for i in range(n - 1):
            # a split-off abbreviation point ("(Tex.) has said", "Jr., who") ends nothing
            if self.boundary[i] and cols[i][2] == 0:
                nxt = text[cols[i + 1][0]]
                if nxt in "),;:" or nxt.islower():
                    self.boundary[i] = False
                elif i > 0 and cols[i - 1][0] + cols[i - 1][1] == cols[i][0] and \
                        text[cols[i - 1][0]:cols[i][0]].lower() in TITLE_ABBREVIATIONS:
                    self.boundary[i] = False  # "said Army Capt. Jo Doe": a title, not an end
        self.quote_of = [-1] * n  # index of the quote a token belongs to
        # the small model takes many people for organisations ("Carly Fiorina said")
        mentions = [replace(m, label="PERSON") if m.label == "ORG" and self._reads_as_person(m)
                    else m for m in mentions]
        # the people named in full, by surname (relabelling one-word mentions adds none)
        self._full_names: dict[str, set[tuple[str, ...]]] = {}
        for m in mentions:
            words = tuple(m.text.split())
            if m.label == "PERSON" and len(words) > 1:
                self._full_names.setdefault(words[-1], set()).add(words)
        surnames = set(self._full_names)
        # the first names that only one full name has ("Megyn" of "Megyn Kelly"), but not a
        # title the model took into the name ("Senator Jo Doe")
        by_first: dict[str, set[tuple[str, ...]]] = {}
        for full_names in self._full_names.values():
            for full in full_names:
                first = full[0]
                if first.isalpha() and first[:1].isupper() and \
                        first.lower() not in ROLE_NOUNS and first.lower() not in TITLE_ABBREVIATIONS:
                    by_first.setdefault(first, set()).add(full)
        self._first_names = {first: next(iter(fulls)) for first, fulls in by_first.items()
                             if len(fulls) == 1}
        # the model also labels a repeated surname a place, an organisation or a group
        # ("Vladeck said" after "Stephen Vladeck", "Ebeling lives…" after "Betsy Ebeling"), or
        # misses it: a one-word mention of that kind, or none, that is a person's surname is them
        # ... and labels the same one-word name a person in one sentence and an organisation
        # in the next ("Trump said…", "Trump mentioned…"): once a person, always one
        person_words = surnames | {m.text for m in mentions
                                   if m.label == "PERSON" and " " not in m.text}
        mentions = [replace(m, label="PERSON")
                    if m.label in _SURNAME_LABELS and m.text in person_words else m
                    for m in mentions] + self._bare_surnames(cols, mentions, surnames)
        mentions += self._bare_first_names(cols, mentions)
        self.mentions = sorted((m for m in mentions if m.label in SPEAKER_LABELS),
                               key=lambda m: m.span.start)
        self.mention_starts = [m.span.start for m in self.mentions]
        self.mention_of = [-1] * n
        self.is_place = [False] * n
        for m in mentions:
            if m.label in PLACE_LABELS:
                for i in range(self.tok_at(m.span.start), n):
                    if self.starts[i] >= m.span.end:
                        break
                    self.is_place[i] = True
        for k, m in enumerate(self.mentions):
            for i in range(self.tok_at(m.span.start), n):
                if self.starts[i] >= m.span.end:
                    break
                self.mention_of[i] = k
        self._titles: dict[int, frozenset[str]] = {}
        # the unnamed member ("a senior aide") the last speaker_of_verb stopped at, if any
        self.unnamed_subject: Token | None = None
        self._genders: dict[str, list[int]] | None = None
        self._gender_by_name: dict[str, str] = {}  # gender_of's answers, asked per candidate
        # every word of a PERSON/ORG name, so an unlabelled repeat can be recognised
        self.name_labels: dict[str, str] = {}
        for m in self.mentions:
            if m.label in ("PERSON", "ORG"):
                for w in m.text.split():
                    if w[:1].isupper() and w.lower() not in TITLE_SMALL:
                        self.name_labels.setdefault(w, m.label)

    def _bare_surnames(self, cols: list[list[int]], mentions: Sequence[MentionFound],
                       surnames: set[str]) -> list[MentionFound]:
        """The surname of a person the article names in full, where the NER found no name
        at all ("Sanders appeared to dismiss…", tagged a common noun after "Bernie
        Sanders"): a person mention, so "he said" can mean them."""
        if not surnames:
            return []
        wanted = {self.doc.vocab.strings[s] for s in surnames}
        spans = sorted((m.span.start, m.span.end) for m in mentions)
        starts = [a for a, _ in spans]
        found = []
        for start, length, _, orth in cols:
            if orth not in wanted:
                continue
            k = bisect_right(starts, start) - 1
            if k >= 0 and spans[k][1] > start:
                continue  # inside a mention already ("Bernie Sanders", "Sanders Institute")
            name = self.text[start:start + length]
            found.append(MentionFound(CharSpan(start, start + length), name, "PERSON"))
        return found

    def _bare_first_names(self, cols: list[list[int]],
                          mentions: Sequence[MentionFound]) -> list[MentionFound]:
        """The first name alone of a person the article names in full, where the NER found
        no name ("Megyn was incredulous" after "Megyn Kelly"): a person mention, so that
        "she said" can mean her. Only a first name one full name has, only as a proper noun
        ("Will" opening a question is no "Will Estrada")."""
        if not self._first_names:
            return []
        wanted = {self.doc.vocab.strings[s] for s in self._first_names}
        spans = sorted((m.span.start, m.span.end) for m in mentions)
        starts = [a for a, _ in spans]
        found = []
        for i, (_, _, _, orth) in enumerate(cols):
            if orth not in wanted:
                continue  # (Token objects are made only for the words that may be names)
            tok = self.doc[i]
            if tok.pos_ != "PROPN":
                continue
            k = bisect_right(starts, tok.idx) - 1
            if k >= 0 and spans[k][1] > tok.idx:
                continue  # inside a mention already
            if tok.i + 1 < len(self.doc) and self.doc[tok.i + 1].pos_ == "PROPN":
                continue  # the start of another name ("Megyn Smith")
            found.append(MentionFound(CharSpan(tok.idx, tok.idx + len(tok.text)), tok.text,
                                      "PERSON"))
        return found

    def _reads_as_person(self, m: MentionFound) -> bool:
        """Is an ORG mention a person the NER mislabelled? A full name whose first word is
        a first name ("Carly Fiorina"), or a name set beside a person's role or age
        ("Priebus, the GOP chairman,", "Fiorina, 61,")."""
        words = m.text.split()
        if len(words) in (2, 3) and words[0] in FIRST_NAME_SEX and \
                all(w[:1].isupper() for w in words):
            return True
        head = self.doc[self.tok_at(m.span.end - 1)]
        return any(c.dep_ == "appos" and (c.lemma_.lower() in ROLE_NOUNS or c.like_num)
                   for c in head.children)

    def tok_at(self, char: int) -> int:
        """The token containing `char` (or the next one, if `char` is in whitespace)."""
        i = bisect_right(self.starts, char) - 1
        if i < 0:
            return 0
        tok = self.doc[i]
        if char >= tok.idx + len(tok.text) and i + 1 < len(self.doc):
            return i + 1
        return i

    def is_boundary(self, i: int) -> bool:
        """Does token i end a sentence (. ! ?) or a paragraph?"""
        return self.boundary[i]

    def count_bounds(self) -> None:
        """bounds_before[i]: how many sentence or paragraph ends (outside quotes) precede
        token i, so "same sentence?" is one comparison. Needs `quote_of` filled."""
        acc = 0
        out = [0] * (len(self.doc) + 1)
        for i in range(len(self.doc)):
            out[i] = acc
            if self.quote_of[i] < 0 and self.boundary[i]:
                acc += 1
        out[len(self.doc)] = acc
        self.bounds_before = out

    def gender_of(self, name: str) -> str:
        """"m", "f" or "" for a person, from the article itself: an honorific before the
        name (Mr., Mrs., Ms.), or the pronouns that follow the name as a subject (the next
        he/his/him or she/her within a few words), and from the first name. A full name and
        its bare surname share their evidence, unless the article names several people
        with that surname ("Donald Trump", "Melania Trump": a bare "Trump" then has only
        its own)."""
        if name not in self._gender_by_name:
            self._gender_by_name[name] = self._gender_from_evidence(name)
        return self._gender_by_name[name]

    def _gender_from_evidence(self, name: str) -> str:
        if self._genders is None:
            self._genders = self._collect_genders()
        words = name.split()
        if not words:
            return ""
        surname = words[-1]
        full_names = self._full_names.get(surname, set())
        forms = {name}
        if len(full_names) <= 1:
            forms |= {surname} | {" ".join(full) for full in full_names}
        if len(words) == 1 and name in self._first_names and not full_names:
            # "Megyn" alone is Megyn Kelly: what the article says of one is said of the other
            words = list(self._first_names[name])
            forms |= {" ".join(words)}
        male = sum(self._genders.get(form, (0, 0))[0] for form in forms)
        female = sum(self._genders.get(form, (0, 0))[1] for form in forms)
        # the first name counts for more than one pronoun: it decides where the article says
        # nothing, and outweighs a single stray "her" ("John Podesta told the group that her
        # position…"); two of the article's pronouns outweigh it
        prior = self._first_name_sex(words)
        male += 1.5 if prior == "m" else 0
        female += 1.5 if prior == "f" else 0
        return "m" if male > female else "f" if female > male else ""

    def _first_name_sex(self, words: list[str]) -> str:
        """The sex most bearers of the name's first name have, for a full name; for a bare
        surname, that of the full names the article gives it, when they agree ("Clinton"
        after "Bill Clinton" and "Hillary Clinton" has none)."""
        if len(words) > 1:
            return FIRST_NAME_SEX.get(words[0], "")
        sexes = {FIRST_NAME_SEX.get(full[0], "") for full in self._full_names.get(words[0], ())}
        return sexes.pop() if len(sexes) == 1 else ""

    def _collect_genders(self) -> dict[str, list[int]]:
        """(male, female) evidence per name as the article writes it."""
        votes: dict[str, list[int]] = {}
        doc, n = self.doc, len(self.doc)
        for m in self.mentions:
            if m.label != "PERSON" or not m.text.split():
                continue
            first = self.tok_at(m.span.start)
            end = self.tok_at(m.span.end - 1)
            v = votes.setdefault(m.text, [0, 0])
            prev = doc[first - 1].lower_ if first > 0 else ""
            if prev in MALE_HONORIFICS:
                v[0] += 2
            elif prev in FEMALE_HONORIFICS:
                v[1] += 2
            if doc[end].dep_ not in SUBJECT_DEPS:
                continue
            for i in range(end + 1, min(n, end + 16)):
                if self.quote_of[i] >= 0:
                    continue  # "Kunin said. “His demeanor…”": a pronoun in a quote is not hers
                low = doc[i].lower_
                if low in MALE_PRONOUNS:
                    v[0] += 1
                    break
                if low in FEMALE_PRONOUNS:
                    v[1] += 1
                    break
                if self.mention_of[i] >= 0 and self.mentions[self.mention_of[i]].label == "PERSON":
                    break  # another person: the pronoun may be theirs
        return votes

    def same_sentence(self, a: int, b: int) -> bool:
        """No sentence or paragraph end strictly between tokens a and b."""
        if a > b:
            a, b = b, a
        return b - a < 2 or self.bounds_before[b] == self.bounds_before[a + 1]

    def mention_span(self, k: int) -> tuple[int, int, str]:
        m = self.mentions[k]
        return (m.span.start, m.span.end, SPEAKER_LABELS[m.label])

    def titles(self, k: int) -> frozenset[str]:
        """Lower-cased description words of mention k: its `title` plus the compounds,
        modifiers and appositions the parse hangs on the name."""
        got = self._titles.get(k)
        if got is None:
            got = self._titles[k] = frozenset(self._title_words(k))
        return got

    def _title_words(self, k: int) -> set[str]:
        m = self.mentions[k]
        words = {norm_title(w) for w in m.title.split()}
        root = self.doc[self.tok_at(m.span.end - 1)]
        first = self.tok_at(m.span.start)
        for child in root.children:
            if first <= child.i <= root.i:
                continue
            if child.dep_ in ("compound", "amod", "nmod") and child.i < root.i:
                words.update(norm_title(t.text) for t in child.subtree)
            elif child.dep_ == "appos":  # "Mark Rutte, the NATO chief,"
                words.update(norm_title(t.text) for t in child.subtree if t.i - child.i < 6)
        if root.dep_ == "appos":  # "the NATO chief, Mark Rutte"
            words.add(norm_title(root.head.text))
            words.update(norm_title(t.text) for t in root.head.lefts)
        words.discard("")
        return words


def norm_title(word: str) -> str:
    w = word.lower()
    return TITLE_ABBREV.get(w, w.rstrip("."))
