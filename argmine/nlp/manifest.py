"""Model integrity: every model folder ships `manifest.json`, the sha256 and size of each of its files.

`spacy.load` runs whatever a model's files describe, so a model folder is code as much as data. Loading one
first checks it against its manifest: a changed, missing, extra or truncated file, a symbolic link, or no
manifest at all is refused with `ModelIntegrityError` before spaCy reads a byte of it. Training writes the
manifest last, with `write_manifest`.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path, PurePosixPath

from argmine.errors import ModelError

MANIFEST = "manifest.json"
FORMAT = "argmine-manifest/1"
_CHUNK = 1 << 20


class ModelIntegrityError(ModelError):
    """A model folder that does not match its manifest (or has none); the message names the first problem."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _files(folder: Path) -> tuple[dict[str, Path], list[str]]:
    """Every file under `folder` by its POSIX relative path (the manifest excluded), and any symlinks."""
    files: dict[str, Path] = {}
    links: list[str] = []
    for root, dirs, names in os.walk(folder, followlinks=False):
        root_path = Path(root)
        for name in sorted(dirs + names):
            path = root_path / name
            rel = path.relative_to(folder).as_posix()
            if path.is_symlink():
                links.append(rel)
            elif name in names and rel != MANIFEST:
                files[rel] = path
    return dict(sorted(files.items())), sorted(links)


def build_manifest(folder: str | os.PathLike) -> dict:
    """The manifest of `folder` as plain data: the sha256 and size of every file."""
    folder = Path(folder)
    files, links = _files(folder)
    if links:
        raise ModelIntegrityError(f"model folder {folder} contains a symbolic link ({links[0]}); copy the file in")
    return {
        "format": FORMAT,
        "algorithm": "sha256",
        "files": {rel: {"sha256": _sha256(path), "size": path.stat().st_size} for rel, path in files.items()},
    }


def write_manifest(folder: str | os.PathLike) -> Path:
    """Write `folder/manifest.json` for the files now in `folder` (call it after the last file is written)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ModelIntegrityError(f"no model folder at {folder}")
    data = json.dumps(build_manifest(folder), indent=1, sort_keys=True) + "\n"
    target = folder / MANIFEST
    tmp = folder / f".{MANIFEST}.tmp"
    tmp.write_text(data, encoding="utf-8")
    os.replace(tmp, target)
    return target


def _read_manifest(folder: Path) -> dict[str, dict]:
    path = folder / MANIFEST
    if path.is_symlink() or not path.is_file():
        raise ModelIntegrityError(
            f"model folder {folder} has no {MANIFEST}; argmine loads only models with a manifest "
            "(argmine.nlp.manifest.write_manifest writes one)"
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT or data.get("algorithm") != "sha256":
            raise ValueError(f"not an {FORMAT} sha256 manifest")
        files = data["files"]
        for rel, entry in files.items():
            if not _safe_relative(rel):
                raise ValueError(f"unsafe path {rel!r}")
            if not (isinstance(entry.get("sha256"), str) and isinstance(entry.get("size"), int)):
                raise TypeError(f"bad entry for {rel!r}")
    except (ValueError, KeyError, TypeError, AttributeError) as err:
        raise ModelIntegrityError(f"model folder {folder}: {MANIFEST} is not a valid manifest ({err})") from None
    return files


def _safe_relative(rel: object) -> bool:
    if not isinstance(rel, str) or not rel or "\\" in rel or "\x00" in rel:
        return False
    parts = PurePosixPath(rel).parts
    return not PurePosixPath(rel).is_absolute() and all(p not in ("", ".", "..") for p in parts)


def verify_manifest(folder: str | os.PathLike) -> None:
    """Check every file of `folder` against its manifest; raise `ModelIntegrityError` naming what differs."""
    folder = Path(folder)
    expected = _read_manifest(folder)
    found, links = _files(folder)
    problems = [f"{rel} is a symbolic link" for rel in links]
    problems += [f"{rel} is missing" for rel in expected if rel not in found]
    problems += [f"{rel} is not in the manifest" for rel in found if rel not in expected]
    for rel, entry in expected.items():
        path = found.get(rel)
        if path is None:
            continue
        size = path.stat().st_size
        if size < entry["size"]:
            problems.append(f"{rel} is truncated ({size:,} of {entry['size']:,} bytes)")
        elif size > entry["size"]:
            problems.append(f"{rel} has changed ({size:,} bytes, the manifest says {entry['size']:,})")
        elif _sha256(path) != entry["sha256"]:
            problems.append(f"{rel} has changed (sha256 differs)")
    if problems:
        more = f" (and {len(problems) - 1} more problem{'s' if len(problems) > 2 else ''})" if len(problems) > 1 else ""
        raise ModelIntegrityError(
            f"model folder {folder} failed its integrity check: {problems[0]}{more}; refusing to load it"
        )
