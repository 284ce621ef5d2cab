"""Editorial overrides: `data/entities.toml`, where editors correct what the NLP got wrong.

    ignore = ["Alliance"]                 # never annotate these names

    [[entity]]
    name = "Volodymyr Zelenskyy"          # the name the page shows
    aliases = ["Zelensky", "Zelenskiy"]   # other spellings that are this entity
    kind = "person"                       # fix the kind (any entity kind)
    description = "President of Ukraine since 2019."
    image = "images/zelenskyy.jpg"        # a site path or an https URL
    links = { Wikipedia = "https://en.wikipedia.org/wiki/Volodymyr_Zelenskyy" }

A name or alias listed under an entity always means that entity: that is how two spellings
are merged, and how two people the automatic merging confused are kept apart (give each its
own [[entity]] with its own full name).
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from .config import ENTITY_KINDS, toml_diagnostic
from .errors import Diagnostic

OVERRIDES_PATH = Path("data") / "entities.toml"
ENTITY_KEYS = {"name", "aliases", "kind", "description", "image", "links"}


@dataclass(frozen=True)
class EntityOverride:
    name: str
    aliases: tuple[str, ...] = ()
    kind: str | None = None
    description: str = ""
    image: str = ""
    links: tuple[tuple[str, str], ...] = ()  # (label, https URL)


@dataclass(frozen=True)
class Overrides:
    entities: tuple[EntityOverride, ...] = ()
    ignore: tuple[str, ...] = ()


def _safe_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _entry_line(source: str, number: int) -> int | None:
    """The line of the number-th (1-based) [[entity]] header."""
    seen = 0
    for line_number, line in enumerate(source.splitlines(), 1):
        if line.strip().startswith("[[entity]]"):
            seen += 1
            if seen == number:
                return line_number
    return None


def load_overrides(root: Path) -> tuple[Overrides, list[Diagnostic]]:
    path = root / OVERRIDES_PATH
    if not path.is_file():
        return Overrides(), []
    display = OVERRIDES_PATH
    try:
        source = path.read_text(encoding="utf-8")
        data = tomllib.loads(source)
    except UnicodeDecodeError:
        return Overrides(), [Diagnostic(display, None, "is not UTF-8 text")]
    except tomllib.TOMLDecodeError as exc:
        return Overrides(), [toml_diagnostic(display, exc, 0)]
    problems: list[Diagnostic] = []
    for key in data:
        if key not in ("ignore", "entity"):
            problems.append(Diagnostic(display, None, f"unknown key '{key}' is ignored", severity="warning"))
    ignore = data.get("ignore", [])
    if not isinstance(ignore, list) or not all(isinstance(v, str) for v in ignore):
        problems.append(Diagnostic(display, None, "'ignore' must be a list of names"))
        ignore = []
    entries = data.get("entity", [])
    if not isinstance(entries, list):
        problems.append(Diagnostic(display, None, "'entity' must be a list of [[entity]] tables"))
        entries = []
    overrides: list[EntityOverride] = []
    for number, entry in enumerate(entries, 1):
        line = _entry_line(source, number)
        where = f"[[entity]] #{number}"
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            problems.append(Diagnostic(display, line, f"{where} needs a name"))
            continue
        for key in entry:
            if key not in ENTITY_KEYS:
                problems.append(Diagnostic(display, line, f"unknown key '{key}' in {name!r} is ignored",
                                           severity="warning"))
        aliases = entry.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            problems.append(Diagnostic(display, line, f"{name!r}: aliases must be a list of names"))
            aliases = []
        kind = entry.get("kind")
        if kind is not None and kind not in ENTITY_KINDS:
            problems.append(Diagnostic(display, line, f"{name!r}: unknown kind {kind!r}",
                                       hint="one of " + ", ".join(ENTITY_KINDS)))
            kind = None
        links = entry.get("links", {})
        good_links = []
        if not isinstance(links, dict):
            problems.append(Diagnostic(display, line, f"{name!r}: links must be a table of label = URL"))
            links = {}
        for label, url in links.items():
            if isinstance(url, str) and _safe_url(url):
                good_links.append((label, url))
            else:
                problems.append(Diagnostic(display, line, f"{name!r}: link {label!r} must be an http(s) URL"))
        image = entry.get("image", "")
        if not isinstance(image, str) or (":" in image and not _safe_url(image)):
            problems.append(Diagnostic(display, line, f"{name!r}: image must be a site path or an http(s) URL"))
            image = ""
        description = entry.get("description", "")
        if not isinstance(description, str):
            problems.append(Diagnostic(display, line, f"{name!r}: description must be a string"))
            description = ""
        overrides.append(EntityOverride(name.strip(), tuple(a.strip() for a in aliases if a.strip()), kind,
                                        description.strip(), image.strip(), tuple(good_links)))
    return Overrides(tuple(overrides), tuple(ignore)), problems
