"""Argument Annotated Essays v2 (Stab & Gurevych 2017) in the CoNLL conversion of Eger et al. (2017).

The folder holds `Essay_Level/{split}.dat` and `Paragraph_Level/{split}.dat`: one `index, token, _, _, label`
line per token, a blank line after each essay or paragraph. Tokens and labels come from Paragraph_Level, whose
premise labels count targets inside the paragraph; Essay_Level only tells which paragraphs form an essay. The
two files disagree by a token in a few essays, so an essay begins at the first paragraph that opens the next
Essay_Level essay, not after a fixed number of tokens.

Mapping: MajorClaim -> major_claim; Claim:For/Against -> claim with stance for/against, supporting/attacking
the essay's first major claim; Premise:k:Support|Attack -> premise supporting/attacking the component k
positions away in its paragraph. Paragraph 0 is the prompt/title line.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from argmine.argmap import ArgumentMap, MapError, Relation, Unit
from argmine.corpora.errors import CorpusError, CorpusFormatError, check_split, existing_path
from argmine.corpora.stats import set_original

SPLITS = ("train", "dev", "test")

Token = tuple[str, str]  # (token, label)

# Opening-quote and bracket tokens glue to what follows, closing punctuation to what precedes.
_OPENERS = frozenset({"(", "[", "{", "“", "‘"})
_CLOSING_START = frozenset(",.;:!?)]}%”…")
_CLITICS = frozenset({"s", "t", "re", "ve", "ll", "d", "m"})
_JOINERS = frozenset({"-", "/"})
_SINGLE_QUOTES = frozenset({"'", "’"})
# How many opening tokens of an Essay_Level essay must match a paragraph for it to open that essay.
_OPENING_TOKENS = 10
# Largest token-count difference between an essay's two versions before the grouping is declared broken.
_MAX_TOKEN_DRIFT = 5


def read_aae(path: str | os.PathLike, split: str | None = None) -> list[ArgumentMap]:
    """Read the AAE CoNLL folder: the essays of `split` ("train", "dev", "test"), or all three for None."""
    root = existing_path(path, "AAE")
    check_split(split, (None, *SPLITS), "AAE")
    maps = []
    for name in SPLITS if split is None else (split,):
        para_file = root / "Paragraph_Level" / f"{name}.dat"
        essay_file = root / "Essay_Level" / f"{name}.dat"
        paragraphs = _read_blocks(para_file)
        essays = _read_blocks(essay_file)
        for index, group in enumerate(_group_paragraphs(paragraphs, essays, para_file)):
            maps.append(_essay_map(group, f"aae:{name}:{index}", para_file))
    return maps


def detokenize(tokens: list[str]) -> tuple[str, list[tuple[int, int]]]:
    """Readable text from `tokens` and each token's (start, end) in it.

    No space before closing punctuation or after opening brackets and quotes; "don ' t", "part - time"
    and "his / her" are joined; a straight quote opens or closes by turns.
    """
    pieces: list[str] = []
    offsets: list[tuple[int, int]] = []
    pos = 0
    glue_next = True  # nothing before the first token
    double_open = single_open = False
    for i, tok in enumerate(tokens):
        prev = tokens[i - 1] if i else ""
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        glue_before = glue_after = False
        if tok == '"':
            glue_before, glue_after = double_open, not double_open
            double_open = not double_open
        elif tok in _SINGLE_QUOTES:
            if prev[-1:].isalnum() and nxt.lower() in _CLITICS:
                glue_before = glue_after = True  # don't, people's
            elif prev[-1:] in ("s", "S") and not single_open:
                glue_before = True  # students' lives
            else:
                glue_before, glue_after = single_open, not single_open
                single_open = not single_open
        elif tok in _JOINERS:
            glue_before = glue_after = prev[-1:].isalnum() and nxt[:1].isalnum()
        elif tok in _OPENERS:
            glue_after = True
        elif tok[:1] in _CLOSING_START or tok[:1] == '"':
            glue_before = True  # also glued tokens such as `",` and `."`
            if '"' in tok:
                double_open = False
        if pieces and not (glue_next or glue_before):
            pieces.append(" ")
            pos += 1
        pieces.append(tok)
        offsets.append((pos, pos + len(tok)))
        pos += len(tok)
        glue_next = glue_after
    return "".join(pieces), offsets


def _read_blocks(path: Path) -> list[list[Token]]:
    """The blank-line-separated blocks of a CoNLL file, as (token, label) lists."""
    if not path.is_file():
        raise CorpusError(f"not an AAE CoNLL folder: {path} is missing")
    blocks: list[list[Token]] = [[]]
    lineno = 0
    try:
        with open(path, encoding="utf-8") as fh:
            for lineno, line in enumerate(fh, 1):
                line = line.rstrip("\r\n")
                if not line.strip():
                    if blocks[-1]:
                        blocks.append([])
                    continue
                parts = line.split("\t")
                if len(parts) < 3 or not parts[1].strip():
                    raise CorpusFormatError(f"{path}:{lineno}: expected `index<TAB>token<TAB>...<TAB>label`")
                blocks[-1].append((parts[1], parts[-1]))
    except UnicodeDecodeError as err:
        raise CorpusFormatError(f"{path}:{lineno + 1}: not UTF-8 text: {err}") from None
    if not blocks[-1]:
        blocks.pop()
    return blocks


def _opens(paragraph: list[Token], essay: list[Token]) -> bool:
    n = min(len(paragraph), len(essay), _OPENING_TOKENS)
    return all(paragraph[i][0] == essay[i][0] for i in range(n))


def _group_paragraphs(
    paragraphs: list[list[Token]], essays: list[list[Token]], path: Path
) -> Iterator[list[list[Token]]]:
    """Consecutive paragraphs grouped into the essays of Essay_Level, in order."""
    starts = []
    j = 0
    for i, essay in enumerate(essays):
        while j < len(paragraphs) and not _opens(paragraphs[j], essay):
            j += 1
        if j == len(paragraphs) or (i == 0 and j != 0):
            raise CorpusFormatError(f"{path}: no paragraph opens essay {i} of the Essay_Level file")
        starts.append(j)
        j += 1
    bounds = [*starts, len(paragraphs)]
    for i, essay in enumerate(essays):
        group = paragraphs[bounds[i] : bounds[i + 1]]
        if abs(sum(map(len, group)) - len(essay)) > _MAX_TOKEN_DRIFT:
            raise CorpusFormatError(f"{path}: paragraphs of essay {i} do not add up to its Essay_Level text")
        yield group


@dataclass
class _Component:
    paragraph: int
    start: int  # character offsets in the essay text
    end: int
    label: str  # "MajorClaim", "Claim:For", "Premise:-1:Support", ...


def _essay_map(paragraphs: list[list[Token]], source: str, path: Path) -> ArgumentMap:
    texts = []
    components: list[_Component] = []
    base = 0
    for p, paragraph in enumerate(paragraphs):
        text, offsets = detokenize([tok for tok, _ in paragraph])
        current: _Component | None = None
        for (_, label), (start, end) in zip(paragraph, offsets):
            tag, _, body = label.partition("-")
            if tag == "I" and current is not None and current.label == body:
                current.end = base + end
            elif tag in ("B", "I"):
                current = _Component(p, base + start, base + end, body)
                components.append(current)
            elif label == "O":
                current = None
            else:
                raise CorpusFormatError(f"{path}: {source}: unknown label {label!r}")
        texts.append(text)
        base += len(text) + 2
    text = "\n\n".join(texts)
    try:
        return _build_map(text, components, source)
    except (MapError, ValueError, IndexError) as err:
        raise CorpusFormatError(f"{path}: {source}: {err}") from None


def _build_map(text: str, components: list[_Component], source: str) -> ArgumentMap:
    ids = [f"T{i}" for i in range(1, len(components) + 1)]
    by_paragraph: dict[int, list[int]] = {}
    for i, comp in enumerate(components):
        by_paragraph.setdefault(comp.paragraph, []).append(i)
    major = next((i for i, c in enumerate(components) if c.label == "MajorClaim"), None)
    units = []
    relations = []
    labels: Counter[str] = Counter()
    original_relations: Counter[str] = Counter()
    for i, comp in enumerate(components):
        kind, *rest = comp.label.split(":")
        stance = ""
        if kind == "MajorClaim" and not rest:
            labels["MajorClaim"] += 1
            unit_kind = "major_claim"
        elif kind == "Claim" and rest in (["For"], ["Against"]):
            labels[comp.label] += 1
            unit_kind = "claim"
            stance = "for" if rest[0] == "For" else "against"
            if major is not None:
                relations.append(Relation(ids[i], ids[major], "support" if stance == "for" else "attack"))
        elif kind == "Premise" and len(rest) == 2 and rest[1] in ("Support", "Attack"):
            labels["Premise"] += 1
            unit_kind = "premise"
            siblings = by_paragraph[comp.paragraph]
            target = siblings.index(i) + int(rest[0])
            if not 0 <= target < len(siblings) or siblings[target] == i:
                raise ValueError(f"premise {ids[i]} ({comp.label}) points outside its paragraph")
            relations.append(Relation(ids[i], ids[siblings[target]], rest[1].lower()))
            original_relations[rest[1]] += 1
        else:
            raise ValueError(f"unknown component label {comp.label!r}")
        units.append(Unit(ids[i], comp.start, comp.end, unit_kind, stance=stance, paragraph=comp.paragraph))
    amap = ArgumentMap(text, units, relations, source=source)
    set_original(amap, labels, original_relations)
    return amap
