"""Pages whose inputs did not change are carried over from the last build without rendering
(builder.pagedigest). The test that matters: whatever is edited, the incremental output is
byte for byte the output of a build from scratch. Real model, real builds of the sample site,
each test both as separate `build` runs and as the builds of one preview process (which keeps
a WarmState from build to build)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from builder.build import WarmState
from builder.pagedigest import MANIFEST_NAME
from builder.render import Renderer
from builder.warmstore import STATE_NAME
from conftest import REPO, copy_sample_site, deletions_done

BASE = "https://example.org/news/"


#: The sites whose builds are those of one long-running process: {site root: its WarmState}.
PREVIEWS: dict[Path, WarmState] = {}
#: The sites whose builds are `build` commands: each loads the WarmState the last one stored.
COMMANDS: set[Path] = set()


def build(root: Path, out: Path | None = None, **options):
    from builder.build import BuildOptions, build as run
    warm = PREVIEWS.get(root) if out is None else None
    keep_state = root in COMMANDS and out is None
    return run(BuildOptions(root=root, out_dir=out, base_url=BASE, warm=warm, keep_state=keep_state, **options))


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def assert_same_as_from_scratch(root: Path, tmp_path: Path) -> None:
    fresh = build(root, out=tmp_path / "fresh", use_cache=False).out_dir
    incremental, scratch = tree(root / "public"), tree(fresh)
    assert sorted(incremental) == sorted(scratch)
    assert [path for path in scratch if incremental[path] != scratch[path]] == []


@pytest.fixture
def rendered(monkeypatch):
    """The output paths of the article and entity pages each build renders (not carries)."""
    seen: list[str] = []
    article_page, entity_page = Renderer._article_page, Renderer._entity_page

    def article(self, article, *rest):
        seen.append(f"articles/{article.slug}/")
        return article_page(self, article, *rest)

    def entity(self, page, *rest):
        seen.append(page.entity.id)
        return entity_page(self, page, *rest)

    monkeypatch.setattr(Renderer, "_article_page", article)
    monkeypatch.setattr(Renderer, "_entity_page", entity)
    return seen


@pytest.fixture(params=[("search", "builds"), ("no search", "builds"), ("no search", "preview"),
                        ("no search", "commands")],
                ids=lambda param: "-".join(param))
def site(tmp_path, request, monkeypatch):
    """The sample site, built once, with search and without: either way a rebuild patches the
    output in place (with search, Pagefind indexes the patched site, when its index changes,
    through a folder of links before anything goes live). "preview": the
    builds share a WarmState, as those of `serve` do. "commands": each build loads the WarmState
    the last one stored in the cache, as `build` commands do (stored at once, not in the
    background, so that every build here does load it)."""
    search, builds = request.param
    root = copy_sample_site(tmp_path / "site")
    if search == "no search":
        with open(root / "site.toml", "a", encoding="utf-8") as handle:
            handle.write("\n[search]\nenabled = false\n")
    if builds == "preview":
        PREVIEWS[root] = WarmState()
    if builds == "commands":
        COMMANDS.add(root)
        monkeypatch.setattr("builder.warmstore.IN_BACKGROUND", False)
    build(root)
    if builds == "commands":
        assert (root / ".gloss-cache" / STATE_NAME).is_file()
    yield root
    PREVIEWS.pop(root, None)
    COMMANDS.discard(root)


def test_an_edit_renders_only_the_pages_it_touches_and_the_output_is_as_from_scratch(site, tmp_path, rendered):
    source = site / "content" / "rutte-dutch-premiership.md"
    source.write_text(source.read_text(encoding="utf-8")
                      + "\n“We will build the bridge,” said Anna Verbeek, the mayor of Zwolle.\n", encoding="utf-8")
    build(site)
    articles = [path for path in rendered if path.startswith("articles/")]
    assert articles == ["articles/rutte-dutch-premiership/"]  # the other four are carried over
    assert "anna-verbeek" in rendered  # a new person gets her page
    # the Verkhovna Rada is not in the edited article: its page lists other articles only
    assert "verkhovna-rada" not in rendered and "mark-rutte" in rendered
    assert_same_as_from_scratch(site, tmp_path)
    person = json.loads((site / "public" / "api" / "quotes.json").read_text(encoding="utf-8"))
    assert any(q["speaker_name"] == "Anna Verbeek" for q in person["quotes"])


def test_removing_a_person_from_an_article_updates_every_page_that_counted_them(site, tmp_path, rendered):
    source = site / "content" / "stoltenberg-hands-over-to-rutte.md"
    text = source.read_text(encoding="utf-8")
    assert "Stoltenberg" in text
    source.write_text(text.replace("Jens Stoltenberg", "The outgoing chief").replace("Stoltenberg", "he"),
                      encoding="utf-8")
    build(site)
    assert_same_as_from_scratch(site, tmp_path)


def test_an_edit_updates_the_cards_it_changes_in_articles_that_were_not_edited(site, tmp_path, rendered):
    # Kharkiv is in two articles; its card (no editor's description) says so in both. Taking it
    # out of one changes the card in the other, which must be rendered again.
    other = site / "public" / "articles" / "rutte-first-visit-kyiv" / "index.html"
    assert "In 2 articles" in other.read_text(encoding="utf-8")
    source = site / "content" / "rutte-dutch-premiership.md"
    source.write_text(source.read_text(encoding="utf-8").replace("Kharkiv", "the north-east"), encoding="utf-8")
    build(site)
    assert "articles/rutte-first-visit-kyiv/" in rendered
    assert "In 2 articles" not in other.read_text(encoding="utf-8")
    assert_same_as_from_scratch(site, tmp_path)


def test_a_deleted_article_and_the_pages_only_it_made_are_gone(site, tmp_path):
    (site / "content" / "zelenskyy-victory-plan-rada.md").unlink()
    build(site)
    assert not (site / "public" / "articles" / "zelenskyy-victory-plan-rada").exists()
    assert not (site / "public" / "topics" / "verkhovna-rada").exists()
    assert_same_as_from_scratch(site, tmp_path)


def test_a_build_that_fails_while_writing_leaves_the_output_as_it_was(site, tmp_path, monkeypatch):
    before = tree(site / "public")
    source = site / "content" / "rutte-first-visit-kyiv.md"
    source.write_text(source.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")

    def broken(self):
        raise OSError("disk full")
    monkeypatch.setattr(Renderer, "quotes_json", broken)  # after the pages are written
    with pytest.raises(OSError):
        build(site)
    assert tree(site / "public") == before
    deletions_done(site / "public")
    assert [p.name for p in site.iterdir() if p.name.startswith(".public") and p.name != ".public.spare"] == []


def test_unchanged_files_keep_their_inode_and_changed_ones_are_replaced(site):
    public = site / "public"
    kept, edited = public / "topics" / "verkhovna-rada" / "index.html", public / "articles" / "rutte-dutch-premiership" / "index.html"
    before = {path: path.stat().st_ino for path in (kept, edited)}
    source = site / "content" / "rutte-dutch-premiership.md"
    source.write_text(source.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    build(site)
    assert kept.stat().st_ino == before[kept]
    assert edited.stat().st_ino != before[edited] and "One more line." in edited.read_text(encoding="utf-8")


def test_a_patch_writes_over_the_files_it_replaced_unless_they_are_linked_elsewhere(site, tmp_path):
    """Applying a patch swaps each new file with the live one; the next patch writes over the
    replaced file (no new inode) but never over one that is linked from outside the site."""
    page = site / "public" / "articles" / "rutte-dutch-premiership" / "index.html"
    source = site / "content" / "rutte-dutch-premiership.md"
    original = source.read_text(encoding="utf-8")
    first = page.stat().st_ino
    published = tmp_path / "published.html"  # as a deploy tool that hard-links files would
    os.link(page, published)
    published_bytes = published.read_bytes()

    source.write_text(original + "\nOne more line.\n", encoding="utf-8")
    build(site)
    second = page.stat().st_ino
    assert second != first and "One more line." in page.read_text(encoding="utf-8")

    source.write_text(original + "\nAnother line.\n", encoding="utf-8")
    build(site)
    assert "Another line." in page.read_text(encoding="utf-8")
    assert page.stat().st_ino != first  # the spare linked from outside was left alone...
    assert published.read_bytes() == published_bytes

    source.write_text(original + "\nA third line.\n", encoding="utf-8")
    build(site)
    assert page.stat().st_ino == second  # ...and one only the site had is written over
    assert "A third line." in page.read_text(encoding="utf-8")
    assert published.read_bytes() == published_bytes
    assert_same_as_from_scratch(site, tmp_path)


def test_the_default_theme_reads_no_more_than_each_page_is_given():
    # If it read `index` (the whole site), an edit anywhere would render every page again.
    from builder.config import SiteConfig
    from builder.render import make_environment, reads_whole_site
    assert not reads_whole_site(make_environment(SiteConfig(root=REPO / "tests" / "no-such-site", title="T")))


def test_a_template_that_reads_the_whole_site_makes_every_page_depend_on_it(site, tmp_path):
    templates = site / "templates"
    templates.mkdir()
    base = (REPO / "templates" / "base.html").read_text(encoding="utf-8")
    (templates / "base.html").write_text(
        base.replace("</body>", "<p>{{ index.articles | length }} articles</p></body>"), encoding="utf-8")
    build(site)
    (site / "content" / "new.md").write_text('+++\ntitle = "New"\ndate = 2024-11-01\n+++\n\nHello.\n',
                                             encoding="utf-8")
    build(site)
    page = (site / "public" / "topics" / "verkhovna-rada" / "index.html").read_text(encoding="utf-8")
    assert "<p>6 articles</p>" in page
    assert_same_as_from_scratch(site, tmp_path)


def test_a_template_edit_renders_every_page(site, tmp_path, rendered):
    templates = site / "templates"
    templates.mkdir()
    base = (REPO / "templates" / "base.html").read_text(encoding="utf-8")
    (templates / "base.html").write_text(base.replace("</body>", "<!-- edited --></body>"), encoding="utf-8")
    result = build(site)
    assert len([p for p in rendered if p.startswith("articles/")]) == len(result.index.articles)
    assert len(rendered) == len(result.index.articles) + len(result.index.entities)
    assert "<!-- edited -->" in (site / "public" / "people" / "mark-rutte" / "index.html").read_text()
    assert_same_as_from_scratch(site, tmp_path)


def edit_theme(site: Path) -> None:
    templates = site / "templates"
    templates.mkdir(exist_ok=True)
    base = (REPO / "templates" / "base.html").read_text(encoding="utf-8")
    (templates / "base.html").write_text(base.replace("</body>", "<!-- edited --></body>"), encoding="utf-8")


def test_a_template_edit_reuses_the_annotated_bodies(site, tmp_path, monkeypatch):
    annotated: list[str] = []
    annotate = Renderer.annotated_html

    def counting(self, article):
        annotated.append(article.slug)
        return annotate(self, article)
    monkeypatch.setattr(Renderer, "annotated_html", counting)
    edit_theme(site)
    build(site)
    assert annotated == []  # every article page was rendered around the body it had
    page = (site / "public" / "articles" / "rutte-first-visit-kyiv" / "index.html").read_text(encoding="utf-8")
    assert "<!-- edited -->" in page and 'class="quote' in page
    assert_same_as_from_scratch(site, tmp_path)


def test_a_damaged_or_missing_annotated_body_is_made_again(site, tmp_path, monkeypatch):
    bodies = sorted((site / ".gloss-cache" / "annotated").glob("*.html"))
    assert len(bodies) == len(list((site / "content").glob("*.md"))) - 1  # the draft is not built
    bodies[0].write_text("another key\n<p>another article</p>", encoding="utf-8")
    bodies[1].unlink()
    edit_theme(site)
    annotated: list[str] = []
    annotate = Renderer.annotated_html
    monkeypatch.setattr(Renderer, "annotated_html",
                        lambda self, article: annotated.append(article.slug) or annotate(self, article))
    build(site)
    assert len(annotated) == 2
    assert_same_as_from_scratch(site, tmp_path)


def test_only_the_bodies_of_the_current_articles_are_kept(site):
    source = site / "content" / "rutte-dutch-premiership.md"
    source.write_text(source.read_text(encoding="utf-8") + "\nA new paragraph.\n", encoding="utf-8")
    (site / "content" / "zelenskyy-victory-plan-rada.md").unlink()
    result = build(site)
    bodies = list((site / ".gloss-cache" / "annotated").glob("*.html"))
    assert len(bodies) == len(result.index.articles)


@pytest.mark.parametrize("damage", ["corrupt", "replaced output"])
def test_a_manifest_that_cannot_be_trusted_renders_every_page(site, tmp_path, rendered, damage):
    if damage == "corrupt":
        (site / ".gloss-cache" / MANIFEST_NAME).write_text("{not json", encoding="utf-8")
    else:  # the output folder was swapped for another (a different inode): nothing to carry
        (site / "public").rename(site / "elsewhere")
        (site / "public").mkdir()
    source = site / "content" / "rutte-first-visit-kyiv.md"
    source.write_text(source.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    result = build(site)
    assert len(rendered) == len(result.index.articles) + len(result.index.entities)
    assert_same_as_from_scratch(site, tmp_path)


def test_a_carried_page_that_was_deleted_by_hand_is_rendered_again(site, tmp_path, rendered):
    page = site / "public" / "topics" / "nato" / "index.html"
    page.unlink()
    source = site / "content" / "rutte-first-visit-kyiv.md"
    source.write_text(source.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    build(site)
    assert page.is_file() and "nato" in rendered
    assert_same_as_from_scratch(site, tmp_path)


ALIAS_ORDER = """
from builder.config import ENTITY_KINDS
from builder.entities import ArticleInput, build_registry
from builder.records import ArticleAnalysis, CharSpan, MentionFound
names = ["The Labour Party", "Labour party", "Labour Party", "the Labour Party"]
text = ". ".join(names)
mentions, start = [], 0
for name in names:
    start = text.index(name, start)
    mentions.append(MentionFound(CharSpan(start, start + len(name)), name, "ORG"))
    start += len(name)
registry = build_registry([ArticleInput("a", text, ArticleAnalysis(tuple(mentions), (), ()), (), ())], ENTITY_KINDS)
print([(e.name, e.aliases) for e in registry.entities.values()])
"""


def test_aliases_come_out_in_the_same_order_whatever_the_hash_seed():
    # Spellings that fold alike ("Labour party", "Labour Party") tie in the sort; a set's
    # iteration order, which changes with PYTHONHASHSEED, must not decide between them.
    outputs = set()
    for seed in map(str, range(1, 11)):
        run = subprocess.run([sys.executable, "-c", ALIAS_ORDER], capture_output=True, text=True, cwd=REPO,
                             env={**os.environ, "PYTHONHASHSEED": seed}, check=True)
        outputs.add(run.stdout)
    assert len(outputs) == 1, outputs


def test_the_digest_of_an_article_page_covers_every_field_of_what_it_flattens():
    # Renderer.page_jobs lists the fields of cards and entity rows by hand in an article page's
    # digest; a field added to either without being added there would leave pages stale.
    from dataclasses import fields

    from builder.annotate import Card
    from builder.index import EntityInArticle
    assert [f.name for f in fields(Card)] == ["entity", "url", "kind_label", "context"]
    assert [f.name for f in fields(EntityInArticle)] == ["entity", "mentions", "quotes"]


def test_pages_written_by_forked_processes_are_the_pages_written_by_one(site, tmp_path, monkeypatch):
    # The sample site is too small to fork for; lower the threshold so two processes (this
    # one and a fork) share the pages, in a full build and in an incremental one.
    import builder.render
    monkeypatch.setattr(builder.render, "PARALLEL_PAGES", 1)
    config = site / "site.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("[nlp]\n", "[nlp]\nprocesses = 2\n"), encoding="utf-8")
    build(site)  # site.toml changed: every page rendered, by two processes
    assert_same_as_from_scratch(site, tmp_path)
    source = site / "content" / "rutte-first-visit-kyiv.md"
    source.write_text(source.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    build(site)
    assert_same_as_from_scratch(site, tmp_path)


def test_a_preview_redoes_only_the_edited_articles_share_of_the_site(tmp_path, monkeypatch):
    """Between builds of one process, merging entities, indexing and digesting an article page
    are redone for the edited article only (and the output is still as from scratch)."""
    import builder.entities
    import builder.index
    root = copy_sample_site(tmp_path / "site")
    PREVIEWS[root] = warm = WarmState()
    try:
        build(root)
        counted: dict[str, list[str]] = {"votes": [], "shares": [], "rows": []}
        votes, share, rows = builder.entities._article_votes, builder.index._share, Renderer._entities_of
        monkeypatch.setattr(builder.entities, "_article_votes",
                            lambda article, editorial: counted["votes"].append(article.slug) or votes(article, editorial))
        monkeypatch.setattr(builder.index, "_share", lambda article: counted["shares"].append(article.slug) or share(article))
        monkeypatch.setattr(Renderer, "_entities_of",
                            lambda self, article, person: counted["rows"].append(article.slug) or rows(self, article, person))
        source = root / "content" / "rutte-dutch-premiership.md"
        source.write_text(source.read_text(encoding="utf-8") + "\nIt rained all day.\n", encoding="utf-8")
        build(root)
        assert counted == {"votes": ["rutte-dutch-premiership"], "shares": ["rutte-dutch-premiership"],
                           "rows": ["rutte-dutch-premiership"] * 2}
        assert_same_as_from_scratch(root, tmp_path)
        assert warm.analyses and warm.registry.votes.keys() == warm.index.articles.keys()
    finally:
        PREVIEWS.pop(root, None)
