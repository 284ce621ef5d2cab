"""Quote marks: which double marks open and close a quote, paragraph by paragraph.

The character-level half of quote finding (see builder/quotes.py for the rules and for
attribution): no spaCy, just the analysed text. Single marks never open or close a quote, so
apostrophes are inert; an unbalanced mark is capped at its paragraph unless the next paragraph
opens with a mark (a quote over several paragraphs).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .records import BLOCK_SEPARATOR

OPEN_CURLY = "“„«"
CLOSE_CURLY = "”»"
STRAIGHT = '"'
DOUBLE_MARKS = OPEN_CURLY + CLOSE_CURLY + STRAIGHT
_MARK_RE = re.compile(f"[{re.escape(DOUBLE_MARKS)}]")
_OPENER_LEFT = frozenset("([{—–-/")  # a straight mark after these opens
_CLOSER_RIGHT = frozenset(".,;:!?)]}—–-…'’")  # a straight mark before these closes


@dataclass
class _Mark:
    pos: int
    can_open: bool
    can_close: bool
    strong_open: bool  # clearly an opener (space on the left, word on the right)


@dataclass
class QuotePiece:
    start: int  # the opening mark
    end: int  # one past the closing mark, or the paragraph's end when unclosed
    inner_start: int
    inner_end: int


def _classify(text: str, pos: int, lo: int, hi: int) -> _Mark:
    """Can the mark at `pos` open or close a quote, judging by what touches it?"""
    ch = text[pos]
    prev = text[pos - 1] if pos > lo else " "
    nxt = text[pos + 1] if pos + 1 < hi else " "
    left_open = prev.isspace() or prev in _OPENER_LEFT
    right_open = nxt.isspace() or nxt in _CLOSER_RIGHT or nxt in DOUBLE_MARKS
    if ch in OPEN_CURLY:
        if not left_open and right_open:  # `word“ and`: a closer typed with the wrong shape
            return _Mark(pos, False, True, False)
        return _Mark(pos, True, False, left_open)
    if ch in CLOSE_CURLY:
        if prev.isspace() and not right_open:  # ` ”word`: an opener with the wrong shape
            return _Mark(pos, True, False, False)
        return _Mark(pos, False, True, False)
    can_open = left_open or not right_open
    can_close = right_open or not left_open
    return _Mark(pos, can_open, can_close, left_open and not right_open)


def paragraphs(text: str) -> list[tuple[int, int]]:
    out, start, sep = [], 0, len(BLOCK_SEPARATOR)
    while True:
        k = text.find(BLOCK_SEPARATOR, start)
        out.append((start, len(text) if k < 0 else k))
        if k < 0:
            return out
        start = k + sep


def strip_span(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


# In a quote whose closing mark is missing, the attribution that should have followed the
# mark: ", said Kessel, whose group…" or ", Kessel said." (a comma, then a reporting verb and
# a capitalised name in either order, then a comma or the sentence's end).
_SAID = r"(?:said|says|added|adds|asked|asks|explained|explains|continued|wrote|writes|told)"
_NAME = r"(?:[A-Z][\w.’'-]*)(?: [A-Z][\w.’'-]*){0,3}"
_LOST_ATTRIBUTION = re.compile(
    rf",\s+(?:{_SAID} {_NAME}|{_NAME} {_SAID})(?=[,.;]|\s+(?:on|in|at|to)\b)")


def _before_lost_attribution(text: str, piece: QuotePiece) -> QuotePiece:
    """A quote with no closing mark in its paragraph ends there, or before the attribution
    that shows where the mark was lost."""
    lost = _LOST_ATTRIBUTION.search(text, piece.inner_start, piece.inner_end)
    if lost is not None and lost.start() > piece.inner_start:
        return QuotePiece(piece.start, lost.start(), piece.inner_start, lost.start())
    return piece


def _open_piece(text: str, open_pos: int, end: int) -> QuotePiece | None:
    """A piece from an opening mark to `end` (no closing mark), or None if it is empty."""
    a, b = strip_span(text, open_pos + 1, end)
    return QuotePiece(open_pos, b, a, b) if b > a else None


def find_quote_pieces(text: str) -> list[list[QuotePiece]]:
    """Pair quote marks paragraph by paragraph. Returns quotes as lists of pieces."""
    quotes: list[list[QuotePiece]] = []
    paras = paragraphs(text)
    carry: list[QuotePiece] = []  # an open multi-paragraph quote, waiting for its next paragraph
    for pi, (lo, hi) in enumerate(paras):
        marks = [_classify(text, m.start(), lo, hi) for m in _MARK_RE.finditer(text, lo, hi)]
        open_mark: _Mark | None = None
        pending, carry = carry, []
        if pending:
            if marks and marks[0].can_open and not text[lo:marks[0].pos].strip():
                open_mark, marks = marks[0], marks[1:]
            else:
                quotes.append(pending)
                pending = []
        for mk in marks:
            if open_mark is None:
                if mk.can_open:
                    open_mark = mk
            elif mk.can_close and mk.pos > open_mark.pos + 1:
                piece = QuotePiece(open_mark.pos, mk.pos + 1, open_mark.pos + 1, mk.pos)
                quotes.append(pending + [piece])
                pending, open_mark = [], None
            elif mk.strong_open:
                # a clear opener while a quote is open: its closing mark is missing. End the
                # open quote before this mark rather than pairing across it.
                piece = _open_piece(text, open_mark.pos, mk.pos)
                if piece is not None or pending:
                    quotes.append(pending + ([piece] if piece else []))
                pending, open_mark = [], mk
        if open_mark is not None:
            piece = _open_piece(text, open_mark.pos, hi)
            if piece is not None:
                nxt = paras[pi + 1][0] if pi + 1 < len(paras) else None
                if nxt is not None and text[nxt:nxt + 1] in OPEN_CURLY + STRAIGHT:
                    carry = pending + [piece]  # the multi-paragraph convention
                    continue
                # capped at its paragraph
                quotes.append(pending + [_before_lost_attribution(text, piece)])
            elif pending:
                quotes.append(pending)
        elif pending:
            quotes.append(pending)
    if carry:
        quotes.append(carry)
    return quotes
