"""The WarmState a `build` command stores in the cache and the next one loads
(builder.warmstore): what it keeps, and that nothing it holds can be wrong for the next build.
That builds with it write exactly what builds from scratch write is tested with every edit in
test_pagedigest.py (its "commands" runs)."""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from builder import warmstore
from builder.build import BuildOptions, WarmState, build
from builder.warmstore import STATE_NAME, load_state, save_state
from conftest import REPO, copy_sample_site, write_site

ARTICLE = '+++\ntitle = "Rutte in Kyiv"\ndate = 2024-10-03\n+++\n\nMark Rutte visited Kyiv on Thursday.\n'


@pytest.fixture
def small_site(tmp_path, monkeypatch):
    monkeypatch.setattr(warmstore, "IN_BACKGROUND", False)
    return write_site(tmp_path / "site", {"site.toml": 'title = "T"\n[search]\nenabled = false\n',
                                          "content/rutte.md": ARTICLE})


def kept_build(root: Path):
    return build(BuildOptions(root=root, keep_state=True, skip_if_unchanged=True))


def test_a_build_stores_its_state_and_the_next_build_starts_from_it(small_site, monkeypatch):
    kept_build(small_site)
    state = load_state(small_site / ".gloss-cache", _code())
    assert state is not None and [path.name for path in state.reads] == ["rutte.md"]
    state.load_memos()
    assert state.index.articles["rutte"].source.title == "Rutte in Kyiv"

    # The next build merges entities with the stored votes: no article's votes are made again.
    import builder.entities
    made = []
    votes = builder.entities._article_votes
    monkeypatch.setattr(builder.entities, "_article_votes", lambda *a: made.append(a[0].slug) or votes(*a))
    (small_site / "templates").mkdir()
    (small_site / "templates" / "404.html").write_text("gone", encoding="utf-8")
    kept_build(small_site)
    assert made == []
    assert (small_site / "public" / "404.html").read_text(encoding="utf-8") == "gone"


def test_the_state_is_written_again_only_when_the_content_changed(small_site):
    kept_build(small_site)
    state_file = small_site / ".gloss-cache" / STATE_NAME
    written = state_file.stat().st_mtime_ns
    (small_site / "templates").mkdir()
    (small_site / "templates" / "404.html").write_text("gone", encoding="utf-8")
    kept_build(small_site)
    assert state_file.stat().st_mtime_ns == written  # a template edit: the same state
    (small_site / "content" / "rutte.md").write_text(ARTICLE + "\nHe met Volodymyr Zelenskyy.\n", encoding="utf-8")
    kept_build(small_site)
    assert state_file.stat().st_mtime_ns != written
    state = load_state(small_site / ".gloss-cache", _code())
    assert state is not None and "volodymyr-zelenskyy" in state.gathered[2].entities


def test_a_state_that_lacks_pages_parts_is_written_again_with_them(small_site):
    kept_build(small_site)
    state_file = small_site / ".gloss-cache" / STATE_NAME
    state = load_state(small_site / ".gloss-cache", _code())
    assert state is not None and ("entity", "people/mark-rutte/") in state.page_parts
    state.page_parts = {}  # as when the last build carried every page over without rendering it
    save_state(small_site / ".gloss-cache", _code(), state, state.stored_key)
    (small_site / "templates").mkdir()
    for mark in ("one", "two"):
        written = state_file.stat().st_mtime_ns
        (small_site / "templates" / "base.html").write_text(
            (REPO / "templates" / "base.html").read_text(encoding="utf-8").replace("</body>", f"<!-- {mark} --></body>"),
            encoding="utf-8")
        kept_build(small_site)
        assert (state_file.stat().st_mtime_ns != written) == (mark == "one")
    state = load_state(small_site / ".gloss-cache", _code())
    assert state is not None and ("entity", "people/mark-rutte/") in state.page_parts


def test_a_template_edit_plans_its_pages_from_the_stored_page_jobs(small_site, monkeypatch):
    # The page jobs' memo is kept without the templates' fingerprint: after a template edit a
    # build command still reuses every page's digest and entity rows, and renders every page.
    from builder.render import Renderer
    kept_build(small_site)
    planned = []
    entities_of = Renderer._entities_of
    monkeypatch.setattr(Renderer, "_entities_of", lambda self, article, person: planned.append(article.slug)
                        or entities_of(self, article, person))
    (small_site / "templates").mkdir()
    (small_site / "templates" / "base.html").write_text(
        (REPO / "templates" / "base.html").read_text(encoding="utf-8").replace("</body>", "<!-- new --></body>"),
        encoding="utf-8")
    result = kept_build(small_site)
    assert planned == []
    assert result.changed == result.pages  # every page extends base.html
    assert "<!-- new -->" in (small_site / "public" / "articles" / "rutte" / "index.html").read_text(encoding="utf-8")
    (small_site / "content" / "rutte.md").write_text(ARTICLE + "\nHe spoke.\n", encoding="utf-8")
    kept_build(small_site)
    assert planned == ["rutte", "rutte"]  # the edited article's people and topics, once each


def test_a_template_edit_renders_pages_around_their_stored_charts_and_seo_data(small_site, monkeypatch):
    # An entity page's charts and a page's SEO data depend on no template: they are kept with
    # the page jobs' memo, and after a template edit the pages are rendered around them.
    from builder import charts
    from builder.seo import SeoData
    write_site(small_site, {"content/kyiv.md": ARTICLE.replace("Rutte in Kyiv", "Kyiv again").replace(
        "visited", "left")})
    kept_build(small_site)
    made = []
    for owner, name in [(charts, "entity_timeline"), (charts, "related_bars"), (SeoData, "entity"),
                        (SeoData, "article")]:
        original = getattr(owner, name)
        monkeypatch.setattr(owner, name, lambda *a, _name=name, _f=original: made.append(_name) or _f(*a))
    (small_site / "templates").mkdir()
    (small_site / "templates" / "base.html").write_text(
        (REPO / "templates" / "base.html").read_text(encoding="utf-8").replace("</body>", "<!-- new --></body>"),
        encoding="utf-8")
    result = kept_build(small_site)
    assert result.changed == result.pages and made == []
    page = (small_site / "public" / "people" / "mark-rutte" / "index.html").read_text(encoding="utf-8")
    assert "<!-- new -->" in page and "chart-timeline" in page and "chart-ranked" in page
    assert '<meta property="og:title" content="Mark Rutte">' in page
    # an edit makes them again for the pages it changes, and only those
    pages = lambda: {path.parent.name: path.read_bytes() for folder in ("people", "topics")
                     for path in (small_site / "public" / folder).glob("*/index.html")}
    before = pages()
    made.clear()
    (small_site / "content" / "kyiv.md").write_text(ARTICLE.replace("Rutte in Kyiv", "Kyiv again").replace(
        "visited", "left") + "\nNATO said nothing.\n", encoding="utf-8")
    kept_build(small_site)
    after = pages()
    changed = {name for name in after if before.get(name) != after[name]}
    assert "nato" in changed and len(changed) < len(after)
    assert made.count("entity") == len(changed) and made.count("article") == 1
    assert made.count("related_bars") == len(changed)  # each of them is named with another


def test_a_build_hands_back_its_state_for_the_next_build(small_site, monkeypatch):
    import builder.entities
    first = kept_build(small_site)
    assert first.warm is not None and "rutte" in first.warm.index.articles
    made = []
    votes = builder.entities._article_votes
    monkeypatch.setattr(builder.entities, "_article_votes", lambda *a: made.append(a[0].slug) or votes(*a))
    write_site(small_site, {"content/zelenskyy.md": ARTICLE.replace("Mark Rutte", "Volodymyr Zelenskyy")})
    build(BuildOptions(root=small_site, warm=first.warm))
    assert made == ["zelenskyy"]  # the unchanged article's votes came from the handed-back state


def test_the_loaded_state_is_frozen_for_the_collector(small_site):
    # Its records are made while the collector is off; frozen, its next young collection
    # does not walk every one of them.
    import gc
    kept_build(small_site)
    gc.unfreeze()
    try:
        state = load_state(small_site / ".gloss-cache", _code())
        assert state is not None and state.gathered is not None
        assert gc.get_freeze_count() > 0
        assert not any(obj is state.gathered[2] for obj in gc.get_objects(generation=0))
        frozen = gc.get_freeze_count()
        state.load_memos()  # read later, and frozen too
        assert gc.get_freeze_count() > frozen
        assert not any(obj is state.index for obj in gc.get_objects(generation=0))
    finally:
        gc.unfreeze()


def test_a_build_whose_articles_did_not_change_reads_no_per_article_memo(small_site, monkeypatch):
    # The state file is two pickles: a theme edit reuses the last site whole, from the first.
    read = []
    memos = warmstore._load_memos
    monkeypatch.setattr(warmstore, "_load_memos", lambda *a: read.append(1) or memos(*a))
    first = kept_build(small_site)
    (small_site / "templates").mkdir()
    (small_site / "templates" / "base.html").write_text(
        (REPO / "templates" / "base.html").read_text(encoding="utf-8").replace("</body>", "<!-- new --></body>"),
        encoding="utf-8")
    again = kept_build(small_site)
    assert read == [] and again.changed == again.pages and again.analysed == 0
    assert sorted(again.index.entities) == sorted(first.index.entities)
    write_site(small_site, {"content/rutte.md": ARTICLE + "\nHe met Volodymyr Zelenskyy.\n"})
    edited = kept_build(small_site)
    assert read == [1] and "volodymyr-zelenskyy" in edited.index.entities


def test_a_state_whose_memos_do_not_load_rebuilds_them_from_the_caches(small_site):
    kept_build(small_site)
    state_file = small_site / ".gloss-cache" / STATE_NAME
    state_file.write_bytes(state_file.read_bytes()[:-10])  # the first pickle whole, the second cut short
    state = load_state(small_site / ".gloss-cache", _code())
    assert state is not None
    state.load_memos()
    assert state.analyses == {} and state.index.articles == {}
    write_site(small_site, {"content/rutte.md": ARTICLE + "\nHe met Volodymyr Zelenskyy.\n"})
    result = kept_build(small_site)
    assert "volodymyr-zelenskyy" in result.index.entities and "mark-rutte" in result.index.entities
    again = load_state(small_site / ".gloss-cache", _code())  # and a whole state is stored again
    assert again is not None
    again.load_memos()
    assert set(again.index.articles) == {"rutte"}


@pytest.mark.parametrize("damage", ["garbage", "truncated", "other code", "other format"])
def test_a_damaged_or_foreign_state_is_ignored(small_site, damage):
    kept_build(small_site)
    state_file = small_site / ".gloss-cache" / STATE_NAME
    data = state_file.read_bytes()
    magic, version, rest = data.split(b"\n", 2)
    state_file.write_bytes({
        "garbage": b"not a pickle at all",
        "truncated": data[:len(data) // 2],
        "other code": magic + b"\n" + b"0" * 64 + b" python (3, 11, 0)\n" + rest,
        "other format": b"gloss-warm-state 0\n" + version + b"\n" + rest,
    }[damage])
    assert load_state(small_site / ".gloss-cache", _code()) is None
    (small_site / "content" / "rutte.md").write_text(ARTICLE + "\nHe met Volodymyr Zelenskyy.\n", encoding="utf-8")
    result = kept_build(small_site)  # builds from the disk caches instead, and stores a good state
    assert "volodymyr-zelenskyy" in result.index.entities
    assert load_state(small_site / ".gloss-cache", _code()) is not None


def test_the_state_round_trips_with_page_digests_keyed_again(tmp_path, small_site):
    kept_build(small_site)
    state = load_state(small_site / ".gloss-cache", _code())
    assert state is not None
    article = state.gathered[2].articles[0]
    digest = state.digests.article(article)  # the stored digest, found by the loaded record
    save_state(tmp_path, _code(), state, "key")  # (reads the memos, which it writes too)
    again = load_state(tmp_path, _code())
    assert again is not None and again.stored_key == "key"
    assert again.digests.article(again.gathered[2].articles[0]) == digest
    again.load_memos()  # the second pickle refers to the first's records: the same objects
    assert again.index.articles["rutte"] is again.gathered[2].articles[0]


def test_the_build_command_stores_the_state_without_making_anyone_wait(tmp_path):
    """The `build` command writes the state from a detached process after it is done: the
    command's output pipes close when the command ends, and the state appears."""
    root = copy_sample_site(tmp_path / "site")
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "builder", "-q", "build", str(root)],
                            capture_output=True, text=True, cwd=REPO, timeout=600)
    assert result.returncode == 0, result.stderr
    deadline = time.monotonic() + 60
    state_file = root / ".gloss-cache" / STATE_NAME
    while not state_file.is_file():
        assert time.monotonic() < deadline, "no state was stored"
        time.sleep(0.1)
    assert time.monotonic() - started < 600
    assert load_state(root / ".gloss-cache", _code()) is not None
    assert not list((root / ".gloss-cache").glob(f".{STATE_NAME}.*"))  # no temporary file left


def _code() -> str:
    from builder.build import code_fingerprint
    return code_fingerprint()


def test_a_warm_state_is_never_stored_for_a_preview(small_site):
    """`serve` keeps its WarmState in memory; only builds that ask for it store one."""
    build(BuildOptions(root=small_site, warm=WarmState()))
    assert not (small_site / ".gloss-cache" / STATE_NAME).exists()


def test_the_preview_starts_from_the_stored_state(small_site, monkeypatch):
    """`serve` begins with what the last `build` command stored, so its first rebuild redoes
    only the edited article's share."""
    import builder.entities
    from builder.build import stored_state
    kept_build(small_site)
    warm = stored_state(BuildOptions(root=small_site))
    assert warm is not None
    made = []
    votes = builder.entities._article_votes
    monkeypatch.setattr(builder.entities, "_article_votes", lambda *a: made.append(a[0].slug) or votes(*a))
    write_site(small_site, {"content/zelenskyy.md": ARTICLE.replace("Mark Rutte", "Volodymyr Zelenskyy")})
    build(BuildOptions(root=small_site, warm=warm))
    assert made == ["zelenskyy"]
    assert stored_state(BuildOptions(root=small_site, use_cache=False)) is None


def test_a_build_command_loads_spacy_beside_the_state_for_a_few_edited_articles(small_site, monkeypatch):
    """A few articles edited since the last build: spaCy starts in a process of its own at
    once (builder.nlp.ModelWorker), and the edited article is analysed there."""
    import multiprocessing
    import builder.build
    from builder.nlp import ModelWorker
    kept_build(small_site)
    started, used = [], []

    class Watched(ModelWorker):
        def __init__(self, package):
            started.append(package)
            super().__init__(package)

        def analyse(self, texts):
            result = super().analyse(texts)
            used.append(result is not None)
            return result

    monkeypatch.setattr(builder.build, "ModelWorker", Watched)
    time.sleep(0.01)  # a file time after the last build's stamp
    (small_site / "content" / "rutte.md").write_text(ARTICLE + "\nHe met Volodymyr Zelenskyy.\n", encoding="utf-8")
    result = kept_build(small_site)
    assert started and used == [True] and result.analysed == 1
    assert "volodymyr-zelenskyy" in result.index.entities
    deadline = time.monotonic() + 30
    while multiprocessing.active_children():  # the worker ends by itself once told to
        assert time.monotonic() < deadline, "the model worker did not end"
        time.sleep(0.05)

    # An edit that needs no spaCy (the text is as before): the worker is stopped unused.
    time.sleep(0.01)
    text = (small_site / "content" / "rutte.md").read_text(encoding="utf-8")
    (small_site / "content" / "rutte.md").write_text(text.replace("Rutte in Kyiv", "Rutte visits Kyiv"),
                                                     encoding="utf-8")
    result = kept_build(small_site)
    assert len(started) == 2 and used == [True] and result.analysed == 0
    assert multiprocessing.active_children() == []


def test_meanwhile_the_build_lists_the_output_and_compiles_the_templates(small_site, monkeypatch):
    import builder.build
    kept_build(small_site)
    prepared = []

    class Watched(builder.build.Meanwhile):
        def done(self):
            prepared.append(super().done())
            return self
    monkeypatch.setattr(builder.build, "Meanwhile", Watched)
    public = small_site / "public"
    (public / "stray").mkdir()
    (public / "stray" / "index.html").write_text("not the site's", encoding="utf-8")
    time.sleep(0.01)  # a file time after the last build's stamp
    (small_site / "content" / "rutte.md").write_text(ARTICLE + "\nHe met Volodymyr Zelenskyy.\n", encoding="utf-8")
    kept_build(small_site)
    assert len(prepared) == 1
    assert prepared[0].listing is not None and "stray/index.html" in prepared[0].listing[0]
    assert prepared[0].environment is not None and len(prepared[0].environment.cache) > 0  # compiled
    assert not (public / "stray").exists()
    assert "Volodymyr Zelenskyy" in (public / "articles" / "rutte" / "index.html").read_text(encoding="utf-8")

    # No article edited (a template edit): the output is listed by a forked process while the
    # state loads, where this process runs no other thread
    import threading
    (public / "stray").mkdir()
    (public / "stray" / "index.html").write_text("not the site's", encoding="utf-8")
    (small_site / "templates").mkdir()
    (small_site / "templates" / "404.html").write_text("gone", encoding="utf-8")
    kept_build(small_site)
    assert len(prepared) == 2
    if threading.active_count() == 1:
        assert prepared[1].listing is not None and "stray/index.html" in prepared[1].listing[0]
    assert not (public / "stray").exists()
    assert (public / "404.html").read_text(encoding="utf-8") == "gone"


def test_the_model_worker_analyses_as_this_process_would(nlp):
    from builder.nlp import ModelWorker, analyse_doc, resolve_model
    text = '"We are ready," NATO Secretary General Mark Rutte said in Kyiv on Thursday.'
    worker = ModelWorker(resolve_model("en_core_web_sm"))
    try:
        assert worker.analyse([text]) == [analyse_doc(nlp(text))]
    finally:
        worker.close()


def test_records_unpickle_equal_and_still_frozen():
    """Records get their own __setstate__ (builder.records.record): what comes back is equal
    to what went in, field by field, and as immutable."""
    import dataclasses
    import pickle
    from builder.records import CharSpan, Entity, MentionFound
    mention = MentionFound(CharSpan(3, 14), "Mark Rutte", "PERSON", "NATO Secretary General")
    entity = Entity("mark-rutte", "Mark Rutte", "person", ("Rutte",))
    for original in (mention, entity, [mention, mention]):
        again = pickle.loads(pickle.dumps(original, protocol=pickle.HIGHEST_PROTOCOL))
        assert again == original
    again = pickle.loads(pickle.dumps(mention))
    assert [getattr(again, f.name) for f in dataclasses.fields(again)] == \
        [CharSpan(3, 14), "Mark Rutte", "PERSON", "NATO Secretary General"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        again.text = "someone else"
