"""Annotation over generated Markdown with random mentions and quotes (property tests).

For any document and any valid mention spans and quote pieces over its analysed text:
the visible text is unchanged, no link lands inside a link, the markup re-parses to the same
tree, and whatever Gloss inserts (names, contexts, speakers, URLs) is escaped.
"""
from __future__ import annotations

from bs4 import BeautifulSoup
from hypothesis import given
from hypothesis import strategies as st

from builder.annotate import UI_ATTRIBUTE, Card, annotate, visible_text
from builder.markdown import render_markdown
from builder.prose import parse_html, prose_blocks
from builder.records import CharSpan, Entity, Mention, Quote
from test_prose import PROPERTY_SETTINGS, markdown_documents

HOSTILE = st.sampled_from([
    "Mark Rutte", "<script>alert(1)</script>", '"><img src=x onerror=alert(2)>', "AT&T & co",
    "O'Brien", "“Zelenskyy”", "</span></a><a href=x>", "&lt;already escaped&gt;",
])
ENTITY_IDS = ("mark-rutte", "nato", "kyiv", "at-t")


def _disjoint_spans(draw, length: int, most: int) -> list[tuple[int, int]]:
    """Sorted, non-overlapping [start, end) spans inside [0, length)."""
    cuts = sorted(set(draw(st.lists(st.integers(0, length), max_size=2 * most))))
    spans = [(a, b) for a, b in zip(cuts[::2], cuts[1::2]) if a < b]
    return spans


@st.composite
def annotated_cases(draw):
    document = draw(markdown_documents())
    soup = parse_html(render_markdown(document))
    prose = prose_blocks(soup)
    length = len(prose.text)
    mentions = [Mention(draw(st.sampled_from(ENTITY_IDS)), CharSpan(a, b), prose.text[a:b])
                for a, b in _disjoint_spans(draw, length, 6)]
    # quote pieces: disjoint across quotes too; a quote has one to three pieces
    pieces = _disjoint_spans(draw, length, 6)
    quotes, number = [], 0
    while pieces:
        take = draw(st.integers(1, 3))
        mine, pieces = pieces[:take], pieces[take:]
        number += 1
        speaker = draw(st.sampled_from(ENTITY_IDS + (None,)))
        quotes.append(Quote(f"quote-{number}", tuple(CharSpan(a, b) for a, b in mine),
                            " ".join(prose.text[a:b] for a, b in mine), speaker, "",
                            # an unnamed source's description is text from the article
                            draw(st.none() | HOSTILE) if speaker is None else None))
    names = {entity_id: draw(HOSTILE) for entity_id in ENTITY_IDS}
    contexts = {entity_id: draw(HOSTILE) for entity_id in ENTITY_IDS}
    linked = draw(st.sets(st.sampled_from(ENTITY_IDS)))  # the others have no page: left as text
    return soup, prose, mentions, quotes, names, contexts, linked


def _run(case):
    soup, prose, mentions, quotes, names, contexts, linked = case

    def card_for(entity_id):
        if entity_id not in linked:
            return None
        entity = Entity(entity_id, names[entity_id], "person")
        return Card(entity, f'/people/{entity_id}/?x="<>&', contexts[entity_id], contexts[entity_id])

    def speaker_url(entity_id):
        return (names[entity_id], f'/people/{entity_id}/"><script>') if entity_id in linked else None

    before_text = visible_text(soup)
    before_prose = prose.text
    annotate(soup, prose, mentions, quotes, card_for, speaker_url)
    return soup, before_text, before_prose


@PROPERTY_SETTINGS
@given(annotated_cases())
def test_visible_text_is_unchanged(case):
    soup, before_text, _ = _run(case)
    assert visible_text(soup) == before_text


@PROPERTY_SETTINGS
@given(annotated_cases())
def test_no_link_inside_a_link(case):
    soup, _, _ = _run(case)
    # read back from the written markup: annotations are written as strings, not tree nodes
    assert parse_html(str(soup)).select("a a") == []


@PROPERTY_SETTINGS
@given(annotated_cases())
def test_the_markup_is_well_formed_and_reparses_to_the_same_tree(case):
    soup, before_text, before_prose = _run(case)
    html = str(soup)
    reparsed = BeautifulSoup(html, "html.parser")
    assert str(reparsed) == html
    assert visible_text(reparsed) == before_text
    for element in reparsed.select(f"[{UI_ATTRIBUTE}]"):
        element.decompose()
    assert prose_blocks(reparsed).text == before_prose


@PROPERTY_SETTINGS
@given(annotated_cases())
def test_everything_inserted_is_escaped(case):
    soup, _, _ = _run(case)
    reparsed = BeautifulSoup(str(soup), "html.parser")
    markdown_tags = {"p", "h1", "h2", "h3", "h4", "em", "strong", "a", "code", "pre", "ul", "ol", "li",
                     "blockquote", "table", "thead", "tbody", "tr", "th", "td", "s", "span"}
    assert {tag.name for tag in reparsed.find_all(True)} <= markdown_tags
    assert reparsed.find_all(["script", "img"]) == []
    for tag in reparsed.find_all(True):
        assert not any(name.startswith("on") for name in tag.attrs), tag
        if tag.name == "a" and "quote-speaker" in tag.get("class", []):
            assert tag["href"].endswith('"><script>')  # the whole URL stayed one attribute
