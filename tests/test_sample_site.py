"""The sample site, end to end with the real model: what a newcomer sees after `make site`."""
from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit, unquote

import pytest
from bs4 import BeautifulSoup

SEED = "rutte-first-visit-kyiv"


def entities_json(build) -> list[dict]:
    return json.loads((build.out_dir / "api" / "entities.json").read_text())["entities"]


def test_people_in_the_seed_article_are_exactly_the_four(sample_build):
    people = {e["name"] for e in entities_json(sample_build)
              if e["kind"] == "person" and SEED in e["articles"]}
    assert people == {"Mark Rutte", "Volodymyr Zelenskyy", "Joe Biden", "Jens Stoltenberg"}


def test_places_and_organisations_of_the_seed_article(sample_build):
    kinds = {e["name"]: e["kind"] for e in entities_json(sample_build) if SEED in e["articles"]}
    assert kinds["Kyiv"] == "place"
    assert kinds["Kharkiv"] == "place"
    assert kinds["NATO"] == "organisation"
    assert "Longtime Dutch" not in kinds


def test_aliases_merge_into_one_person(sample_build):
    rutte = [e for e in entities_json(sample_build) if e["name"] == "Mark Rutte"]
    assert len(rutte) == 1
    assert "Rutte" in rutte[0]["aliases"]
    assert rutte[0]["url"] == "https://example.org/people/mark-rutte/"
    assert not [e for e in entities_json(sample_build) if e["name"] in ("Rutte", "Zelenskyy")]


def test_the_seed_quotes_are_attributed_to_mark_rutte(sample_build):
    quotes = json.loads((sample_build.out_dir / "api" / "quotes.json").read_text())["quotes"]
    long_quotes = [q for q in quotes if q["article"] == SEED and len(q["text"].split()) > 8]
    assert len(long_quotes) == 2
    assert {q["speaker_name"] for q in long_quotes} == {"Mark Rutte"}
    assert all(q["url"].startswith(f"https://example.org/articles/{SEED}/#") for q in long_quotes)


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        for name in ("href", "src"):
            if attrs.get(name) and not (tag == "link" and attrs.get("rel") == "canonical"):
                self.links.append(attrs[name])


def _file_for(out: Path, base_path: str, path: str) -> Path | None:
    if not path.startswith(base_path):
        return None
    rest = unquote(path[len(base_path):])
    target = out / rest
    return target / "index.html" if rest == "" or rest.endswith("/") else target


@pytest.mark.parametrize("which", ["sample_build", "subpath_build"])
def test_every_internal_link_resolves(which, request):
    build = request.getfixturevalue(which)
    base_path = build.config.base_path
    out = build.out_dir
    broken = []
    pages = sorted(out.rglob("*.html"))
    assert len(pages) > 20
    parsed = {}
    for page in pages:
        parser = _Links()
        parser.feed(page.read_text())
        parsed[page] = parser
    for page, parser in parsed.items():
        page_url = "/" + page.relative_to(out).as_posix()
        page_url = base_path + page.relative_to(out).as_posix()
        for link in parser.links:
            parts = urlsplit(urljoin(page_url, link))
            if parts.scheme or parts.netloc:
                continue
            target = _file_for(out, base_path, parts.path)
            if target is None or not target.is_file():
                broken.append((page.relative_to(out).as_posix(), link))
                continue
            if parts.fragment and target.suffix == ".html":
                ids = parsed[target].ids if target in parsed else set()
                if parts.fragment not in ids:
                    broken.append((page.relative_to(out).as_posix(), link))
    assert not broken, broken[:10]


def test_subpath_links_stay_under_the_subpath(subpath_build):
    html = (subpath_build.out_dir / "articles" / SEED / "index.html").read_text()
    assert 'href="/my-site/people/mark-rutte/"' in html
    assert 'href="/people/' not in html


def test_each_kind_of_page_exists(sample_build):
    out = sample_build.out_dir
    for path in ["index.html", "404.html", "people/index.html", "topics/index.html",
                 f"articles/{SEED}/index.html", "people/mark-rutte/index.html", "topics/nato/index.html",
                 "assets/gloss.css"]:
        assert (out / path).is_file(), path


def test_person_page_lists_articles_with_first_sentence_and_co_mentions(sample_build):
    html = (sample_build.out_dir / "people" / "jens-stoltenberg" / "index.html").read_text()
    assert "/articles/rutte-first-visit-kyiv/" in html
    assert "supports the position of his predecessor, Jens Stoltenberg, in this matter." in html
    assert "Often mentioned with" in html and "/people/mark-rutte/" in html


@pytest.mark.parametrize("name", ["entities", "quotes"])
def test_the_json_api_has_one_record_per_line(sample_build, name):
    # readable and diffable: a record per line, between the opening and closing lines
    lines = (sample_build.out_dir / "api" / f"{name}.json").read_text(encoding="utf-8").splitlines()
    records = json.loads("\n".join(lines))[name]
    assert len(records) >= 2 and len(lines) == len(records) + 2
    assert [json.loads(line.rstrip(",")) for line in lines[1:-1]] == records


def test_a_person_pages_quotes_read_on_their_own(sample_build):
    # the seed's first quote ends "…continues to support Ukraine,” Rutte said": on his page,
    # away from "Rutte said", the comma that led on to it is gone and the words are whole
    page = (sample_build.out_dir / "people" / "mark-rutte" / "index.html").read_text()
    quotes = [q.get_text() for q in BeautifulSoup(page, "html.parser").select(".quote-list blockquote a")]
    assert len(quotes) == 2
    assert any("continues to support Ukraine”" in q for q in quotes)
    assert not any(",”" in q for q in quotes)
