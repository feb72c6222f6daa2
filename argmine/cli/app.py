"""The Typer application every `argmine` command registers on."""

import typer

app = typer.Typer(
    name="argmine",
    help="Map the argument of an essay or op-ed: thesis, claims, premises, evidence, support and attack.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root() -> None:
    """Map the argument of an essay or op-ed: thesis, claims, premises, evidence, support and attack."""
