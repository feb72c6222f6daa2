"""argmine's error family: every exception class of the package is an `ArgmineError` carrying its exit code,
and every command (`corpus` too) prints any of them the same way."""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path

import pytest
from typer.testing import CliRunner

import argmine
from argmine.cli import app
from argmine.errors import ArgmineError, InputError, ModelError, OutputError, UsageError

PACKAGE = Path(argmine.__file__).resolve().parent
# Every module of the package, found on disk (importing them all to collect the tests would slow every run).
MODULES = sorted(
    ".".join(("argmine", *path.relative_to(PACKAGE).with_suffix("").parts)).removesuffix(".__init__")
    for path in PACKAGE.rglob("*.py")
    if path.name != "__main__.py"  # runs the command line when imported
)


def _import(name: str):
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as err:  # an optional extra (serve, dask) that is not installed here
        if err.name and not err.name.startswith("argmine"):
            pytest.skip(f"{name} needs {err.name}, which is not installed")
        raise


def _exception_classes(module) -> list[type[BaseException]]:
    return [
        obj for obj in vars(module).values()
        if inspect.isclass(obj) and issubclass(obj, BaseException) and obj.__module__ == module.__name__
    ]


@pytest.mark.parametrize("name", MODULES)
def test_every_exception_class_of_the_module_is_an_argmine_error(name):
    module = _import(name)
    strays = [cls.__qualname__ for cls in _exception_classes(module) if not issubclass(cls, ArgmineError)]
    assert not strays, f"{name}: {strays} do not derive from argmine.errors.ArgmineError"
    for cls in _exception_classes(module):
        assert cls.exit_code in (1, 2), (cls, cls.exit_code)


def test_the_walk_finds_the_package_and_its_exception_classes():
    # The test above would pass on an empty list of modules: it must see the classes argmine defines.
    found = {f"{m}.{c.__qualname__}" for m in MODULES for c in _exception_classes(_import(m))}
    assert {"argmine.argmap.MapError", "argmine.batch.errors.BatchUsageError", "argmine.nlp.models.ModelNotFound",
            "argmine.corpora.errors.CorpusFormatError", "argmine.export.dot.GraphvizError"} <= found
    assert len(found) >= 25, sorted(found)


def test_each_class_belongs_to_the_family_of_its_failure():
    from argmine.argmap import MapError
    from argmine.batch.errors import BatchUsageError
    from argmine.batch.errors import ModelLoadError as BatchModelLoadError
    from argmine.batch.outputs import OutputChanged
    from argmine.corpora.errors import CorpusError, CorpusFormatError
    from argmine.export import UnknownFormat
    from argmine.export.dot import GraphvizError
    from argmine.export.sqlite import NotArgmineDatabase
    from argmine.nlp.manifest import ModelIntegrityError
    from argmine.nlp.models import ModelLoadError, ModelNotFound
    from argmine.read.decode import InputError as DecodeInputError

    assert DecodeInputError is InputError
    for cls in (BatchUsageError, UnknownFormat, CorpusError, NotArgmineDatabase):
        assert issubclass(cls, UsageError) and cls.exit_code == 2, cls
    for cls in (ModelNotFound, ModelLoadError, ModelIntegrityError, BatchModelLoadError):
        assert issubclass(cls, ModelError) and cls.exit_code == 2, cls
    for cls in (MapError, CorpusFormatError):
        assert issubclass(cls, InputError) and cls.exit_code == 1, cls
    for cls in (GraphvizError, OutputChanged):
        assert issubclass(cls, OutputError) and cls.exit_code == 1, cls
    # Those that were OS errors stay OS errors (callers catch them as such), and print without [Errno 17].
    assert issubclass(NotArgmineDatabase, FileExistsError) and issubclass(OutputChanged, OSError)


def _one_argmine_line(result, code: int, message: str) -> None:
    assert result.exit_code == code, (result.exit_code, result.stderr)
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("argmine: ") and message in line, line


def test_corpus_stats_on_a_bad_folder_prints_the_familys_line_and_code(tmp_path):
    runner = CliRunner()
    (tmp_path / "broken.json").write_text("{", encoding="utf-8")
    _one_argmine_line(runner.invoke(app, ["corpus", "stats", "json", str(tmp_path)]), 1, "broken.json")
    _one_argmine_line(runner.invoke(app, ["corpus", "stats", "aae", str(tmp_path)]), 2, "not an AAE CoNLL folder")
    _one_argmine_line(runner.invoke(app, ["corpus", "stats", "cdcp", str(tmp_path / "gone")]), 2, "does not exist")


def test_corpus_stats_debug_shows_the_error_itself(tmp_path):
    from argmine.corpora.errors import CorpusError

    result = CliRunner().invoke(app, ["corpus", "stats", "cdcp", str(tmp_path / "gone"), "--debug"])
    assert isinstance(result.exception, CorpusError)


def test_an_argmine_value_error_outside_the_family_is_an_internal_error(monkeypatch, tmp_path):
    # No more guessing from module names: a bare ValueError is a bug, whatever module raised it.
    import argmine.corpora as corpora

    def broken(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr(corpora, "read_corpus", broken)
    monkeypatch.setattr("argmine.cli.corpus.read_corpus", broken)
    result = CliRunner().invoke(app, ["corpus", "stats", "json", str(tmp_path)])
    _one_argmine_line(result, 1, "internal error: ValueError: a bug")
