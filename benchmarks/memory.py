"""Peak memory of `argmine map` (and optionally `argmine batch`) on the inputs that used to blow it up.

    python benchmarks/memory.py                       # default model and rules, Markdown on stdout
    python benchmarks/memory.py --model rules --cases oped-1m
    python benchmarks/memory.py --batch --out benchmarks/MEMORY.md

Each measurement is one fresh `python -m argmine map FILE -f json` process (stdout to /dev/null), and its
peak resident set size is what the kernel reports for that child when it is reaped (`os.wait4`, the same
`ru_maxrss` that `getrusage(RUSAGE_CHILDREN)` gives; on Linux in KiB). So the figure is the whole process:
interpreter, spaCy, the model, the text, the map and its JSON, not a sampled estimate. `--batch` adds
`argmine batch --workers 1` over the 1,000,000-character inputs: with one worker the batch maps in its own
process, so the figure is what one worker of a pool needs (pool workers are the forkserver's children, out
of reach of wait4).

Inputs (all generated here, none from a corpus):
- `oped-short`: one generated op-ed (~3,000 characters), the size argmine is made for: the baseline;
- `oped-1m`: one op-ed whose body is repeated to just under 1,000,000 characters (`benchmarks/opeds.py`);
- `tiny-100k`: 100,000 one-line paragraphs (`Point 7.`), 999,999 characters, 400,000 tokens with the
  paragraph breaks: the most tokens per character that still reads as text;
- `exclamations`: `No!!! Yes??? ` to 1,000,000 characters, two tokens per three characters: denser still.

Memory measurements take CPU (a 1,000,000-character text takes 15-45 s with the default model); on a shared
machine run them one case at a time (`--cases`).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import opeds  # noqa: E402

LIMIT = 1_000_000  # argmine's default --max-chars: the largest input a default run accepts


def oped_short() -> str:
    return opeds.generate(1, seed=1, paragraphs=(8, 8))[0]


def oped_1m() -> str:
    one = opeds.generate(1, seed=1, paragraphs=(8, 8))[0]
    text = opeds.generate(1, seed=1, paragraphs=(8, 8), scale=LIMIT // len(one) + 1)[0]
    cut = text.rfind("\n\n", 0, LIMIT - 100)  # end on a paragraph, under the limit
    return text[:cut] + "\n\nThat is why the county must act.\n"


def tiny_100k() -> str:
    return "\n\n".join(f"Point {i % 10}." for i in range(100_000)) + "\n"


def exclamations() -> str:
    # "No" "!" "!" "!": two tokens per three characters, and far below the 1,000-mark "not prose" guard.
    return ("No!!! Yes??? " * (LIMIT // 13))[: LIMIT - 1] + "\n"


CASES = {"oped-short": oped_short, "oped-1m": oped_1m, "tiny-100k": tiny_100k, "exclamations": exclamations}


def peak_of(command: list[str]) -> tuple[float, float, int]:
    """Run `command` with this checkout first on the path; its peak RSS (MiB), wall seconds, exit code."""
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    start = time.perf_counter()
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    # wait4 reaps exactly this child and gives its own rusage (ru_maxrss: the peak RSS of it and of the
    # descendants it waited for, i.e. the batch workers); RUSAGE_CHILDREN would be the maximum so far
    # over every case run from this process.
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    stderr = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    if proc.returncode != 0:
        print(f"  {' '.join(command)}: exit {proc.returncode}: {stderr.strip()}", file=sys.stderr)
    kib = usage.ru_maxrss if sys.platform != "darwin" else usage.ru_maxrss / 1024
    return kib / 1024, seconds, proc.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", "-m", action="append", default=None,
                        help="model to measure (repeatable) [default: the shipped default and rules]")
    parser.add_argument("--cases", nargs="+", choices=sorted(CASES), default=list(CASES), help="inputs to map")
    parser.add_argument("--batch", action="store_true", help="also `argmine batch` the 1M inputs, one worker")
    parser.add_argument("--out", type=Path, default=None, help="also write the Markdown here")
    args = parser.parse_args()
    models = args.model or ["default", "rules"]

    rows = []
    with tempfile.TemporaryDirectory(prefix="argmine-memory-") as tmp:
        files = {}
        for name in args.cases:
            text = CASES[name]()
            files[name] = Path(tmp) / f"{name}.txt"
            files[name].write_text(text, encoding="utf-8")
            print(f"{name}: {len(text):,} characters", file=sys.stderr)
        for model in models:
            flag = [] if model == "default" else ["--model", model]
            for name, path in files.items():
                mib, seconds, code = peak_of([sys.executable, "-m", "argmine", "map", str(path), "-f", "json", *flag])
                rows.append({"model": model, "input": name, "characters": len(path.read_text(encoding="utf-8")),
                             "command": "map", "peak_mib": round(mib), "seconds": round(seconds, 1), "exit": code})
                print(f"  {model:8} {name:12} {mib:7.0f} MiB {seconds:6.1f} s", file=sys.stderr)
            big = [str(files[n]) for n in ("oped-1m", "tiny-100k") if n in files]
            if args.batch and big:
                out = Path(tmp) / f"out-{model}"
                mib, seconds, code = peak_of([sys.executable, "-m", "argmine", "batch", *big, "-o", str(out),
                                              "--workers", "1", *flag])
                rows.append({"model": model, "input": " + ".join(Path(b).stem for b in big),
                             "characters": sum(len(Path(b).read_text(encoding="utf-8")) for b in big),
                             "command": "batch -w 1", "peak_mib": round(mib), "seconds": round(seconds, 1),
                             "exit": code})
                print(f"  {model:8} batch        {mib:7.0f} MiB {seconds:6.1f} s", file=sys.stderr)

    lines = [
        f"Peak RSS per process ({platform.python_implementation()} {platform.python_version()}, "
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores):",
        "",
        "| model | input | characters | command | peak RSS (MiB) | seconds | exit |",
        "|---|---|---:|---|---:|---:|---:|",
    ]
    lines += [f"| {r['model']} | {r['input']} | {r['characters']:,} | {r['command']} | {r['peak_mib']:,} | "
              f"{r['seconds']} | {r['exit']} |" for r in rows]
    markdown = "\n".join(lines) + "\n"
    print(markdown)
    print(json.dumps(rows), file=sys.stderr)
    if args.out:
        args.out.write_text(markdown, encoding="utf-8")


if __name__ == "__main__":
    main()
