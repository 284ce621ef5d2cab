"""site.toml -> SiteConfig: every mistake named with its key and line, all of them at once."""
from __future__ import annotations

from pathlib import Path

import pytest

from builder.config import NlpConfig, load_config, with_base_url
from builder.errors import UserError


@pytest.fixture
def site(tmp_path, monkeypatch):
    """Write site.toml into a fresh site folder, run from inside it (messages say site.toml)."""
    monkeypatch.chdir(tmp_path)

    def write(text: str | bytes) -> Path:
        data = text.encode("utf-8") if isinstance(text, str) else text
        (tmp_path / "site.toml").write_bytes(data)
        return Path(".")
    return write


def errors_of(root: Path) -> list[str]:
    with pytest.raises(UserError) as caught:
        load_config(root)
    return [str(d) for d in caught.value.diagnostics]


def test_a_minimal_site_gets_the_defaults(site):
    config, warnings = load_config(site('title = "News"\n'))
    assert warnings == []
    assert (config.title, config.base_url, config.language, config.per_page) == ("News", "/", "en", 10)
    assert config.nlp == NlpConfig()
    assert config.base_path == "/"


def test_every_key_is_read(site):
    config, warnings = load_config(site(
        'title = "News"\nbase_url = "https://user.github.io/repo"\nlanguage = "nl"\n'
        'description = "D"\nauthor = "A"\nper_page = 3\ncname = "news.example.org"\n'
        '[nlp]\nmodel = "en_core_web_sm"\nentity_pages = ["person", "place"]\nprocesses = 2\n'))
    assert warnings == []
    assert config.base_path == "/repo/"
    assert config.absolute_base == "https://user.github.io/repo/"
    assert (config.language, config.description, config.author, config.per_page, config.cname) == (
        "nl", "D", "A", 3, "news.example.org")
    assert config.nlp == NlpConfig("en_core_web_sm", ("person", "place"), 2)


def test_unknown_key_is_a_warning_naming_it_and_the_site_still_loads(site):
    config, warnings = load_config(site('title = "News"\ncolour = "red"\n[nlp]\nspeed = 3\n'))
    assert config.title == "News"
    assert [str(w) for w in warnings] == [
        "site.toml:2: warning: unknown key 'colour' is ignored",
        "site.toml:4: warning: unknown key 'nlp.speed' is ignored",
    ]


@pytest.mark.parametrize("line, message", [
    ('per_page = "ten"', "'per_page' must be an integer, not str 'ten'"),
    ("per_page = true", "'per_page' must be an integer, not bool True"),
    ("per_page = 0", "'per_page' must be at least 1"),
    ("language = 3", "'language' must be a string, not int 3"),
    ('cname = "https://news.example.org/"', "'cname' must be a bare domain name such as news.example.org"),
])
def test_wrong_type_names_the_key_and_its_line(site, line, message):
    assert errors_of(site(f'title = "News"\n\n{line}\n')) == [f"site.toml:3: {message}"]


@pytest.mark.parametrize("line, message", [
    ("processes = -1", "'nlp.processes' must be 0 (one per core) or more"),
    ('entity_pages = "person"', "'nlp.entity_pages' must be a list, not str 'person'"),
    ("entity_pages = [1]", "'nlp.entity_pages' must be a list of strings"),
    ('entity_pages = ["people"]', "'nlp.entity_pages' unknown kind 'people'; kinds are person, "
                                  "organisation, place, group, event, law, work, product, language, subject"),
])
def test_wrong_values_in_the_nlp_table(site, line, message):
    assert errors_of(site(f'title = "News"\n[nlp]\n{line}\n')) == [f"site.toml:3: {message}"]


def test_nlp_that_is_not_a_table(site):
    assert errors_of(site('title = "News"\nnlp = "fast"\n')) == ["site.toml:2: 'nlp' must be a table"]


def test_missing_title(site):
    assert errors_of(site('description = "D"\n')) == [
        "site.toml: 'title' is required (add a line such as title = \"...\")"]


def test_blank_title(site):
    assert errors_of(site('title = " "\n')) == ["site.toml:1: 'title' must not be empty"]


def test_several_problems_are_all_reported_with_the_warnings(site):
    problems = errors_of(site('per_page = "ten"\ncolour = 1\nbase_url = "example.org"\n'
                              '[nlp]\nprocesses = "many"\n'))
    assert problems == [
        "site.toml:1: 'per_page' must be an integer, not str 'ten'",
        "site.toml:2: warning: unknown key 'colour' is ignored",
        "site.toml:3: 'base_url' must be an absolute URL (https://example.org/path/) or a path starting with /",
        "site.toml: 'title' is required (add a line such as title = \"...\")",
        "site.toml:5: 'nlp.processes' must be an integer, not str 'many'",
    ]


@pytest.mark.parametrize("text, line, message", [
    ('title = "News\n', 1, "invalid TOML: Illegal character '\\n'"),
    ('title = "News"\n\nper_page 3\n', 3, "invalid TOML: Expected '=' after a key in a key/value pair"),
    ('title = "News"\ntitle = "Again"\n', 2, "invalid TOML: Cannot overwrite a value"),
    ('title = "News"\n[nlp\n', 2, "invalid TOML: Expected ']' at the end of a table declaration"),
    ('title = "News"\nauthor =\n\n', 2, "invalid TOML: Invalid value"),  # at the end of the file
])
def test_broken_toml_names_the_line(site, text, line, message):
    assert errors_of(site(text)) == [f"site.toml:{line}: {message}"]


def test_site_toml_that_is_not_utf8(site):
    assert errors_of(site('title = "News"\ndescription = "Caf\xe9"\n'.encode("latin-1"))) == [
        "site.toml:2: is not UTF-8 text (byte 0xe9) (save the file as UTF-8)"]


def test_no_site_toml(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert errors_of(Path(".")) == [
        "site.toml: no site.toml here (a Gloss site is a folder with site.toml and content/)"]


@pytest.mark.parametrize("base_url", [
    "example.org", "ftp://example.org/", "https://", "repo/", "//evil.example/", "https:/x",
])
def test_bad_base_url(site, base_url):
    assert errors_of(site(f'title = "News"\nbase_url = "{base_url}"\n')) == [
        "site.toml:2: 'base_url' must be an absolute URL (https://example.org/path/) or a path starting with /"]


@pytest.mark.parametrize("base_url, base_path, absolute", [
    ("/", "/", ""),
    ("/repo", "/repo/", ""),
    ("https://example.org", "/", "https://example.org/"),
    ("https://user.github.io/repo/", "/repo/", "https://user.github.io/repo/"),
    ("http://localhost:8000/a/b", "/a/b/", "http://localhost:8000/a/b/"),
])
def test_good_base_urls(site, base_url, base_path, absolute):
    config, _ = load_config(site(f'title = "News"\nbase_url = "{base_url}"\n'))
    assert (config.base_path, config.absolute_base) == (base_path, absolute)


def test_base_url_option_overrides_site_toml(site):
    config, _ = load_config(site('title = "News"\nbase_url = "https://example.org/"\n'))
    moved = with_base_url(config, "https://user.github.io/repo/")
    assert moved.base_path == "/repo/"
    assert moved.absolute_base == "https://user.github.io/repo/"
    assert with_base_url(config, None) == config


@pytest.mark.parametrize("base_url", ["example.org", "//evil.example/"])
def test_bad_base_url_option(site, base_url):
    config, _ = load_config(site('title = "News"\n'))
    with pytest.raises(UserError) as caught:
        with_base_url(config, base_url)
    assert [str(d) for d in caught.value.diagnostics] == [
        "--base-url must be an absolute URL (https://example.org/path/) or a path starting with /"]


def test_paths_in_messages_start_from_where_the_user_is(tmp_path, monkeypatch):
    (tmp_path / "mysite").mkdir()
    (tmp_path / "mysite" / "site.toml").write_text("per_page = 0\n")
    monkeypatch.chdir(tmp_path)
    assert errors_of(Path("mysite")) == [
        "mysite/site.toml:1: 'per_page' must be at least 1",
        "mysite/site.toml: 'title' is required (add a line such as title = \"...\")",
    ]


def test_every_site_toml_key_is_documented_in_the_readme():
    from pathlib import Path

    from builder.config import TABLES
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    for table, options in TABLES.items():
        for option in options:
            name = f"`[{table}] {option.key}`" if table else f"`{option.key}`"
            assert f"| {name} |" in readme, f"{name} is not in README.md's site.toml table"
