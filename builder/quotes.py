"""Direct quotations and their speakers.

placeholder docstring, rewritten below once rules settle.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import Sequence

from spacy.tokens import Doc, Token

from .records import BLOCK_SEPARATOR, CharSpan, MentionFound, QuoteFound

# --- quote marks ---------------------------------------------------------------------------

OPEN_CURLY = "“„«"
CLOSE_CURLY = "”»"
STRAIGHT = '"'
DOUBLE_MARKS = OPEN_CURLY + CLOSE_CURLY + STRAIGHT
_MARK_RE = re.compile(f"[{re.escape(DOUBLE_MARKS)}]")
# characters after which a straight quote is an opener ("(", dash, slash...)
_OPENER_LEFT = set("([{—–-/")
_CLOSER_RIGHT = set(".,;:!?)]}—–-…'’")


@dataclass
class _Mark:
    pos: int
    can_open: bool
    can_close: bool
    strong_open: bool  # curly “ with a clear opening context


@dataclass
class _Piece:
    start: int  # position of the opening mark
    end: int  # one past the closing mark (or the paragraph's end when unclosed)
    inner_start: int
    inner_end: int
    closed: bool


def _classify(text: str, pos: int, lo: int, hi: int) -> _Mark:
    ch = text[pos]
    prev = text[pos - 1] if pos > lo else " "
    nxt = text[pos + 1] if pos + 1 < hi else " "
    left_open = prev.isspace() or prev in _OPENER_LEFT
    right_open = nxt.isspace() or nxt in _CLOSER_RIGHT or nxt in DOUBLE_MARKS
    if ch in OPEN_CURLY:
        # “ used as a closer by some typesetting ("word“ and") : glued to a word on its left
        # and followed by a space or punctuation
        if not left_open and right_open:
            return _Mark(pos, False, True, False)
        return _Mark(pos, True, False, left_open)
    if ch in CLOSE_CURLY:
        # ” used as an opener (rare): preceded by space, glued to the word on its right
        if left_open and not right_open and prev.isspace():
            return _Mark(pos, True, False, False)
        return _Mark(pos, False, True, False)
    # straight quote: decide by what touches it
    can_open = left_open or not right_open
    can_close = right_open or not left_open
    return _Mark(pos, can_open, can_close, left_open and not right_open)


def _paragraphs(text: str) -> list[tuple[int, int]]:
    out, start = [], 0
    sep = len(BLOCK_SEPARATOR)
    while True:
        k = text.find(BLOCK_SEPARATOR, start)
        end = len(text) if k < 0 else k
        out.append((start, end))
        if k < 0:
            return out
        start = k + sep


def _strip_span(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def _find_quote_pieces(text: str) -> list[list[_Piece]]:
    """Pair quote marks paragraph by paragraph; return quotes as lists of pieces."""
    quotes: list[list[_Piece]] = []
    paras = _paragraphs(text)
    carry: list[_Piece] | None = None  # an unclosed multi-paragraph quote
    for pi, (lo, hi) in enumerate(paras):
        marks = [_classify(text, m.start(), lo, hi) for m in _MARK_RE.finditer(text, lo, hi)]
        open_mark: _Mark | None = None
        pending = carry
        carry = None
        if pending is not None:
            # the multi-paragraph convention: this paragraph starts with an opening mark
            first = marks[0] if marks else None
            if first is not None and first.can_open and not text[lo:first.pos].strip():
                open_mark = first
                marks = marks[1:]
            else:
                quotes.append(pending)
                pending = None
        for mk in marks:
            if open_mark is None:
                if mk.can_open:
                    open_mark = mk
                continue
            if mk.can_close and mk.pos > open_mark.pos + 1:
                piece = _Piece(open_mark.start if False else open_mark.pos, mk.pos + 1,
                               open_mark.pos + 1, mk.pos, True)
                quotes.append((pending or []) + [piece])
                pending = None
                open_mark = None
            elif mk.strong_open and mk.can_open:
                # an opener while a quote is open: the previous closer is missing; end the
                # open quote just before this mark and start again
                a, b = _strip_span(text, open_mark.pos + 1, mk.pos)
                if b > a:
                    quotes.append((pending or []) + [_Piece(open_mark.pos, b, a, b, False)])
                pending = None
                open_mark = mk
        if open_mark is not None:
            a, b = _strip_span(text, open_mark.pos + 1, hi)
            piece = _Piece(open_mark.pos, b, a, b, False)
            if b > a:
                nxt = paras[pi + 1] if pi + 1 < len(paras) else None
                if nxt is not None and text[nxt[0]:nxt[0] + 1] in OPEN_CURLY + STRAIGHT:
                    carry = (pending or []) + [piece]
                else:
                    quotes.append((pending or []) + [piece])
            elif pending:
                quotes.append(pending)
        elif pending:
            quotes.append(pending)
    if carry:
        quotes.append(carry)
    return quotes


# --- attribution ---------------------------------------------------------------------------

# Lemmas of verbs that report speech or writing. Kept broad on purpose: a verb in this list
# only counts when it stands next to the quote (see `_cue_in_window`).
REPORTING_VERBS = frozenset("""
say tell add explain note write state declare announce claim argue insist warn ask answer
reply respond continue conclude admit acknowledge concede confirm deny suggest recall remark
observe comment mention point stress emphasize emphasise assert contend maintain predict promise
vow pledge urge boast brag joke quip complain lament tweet post report quote cite describe call
put shout yell scream cry whisper mutter proclaim testify counter retort charge accuse allege
opine muse wonder speculate reason caution advise recommend demand plead beg reiterate repeat
agree disagree confess reveal disclose indicate hint imply read begin offer chime interject
exclaim scoff laugh sigh thunder blast slam criticize criticise praise applaud hail attack mock
assure remind inform query question posit elaborate clarify summarize summarise tout dub label
term brand characterize characterise recount relate recommend sum lash fire shoot rail
insist predict declare estimate recommend acknowledge figure guess believe think feel
""".split())
# Verbs of believing are only cues for a quote that follows them ("he thinks “...”").
WEAK_VERBS = frozenset("believe think feel figure guess estimate describe call put".split())

SUBJECT_DEPS = frozenset(("nsubj", "nsubjpass", "csubj"))
SPEAKER_LABELS = {"PERSON": "PERSON", "ORG": "ORG", "GPE": "ORG", "NORP": "ORG"}
PERSON_PRONOUNS = frozenset("he she him her".split())
GROUP_PRONOUNS = frozenset("they it".split())
# Head nouns of descriptions that stand for an organisation ("the newspaper said").
ORG_NOUNS = frozenset("""
newspaper paper network agency company campaign committee group organization organisation
magazine outlet station channel website site publication ministry department office
administration government party union association institute council board firm bank court
team spokesperson daily tabloid broadcaster service corporation
""".split())
# Abbreviated titles, so "Sen. Bernie Sanders" resolves "the senator".
TITLE_ABBREV = {"sen.": "senator", "sen": "senator", "rep.": "representative",
                "gov.": "governor", "gen.": "general", "pres.": "president", "sec.": "secretary",
                "lt.": "lieutenant", "col.": "colonel", "amb.": "ambassador", "adm.": "admiral",
                "atty.": "attorney", "supt.": "superintendent", "dr.": "doctor"}
_SENT_END = frozenset((".", "!", "?"))
_MAX_WINDOW = 40  # tokens looked at on each side of a quote


@dataclass
class _Quote:
    pieces: list[_Piece]
    first_tok: int  # token of the opening mark of the first piece
    last_tok: int  # token of the closing mark (or last token) of the last piece
    para: int
    inner_end_char: str  # the last character inside the quote (",", ".", ...)
    speaker: tuple[int, int, str] | None = None  # (start, end, label) char span
    cue: str = ""


class _Article:
    """Lookup tables over one Doc, built once per call (no state survives the call)."""

    def __init__(self, doc: Doc, mentions: Sequence[MentionFound]):
        self.doc = doc
        self.text = doc.text
        self.starts = [t.idx for t in doc]
        n = len(doc)
        self.quote_of = [-1] * n  # which quote a token belongs to
        self.mentions = sorted((m for m in mentions if m.label in SPEAKER_LABELS),
                               key=lambda m: m.span.start)
        self.mention_starts = [m.span.start for m in self.mentions]
        self.mention_of = [-1] * n
        for k, m in enumerate(self.mentions):
            for i in range(self.tok_at(m.span.start), n):
                if self.starts[i] >= m.span.end:
                    break
                self.mention_of[i] = k
        self._titles: dict[int, frozenset[str]] = {}

    def tok_at(self, char: int) -> int:
        """Index of the token that contains (or starts after) `char`."""
        i = bisect_right(self.starts, char) - 1
        if i < 0:
            return 0
        tok = self.doc[i]
        if char >= tok.idx + len(tok.text) and i + 1 < len(self.doc):
            return i + 1
        return i

    def is_boundary(self, i: int) -> bool:
        t = self.doc[i]
        return (t.text in _SENT_END) or ("\n" in t.text and t.is_space)

    # -- mentions --

    def mention_span(self, k: int) -> tuple[int, int, str]:
        m = self.mentions[k]
        return (m.span.start, m.span.end, SPEAKER_LABELS[m.label])

    def titles(self, k: int) -> frozenset[str]:
        """Lower-cased description words of mention k: its `title` plus the compounds,
        modifiers and appositions the parse hangs on its name."""
        got = self._titles.get(k)
        if got is not None:
            return got
        m = self.mentions[k]
        words = set(_norm_title(w) for w in m.title.split())
        root = self.doc[self.tok_at(m.span.end - 1)]
        inside = set(range(self.tok_at(m.span.start), root.i + 1))
        for child in root.children:
            if child.i in inside:
                continue
            if child.dep_ in ("compound", "amod", "nmod") and child.i < root.i:
                words.update(_norm_title(t.text) for t in child.subtree)
            elif child.dep_ == "appos":
                words.update(_norm_title(t.text) for t in child.subtree if t.i - child.i < 6)
        if root.dep_ == "appos":  # "the NATO chief, Mark Rutte"
            head = root.head
            words.add(_norm_title(head.text))
            words.update(_norm_title(t.text) for t in head.lefts)
        got = frozenset(w for w in words if w)
        self._titles[k] = got
        return got


def _norm_title(word: str) -> str:
    w = word.lower()
    return TITLE_ABBREV.get(w, w.rstrip("."))


def _token_range(art: _Article, a: int, b: int) -> tuple[int, int]:
    return art.tok_at(a), art.tok_at(max(a, b - 1))


def _window_before(art: _Article, q: _Quote) -> list[int]:
    out = []
    i = q.first_tok - 1
    while i >= 0 and len(out) < _MAX_WINDOW:
        if art.quote_of[i] >= 0 or art.is_boundary(i):
            break
        out.append(i)
        i -= 1
    out.reverse()
    return out


def _window_after(art: _Article, q: _Quote) -> list[int]:
    out = []
    i = q.last_tok + 1
    n = len(art.doc)
    while i < n and len(out) < _MAX_WINDOW:
        if art.quote_of[i] >= 0:
            break
        if art.is_boundary(i):
            break
        out.append(i)
        i += 1
    return out


def _windows_between(art: _Article, q: _Quote) -> list[int]:
    out = []
    for p, nxt in zip(q.pieces, q.pieces[1:]):
        a = art.tok_at(p.end)
        b = art.tok_at(nxt.start)
        out.extend(i for i in range(a, b) if art.quote_of[i] < 0 and not art.doc[i].is_space)
    return out


def _is_reporting(tok: Token) -> bool:
    return tok.lemma_.lower() in REPORTING_VERBS and tok.pos_ in ("VERB", "AUX", "NOUN") or (
        tok.tag_.startswith("VB") and tok.lemma_.lower() in REPORTING_VERBS)


def _subject_of(art: _Article, verb: Token, window: set[int]) -> Token | None:
    """The subject of a reporting verb, climbing conjunctions and control verbs
    ("went on to say", "said and added"). Words inside quotes are never the subject: the
    parser often hangs the quote's own subject on the reporting verb."""
    tok = verb
    for _ in range(4):
        for child in tok.children:
            if child.dep_ in SUBJECT_DEPS and art.quote_of[child.i] < 0:
                return child
        if tok.dep_ in ("conj", "xcomp", "advcl", "ccomp", "relcl") and tok.head is not tok:
            if tok.dep_ == "relcl":  # "Smith, who said"
                return tok.head
            tok = tok.head
            continue
        break
    # "said Smith" parsed with Smith as an object: take a name right after the verb
    for child in verb.rights:
        if child.dep_ in ("dobj", "attr", "npadvmod", "appos") and child.i in window:
            if child.pos_ == "PROPN":
                return child
    return None


def _cue_in_window(art: _Article, window: list[int], prefer_last: bool) -> tuple[Token, Token | None, str] | None:
    """The reporting verb (or "according to") in a window and its subject."""
    wset = set(window)
    order = reversed(window) if prefer_last else window
    for i in order:
        tok = art.doc[i]
        low = tok.lower_
        if low == "according" and i + 1 < len(art.doc) and art.doc[i + 1].lower_ == "to":
            obj = next((c for c in art.doc[i + 1].children if c.dep_ == "pobj"), None)
            if obj is None and i + 2 < len(art.doc):
                obj = art.doc[i + 2]
            return tok, obj, "according-to"
        if _is_reporting(tok) and tok.pos_ != "NOUN":
            return tok, _subject_of(art, tok, wset), "verb"
    return None


def _resolve(art: _Article, subj: Token | None, before_char: int) -> tuple[int, int, str] | None:
    """The name a subject token stands for: itself, a name inside its noun phrase, or the
    person / organisation a pronoun or description refers to."""
    if subj is None:
        return None
    k = art.mention_of[subj.i]
    if k >= 0:
        return art.mention_span(k)
    low = subj.lower_
    if subj.pos_ == "PRON" or low in PERSON_PRONOUNS or low in GROUP_PRONOUNS:
        if low in PERSON_PRONOUNS:
            return _recent_person(art, before_char)
        if low in GROUP_PRONOUNS:
            return _recent_org(art, before_char, subj)
        if low == "who" and subj.head.dep_ == "relcl":
            return _resolve(art, subj.head.head, before_char)
        return None
    # a name inside the noun phrase: "the Clinton campaign", "a spokesman for Sanders, Jo Doe"
    best = None
    for t in subj.subtree:
        if t.dep_ in ("relcl", "acl") or t.i == subj.i:
            continue
        k = art.mention_of[t.i]
        if k >= 0 and art.doc[t.i].ent_type_ not in ("",):
            span = art.mention_span(k)
            if best is None or (span[2] == "PERSON" and best[2] != "PERSON"):
                best = span
    if best:
        return best
    if _looks_like_name(subj):
        # a name the NER missed ("O’Donnell said"): the capitalised run it heads
        lefts = [t for t in subj.lefts if t.dep_ == "compound" and t.text[:1].isupper()]
        start = lefts[0].idx if lefts else subj.idx
        return (start, subj.idx + len(subj.text), "PERSON")
    return _resolve_description(art, subj, before_char)


def _looks_like_name(tok: Token) -> bool:
    """A capitalised subject with no determiner, not at a sentence start: a proper name."""
    if not tok.text[:1].isupper() or tok.pos_ not in ("PROPN", "NOUN"):
        return False
    if any(c.dep_ == "det" for c in tok.children):
        return False
    return _norm_title(tok.text) not in ORG_NOUNS


def _resolve_description(art: _Article, subj: Token, before_char: int) -> tuple[int, int, str] | None:
    """"the Secretary General" → the latest person whose description has these words;
    "the newspaper" → the latest organisation."""
    head = _norm_title(subj.text)
    words = {head} | {_norm_title(t.text) for t in subj.lefts if t.dep_ in ("compound", "amod")}
    k = bisect_left(art.mention_starts, before_char) - 1
    lo_char = before_char - 6000
    while k >= 0 and art.mentions[k].span.start >= lo_char:
        m = art.mentions[k]
        if m.label == "PERSON" and head in art.titles(k):
            return _latest_same_entity(art, k, before_char)
        k -= 1
    if head in ORG_NOUNS:
        return _recent_org(art, before_char, subj)
    return None


def _latest_same_entity(art: _Article, k: int, before_char: int) -> tuple[int, int, str]:
    return art.mention_span(k)


def _recent_person(art: _Article, before_char: int) -> tuple[int, int, str] | None:
    """The person a he/she most likely refers to: the latest person mention that was a
    subject (or a quoted speaker), else the latest person mention, outside quotes."""
    k = bisect_left(art.mention_starts, before_char) - 1
    lo_char = before_char - 3000
    fallback = None
    while k >= 0 and art.mentions[k].span.start >= lo_char:
        m = art.mentions[k]
        if m.label == "PERSON":
            tok = art.doc[art.tok_at(m.span.end - 1)]
            if art.quote_of[tok.i] < 0:
                if tok.dep_ in SUBJECT_DEPS or (tok.dep_ in ("appos", "conj") and tok.head.dep_ in SUBJECT_DEPS):
                    return art.mention_span(k)
                if fallback is None:
                    fallback = art.mention_span(k)
        k -= 1
    return fallback


def _recent_org(art: _Article, before_char: int, subj: Token) -> tuple[int, int, str] | None:
    k = bisect_left(art.mention_starts, before_char) - 1
    lo_char = before_char - 1500
    while k >= 0 and art.mentions[k].span.start >= lo_char:
        m = art.mentions[k]
        if m.label == "ORG":
            tok = art.doc[art.tok_at(m.span.end - 1)]
            if art.quote_of[tok.i] < 0:
                return art.mention_span(k)
        k -= 1
    return None


def _sentence_subject(art: _Article, window: list[int]) -> Token | None:
    """For a quote inside a sentence with no reporting verb: the subject of the verb that
    governs the quote ("Obama called the plan “a disaster”")."""
    for i in reversed(window):
        tok = art.doc[i]
        if tok.dep_ in SUBJECT_DEPS:
            head = tok.head
            if head.i in set(window) or True:
                return tok
    return None


def _attribute(art: _Article, q: _Quote) -> None:
    before = _window_before(art, q)
    after = _window_after(art, q)
    between = _windows_between(art, q) if len(q.pieces) > 1 else []
    start_char = q.pieces[0].start
    before_content = [i for i in before if not art.doc[i].is_punct and not art.doc[i].is_space]
    ends_sentence = q.inner_end_char in ".!?" and q.inner_end_char != ""
    cue = None
    if between:
        cue = _cue_in_window(art, between, prefer_last=False)
    if cue is None and not before_content and after and q.inner_end_char not in ".":
        cue = _cue_in_window(art, after[:12], prefer_last=False)
    if cue is None and before_content:
        cue = _cue_in_window(art, before, prefer_last=True)
        if cue is not None and cue[0].lemma_.lower() in WEAK_VERBS and before[-1] != cue[0].i:
            pass
    if cue is None and after and not ends_sentence:
        cue = _cue_in_window(art, after[:12], prefer_last=False)
    if cue is not None:
        verb, subj, kind = cue
        q.speaker = _resolve(art, subj, start_char)
        q.cue = kind if kind != "verb" else verb.lemma_.lower()
        return
    if before_content:
        subj = _sentence_subject(art, before)
        if subj is not None:
            q.speaker = _resolve(art, subj, start_char)
            q.cue = "subject"


def _continue_speakers(art: _Article, quotes: list[_Quote], paras: list[tuple[int, int]]) -> None:
    """A quote with no cue of its own that opens a paragraph continues the previous quote's
    speaker (same or previous paragraph), or the speaker a paragraph ending in ":" introduces."""
    prev: _Quote | None = None
    for q in quotes:
        if q.cue == "" and q.speaker is None:
            if prev is not None and prev.speaker is not None and q.para - _last_para(prev) <= 1:
                q.speaker = prev.speaker
                q.cue = "continuation"
            elif q.para > 0:
                lo, hi = paras[q.para - 1]
                intro = _intro_speaker(art, lo, hi, q)
                if intro is not None:
                    q.speaker, q.cue = intro, "introduced"
        prev = q


def _last_para(q: _Quote) -> int:
    return q.para + len(q.pieces) - 1 if not q.pieces[-1].closed or len(q.pieces) > 1 else q.para


def _intro_speaker(art: _Article, lo: int, hi: int, q: _Quote) -> tuple[int, int, str] | None:
    """The speaker of the last sentence of the previous paragraph when it introduces the
    quote: ends with ":" or reports speech ("Rutte said the issue was his priority.")."""
    last = art.tok_at(max(lo, hi - 1))
    while last > 0 and art.doc[last].is_space:
        last -= 1
    if art.quote_of[last] >= 0:
        return None
    window = []
    i = last
    if art.doc[i].text in _SENT_END or art.doc[i].text == ":":
        i -= 1
    while i >= 0 and art.starts[i] >= lo and not art.is_boundary(i) and art.quote_of[i] < 0:
        window.append(i)
        i -= 1
    window.reverse()
    if not window:
        return None
    cue = _cue_in_window(art, window, prefer_last=False)
    if cue is not None:
        return _resolve(art, cue[1], q.pieces[0].start)
    if art.doc[last].text == ":":
        subj = _sentence_subject(art, window)
        if subj is not None:
            return _resolve(art, subj, q.pieces[0].start)
    return None


def find_quotes(doc: Doc, mentions: Sequence[MentionFound]) -> tuple[QuoteFound, ...]:
    text = doc.text
    art = _Article(doc, mentions)
    paras = _paragraphs(text)
    para_starts = [p[0] for p in paras]
    quotes: list[_Quote] = []
    for pieces in _find_quote_pieces(text):
        first = art.tok_at(pieces[0].start)
        last = art.tok_at(pieces[-1].end - 1)
        inner = text[pieces[-1].inner_start:pieces[-1].inner_end]
        q = _Quote(pieces, first, last, bisect_right(para_starts, pieces[0].start) - 1,
                   inner[-1:] if inner else "")
        qi = len(quotes)
        for p in pieces:
            a, b = art.tok_at(p.start), art.tok_at(p.end - 1)
            for i in range(a, b + 1):
                art.quote_of[i] = qi
        quotes.append(q)
    for q in quotes:
        _attribute(art, q)
    _continue_speakers(art, quotes, paras)
    out = []
    for q in quotes:
        qtext = " ".join(text[p.inner_start:p.inner_end] for p in q.pieces)
        sp = q.speaker
        out.append(QuoteFound(
            tuple(CharSpan(p.start, p.end) for p in q.pieces), qtext,
            CharSpan(sp[0], sp[1]) if sp else None, text[sp[0]:sp[1]] if sp else None,
            sp[2] if sp else None, q.cue))
    return tuple(out)
