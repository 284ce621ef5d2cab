#!/usr/bin/env python3
"""Where the scorer's speaker misses go: the breakdown table in the README, reproducible.

    python bench/quote_misses.py SCORER GOLD.jsonl OUT_DIR [KIND [N]]

SCORER is the issue's `score_quotes.py` (its placement and name rules are imported from it,
so the counts agree with its speaker accuracy); OUT_DIR is a built site (or the output of
`bench/quotes_dev.py`). Each checked quote (a recalled gold quote whose source names someone)
falls in one kind:

  right             the scorer's check passes
  right (unnamed)   it passes, and our speaker is an unnamed source's description
  artifact          our speaker is named and its last word is in the annotated source, but
                    the scorer wants another word (the first capitalised run of the source:
                    "Vermont" for "Vermont Sen. Bernie Sanders")
  unnamed           our speaker is an unnamed source, without the scorer's word
  none              we give no speaker
  wrong             someone else

The scorer skips gold quotes whose source is a pronoun ("he", "she", "they"...): their
speaker can only be checked by reading the article. The summary counts them too: how many
we recall and how many of those have a named speaker. KIND `pronoun` lists them in a random
order (SEED, default 0), each with the text before it, for reading by hand:

    python bench/quote_misses.py SCORER GOLD.jsonl OUT_DIR pronoun 25 7

With another KIND, up to N examples of that kind follow the summary (slug | ours | gold
source | quote). Needs nothing but the standard library: run it with any Python 3.
"""
from __future__ import annotations

import importlib.util
import json
import random
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path


def load_scorer(path: Path):
    spec = importlib.util.spec_from_file_location("score_quotes", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def folded(text: str, scorer) -> str:
    """Lower case, the scorer's character mapping, accents dropped ("Calderón" → "calderon")."""
    text = unicodedata.normalize("NFKD", text.translate(scorer.TRANS))
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def kind_of(gold_source: str, ours: dict, name: list[str], scorer) -> str:
    said = (ours.get("speaker_name") or "").translate(scorer.TRANS).lower()
    said_words = set(re.findall(r"[\w.'-]+", said))
    unnamed = ours.get("speaker") is None and ours.get("speaker_name") is not None
    if name[-1] in said_words or name[-1].rstrip(".") in said_words:
        return "right (unnamed)" if unnamed else "right"
    if ours.get("speaker_name") is None:
        return "none"
    if unnamed:
        return "unnamed"
    our_words = re.findall(r"[\w'-]+", folded(ours["speaker_name"], scorer))
    if our_words and our_words[-1] in re.findall(r"[\w'-]+", folded(gold_source, scorer)):
        return "artifact"
    return "wrong"


# Gold sources the scorer cannot check: a subject pronoun stands for the speaker.
PRONOUN_SOURCES = frozenset("he she they it we i you".split())


def main() -> None:
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    scorer = load_scorer(Path(sys.argv[1]))
    golds = [json.loads(line) for line in Path(sys.argv[2]).read_text(encoding="utf-8").splitlines()
             if line.strip()]
    system = json.loads(Path(sys.argv[3], "api", "quotes.json").read_text(encoding="utf-8"))["quotes"]
    show = sys.argv[4] if len(sys.argv) > 4 else None
    limit = int(sys.argv[5]) if len(sys.argv) > 5 else 40
    seed = int(sys.argv[6]) if len(sys.argv) > 6 else 0
    by_article: dict[str, list[dict]] = {}
    for q in system:
        by_article.setdefault(q["article"], []).append(q)
    kinds: Counter[str] = Counter()
    examples: list[tuple[str, ...]] = []
    pronouns: Counter[str] = Counter()
    readings: list[tuple[str, ...]] = []
    for art in golds:
        norm, idx = scorer.norm_with_map(art["text"])
        used: set[int] = set()
        placed = [(pieces, q) for q in by_article.get(art["slug"], [])
                  if (pieces := scorer.place(norm, idx, q.get("text", ""), used))]
        spans = [sp for pieces, _ in placed for sp in pieces]
        for g in art["quotes"]:
            gold_span = [(g["start"], g["end"])]
            if len(g["text"].split()) >= 4 and \
                    (g["source"] or "").strip().lower() in PRONOUN_SOURCES:
                pronouns["all"] += 1
                if scorer.covered(gold_span, spans) >= 0.5:
                    ours = max(placed, key=lambda pq: scorer.covered(gold_span, pq[0]))[1]
                    pronouns["recalled"] += 1
                    pronouns["named"] += ours.get("speaker") is not None
                    before = art["text"][max(0, g["start"] - 600):g["start"]]
                    readings.append((art["slug"], str(ours.get("speaker_name")), g["source"],
                                     " ".join(before.split()) + " >>> " + g["text"][:90]))
                continue
            if len(g["text"].split()) < 4 or scorer.covered(gold_span, spans) < 0.5:
                continue  # not a quote the speaker accuracy checks
            name = scorer.name_tokens(g["source"])
            if not name:
                continue
            ours = max(placed, key=lambda pq: scorer.covered(gold_span, pq[0]))[1]
            kind = kind_of(g["source"], ours, name, scorer)
            kinds[kind] += 1
            if kind == show and len(examples) < limit:
                examples.append((art["slug"], str(ours.get("speaker_name")), g["source"],
                                 g["text"][:70]))
    total = sum(kinds.values())
    print(f"{total} checked quotes")
    for kind, n in kinds.most_common():
        print(f"  {kind:16} {n:5}  {n / total:.3f}")
    print(f"{pronouns['all']} pronoun-sourced quotes (not checked): {pronouns['recalled']} "
          f"recalled, {pronouns['named']} of them with a named speaker")
    if show == "pronoun":
        random.Random(seed).shuffle(readings)
        examples = readings[:limit]
    for row in examples:
        print(" | ".join(row))


if __name__ == "__main__":
    main()
