"""Do two builds map the same texts to the same bytes? The check for work that must change speed, not output.

    python benchmarks/same_maps.py write OUT        # this checkout's maps of the text set, one JSON file each
    python benchmarks/same_maps.py compare A B      # byte for byte; names every file that differs

Run `write` once with the old code (a checkout of the commit before, or `git stash`) and once with the new,
then `compare`. The text set is varied on purpose: the project's op-eds (`corpus/*.txt`), op-eds generated from
them (`opeds.generate`), texts written here for layouts the corpus lacks (one sentence, one paragraph, a
comment with a title, a list, a text longer than one window), and, when the public corpora are there
(`--corpora`, default ../shared/corpora), essays, microtexts, editorials, web discourse and CMV threads read
with argmine's own readers. The corpora's texts are only read, never written anywhere but OUT, which should
be a temporary folder outside the repository.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import opeds  # noqa: E402

# Texts written for this check: layouts the project's corpus does not have.
_OWN = {
    "own-one-sentence": "Cities should ban cars from their centres.",
    "own-one-paragraph": (
        "The library should stay open on Sundays. Students have nowhere else to work, because the cafes close "
        "early. Admittedly, the extra staff cost money. But a 2024 survey found that 70 percent of visitors "
        "come to study, so the money serves the people the library is for."
    ),
    "own-comment-title": (
        "CMV: homework in primary school does more harm than good\n\n"
        "Kids already spend six hours a day at school. Adding two more hours at home leaves no time to play, "
        "and play is how children learn to get along.\n\nI know some parents like to see what their kids do. "
        "Still, a weekly note from the teacher would show them that without the stress."
    ),
    "own-list": (
        "Three reasons to fund the bus line\n\n- It reaches the hospital.\n- It costs less than a new road.\n"
        "- Riders asked for it in every survey since 2019.\n\nThe council should fund it this year."
    ),
    "own-metadata": (
        "Opinion | Transport\nBy Dana Whitfield\nMarch 3, 2026\n\nLanes are not a plan\n\nWASHINGTON — The county "
        "should stop widening Route 9. Every new lane fills within two years.\n\nDana Whitfield is a transport "
        "researcher at the Northgate Policy Lab.\n\nRead more: Why buses beat lanes"
    ),
    "own-one-line-paragraphs": "\n".join(f"Point {i}. The fund should pay for item {i}." for i in range(1, 30)),
}


def texts(corpora: Path, generated: int, per_corpus: int) -> dict[str, str]:
    """{name: text} of the whole set, in a fixed order."""
    out: dict[str, str] = {}
    for path in sorted((HERE.parent / "corpus").glob("*.txt")):
        out[f"corpus-{path.stem}"] = path.read_text(encoding="utf-8")
    for i, text in enumerate(opeds.generate(generated, seed=7, paragraphs=(2, 9))):
        out[f"generated-{i:03d}"] = text
    out.update(_OWN)
    # Longer than one window (argmine.nlp.miner.WINDOW_CHARS): the windows are joined into one map.
    out["own-long"] = "\n\n".join(opeds.generate(20, seed=3, paragraphs=(8, 8)))
    if corpora.is_dir():
        from argmine.corpora import read_corpus

        for kind, folder, split in (
            ("aae", "aae2-conll", "test"),
            ("microtexts", "microtexts", None),
            ("editorials", "editorials", None),
            ("webdiscourse", "webdiscourse", None),
            ("cmv-modes", "cmv-modes", None),
            ("cdcp", "cdcp", "test"),
        ):
            if not (corpora / folder).exists():
                continue
            maps = read_corpus(kind, corpora / folder, split)
            step = max(1, len(maps) // per_corpus)
            for k, amap in enumerate(maps[::step][:per_corpus]):
                out[f"{kind}-{k:03d}"] = amap.text
    return out


def write(out: Path, corpora: Path, generated: int, per_corpus: int, model: str | None) -> None:
    from argmine.batch.work import serialiser
    from argmine.nlp import load

    named = texts(corpora, generated, per_corpus)
    miner = load(model)
    dumps = serialiser("json")
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    names = list(named)
    for name, amap in zip(names, miner.map_many([named[n] for n in names], names)):
        data = dumps(amap)
        (out / f"{name}.json").write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    words = sum(len(t.split()) for t in named.values())
    print(f"wrote {len(names)} maps ({words:,} words) to {out} in {time.perf_counter() - start:.1f} s")


def compare(a: Path, b: Path) -> int:
    names_a = {p.name for p in a.glob("*.json")}
    names_b = {p.name for p in b.glob("*.json")}
    differ = sorted(n for n in names_a & names_b if (a / n).read_bytes() != (b / n).read_bytes())
    only = sorted(names_a ^ names_b)
    digest = hashlib.sha256(b"".join((a / n).read_bytes() for n in sorted(names_a))).hexdigest()[:16]
    for name in differ:
        print(f"differs: {name}")
    for name in only:
        print(f"only in one: {name}")
    print(f"{len(names_a & names_b)} maps compared, {len(differ)} differ, {len(only)} in one folder only "
          f"(digest of {a}: {digest})")
    return 1 if differ or only or not names_a else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    w = sub.add_parser("write", help="write this checkout's maps of the text set to OUT")
    w.add_argument("out", type=Path)
    w.add_argument("--model", "-m", default=None)
    w.add_argument("--corpora", type=Path,
                   default=Path(os.environ.get("ARGMINE_CORPORA", HERE.parent.parent / "shared" / "corpora")))
    w.add_argument("--generated", type=int, default=50, help="generated op-eds")
    w.add_argument("--per-corpus", type=int, default=15, help="texts from each public corpus")
    c = sub.add_parser("compare", help="compare two folders written by `write`")
    c.add_argument("a", type=Path)
    c.add_argument("b", type=Path)
    args = parser.parse_args(argv)
    if args.command == "write":
        write(args.out, args.corpora, args.generated, args.per_corpus, args.model)
        return 0
    return compare(args.a, args.b)


if __name__ == "__main__":
    sys.exit(main())
