"""The analysed text of an article: property tests over generated Markdown.

`markdown_documents()` is shared with test_annotate.py: paragraphs, emphasis, links, inline
code, code blocks, lists (nested), block quotes, tables and headings, with HTML-special
characters, curly quotes and non-ASCII text.
"""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder.markdown import render_markdown
from builder.prose import parse_html, prose_blocks
from builder.records import BLOCK_SEPARATOR

#: Deterministic, so CI never flakes; enough examples to cover the block kinds in combination.
PROPERTY_SETTINGS = settings(derandomize=True, max_examples=100, deadline=None, database=None,
                             suppress_health_check=[HealthCheck.too_slow])

WORDS = st.sampled_from([
    "Mark", "Rutte", "NATO", "Kyiv", "said", "the", "a", "&", "<", ">", '"', "'", "<b>", "&amp;",
    "“quoted”", "‘single’", "«guillemets»", "Zelenskyy", "Škoda", "東京", "naïve", "—", "x<y",
    "a&b", "it's", "e.g.", "3 > 2", "\\*", "AT&T", "<script>alert(1)</script>",
])


@st.composite
def inline_text(draw) -> str:
    pieces = []
    for _ in range(draw(st.integers(1, 6))):
        word = draw(WORDS)
        style = draw(st.sampled_from(["plain"] * 5 + ["em", "strong", "link", "code", "strike"]))
        if style == "em":
            word = f"*{word}*"
        elif style == "strong":
            word = f"**{word}**"
        elif style == "link":
            word = f"[{word}](https://example.org/{draw(st.sampled_from(['a', 'b?c=1&d=2', 'x%22y']))})"
        elif style == "code":
            word = f"`{word}`"
        elif style == "strike":
            word = f"~~{word}~~"
        pieces.append(word)
    return " ".join(pieces)


@st.composite
def block(draw) -> str:
    kind = draw(st.sampled_from(["paragraph", "paragraph", "heading", "code", "list", "nested list",
                                 "quote", "table", "ordered"]))
    line = draw(inline_text())
    if kind == "heading":
        return "#" * draw(st.integers(1, 4)) + " " + line
    if kind == "code":
        return f"```\n{line}\n```"
    if kind == "list":
        return "\n".join(f"- {draw(inline_text())}" for _ in range(draw(st.integers(1, 3))))
    if kind == "ordered":
        return "\n".join(f"{n}. {draw(inline_text())}" for n in range(1, draw(st.integers(2, 3))))
    if kind == "nested list":
        return f"- {line}\n  - {draw(inline_text())}\n    - {draw(inline_text())}\n- {draw(inline_text())}"
    if kind == "quote":
        return f"> {line}\n>\n> {draw(inline_text())}"
    if kind == "table":
        cells = [draw(inline_text()).replace("|", "/") for _ in range(4)]
        return f"| {cells[0]} | {cells[1]} |\n|---|---|\n| {cells[2]} | {cells[3]} |"
    return line + ("\n" + draw(inline_text()) if draw(st.booleans()) else "")


@st.composite
def markdown_documents(draw) -> str:
    return "\n\n".join(draw(st.lists(block(), min_size=1, max_size=6)))


@PROPERTY_SETTINGS
@given(markdown_documents())
def test_every_run_sits_at_its_offset_in_the_analysed_text(document):
    prose = prose_blocks(parse_html(render_markdown(document)))
    previous_end = None
    for block in prose.blocks:
        assert block.runs
        assert block.start == block.runs[0].start
        if previous_end is not None:  # blocks are joined by exactly one separator
            assert prose.text[previous_end:block.start] == BLOCK_SEPARATOR
        for run, following in zip(block.runs, block.runs[1:] + [None]):
            assert prose.text[run.start:run.end] == str(run.node)
            if following is not None:
                assert following.start == run.end  # runs of a block are contiguous
        previous_end = block.end
    assert (previous_end or 0) == len(prose.text)


@PROPERTY_SETTINGS
@given(markdown_documents())
def test_analysed_text_leaves_out_code_blocks_and_marks_links_and_code(document):
    soup = parse_html(render_markdown(document))
    prose = prose_blocks(soup)
    for block in prose.blocks:
        for run in block.runs:
            ancestors = {parent.name for parent in run.node.parents}
            assert "pre" not in ancestors
            if ancestors & {"a", "code"}:
                assert not run.annotatable
    # the same HTML gives the same text: the NLP stage and the annotator agree
    assert prose_blocks(parse_html(render_markdown(document))).text == prose.text


@PROPERTY_SETTINGS
@given(markdown_documents(), st.integers(0, 10_000), st.integers(0, 400))
def test_runs_in_finds_exactly_the_overlapping_runs(document, start, length):
    prose = prose_blocks(parse_html(render_markdown(document)))
    if not prose.text:
        return
    start %= len(prose.text)
    end = min(start + length, len(prose.text))
    expected = [run for block in prose.blocks for run in block.runs if run.start < end and start < run.end]
    assert prose.runs_in(start, end) == expected
