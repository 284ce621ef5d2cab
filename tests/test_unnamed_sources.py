"""A quote from a source the article describes but does not name ("a senior aide said"),
through a real build with the real model: the API gives the description, the page shows it
as the quote's label, and the editor's review does not list it as a quote to fix."""
from __future__ import annotations

import json

from bs4 import BeautifulSoup

from builder.build import BuildOptions, build, gather_site
from builder.review import review_site

SITE_TOML = 'title = "Sources"\nbase_url = "https://example.org/"\n'
BODY = ("Senator Tomas Brandt spoke in Dover on Monday.\n\n"
        "“The campaign has been far too slow to answer the charges,” one senior Democrat said.\n\n"
        "“We will win this seat in November,” Brandt said.")


def article(body: str) -> str:
    return f'+++\ntitle = "A"\ndate = 2024-10-03\n+++\n\n{body}\n'


def quotes_of(make_site, body: str) -> dict[str, dict]:
    root = make_site({"site.toml": SITE_TOML, "content/a.md": article(body)})
    records = json.loads((build(BuildOptions(root=root)).out_dir / "api" / "quotes.json").read_text())
    return {q["text"][:12]: q for q in records["quotes"]}


def test_an_unnamed_source_is_in_the_api_on_the_page_and_not_in_the_review(make_site):
    root = make_site({"site.toml": SITE_TOML, "content/a.md": article(BODY)})
    result = build(BuildOptions(root=root))

    records = json.loads((result.out_dir / "api" / "quotes.json").read_text())["quotes"]
    by_text = {q["text"][:12]: q for q in records}
    unnamed, named = by_text["The campaign"], by_text["We will win "]
    assert (unnamed["speaker"], unnamed["speaker_name"], unnamed["source"]) == \
        (None, "one senior Democrat", "one senior Democrat")
    assert (named["speaker_name"], named["source"]) == ("Tomas Brandt", None)

    page = BeautifulSoup((result.out_dir / "articles" / "a" / "index.html").read_text(), "html.parser")
    label = page.select_one(".quote-speaker--unnamed")
    assert label is not None and label.get_text() == "Quote from an unnamed source: one senior Democrat"
    assert label.select_one(".visually-hidden").get_text() == "Quote from an unnamed source: "
    assert page.select_one(".quote-speaker--none") is None  # no quote on the page is "unattributed"

    assert not [f for f in review_site(gather_site(BuildOptions(root=root))) if f.category == "no speaker"]


def test_an_editors_speaker_replaces_the_unnamed_source(make_site):
    body = BODY.replace("“The campaign has been far too slow to answer the charges,”",
                        "[“The campaign has been far too slow to answer the charges,”]"
                        "{speaker=\"Tomas Brandt\"}")
    root = make_site({"site.toml": SITE_TOML, "content/a.md": article(body)})
    records = json.loads((build(BuildOptions(root=root)).out_dir / "api" / "quotes.json").read_text())
    (quote,) = [q for q in records["quotes"] if q["text"].startswith("The campaign")]
    assert (quote["speaker_name"], quote["source"]) == ("Tomas Brandt", None)


def test_a_group_the_article_names_only_by_what_they_are_is_an_unnamed_source(make_site):
    by_text = quotes_of(make_site, (
        "Senator Tomas Brandt spoke in Dover on Monday.\n\n"
        "“He has not been charged with anything at all,” law enforcement sources said.\n\n"
        "Hundreds of striking dock workers marched past the hall, chanting “Pay us what we are owed now.”"))
    sources, workers = by_text["He has not b"], by_text["Pay us what "]
    assert (sources["speaker"], sources["source"]) == (None, "law enforcement sources")
    assert sources["speaker_name"] == "law enforcement sources"
    assert workers["speaker"] is None and workers["source"] is not None
    assert workers["source"].endswith("dock workers")


def test_a_description_stops_before_the_clause_that_follows_it(make_site):
    by_text = quotes_of(make_site, (
        "Senator Tomas Brandt spoke in Dover on Monday.\n\n"
        "“The race is closer than anyone in the party will admit,” said a longtime adviser to "
        "both senators, who asked not to be named."))
    assert by_text["The race is "]["source"] == "a longtime adviser to both senators"


def test_a_text_whose_author_the_article_does_not_name_is_the_source(make_site):
    by_text = quotes_of(make_site, (
        "Judge Ann Ortiz ruled on the motion late on Thursday.\n\n"
        "“The claim that the records retain any commercial value is speculative,” the order "
        "released Friday said."))
    order = by_text["The claim th"]
    assert (order["speaker"], order["speaker_name"], order["source"]) == \
        (None, "the order released Friday", "the order released Friday")
