"""Stand-off annotations of the Webis editorials: thesis, units and relations kept apart from the text.

The editorials' licence forbids copying their text, so an annotation file holds only character offsets into
the text `read_editorial` gives, and the sha256 of that text (UTF-8); reading checks the hash, so offsets are
never applied to a text they were not made for. One file per editorial and annotator:

    {"format": "argmine-standoff/1", "corpus": "editorials", "split": "aljazeera", "document": "<file stem>",
     "sha256": "<hex>", "annotator": "A", "thesis": "u3",
     "units": [{"id": "u1", "start": 120, "end": 188, "kind": "claim", "evidence_type": "", "stance": "for"}],
     "relations": [{"source": "u2", "target": "u1", "type": "support"}]}

The map is a tree (docs/annotation-guide.md): the thesis is a `major_claim` with no outgoing relation, every
other unit has at most one (`build` demands exactly one), and any other `major_claim` is a restatement that
supports the thesis directly. Annotators do not write these files by hand: `worksheet` prints an editorial's
text with its Webis segments numbered (`s<Webis number>`), the annotator answers in a small JSON file that
names units by segment (`"s7+s8"` merges adjacent segments, `{"quote": ...}` takes part of one), and `build`
turns the answer into the stand-off file. `agreement` compares two annotators' files. Command line:

    python -m argmine.corpora.standoff worksheet OUTLET STEM --corpora DIR
    python -m argmine.corpora.standoff build ANSWER.json... -o FILE|FOLDER/|- --corpora DIR
    python -m argmine.corpora.standoff agreement DIR_A DIR_B --corpora DIR
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from argmine.argmap import EVIDENCE_TYPES, KINDS, RELATIONS, STANCES, ArgumentMap, MapError, Relation, Unit
from argmine.corpora.editorials import SPLITS, join_segments, read_editorial
from argmine.corpora.errors import CorpusError, CorpusFormatError, check_split, existing_path
from argmine.evaluation.scores import PRF, central_claim, overlap_matches, ratio
from argmine.export.atomic import write_atomic
from argmine.read.layout import ParagraphIndex

FORMAT = "argmine-standoff/1"
CORPUS = "editorials"
KIND = "editorials-standoff"
# A map read from stand-off carries these graph attributes besides `source`.
ANNOTATOR, THESIS, STANDOFF = "annotator", "thesis", "standoff"
_SEGMENT = re.compile(r"s([0-9]+)")
_HEX64 = re.compile(r"[0-9a-f]{64}")


def text_sha256(text: str) -> str:
    """The hash a stand-off file keeps of its text: sha256 of the UTF-8 bytes, lowercase hex."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- the corpus texts -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    """A Webis segment as the worksheet numbers it: `s<number>`, its label, Webis paragraph and offsets
    (surrounding whitespace trimmed, as the editorials reader trims its units)."""

    id: str
    label: str
    paragraph: int
    start: int
    end: int


@dataclass
class Editorial:
    """One editorial as the editorials reader gives it, with its numbered segments."""

    split: str
    document: str
    amap: ArgumentMap
    segments: list[Segment]
    paragraphs: list[tuple[int, int]]  # (start, end) of each Webis paragraph in the text

    @property
    def text(self) -> str:
        return self.amap.text

    @property
    def sha256(self) -> str:
        return text_sha256(self.amap.text)


def editorials_root(corpora: str | os.PathLike) -> Path:
    """The Webis editorials folder: `corpora/editorials`, or `corpora` itself when it holds the outlets."""
    corpora = existing_path(corpora, "editorials")
    if (corpora / CORPUS).is_dir():
        return corpora / CORPUS
    if any((corpora / split).is_dir() for split in SPLITS):
        return corpora
    raise CorpusError(f"no Webis editorials in {corpora}: expected {corpora / CORPUS} or {SPLITS[0]}/ in it")


def load_editorial(root: Path, split: str, document: str) -> Editorial:
    """The editorial `document` (a file stem) of `split` under the editorials folder `root`."""
    if split not in SPLITS:
        raise CorpusError(f"unknown outlet {split!r}; choose one of {', '.join(SPLITS)}")
    if not isinstance(document, str) or not document or "/" in document or "\\" in document or document[0] == ".":
        raise CorpusError(f"not an editorial's file stem: {document!r}")
    path = root / split / f"{document}.json"
    if not path.is_file():
        raise CorpusError(f"editorial {split}/{document} not found: {path} does not exist")
    amap = read_editorial(path, split)
    # The file parsed as an editorial just now, so the segments' structure is known to be sound.
    paragraphs = json.loads(path.read_text(encoding="utf-8"))["paragraphs"]
    text, spans = join_segments([[str(seg["text"]) for seg in par] for par in paragraphs])
    if text != amap.text:  # one joining rule for both: a difference is a bug here, not bad data
        raise AssertionError(f"{path}: segments do not rebuild the reader's text")
    segments, bounds, pos = [], [], 0
    for par_spans in spans:
        pos = par_spans[0][0] if par_spans else pos
        bounds.append((pos, par_spans[-1][1] if par_spans else pos))
    for p, (par, par_spans) in enumerate(zip(paragraphs, spans)):
        for seg, (start, end) in zip(par, par_spans):
            piece = text[start:end]
            if not any(ch.isalnum() for ch in piece):
                continue  # punctuation and blanks are never a unit; the worksheet prints them with the text
            start += len(piece) - len(piece.lstrip())
            end -= len(piece) - len(piece.rstrip())
            segments.append(Segment(f"s{seg['number']}", str(seg["label"]), p, start, end))
    return Editorial(split, document, amap, segments, bounds)


# --- the tree rules -------------------------------------------------------------------------------------------


def derive_stances(amap: ArgumentMap, thesis: str) -> dict[str, str]:
    """Each unit's stance: `against` when its path to the thesis holds an odd number of attacks, else `for`;
    the thesis gets "" and a unit with no path to it keeps its own stance. Linear: each unit is visited once."""
    stance: dict[str, str] = {thesis: ""}
    for unit in amap.units:
        path, node, seen = [], unit.id, set()
        while node not in stance and node not in seen:
            seen.add(node)  # a cycle (which a checked map never has) ends the walk instead of looping
            out = amap.targets(node)
            if len(out) != 1:
                break
            path.append((node, out[0]))
            node = out[0].target
        parity = None if node not in stance else (stance[node] == "against")
        for uid, rel in reversed(path):
            if parity is None:
                stance[uid] = amap.graph.nodes[uid]["stance"]
                continue
            parity ^= rel.relation == "attack"
            stance[uid] = "against" if parity else "for"
        if node not in stance:
            stance[node] = amap.graph.nodes[node]["stance"]
    return stance


def tree_problems(amap: ArgumentMap, thesis: str, *, complete: bool, name=lambda uid: repr(uid)) -> list[str]:
    """What keeps `amap` from being an annotation tree under `thesis` (empty when it is one).

    `complete` demands a relation from every unit but the thesis (an answer file); without it a unit may stand
    alone (a stand-off file written from any map). `name` shows a unit id in the messages.
    """
    if thesis not in amap.graph:
        return [f"the thesis {name(thesis)} is not a unit"]
    problems = []
    if amap.graph.nodes[thesis]["kind"] != "major_claim":
        problems.append(f"the thesis {name(thesis)} is a {amap.graph.nodes[thesis]['kind']}, not a major_claim")
    for unit in amap.units:
        out = amap.targets(unit.id)
        if unit.id == thesis:
            if out:
                problems.append(
                    f"the thesis {name(thesis)} {out[0].relation}s {name(out[0].target)}: it has no relation"
                )
            continue
        if len(out) > 1:
            problems.append(f"{name(unit.id)} has {len(out)} relations ({', '.join(name(r.target) for r in out)}): "
                            "a unit bears on one unit")
        elif not out and complete:
            problems.append(f"{name(unit.id)} has no relation: link it to the unit it bears on, or leave it out")
        if unit.kind == "major_claim" and not (len(out) == 1 and out[0].target == thesis
                                               and out[0].relation == "support"):
            problems.append(f"{name(unit.id)} is a major_claim besides the thesis: a restatement supports the "
                            f"thesis {name(thesis)} directly; anything else is a claim")
    try:
        amap.check_acyclic()
    except MapError as err:
        problems.append(str(err))
    return problems


# --- reading and writing stand-off files ----------------------------------------------------------------------


def read_standoff(
    folder: str | os.PathLike, corpora_root: str | os.PathLike, split: str | None = None
) -> list[ArgumentMap]:
    """The maps of every stand-off file under `folder` (`<outlet>/<stem>.json`, any depth, sorted by path),
    over the texts of the Webis editorials under `corpora_root`; only the outlet `split` if given.

    Each map has the reader's text and `source` ("editorials:<outlet>:<stem>"), the annotation's units
    (paragraphs counted as the editorials reader counts them) and relations, `model` "gold", and the graph
    attributes `annotator`, `thesis` (its unit id) and `standoff` (the file). A file whose hash does not match
    the text, whose editorial is missing, or that breaks the format raises a `CorpusError` naming the file.
    """
    folder = existing_path(folder, "stand-off")
    check_split(split, (None, *SPLITS), "the stand-off editorials")
    root = editorials_root(corpora_root)
    files = sorted(folder.rglob("*.json")) if folder.is_dir() else [folder]
    if not files:
        raise CorpusError(f"no stand-off *.json files under {folder}")
    maps = [read_standoff_file(f, root) for f in files]
    return [m for m in maps if split is None or m.source.split(":")[1] == split]


def read_standoff_file(path: str | os.PathLike, root: Path) -> ArgumentMap:
    """The map of one stand-off file (see `read_standoff`); `root` is the editorials folder."""
    path = Path(path)
    data = _load_json(path)
    try:
        head = _header(data)
        editorial = load_editorial(root, head["split"], head["document"])
    except CorpusError as err:
        raise CorpusFormatError(f"{path}: {err}") from None
    except ValueError as err:
        raise CorpusFormatError(f"{path}: not an {FORMAT} file: {err}") from None
    if head["sha256"] != editorial.sha256:
        raise CorpusFormatError(
            f"{path}: the text of editorial {head['split']}/{head['document']} is not the one annotated "
            f"(sha256 {editorial.sha256[:12]}..., the file expects {head['sha256'][:12]}...): its offsets "
            "would not point at the annotated words"
        )
    try:
        amap = _standoff_map(data, head, editorial)
    except (MapError, ValueError) as err:
        raise CorpusFormatError(f"{path}: {err}") from None
    amap.graph.graph[STANDOFF] = str(path)
    return amap


def _load_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise CorpusFormatError(f"{path}: not valid JSON: {err}") from None
    except UnicodeDecodeError:
        raise CorpusFormatError(f"{path}: not UTF-8 text") from None
    except OSError as err:
        raise CorpusError(f"{path}: cannot read: {err.strerror or err}") from None


def _header(data: Any) -> dict:
    """The identifying fields of a stand-off file, checked (a `ValueError` says what is wrong)."""
    if not isinstance(data, dict):
        raise ValueError("the file is not a JSON object")
    if data.get("format") != FORMAT:
        raise ValueError(f"`format` is {data.get('format')!r}, not {FORMAT!r}")
    if data.get("corpus") != CORPUS:
        raise ValueError(f"`corpus` is {data.get('corpus')!r}, not {CORPUS!r}")
    for key in ("split", "document", "annotator", "thesis"):
        if not isinstance(data.get(key), str) or not data[key]:
            raise ValueError(f"`{key}` must be a non-empty string")
    if not isinstance(data.get("sha256"), str) or not _HEX64.fullmatch(data["sha256"]):
        raise ValueError("`sha256` must be 64 lowercase hex digits")
    if "text" in data:
        raise ValueError("it holds a `text`: stand-off files never carry the corpus text")
    return {k: data[k] for k in ("split", "document", "annotator", "thesis", "sha256")}


def _standoff_map(data: dict, head: dict, editorial: Editorial) -> ArgumentMap:
    paragraph_of = ParagraphIndex(editorial.text)
    amap = ArgumentMap(editorial.text, source=editorial.amap.source, model="gold")
    units = data.get("units")
    relations = data.get("relations")
    if not isinstance(units, list) or not isinstance(relations, list):
        raise ValueError("`units` and `relations` must be lists")
    for item in units:
        if isinstance(item, dict) and "text" in item:
            raise ValueError(f"unit {item.get('id')!r} holds a `text`: stand-off files never carry the corpus text")
        unit = Unit.from_dict(item)
        amap.add_unit(Unit(unit.id, unit.start, unit.end, unit.kind, unit.evidence_type, unit.stance,
                           paragraph_of(unit.start)))
    for item in relations:
        if not isinstance(item, dict) or "type" not in item:
            raise ValueError("a relation must be an object with `source`, `target` and `type`")
        relation = Relation.from_dict({**item, "relation": item["type"]})
        if amap.graph.has_edge(relation.source, relation.target):
            raise ValueError(f"two relations from {relation.source!r} to {relation.target!r}")
        amap.add_relation(relation)
    problems = _overlaps(amap) + tree_problems(amap, head["thesis"], complete=False)
    if problems:
        raise ValueError("; ".join(problems))
    amap.graph.graph[ANNOTATOR] = head["annotator"]
    amap.graph.graph[THESIS] = head["thesis"]
    return amap


def _overlaps(amap: ArgumentMap, name=lambda uid: repr(uid)) -> list[str]:
    problems, previous = [], None
    for unit in amap.units:  # reading order: only neighbours can overlap
        if previous is not None and unit.start < previous.end:
            problems.append(f"units {name(previous.id)} and {name(unit.id)} overlap")
        if previous is None or unit.end > previous.end:
            previous = unit
    return problems


def standoff_data(amap: ArgumentMap, annotator: str, thesis: str | None = None) -> dict:
    """The stand-off record of `amap` (a map of an editorial: `source` "editorials:<outlet>:<stem>"), by
    `annotator`; `thesis` defaults to the map's `thesis` attribute, else its central claim."""
    parts = amap.source.split(":")
    if len(parts) != 3 or parts[0] != CORPUS or parts[1] not in SPLITS:
        raise CorpusError(f"map {amap.source!r} is not of a Webis editorial (source editorials:<outlet>:<stem>)")
    if not isinstance(annotator, str) or not annotator:
        raise CorpusError("the annotator must be a non-empty string")
    if thesis is None:
        thesis = amap.graph.graph.get(THESIS)
    if thesis is None:
        root = central_claim(amap)
        thesis = root.id if root is not None else ""
    problems = _overlaps(amap) + tree_problems(amap, thesis, complete=False)
    if problems:
        raise CorpusError(f"{amap.source}: " + "; ".join(problems))
    return {
        "format": FORMAT,
        "corpus": CORPUS,
        "split": parts[1],
        "document": parts[2],
        "sha256": text_sha256(amap.text),
        "annotator": annotator,
        "thesis": thesis,
        "units": [{"id": u.id, "start": u.start, "end": u.end, "kind": u.kind, "evidence_type": u.evidence_type,
                   "stance": u.stance} for u in amap.units],
        "relations": [{"source": r.source, "target": r.target, "type": r.relation} for r in amap.relations],
    }


def dumps_standoff(data: Mapping) -> str:
    """A stand-off record as JSON text: the header, then one unit or relation per line (readable diffs)."""
    head = {k: v for k, v in data.items() if k not in ("units", "relations")}
    lines = ["{" + json.dumps(head, ensure_ascii=False)[1:-1] + ","]
    for key in ("units", "relations"):
        items = [" " + json.dumps(item, ensure_ascii=False) for item in data[key]]
        tail = "]" + ("," if key == "units" else "")
        lines.append(f' "{key}": [' + ("\n" + ",\n".join(items) + "\n " if items else "") + tail)
    return "\n".join(lines) + "}\n"


def write_standoff(
    amap: ArgumentMap, path: str | os.PathLike, annotator: str, thesis: str | None = None
) -> Path | None:
    """Write `amap` as a stand-off file at `path` (`-`: standard output; a folder, or a path ending in `/`:
    `<folder>/<outlet>/<stem>.json`), atomically, and return where it went (None for stdout).

    A file already there is replaced only when it is a stand-off file of the same editorial and annotator,
    i.e. one this function wrote; anything else is kept and a `CorpusError` raised.
    """
    data = standoff_data(amap, annotator, thesis)
    text = dumps_standoff(data)
    if str(path) == "-":
        sys.stdout.write(text)
        return None
    folder = str(path).endswith(("/", os.sep)) or Path(path).is_dir()  # before Path() drops the slash
    path = Path(path) / data["split"] / f"{data['document']}.json" if folder else Path(path)
    _check_replaceable(path, data)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, text)
    return path


def _check_replaceable(path: Path, data: Mapping) -> None:
    if not os.path.lexists(path):
        return
    mine = f"the stand-off file of {data['split']}/{data['document']} by annotator {data['annotator']}"
    if path.is_symlink() or not path.is_file():
        raise CorpusError(f"{path}: exists and is not a plain file; not replaced")
    try:
        old = _header(json.loads(path.read_text(encoding="utf-8")))
        same = all(old[k] == data[k] for k in ("split", "document", "annotator"))
    except (OSError, ValueError):  # unreadable, not JSON, or not a stand-off file: not ours to replace
        same = False
    if not same:
        raise CorpusError(f"{path}: exists and is not {mine}; not replaced")


def read_editorials_standoff(path: str | os.PathLike, split: str | None = None) -> list[ArgumentMap]:
    """`read_corpus("editorials-standoff", folder, split)`: `read_standoff` with the corpora found in
    `ARGMINE_CORPORA`, else in the nearest `shared/corpora` or `corpora` folder above `path` that holds the
    editorials (the layout of a checkout beside the shared corpora)."""
    folder = existing_path(path, "stand-off")
    return read_standoff(folder, _find_corpora(folder), split)


def _find_corpora(folder: Path) -> Path:
    env = os.environ.get("ARGMINE_CORPORA")
    if env:
        return Path(env)
    for parent in [folder.resolve(), *folder.resolve().parents]:
        for candidate in (parent / "shared" / "corpora", parent / "corpora"):
            if (candidate / CORPUS).is_dir():
                return candidate
    raise CorpusError(f"cannot find the Webis editorials for the stand-off files in {folder}: set ARGMINE_CORPORA "
                      "to the folder that holds editorials/")


# --- answer files -------------------------------------------------------------------------------------------


class AnswerError(CorpusFormatError):
    """An answer file that cannot become a stand-off file; `problems` lists every mistake, one line each."""

    def __init__(self, path: str, problems: list[str]) -> None:
        super().__init__(f"{path}: " + "; ".join(problems))
        self.path = path
        self.problems = problems


@dataclass
class _Spec:
    key: str
    start: int
    end: int
    kind: str
    evidence_type: str
    stance: str


def build_map(
    answer: Any, corpora: str | os.PathLike, *, name: str = "the answer file"
) -> tuple[ArgumentMap, str, str]:
    """The map an annotator's answer file describes (docs/annotation-guide.md, section 8), its thesis id and
    annotator. Units get ids `u1`, `u2`, ... in reading order; `claim`/`premise` follow rule K1 and stances
    follow the tree when the answer leaves them out. Every mistake found is reported in one `AnswerError`."""
    if not isinstance(answer, dict):
        raise AnswerError(name, ["not a JSON object"])
    problems: list[str] = []
    for key in ("split", "document", "annotator", "thesis"):
        if not isinstance(answer.get(key), str) or not answer[key]:
            problems.append(f"`{key}` must be a non-empty string")
    units, relations = answer.get("units"), answer.get("relations", [])
    if not isinstance(units, dict) or not units:
        problems.append("`units` must be an object with one entry per unit")
    if not isinstance(relations, list):
        problems.append("`relations` must be a list of [source, target, type]")
    unknown = sorted(set(answer) - {"split", "document", "annotator", "thesis", "units", "relations", "note"})
    if unknown:
        problems.append(f"unknown field(s) {', '.join(unknown)}")
    if problems:
        raise AnswerError(name, problems)
    assert isinstance(units, dict) and isinstance(relations, list)  # for the type checker: checked just above
    try:
        editorial = load_editorial(editorials_root(corpora), answer["split"], answer["document"])
    except CorpusFormatError:
        raise
    except CorpusError as err:
        raise AnswerError(name, [str(err)]) from None
    thesis = answer["thesis"]
    if thesis not in units:
        units = {thesis: {"kind": "major_claim"}, **units}
    specs = []
    for key, spec in units.items():
        got = _unit_spec(key, spec, key == thesis, editorial, problems)
        if got is not None:
            specs.append(got)
    rels = []
    for i, item in enumerate(relations, 1):
        if not (isinstance(item, list) and len(item) == 3 and all(isinstance(x, str) for x in item)):
            problems.append(f"relation {i} must be [source, target, \"support\" or \"attack\"]")
            continue
        source, target, kind = item
        for end in (source, target):
            if end not in units:
                problems.append(f"relation {i}: {end!r} is not a unit of the answer file")
        if kind not in RELATIONS:
            problems.append(f"relation {i}: {kind!r} is not support or attack")
        elif source in units and target in units:
            rels.append((source, target, kind))
    if problems:
        raise AnswerError(name, problems)
    return _assemble(editorial, specs, rels, thesis, answer["annotator"], name)


def _unit_spec(key: str, spec: Any, is_thesis: bool, editorial: Editorial, problems: list[str]) -> _Spec | None:
    if not isinstance(spec, dict):
        problems.append(f"{key}: must be an object ({{}} for a unit whose kind follows from the tree)")
        return None
    unknown = sorted(set(spec) - {"kind", "evidence_type", "stance", "quote", "in", "note"})
    if unknown:
        problems.append(f"{key}: unknown field(s) {', '.join(unknown)}")
    kind, etype, stance = spec.get("kind", ""), spec.get("evidence_type", ""), spec.get("stance", "")
    if kind and kind not in KINDS:
        problems.append(f"{key}: kind {kind!r} is not one of {', '.join(KINDS)}")
    if is_thesis:
        if kind not in ("", "major_claim"):
            problems.append(f"{key}: the thesis is a major_claim, not a {kind}")
        kind = "major_claim"
    if etype not in EVIDENCE_TYPES:
        problems.append(f"{key}: evidence type {etype!r} is not statistics, testimony or anecdote")
    elif kind == "evidence" and not etype:
        problems.append(f"{key}: evidence needs an evidence_type (statistics, testimony or anecdote)")
    elif etype and kind != "evidence":
        problems.append(f"{key}: an evidence_type is for evidence only (give kind \"evidence\")")
    if stance not in STANCES:
        problems.append(f"{key}: stance {stance!r} is not for or against")
    if "quote" in spec:
        span = _quote_span(key, spec, editorial, problems)
    else:
        if "in" in spec:
            problems.append(f"{key}: \"in\" goes with \"quote\"")
        span = _segments_span(key, key, editorial, problems)
    if span is None:
        return None
    return _Spec(key, span[0], span[1], kind, etype, stance)


def _segments_span(key: str, expr: str, editorial: Editorial, problems: list[str]) -> tuple[int, int] | None:
    """The span of `expr`: one segment id, or ids of adjacent segments of one paragraph joined with `+`."""
    index = {s.id: i for i, s in enumerate(editorial.segments)}
    parts = expr.split("+")
    if not all(_SEGMENT.fullmatch(p) for p in parts):
        problems.append(f"{key}: not a segment id (s12) or adjacent ones (s12+s13); a unit given by its words "
                        "needs \"quote\"")
        return None
    missing = [p for p in parts if p not in index]
    if missing:
        problems.append(f"{key}: no segment {', '.join(missing)} in the worksheet")
        return None
    positions = [index[p] for p in parts]
    segs = [editorial.segments[i] for i in positions]
    if len({s.paragraph for s in segs}) > 1:
        problems.append(f"{key}: merged segments must be in one paragraph")
        return None
    if positions != list(range(positions[0], positions[0] + len(positions))):
        between = [s.id for s in editorial.segments[min(positions) : max(positions) + 1] if s.id not in parts]
        problems.append(f"{key}: merged segments must be adjacent and in order"
                        + (f" (list {', '.join(between)} too)" if between and positions == sorted(positions) else ""))
        return None
    return segs[0].start, segs[-1].end


def _quote_span(key: str, spec: dict, editorial: Editorial, problems: list[str]) -> tuple[int, int] | None:
    quote = spec["quote"]
    if not isinstance(quote, str) or not quote.strip():
        problems.append(f"{key}: \"quote\" must be the unit's exact words")
        return None
    quote = quote.strip()
    lo, hi, where = 0, len(editorial.text), "the text"
    if "in" in spec:
        region = spec["in"] if isinstance(spec["in"], str) else ""
        span = _segments_span(key, region, editorial, problems)
        if span is None:
            return None
        lo, hi, where = span[0], span[1], region
    first = editorial.text.find(quote, lo, hi)
    if first < 0:
        problems.append(f"{key}: quote {_short(quote)} is not in {where} (it must be the exact words, "
                        "same spelling, punctuation and quotation marks)")
        return None
    if editorial.text.find(quote, first + 1, hi) >= 0:
        hint = "quote more words" + ("" if "in" in spec else ", or name its segment with \"in\"")
        problems.append(f"{key}: quote {_short(quote)} occurs more than once in {where}: {hint}")
        return None
    return first, first + len(quote)


def _short(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:37] + "...")


def _assemble(
    editorial: Editorial, specs: list[_Spec], rels: list[tuple[str, str, str]], thesis: str, annotator: str, name: str
) -> tuple[ArgumentMap, str, str]:
    specs.sort(key=lambda s: (s.start, s.end))
    ids = {s.key: f"u{i}" for i, s in enumerate(specs, 1)}
    keys = {uid: key for key, uid in ids.items()}
    show = lambda uid: keys.get(uid, uid)  # noqa: E731 - messages speak the answer file's keys
    problems: list[str] = []
    out: dict[str, list[tuple[str, str]]] = {}
    for source, target, kind in rels:
        out.setdefault(source, []).append((target, kind))
    # Rule K1: kind follows the tree for claims and premises.
    kinds = {}
    for spec in specs:
        kind = spec.kind
        targets = out.get(spec.key, [])
        if kind in ("", "claim", "premise") and len(targets) == 1:
            tree_kind = "claim" if targets[0][0] == thesis else "premise"
            if kind and kind != tree_kind:
                where = "the thesis" if tree_kind == "claim" else "a unit other than the thesis"
                problems.append(f"{spec.key}: a {kind} that bears on {where} is a {tree_kind} (guide rule K1)")
            kind = tree_kind
        kinds[spec.key] = kind or "claim"
    paragraph_of = ParagraphIndex(editorial.text)
    amap = ArgumentMap(editorial.text, source=editorial.amap.source, model="gold")
    for spec in specs:
        amap.add_unit(Unit(ids[spec.key], spec.start, spec.end, kinds[spec.key], spec.evidence_type, "",
                           paragraph_of(spec.start)))
    for source, target, kind in rels:
        if amap.graph.has_edge(ids[source], ids[target]):
            problems.append(f"{source}: two relations to {target}")
            continue
        if source == target:
            problems.append(f"{source}: relates to itself")
            continue
        amap.add_relation(Relation(ids[source], ids[target], kind))
    problems += _overlaps(amap, show) + tree_problems(amap, ids[thesis], complete=True, name=show)
    if problems:
        raise AnswerError(name, problems)
    stances = derive_stances(amap, ids[thesis])
    for spec in specs:
        if spec.stance and spec.stance != stances[ids[spec.key]]:
            problems.append(f"{spec.key}: stance {spec.stance!r} contradicts the tree, which makes it "
                            f"{stances[ids[spec.key]]!r} (check the relation types on its path to the thesis)")
    if problems:
        raise AnswerError(name, problems)
    for uid, stance in stances.items():
        amap.graph.nodes[uid]["stance"] = stance
    amap.graph.graph[ANNOTATOR] = annotator
    amap.graph.graph[THESIS] = ids[thesis]
    return amap, ids[thesis], annotator


def build_standoff(answer_path: str | os.PathLike, out: str | os.PathLike, corpora: str | os.PathLike) -> Path | None:
    """Build the stand-off file of the answer file at `answer_path` and write it to `out` (see
    `write_standoff`); return where it went."""
    answer_path = Path(answer_path)
    answer = _load_json(answer_path)
    amap, thesis, annotator = build_map(answer, corpora, name=str(answer_path))
    return write_standoff(amap, out, annotator, thesis)


# --- the worksheet ------------------------------------------------------------------------------------------


def worksheet(split: str, document: str, corpora: str | os.PathLike) -> str:
    """The worksheet of one editorial: its text paragraph by paragraph, one numbered Webis segment per line
    with its Webis label, punctuation kept with the segment before it. For the annotator's screen only: it
    holds the corpus text and must never be saved into the repository."""
    editorial = load_editorial(editorials_root(corpora), split, document)
    text = editorial.text
    lines = [
        f"# editorial {split} {document}  (sha256 {editorial.sha256[:16]}...)",
        "# Annotate by docs/annotation-guide.md; answer-file header:",
        f'# {{"split": "{split}", "document": "{document}", "annotator": "A", "thesis": "", "units": {{}}, '
        '"relations": []}',
    ]
    segments = editorial.segments
    for p, (start, end) in enumerate(editorial.paragraphs):
        inside = [s for s in segments if s.paragraph == p]
        title = " (title)" if inside and all(s.label == "title" for s in inside) else ""
        lines.append("")
        lines.append(f"== paragraph {p}{title} ==")
        pos = start
        for i, seg in enumerate(inside):
            stop = inside[i + 1].start if i + 1 < len(inside) else end
            lead = text[pos : seg.start].strip()
            if lead:  # punctuation opening the paragraph, before any numbered segment
                lines.append(f"    {lead}")
            shown = " ".join(text[seg.start : stop].split())
            lines.append(f"{seg.id:>5} [{seg.label}] {shown}")
            pos = stop
        if not inside:
            rest = " ".join(text[start:end].split())
            if rest:
                lines.append(f"    {rest}")
    return "\n".join(lines) + "\n"


# --- agreement ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Agreement:
    """Agreement of two annotators over the editorials both annotated (A's maps play gold, B's predicted;
    every F1 is symmetric). Units are matched one to one at 50% overlap (`scores.overlap_matches`)."""

    documents: int
    thesis: int
    units: PRF
    kinds: PRF
    relations: PRF
    links: PRF
    attacks: PRF
    stance: int
    stance_total: int
    only_a: tuple[str, ...] = ()
    only_b: tuple[str, ...] = ()

    @property
    def thesis_agreement(self) -> float:
        return ratio(self.thesis, self.documents)

    @property
    def stance_agreement(self) -> float:
        return ratio(self.stance, self.stance_total)

    def to_dict(self) -> dict:
        return {
            "documents": self.documents,
            "thesis_agreement": self.thesis_agreement,
            "thesis_agreed": self.thesis,
            "unit_f1": self.units.f1,
            "unit_kind_f1": self.kinds.f1,
            "relation_f1": self.relations.f1,
            "link_f1": self.links.f1,
            "attack_f1": self.attacks.f1,
            "stance_agreement": self.stance_agreement,
            "counts": {k: getattr(self, k).to_dict() for k in ("units", "kinds", "relations", "links", "attacks")},
            "only_a": list(self.only_a),
            "only_b": list(self.only_b),
        }

    def to_markdown(self) -> str:
        def f1(s: PRF, what: str) -> str:
            return f"{s.f1:.3f} ({s.tp} agreed; A {s.gold}, B {s.predicted} {what})"

        rows = [
            ("documents annotated by both", str(self.documents)),
            ("thesis agreement (share of documents whose theses match at ≥50% overlap)",
             f"{self.thesis_agreement:.3f} ({self.thesis} of {self.documents})"),
            ("unit F1 (spans matched, kind ignored)", f1(self.units, "units")),
            ("unit kind F1 (matched units with the same kind)", f1(self.kinds, "units")),
            ("relation F1 (same source, target and type)", f1(self.relations, "relations")),
            ("link F1 (same source and target, type ignored)", f1(self.links, "relations")),
            ("attack F1 (attack relations only)", f1(self.attacks, "attacks")),
            ("stance agreement (matched units other than the theses)",
             f"{self.stance_agreement:.3f} ({self.stance} of {self.stance_total})"),
        ]
        lines = ["| measure | value |", "|---|---|"] + [f"| {a} | {b} |" for a, b in rows]
        for who, docs in (("A", self.only_a), ("B", self.only_b)):
            if docs:
                lines.append(f"\nOnly annotator {who}: {', '.join(docs)} (left out).")
        return "\n".join(lines) + "\n"


def _thesis_of(amap: ArgumentMap) -> str | None:
    thesis = amap.graph.graph.get(THESIS)
    if thesis in amap.graph:
        return thesis
    root = central_claim(amap)
    return root.id if root is not None else None


def agreement(maps_a: Iterable[ArgumentMap], maps_b: Iterable[ArgumentMap]) -> Agreement:
    """Agreement between annotator A's and B's maps, paired by `source`; documents only one annotated are
    left out (and listed). Two maps of one document over different texts raise `CorpusError`."""
    by_a = {m.source: m for m in maps_a}
    by_b = {m.source: m for m in maps_b}
    both = sorted(set(by_a) & set(by_b))
    thesis = stance = stance_total = 0
    counts = {k: [0, 0, 0] for k in ("units", "kinds", "relations", "links", "attacks")}  # tp, B, A
    for source in both:
        a, b = by_a[source], by_b[source]
        if a.text != b.text:
            raise CorpusError(f"{source}: the two annotations are over different texts")
        pairs = overlap_matches(a, b)
        to_b = {ua.id: ub.id for ua, ub in pairs}
        ta, tb = _thesis_of(a), _thesis_of(b)
        thesis += ta is not None and to_b.get(ta) == tb
        for ua, ub in pairs:
            if ua.id != ta and ub.id != tb:
                stance_total += 1
                stance += ua.stance == ub.stance
        _add(counts["units"], len(pairs), len(b), len(a))
        _add(counts["kinds"], sum(ua.kind == ub.kind for ua, ub in pairs), len(b), len(a))
        # Keyed to be looked up with to_b's ids, None for a unit of `a` that has no match in `b`.
        edges_b: dict[tuple[str | None, str | None], str] = {(r.source, r.target): r.relation for r in b.relations}
        rels_a = a.relations
        same = [edges_b.get((to_b.get(r.source), to_b.get(r.target))) for r in rels_a]
        _add(counts["relations"], sum(s == r.relation for s, r in zip(same, rels_a)), len(edges_b), len(rels_a))
        _add(counts["links"], sum(s is not None for s in same), len(edges_b), len(rels_a))
        _add(counts["attacks"], sum(s == r.relation == "attack" for s, r in zip(same, rels_a)),
             sum(t == "attack" for t in edges_b.values()), sum(r.relation == "attack" for r in rels_a))
    prfs = {k: PRF.of(*v) for k, v in counts.items()}
    return Agreement(len(both), thesis, stance=stance, stance_total=stance_total,
                     only_a=tuple(sorted(set(by_a) - set(by_b))), only_b=tuple(sorted(set(by_b) - set(by_a))), **prfs)


def _add(counter: list[int], tp: int, b: int, a: int) -> None:
    counter[0] += tp
    counter[1] += b
    counter[2] += a


# --- command line -------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m argmine.corpora.standoff",
        description="Stand-off annotation of the Webis editorials (docs/annotation-guide.md).",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    ws = sub.add_parser("worksheet", help="Print an editorial with its segments numbered (never save it in the repo).")
    ws.add_argument("outlet", choices=SPLITS)
    ws.add_argument("stem", help="the editorial's file name without .json")
    bd = sub.add_parser("build", help="Turn answer files into stand-off files.")
    bd.add_argument("answers", nargs="+", type=Path, metavar="ANSWER.json")
    bd.add_argument("-o", "--output", required=True,
                    help="stand-off file, folder (FOLDER/OUTLET/STEM.json), or - for standard output")
    ag = sub.add_parser("agreement", help="Agreement of two annotators' stand-off folders, as a Markdown table.")
    ag.add_argument("dir_a", type=Path)
    ag.add_argument("dir_b", type=Path)
    ag.add_argument("--json", action="store_true", help="print JSON instead of Markdown")
    for p in (ws, bd, ag):
        p.add_argument("--corpora", required=True, type=Path,
                       help="the public corpora folder (holding editorials/), or the editorials folder itself")
    args = parser.parse_args(argv)
    try:
        if args.command == "worksheet":
            sys.stdout.write(worksheet(args.outlet, args.stem, args.corpora))
        elif args.command == "build":
            return _build(args)
        else:
            result = agreement(read_standoff(args.dir_a, args.corpora), read_standoff(args.dir_b, args.corpora))
            sys.stdout.write(json.dumps(result.to_dict(), indent=1) + "\n" if args.json else result.to_markdown())
    except CorpusFormatError as err:
        _error(err)
        return 1
    except CorpusError as err:
        _error(err)
        return 2
    return 0


def _build(args: argparse.Namespace) -> int:
    """Build every answer file; a bad one is reported (each mistake on a line) and the others still built."""
    out = args.output
    if len(args.answers) > 1 and out != "-" and not (out.endswith(("/", os.sep)) or Path(out).is_dir()):
        raise CorpusError("several answer files need a folder for -o (end it with /)")
    failed = 0
    for answer in args.answers:
        try:
            where = build_standoff(answer, out, args.corpora)
        except AnswerError as err:
            failed += 1
            for problem in err.problems:
                _error(f"{err.path}: {problem}")
            continue
        except CorpusError as err:
            failed += 1
            _error(err)
            continue
        if where is not None:
            print(f"{answer} -> {where}", file=sys.stderr)
    return 1 if failed else 0


def _error(err: object) -> None:
    print(f"error: {' '.join(str(err).split())}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
