"""Articles on disk -> ArticleSource, and every way an article can be wrong.

Messages are asserted whole, as the writer reads them: `path:line: message`, where the line is
the line of the FILE (front matter starts on line 2, after the opening fence).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from builder.annotate import annotate
from builder.build import prepare
from builder.content import MAX_ARTICLE_BYTES, read_article, read_articles
from builder.markdown import render_markdown
from builder.prose import parse_html, prose_blocks

GOOD = '+++\ntitle = "Good"\ndate = 2024-10-03\n+++\n\nA paragraph.\n'


def check(tmp_path: Path, text: str | bytes, name: str = "a.md"):
    """Read one article written to content/NAME; messages name it as content/NAME."""
    path = tmp_path / "content" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    article, problems = read_article(path, Path("content") / name)
    return article, [str(p) for p in problems]


# --- front matter syntax: line numbers point at the file -------------------------------------

def test_broken_toml_front_matter_points_at_the_file_line(tmp_path):
    text = '+++\ntitle = "T"\ndate = 2024-10-03\nsummary = "unclosed\n+++\nbody\n'
    article, problems = check(tmp_path, text)
    assert article is None
    assert len(problems) == 1
    assert problems[0].startswith("content/a.md:4: invalid TOML: ")


def test_broken_toml_at_the_end_of_the_front_matter_still_has_a_line(tmp_path):
    article, problems = check(tmp_path, '+++\ntitle = "T"\ndate = 2024-10-03\ntags =\n+++\nbody\n')
    assert problems == ["content/a.md:4: invalid TOML: Invalid value"]


def test_broken_toml_line_with_windows_line_ends(tmp_path):
    article, problems = check(tmp_path, '+++\r\ntitle = "T"\r\ndate = 2024-10-03\r\nx = = 1\r\n+++\r\nbody')
    assert problems == ["content/a.md:4: invalid TOML: Invalid value"]


@pytest.mark.parametrize("front, line", [
    ("title: T\ndate: 2024-10-03\ntags: [a, b\n", 4),  # reported where the flow list breaks off
    ("title: T\ndate: 2024-10-03\n  indented: wrong\n", 4),
    ("title: T\n\tdate: 2024-10-03\n", 3),
    ("title: T\ndate: 2024-10-03\nsummary: \"open\n", 4),
])
def test_broken_yaml_front_matter_points_at_the_file_line(tmp_path, front, line):
    # blank lines in the body must not shift anything; the front matter starts on line 2
    article, problems = check(tmp_path, f"---\n{front}---\n\n\nbody\n")
    assert article is None
    assert len(problems) == 1
    assert problems[0].startswith(f"content/a.md:{line}: invalid YAML: ")


def test_front_matter_never_closed(tmp_path):
    _, problems = check(tmp_path, '+++\ntitle = "T"\ndate = 2024-10-03\n\nbody\n')
    assert problems == ["content/a.md:1: front matter opened with +++ is never closed "
                        "(add a line with only +++ after the front matter)"]


def test_no_front_matter(tmp_path):
    _, problems = check(tmp_path, "# Just Markdown\n\nbody\n")
    assert problems == ["content/a.md:1: no front matter found "
                        "(start the file with +++ (TOML) or --- (YAML) and a title and date)"]


@pytest.mark.parametrize("text", ["", "\n\n  \n"])
def test_empty_file(tmp_path, text):
    _, problems = check(tmp_path, text)
    assert problems == ["content/a.md:1: is empty (add front matter with a title and date)"]


def test_front_matter_that_is_not_a_table(tmp_path):
    _, problems = check(tmp_path, "---\n- a\n- b\n---\nbody\n")
    assert problems == ["content/a.md:2: front matter must be a table of key = value pairs"]


# --- fields ---------------------------------------------------------------------------------

def test_missing_title(tmp_path):
    _, problems = check(tmp_path, "+++\ndate = 2024-10-03\n+++\nbody\n")
    assert problems == ['content/a.md:2: missing title (add title = "..." to the front matter)']


def test_blank_title(tmp_path):
    _, problems = check(tmp_path, '+++\ndate = 2024-10-03\ntitle = "  "\n+++\nbody\n')
    assert problems == ["content/a.md:3: title is empty"]


def test_missing_date(tmp_path):
    _, problems = check(tmp_path, '+++\ntitle = "T"\n+++\nbody\n')
    assert problems == ["content/a.md:2: missing date (add date = 2024-10-03 to the front matter)"]


@pytest.mark.parametrize("value", ['"2024-13-45"', '"3 October 2024"', '"yesterday"'])
def test_invalid_date(tmp_path, value):
    _, problems = check(tmp_path, f'+++\ntitle = "T"\nsummary = "S"\ndate = {value}\n+++\nbody\n')
    assert problems == [f"content/a.md:4: invalid date {value[1:-1]!r} (use YYYY-MM-DD)"]


def test_all_problems_of_one_article_are_reported(tmp_path):
    _, problems = check(tmp_path, '+++\ntags = 3\ndraft = "no"\n+++\nbody\n')
    assert problems == [
        "content/a.md:2: 'tags' must be a string or a list of strings, not int 3",
        "content/a.md:3: 'draft' must be true or false, not str 'no'",
        'content/a.md:2: missing title (add title = "..." to the front matter)',
        "content/a.md:2: missing date (add date = 2024-10-03 to the front matter)",
    ]


@pytest.mark.parametrize("line, message", [
    ("tags = 3", "'tags' must be a string or a list of strings, not int 3"),
    ("tags = [1, 2]", "'tags' must be a string or a list of strings, not list [1, 2]"),
    ('author = ["A", 7]', "'author' must be a string or a list of strings, not list ['A', 7]"),
    ("title = 1984", "'title' must be a string, not int 1984"),
    ("summary = true", "'summary' must be a string, not bool True"),
    ("draft = 1", "'draft' must be true or false, not int 1"),
    ("date = true", "'date' must be a date such as 2024-10-03, not bool True"),
])
def test_wrong_types_name_the_key_and_its_line(tmp_path, line, message):
    head = "" if line.startswith("title") else 'title = "T"\n'
    date = "" if line.startswith("date") else "date = 2024-10-03\n"
    text = f"+++\n{head}{date}{line}\n+++\nbody\n"
    _, problems = check(tmp_path, text)
    expected_line = text.split("\n").index(line) + 1
    assert problems == [f"content/a.md:{expected_line}: {message}"]


def test_unknown_key_is_a_warning_and_the_article_is_kept(tmp_path):
    article, problems = check(tmp_path, '+++\ntitle = "T"\ndate = 2024-10-03\ncolour = "red"\n+++\nbody\n')
    assert article is not None
    assert problems == ["content/a.md:4: warning: unknown front-matter key 'colour' is ignored"]


def test_invalid_slug_is_refused_with_a_suggestion(tmp_path):
    _, problems = check(tmp_path, '+++\ntitle = "T"\ndate = 2024-10-03\nslug = "../../etc"\n+++\nbody\n')
    assert problems == ["content/a.md:4: invalid slug '../../etc' "
                        "(use lowercase letters, digits, dashes and underscores, e.g. 'etc')"]


def test_the_slug_is_the_file_name_when_it_is_url_safe(tmp_path):
    path = tmp_path / "content" / "ap_2015-11-16_o-malley.md"
    path.parent.mkdir(parents=True)
    path.write_text('+++\ntitle = "T"\ndate = 2024-10-03\n+++\nbody\n')
    article, _ = read_article(path, path)
    assert article.slug == "ap_2015-11-16_o-malley"
    path = path.with_name("Über Uns.md")
    path.write_text('+++\ntitle = "T"\ndate = 2024-10-03\n+++\nbody\n')
    article, problems = read_article(path, path)
    assert article.slug == "uber-uns" and problems == []


def test_a_file_name_that_is_no_slug_becomes_one(tmp_path):
    article, problems = check(tmp_path, GOOD, name="Rutte in Kyiv!.md")
    assert problems == []
    assert article.slug == "rutte-in-kyiv"


def test_yaml_front_matter_with_every_field(tmp_path):
    text = ("---\n"
            'title: "Rutte in Kyiv: “Ukraine first”"\n'
            "date: 2024-10-03\n"
            "author: [Jane Doe, John Roe]\n"
            "summary: One sentence.\n"
            "tags: [Ukraine, NATO]\n"
            "source: Kyiv Independent\n"
            "url: https://kyivindependent.com/x\n"
            "image: images/rutte.jpg\n"
            "draft: true\n"
            "slug: rutte-in-kyiv\n"
            "---\n"
            "\n"
            "Body line.\n")
    article, problems = check(tmp_path, text)
    assert problems == []
    assert article.title == "Rutte in Kyiv: “Ukraine first”"
    assert article.date == dt.datetime(2024, 10, 3)
    assert article.authors == ("Jane Doe", "John Roe")
    assert article.summary == "One sentence."
    assert article.tags == ("Ukraine", "NATO")
    assert article.source == "Kyiv Independent"
    assert article.url == "https://kyivindependent.com/x"
    assert article.image == "images/rutte.jpg"
    assert article.draft is True
    assert article.slug == "rutte-in-kyiv"
    assert article.body_line == 13
    assert article.body == "\nBody line.\n"


def test_a_single_author_and_tag_may_be_strings(tmp_path):
    article, _ = check(tmp_path, '+++\ntitle = "T"\ndate = 2024-10-03\nauthor = "A"\ntags = "NATO"\n+++\n')
    assert article.authors == ("A",)
    assert article.tags == ("NATO",)
    assert article.body == ""


def test_dates_with_and_without_time_zone_can_be_sorted_together(tmp_path):
    """A time zone in one article must not crash sorting against the others."""
    dates = ["2024-10-03", "2024-10-04T09:00:00+02:00", '"2024-10-05T12:00:00Z"', "2024-10-02T08:00:00"]
    for number, date in enumerate(dates):
        check(tmp_path, f'+++\ntitle = "T{number}"\ndate = {date}\n+++\nbody\n', name=f"a{number}.md")
    articles, problems = read_articles(tmp_path / "content", tmp_path, include_drafts=False)
    assert problems == []
    ordered = sorted(articles, key=lambda a: a.date)
    assert [a.slug for a in ordered] == ["a3", "a0", "a1", "a2"]
    assert ordered[2].date == dt.datetime(2024, 10, 4, 9, 0)  # the clock time as written


# --- encodings and sizes --------------------------------------------------------------------

def test_a_file_that_is_not_utf8_names_the_line(tmp_path):
    text = '+++\ntitle = "Caf\xe9"\ndate = 2024-10-03\n+++\n'.encode("latin-1")
    _, problems = check(tmp_path, text)
    assert problems == ["content/a.md:2: is not UTF-8 text (byte 0xe9) (save the file as UTF-8)"]


def test_a_byte_order_mark_is_accepted(tmp_path):
    article, problems = check(tmp_path, "\ufeff" + GOOD)
    assert problems == []
    assert article.title == "Good"


def test_a_1_mb_article_is_accepted_and_goes_through_markdown_and_prose(tmp_path):
    paragraph = "“We are ready,” said Mark Rutte in Kyiv, <with> & “quotes” — " * 8 + "\n\n"
    body = paragraph * (1_000_000 // len(paragraph.encode()) + 1)
    article, problems = check(tmp_path, GOOD + body)
    assert problems == []
    assert 1_000_000 < len((GOOD + body).encode()) < MAX_ARTICLE_BYTES
    prepared = prepare(article)
    assert prepared.text.count("Mark Rutte") == body.count("Mark Rutte")
    assert "&lt;with&gt; &amp;" in prepared.html


def test_a_larger_article_gets_a_clear_message(tmp_path):
    text = GOOD + "word " * (MAX_ARTICLE_BYTES // 5 + 10)
    _, problems = check(tmp_path, text)
    size = len(text.encode())
    assert problems == [f"content/a.md: is {size // 1000} kB; articles are limited to 2000 kB"]


# --- Markdown that could hurt ---------------------------------------------------------------

@pytest.mark.parametrize("body, line", [
    (">" * 10_000 + " deep", 10),
    ("> " * 5_000 + "deep", 10),
    ("- " * 5_000 + "deep", 10),
    ("1. " * 3_000 + "deep", 10),
    # one list level per line: a list and its item are two levels, so the 10th line is too deep
    ("\n".join("  " * depth + "- deep" for depth in range(300)), 19),
])
def test_deeply_nested_blocks_are_an_error_naming_the_line(tmp_path, body, line):
    """Past the nesting limit markdown-it leaves text out (in a list, the rest of the article):
    the writer gets an error with the line, and the parser never recurses without bound."""
    article, problems = check(tmp_path, GOOD + "\nBefore.\n\n" + body + "\n\nAfter.\n")
    assert article is None
    assert problems == [f"content/a.md:{line}: Markdown nested more than 20 levels deep "
                        "(use fewer levels of > or of list indentation)"]


@pytest.mark.parametrize("body", [
    "*" * 10_000 + "deep" + "*" * 10_000,
    "_a " * 5_000 + "deep",
    "[" * 10_000 + "deep" + "](x)" * 10_000,
    "a `" * 5_000 + "deep",
])
def test_deeply_nested_inline_markdown_builds(tmp_path, body):
    article, problems = check(tmp_path, GOOD + "\nBefore.\n\n" + body + "\n\nAfter.\n")
    assert problems == []
    prepared = prepare(article)  # Markdown, HTML tree and prose: no RecursionError
    soup = parse_html(prepared.html)
    annotate(soup, prose_blocks(soup), [], [], lambda _: None, lambda _: None)
    assert "deep" in parse_html(str(soup)).get_text()
    assert "Before." in prepared.text and "After." in prepared.text


def test_nesting_that_fits_is_kept_without_a_warning(tmp_path):
    article, problems = check(tmp_path, GOOD + "> " * 15 + "kept\n")
    assert problems == []
    assert "kept" in prepare(article).text


def test_raw_html_in_an_article_is_shown_as_text():
    html = render_markdown('<script>alert("x")</script>\n\nHi <b onclick="x()">bold</b> '
                           "<!-- note --> <img src=x onerror=alert(1)>\n")
    soup = parse_html(html)
    assert soup.find_all(["script", "b", "img"]) == []
    text = prose_blocks(soup).text
    assert '<script>alert("x")</script>' in text
    assert '<b onclick="x()">bold</b>' in text and "<img src=x onerror=alert(1)>" in text


def test_dangerous_link_schemes_are_not_links():
    html = render_markdown("[x](javascript:alert(1)) [y](vbscript:x) [z](data:text/html,<b>)\n")
    assert "javascript:" not in html.split(">", 1)[0]
    assert not any(a.get("href", "").lower().startswith(("javascript", "vbscript", "data:text"))
                   for a in parse_html(html).find_all("a"))


# --- the whole content folder ---------------------------------------------------------------

def test_three_broken_articles_are_all_reported_and_good_ones_kept(tmp_path):
    check(tmp_path, GOOD, name="good.md")
    check(tmp_path, '+++\ntitle = "T"\ndate = 2024-10-03\ntags = 3\n+++\n', name="b-tags.md")
    check(tmp_path, "---\ntitle: T\ndate: [2024\n---\n", name="c-yaml.md")
    check(tmp_path, '+++\ntitle = "T"\n+++\n', name="sub/d-nodate.md")
    articles, problems = read_articles(tmp_path / "content", tmp_path, include_drafts=False)
    assert [a.slug for a in articles] == ["good"]
    assert [str(p.path) for p in problems if p.is_error] == [
        str(tmp_path / "content/b-tags.md"), str(tmp_path / "content/c-yaml.md"),
        str(tmp_path / "content/sub/d-nodate.md")]


def test_two_articles_with_the_same_slug(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    check(tmp_path, GOOD, name="a.md")
    check(tmp_path, GOOD.replace("+++\n\n", 'slug = "a"\n+++\n\n'), name="b.md")
    articles, problems = read_articles(Path("content"), Path("."), include_drafts=False)
    assert [a.path for a in articles] == [Path("content/a.md")]
    assert [str(p) for p in problems] == [
        "content/b.md:1: slug 'a' is already used by content/a.md "
        "(rename the file or set a different slug)"]


def test_messages_name_articles_as_the_user_can_open_them(tmp_path, monkeypatch):
    """Run from the folder above the site, paths start with the site's folder, like site.toml's."""
    site = tmp_path / "site"
    check(site, '+++\ntitle = "T"\n+++\n', name="x.md")
    monkeypatch.chdir(tmp_path)
    _, problems = read_articles(Path("site/content"), Path("site"), include_drafts=False)
    assert [str(p) for p in problems] == [
        "site/content/x.md:2: missing date (add date = 2024-10-03 to the front matter)"]


def test_drafts_are_left_out_unless_asked_for(tmp_path):
    check(tmp_path, GOOD, name="a.md")
    check(tmp_path, GOOD.replace("+++\n\n", "draft = true\n+++\n\n"), name="b.md")
    without, _ = read_articles(tmp_path / "content", tmp_path, include_drafts=False)
    with_drafts, _ = read_articles(tmp_path / "content", tmp_path, include_drafts=True)
    assert [a.slug for a in without] == ["a"]
    assert [a.slug for a in with_drafts] == ["a", "b"]


@pytest.mark.parametrize("key, value", [
    ("url", "javascript:alert(1)"), ("url", "JavaScript:alert(1)"), ("url", "java\\tscript:alert(1)"),
    ("url", "data:text/html,<script>x</script>"), ("image", "javascript:alert(1)"),
    ("image", "vbscript:x"),
])
def test_links_in_front_matter_must_be_web_addresses(tmp_path, key, value):
    """url and image become href/src attributes, where escaping does not stop javascript:."""
    text = f'+++\ntitle = "T"\ndate = 2024-10-03\n{key} = "{value}"\n+++\n'
    _, problems = check(tmp_path, text)
    shown = value.replace("\\t", "\t")
    expected = " or a path" if key == "image" else ""
    assert problems == [f"content/a.md:4: '{key}' must be an http:// or https:// address{expected}, "
                        f"not {shown!r}"]


@pytest.mark.parametrize("key, value", [
    ("url", "https://kyivindependent.com/a:b"), ("url", "http://x.org"), ("image", "images/r.jpg"),
    ("image", "/images/r.jpg"), ("image", "https://cdn.example.org/r.jpg"),
])
def test_web_addresses_and_paths_are_accepted(tmp_path, key, value):
    article, problems = check(tmp_path, f'+++\ntitle = "T"\ndate = 2024-10-03\n{key} = "{value}"\n+++\n')
    assert problems == []
    assert getattr(article, key) == value
