"""Tiny corpora in the formats of the public corpora, written into a folder when the tests start.

Every text here was written for argmine's tests. They are built from these compact descriptions rather than
kept as files in the corpora's own layouts, so that nothing in the repository is, or looks like, a file of
the public corpora (which must never be copied into it).
"""

from __future__ import annotations

import json
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

# AAE (CoNLL, Eger et al.'s conversion): essays as paragraphs of (label, tokens) runs; "O" is outside a unit.
_ESSAYS = [
    [
        [("O", "Should cities ban cars ?")],
        [("O", "Traffic fills our streets . I believe that"),
         ("MajorClaim", "cities should ban private cars from their centres"), ("O", ".")],
        [("O", "First ,"), ("Claim:For", "cars pollute the air ( especially diesel ones )"), ("O", "."),
         ("Premise:-1:Support", "Doctors ' reports say that \" dirty air \" harms children"), ("O", ". However ,"),
         ("Premise:-2:Attack", "some shop - owners fear losing customers"), ("O", ".")],
        [("O", "In short ,"), ("MajorClaim", "a car - free centre is healthier"), ("O", ".")],
    ],
    [
        [("O", "Is homework useful ?")],
        [("O", "Teachers give a lot of homework ."), ("Premise:1:Support", "Children need time for play"),
         ("O", ", so"), ("Claim:Against", "long evenings of homework harm them"), ("O", "."),
         ("Premise:-2:Support", "Play teaches skills that aren ' t learned at a desk"), ("O", ".")],
    ],
]
# The essay-level file tokenises one word differently, as the real files sometimes do.
_ESSAY_LEVEL_TOKENS = {"customers": ["custom", "ers"]}


def _conll(paragraph_runs, split_words: dict[str, list[str]]) -> list[str]:
    rows = []
    for label, text in paragraph_runs:
        tokens = [piece for word in text.split() for piece in split_words.get(word, [word])]
        for k, token in enumerate(tokens):
            tag = "O" if label == "O" else ("B-" if k == 0 else "I-") + label
            rows.append((token, tag))
    return rows


def _write_aae(root: Path) -> None:
    essay_blocks, paragraph_blocks = [], []
    for essay in _ESSAYS:
        essay_rows = [row for runs in essay for row in _conll(runs, _ESSAY_LEVEL_TOKENS)]
        essay_blocks.append(essay_rows)
        paragraph_blocks += [_conll(runs, {}) for runs in essay]
    for level, blocks in (("Essay_Level", essay_blocks), ("Paragraph_Level", paragraph_blocks)):
        folder = root / "aae" / level
        folder.mkdir(parents=True)
        text = "".join(
            "".join(f"{i}\t{token}\t_\t_\t{tag}\n" for i, (token, tag) in enumerate(block, 1)) + "\n"
            for block in blocks
        )
        (folder / "train.dat").write_text(text, encoding="utf-8")


# arg-microtexts: (id, topic, stance, comment, segments, units, joints, segment links, argument links, text).
_MICROTEXTS = [
    (
        "micro_t01", "city_trees", "pro",
        "a joint, an example, an undercut and an additional premise on the undercut.",
        ["Cities should plant more trees.", "Trees cool the streets in summer.",
         "In Vienna, a shaded square was four degrees cooler than its neighbour.",
         "Some say trees cost too much to maintain,", "but the savings on cooling", "outweigh that cost,",
         "and volunteers can share the work."],
        ["pro", "pro", "pro", "opp", "pro", "pro"],
        1,
        [("e1", "a1"), ("e2", "a2"), ("e3", "a3"), ("e4", "a4"), ("e5", "j1"), ("e6", "j1"), ("j1", "a5"),
         ("e7", "a6")],
        [("a2", "a1", "sup"), ("a3", "a2", "exa"), ("a4", "a1", "reb"), ("a6", "c13", "add"),
         ("a5", "c11", "und")],
        "Cities should plant more trees. Trees cool the streets in summer.\n"
        "In Vienna, a shaded square was four degrees cooler than its neighbour. Some say trees cost too much to "
        "maintain, but the savings on cooling outweigh that cost, and volunteers can share the work.",
    ),
    (
        "micro_t02", "night_buses", "con",
        "it has no .txt, so its text is the segments joined with single spaces.",
        ["The night bus should not be cut.", "Nurses   rely on it\n    after late shifts."],
        ["pro", "pro"],
        0,
        [("e1", "a1"), ("e2", "a2")],
        [("a2", "a1", "sup")],
        None,
    ),
]


def _write_microtexts(root: Path) -> None:
    folder = root / "microtexts"
    folder.mkdir(parents=True)
    for name, topic, stance, comment, segments, units, joints, seg_links, arg_links, text in _MICROTEXTS:
        lines = [
            "<?xml version='1.0' encoding='UTF-8'?>",
            f"<!-- Written for argmine's tests in the arg-microtexts format: {comment} -->",
            f'<arggraph id="{name}" topic_id="{topic}" stance="{stance}">',
        ]
        lines += [f'  <edu id="e{i}">{escape(s)}</edu>' for i, s in enumerate(segments, 1)]
        lines += [f'  <joint id="j{i}"/>' for i in range(1, joints + 1)]
        lines += [f'  <adu id="a{i}" type="{kind}"/>' for i, kind in enumerate(units, 1)]
        links = [(src, trg, "seg") for src, trg in seg_links] + list(arg_links)
        lines += [f'  <edge id="c{i}" src="{s}" trg="{t}" type="{kind}"/>' for i, (s, t, kind) in enumerate(links, 1)]
        lines.append("</arggraph>")
        (folder / f"{name}.xml").write_text("\n".join(lines) + "\n", encoding="utf-8")
        if text is not None:
            (folder / f"{name}.txt").write_text(text, encoding="utf-8")


# CDCP: (split, number, comment, proposition labels, proposition ends, reasons, evidences).
_COMMENTS = [
    ("train", 1,
     "The late fee is unfair. I paid it twice last year and my bank never explained it. Lenders should publish "
     "every fee up front.\nSee the agency's 2012 report on bank fees.",
     ["value", "testimony", "fact", "policy", "reference"], [24, 50, 82, 125, 167],
     [[[1, 2], 0], [[0, 0], 3]], [[[4, 4], 3]]),
    ("test", 2, "Hidden fees hurt poor families most. They have the least room in their budgets.",
     ["value", "fact"], [37, 79], [[[1, 1], 0]], []),
]


def _write_cdcp(root: Path) -> None:
    for split, number, text, labels, ends, reasons, evidences in _COMMENTS:
        folder = root / "cdcp" / split
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{number:05d}.txt").write_text(text, encoding="utf-8")
        offsets = [[start, end] for start, end in zip([0, *ends[:-1]], ends)]
        annotation = {"evidences": evidences, "prop_labels": labels, "prop_offsets": offsets, "reasons": reasons,
                      "url": {}}
        (folder / f"{number:05d}.ann.json").write_text(json.dumps(annotation), encoding="utf-8")


# Webis editorials: (outlet, file stem, paragraphs of (segment, label)).
_EDITORIALS = [
    ("aljazeera", "001-harbourbridgetolls", [
        [("Tolls on the harbour bridge.", "title")],
        [("Last week the council doubled the toll on the harbour bridge", "anecdote"), (".", "no-unit"),
         ("Traffic fell by 12 percent in three days", "statistics"), (",", "no-unit"),
         ("according to the port authority", "no-unit"), (".", "no-unit")],
        [("The toll is a tax on people who cannot work from home", "assumption"), ("-", "no-unit"),
         (" and the council knows it", "assumption"), (".", "no-unit"),
         ('"We had no other way to pay for repairs," the mayor said', "testimony"), (".", "no-unit"),
         ("Everyone agrees that the bridge must be safe", "common-ground"), (";", "no-unit"),
         ("Subscribe to our newsletter", "other")],
    ]),
    ("foxnews", "002-schoolmeals", [
        [("Free school meals work.", "title")],
        [("Hungry children cannot learn", "assumption"), (".", "no-unit")],
    ]),
]


def _write_editorials(root: Path) -> None:
    for outlet, stem, paragraphs in _EDITORIALS:
        folder = root / "editorials" / outlet
        folder.mkdir(parents=True)
        numbers = iter(range(1, 1000))
        doc = {"paragraphs": [[{"number": next(numbers), "text": text, "label": label} for text, label in p]
                              for p in paragraphs]}
        (folder / f"{stem}.json").write_text(json.dumps(doc, indent=1, ensure_ascii=False), encoding="utf-8")


# Web discourse (UIMA XMI): (document id, doc type, text, components, relations). A component is (xmi id,
# type, covered text or None for an implicit claim); its offsets are where that text first occurs.
_WEB_DOCUMENTS = [
    ("12", "forumpost",
     "skater_mum\nKids who skip a year of school do not catch up. My son started late and he was bored for two "
     "years. Studies of late starters show no gain by age ten.\nSome say late starters are more mature. But "
     "maturity fades as a reason by the third grade. So parents should start them on time.",
     [("101", "Claim", "Kids who skip a year of school do not catch up"),
      ("102", "Backing", "My son started late and he was bored for two years."),
      ("103", "Premise", "Studies of late starters show no gain by age ten."),
      ("104", "Rebuttal", "Some say late starters are more mature."),
      ("105", "Refutation", "But maturity fades as a reason by the third grade."),
      ("106", "Claim", "So parents should start them on time.")],
     [("102", "101"), ("103", "101"), ("104", "101"), ("105", "101"), ("106", "101")]),
    ("7", "artcomment",
     "Prayer in class takes time from lessons. Others pray at home anyway. Then again, a minute of quiet "
     "helps some pupils. A minute is still a minute lost.",
     [("201", "Claim", None),
      ("202", "Premise", "Prayer in class takes time from lessons."),
      ("203", "Premise", "Others pray at home anyway."),
      ("204", "Rebuttal", "Then again, a minute of quiet helps some pupils."),
      ("205", "Refutation", "A minute is still a minute lost.")],
     [("202", "201"), ("203", "201"), ("204", "201"), ("205", "201")]),
]
_XMI_NAMESPACES = (
    'xmlns:xmi="http://www.omg.org/XMI" xmlns:cas="http:///uima/cas.ecore" '
    'xmlns:types="http:///de/tudarmstadt/ukp/dkpro/argumentation/types.ecore" '
    'xmlns:type4="http:///de/tudarmstadt/ukp/dkpro/core/api/segmentation/type.ecore"'
)


def _xmi_properties(**props: str) -> str:
    lines = ["#java.util.Properties", "#Written for argmine's tests", *(f"{k}={v}" for k, v in props.items())]
    return quoteattr("\n".join(lines) + "\n").replace("\n", "&#10;")


def _write_webdiscourse(root: Path) -> None:
    folder = root / "webdiscourse" / "gold.data.toulmin"
    folder.mkdir(parents=True)
    (folder / "TypeSystem.xml").write_text("<typeSystemDescription/>\n", encoding="utf-8")
    for doc_id, doc_type, text, components, relations in _WEB_DOCUMENTS:
        sofa = quoteattr(text).replace("\n", "&#10;")
        elements = [
            '<cas:NULL xmi:id="0"/>',
            f'<cas:Sofa xmi:id="1" sofaNum="1" sofaID="_InitialView" mimeType="text" sofaString={sofa}/>',
            f'<types:WebArgumentMetadata xmi:id="2" sofa="1" begin="0" end="0" docType="{doc_type}" '
            f'topic="redshirting" title="Written for the tests" origId="{doc_id}"/>',
            f'<type4:Sentence xmi:id="3" sofa="1" begin="0" end="{len(text)}"/>',
        ]
        for xmi_id, kind, covered in components:
            if covered is None:
                begin = end = 0
                props = _xmi_properties(originalView="logos", implicit="true")
            else:
                begin = text.index(covered)
                end = begin + len(covered)
                props = _xmi_properties(originalView="logos", rephrasedContent=covered.lower())
            elements.append(f'<types:{kind} xmi:id="{xmi_id}" sofa="1" begin="{begin}" end="{end}" properties={props}/>')
        # A pathos passage over the first component: an ArgumentComponent, which is no Toulmin unit.
        elements.append('<types:ArgumentComponent xmi:id="90" sofa="1" begin="0" end="5" appealToEmotion="true"/>')
        for n, (src, trg) in enumerate(relations, 300):
            elements.append(f'<types:ArgumentRelation xmi:id="{n}" sofa="1" begin="0" end="0" source="{src}" target="{trg}"/>')
        xmi = f'<?xml version="1.0" encoding="UTF-8"?><xmi:XMI {_XMI_NAMESPACES} xmi:version="2.0">'
        xmi += "".join(elements) + '<cas:View sofa="1" members="2 3"/></xmi:XMI>'
        (folder / f"{doc_id}.xmi").write_text(xmi, encoding="utf-8")


# CMV modes (brat): (part, number, original post id, offsets in "chars" or "bytes", posts, units, relations,
# semantic types). The title and the posts join with blank lines. A unit is (label, covered text, occurrence);
# relations name units by position (1-based, as T1, T2, ...). Threads 2 and 1 share their original post.
_CMV_TITLE = "CMV: Cities should make buses free."
_CMV_OP = "Fares keep poor riders off the bus.\nFree buses would cut traffic in the centre."
_CMV_THREADS = [
    ("positive", 2, "abc123", "chars",
     [_CMV_TITLE, _CMV_OP, "Free buses fill up with people who would have walked,\nso traffic stays the same. "
      "I agree that fares hurt poor riders."],
     [("main_claim", _CMV_TITLE), ("claim", "Free buses would cut traffic in the centre."),
      ("premise", "Fares keep poor riders off the bus."),
      ("claim", "Free buses fill up with people who would have walked,\nso traffic stays the same."),
      ("premise", "I agree that fares hurt poor riders.")],
     [("support", 2, 1), ("support", 3, 2), ("rebuttal_attack", 4, 2), ("partial_agreement", 5, 3),
      ("support", 5, 5)],
     {1: ("Type1", "interpretation"), 3: ("Type3", "logos"), 4: ("Type2", "evaluation_rational")}),
    ("negative", 1, "abc123", "bytes",
     [_CMV_TITLE, _CMV_OP, "Someone has to pay the driver’s wage. One ride costs the city about £3.\n"
      "That money would come from taxes."],
     [("main_claim", _CMV_TITLE), ("premise", "Someone has to pay the driver’s wage."),
      ("premise", "One ride costs the city about £3."), ("claim", "That money would come from taxes.")],
     [("undercutter", 4, 1), ("support", 2, 4), ("agreement", 3, 2)],
     {}),
    ("positive", 10, "xyz789", "chars",
     ["CMV: Homework should be banned.", "Children need evenings to play."],
     [("main_claim", "CMV: Homework should be banned."), ("premise", "Children need evenings to play.")],
     [("support", 2, 1)],
     {}),
]


def _write_cmv_modes(root: Path) -> None:
    for part, number, op_id, unit, posts, units, relations, types in _CMV_THREADS:
        folder = root / "cmv-modes" / "v2.0" / part
        folder.mkdir(parents=True, exist_ok=True)
        text = "\n\n".join(posts) + "\n"

        def offset(i: int) -> int:
            return len(text[:i].encode("utf-8")) if unit == "bytes" else i

        lines = []
        for n, (label, covered) in enumerate(units, 1):
            start = text.index(covered)
            end = start + len(covered)
            shown = covered.replace("\n", " ")
            if label == "main_claim" and part == "positive" and number == 2:
                end, shown = end + 1, " " + shown  # shifted by one, as in four files of the corpus
            lines.append(f"T{n}\t{label} {offset(start)} {offset(end)}\t{shown}")
            if n in types:
                lines.append(f"A{n}\t{types[n][0]} T{n} {types[n][1]}")
        lines += [f"R{n}\t{kind} Arg1:T{a} Arg2:T{b}" for n, (kind, a, b) in enumerate(relations, 1)]
        (folder / f"{number}.txt").write_text(text, encoding="utf-8")
        (folder / f"{number}.ann").write_text("\n".join(lines) + "\n", encoding="utf-8")
        starts = [text.index(p) for p in posts]
        meta = [f"Title 0 {len(posts[0])} ", f"Source https://www.reddit.com/r/changemyview/comments/{op_id}/cmv_fixture/ "]
        meta += [f"Content {op_id if i == 0 else f'r{number}x{i}'} writer{i} {s} {s + len(p)} "
                 for i, (s, p) in enumerate(zip(starts[1:], posts[1:]))]
        meta.append(f"Delta {'Yes' if part == 'positive' else 'No'}")
        (folder / f"{number}.metadata").write_text("\n".join(meta) + "\n", encoding="utf-8")


# CMV units (brat, T lines only): folder -> part -> (text after the header lines, units as (label, covered)).
_CMV_UNIT_FOLDERS = {
    "007": ("Schools should start at ten. CMV", {
        "op": ("Teenagers sleep late by nature. Schools should start at ten.\n\nI was always tired in first period.",
               [("Fact", "Teenagers sleep late by nature."), ("Policy", "Schools should start at ten."),
                ("Testimony", "I was always tired in first period.")]),
        "positive": ("Late starts clash with parents' work. Isn't a tired parent worse?",
                     [("Value", "Late starts clash with parents' work."),
                      ("Rhetorical_Statement", "Isn't a tired parent worse?")]),
        "negative": ("Good point, but no.", []),
    }),
    "012": ("Museums should be free. CMV", {
        "op": ("Art belongs to everyone.", [("Value", "Art belongs to everyone.")]),
        "positive": ("Free entry doubled visits in one city.", [("Fact", "Free entry doubled visits in one city.")]),
        "negative": ("Someone pays anyway.", [("Value", "Someone pays anyway.")]),
    }),
}


def _write_cmv_units(root: Path) -> None:
    for name, (title, parts) in _CMV_UNIT_FOLDERS.items():
        folder = root / "cmv-units" / "dataset" / "brat_fromat" / name
        folder.mkdir(parents=True)
        for part, (body, units) in parts.items():
            header = f"op_id: {int(name)}\nop_title: {title}\n\n"
            text = f"{header}{body}\n"
            spans = [("Major_Claim", header.index(title), title)] if part == "op" else []
            spans += [(label, text.index(c, len(header)), c) for label, c in units]
            lines = [f"T{n}\t{label} {start} {start + len(c)}\t{c}" for n, (label, start, c) in enumerate(spans, 1)]
            (folder / f"{part}.txt").write_text(text, encoding="utf-8")
            (folder / f"{part}.ann").write_text("\n".join(lines), encoding="utf-8")  # no final newline


# IBM evidence (TSV): motions (id, motion, data-set) and evidence rows (motion id, claim, evidence, type).
_IBM_MOTIONS = [
    ("3", "This house would ban homework in primary schools", "train and test"),
    ("8", "This house would make voting compulsory", "held-out"),
]
_IBM_EVIDENCE = [
    ("3", "homework harms young children", "A 2010 survey of 900 pupils found that homework raised stress.", "[STUDY]"),
    ("3", "homework harms young children",
     "Professor Ada Lind said that homework teaches little before the age of ten; her own son hated it.",
     "[EXPERT, ANECDOTAL]"),
    ("8", "compulsory voting raises turnout", "In 1924 a small town fined non-voters and its turnout doubled.",
     "[ANECDOTAL]"),
]


def _write_ibm(root: Path) -> None:
    folder = root / "ibm-evidence" / "IBM_Debater_(R)_CE-EMNLP-2015.v3" / "current_working_dataset"
    folder.mkdir(parents=True)
    motions = {topic_id: motion for topic_id, motion, _ in _IBM_MOTIONS}
    lines = ["Topic id\tTopic\tData-set", *("\t".join(m) for m in _IBM_MOTIONS)]
    (folder / "motions.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    # The header has three cells ("Evidence Text  Type" is one) where every row has four.
    lines = ["Topic\tClaim corrected version\tEvidence Text  Type"]
    lines += [f"{motions[t]}\t{claim}\t{text}\t{kind}" for t, claim, text, kind in _IBM_EVIDENCE]
    (folder / "evidence.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    claims = sorted({(motions[t], claim) for t, claim, _, _ in _IBM_EVIDENCE})
    lines = ["Topic\tClaim original text\tClaim corrected version", *(f"{m}\t{c}\t{c}" for m, c in claims)]
    (folder / "claims.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


# suggestbot (additionalinfo.tsv): rows of the twelve columns. The file is written as the corpus has it: rows
# end in a bare CR, bytes are latin-1 (0x93/0x94 curly quotes, not UTF-8), a quoted field holds a tab where
# the sentence had a comma.
_SUGGESTBOT_ROWS = [
    ["1", "Bus ridership rose 40 percent after fares were cut, the 2019 city audit reports.", "https://example.org/a",
     "bus fares ridership", "2", "1", "all", "11", "Cheaper buses bring more riders.", "find numbers", "501",
     "transit"],
    ["2", "\u201cI stopped driving the day the bus became free,\u201d said one commuter.", "https://example.org/b",
     "free bus commuter", "1", "2", "none", "12", '"So, in short\t free buses change habits."', "find quotes",
     "501", "transit"],
    ["3", "My aunt still drives although her bus is free.", "https://example.org/c", "free bus", "3", "", "all",
     "13", "Free buses empty the roads.", "", "502", "transit"],
    ["4", "No one could say how many riders came.", "https://example.org/d", "riders", "", "1", "untidy only",
     "13", "Free buses empty the roads.", "", "502", "transit"],
]


def _write_suggestbot(root: Path) -> None:
    folder = root / "suggestbot"
    folder.mkdir(parents=True)
    header = ["info_id", "info_text", "info_url", "info_query", "info_type", "info_stance", "info_status", "arg_id",
              "arg_text", "arg_guideline", "post_id", "post_topic"]
    rows = ["\t".join(header), *("\t".join(row) for row in _SUGGESTBOT_ROWS)]
    (folder / "additionalinfo.tsv").write_bytes("\r".join(rows).encode("cp1252"))


def write_public_fixtures(root: Path) -> Path:
    """Write the fixtures of every public corpus format under `root`; returns `root`."""
    _write_aae(root)
    _write_microtexts(root)
    _write_cdcp(root)
    _write_editorials(root)
    _write_webdiscourse(root)
    _write_cmv_modes(root)
    _write_cmv_units(root)
    _write_ibm(root)
    _write_suggestbot(root)
    return root
