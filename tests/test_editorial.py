"""Editors stay in control: data/entities.toml, front-matter suppression and inline marks,
through real builds with the real model."""
from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup

from builder.build import BuildOptions, build
from builder.errors import UserError

SITE_TOML = 'title = "Editorial"\nbase_url = "https://example.org/"\n'


def article(title: str, body: str, extra: str = "") -> str:
    return f'+++\ntitle = "{title}"\ndate = 2024-10-03\n{extra}+++\n\n{body}\n'


def entities(result) -> dict[str, dict]:
    data = json.loads((result.out_dir / "api" / "entities.json").read_text())
    return {e["name"]: e for e in data["entities"]}


def quotes(result) -> list[dict]:
    return json.loads((result.out_dir / "api" / "quotes.json").read_text())["quotes"]


def test_overrides_merge_spellings_ignore_words_fix_kinds_and_describe(make_site):
    root = make_site({
        "site.toml": SITE_TOML,
        "data/entities.toml": '''
            ignore = ["Alliance"]

            [[entity]]
            name = "Volodymyr Zelenskyy"
            aliases = ["Zelensky"]
            kind = "person"
            description = "President of Ukraine since 2019."
            links = { Wikipedia = "https://en.wikipedia.org/wiki/Volodymyr_Zelenskyy" }

            [[entity]]
            name = "Eindhoven"
            kind = "place"
        ''',
        "content/a.md": article("A", "Ukrainian President Volodymyr Zelenskyy met the Alliance's leaders "
                                     "in Brussels on Monday."),
        "content/b.md": article("B", "Zelensky travelled to Eindhoven, where Zelensky saw the jets."),
    })
    result = build(BuildOptions(root=root))
    found = entities(result)
    assert "Zelensky" not in found
    zelenskyy = found["Volodymyr Zelenskyy"]
    assert set(zelenskyy["articles"]) == {"a", "b"}
    assert "Zelensky" in zelenskyy["aliases"]
    assert "Alliance" not in found
    assert found["Eindhoven"]["kind"] == "place"
    page = (result.out_dir / "people" / zelenskyy["id"] / "index.html").read_text()
    assert "President of Ukraine since 2019." in page
    assert "https://en.wikipedia.org/wiki/Volodymyr_Zelenskyy" in page
    article_b = (result.out_dir / "articles" / "b" / "index.html").read_text()
    assert "President of Ukraine since 2019." in article_b  # the card's line of context


def test_overrides_keep_apart_people_the_merging_would_confuse(make_site):
    files = {
        "site.toml": SITE_TOML,
        "content/a.md": article("A", "George W. Bush spoke in Texas. George H. W. Bush listened."),
    }
    merged = entities(build(BuildOptions(root=make_site(files, "merged"))))
    assert len([n for n, e in merged.items() if e["kind"] == "person"]) == 1
    files["data/entities.toml"] = '''
        [[entity]]
        name = "George W. Bush"
        kind = "person"
        [[entity]]
        name = "George H. W. Bush"
        kind = "person"
    '''
    apart = entities(build(BuildOptions(root=make_site(files, "apart"))))
    assert {"George W. Bush", "George H. W. Bush"} <= set(apart)


def test_front_matter_can_suppress_an_annotation(make_site):
    root = make_site({
        "site.toml": SITE_TOML,
        "content/a.md": article("A", "NATO Secretary General Mark Rutte visited Kyiv. Rutte met NATO staff.",
                                'ignore_entities = ["NATO"]\n'),
        "content/b.md": article("B", "NATO leaders met Mark Rutte in Brussels."),
    })
    result = build(BuildOptions(root=root))
    assert entities(result)["NATO"]["articles"] == ["b"]
    html = (result.out_dir / "articles" / "a" / "index.html").read_text()
    assert 'data-entity="nato"' not in html
    assert 'data-entity="mark-rutte"' in html


def test_inline_marks_link_a_phrase_name_a_speaker_and_keep_text_plain(make_site):
    body = ("NATO Secretary General Mark Rutte visited Kyiv on Thursday.\n\n"
            "Later [the Secretary General]{entity=\"Mark Rutte\"} met soldiers. "
            "Asked about [Kyiv]{.no-annotate}, an aide replied: "
            "[“We will be back before winter,”]{speaker=\"Mark Rutte\"} and left.")
    root = make_site({"site.toml": SITE_TOML, "content/a.md": article("A", body)})
    result = build(BuildOptions(root=root))
    html = (result.out_dir / "articles" / "a" / "index.html").read_text()
    assert '>the Secretary General</a>' in html
    assert html.count('data-entity="kyiv"') == 1  # the marked one stays plain
    (quote,) = [q for q in quotes(result) if "back before winter" in q["text"]]
    assert quote["speaker_name"] == "Mark Rutte"
    assert quote["text"] == "We will be back before winter,"


def test_inline_attributes_cannot_inject_markup(make_site):
    body = '[hi]{onclick="alert(1)" style="color:red" entity="<b>x</b>"} [link](https://x.org){onmouseover=alert(1)}'
    root = make_site({"site.toml": SITE_TOML, "content/a.md": article("A", body)})
    html = (build(BuildOptions(root=root)).out_dir / "articles" / "a" / "index.html").read_text()
    body_tree = BeautifulSoup(html, "html.parser").select_one(".article-body")
    attributes = {name for tag in body_tree.find_all(True) for name in tag.attrs}
    assert not {a for a in attributes if a.startswith("on") or a == "style"}, attributes
    assert body_tree.find("b") is None


def test_bad_overrides_file_is_reported_with_its_path_and_line(make_site):
    root = make_site({
        "site.toml": SITE_TOML,
        "data/entities.toml": '[[entity]]\nname = "X"\nkind = "planet"\n\n[[entity]]\naliases = ["Y"]\n',
        "content/a.md": article("A", "Text."),
    })
    with pytest.raises(UserError) as error:
        build(BuildOptions(root=root))
    messages = [str(d) for d in error.value.diagnostics]
    assert any(m.startswith("data/entities.toml:1: 'X': unknown kind 'planet'") for m in messages), messages
    assert any(m.startswith("data/entities.toml:5: [[entity]] #2 needs a name") for m in messages), messages


def test_front_matter_can_force_a_phrase_to_an_entity(make_site):
    root = make_site({
        "site.toml": SITE_TOML,
        "content/a.md": article("A", "NATO Secretary General Mark Rutte arrived on Monday. Later the "
                                     "Secretary General met soldiers, and the Secretary General's aides left.",
                                '[link_entities]\n"the Secretary General" = "Mark Rutte"\n'),
    })
    result = build(BuildOptions(root=root))
    html = (result.out_dir / "articles" / "a" / "index.html").read_text()
    assert html.count('data-entity="mark-rutte" href="/people/mark-rutte/">the Secretary General</a>') == 2
    assert entities(result)["Mark Rutte"]["mentions"] == 3


def test_a_wrong_link_entities_value_is_reported_with_its_line(make_site):
    root = make_site({
        "site.toml": SITE_TOML,
        "content/a.md": article("A", "Text.", 'link_entities = ["not", "a", "table"]\n'),
    })
    with pytest.raises(UserError) as error:
        build(BuildOptions(root=root))
    assert any("a.md:4: 'link_entities' must be a table of \"phrase\" = \"entity name\"" in str(d)
               for d in error.value.diagnostics), error.value.diagnostics
