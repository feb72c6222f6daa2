"""Imported by the local pool's fork server, once, before it forks any worker: loads the batch's model there.

`argmine.batch.pool` starts the fork server with the model in its environment (`PRELOAD_ENV`: the model as
given, whether it is a path, the character limit) and lists this module among the server's preloads; the
server imports it (that is what a fork server's preload does) and every worker forked from it starts with
the model loaded, copy-on-write (`argmine.batch.work.preload`). Without `PRELOAD_ENV` it does nothing.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from argmine.batch import work
from argmine.batch.pool import PRELOAD_ENV
from argmine.nlp.models import model_spec


def _preload(value: str) -> None:
    try:
        wanted = json.loads(value)
        model = Path(wanted["model"]) if wanted["path"] else wanted["model"]
        max_chars = wanted["max_chars"]
    except (ValueError, KeyError, TypeError):
        return  # not ours to decode: the workers load their model themselves
    work.preload(model_spec(model), max_chars)


_value = os.environ.pop(PRELOAD_ENV, None)  # the workers need not carry it in their environment
if _value:
    _preload(_value)
