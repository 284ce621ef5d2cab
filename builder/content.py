"""content/*.md -> ArticleSource records: front matter checked, body kept with its line offset.

Every file is read and checked; the problems of all files are returned together, so one bad
article never hides another. A bad article is left out of the build and makes it fail.
"""
from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from slugify import slugify

from .cache import read_input
from .config import toml_diagnostic
from .errors import Diagnostic, display_path
from .markdown import MAX_NESTING, nesting_limit_line

#: Front-matter keys and the types they accept.
FIELDS: dict[str, tuple[type, ...]] = {
    "title": (str,),
    "date": (dt.date, dt.datetime, str),
    "author": (str, list),
    "summary": (str,),
    "tags": (list, str),
    "source": (str,),
    "url": (str,),
    "image": (str,),
    "draft": (bool,),
    "slug": (str,),
    "ignore_entities": (list,),
    "link_entities": (dict,),
}
#: What each key must be, in words, for messages.
EXPECTED = {
    "title": "a string", "date": "a date such as 2024-10-03", "author": "a string or a list of strings",
    "summary": "a string", "tags": "a string or a list of strings", "source": "a string",
    "url": "a string", "image": "a string", "draft": "true or false", "slug": "a string",
    "ignore_entities": "a list of names", "link_entities": 'a table of "phrase" = "entity name"',
}
#: An article larger than this is refused with a message: a news article is a few dozen kB,
#: and spaCy's memory grows with the text (about 1 GB for a few MB).
MAX_ARTICLE_BYTES = 2_000_000
#: A slug is used as it is in URLs and folder names: lowercase letters, digits, - and _.
_SLUG = re.compile(r"[a-z0-9][a-z0-9_-]*")
_FENCES = {"+++": "toml", "---": "yaml"}


@dataclass(frozen=True)
class ArticleSource:
    path: Path
    slug: str
    title: str
    date: dt.datetime
    body: str  # the Markdown after the front matter
    body_line: int  # the file line the body starts on (1-based)
    authors: tuple[str, ...] = ()
    summary: str = ""
    tags: tuple[str, ...] = ()
    source: str = ""
    url: str = ""
    image: str = ""
    draft: bool = False
    ignore_entities: tuple[str, ...] = ()  # names never annotated in this article
    link_entities: tuple[tuple[str, str], ...] = ()  # (phrase, entity name): always that entity


def split_front_matter(text: str, path: Path) -> tuple[str, str, int, int] | Diagnostic:
    """(format, front matter, its first line, body's first line) or a diagnostic."""
    lines = text.split("\n")
    fence = lines[0].strip() if lines else ""
    if fence not in _FENCES:
        return Diagnostic(path, 1, "no front matter found",
                          hint="start the file with +++ (TOML) or --- (YAML) and a title and date")
    for index in range(1, len(lines)):
        if lines[index].strip() == fence:
            return _FENCES[fence], "\n".join(lines[1:index]), 2, index + 2
    return Diagnostic(path, 1, f"front matter opened with {fence} is never closed",
                      hint=f"add a line with only {fence} after the front matter")


def _parse_front_matter(kind: str, raw: str, path: Path, first_line: int) -> dict | Diagnostic:
    if kind == "toml":
        try:
            return tomllib.loads(raw)
        except tomllib.TOMLDecodeError as exc:
            return toml_diagnostic(path, exc, first_line - 1, raw)
    import yaml  # here: most sites' front matter is TOML, and most builds parse none

    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + first_line if mark is not None else first_line
        problem = getattr(exc, "problem", None) or str(exc)
        return Diagnostic(path, line, f"invalid YAML: {problem}")
    if data is None:
        return {}
    if not isinstance(data, dict):
        return Diagnostic(path, first_line, "front matter must be a table of key = value pairs")
    return data


def _key_line(raw: str, key: str, first_line: int) -> int:
    for offset, line in enumerate(raw.split("\n")):
        if re.match(rf"\s*{re.escape(key)}\s*[=:]", line):
            return first_line + offset
    return first_line


def _as_datetime(value: Any) -> dt.datetime | None:
    """The date as a naive datetime. A time zone (2024-10-03T10:00:00+02:00) is dropped and the
    clock time kept as written: articles are sorted by date, and Python cannot compare a
    datetime with a time zone to one without."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    return None


def _strings(value: Any) -> tuple[str, ...] | None:
    if isinstance(value, str):
        return (value,) if value.strip() else ()
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(v.strip() for v in value if v.strip())
    return None


def read_article(path: Path, display: Path, data: bytes | None = None
                 ) -> tuple[ArticleSource | None, list[Diagnostic]]:
    """Read one article (whose bytes the caller may have read); `display` is the path used in
    messages."""
    problems: list[Diagnostic] = []
    if data is None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            return None, [Diagnostic(display, None, f"cannot be read: {exc.strerror}")]
    if len(data) > MAX_ARTICLE_BYTES:
        return None, [Diagnostic(display, None, f"is {len(data) // 1000} kB; articles are limited to "
                                                f"{MAX_ARTICLE_BYTES // 1000} kB")]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, [Diagnostic(display, line, f"is not UTF-8 text (byte 0x{data[exc.start]:02x})",
                                 hint="save the file as UTF-8")]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return None, [Diagnostic(display, 1, "is empty", hint="add front matter with a title and date")]
    split = split_front_matter(text, display)
    if isinstance(split, Diagnostic):
        return None, [split]
    kind, raw, first_line, body_line = split
    meta = _parse_front_matter(kind, raw, display, first_line)
    if isinstance(meta, Diagnostic):
        return None, [meta]

    wrong_type: set[str] = set()
    for key, value in meta.items():
        line = _key_line(raw, key, first_line)
        if key not in FIELDS:
            problems.append(Diagnostic(display, line, f"unknown front-matter key '{key}' is ignored",
                                       severity="warning"))
        elif (not isinstance(value, FIELDS[key]) or (isinstance(value, bool) and bool not in FIELDS[key])
              or (isinstance(value, list) and not all(isinstance(v, str) for v in value))
              or (isinstance(value, dict) and not all(isinstance(k, str) and isinstance(v, str) and k.strip()
                                                      and v.strip() for k, v in value.items()))):
            wrong_type.add(key)
            problems.append(Diagnostic(display, line, f"'{key}' must be {EXPECTED[key]}, "
                                                      f"not {_describe(value)}"))

    title = meta.get("title")
    if not isinstance(title, str) or not title.strip():
        if "title" not in meta:
            problems.append(Diagnostic(display, first_line, "missing title",
                                       hint='add title = "..." to the front matter'))
        elif isinstance(title, str):
            problems.append(Diagnostic(display, _key_line(raw, "title", first_line), "title is empty"))
    date = _as_datetime(meta.get("date"))
    if "date" not in meta:
        problems.append(Diagnostic(display, first_line, "missing date",
                                   hint="add date = 2024-10-03 to the front matter"))
    elif date is None and "date" not in wrong_type:
        problems.append(Diagnostic(display, _key_line(raw, "date", first_line),
                                   f"invalid date {meta['date']!r}", hint="use YYYY-MM-DD"))
    slug = meta.get("slug") if isinstance(meta.get("slug"), str) else path.stem
    if not _SLUG.fullmatch(slug):
        fixed = slugify(slug)
        if "slug" in meta:
            problems.append(Diagnostic(display, _key_line(raw, "slug", first_line),
                                       f"invalid slug {slug!r}",
                                       hint=f"use lowercase letters, digits, dashes and underscores, e.g. {fixed!r}"))
        slug = fixed or "article"
    for key in ("url", "image"):
        value = meta.get(key)
        if isinstance(value, str) and _unsafe_link(value):
            # these become href/src attributes: escaping does not stop javascript: there
            problems.append(Diagnostic(display, _key_line(raw, key, first_line),
                                       f"'{key}' must be an http:// or https:// address" +
                                       (" or a path" if key == "image" else "") + f", not {value!r}"))
    nesting_line = nesting_limit_line(_body(text, body_line))
    if nesting_line is not None:
        # an error, not a warning: past the limit markdown-it drops the text, and inside a
        # list item everything to the end of the article with it
        problems.append(Diagnostic(display, body_line + nesting_line,
                                   f"Markdown nested more than {MAX_NESTING} levels deep",
                                   hint="use fewer levels of > or of list indentation"))
    authors = _strings(meta.get("author", ()))
    tags = _strings(meta.get("tags", ()))
    if any(p.is_error for p in problems):
        return None, problems
    return ArticleSource(
        path=display, slug=slug, title=title.strip(), date=date, body=_body(text, body_line),
        body_line=body_line,
        authors=authors or (), summary=str(meta.get("summary", "")).strip(), tags=tags or (),
        source=str(meta.get("source", "")), url=str(meta.get("url", "")),
        image=str(meta.get("image", "")), draft=bool(meta.get("draft", False)),
        ignore_entities=_strings(meta.get("ignore_entities", ())) or (),
        link_entities=tuple(sorted((k.strip(), v.strip()) for k, v in meta.get("link_entities", {}).items())),
    ), problems


def _body(text: str, body_line: int) -> str:
    """The text from file line `body_line` on ("" when the front matter ends the file)."""
    parts = text.split("\n", body_line - 1)
    return parts[-1] if len(parts) == body_line else ""


def _unsafe_link(value: str) -> bool:
    """True for a link with a scheme other than http(s) (javascript:, data:, ...)."""
    # browsers drop tabs, newlines and control characters in a URL: "java\tscript:" counts
    scheme = re.match(r"([A-Za-z][A-Za-z0-9+.\-]*):", re.sub(r"[\x00-\x20]", "", value))
    return bool(scheme) and scheme.group(1).lower() not in ("http", "https")


def _describe(value: Any) -> str:
    shown = repr(value)
    return f"{type(value).__name__} {shown if len(shown) <= 40 else shown[:37] + '...'}"


#: {file: (its bytes, its display path, what read_article made of them)}: kept by a process
#: that builds more than once (the preview server), so an unchanged file is not parsed again.
ReadMemo = dict[Path, tuple[bytes, Path, tuple[ArticleSource | None, list[Diagnostic]]]]


def read_articles(content_dir: Path, root: Path, include_drafts: bool, memo: ReadMemo | None = None
                  ) -> tuple[list[ArticleSource], list[Diagnostic]]:
    """Every article under content/, in a stable order, and every problem found. With a `memo`
    (updated in place), a file whose bytes are those it was read with last time is not parsed."""
    if not content_dir.is_dir():
        return [], [Diagnostic(content_dir, None, "no content/ folder",
                               hint="put your articles in content/*.md")]
    articles: list[ArticleSource] = []
    problems: list[Diagnostic] = []
    seen: dict[str, Path] = {}
    kept: ReadMemo = {}
    for path in sorted(content_dir.rglob("*.md")):
        data, last = None, None
        try:
            data = read_input(path)  # the "nothing changed" check may have read it already
            last = memo.get(path) if memo is not None else None
        except OSError:
            pass  # read_article reports it
        if last is not None and last[0] == data:
            _, display, (article, found) = kept[path] = last
        else:
            # as the user can open it from where they ran the build, like site.toml's path
            display = display_path(path)
            article, found = read_article(path, display, data)
            if data is not None:
                kept[path] = (data, display, (article, found))
        problems += found
        if article is None:
            continue
        if article.slug in seen:
            problems.append(Diagnostic(display, 1, f"slug '{article.slug}' is already used by {seen[article.slug]}",
                                       hint="rename the file or set a different slug"))
            continue
        seen[article.slug] = display
        if article.draft and not include_drafts:
            continue
        articles.append(article)
    if memo is not None:
        memo.clear()
        memo.update(kept)
    return articles, problems
