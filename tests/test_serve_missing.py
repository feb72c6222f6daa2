"""Without the serve extra, `argmine serve` says what to install: one line, exit status 2 (runs everywhere)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_serve_without_the_extra_names_it():
    # `sys.modules[name] = None` makes `import name` fail, as on a machine without the package.
    code = (
        "import sys; sys.modules['starlette'] = None; sys.argv = ['argmine', 'serve', '--model', 'rules'];"
        "from argmine.cli import main; main()"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr == 'argmine: argmine serve needs the serve extra (starlette is missing): pip install "argmine[serve]"\n'
