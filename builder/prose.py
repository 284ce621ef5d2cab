"""The prose of a rendered article: the text spaCy reads, and the way back to the HTML.

The NLP stage and the annotator must agree on every character offset, so both call
`prose_blocks()` on a tree parsed from the same HTML. A prose block is the text of one
paragraph, list item, table cell, caption or definition; blocks are joined with
BLOCK_SEPARATOR into the article's *analysed text*. Text inside code, preformatted blocks and
scripts is left out entirely; text inside links and other no-annotate elements is read (so
sentences stay whole) but marked as not annotatable.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import Comment, Doctype, ProcessingInstruction, CData, Declaration

from .records import BLOCK_SEPARATOR, record

BLOCK_TAGS = frozenset({"p", "li", "td", "th", "figcaption", "caption", "dt", "dd"})
#: Text here is not prose at all.
SKIPPED_TAGS = frozenset({"pre", "script", "style", "template", "textarea", "svg", "math"})
#: Text here is prose but must not get a link inside it: links, code, footnote markers, and
#: anything Gloss already inserted.
UNANNOTATABLE_TAGS = frozenset({"a", "code", "kbd", "samp", "button", "sup", "label", "select"})
NO_ANNOTATE_CLASS = "no-annotate"
_NOT_TEXT = (Comment, Doctype, ProcessingInstruction, CData, Declaration)


def parse_html(html: str) -> BeautifulSoup:
    """Parse a fragment of article HTML the one way the whole build does."""
    return BeautifulSoup(html, "html.parser")


@dataclass
class TextRun:
    """One text node of a block and where its characters sit in the analysed text."""

    node: NavigableString
    start: int  # offset in the analysed text
    annotatable: bool

    @property
    def end(self) -> int:
        return self.start + len(self.node)


@dataclass
class ProseBlock:
    element: Tag
    start: int  # offset of the block's first character in the analysed text
    runs: list[TextRun]

    @property
    def end(self) -> int:
        return self.runs[-1].end if self.runs else self.start


@dataclass
class Prose:
    text: str
    blocks: list[ProseBlock]

    def runs_in(self, start: int, end: int) -> list[TextRun]:
        """The text runs that overlap [start, end), in order."""
        out: list[TextRun] = []
        starts = [b.start for b in self.blocks]
        index = max(bisect_right(starts, start) - 1, 0)
        for block in self.blocks[index:]:
            if block.start >= end:
                break
            out += [r for r in block.runs if r.start < end and start < r.end]
        return out


def _nearest(node: NavigableString) -> tuple[Tag | None, bool]:
    """The node's block ancestor (None when it is in no block or in skipped markup) and
    whether the node may be annotated."""
    annotatable = True
    for parent in node.parents:
        name = parent.name
        if name in SKIPPED_TAGS:
            return None, False
        if name in UNANNOTATABLE_TAGS or NO_ANNOTATE_CLASS in (parent.get("class") or ()):
            annotatable = False
        if name in BLOCK_TAGS:
            # keep looking up for skipped or unannotatable ancestors above the block
            for above in parent.parents:
                if above.name in SKIPPED_TAGS:
                    return None, False
                if NO_ANNOTATE_CLASS in (above.get("class") or ()):
                    annotatable = False
            return parent, annotatable
    return None, False


def prose_blocks(root: Tag) -> Prose:
    """The analysed text of the tree under `root`, and its blocks in document order."""
    by_element: dict[int, ProseBlock] = {}
    order: list[ProseBlock] = []
    for node in root.descendants:
        if not isinstance(node, NavigableString) or isinstance(node, _NOT_TEXT) or not node:
            continue
        block_element, annotatable = _nearest(node)
        if block_element is None:
            continue
        block = by_element.get(id(block_element))
        if block is None:
            block = by_element[id(block_element)] = ProseBlock(block_element, 0, [])
            order.append(block)
        block.runs.append(TextRun(node, 0, annotatable))

    pieces: list[str] = []
    offset = 0
    blocks: list[ProseBlock] = []
    for block in order:
        if not "".join(run.node for run in block.runs).strip():
            continue
        if blocks:
            pieces.append(BLOCK_SEPARATOR)
            offset += len(BLOCK_SEPARATOR)
        block.start = offset
        for run in block.runs:
            run.start = offset
            pieces.append(str(run.node))
            offset += len(run.node)
        blocks.append(block)
    return Prose("".join(pieces), blocks)


@record
class EditorialMark:
    """An editor's inline mark: [phrase]{entity="Name"} or [“quote”]{speaker="Name"}."""

    attribute: str  # "entity" or "speaker"
    value: str  # the entity's name
    start: int
    end: int
    kind: str | None = None  # {kind=place} on an entity mark


def editorial_marks(prose: Prose) -> list[EditorialMark]:
    """The spans of the analysed text that editors marked by hand, in order."""
    found: dict[int, list] = {}
    for block in prose.blocks:
        for run in block.runs:
            for parent in run.node.parents:
                if parent is block.element:
                    break
                for attribute in ("entity", "speaker"):
                    value = parent.get(f"data-{attribute}")
                    if value and value.strip():
                        entry = found.setdefault(id(parent), [attribute, value.strip(), run.start, run.end,
                                                              parent.get("data-kind")])
                        entry[2], entry[3] = min(entry[2], run.start), max(entry[3], run.end)
    marks = [EditorialMark(a, v, s, e, k) for a, v, s, e, k in found.values() if s < e]
    return sorted(marks, key=lambda m: (m.start, m.end))
