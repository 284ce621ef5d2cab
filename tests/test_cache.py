"""The NLP cache (builder/cache.py) through real builds of a small site with the real model:
unchanged articles never go through spaCy again, an edited one does, and an entry that is
stale (other model, other ANALYSIS_VERSION) or damaged is recomputed, never used."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

ARTICLES = {
    "site.toml": 'title = "Cache test"\n',
    "content/summit.md": """
        +++
        title = "Summit"
        date = 2024-07-10
        +++

        NATO Secretary General Jens Stoltenberg opened the summit in Washington.
        "We stand with Ukraine," Stoltenberg said.
        """,
    "content/visit.md": """
        +++
        title = "Visit"
        date = 2024-10-03
        +++

        Mark Rutte travelled to Kyiv to meet Volodymyr Zelenskyy.
        """,
}


def run_build(root: Path, **options):
    from builder.build import BuildOptions, build
    return build(BuildOptions(root=root, **options))


def cache_entries(root: Path) -> list[Path]:
    return sorted((root / ".gloss-cache" / "nlp").glob("*/*.json"))


@pytest.fixture
def site(make_site):
    root = make_site(ARTICLES)
    first = run_build(root)
    assert first.analysed == 2 and len(cache_entries(root)) == 2
    return root


def api(root: Path) -> bytes:
    return (root / "public" / "api" / "entities.json").read_bytes()


def test_a_rebuild_takes_every_analysis_from_the_cache(site):
    before = api(site)
    again = run_build(site)
    assert again.analysed == 0
    assert api(site) == before


def test_an_edited_article_alone_is_analysed_again(site):
    path = site / "content" / "visit.md"
    path.write_text(path.read_text().replace("Kyiv", "Lviv"))
    again = run_build(site)
    assert again.analysed == 1
    assert len(cache_entries(site)) == 3  # the old entry stays until pruned; the new one is added
    assert "Lviv" in {e["name"] for e in json.loads(api(site))["entities"]}


def test_a_different_model_version_misses(site, monkeypatch):
    import builder.build
    monkeypatch.setattr(builder.build, "model_fingerprint", lambda package: f"{package}==9.9.9")
    assert run_build(site).analysed == 2


def test_a_new_analysis_version_misses(site, monkeypatch):
    import builder.cache
    monkeypatch.setattr(builder.cache, "ANALYSIS_VERSION", builder.cache.ANALYSIS_VERSION + "-next")
    assert run_build(site).analysed == 2


def test_no_cache_analyses_everything_and_writes_nothing(site):
    for entry in cache_entries(site):
        entry.unlink()
    assert run_build(site, use_cache=False).analysed == 2
    assert cache_entries(site) == []


def _truncate(text: str) -> str:
    return text[: len(text) // 2]


def _wrong_shape(text: str) -> str:
    data = json.loads(text)
    data["analysis"]["mentions"] = [["not", "a", "span"]]
    return json.dumps(data)


def _offsets_past_the_end(text: str) -> str:
    data = json.loads(text)
    data["analysis"]["mentions"] = [[10_000, 10_005, "Ghost", "PERSON", ""]]
    return json.dumps(data)


def _other_key(text: str) -> str:
    data = json.loads(text)
    data["key"] = "0" * 64
    return json.dumps(data)


@pytest.mark.parametrize("damage", [
    lambda text: "this is not JSON {",
    lambda text: "",
    lambda text: "[1, 2, 3]",
    lambda text: '{"key": null}',
    _truncate, _wrong_shape, _offsets_past_the_end, _other_key,
], ids=["garbage", "empty", "a-list", "no-analysis", "truncated", "wrong-shape", "offsets-past-the-end",
        "another-key"])
def test_a_damaged_entry_is_recomputed_and_rewritten(site, damage):
    good = api(site)
    entries = cache_entries(site)
    originals = {e: e.read_text() for e in entries}
    victim = entries[0]
    victim.write_text(damage(originals[victim]))
    again = run_build(site)
    assert again.analysed == 1
    assert api(site) == good  # the damaged entry's content never reached the site
    assert victim.read_text() == originals[victim]  # and the entry is whole again


def test_a_fully_cached_build_never_imports_spacy(site):
    (site / "public" / "index.html").unlink()  # make sure it really builds
    program = ("import sys; from pathlib import Path; from builder.build import BuildOptions, build; "
               f"r = build(BuildOptions(root=Path({str(site)!r}))); "
               "print(r.analysed, 'spacy' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", program], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["0", "False"]


# --- prepared articles (Markdown and prose, builder.cache.PreparedCache) ------------------------

@pytest.fixture
def markdown_calls(monkeypatch):
    """The bodies builder.build.prepare renders from Markdown (not from the cache)."""
    import builder.build
    calls: list[str] = []
    real = builder.build.render_markdown
    monkeypatch.setattr(builder.build, "render_markdown", lambda body: calls.append(body) or real(body))
    return calls


def test_a_rebuild_takes_every_prepared_article_from_the_cache(site, markdown_calls):
    first = (site / "public" / "articles" / "visit" / "index.html").read_bytes()
    run_build(site)
    assert markdown_calls == []
    assert (site / "public" / "articles" / "visit" / "index.html").read_bytes() == first


def test_an_edited_article_alone_is_prepared_again(site, markdown_calls):
    path = site / "content" / "visit.md"
    path.write_text(path.read_text().replace("travelled to", "flew to"))
    run_build(site)
    assert len(markdown_calls) == 1 and "flew to" in markdown_calls[0]
    assert "flew to" in (site / "public" / "articles" / "visit" / "index.html").read_text()


def test_new_gloss_code_prepares_everything_again(site, markdown_calls, monkeypatch):
    import builder.build
    monkeypatch.setattr(builder.build, "code_fingerprint", lambda: "some other version of Gloss")
    run_build(site)
    assert len(markdown_calls) == 2


@pytest.mark.parametrize("damage", [b"", b"not a pickle", b"\x80\x05K\x01."])  # the last: pickled 1
def test_a_damaged_prepared_cache_is_ignored_and_rewritten(site, markdown_calls, damage):
    from builder.cache import PREPARED_NAME
    path = site / ".gloss-cache" / PREPARED_NAME
    assert path.is_file()
    path.write_bytes(damage)
    run_build(site)
    assert len(markdown_calls) == 2
    assert "Mark Rutte" in (site / "public" / "articles" / "visit" / "index.html").read_text()
    markdown_calls.clear()
    run_build(site)
    assert markdown_calls == []  # written again whole


def test_an_analysis_comes_back_from_its_json_with_every_field():
    # a field the JSON leaves out would come back as its default from every cached article
    from builder.cache import analysis_from_json, analysis_to_json
    from builder.records import ArticleAnalysis, CharSpan, MentionFound, QuoteFound, SentenceFound
    analysis = ArticleAnalysis(
        (MentionFound(CharSpan(0, 9), "Jo Rutten", "PERSON", "Mayor"),),
        (QuoteFound((CharSpan(20, 30), CharSpan(40, 50)), "a b", CharSpan(0, 9), "Jo Rutten",
                    "PERSON", "say"),
         QuoteFound((CharSpan(60, 70),), "c d", None, None, None, "say", "one senior aide")),
        (SentenceFound(CharSpan(0, 70)),))
    data = json.loads(json.dumps(analysis_to_json(analysis)))
    assert analysis_from_json(data) == analysis
