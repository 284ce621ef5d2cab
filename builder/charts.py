"""Pictures drawn at build time: inline SVG that needs no JavaScript to be seen.

Two kinds of picture, each a pure function from plain numbers to an SVG string:

- `timeline_svg`: vertical bars, one per day, week, month or year, of the articles that mention
  an entity. Every entity's timeline uses the same `Period` (the site's first to last article),
  so two timelines can be compared at a glance.
- `ranked_bars_svg`: horizontal bars, longest first, each a link to an entity's page: who is
  mentioned alongside someone, who is in the news.

The functions that pick the numbers from the site's index (`entity_timeline`,
`related_bars`, `in_the_news`) are pure too, and use the articles' dates only, never the
clock, so a build is reproducible.

Colours come from the theme's CSS variables through classes (`chart-bar--person`), with
`currentColor` as the fallback, so the pictures follow the light and dark themes. Every text
is escaped; the accessible description says what the bars say.
"""
from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from dataclasses import dataclass
from html import escape
from typing import Callable, Sequence

from .index import EntityPage, SiteIndex
from .records import Entity

#: Longest span drawn day by day, week by week, month by month; longer spans go by year.
DAYS_LIMIT = 31
WEEKS_LIMIT = 26 * 7
MONTHS_LIMIT = 5 * 366
#: "In the news": the period before the newest article, and how many people are shown.
NEWS_DAYS = 30
NEWS_LIMIT = 8
RELATED_BARS = 8
#: Names longer than this are shortened on the bar (the full name is in its description).
LABEL_CHARS = 34


# --- periods -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """Consecutive buckets of time, each starting on the date in `starts`."""

    unit: str  # "day", "week", "month" or "year"
    starts: tuple[dt.date, ...]

    def bucket_of(self, day: dt.date) -> int | None:
        index = bisect_right(self.starts, day) - 1
        if index < 0 or day >= _step(self.starts[index], self.unit):
            return None
        return index

    def label(self, index: int) -> str:
        """How a bucket is named on the axis and in descriptions."""
        start = self.starts[index]
        if self.unit == "year":
            return str(start.year)
        if self.unit == "month":
            return f"{start:%b} {start.year}"
        return f"{start.day} {start:%b} {start.year}"

    def describe(self, index: int) -> str:
        """A bucket in a sentence: "the week of 30 Sep 2024", "Oct 2024"."""
        return f"the week of {self.label(index)}" if self.unit == "week" else self.label(index)


def _as_date(value: dt.date | dt.datetime) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _floor(day: dt.date, unit: str) -> dt.date:
    if unit == "week":
        return day - dt.timedelta(days=day.weekday())  # weeks start on Monday (ISO)
    if unit == "month":
        return day.replace(day=1)
    if unit == "year":
        return day.replace(month=1, day=1)
    return day


def _step(start: dt.date, unit: str) -> dt.date:
    if unit == "day":
        return start + dt.timedelta(days=1)
    if unit == "week":
        return start + dt.timedelta(days=7)
    if unit == "month":
        return (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return start.replace(year=start.year + 1)


def period_between(first: dt.date | dt.datetime, last: dt.date | dt.datetime) -> Period:
    """Buckets from `first` to `last`, as fine as keeps their number readable."""
    first, last = sorted((_as_date(first), _as_date(last)))
    span = (last - first).days
    unit = ("day" if span <= DAYS_LIMIT else "week" if span <= WEEKS_LIMIT
            else "month" if span <= MONTHS_LIMIT else "year")
    starts = [_floor(first, unit)]
    while _step(starts[-1], unit) <= last:
        starts.append(_step(starts[-1], unit))
    return Period(unit, tuple(starts))


def site_period(index: SiteIndex) -> Period | None:
    """The period every timeline of the site is drawn over; None for a site with no articles."""
    if not index.articles:
        return None
    dates = [a.source.date for a in index.articles]
    return period_between(min(dates), max(dates))


def count_by_bucket(dates: Sequence[dt.date | dt.datetime], period: Period) -> list[int]:
    counts = [0] * len(period.starts)
    for day in dates:
        bucket = period.bucket_of(_as_date(day))
        if bucket is not None:
            counts[bucket] += 1
    return counts


# --- SVG helpers -------------------------------------------------------------------------


def _text(value: str) -> str:
    return escape(value, quote=False)


def _attr(value: str) -> str:
    return escape(value, quote=True)


def _num(value: float) -> str:
    """Coordinates with at most one decimal, so the markup stays small."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _shorten(name: str, limit: int = LABEL_CHARS) -> str:
    return name if len(name) <= limit else name[:limit - 1].rstrip() + "…"


# --- timeline ----------------------------------------------------------------------------

TIMELINE_WIDTH, TIMELINE_HEIGHT = 400, 150
_LEFT, _RIGHT, _TOP, _BOTTOM = 26, 6, 10, 22
_TICKS = 4


def timeline_svg(period: Period, counts: Sequence[int], subject: str, noun: str = "article") -> str:
    """Bars of `counts` (one per bucket of `period`), heights proportional to the counts, with
    the dates below and the largest count on the left. `subject` names what is counted:
    "Articles mentioning Mark Rutte"."""
    if len(counts) != len(period.starts):
        raise ValueError("one count per bucket")
    width, height = TIMELINE_WIDTH, TIMELINE_HEIGHT
    plot_w, plot_h = width - _LEFT - _RIGHT, height - _TOP - _BOTTOM
    baseline = _TOP + plot_h
    top = max(counts, default=0) or 1
    slot = plot_w / len(counts)
    gap = min(slot * 0.2, 4) if slot > 3 else 0
    parts = [f'<svg class="chart chart-timeline" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="{_attr(_timeline_summary(period, counts, subject, noun))}" '
             f'xmlns="http://www.w3.org/2000/svg" fill="currentColor">',
             f'<title>{_text(_timeline_summary(period, counts, subject, noun))}</title>',
             f'<line class="chart-grid" x1="{_LEFT}" x2="{width - _RIGHT}" y1="{_TOP}" y2="{_TOP}" '
             f'stroke="currentColor" stroke-opacity=".25" stroke-dasharray="2 3"/>',
             f'<text class="chart-axis" x="{_LEFT - 5}" y="{_TOP + 4}" text-anchor="end">{top}</text>',
             f'<text class="chart-axis" x="{_LEFT - 5}" y="{baseline}" text-anchor="end">0</text>']
    for index, count in enumerate(counts):
        if count == 0:
            continue
        bar_h = plot_h * count / top
        parts.append(
            f'<rect class="chart-bar" x="{_num(_LEFT + index * slot + gap / 2)}" y="{_num(baseline - bar_h)}" '
            f'width="{_num(slot - gap)}" height="{_num(bar_h)}" data-count="{count}">'
            f'<title>{_text(period.describe(index))}: {_plural(count, noun)}</title></rect>')
    parts.append(f'<line class="chart-baseline" x1="{_LEFT}" x2="{width - _RIGHT}" y1="{baseline}" '
                 f'y2="{baseline}" stroke="currentColor" stroke-opacity=".6"/>')
    for index in _tick_indices(len(counts)):
        x = _LEFT + (index + 0.5) * slot
        anchor = "middle"
        if index == 0 and len(counts) > 1:
            anchor, x = "start", _LEFT
        elif index == len(counts) - 1 and len(counts) > 1:
            anchor, x = "end", width - _RIGHT
        parts.append(f'<text class="chart-axis chart-tick" x="{_num(x)}" y="{height - 6}" '
                     f'text-anchor="{anchor}">{_text(period.label(index))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _tick_indices(n: int) -> list[int]:
    """First, last and evenly spaced buckets between, at most `_TICKS` of them."""
    if n <= _TICKS:
        return list(range(n)) if n <= 2 else [0, n - 1]
    return sorted({round(i * (n - 1) / (_TICKS - 1)) for i in range(_TICKS)})


def _timeline_summary(period: Period, counts: Sequence[int], subject: str, noun: str) -> str:
    total = sum(counts)
    text = (f"{subject}, by {period.unit}, from {period.label(0)} to {period.label(len(counts) - 1)}: "
            f"{_plural(total, noun)}")
    if total:
        busiest = max(range(len(counts)), key=lambda i: (counts[i], -i))
        text += f"; the most, {counts[busiest]}, in {period.describe(busiest)}"
    return text + "."


# --- ranked bars -------------------------------------------------------------------------


@dataclass(frozen=True)
class RankedBar:
    label: str
    value: int
    href: str
    kind: str = ""  # an entity kind: colours the bar


RANKED_WIDTH = 260
_ROW = 34


def ranked_bars_svg(bars: Sequence[RankedBar], description: str, noun: str = "article") -> str:
    """One row per bar, in the given order: the name, a bar as long as its value relative to the
    largest, and the value. Each row links to `href`. `description` says what is ranked."""
    width = RANKED_WIDTH
    height = max(1, len(bars)) * _ROW
    count_w = 28
    top = max((bar.value for bar in bars), default=0) or 1
    listing = "; ".join(f"{bar.label}, {_plural(bar.value, noun)}" for bar in bars)
    summary = f"{description}: {listing}." if bars else f"{description}: none."
    parts = [f'<svg class="chart chart-ranked" viewBox="0 0 {width} {height}" role="group" '
             f'aria-label="{_attr(summary)}" xmlns="http://www.w3.org/2000/svg" fill="currentColor">']
    for row, bar in enumerate(bars):
        y = row * _ROW
        bar_w = max(2.0, (width - count_w) * bar.value / top)
        kind = f" chart-bar--{_attr(bar.kind)}" if bar.kind else ""
        parts.append(
            f'<a href="{_attr(bar.href)}" aria-label="{_attr(bar.label)}, {_plural(bar.value, noun)}">'
            f'<title>{_text(bar.label)}: {_plural(bar.value, noun)}</title>'
            f'<text class="chart-label" x="0" y="{y + 13}">{_text(_shorten(bar.label))}</text>'
            f'<rect class="chart-bar{kind}" x="0" y="{y + 18}" width="{_num(bar_w)}" height="10" rx="2" '
            f'data-count="{bar.value}"/>'
            f'<text class="chart-axis" x="{_num(bar_w + 5)}" y="{y + 27}">{bar.value}</text></a>')
    parts.append("</svg>")
    return "".join(parts)


# --- from the index to the pictures ------------------------------------------------------


def entity_timeline(page: EntityPage, period: Period) -> str:
    dates = [appearance.article.source.date for appearance in page.appearances]
    return timeline_svg(period, count_by_bucket(dates, period), f"Articles mentioning {page.entity.name}")


def related_bars(page: EntityPage, entity_url: Callable[[Entity], str], limit: int = RELATED_BARS) -> str:
    bars = [RankedBar(other.name, shared, entity_url(other), other.kind) for other, shared in page.related[:limit]]
    return ranked_bars_svg(bars, f"Most often mentioned with {page.entity.name}, by articles together")


@dataclass(frozen=True)
class InTheNews:
    """The people most mentioned in the `days` up to the newest article (not up to today: the
    same content always gives the same page)."""

    first: dt.date
    last: dt.date
    days: int
    people: tuple[tuple[EntityPage, int, int], ...]  # (page, articles in the period, mentions)


def in_the_news(index: SiteIndex, days: int = NEWS_DAYS, limit: int = NEWS_LIMIT) -> InTheNews | None:
    if not index.articles:
        return None
    last = max(_as_date(a.source.date) for a in index.articles)
    first = last - dt.timedelta(days=days - 1)
    counts: dict[str, list[int]] = {}
    for article in index.articles:
        if not first <= _as_date(article.source.date) <= last:
            continue
        mentions: dict[str, int] = {}
        for mention in article.entities.mentions:
            mentions[mention.entity_id] = mentions.get(mention.entity_id, 0) + 1
        for quote in article.entities.quotes:
            if quote.speaker_id:
                mentions.setdefault(quote.speaker_id, 0)
        for entity_id, n in mentions.items():
            page = index.entities.get(entity_id)
            if page is not None and page.entity.is_person:
                row = counts.setdefault(entity_id, [0, 0])
                row[0] += 1
                row[1] += n
    ranked = sorted(counts.items(), key=lambda item: (-item[1][0], -item[1][1], item[0]))[:limit]
    return InTheNews(first, last, days, tuple((index.entities[e], a, m) for e, (a, m) in ranked))


def in_the_news_bars(news: InTheNews, entity_url: Callable[[Entity], str]) -> str:
    bars = [RankedBar(page.entity.name, articles, entity_url(page.entity), page.entity.kind)
            for page, articles, _ in news.people]
    return ranked_bars_svg(bars, f"People in the most articles from {news.first.day} {news.first:%B %Y} "
                                 f"to {news.last.day} {news.last:%B %Y}")
