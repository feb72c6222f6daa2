"""Output names derived from input names: sanitised, confined to the output folder, never shared.

Input names come from scrapers and archives, so they may hold `../`, absolute paths, control or bidi
characters, lookalike Unicode, names Windows reserves, or nothing at all. Every name that reaches the
file system goes through `safe_component`, and `assign_outputs` gives each input its own output.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from argmine.errors import InputError

# Characters that separate or are forbidden in path components on POSIX or Windows.
_FORBIDDEN = set('/\\<>:"|?*')
# Control, format (bidi overrides, zero-width), surrogate, private-use and unassigned code points, and
# line/paragraph separators: invisible or disruptive in a file name.
_BAD_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"} | {
    f"{dev}{n}" for dev in ("COM", "LPT") for n in (*"123456789", "¹", "²", "³")
}
MAX_COMPONENT_BYTES = 120  # leaves room for a dedupe counter and suffix under the usual 255-byte limit


class UnsafePath(InputError):
    """An output path that would land outside the output folder."""


def safe_component(name: str, fallback: str = "_") -> str:
    """`name` as one harmless path component: no separators, no leading dots, no odd Unicode, never empty."""
    # NFKC folds lookalikes (fullwidth solidus and dots, ligatures) into the characters checked below.
    name = unicodedata.normalize("NFKC", name)
    chars = []
    for ch in name:
        if ch in _FORBIDDEN or unicodedata.category(ch) in _BAD_CATEGORIES:
            chars.append("_")
        elif ch.isspace():
            chars.append(" ")
        else:
            chars.append(ch)
    out = re.sub(r" {2,}", " ", "".join(chars))
    # Leading dots make hidden files and `..`; trailing dots and spaces are stripped by Windows.
    out = out.strip(" .")
    out = _truncate(out, MAX_COMPONENT_BYTES).rstrip(" .")
    if not out:
        return fallback
    if out.split(".")[0].rstrip(" ").upper() in _WINDOWS_RESERVED:
        out = "_" + out
    return out


def _truncate(text: str, max_bytes: int) -> str:
    data = text.encode("utf-8")
    if len(data) <= max_bytes:
        return text
    return data[:max_bytes].decode("utf-8", errors="ignore")


def safe_relpath(parts: Sequence[str], suffix: str) -> PurePosixPath:
    """A relative output path from folder parts and a stem, each part sanitised, `suffix` appended."""
    if not parts:
        parts = ["_"]
    *folders, stem = parts
    clean = [safe_component(p) for p in folders]
    return PurePosixPath(*clean, safe_component(stem) + suffix)


def _key(path: PurePosixPath) -> str:
    # Case-insensitive file systems (macOS, Windows) treat these as the same file.
    return unicodedata.normalize("NFC", str(path)).casefold()


def assign_outputs(
    wanted: Sequence[PurePosixPath], reserved: Sequence[PurePosixPath] = ()
) -> list[tuple[PurePosixPath, int | None]]:
    """Give each wanted path a unique one, deterministically: the first input to want a name keeps it.

    Returns `(path, clash)` per input, `clash` being the index of the input that kept the name (-1 for a
    `reserved` name) or None. A clash (case-insensitive, as on macOS and Windows) becomes `stem-2.ext`,
    `stem-3.ext`, ..., skipping every name another input wants as is.
    """
    taken: dict[str, int] = {_key(p): -1 for p in reserved}
    natural = {_key(p) for p in wanted}
    # The counter each clashing name tried last: names are only ever taken, never freed, so the first free
    # `stem-N` for a name never goes down and the search resumes there. Without this, 6,000 inputs that
    # want one name try 2 + 3 + ... + 6,000 candidates (quadratic, minutes on every resume).
    counter: dict[str, int] = {}
    out: list[tuple[PurePosixPath, int | None]] = []
    for i, path in enumerate(wanted):
        key = _key(path)
        if key not in taken:
            taken[key] = i
            out.append((path, None))
            continue
        suffix = path.suffix
        stem = path.name[: len(path.name) - len(suffix)]
        n = counter.get(key, 1) + 1
        while True:
            candidate = path.with_name(f"{stem}-{n}{suffix}")
            ckey = _key(candidate)
            if ckey not in taken and ckey not in natural:
                break
            n += 1
        counter[key] = n
        taken[ckey] = i
        out.append((candidate, taken[key]))
    return out


def inside(outdir: str | os.PathLike, relpath: PurePosixPath) -> Path:
    """`outdir/relpath`, refused if it resolves outside `outdir` (absolute, `..`, a symlinked folder)."""
    if relpath.is_absolute() or any(part in ("", ".", "..") for part in relpath.parts):
        raise UnsafePath(f"{relpath}: output name would leave the output folder")
    root = Path(outdir)
    target = root.joinpath(*relpath.parts)
    real_root = os.path.realpath(root)
    real_parent = os.path.realpath(target.parent)
    if os.path.commonpath([real_root, real_parent]) != real_root:
        raise UnsafePath(f"{relpath}: output folder resolves outside {root} (symbolic link?)")
    return target
