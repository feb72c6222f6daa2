"""`argmine serve`: the local web app and JSON API (a thin layer over `argmine.serve.serve`)."""

from __future__ import annotations

from typing import Optional

import typer

from argmine.cli.app import app
from argmine.cli.errors import reported, warn
from argmine.read.decode import DEFAULT_MAX_CHARS


@app.command("serve")
def serve_command(
    model: Optional[list[str]] = typer.Option(
        None, "--model", "-m", help="Model name or folder; 'rules' = baseline. Repeat to load several (the first "
        "is the default)."
    ),
    port: int = typer.Option(8000, "--port", "-p", min=0, max=65535, help="Port to listen on."),
    host: str = typer.Option(
        "127.0.0.1", "--host", help="Address to bind. Anything but loopback exposes the server to the network."
    ),
    pipelines: int = typer.Option(
        1, "--pipelines", min=1, help="Pipelines loaded per model in each worker: texts it maps at once (threads)."
    ),
    workers: int = typer.Option(
        1, "--workers", "-w", min=1, help="Server processes, each loading the models once: for more than one core."
    ),
    max_chars: int = typer.Option(
        DEFAULT_MAX_CHARS, "--max-chars", min=1, help="Refuse texts longer than this many characters."
    ),
    max_waiting: int = typer.Option(32, "--max-waiting", min=0, help="Requests that may wait; more get 503."),
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks."),
) -> None:
    """Serve a local web page and JSON API (POST /api/map, GET /api/health) on 127.0.0.1.

    Needs the serve extra: pip install "argmine\\[serve]".
    """
    from argmine.serve import is_loopback, serve

    with reported(debug):
        if not is_loopback(host):
            warn(f"binding {host}: anyone who can reach this machine on port {port} can use the server")
        # A missing serve extra is a usage error (ServeExtraMissing), as is any argument that cannot work.
        serve(model or None, host=host, port=port, pipelines=pipelines, workers=workers, max_chars=max_chars,
              max_waiting=max_waiting)
