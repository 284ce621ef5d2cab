"""The reader's experience in a real browser: Debian's Chromium through Playwright, the sample
site served over real HTTP on 127.0.0.1.

Entity cards open on hover (after a delay), keyboard focus and tap, close on Escape, on moving
away and on a tap elsewhere, stay on screen at 360 px and never cover their word; quote anchors
scroll to and mark their quote; without JavaScript, hover and focus still open cards; axe-core
finds no serious or critical problem in light or dark; a search of a site indexed in shards
finds what one index would. The page-weight check needs no browser.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
import threading
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(),
                                    reason="/usr/bin/chromium is missing (scripts/ensure-chromium installs it)")

ARTICLE = "articles/rutte-first-visit-kyiv/"
PERSON = "people/mark-rutte/"
TOPIC = "topics/nato/"
HOVER_DELAY_MS = 350  # gloss.js
MAX_ASSET_BYTES = 50 * 1024
CLOCK_START = dt.datetime(2024, 10, 3, 12, 0)


# --- serving the built site --------------------------------------------------------------


class _QuietHandler(SimpleHTTPRequestHandler):
    prefix = "/"

    def translate_path(self, path: str) -> str:
        # serve the output folder under the site's base path, as GitHub Pages would
        if not path.startswith(self.prefix):
            return str(Path(self.directory) / "__outside_the_site__")
        return super().translate_path("/" + path[len(self.prefix):])

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


def _serve(folder: Path, prefix: str):
    handler = type("Handler", (_QuietHandler,), {"prefix": prefix})
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, f"http://127.0.0.1:{server.server_address[1]}{prefix}"


@pytest.fixture(scope="session")
def site_url(sample_build):
    server, url = _serve(sample_build.out_dir, "/")
    yield url
    server.shutdown()


@pytest.fixture(scope="session")
def subpath_url(subpath_build):
    server, url = _serve(subpath_build.out_dir, subpath_build.config.base_path)
    yield url
    server.shutdown()


@pytest.fixture(scope="session")
def sharded_url(sharded_subpath_build):
    server, url = _serve(sharded_subpath_build.out_dir, sharded_subpath_build.config.base_path)
    yield url
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    # module scope: Playwright's sync API allows one running instance at a time, and other
    # test modules start their own
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def open_page(browser):
    """open_page(url, **context options) -> a page in a fresh context, closed after the test."""
    contexts = []

    def open_(url: str, clock: bool = False, **options):
        options.setdefault("viewport", {"width": 1280, "height": 900})
        context = browser.new_context(**options)
        contexts.append(context)
        page = context.new_page()
        if clock:
            page.clock.install(time=CLOCK_START)
        page.goto(url)
        if clock:  # from here on, page timers fire only in clock.run_for(): no timing races
            page.clock.pause_at(CLOCK_START + dt.timedelta(hours=1))
        return page

    yield open_
    for context in contexts:
        context.close()


def card_of(page, link):
    return page.locator("#" + link.get_attribute("aria-describedby"))


def first_mention(page):
    link = page.locator(".article-body .mention-link").first
    return link, card_of(page, link)


def focus_first_mention_with_tab(page, limit: int = 40):
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('mention-link')"):
            return page.locator(".mention-link:focus")
    raise AssertionError("Tab never reached a mention link")


def rects_overlap(a: dict, b: dict) -> bool:
    return (a["left"] < b["right"] and b["left"] < a["right"]
            and a["top"] < b["bottom"] and b["top"] < a["bottom"])


# --- cards -------------------------------------------------------------------------------


@pytest.mark.browser
@needs_chromium
def test_hover_opens_a_card_after_the_delay_and_moving_away_closes_it(open_page, site_url):
    page = open_page(site_url + ARTICLE, clock=True)
    link, card = first_mention(page)
    link.hover()
    page.clock.run_for(HOVER_DELAY_MS - 150)
    assert card.is_hidden(), "the card opened before the hover delay"
    page.clock.run_for(300)
    assert card.is_visible()
    assert card.locator(".card-name").inner_text() != ""
    page.mouse.move(5, 5)  # the header, far from any mention
    page.clock.run_for(400)
    assert card.is_hidden()


@pytest.mark.browser
@needs_chromium
def test_pointer_can_travel_from_the_word_into_its_card(open_page, site_url):
    page = open_page(site_url + ARTICLE, clock=True)
    link, card = first_mention(page)
    link.hover()
    page.clock.run_for(HOVER_DELAY_MS + 50)
    box = card.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, steps=5)
    page.clock.run_for(400)
    assert card.is_visible()


@pytest.mark.browser
@needs_chromium
def test_keyboard_focus_opens_a_card_and_escape_closes_it(open_page, site_url):
    page = open_page(site_url + ARTICLE)
    link = focus_first_mention_with_tab(page)
    card = card_of(page, link)
    assert card.is_visible()
    page.keyboard.press("Escape")
    assert card.is_hidden()
    assert page.evaluate("document.activeElement.classList.contains('mention-link')")
    page.keyboard.press("Tab")
    assert card.is_hidden()
    next_link = page.locator(":focus")
    if "mention-link" in (next_link.get_attribute("class") or ""):
        assert card_of(page, next_link).is_visible()


@pytest.mark.browser
@needs_chromium
def test_first_tap_opens_the_card_a_tap_elsewhere_closes_it_a_second_tap_follows(open_page, site_url):
    page = open_page(site_url + ARTICLE, has_touch=True, is_mobile=True,
                     viewport={"width": 390, "height": 844})
    link, card = first_mention(page)
    target = link.get_attribute("href")
    link.tap()
    assert card.is_visible()
    assert page.url == site_url + ARTICLE, "the first tap followed the link"
    page.locator(".article-header h1").tap()
    assert card.is_hidden()
    link.tap()
    assert card.is_visible()
    with page.expect_navigation():
        link.tap()
    assert urlsplit(page.url).path == target


@pytest.mark.browser
@needs_chromium
@pytest.mark.parametrize("where", ["middle", "bottom"])
def test_at_360px_a_card_at_the_right_edge_stays_on_screen_and_off_its_word(open_page, site_url, where):
    page = open_page(site_url + ARTICLE, viewport={"width": 360, "height": 740})
    # the mention reaching furthest right, on one line
    index = page.evaluate("""() => {
        const links = [...document.querySelectorAll('.article-body .mention-link')];
        let best = -1, right = -1;
        links.forEach((a, i) => { const r = a.getClientRects();
            if (r.length === 1 && r[0].right > right) { right = r[0].right; best = i; } });
        return best; }""")
    link = page.locator(".article-body .mention-link").nth(index)
    card = card_of(page, link)
    offset = 0.4 if where == "middle" else 0.97  # where the word sits in the viewport
    link.evaluate("(a, f) => window.scrollBy(0, a.getBoundingClientRect().bottom - innerHeight * f)", offset)
    link.evaluate("a => a.focus({preventScroll: true})")
    assert card.is_visible()
    word = link.evaluate("a => { const r = a.getBoundingClientRect(); "
                         "return {left: r.left, right: r.right, top: r.top, bottom: r.bottom}; }")
    assert word["right"] > 360 - 90, "the chosen word is not near the right edge"
    box = card.evaluate("c => { const r = c.getBoundingClientRect(); "
                        "return {left: r.left, right: r.right, top: r.top, bottom: r.bottom}; }")
    assert box["left"] >= 0 and box["right"] <= 360, box
    assert box["top"] >= 0 and box["bottom"] <= 740, box
    assert not rects_overlap(box, word), (box, word)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, "the page scrolls sideways"


@pytest.mark.browser
@needs_chromium
def test_opening_a_card_shifts_no_layout(open_page, site_url):
    page = open_page(site_url + ARTICLE)
    layout = "() => [...document.querySelectorAll('.article-body p')].map(p => p.getBoundingClientRect().height)"
    before = page.evaluate(layout)
    link = focus_first_mention_with_tab(page)
    assert card_of(page, link).is_visible()
    assert page.evaluate(layout) == before


@pytest.mark.browser
@needs_chromium
def test_the_card_describes_its_link_for_screen_readers(open_page, site_url):
    page = open_page(site_url + ARTICLE)
    link, card = first_mention(page)
    name = link.inner_text()
    card_text = card.text_content()
    # "Mark Rutte, Person. In 5 articles": name, kind and context read as separate phrases
    assert re.match(r"^[^,]+, [A-Z][a-z]+\. \S", card_text), card_text
    client = page.context.new_cdp_session(page)
    client.send("Accessibility.enable")
    tree = client.send("Accessibility.getFullAXTree")["nodes"]
    card_id = link.get_attribute("aria-describedby")
    links = [n for n in tree if n.get("role", {}).get("value") == "link"
             and any(prop["name"] == "describedby" and prop["value"]["value"] == card_id
                     for prop in n.get("properties", []))]
    assert links, f"no link described by {card_id} in the accessibility tree"
    assert links[0]["name"]["value"] == name
    description = links[0].get("description", {}).get("value", "")
    # Chromium puts a space around each block in the card; screen readers do not read spaces
    assert " ".join(re.sub(r"\s+([,.])", r"\1", description).split()) == card_text


# --- quotes ------------------------------------------------------------------------------


@pytest.mark.browser
@needs_chromium
def test_a_quote_link_from_a_person_page_scrolls_to_the_quote_and_marks_it(open_page, site_url):
    page = open_page(site_url + PERSON, viewport={"width": 1280, "height": 700})
    quote_link = page.locator(".quote-list a").first
    anchor = quote_link.get_attribute("href").split("#")[1]
    quote_link.click()
    page.wait_for_url(re.compile(f"#{anchor}$"))
    quote = page.locator(f"#{anchor}")
    assert quote.evaluate("q => q.matches(':target')")
    box = quote.bounding_box()
    assert 0 <= box["y"] < 700, "the quote is not scrolled into view"
    style = "q => getComputedStyle(q).outlineStyle + ' ' + getComputedStyle(q).outlineWidth"
    others = page.locator(f".quote:not([data-quote='{anchor}'])")
    assert quote.evaluate(style).startswith("solid")
    assert others.count() > 0
    assert not others.first.evaluate(style).startswith("solid")


@pytest.mark.browser
@needs_chromium
def test_the_speaker_label_links_to_the_speaker(open_page, site_url):
    page = open_page(site_url + ARTICLE)
    label = page.locator("a.quote-speaker").first
    assert label.inner_text().endswith("Mark Rutte")
    with page.expect_navigation():
        label.click()
    assert urlsplit(page.url).path == "/" + PERSON


UNNAMED_ARTICLE = """+++
title = "Unnamed"
date = 2024-10-03
+++

Senator Tomas Brandt spoke in Dover on Monday.

“The campaign has been far too slow to answer the charges,” said one extraordinarily
influential Massachusetts Democrat familiar with negotiations.
"""


@pytest.fixture(scope="module")
def unnamed_url(tmp_path_factory):
    from builder.build import BuildOptions, build
    root = tmp_path_factory.mktemp("unnamed")
    (root / "content").mkdir()
    (root / "site.toml").write_text('title = "Unnamed"\n')
    (root / "content" / "unnamed.md").write_text(UNNAMED_ARTICLE)
    server, url = _serve(build(BuildOptions(root=root)).out_dir, "/")
    yield url
    server.shutdown()


@pytest.mark.browser
@needs_chromium
def test_an_unnamed_sources_label_shows_the_articles_words_and_wraps_on_a_phone(open_page, unnamed_url):
    page = open_page(unnamed_url + "articles/unnamed/", viewport={"width": 360, "height": 740})
    label = page.locator(".quote-speaker--unnamed")
    assert label.is_visible()
    seen = label.evaluate("e => getComputedStyle(e, '::before').content + e.innerText")
    assert re.sub(r"\s+", " ", seen).endswith(
        "one extraordinarily influential Massachusetts Democrat familiar with negotiations")
    assert "—" in seen
    box = label.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360  # it wraps instead of running off
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


# --- without JavaScript ------------------------------------------------------------------


@pytest.mark.browser
@needs_chromium
def test_without_javascript_hover_and_focus_open_cards_and_links_work(open_page, site_url):
    page = open_page(site_url + ARTICLE, java_script_enabled=False)
    assert not page.evaluate("document.documentElement.classList.contains('gloss-js')")
    link, card = first_mention(page)
    assert card.is_hidden()
    link.hover()
    card.wait_for(state="visible", timeout=3000)
    page.mouse.move(5, 5)
    card.wait_for(state="hidden", timeout=3000)
    focused = focus_first_mention_with_tab(page)
    assert card_of(page, focused).is_visible()
    target = focused.get_attribute("href")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert urlsplit(page.url).path == target


# --- search ------------------------------------------------------------------------------


def search_for(page, words: str):
    """Type into Pagefind's search box and wait for the results; returns the result links."""
    page.locator(".pagefind-ui__search-input").fill(words)
    # "6 results for Rutte": the results of these words, not of an earlier search
    page.locator(".pagefind-ui__message", has_text=f"for {words}").wait_for(timeout=10000)
    links = page.locator(".pagefind-ui__result-link")
    links.first.wait_for(timeout=10000)
    return links


@pytest.mark.browser
@needs_chromium
def test_under_a_sub_path_a_search_for_an_alias_finds_the_person(open_page, subpath_url):
    requests: list[str] = []
    page = open_page(subpath_url + ARTICLE)
    page.on("request", lambda request: requests.append(request.url))
    with page.expect_navigation():
        page.get_by_role("link", name="Search", exact=True).click()
    assert page.url == subpath_url + "search/"
    page.locator(".pagefind-ui__search-input").wait_for()
    assert not [url for url in requests if "/pagefind/pagefind" in url and not url.endswith(("-ui.js", "-ui.css"))], \
        "the search index loaded before anyone searched"
    links = search_for(page, "Rutte")
    # "Rutte" is how the site writes Mark Rutte in some articles: an alias of his page. The
    # results fill in one by one (a row of dots until its fragment has loaded), so wait for
    # the first result's own text rather than read it at once
    page.wait_for_function("() => (document.querySelector('.pagefind-ui__result')"
                           "?.textContent || '').includes('Rutte')", timeout=10000)
    hrefs = [link.get_attribute("href") for link in links.all()]
    assert hrefs[0] == urlsplit(subpath_url).path + PERSON, hrefs
    assert all(href.startswith(urlsplit(subpath_url).path) for href in hrefs)
    # an alias that is not part of the name finds the page too
    nato = [link.get_attribute("href") for link in search_for(page, "North Atlantic Treaty Organization").all()]
    assert urlsplit(subpath_url).path + TOPIC in nato, nato
    links = search_for(page, "Rutte")
    with page.expect_navigation():
        links.first.click()
    assert page.locator("h1").inner_text() == "Mark Rutte"
    assert [url for url in requests if not url.startswith(subpath_url)] == []


def all_results_for(page, words: str) -> list[str]:
    """Every result link of a search, after pressing "Load more results" until it is gone."""
    links = search_for(page, words)
    more = page.locator(".pagefind-ui__button")
    while more.count() and more.is_visible():
        shown = links.count()
        more.click()
        page.wait_for_function(f"document.querySelectorAll('.pagefind-ui__result-link').length > {shown}")
    return [link.get_attribute("href") for link in links.all()]


@pytest.mark.browser
@needs_chromium
def test_a_search_of_a_site_in_shards_finds_pages_of_every_shard_like_one_bundle(
        open_page, sharded_url, sharded_subpath_build, subpath_url):
    from test_search import bundles_in, fragments_of
    out, base = sharded_subpath_build.out_dir, sharded_subpath_build.config.base_path
    shard_of = {base + fragment["url"].lstrip("/"): bundle
                for bundle in bundles_in(out) for fragment in fragments_of(out / bundle)}
    requests: list[str] = []
    page = open_page(sharded_url + "search/")
    page.on("request", lambda request: requests.append(request.url))
    found = all_results_for(page, "Rutte")
    # Rutte is in articles and pages of several shards; each result comes from its own bundle
    assert len({shard_of[href] for href in found}) >= 2, found
    assert base + PERSON in found
    assert {urlsplit(url).path.split("/")[2] for url in requests if "/pagefind" in url} >= {shard_of[h] for h in found}
    # the same results as the site indexed in one bundle, under the same sub-path
    whole = open_page(subpath_url + "search/")
    assert sorted(found) == sorted(all_results_for(whole, "Rutte"))
    with page.expect_navigation():
        page.locator(f".pagefind-ui__result-link[href='{base + PERSON}']").click()
    assert page.locator("h1").inner_text() == "Mark Rutte"


@pytest.mark.browser
@needs_chromium
def test_without_javascript_the_search_page_links_to_the_indexes(open_page, site_url):
    page = open_page(site_url + "search/", java_script_enabled=False)
    note = page.locator(".search-without-js")
    assert note.is_visible() and "needs JavaScript" in note.inner_text()
    with page.expect_navigation():
        note.get_by_role("link", name="People").click()
    assert urlsplit(page.url).path == "/people/"


# --- pictures ------------------------------------------------------------------------------


@pytest.mark.browser
@needs_chromium
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path, charts", [("", ["chart-ranked"]), (PERSON, ["chart-timeline", "chart-ranked"])])
def test_the_pictures_render_in_both_themes_at_desktop_and_phone_width(open_page, site_url, path, charts, scheme):
    for width in (1280, 360):
        page = open_page(site_url + path, color_scheme=scheme, viewport={"width": width, "height": 800})
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        for chart in charts:
            svg = page.locator(f"svg.{chart}")
            svg.scroll_into_view_if_needed()
            assert svg.is_visible()
            box = svg.bounding_box()
            assert box["width"] > 150 and box["height"] > 50, (chart, width, box)
            assert box["x"] >= 0 and box["x"] + box["width"] <= width, "the picture runs off the screen"
            bar = svg.locator(".chart-bar").first
            bar_box = bar.bounding_box()
            assert bar_box["width"] > 0 and bar_box["height"] > 0
            fill = bar.evaluate("b => getComputedStyle(b).fill")
            text = svg.locator("text").first.evaluate("t => getComputedStyle(t).fill")
            assert fill not in ("none", background) and text not in ("none", background), (fill, text, background)
        assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.browser
@needs_chromium
def test_the_pictures_follow_the_theme(open_page, site_url):
    fills = {}
    for scheme in ("light", "dark"):
        page = open_page(site_url + PERSON, color_scheme=scheme)
        fills[scheme] = page.locator("svg.chart-timeline .chart-bar").first.evaluate("b => getComputedStyle(b).fill")
    assert fills["light"] != fills["dark"]


# --- the theme as a whole ----------------------------------------------------------------


@pytest.mark.browser
@needs_chromium
def test_under_a_sub_path_the_theme_loads_and_nothing_comes_from_other_hosts(open_page, subpath_url):
    requests: list[str] = []
    page = open_page(subpath_url + ARTICLE)
    page.on("request", lambda request: requests.append(request.url))
    page.reload()
    assert page.evaluate("document.documentElement.classList.contains('gloss-js')"), "gloss.js did not run"
    assert page.locator(".card").first.evaluate("c => getComputedStyle(c).position") == "absolute"
    assert any(url.endswith("/assets/gloss.css") for url in requests)
    outside = [url for url in requests if not url.startswith(subpath_url)]
    assert outside == []


AXE_PAGES = ["", ARTICLE, PERSON, TOPIC, "people/", "topics/", "search/"]


@pytest.mark.browser
@needs_chromium
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", AXE_PAGES)
def test_axe_finds_no_serious_or_critical_violation(open_page, site_url, path, scheme):
    from axe_playwright_python.sync_playwright import Axe
    page = open_page(site_url + path, color_scheme=scheme)
    if path == ARTICLE:
        focus_first_mention_with_tab(page)  # scan an open card too
    if path == "search/":
        search_for(page, "Rutte")  # scan the results too
    results = Axe().run(page)
    bad = [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
           for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert bad == []


# --- page weight (no browser needed) -----------------------------------------------------


class _Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and "stylesheet" in (attrs.get("rel") or "").split() and attrs.get("href"):
            self.urls.append(attrs["href"])
        elif tag == "script" and attrs.get("src"):
            self.urls.append(attrs["src"])


def test_css_and_js_per_page_weigh_at_most_50_kb(sample_build):
    """Every page but the search page stays in the budget; the search page may add Pagefind's
    UI (its own files, under pagefind/), and no other page loads any of Pagefind."""
    out, base_path = sample_build.out_dir, sample_build.config.base_path
    pages = sorted(out.rglob("*.html"))
    assert pages and (out / "search/index.html") in pages
    heaviest = (0, None)
    for html in pages:
        parser = _Assets()
        parser.feed(html.read_text(encoding="utf-8"))
        kinds = {Path(url).suffix for url in parser.urls}
        assert {".css", ".js"} <= kinds, f"{html}: theme assets not linked"
        total = 0
        for url in parser.urls:
            path = urlsplit(url).path
            assert path.startswith(base_path), f"{html}: {url} is not on this site"
            if path.startswith(base_path + "pagefind/"):
                assert html == out / "search/index.html", f"{html} loads {url}: only the search page may"
                continue
            total += (out / path[len(base_path):]).stat().st_size
        heaviest = max(heaviest, (total, html))
    assert heaviest[0] <= MAX_ASSET_BYTES, f"{heaviest[1]}: {heaviest[0]} bytes of CSS and JS"
