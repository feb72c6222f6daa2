"""Loading a model folder: its tokenizer is built empty and filled from the folder's `tokenizer` file, and every
tokenizer setting (affixes, token_match, url_match, faster_heuristics, special cases) is the folder's."""

from __future__ import annotations

import re

import pytest
import spacy
from conftest import ROOT

from argmine.nlp import load
from argmine.nlp.manifest import write_manifest
from argmine.nlp.miner import SAVED_TOKENIZER, tokenizer_overrides
from argmine.nlp.models import DEFAULT_MODEL

SHIPPED = ROOT / "models" / DEFAULT_MODEL
# Contractions, abbreviations, a URL, an emoticon, units, hyphens and quotes: text for the tokenizer's rules.
TEXT = (
    "Don't the U.S. cities' budgets (e.g. Boston's) say \"no\"? See https://example.org/a?b=1 :) -- 10km, "
    "well-known; 'tis 5pm.\n\nWe can't wait: Dr. Smith's co-op won't."
)


def _settings(tokenizer) -> dict:
    def pattern(f):
        return None if f is None else f.__self__.pattern

    return {
        "prefix_search": pattern(tokenizer.prefix_search),
        "suffix_search": pattern(tokenizer.suffix_search),
        "infix_finditer": pattern(tokenizer.infix_finditer),
        "token_match": pattern(tokenizer.token_match),
        "url_match": pattern(tokenizer.url_match),
        "faster_heuristics": tokenizer.faster_heuristics,
        "rules": tokenizer.rules,
        "bytes": tokenizer.to_bytes(exclude=["vocab"]),
    }


def _tokens(nlp, text: str = TEXT) -> list[tuple[str, str, str]]:
    return [(t.text, t.norm_, t.whitespace_) for t in nlp.make_doc(text)]


@pytest.mark.skipif(not SHIPPED.is_dir(), reason="no shipped model")
def test_the_shipped_models_tokenizer_is_the_one_spacy_builds_from_its_folder():
    theirs = spacy.load(SHIPPED)  # spaCy's own loader: the default English tokenizer, then the folder's file
    assert theirs.config["nlp"]["tokenizer"] == {"@tokenizers": "spacy.Tokenizer.v1"}
    ours = load(SHIPPED).nlp
    assert ours.config["nlp"]["tokenizer"] == {"@tokenizers": SAVED_TOKENIZER}
    assert _settings(ours.tokenizer) == _settings(theirs.tokenizer)
    assert len(ours.tokenizer.rules) > 1000  # the special cases came from the file
    assert _tokens(ours) == _tokens(theirs)
    assert ("n't", "not", " ") in _tokens(ours)
    assert len(ours.vocab.strings) == len(theirs.vocab.strings)


def _saved(folder, nlp):
    nlp.to_disk(folder)
    write_manifest(folder)
    return folder


def test_every_tokenizer_setting_of_a_folder_survives(tmp_path):
    nlp = spacy.blank("en")
    tokenizer = nlp.tokenizer
    tokenizer.add_special_case("gimme", [{"ORTH": "gim"}, {"ORTH": "me"}])
    tokenizer.suffix_search = re.compile(r"(?:[.,;!?]|km)$").search
    tokenizer.infix_finditer = re.compile(r"[-~]").finditer
    tokenizer.prefix_search = re.compile(r"^[\"'(]").search
    tokenizer.token_match = re.compile(r"^#\w+$").match
    tokenizer.url_match = None
    tokenizer.faster_heuristics = False
    folder = _saved(tmp_path / "model", nlp)
    assert tokenizer_overrides(folder) == {"nlp.tokenizer.@tokenizers": SAVED_TOKENIZER}
    loaded = load(folder).nlp
    assert _settings(loaded.tokenizer) == _settings(tokenizer)
    text = "Gimme the well-known #tag 10km (now), gimme https://example.org/x-y"
    assert _tokens(loaded, text) == _tokens(nlp, text) == _tokens(spacy.load(folder), text)
    assert ("gim", "gim", "") in _tokens(loaded, text)


def test_a_pipeline_loaded_so_saves_a_folder_that_loads_the_same(tmp_path):
    first = _saved(tmp_path / "first", spacy.blank("en"))
    assert tokenizer_overrides(first) == {"nlp.tokenizer.@tokenizers": SAVED_TOKENIZER}
    loaded = load(first).nlp
    again = _saved(tmp_path / "again", loaded)  # names argmine's tokenizer now, with the tokenizer file
    assert spacy.util.load_config(again / "config.cfg")["nlp"]["tokenizer"] == {"@tokenizers": SAVED_TOKENIZER}
    assert tokenizer_overrides(again) == {}
    assert _tokens(load(again).nlp) == _tokens(spacy.load(again)) == _tokens(spacy.blank("en"))
    # A folder without the tokenizer file (spaCy cannot load one) or with another tokenizer is left alone.
    (first / "tokenizer").unlink()
    assert tokenizer_overrides(first) == {}
