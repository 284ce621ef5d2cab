"""Mentions and quotes into the article's HTML tree.

Each mention becomes a link to its entity's page followed by a tooltip card; each quote piece
is wrapped in a highlight, and the quote's speaker label follows its last piece. Everything
Gloss adds that is not the article's own text carries the `data-gloss-ui` attribute, so "the
visible text is unchanged" has a precise meaning: the tree's text without those elements is
exactly the text before annotation. All markup is built as tree nodes, never as strings, so
whatever a name or quote contains is escaped when the tree is written out.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

from bs4 import BeautifulSoup, NavigableString, Tag

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

    card_count = 0
    anchored: set[str] = set()
    for run in runs:
        marks = by_run.get(id(run))
        if not marks:
            continue
        segments = _segments(run, marks)
        new_nodes: list = []
        open_quote: Tag | None = None
        open_quote_key = None
        for segment in segments:
            text = str(run.node)[segment.start - run.start:segment.end - run.start]
            if segment.mention is not None:
                card_count += 1
                node = _mention_node(soup, text, card_for(segment.mention.entity_id),
                                     f"{CARD_ID_PREFIX}{card_count}")
            else:
                node = NavigableString(text)
            key = (segment.quote.anchor, segment.quote_piece) if segment.quote else None
            if key is None:
                open_quote = open_quote_key = None
                new_nodes.append(node)
                continue
            if key != open_quote_key:
                open_quote = _quote_node(soup, segment.quote, segment.quote_piece, anchored)
                open_quote_key = key
                new_nodes.append(open_quote)
            open_quote.append(node)
        _replace(run.node, new_nodes)
        # the speaker label follows the last piece of its quote
        for quote in {m[3][0].anchor: m[3][0] for m in marks if m[0] == "quote"}.values():
            if last_run_of_quote.get(quote.anchor) is run:
                last_piece = [n for n in new_nodes if isinstance(n, Tag)
                              and n.get("data-quote") == quote.anchor]
                if last_piece:
                    _insert_speaker(soup, last_piece[-1], quote, speaker_url)


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


def _replace(node: NavigableString, new_nodes: list) -> None:
    for new in new_nodes:
        node.insert_before(new)
    node.extract()


def _mention_node(soup: BeautifulSoup, text: str, card: Card | None, card_id: str) -> Tag:
    assert card is not None
    wrapper = soup.new_tag("span", attrs={"class": f"mention mention--{card.entity.kind}"})
    link = soup.new_tag("a", attrs={"class": "mention-link", "href": card.url,
                                    "aria-describedby": card_id,
                                    "data-entity": card.entity.id})
    link.string = text
    wrapper.append(link)
    tooltip = soup.new_tag("span", attrs={"class": "card", "role": "tooltip", "id": card_id,
                                          UI_ATTRIBUTE: ""})
    name = soup.new_tag("span", attrs={"class": "card-name"})
    name.string = card.entity.name
    kind = soup.new_tag("span", attrs={"class": "card-kind"})
    kind.string = card.kind_label
    context = soup.new_tag("span", attrs={"class": "card-context"})
    context.string = card.context
    # The card is the link's accessible description: the hidden separators make it read as
    # "Mark Rutte, Person. In 5 articles" rather than one run-on phrase.
    tooltip.extend([name, _hidden_separator(soup, ", "), kind, _hidden_separator(soup, ". "), context])
    wrapper.append(tooltip)
    return wrapper


def _hidden_separator(soup: BeautifulSoup, text: str) -> Tag:
    separator = soup.new_tag("span", attrs={"class": "visually-hidden"})
    separator.string = text
    return separator


def _quote_node(soup: BeautifulSoup, quote: Quote, piece: int, anchored: set[str]) -> Tag:
    attrs = {"class": "quote" + ("" if quote.speaker_id else " quote--unattributed"),
             "data-quote": quote.anchor}
    if quote.speaker_id:
        attrs["data-speaker"] = quote.speaker_id
    if quote.anchor not in anchored:
        attrs["id"] = quote.anchor  # the first piece carries the anchor
        anchored.add(quote.anchor)
    return soup.new_tag("span", attrs=attrs)


def _insert_speaker(soup: BeautifulSoup, after: Tag, quote: Quote,
                    speaker_url: Callable[[str], tuple[str, str] | None]) -> None:
    speaker = speaker_url(quote.speaker_id) if quote.speaker_id else None
    # never put a link inside a link: step out of any link the quote sits in
    anchor_point: Tag = after
    for parent in after.parents:
        if parent.name == "a":
            anchor_point = parent
    if speaker is None:
        label = soup.new_tag("span", attrs={"class": "quote-speaker quote-speaker--none", UI_ATTRIBUTE: ""})
        label.string = "unattributed"
    else:
        name, url = speaker
        label = soup.new_tag("a", attrs={"class": "quote-speaker", "href": url, UI_ATTRIBUTE: "",
                                         "aria-label": f"Quote by {name}"})
        label.string = name
    anchor_point.insert_after(label)


def visible_text(root: Tag) -> str:
    """The text a reader sees as the article's own words: everything but Gloss's UI."""
    parts = []
    for node in root.descendants:
        if isinstance(node, NavigableString) and not any(
                isinstance(p, Tag) and p.has_attr(UI_ATTRIBUTE) for p in node.parents):
            if type(node) is NavigableString:
                parts.append(str(node))
    return "".join(parts)
