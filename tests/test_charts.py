"""The build-time pictures (builder/charts.py): parsed back with an XML parser, so the tests read
what a browser would draw: how many bars, how tall, which labels, which links."""
from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest

from builder import charts
from builder.charts import Period, RankedBar, count_by_bucket, period_between, ranked_bars_svg, timeline_svg

SVG = "{http://www.w3.org/2000/svg}"
D = dt.date


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # raises on anything that is not well-formed XML
    assert root.tag == SVG + "svg"
    return root


def bars(root: ET.Element) -> list[ET.Element]:
    return [rect for rect in root.iter(SVG + "rect") if "chart-bar" in rect.get("class", "").split()]


def texts(root: ET.Element, css_class: str) -> list[str]:
    return [t.text for t in root.iter(SVG + "text") if css_class in t.get("class", "").split()]


# --- periods -----------------------------------------------------------------------------


@pytest.mark.parametrize("first, last, unit, buckets", [
    (D(2024, 10, 1), D(2024, 10, 16), "day", 16),
    (D(2024, 7, 2), D(2024, 10, 16), "week", 16),   # Mon 1 Jul .. Mon 14 Oct
    (D(2016, 1, 15), D(2016, 11, 30), "month", 11),
    (D(2010, 3, 1), D(2024, 10, 16), "year", 15),
])
def test_the_period_is_as_fine_as_keeps_the_bars_readable(first, last, unit, buckets):
    period = period_between(first, last)
    assert period.unit == unit
    assert len(period.starts) == buckets
    assert period.starts[0] <= first and period.bucket_of(last) == buckets - 1
    assert list(period.starts) == sorted(set(period.starts))


def test_weeks_start_on_monday_and_months_on_the_first():
    weeks = period_between(D(2024, 7, 3), D(2024, 10, 16))
    assert all(start.weekday() == 0 for start in weeks.starts)
    months = period_between(D(2016, 1, 15), D(2016, 11, 30))
    assert months.starts[:3] == (D(2016, 1, 1), D(2016, 2, 1), D(2016, 3, 1))


def test_dates_are_counted_in_their_bucket_and_dates_outside_are_left_out():
    period = Period("month", (D(2024, 1, 1), D(2024, 2, 1), D(2024, 3, 1)))
    dates = [D(2024, 1, 31), dt.datetime(2024, 2, 1, 9, 30), D(2024, 2, 29), D(2024, 3, 31),
             D(2023, 12, 31), D(2024, 4, 1)]
    assert count_by_bucket(dates, period) == [1, 2, 1]


# --- timeline ----------------------------------------------------------------------------


def test_timeline_has_a_bar_per_non_empty_bucket_with_heights_proportional_to_counts():
    period = Period("month", tuple(D(2024, m, 1) for m in range(1, 7)))
    root = parse(timeline_svg(period, [4, 0, 1, 2, 0, 3], "Articles mentioning Ada"))
    drawn = bars(root)
    assert [int(b.get("data-count")) for b in drawn] == [4, 1, 2, 3]
    heights = [float(b.get("height")) for b in drawn]
    for bar, height in zip(drawn, heights):
        assert height / heights[0] == pytest.approx(int(bar.get("data-count")) / 4, abs=0.01)
    # all bars stand on one baseline, left to right in time order
    assert len({round(float(b.get("y")) + float(b.get("height")), 1) for b in drawn}) == 1
    xs = [float(b.get("x")) for b in drawn]
    assert xs == sorted(xs)
    assert texts(root, "chart-tick")[0] == "Jan 2024" and texts(root, "chart-tick")[-1] == "Jun 2024"
    assert "4" in texts(root, "chart-axis")  # the top of the scale


def test_the_timeline_describes_its_data_for_screen_readers():
    period = Period("week", (D(2024, 9, 23), D(2024, 9, 30), D(2024, 10, 7)))
    root = parse(timeline_svg(period, [1, 3, 0], "Articles mentioning Ada"))
    assert root.get("role") == "img"
    label = root.get("aria-label")
    assert label == root.find(SVG + "title").text
    assert "Articles mentioning Ada" in label and "4 articles" in label
    assert "the most, 3, in the week of 30 Sep 2024" in label
    assert [b.find(SVG + "title").text for b in bars(root)] == [
        "the week of 23 Sep 2024: 1 article", "the week of 30 Sep 2024: 3 articles"]


def test_the_timeline_scales_with_its_container_and_uses_the_theme_colours():
    period = period_between(D(2024, 1, 1), D(2024, 1, 5))
    svg = timeline_svg(period, [1, 0, 0, 2, 1], "x")
    root = parse(svg)
    assert root.get("viewBox") and root.get("width") is None and root.get("height") is None
    assert "#" not in svg.replace("&#", ""), "a hard-coded colour"
    assert root.get("fill") == "currentColor"


def test_a_hostile_name_is_escaped_in_the_timeline():
    name = '</title><script>alert("x")</script> & "Ada"'
    svg = timeline_svg(Period("day", (D(2024, 1, 1),)), [1], f"Articles mentioning {name}")
    root = parse(svg)
    assert "<script" not in svg
    assert name in root.find(SVG + "title").text and name in root.get("aria-label")


def test_the_timeline_refuses_counts_that_do_not_match_the_period():
    with pytest.raises(ValueError):
        timeline_svg(Period("day", (D(2024, 1, 1),)), [1, 2], "x")


# --- ranked bars -------------------------------------------------------------------------


def test_ranked_bars_link_each_name_with_lengths_proportional_to_counts():
    rows = [RankedBar("Ada Lovelace", 6, "/people/ada/", "person"), RankedBar("NATO", 3, "/topics/nato/", "organisation"),
            RankedBar("Kyiv", 1, "/topics/kyiv/", "place")]
    root = parse(ranked_bars_svg(rows, "Often mentioned with Bob"))
    links = list(root.iter(SVG + "a"))
    assert [a.get("href") for a in links] == ["/people/ada/", "/topics/nato/", "/topics/kyiv/"]
    assert texts(root, "chart-label") == ["Ada Lovelace", "NATO", "Kyiv"]
    widths = [float(b.get("width")) for b in bars(root)]
    assert widths[1] / widths[0] == pytest.approx(0.5, abs=0.01)
    assert widths[2] / widths[0] == pytest.approx(1 / 6, abs=0.01)
    assert [b.get("class") for b in bars(root)] == [
        "chart-bar chart-bar--person", "chart-bar chart-bar--organisation", "chart-bar chart-bar--place"]
    assert [a.get("aria-label") for a in links][0] == "Ada Lovelace, 6 articles"
    assert root.get("aria-label") == ("Often mentioned with Bob: Ada Lovelace, 6 articles; NATO, 3 articles; "
                                      "Kyiv, 1 article.")
    rows_y = [float(b.get("y")) for b in bars(root)]
    assert rows_y == sorted(rows_y) and len(set(rows_y)) == 3, "rows overlap"


def test_ranked_bars_escape_hostile_names_and_links():
    name = '<img src=x onerror="a()"> & Co'
    href = '/people/x/" onmouseover="alert(1)'
    svg = ranked_bars_svg([RankedBar(name, 2, href)], "Ranked")
    root = parse(svg)
    link = root.find(SVG + "a")
    assert link.get("href") == href and "onmouseover" not in link.attrib
    assert texts(root, "chart-label") == [name]
    assert "<img" not in svg


def test_long_names_are_shortened_on_the_bar_but_whole_in_the_description():
    name = "The International Bank for Reconstruction and Development"
    root = parse(ranked_bars_svg([RankedBar(name, 1, "/t/")], "Ranked"))
    label = texts(root, "chart-label")[0]
    assert label.endswith("…") and len(label) <= charts.LABEL_CHARS
    assert name in root.find(SVG + "a").get("aria-label")


def test_no_bars_still_make_a_valid_picture():
    root = parse(ranked_bars_svg([], "Ranked"))
    assert bars(root) == [] and root.get("aria-label") == "Ranked: none."


# --- on the built sample site ------------------------------------------------------------


def _svgs(html_path, css_class: str) -> list[ET.Element]:
    from bs4 import BeautifulSoup
    soup = BeautifulSoup(html_path.read_text(encoding="utf-8"), "html.parser")
    return [parse(str(svg)) for svg in soup.select(f"svg.{css_class}")]


def test_a_person_page_shows_their_articles_over_time(sample_build):
    page = sample_build.index.entities["mark-rutte"]
    [timeline] = _svgs(sample_build.out_dir / "people/mark-rutte/index.html", "chart-timeline")
    drawn = bars(timeline)
    assert sum(int(b.get("data-count")) for b in drawn) == len(page.appearances)
    weeks = {a.article.source.date.date().isocalendar()[:2] for a in page.appearances}
    assert len(drawn) == len(weeks)
    assert "Articles mentioning Mark Rutte" in timeline.get("aria-label")


def test_an_entity_in_one_article_has_no_timeline(sample_build):
    single = next(p for p in sample_build.index.entities.values() if len(p.appearances) == 1)
    path = sample_build.out_dir / ("people" if single.entity.is_person else "topics") / single.entity.id / "index.html"
    assert _svgs(path, "chart-timeline") == []


def test_often_mentioned_with_is_ranked_bars_linking_to_each_page(sample_build):
    page = sample_build.index.entities["mark-rutte"]
    [ranked] = _svgs(sample_build.out_dir / "people/mark-rutte/index.html", "chart-ranked")
    links = list(ranked.iter(SVG + "a"))
    expected = page.related[:charts.RELATED_BARS]
    assert [a.get("href") for a in links] == [
        f"/{'people' if e.is_person else 'topics'}/{e.id}/" for e, _ in expected]
    assert [int(b.get("data-count")) for b in bars(ranked)] == [n for _, n in expected]
    for link in links:
        assert (sample_build.out_dir / link.get("href").strip("/") / "index.html").is_file()


def test_the_home_page_shows_who_is_in_the_news_in_the_30_days_to_the_newest_article(sample_build):
    index = sample_build.index
    newest = max(a.source.date.date() for a in index.articles)
    window = {a.slug for a in index.articles if 0 <= (newest - a.source.date.date()).days < 30}
    assert 0 < len(window) < len(index.articles), "the sample should have articles outside the window"
    in_window = {p.entity.id: sum(a.article.slug in window for a in p.appearances)
                 for p in index.entities.values() if p.entity.is_person}
    [ranked] = _svgs(sample_build.out_dir / "index.html", "chart-ranked")
    shown = {a.get("href").split("/")[2]: int(a.find(SVG + "rect").get("data-count")) for a in ranked.iter(SVG + "a")}
    assert shown and all(in_window[e] == n for e, n in shown.items())
    left_out = [n for e, n in in_window.items() if e not in shown]
    assert max(left_out, default=0) <= min(shown.values())
    assert all(n > 0 for n in shown.values()), "someone only in older articles is shown"
    assert f"{newest.day} {newest:%B %Y}" in ranked.get("aria-label")
