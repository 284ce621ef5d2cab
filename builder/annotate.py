"""Mentions and quotes into the article's HTML tree.

Each mention becomes a link to its entity's page followed by a tooltip card; each quote piece
is wrapped in a highlight, and the quote's speaker label follows its last piece. Everything
Gloss adds that is not the article's own text carries the `data-gloss-ui` attribute, so "the
visible text is unchanged" has a precise meaning: the tree's text without those elements is
exactly the text before annotation. Each annotated text node is replaced by one node of
markup built as a string, in which every name, URL and word is escaped as BeautifulSoup
escapes it: that is
many times faster than a tree node per element, and nothing a name or quote contains can
become markup.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.dammit import EntitySubstitution
from bs4.element import PreformattedString

from .prose import Prose, TextRun
from .records import CharSpan, Entity, Mention, Quote

UI_ATTRIBUTE = "data-gloss-ui"
#: Ids Gloss gives cards and quotes; heading anchors keep out of this space (markdown.py).
CARD_ID_PREFIX = "card-"
QUOTE_ID_PREFIX = "quote-"


@dataclass(frozen=True)
class Card:
    """What an entity's tooltip card says."""

    entity: Entity
    url: str
    kind_label: str
    context: str  # one line: the description, or how much the site mentions it


@dataclass(frozen=True)
class _Segment:
    start: int
    end: int
    mention: Mention | None
    quote: Quote | None
    quote_piece: int  # which piece of the quote (0-based), -1 without quote


def _quote_spans(quotes: Sequence[Quote]) -> list[tuple[CharSpan, Quote, int]]:
    return [(piece, quote, i) for quote in quotes for i, piece in enumerate(quote.pieces)]


def _fits(mention: Mention, runs: Sequence[TextRun], pieces) -> TextRun | None:
    """The run that holds the whole mention, if it may be linked: inside one annotatable
    text node, and not cut by a quote's edge."""
    run = next((r for r in runs if r.start <= mention.span.start and mention.span.end <= r.end), None)
    if run is None or not run.annotatable:
        return None
    for piece, _, _ in pieces:
        if mention.span.overlaps(piece) and not piece.contains(mention.span):
            return None
    return run


def annotate(soup: BeautifulSoup, prose: Prose, mentions: Sequence[Mention], quotes: Sequence[Quote],
             card_for: Callable[[str], Card | None], speaker_url: Callable[[str], tuple[str, str] | None]
             ) -> None:
    """Annotate the tree in place. `card_for(entity_id)` gives a mention's card (None: leave
    the mention as text); `speaker_url(entity_id)` gives (name, url) for a quote's speaker."""
    pieces = _quote_spans(quotes)
    runs = [run for block in prose.blocks for run in block.runs]
    by_run: dict[int, list] = {}
    for mention in mentions:
        card = card_for(mention.entity_id)
        run = _fits(mention, prose.runs_in(mention.span.start, mention.span.end), pieces) if card else None
        if run is not None:
            by_run.setdefault(id(run), []).append(("mention", mention.span.start, mention.span.end, mention))
    last_run_of_quote: dict[str, TextRun] = {}
    for piece, quote, index in pieces:
        for run in prose.runs_in(piece.start, piece.end):
            start, end = max(piece.start, run.start), min(piece.end, run.end)
            if start < end:
                by_run.setdefault(id(run), []).append(("quote", start, end, (quote, index)))
                last_run_of_quote[quote.anchor] = run

    card_html: dict[str, tuple[str, str, str]] = {}
    card_count = 0
    anchored: set[str] = set()
    for run in runs:
        marks = by_run.get(id(run))
        if not marks:
            continue
        segments = _segments(run, marks)
        inside_link = next((p for p in reversed(list(run.node.parents)) if p.name == "a"), None)
        # the segment index after which each quote's speaker label goes, if this run ends it
        label_after = {}
        for index, segment in enumerate(segments):
            if segment.quote is not None and last_run_of_quote.get(segment.quote.anchor) is run:
                label_after[segment.quote.anchor] = index
        out: list[str] = []
        open_key = None
        trailing_labels: list[str] = []
        text = str(run.node)
        for index, segment in enumerate(segments):
            words = text[segment.start - run.start:segment.end - run.start]
            key = (segment.quote.anchor, segment.quote_piece) if segment.quote else None
            if key != open_key:
                if open_key is not None:
                    out.append("</span>")
                if key is not None:
                    out.append(_quote_open(segment.quote, anchored))
                open_key = key
            if segment.mention is not None:
                card_count += 1
                entity_id = segment.mention.entity_id
                if entity_id not in card_html:
                    card_html[entity_id] = _mention_parts(card_for(entity_id))
                out.append(_mention_html(card_html[entity_id], words, f"{CARD_ID_PREFIX}{card_count}"))
            else:
                out.append(_escape_text(words))
            quote = segment.quote
            if quote is not None and label_after.get(quote.anchor) == index:
                out.append("</span>")
                open_key = None
                label = _speaker_label(quote, speaker_url)
                if inside_link is None:
                    out.append(label)
                else:
                    trailing_labels.append(label)  # a link cannot hold a link: after it
        if open_key is not None:
            out.append("</span>")
        run.node.replace_with(RawHTML("".join(out)))
        if trailing_labels:
            inside_link.insert_after(RawHTML("".join(trailing_labels)))


class RawHTML(PreformattedString):
    """Markup that annotate() built and escaped itself, written out as it is. Building the
    annotations as strings instead of one tree node per element is what keeps annotating an
    archive of thousands of articles fast; every value in it is escaped."""

    PREFIX = ""
    SUFFIX = ""


# Escaping exactly as BeautifulSoup's own output does (& < > in text; attribute values quoted
# so no quote inside can end them), so the page is byte-for-byte what writing the same
# markup as tree nodes would give.
_escape_text = EntitySubstitution.substitute_xml


def _open(tag: str, attributes: dict[str, str]) -> str:
    """A start tag, attributes in name order, as BeautifulSoup writes them."""
    return f"<{tag}" + "".join(f" {name}={EntitySubstitution.substitute_xml(value, True)}"
                               for name, value in sorted(attributes.items())) + ">"


def _segments(run: TextRun, marks: list) -> list[_Segment]:
    points = {run.start, run.end}
    for _, start, end, _ in marks:
        points.update((start, end))
    cuts = sorted(p for p in points if run.start <= p <= run.end)
    segments = []
    for start, end in zip(cuts, cuts[1:]):
        if start == end:
            continue
        mention = next((m[3] for m in marks if m[0] == "mention" and m[1] <= start and end <= m[2]), None)
        quote_mark = next((m[3] for m in marks if m[0] == "quote" and m[1] <= start and end <= m[2]), None)
        quote, piece = quote_mark if quote_mark else (None, -1)
        segments.append(_Segment(start, end, mention, quote, piece))
    # a mention cut into several segments cannot be one link; _fits() prevents that
    return segments


def _mention_parts(card: Card | None) -> tuple[str, str, str]:
    """An entity's mention markup, cut where the card id and the mention's words go."""
    assert card is not None
    entity = card.entity
    link_open = _open("span", {"class": f"mention mention--{entity.kind}"}) + '<a aria-describedby="'
    link_rest = _open("a", {"class": "mention-link", "data-entity": entity.id, "href": card.url})[2:]
    # (card ids are "card-N": nothing in them needs escaping)
    # The card is the link's accessible description: the hidden separators make it read as
    # "Mark Rutte, Person. In 5 articles" rather than one run-on phrase.
    card_body = (f'<span class="card-name">{_escape_text(entity.name)}</span>'
                 f'<span class="visually-hidden">, </span>'
                 f'<span class="card-kind">{_escape_text(card.kind_label)}</span>'
                 f'<span class="visually-hidden">. </span>'
                 f'<span class="card-context">{_escape_text(card.context)}</span></span></span>')
    return link_open, link_rest, card_body


def _mention_html(parts: tuple[str, str, str], words: str, card_id: str) -> str:
    link_open, link_rest, card_body = parts
    return (f'{link_open}{card_id}"{link_rest}{_escape_text(words)}</a>'
            f'<span class="card" {UI_ATTRIBUTE}="" id="{card_id}" role="tooltip">{card_body}')


def _quote_open(quote: Quote, anchored: set[str]) -> str:
    attributes = {"class": "quote" + ("" if quote.speaker_id else " quote--unattributed"),
                  "data-quote": quote.anchor}
    if quote.speaker_id:
        attributes["data-speaker"] = quote.speaker_id
    if quote.anchor not in anchored:
        attributes["id"] = quote.anchor  # the first piece carries the anchor
        anchored.add(quote.anchor)
    return _open("span", attributes)


def _speaker_label(quote: Quote, speaker_url: Callable[[str], tuple[str, str] | None]) -> str:
    speaker = speaker_url(quote.speaker_id) if quote.speaker_id else None
    if speaker is None and quote.source:
        # a source the article describes but does not name: its words, marked as unnamed
        return (_open("span", {"class": "quote-speaker quote-speaker--unnamed", UI_ATTRIBUTE: ""})
                + '<span class="visually-hidden">Quote from an unnamed source: </span>'
                + f"{_escape_text(quote.source)}</span>")
    if speaker is None:
        return _open("span", {"class": "quote-speaker quote-speaker--none", UI_ATTRIBUTE: ""}) + "unattributed</span>"
    name, url = speaker
    return _open("a", {"aria-label": f"Quote by {name}", "class": "quote-speaker", UI_ATTRIBUTE: "",
                       "href": url}) + f"{_escape_text(name)}</a>"


def visible_text(root: Tag) -> str:
    """The text a reader sees as the article's own words: everything but Gloss's UI. Read
    from the markup as written out, so annotations built as strings count as they render."""
    from .prose import parse_html
    parts = []
    for node in parse_html(str(root)).descendants:
        if isinstance(node, NavigableString) and not any(
                isinstance(p, Tag) and p.has_attr(UI_ATTRIBUTE) for p in node.parents):
            if type(node) is NavigableString:
                parts.append(str(node))
    return "".join(parts)
