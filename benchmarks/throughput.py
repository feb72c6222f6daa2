"""How fast argmine maps, next to spaCy: words/s for 1 and N workers, peak memory, time vs document length.

    python benchmarks/throughput.py                      # the default model, results as Markdown on stdout
    python benchmarks/throughput.py --model rules --out benchmarks/RESULTS.md
    python benchmarks/throughput.py --corpus path/to/folder/of/txt --workers 4
    python benchmarks/throughput.py --batch-scaling     # `argmine batch`, 1 vs 2 workers, on editorials
    python benchmarks/throughput.py --paired --docs 120  # only one process against the small architecture

Rows:
- spaCy blank English tokenizer: the ceiling, nothing runs but tokenisation;
- spaCy small-English architecture (tok2vec, tagger, parser, ner; `spacy init config --optimize efficiency`)
  built untrained here, because `en_core_web_sm` cannot be installed everywhere; speed does not depend on
  the weights, only on the architecture, so this times what the small pipeline would cost;
- argmine with `--model`: in the main process, and on 1 and N worker processes (argmine's own pool,
  what `argmine batch` and `map_many(workers=N)` use), serialising every map to JSON as a batch does;
- `argmine batch` end to end on N workers (reading files, writing outputs atomically, the report).
Worker start-up (import + model load) is reported separately and left out of the words/s of the pools.

`--batch-scaling` times only `argmine batch` as a user runs it: the command in a fresh process (interpreter
start, imports, model load, reading, mapping, writing, the report: everything) over a folder of texts, with 1
and with `--workers` N workers, runs alternated. The texts are the Webis editorials of the public corpora
(`--corpora`, read with `argmine.corpora.read_editorials`), as many as reach `--words`, written to a temporary
folder for the run and deleted after (never into the repository), or the `.txt` files of `--corpus`.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import opeds  # noqa: E402

import argmine  # noqa: E402
from argmine.batch import default_workers, run_batch  # noqa: E402
from argmine.batch.pool import WorkerPool, chunked  # noqa: E402
from argmine.batch.work import Task, map_chunk, process  # noqa: E402


def words(texts: list[str]) -> int:
    return sum(len(t.split()) for t in texts)


def load_texts(corpus: Path | None, docs: int) -> tuple[list[str], str]:
    """Texts from a folder of `.txt` files, or `docs` op-eds generated from the project's `corpus/`."""
    if corpus is not None:
        paths = sorted(corpus.rglob("*.txt"))
        if not paths:
            sys.exit(f"throughput: no .txt files in {corpus}")
        texts = [p.read_text(encoding="utf-8", errors="replace") for p in paths]
        return texts, f"{len(paths)} files in {corpus}"
    texts = opeds.generate(docs, seed=1, paragraphs=(4, 8))
    return texts, f"{docs} op-eds generated from corpus/ (paragraphs shuffled, seed 1)"


def time_pipe(nlp, texts: list[str], n_process: int = 1) -> float:
    start = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=16, n_process=n_process):
        pass
    return time.perf_counter() - start


def small_english():
    """spaCy's small English architecture (tagger, parser, ner; efficiency), initialised untrained."""
    import spacy
    from spacy.cli.init_config import init_config
    from spacy.training import Example

    config = init_config(lang="en", pipeline=["tagger", "parser", "ner"], optimize="efficiency", gpu=False)
    nlp = spacy.util.load_model_from_config(config, auto_fill=True, validate=True)
    seed = ["The council should fund night buses.", "Critics say the buses would run empty in Harrowgate."]

    def examples():
        out = []
        for text in seed:
            doc = nlp.make_doc(text)
            n = len(doc)
            out.append(Example.from_dict(doc, {"tags": ["NN"] * n, "heads": [0] * n,
                                               "deps": ["ROOT"] + ["dep"] * (n - 1),
                                               "entities": ["B-ORG"] + ["O"] * (n - 1)}))
        return out

    nlp.initialize(examples)
    return nlp


def peak_rss_mib(pid: int | str = "self") -> float | None:
    """Peak resident memory of a process (Linux /proc), in MiB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds a live process has used (Linux /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def in_process(texts: list[str], miner) -> tuple[float, float]:
    """Wall and CPU seconds to map and serialise `texts` here, as `argmine batch --workers 1` does."""
    tasks = [Task(i, f"doc{i}", text=t, size=len(t)) for i, t in enumerate(texts)]
    process(miner, tasks[:2], "json")  # warm caches
    start, cpu = time.perf_counter(), time.process_time()
    for chunk in chunked(tasks, 24_000):
        process(miner, chunk.tasks, "json")
    return time.perf_counter() - start, time.process_time() - cpu


def paired(small, texts: list[str], miner, chunk: int = 20) -> tuple[float, float, float]:
    """The small architecture and argmine (as `in_process`) take turns on the same `chunk`-document slices, the
    order swapped every slice: a change in this machine's speed mid-run (it drifts by a third on a shared host)
    hits both. Returns their total seconds and the median of the per-slice speed ratios (argmine / small)."""
    tasks = [Task(i, f"doc{i}", text=t, size=len(t)) for i, t in enumerate(texts)]
    process(miner, tasks[:2], "json")
    totals = {"small": 0.0, "argmine": 0.0}
    ratios = []
    for k, start in enumerate(range(0, len(texts), chunk)):
        took = {}
        for which in ("small", "argmine") if k % 2 == 0 else ("argmine", "small"):
            t0 = time.perf_counter()
            if which == "small":
                for _ in small.pipe(texts[start : start + chunk], batch_size=16):
                    pass
            else:
                process(miner, tasks[start : start + chunk], "json")
            took[which] = time.perf_counter() - t0
            totals[which] += took[which]
        ratios.append(took["small"] / took["argmine"])
    return totals["small"], totals["argmine"], statistics.median(ratios)


def pool_run(texts: list[str], model: str | None, workers: int) -> dict:
    """Map `texts` on argmine's worker pool; start-up and steady throughput apart, peak RSS per worker."""
    tasks = [Task(i, f"doc{i}", text=t, size=len(t)) for i, t in enumerate(texts)]
    start = time.perf_counter()
    first = None
    peaks: list[float] = []
    with WorkerPool(workers, (model,)) as pool:
        # Warm up: every worker loads the model before the clock starts.
        warm = list(chunked(tasks[:workers], 1, max_tasks=1))
        for _ in pool.run(warm, map_chunk, "json"):
            pass
        first = time.perf_counter() - start
        pids = pool.pids()
        before = {pid: cpu_seconds(pid) for pid in pids}
        t0, cpu0 = time.perf_counter(), time.process_time()
        done = 0
        for _, outcomes in pool.run(chunked(tasks, 24_000), map_chunk, "json"):
            done += sum(o.ok for o in outcomes)
        elapsed = time.perf_counter() - t0
        cpu = time.process_time() - cpu0
        for pid in pids:
            now = cpu_seconds(pid)
            cpu += (now - before[pid]) if now is not None and before[pid] is not None else 0.0
        peaks = [p for p in (peak_rss_mib(pid) for pid in pool.pids()) if p is not None]
    assert done == len(texts), f"only {done} of {len(texts)} mapped"
    return {"startup": first, "seconds": elapsed, "cpu": cpu, "peaks": peaks}


def batch_run(texts: list[str], model: str | None, workers: int) -> float:
    """`argmine batch` on a folder of the texts: wall-clock seconds, outputs and report written."""
    folder = Path(tempfile.mkdtemp(prefix="argmine-bench-"))
    try:
        for i, text in enumerate(texts):
            (folder / "in").mkdir(exist_ok=True)
            (folder / "in" / f"doc{i:05d}.txt").write_text(text, encoding="utf-8")
        start = time.perf_counter()
        report = run_batch([str(folder / "in")], folder / "out", model=model, workers=workers)
        elapsed = time.perf_counter() - start
        assert report.count("ok") == len(texts), report.summary()
        return elapsed
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def length_scaling(model: str | None, base_docs: int) -> list[tuple[int, int, float]]:
    """(scale, words, seconds) for the same documents with their body repeated 1, 4 and 16 times."""
    from argmine.nlp import load

    miner = load(model)
    rows = []
    for scale in (1, 4, 16):
        texts = opeds.generate(base_docs, seed=2, paragraphs=(3, 3), scale=scale)
        list(miner.map_many(texts[:2]))  # warm caches
        start = time.perf_counter()
        for _ in miner.map_many(texts):
            pass
        rows.append((scale, words(texts), time.perf_counter() - start))
    return rows


def _burn(seconds: float) -> None:
    start = time.process_time()
    while time.process_time() - start < seconds:
        pass


def free_cores(n: int, seconds: float = 1.0) -> float:
    """How many of `n` cores the run gets (other jobs share them): n CPU-burning processes against one."""
    import multiprocessing

    # A busy loop touches no threads or libraries, so a plain fork (instant) is safe here.
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    walls = []
    for k in (1, n):
        procs = [ctx.Process(target=_burn, args=(seconds,)) for _ in range(k)]
        for proc in procs:
            proc.start()
        start = time.perf_counter()
        for proc in procs:
            proc.join()
        walls.append(time.perf_counter() - start)
    return n * walls[0] / walls[1]


def _load() -> str:
    return f"{os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else "unknown"


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = ""
    if hasattr(os, "getloadavg"):
        load = f"; load average at start {os.getloadavg()[0]:.1f}"
    return f"{cpu}, {os.cpu_count()} cores{load}; Python {platform.python_version()}"


def editorial_texts(corpora: Path, words_wanted: int) -> tuple[list[str], str]:
    """Webis editorials (Fox News first, then Al Jazeera, by file name) until `words_wanted` words."""
    from argmine.corpora.editorials import read_editorials

    texts: list[str] = []
    for outlet in ("foxnews", "aljazeera"):
        for amap in read_editorials(corpora / "editorials", outlet):
            if words(texts) >= words_wanted:
                break
            texts.append(amap.text)
    return texts, f"Webis editorials from {corpora / 'editorials'} (Fox News, then Al Jazeera)"


def batch_command(folder: Path, out: Path, model: str | None, workers: int) -> tuple[float, dict, float]:
    """`python -m argmine batch folder -o out -w workers` in a fresh process: wall seconds, report totals and
    the seconds the documents took to map (summed over the workers)."""
    import json
    import subprocess

    cmd = [sys.executable, "-m", "argmine", "batch", str(folder), "-o", str(out), "-w", str(workers)]
    if model:
        cmd += ["-m", model]
    # This checkout's argmine, whatever else is installed.
    paths = [str(HERE.parent), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
    shutil.rmtree(out, ignore_errors=True)
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"throughput: {' '.join(cmd)} failed ({done.returncode}): {done.stderr.strip()}")
    report = json.loads((out / "argmine-report.json").read_text(encoding="utf-8"))
    return wall, report["totals"], sum(doc.get("seconds") or 0.0 for doc in report["documents"])


def batch_scaling(args, model_name: str) -> str:
    """Markdown: `argmine batch` end to end (a fresh process each time) with 1 and `args.workers` workers."""
    if args.corpus is not None:
        texts, described = load_texts(args.corpus, 0)
    else:
        texts, described = editorial_texts(args.corpora, args.words)
    if not texts:
        sys.exit("throughput: no texts to map")
    total = words(texts)
    n = max(2, args.workers)
    log = lambda msg: print(f"throughput: {msg}", file=sys.stderr, flush=True)  # noqa: E731
    folder = Path(tempfile.mkdtemp(prefix="argmine-scaling-"))
    try:
        for i, text in enumerate(texts):
            (folder / "in").mkdir(exist_ok=True)
            (folder / "in" / f"doc{i:04d}.txt").write_text(text, encoding="utf-8")
        cores_before = free_cores(n)
        batch_command(folder / "in", folder / "out", args.model, 1)  # warm the file cache, not counted
        runs: dict[int, list[tuple[float, float]]] = {1: [], n: []}
        mapping: list[float] = []  # the 1-worker runs' seconds spent mapping documents
        for r in range(args.repeat):
            for w in (1, n) if r % 2 == 0 else (n, 1):
                log(f"argmine batch, {w} worker(s), run {r + 1} of {args.repeat}")
                wall, totals, mapped = batch_command(folder / "in", folder / "out", args.model, w)
                assert totals["ok"] == len(texts), totals
                runs[w].append((wall, totals["seconds"]))
                if w == 1:
                    mapping.append(mapped)
        # The same through `run_batch` in this one process, as a program that maps batch after batch does:
        # spaCy is imported already; the first N-worker run starts the fork server (and waits for its load).
        here: dict[int, list[float]] = {1: [], n: []}
        for r in range(args.repeat):
            for w in (1, n) if r % 2 == 0 else (n, 1):
                log(f"run_batch in this process, {w} worker(s), run {r + 1} of {args.repeat}")
                shutil.rmtree(folder / "out", ignore_errors=True)
                start = time.perf_counter()
                report = run_batch([str(folder / "in")], folder / "out", model=args.model, workers=w)
                here[w].append(time.perf_counter() - start)
                assert report.count("ok") == len(texts), report.summary()
        cores_after = free_cores(n)
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    def best(w: int, k: int) -> float:
        return min(run[k] for run in runs[w])

    # Amdahl: what the best 1-worker run spent outside mapping documents (interpreter start, imports, the
    # model load, reading, writing) no worker count shortens; perfect workers would only divide the rest.
    fastest = min(range(len(runs[1])), key=lambda i: runs[1][i][0])
    wall1, mapped1 = runs[1][fastest][0], mapping[fastest]
    ceiling = wall1 / (wall1 - mapped1 + mapped1 / n)

    out = [
        f"# `argmine batch` scaling ({time.strftime('%Y-%m-%d')})",
        "",
        f"Machine: {machine()}. argmine {argmine.__version__}, model `{model_name}`.",
        f"Texts: {described}: {len(texts)} documents, {total:,} words, written to a temporary folder.",
        f"Each run is `python -m argmine batch IN -o OUT -w N` in a fresh process; {args.repeat} runs per worker "
        "count, alternated; the best run counts (the slower ones lost time to other jobs on the machine).",
        "",
        "| workers | wall seconds (command) | words/s | seconds in the report (after start-up) | all runs (wall) |",
        "| ---: | ---: | ---: | ---: | --- |",
    ]
    for w in (1, n):
        out.append(f"| {w} | {best(w, 0):.2f} | {total / best(w, 0):,.0f} | {best(w, 1):.2f} | "
                   f"{', '.join(f'{run[0]:.2f}' for run in runs[w])} |")
    out += [
        "",
        f"Speed-up, {n} workers over 1: **{best(1, 0) / best(n, 0):.2f}x** end to end (the command's wall time), "
        f"{best(1, 1) / best(n, 1):.2f}x in the report's seconds (from `run_batch`'s start: without the "
        f"interpreter's start and the imports). {n} CPU-burning processes ran {cores_before:.1f}x (before) and "
        f"{cores_after:.1f}x (after) as fast as one: the parallelism other jobs left for the run.",
        "",
        f"The best 1-worker run spent {mapped1:.2f} of its {wall1:.2f} s mapping documents and "
        f"{wall1 - mapped1:.2f} s on everything else (interpreter start, imports, model load, reading, writing): "
        f"with that part as it is, {n} perfect workers would reach at most **{ceiling:.2f}x** end to end.",
        "",
        f"`run_batch` called {args.repeat} times per worker count in one process (spaCy imported already; the "
        f"first {n}-worker call starts the fork server, which loads the model): 1 worker "
        f"{', '.join(f'{s:.2f}' for s in here[1])} s, {n} workers {', '.join(f'{s:.2f}' for s in here[n])} s "
        f"(in order); best {min(here[1]) / min(here[n]):.2f}x, first runs {here[1][0] / here[n][0]:.2f}x.",
    ]
    return "\n".join(out) + "\n"


def paired_only(args, model_name: str) -> str:
    """Markdown: argmine in one process against the small architecture, paired (see `paired`), `args.repeat`
    times over the same texts; every run is given and the median run counts."""
    import spacy

    from argmine.nlp import load

    texts, described = load_texts(args.corpus, args.docs)
    total = words(texts)
    small = small_english()
    miner = load(args.model)
    # Both see every text once first: spaCy's first sight of a word creates its lexeme (see `main`).
    time_pipe(small, texts)
    in_process(texts, miner)
    runs = [paired(small, texts, miner) for _ in range(max(1, args.repeat))]
    ratios = [s / a for s, a, _ in runs]
    middle = sorted(range(len(runs)), key=ratios.__getitem__)[len(runs) // 2]
    s, a, median_slice = runs[middle]
    return "\n".join([
        f"# argmine against spaCy's small architecture, one process, paired ({time.strftime('%Y-%m-%d')})",
        "",
        f"Machine: {machine()}. spaCy {spacy.__version__}, argmine {argmine.__version__}, model `{model_name}`.",
        f"Corpus: {described}: {len(texts)} documents, {total:,} words.",
        "",
        f"{len(runs)} paired runs (the small architecture and argmine take turns on the same 20-document slices); "
        f"argmine / small, whole run: {', '.join(f'{r:.2f}x' for r in ratios)}. Median run: small {s:.2f} s "
        f"({total / s:,.0f} words/s), argmine {a:.2f} s ({total / a:,.0f} words/s): **{s / a:.2f}x** over the "
        f"whole run, {median_slice:.2f}x the median slice. Load average {_load()} at the end.",
    ]) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", "-m", default=None, help="argmine model: name or folder, or 'rules'")
    parser.add_argument("--workers", "-w", type=int, default=default_workers(), help="N of the N-worker rows")
    parser.add_argument("--corpus", type=Path, default=None, help="folder of .txt files [default: generated]")
    parser.add_argument("--docs", type=int, default=300, help="generated documents when no --corpus")
    parser.add_argument("--length-docs", type=int, default=10, help="documents for the length rows")
    parser.add_argument("--no-small", action="store_true", help="skip the spaCy small-architecture rows")
    parser.add_argument("--out", type=Path, default=None, help="also write the Markdown here")
    parser.add_argument("--batch-scaling", action="store_true",
                        help="only time `argmine batch` end to end, 1 vs --workers workers (at least 2)")
    parser.add_argument("--corpora", type=Path, default=Path(os.environ.get("ARGMINE_CORPORA", HERE.parent.parent
                        / "shared" / "corpora")), help="public corpora, for --batch-scaling's editorials")
    parser.add_argument("--words", type=int, default=100_000, help="--batch-scaling: words of editorials")
    parser.add_argument("--repeat", type=int, default=2, help="--batch-scaling: runs per worker count")
    parser.add_argument("--paired", action="store_true",
                        help="only argmine in one process against the small architecture, paired (no pools, "
                        "no batch, no length rows)")
    args = parser.parse_args(argv)

    from argmine.nlp.models import resolve_model

    model = args.model
    model_name = str(resolve_model(model)) if model else f"default ({resolve_model(None)})"
    if args.batch_scaling or args.paired:
        text = (batch_scaling if args.batch_scaling else paired_only)(args, model_name)
        print(text)
        if args.out:
            args.out.write_text(text, encoding="utf-8")
        return 0

    import spacy

    texts, described = load_texts(args.corpus, args.docs)
    total = words(texts)
    n = max(1, args.workers)
    log = lambda msg: print(f"throughput: {msg}", file=sys.stderr, flush=True)  # noqa: E731
    rows: list[tuple[str, int, float, str]] = []

    cores_before = free_cores(n)
    log("spaCy blank English tokenizer")
    blank = spacy.blank("en")
    rows.append(("spaCy blank `en` tokenizer (ceiling)", 1, time_pipe(blank, texts), ""))
    rows.append(("spaCy blank `en` tokenizer (ceiling)", n, time_pipe(blank, texts, n_process=n),
                 "spaCy `n_process`, start-up included"))
    if not args.no_small:
        log("spaCy small English architecture (untrained)")
        small = small_english()
        rows.append(("spaCy small-English architecture", 1, time_pipe(small, texts), "tagger+parser+ner"))
        rows.append(("spaCy small-English architecture", n, time_pipe(small, texts, n_process=n),
                     "spaCy `n_process`, start-up included"))

    from argmine.nlp import load

    miner = load(model)
    log(f"argmine {model_name}, one process")
    seconds, cpu = in_process(texts, miner)
    rows.append((f"argmine `{model_name}`, in the main process", 1, seconds,
                 f"as `--workers 1`; maps serialised to JSON; {cpu:.1f} CPU s"))
    if not args.no_small:
        # After both have seen every text once: spaCy's first sight of a word creates its lexeme, and that
        # first pass must not count against one of the two only.
        log(f"argmine {model_name} and the small architecture, paired")
        pair = paired(small, texts, miner)
    pools = {}
    for w in sorted({1, n}):
        log(f"argmine {model_name}, pool of {w}")
        pools[w] = pool_run(texts, model, w)
        first = " (the first pool also starts the fork server)" if w == min(pools) else ""
        rows.append((f"argmine `{model_name}`, worker pool", w, pools[w]["seconds"],
                     f"{pools[w]['cpu']:.1f} CPU s (workers + main); "
                     f"start-up {pools[w]['startup']:.1f} s{first}, not counted"))
    log(f"argmine batch, {n} workers")
    rows.append((f"`argmine batch` end to end, `{model_name}`", n, batch_run(texts, model, n),
                 "files in, files + report out; start-up included"))
    log("time vs document length")
    scaling = length_scaling(model, args.length_docs)

    speedup = pools[1]["seconds"] / pools[n]["seconds"] if n > 1 else 1.0
    cores_after = free_cores(n)

    def cpu_k(w: int) -> float:
        return pools[w]["cpu"] / total * 1000
    out = [
        f"# argmine throughput ({time.strftime('%Y-%m-%d')})",
        "",
        f"Machine: {machine()}. spaCy {spacy.__version__}, argmine {argmine.__version__}.",
        f"Corpus: {described}: {len(texts)} documents, {total:,} words.",
        "The small-English rows time spaCy's `en_core_web_sm` architecture built untrained "
        "(`spacy init config --pipeline tagger,parser,ner --optimize efficiency`): speed depends on the "
        "architecture, not on the weights.",
        "",
        "| pipeline | workers | seconds | words/s | notes |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for name, w, seconds, note in rows:
        out.append(f"| {name} | {w} | {seconds:.2f} | {total / seconds:,.0f} | {note} |")
    if not args.no_small:
        out += [
            "",
            f"One process, paired (the small architecture and argmine take turns on the same 20-document slices, "
            f"so a change in the machine's speed during the run hits both): small {pair[0]:.2f} s "
            f"({total / pair[0]:,.0f} words/s), argmine {pair[1]:.2f} s ({total / pair[1]:,.0f} words/s); "
            f"argmine's speed relative to the small architecture: **{pair[0] / pair[1]:.2f}x** over the whole run, "
            f"{pair[2]:.2f}x the median slice.",
        ]
    out += [
        "",
        f"Speed-up of the argmine pool, {n} workers over 1: **{speedup:.2f}x** (target on 2 cores: >= 1.4x). "
        f"CPU seconds per 1,000 words (workers + main process): {cpu_k(1):.3f} on 1 worker, "
        f"{cpu_k(n):.3f} on {n}. Load average {_load()} at the end of the run; {n} CPU-burning processes ran "
        f"{cores_before:.1f}x (before) and {cores_after:.1f}x (after) as fast as one: the parallelism "
        "other jobs on this machine left for the run.",
        "",
        "Peak resident memory (VmHWM): main process {:.0f} MiB; per worker: {}.".format(
            peak_rss_mib() or 0,
            ", ".join(f"{p:.0f} MiB" for p in pools[n]["peaks"]) or "n/a (needs Linux /proc)"),
        "",
        f"Time vs document length (argmine `{model_name}`, one process, {args.length_docs} documents, "
        "body repeated):",
        "",
        "| length | words | seconds | µs per word |",
        "| ---: | ---: | ---: | ---: |",
    ]
    for scale, w, seconds in scaling:
        out.append(f"| {scale}x | {w:,} | {seconds:.2f} | {seconds / w * 1e6:.1f} |")
    base = scaling[0][2] / scaling[0][1]
    ratio = (scaling[-1][2] / scaling[-1][1]) / base
    out += ["", f"Cost per word at 16x relative to 1x: {ratio:.2f} (1.00 = linear in document length)."]
    text = "\n".join(out) + "\n"
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
        log(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
