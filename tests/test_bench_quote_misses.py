"""bench/quote_misses.py: where the scorer's checked quotes go, and the pronoun-sourced quotes
it skips. The issue's scorer lives outside the project, so a small stand-in with the same
functions (exact placement, the first capitalised run as the name) is written for the test."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "bench" / "quote_misses.py"

STAND_IN_SCORER = textwrap.dedent('''
    import re
    TRANS = str.maketrans({})
    def norm_with_map(text):
        return text, list(range(len(text)))
    def place(norm, idx, quote, used):
        k = norm.find(quote)
        return [(k, k + len(quote))] if k >= 0 else None
    def covered(pieces, spans):
        total = hit = 0
        for s, e in pieces:
            total += e - s
            hit += sum(1 for i in range(s, e) if any(a <= i < b for a, b in spans))
        return hit / total if total else 0.0
    def name_tokens(source):
        run = []
        for w in re.findall(r"[A-Za-z][\\w.'-]*", source or ""):
            w = w.rstrip(".")
            if w[:1].isupper() and w.lower() not in {"he", "she", "sen", "gov"}:
                run.append(w.lower())
            elif run:
                break
        return run
''')

TEXT = ("“We will win this state,” said Sen. Dana Reyes. “The plan is a good one,” she added. "
        "“Our schools need money now,” Vermont Gov. Ali Stone said. “Nobody told us anything,” "
        "he said.")


def gold_quote(text: str, source: str) -> dict:
    start = TEXT.index(text)
    return {"start": start, "end": start + len(text), "text": text, "source": source}


def run(tmp_path: Path, ours: list[dict], *args: str) -> str:
    scorer = tmp_path / "scorer.py"
    scorer.write_text(STAND_IN_SCORER, encoding="utf-8")
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"slug": "a", "text": TEXT, "quotes": [
        gold_quote("We will win this state,", "Sen. Dana Reyes"),
        gold_quote("The plan is a good one,", "she"),
        gold_quote("Our schools need money now,", "Vermont Gov. Ali Stone"),
        gold_quote("Nobody told us anything,", "he"),
    ]}) + "\n", encoding="utf-8")
    api = tmp_path / "site" / "api"
    api.mkdir(parents=True)
    (api / "quotes.json").write_text(json.dumps({"quotes": ours}), encoding="utf-8")
    result = subprocess.run([sys.executable, str(SCRIPT), str(scorer), str(gold), str(tmp_path / "site"),
                             *args], capture_output=True, text=True, check=True)
    return result.stdout


def quote(text: str, speaker: str | None, name: str | None) -> dict:
    return {"article": "a", "text": text, "speaker": speaker, "speaker_name": name}


def test_checked_quotes_are_sorted_into_kinds_and_pronoun_quotes_are_counted(tmp_path):
    out = run(tmp_path, [
        quote("We will win this state,", "dana-reyes", "Dana Reyes"),
        quote("The plan is a good one,", "dana-reyes", "Dana Reyes"),
        quote("Our schools need money now,", "ali-stone", "Ali Stone"),  # the scorer wants "vermont"
        quote("Nobody told us anything,", None, None),
    ])
    assert "2 checked quotes" in out
    assert "right                1" in out and "artifact             1" in out
    assert "2 pronoun-sourced quotes (not checked): 2 recalled, 1 of them with a named speaker" in out


def test_the_pronoun_kind_lists_those_quotes_with_the_text_before_them(tmp_path):
    out = run(tmp_path, [quote("The plan is a good one,", "dana-reyes", "Dana Reyes")], "pronoun", "5")
    rows = [line for line in out.splitlines() if line.startswith("a | ")]
    assert rows == ["a | Dana Reyes | she | “We will win this state,” said Sen. Dana Reyes. “ >>> "
                    "The plan is a good one,"]
