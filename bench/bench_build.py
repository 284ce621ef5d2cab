"""Build benchmark: Gloss against bare spaCy (the NLP floor) and Pelican (the non-NLP yardstick).

    .venv/bin/python bench/bench_build.py [--limit 100] [--scale 10] [--repeat 2] [--no-pelican] [--out FILE]

Copies the PolNeAR corpus site (840 articles) into a temporary folder (never writes into
/work/shared), then measures, each in a fresh process:

- cold build (empty NLP cache) vs bare `nlp.pipe(texts, n_process=P, batch_size=16)` over the
  very texts Gloss analyses, with the same pipeline components and process count (taking
  turns, --repeat times each; the fastest of each counts, and the highest memory peak);
- rebuild with nothing changed; full re-render with a warm NLP cache (after a template edit);
  rebuild after editing one article (and the time bare spaCy takes for that article alone);
- peak memory, the proportional set size (PSS) summed over the process and its children
  (sampled from /proc every 50 ms), so pages shared between processes count once;
- with --scale K, the cold build again over K copies of the corpus under new slugs;
- Pelican building the same articles without NLP, in its own temporary virtualenv.

Prints a Markdown table with the targets. Every run starts after a sync of the file system, so
none pays for writing back the files of the one before. Timings on a shared machine are noisy:
run it when the machine is quiet, or say in the README that it was not.
"""
from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = Path("/work/shared/corpus/polnear-train/site")
PYTHON = sys.executable
sys.path.insert(0, str(REPO))


# --- measuring a process tree ----------------------------------------------------------------


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return found


def _rss_bytes(pid: int) -> int:
    """The process's proportional set size: its private memory plus its share of pages it
    shares with others. Summing plain RSS over a parent and its forked children counts every
    shared page once per process; summing PSS counts it once."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def tree_rss(pid: int) -> int:
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        total += _rss_bytes(current)
        stack += _children(current)
    return total


@dataclass
class Run:
    seconds: float
    peak_bytes: int
    output: str


def measure(command: list[str], cwd: Path = REPO) -> Run:
    """Wall time and peak summed RSS of a command and all its descendants. The file system is
    synced first, so a run does not pay for writing back what the one before it wrote."""
    os.sync()
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss(process.pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output, _ = process.communicate()
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}):\n{output}")
    return Run(seconds, peak, output)


# --- the sites --------------------------------------------------------------------------------


def copy_corpus(destination: Path, limit: int | None, scale: int) -> Path:
    articles = sorted((CORPUS / "content").glob("*.md"))[:limit]
    (destination / "content").mkdir(parents=True)
    shutil.copy(CORPUS / "site.toml", destination / "site.toml")
    for copy in range(scale):
        for path in articles:
            name = path.name if copy == 0 else f"copy{copy}-{path.name}"
            text = path.read_text(encoding="utf-8")
            if copy:  # a slug of its own, whatever the front matter says
                text = re.sub(r'^slug = "(.*)"$', rf'slug = "copy{copy}-\1"', text, flags=re.M)
            (destination / "content" / name).write_text(text, encoding="utf-8")
    return destination


BARE_SPACY = r"""
import sys, time
from pathlib import Path
sys.path.insert(0, {repo!r})
from builder.content import read_articles
from builder.build import prepare
from builder.nlp import load_model, resolve_model, process_count
root = Path({site!r})
sources, _ = read_articles(root / "content", root, False)
texts = [prepare(s).text for s in sources]
started = time.perf_counter()
nlp = load_model(resolve_model("en_core_web_sm"))
words = sum(len(doc) for doc in nlp.pipe(texts, n_process={processes}, batch_size=16))
print(f"BARE {{time.perf_counter() - started:.3f}} {{len(texts)}} {{words}} {{','.join(nlp.pipe_names)}}")
"""


def bare_spacy(site: Path, processes: int) -> tuple[Run, float]:
    """Bare nlp.pipe over Gloss's texts; the reported time starts at the model load (reading
    and preparing the articles is the builder's business, measured in its own rows)."""
    run = measure([PYTHON, "-c", BARE_SPACY.format(repo=str(REPO), site=str(site), processes=processes)])
    line = next(l for l in run.output.splitlines() if l.startswith("BARE "))
    return run, float(line.split()[1])


IN_PROCESS_EDIT = r"""
import logging, sys, time
from pathlib import Path
sys.path.insert(0, {repo!r})
from builder.build import BuildOptions, WarmState, build, prepare
from builder.config import load_config
from builder.content import read_article
from builder.nlp import analyse_doc, load_model, resolve_model
root = Path({site!r})
logging.disable(logging.WARNING)
options = BuildOptions(root, skip_if_unchanged=True, warm=WarmState())  # as `serve` builds
build(options)  # the preview's first build
path = sorted((root / "content").glob("*.md"))[0]
edits = []
for name in ("Jo Roe", "Jo Poe", "Jo Doe", "Jo Moe"):  # the first edit loads the model
    path.write_text(path.read_text(encoding="utf-8") + f"\nOne more sentence, said {{name}}.\n", encoding="utf-8")
    started = time.perf_counter()
    build(options)
    edits.append(time.perf_counter() - started)
# that article's NLP in the same process (model loaded): what the edit cannot avoid
text = prepare(read_article(path, path)[0]).text
nlp = load_model(resolve_model(load_config(root)[0].nlp.model))
nlps = []
for _ in range(3):
    started = time.perf_counter()
    analyse_doc(nlp(text))
    nlps.append(time.perf_counter() - started)
print(f"EDIT {{min(edits[1:]):.3f}} {{min(nlps):.3f}}")
"""


def edit_in_running_process(site: Path) -> tuple[float, float]:
    """What `serve` does after a save: a rebuild in the process that built before, with the
    model loaded, Python started and the previous build's work kept (builder.build.WarmState).
    Returns (the fastest of three edits, that article's NLP in the same process)."""
    run = measure([PYTHON, "-c", IN_PROCESS_EDIT.format(repo=str(REPO), site=str(site))])
    line = next(l for l in run.output.splitlines() if l.startswith("EDIT ")).split()
    return float(line[1]), float(line[2])


def gloss_build(site: Path, *extra: str) -> Run:
    """A build, timed until the command returns. The output it replaced is deleted by a
    background process (builder.output.delete_in_background); that is waited for before the
    next measurement, so one build's deletion never slows the next one down."""
    from builder.output import retired_outputs
    from builder.warmstore import STATE_NAME
    run = measure([PYTHON, "-m", "builder", "-v", "build", str(site), *extra])
    stages = [line.removeprefix("time: ") for line in run.output.splitlines() if line.startswith("time: ")]
    print("  stages: " + "; ".join(" ".join(stage.split()) for stage in stages), file=sys.stderr)
    time.sleep(0.2)  # the state writer opens its file at once
    # nor does the next one share the machine with this one's detached state writer
    while retired_outputs(site / "public") or list((site / ".gloss-cache").glob(f".{STATE_NAME}.*")):
        time.sleep(0.1)
    return run


def fastest_template_edit(site: Path, label: str) -> Run:
    """The faster of two builds after a template edit: the first patch of a new site also makes
    its spare folder (builder.output), which no later edit pays for."""
    runs = []
    for _ in range(2):
        edit_template(site)
        runs.append(gloss_build(site))
        print(f"{label}: {runs[-1].seconds:.1f} s", file=sys.stderr)
    return min(runs, key=lambda run: run.seconds)


def edit_one_article(site: Path, speaker: str = "Jane Doe") -> Path:
    path = sorted((site / "content").glob("*.md"))[0]
    text = path.read_text(encoding="utf-8")
    path.write_text(text + f"\nA sentence added for the benchmark, said {speaker}.\n", encoding="utf-8")
    return path


ONE_ARTICLE_NLP = r"""
import sys
sys.path.insert(0, {repo!r})
from builder.nlp import analyse_doc, load_model, resolve_model
text = open({text!r}, encoding="utf-8").read()
analyse_doc(load_model(resolve_model("en_core_web_sm"))(text))
"""


def one_article_nlp(site: Path, work: Path) -> tuple[float, float]:
    """What spaCy alone costs a new process for the article edit_one_article edits: (the whole
    process: start Python, import spaCy, load the model, parse; the load and parse alone). A
    `build` command after an edit is a new process, and cannot do with less."""
    from builder.build import prepare
    from builder.content import read_article
    path = sorted((site / "content").glob("*.md"))[0]
    text_file = work / "one-article.txt"
    text_file.write_text(prepare(read_article(path, site)[0]).text, encoding="utf-8")
    whole = min(measure([PYTHON, "-c", ONE_ARTICLE_NLP.format(repo=str(REPO), text=str(text_file))]).seconds
                for _ in range(3))
    one_site = copy_corpus(work / "one", 1, 1)
    edit_one_article(one_site)
    _, load_and_parse = bare_spacy(one_site, 1)
    return whole, load_and_parse


def edit_template(site: Path) -> None:
    """A change to a site template that touches every page (as a theme edit would)."""
    (site / "templates").mkdir(exist_ok=True)
    base = (REPO / "templates" / "base.html").read_text(encoding="utf-8")
    marker = f"<!-- benchmark {time.time()} -->"
    (site / "templates" / "base.html").write_text(base.replace("</body>", marker + "</body>"), encoding="utf-8")


# --- Pelican ----------------------------------------------------------------------------------


def pelican_site(gloss_site: Path, destination: Path) -> Path:
    """The same articles as Pelican Markdown (metadata header lines instead of TOML)."""
    import tomllib
    content = destination / "content"
    content.mkdir(parents=True)
    for path in sorted((gloss_site / "content").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        _, front, body = text.split("+++", 2)
        meta = tomllib.loads(front)
        header = [f"Title: {meta['title']}", f"Date: {meta['date']}", f"Slug: {path.stem}"]
        if meta.get("author"):
            header.append(f"Author: {meta['author'] if isinstance(meta['author'], str) else ', '.join(meta['author'])}")
        (content / path.name).write_text("\n".join(header) + "\n\n" + body.lstrip(), encoding="utf-8")
    (destination / "pelicanconf.py").write_text(
        'SITENAME = "PolNeAR"\nSITEURL = ""\nPATH = "content"\nTIMEZONE = "UTC"\nDEFAULT_LANG = "en"\n'
        # no feeds: some corpus articles hold control characters, which Pelican's feed writer
        # refuses (XML 1.0 has no place for them)
        "FEED_ALL_ATOM = None\nCATEGORY_FEED_ATOM = None\nAUTHOR_FEED_ATOM = None\nAUTHOR_FEED_RSS = None\n"
        "TRANSLATION_FEED_ATOM = None\nFEED_ATOM = None\nFEED_RSS = None\nTAG_FEED_ATOM = None\n"
        "DEFAULT_PAGINATION = 10\nLOAD_CONTENT_CACHE = False\n", encoding="utf-8")
    return destination


def pelican_build(gloss_site: Path, work: Path) -> Run | str:
    venv = work / "pelican-venv"
    try:
        subprocess.run([PYTHON, "-m", "venv", str(venv)], check=True, capture_output=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", "pelican[markdown]"],
                       check=True, capture_output=True, timeout=600)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        return f"Pelican could not be installed ({exc.__class__.__name__}); skipped"
    site = pelican_site(gloss_site, work / "pelican-site")
    try:
        return measure([str(venv / "bin" / "pelican", ), "content", "-o", "output", "-s", "pelicanconf.py", "-q"],
                       cwd=site)
    except SystemExit as failure:
        return f"Pelican failed: {str(failure).splitlines()[-1][:120]}"


# --- the report -------------------------------------------------------------------------------


def mib(n: int) -> str:
    return f"{n / 2**20:,.0f} MiB"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="use only the first N articles")
    parser.add_argument("--scale", type=int, default=1, help="also build K copies of the corpus (e.g. 10)")
    parser.add_argument("--processes", type=int, default=0, help="NLP processes (0: one per core)")
    parser.add_argument("--repeat", type=int, default=2, help="cold builds and bare runs (the fastest counts)")
    parser.add_argument("--no-pelican", action="store_true", help="skip the Pelican yardstick")
    parser.add_argument("--out", type=Path, default=None, help="also write the table to this file")
    args = parser.parse_args()
    from builder.nlp import process_count
    processes = process_count(args.processes)

    rows: list[tuple[str, str, str, str]] = []  # (measurement, value, compared with, target)
    with tempfile.TemporaryDirectory(prefix="gloss-bench-") as tmp:
        work = Path(tmp)
        site = copy_corpus(work / "site", args.limit, 1)
        if args.processes:
            (site / "site.toml").write_text((site / "site.toml").read_text() + f"\n[nlp]\nprocesses = {processes}\n")
        count = len(list((site / "content").glob("*.md")))
        print(f"{count} articles, {processes} processes", file=sys.stderr)

        # The cold builds and bare spaCy take turns, and the fastest of each counts: on a
        # shared machine the same run varies by 10-20 % from minute to minute.
        bares, colds = [], []
        for attempt in range(args.repeat):
            if attempt:
                shutil.rmtree(site / ".gloss-cache")
                shutil.rmtree(site / "public")
            bares.append(bare_spacy(site, processes))
            print(f"bare spaCy: {bares[-1][0].seconds:.1f} s (nlp {bares[-1][1]:.1f} s), "
                  f"{mib(bares[-1][0].peak_bytes)}", file=sys.stderr)
            colds.append(gloss_build(site))
            print(f"cold build: {colds[-1].seconds:.1f} s, {mib(colds[-1].peak_bytes)}", file=sys.stderr)
        bare, bare_nlp_seconds = min(bares, key=lambda pair: pair[0].seconds)
        cold = min(colds, key=lambda run: run.seconds)
        bare = Run(bare.seconds, max(b.peak_bytes for b, _ in bares), bare.output)  # the highest peak
        cold = Run(cold.seconds, max(c.peak_bytes for c in colds), cold.output)
        nothing = gloss_build(site)
        print(f"nothing changed: {nothing.seconds:.2f} s", file=sys.stderr)
        warm = fastest_template_edit(site, "warm re-render")
        (site / "site.toml").write_text((site / "site.toml").read_text() + "\n[search]\nenabled = false\n")
        gloss_build(site)  # the new setting: a whole new site, not what a template edit does
        warm_no_search = fastest_template_edit(site, "warm re-render without search")
        edits = []
        for speaker in ("Jane Doe", "Jane Roe", "Jane Poe"):
            time.sleep(1)  # an editor's pace: the file is newer than the last build's stamp
            edit_one_article(site, speaker)
            edits.append(gloss_build(site))
            print(f"one-article edit (no search): {edits[-1].seconds:.2f} s", file=sys.stderr)
        one = min(edits, key=lambda run: run.seconds)
        in_serve, in_serve_nlp = edit_in_running_process(site)
        print(f"one-article edit in a running preview: {in_serve:.2f} s (its NLP {in_serve_nlp:.2f} s)",
              file=sys.stderr)
        one_nlp, one_load_and_parse = one_article_nlp(site, work)
        print(f"that article's NLP as a process: {one_nlp:.2f} s (load and parse {one_load_and_parse:.2f} s)",
              file=sys.stderr)

        rows += [
            (f"cold build, {count} articles", f"{cold.seconds:.1f} s",
             f"bare `nlp.pipe`: {bare.seconds:.1f} s in all, {bare_nlp_seconds:.1f} s of it loading + parsing "
             f"(ratio {cold.seconds / bare.seconds:.2f})", "≤ 1.15×"),
            ("rebuild, nothing changed", f"{nothing.seconds:.2f} s", "", "≤ 1 s"),
            ("full re-render, warm NLP cache (template edit; faster of 2 edits)", f"{warm.seconds:.1f} s",
             "Pelican's cold build (below)", "≤ Pelican"),
            ("the same without the search index (`[search] enabled = false`; faster of 2 edits)",
             f"{warm_no_search.seconds:.1f} s",
             "Pelican's cold build (below)", "≤ Pelican"),
            ("rebuild after editing one article (search off; a `build` command; fastest of 3 edits)",
             f"{one.seconds:.2f} s",
             f"that article's NLP as a process of its own (start Python, import spaCy, load, parse): "
             f"{one_nlp:.2f} s; the load and parse alone {one_load_and_parse:.2f} s", "≤ 1 s + its NLP"),
            ("the same in a running `serve` (Python started, model loaded; fastest of 3 edits)",
             f"{in_serve:.2f} s", f"that article's NLP in that process: {in_serve_nlp:.2f} s", "≤ 1 s + its NLP"),
            (f"peak memory, cold build, {count} articles", mib(cold.peak_bytes),
             f"bare `nlp.pipe`: {mib(bare.peak_bytes)} (ratio {cold.peak_bytes / bare.peak_bytes:.2f})", "≤ 1.25×"),
        ]
        if args.scale > 1:
            shutil.rmtree(work / "one")
            big = copy_corpus(work / "big", args.limit, args.scale)
            big_bare, _ = bare_spacy(big, processes)
            big_cold = gloss_build(big)
            rows += [
                (f"cold build, {args.scale}× ({count * args.scale} articles)", f"{big_cold.seconds:.1f} s",
                 f"bare `nlp.pipe`: {big_bare.seconds:.1f} s (ratio {big_cold.seconds / big_bare.seconds:.2f})",
                 "≤ 1.15×"),
                (f"peak memory, {args.scale}×", mib(big_cold.peak_bytes),
                 f"{count} articles: {mib(cold.peak_bytes)} (ratio {big_cold.peak_bytes / cold.peak_bytes:.2f}); "
                 f"bare `nlp.pipe`: {mib(big_bare.peak_bytes)}", "≤ 2× the 840-article peak"),
            ]
        if not args.no_pelican:
            pelican = pelican_build(site, work)
            if isinstance(pelican, str):
                rows.append(("Pelican, same articles, no NLP", pelican, "", ""))
            else:
                rows.append((f"Pelican, same {count} articles, no NLP (cold)", f"{pelican.seconds:.1f} s",
                             f"Gloss warm re-render: {warm.seconds:.1f} s, without search "
                             f"{warm_no_search.seconds:.1f} s", "yardstick"))

    cpu = os.cpu_count()
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    table = [f"Machine: {cpu} cores, {memory:.0f} GiB, Python {platform.python_version()}; "
             f"{processes} NLP processes; load average at the end {os.getloadavg()[0]:.1f}.", "",
             "| measurement | Gloss | compared with | target |", "|---|---|---|---|"]
    table += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    text = "\n".join(table)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
