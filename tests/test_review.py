"""The editor's list: likely NLP mistakes, each with file and line (real model, small site)."""
from __future__ import annotations

from builder.build import BuildOptions, gather_site
from builder.review import review_site


def article(title: str, body: str) -> str:
    return f'+++\ntitle = "{title}"\ndate = 2024-10-03\n+++\n\n{body}\n'


def findings_by_category(root) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for finding in review_site(gather_site(BuildOptions(root=root))):
        out.setdefault(finding.category, []).append(str(finding.diagnostic))
    return out


def test_review_lists_each_kind_of_likely_mistake_with_file_and_line(make_site):
    root = make_site({
        "site.toml": 'title = "Review"\n',
        "content/a.md": article("A", "Ukrainian President Volodymyr Zelenskyy spoke in Kyiv on Monday.\n\n"
                                     "Later, President Volodymyr Zelensky met reporters in Kyiv."),
        "content/b.md": article("B", "The weather was mild.\n\n"
                                     "“We will rebuild every school and every hospital in the city.”"),
        "content/c.md": article("C", "Officials said Schoof would travel on Friday.\n\n"
                                     "Schoof has not commented."),
    })
    found = findings_by_category(root)
    duplicates = found["likely duplicate"]
    assert any("content/a.md:8: warning: 'Volodymyr Zelensky' and 'Volodymyr Zelenskyy' may be the same person"
               in d for d in duplicates), duplicates
    unattributed = found["no speaker"]
    assert any("content/b.md:8: warning: quote “We will rebuild every school" in d for d in unattributed), \
        unattributed
    one_word = found["one-word person"]
    assert any("content/c.md:6: warning: 'Schoof' is a person known by one word only" in d
               for d in one_word), one_word


def test_review_is_empty_for_a_clean_article(make_site):
    root = make_site({
        "site.toml": 'title = "Review"\n',
        "content/a.md": article("A", "NATO Secretary General Mark Rutte met Ukrainian President "
                                     "Volodymyr Zelenskyy in Brussels on Thursday. Rutte spoke first."),
    })
    found = findings_by_category(root)
    assert "likely duplicate" not in found and "one-word person" not in found and "no speaker" not in found


def test_check_prints_the_review_after_the_links_and_still_passes(make_site, capsys):
    from builder.__main__ import main
    root = make_site({
        "site.toml": 'title = "Review"\nbase_url = "https://example.org/"\n',
        "content/c.md": article("C", "Officials said Schoof would travel on Friday."),
    })
    assert main(["-q", "build", str(root)]) == 0
    status = main(["check", str(root)])
    err = capsys.readouterr().err
    assert status == 0
    assert "for the editors (1):" in err
    assert "content/c.md:6: warning: 'Schoof' is a person known by one word only" in err
    assert main(["check", str(root), "--links-only"]) == 0
    assert "for the editors" not in capsys.readouterr().err


def test_review_names_entities_whose_page_addresses_collide(make_site):
    root = make_site({
        "site.toml": 'title = "Review"\n',
        "data/entities.toml": '[[entity]]\nname = "C++"\nkind = "product"\n[[entity]]\nname = "C#"\nkind = "product"\n',
        "content/a.md": article("A", "Developers compared [C++]{entity=\"C++\" kind=product} with "
                                     "[C#]{entity=\"C#\" kind=product} at the conference."),
    })
    found = findings_by_category(root)["shared address"]
    assert len(found) == 1
    # names in order: "C#" comes before "C++" and keeps the plain address
    assert "content/a.md:6: warning: 'C++' makes the same page address as 'C#' (c); it is given c-2 instead" \
        in found[0], found
