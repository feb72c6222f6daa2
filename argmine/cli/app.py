"""The Typer application every `argmine` command registers on, and how its help names things.

Typer's own help writes types (`<str>`, `<bool>`, `<path>`) where a reader wants a name, and an argument as
`{input}` in the usage line. Every command registered here gets `Command` instead: arguments are written in
capitals as click and spaCy write them (`INPUT`, `[INPUT]`, `INPUTS...`), flags get no type at all, and an
option without its own metavar is named after what it takes (`N` for a number, its name otherwise).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

import argmine

if TYPE_CHECKING:
    # Typer (0.26 on) runs its own copy of click: the context its commands are called with is that one's,
    # not the `click` package's (annotations only; they are never evaluated).
    from typer._click.core import Context


def _argument_name(param: TyperArgument) -> str:
    return param.metavar or (param.name or "").upper()


class _Argument(TyperArgument):
    # The name column already says what an argument is (INPUT, SOURCE): no `<str>` beside it.
    def display_type_rich(self, ctx: Context) -> str | None:
        return None


class Command(TyperCommand):
    """A Typer command whose help and usage line show names, never Python types."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:
            if param.metavar is not None:
                continue
            if isinstance(param, TyperOption):
                if param.is_flag:
                    param.metavar = ""  # a flag takes no value: nothing to name
                elif param.bare_type() in ("int", "float"):
                    param.metavar = "N"
                else:
                    param.metavar = (param.name or "").upper()
            elif isinstance(param, TyperArgument):
                param.metavar = _argument_name(param)
        for param in self.params:
            if isinstance(param, TyperArgument):
                param.__class__ = _Argument

    def get_help_option(self, ctx: Context) -> TyperOption | None:
        option = super().get_help_option(ctx)
        if option is not None:
            option.metavar = ""
        return option

    def collect_usage_pieces(self, ctx: Context) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if not isinstance(param, TyperArgument) or param.hidden:
                continue
            name = _argument_name(param)
            name = name if param.required else f"[{name}]"
            pieces.append(name + ("..." if param.nargs != 1 else ""))
        return pieces


class Group(TyperGroup):
    """The `argmine` group itself: its `--help` and `--version` are flags, shown without a type."""

    def get_help_option(self, ctx: Context) -> TyperOption | None:
        option = super().get_help_option(ctx)
        if option is not None:
            option.metavar = ""
        return option


class App(typer.Typer):
    """`typer.Typer` whose commands are `Command`s unless they ask for another class."""

    def command(self, *args: Any, cls: type[TyperCommand] | None = None, **kwargs: Any):
        return super().command(*args, cls=cls or Command, **kwargs)


app = App(
    name="argmine",
    cls=Group,
    help="Map the argument of an essay or op-ed: thesis, claims, premises, evidence, support and attack.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"argmine {argmine.__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_print_version, is_eager=True, metavar="",
        help="Print argmine's version and exit.",
    ),
) -> None:
    """Map the argument of an essay or op-ed: thesis, claims, premises, evidence, support and attack."""
