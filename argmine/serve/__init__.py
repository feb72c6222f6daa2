"""`argmine serve`: a local web app and JSON API over the mapper (needs the `serve` extra:
`pip install "argmine[serve]"`, Starlette and uvicorn).

`create_app(model=..., pipelines=N)` builds the ASGI app (models loaded once, now); `serve(...)` runs it
with uvicorn on 127.0.0.1. See `argmine.serve.app` for the routes, limits and status codes.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from argmine.read.decode import DEFAULT_MAX_CHARS

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


class ServeExtraMissing(ImportError):
    """Starlette or uvicorn is not installed."""


def _require() -> None:
    try:
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
        import multipart  # noqa: F401  (python-multipart: the page's form posts)
    except ImportError as err:
        raise ServeExtraMissing(
            f"argmine serve needs the serve extra ({err.name} is missing): pip install \"argmine[serve]\""
        ) from None


def create_app(model: str | os.PathLike | None | Sequence[str | os.PathLike | None] = None, **options):
    """The ASGI app (see `argmine.serve.app.create_app` for the options)."""
    _require()
    from argmine.serve.app import create_app as _create

    return _create(model, **options)


def is_loopback(host: str) -> bool:
    """Whether `host` binds only this machine (127.0.0.0/8, ::1, localhost)."""
    import ipaddress

    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def serve(
    model: str | os.PathLike | None | Sequence[str | os.PathLike | None] = None,
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    pipelines: int = 1,
    max_chars: int = DEFAULT_MAX_CHARS,
    max_waiting: int = 32,
    log_level: str = "info",
) -> None:
    """Load the model(s), then serve the app with uvicorn on `host`:`port` until interrupted.

    On a host other than loopback any Host header is answered (the names it is reached by are unknown).
    """
    _require()
    import uvicorn

    from argmine.serve.app import LOOPBACK_HOSTS

    # On loopback, only the loopback names are answered (DNS rebinding); elsewhere the names are unknown.
    hosts = (*LOOPBACK_HOSTS, host) if is_loopback(host) else None
    app = create_app(model, pipelines=pipelines, max_chars=max_chars, max_waiting=max_waiting, allowed_hosts=hosts)
    # Connections beyond what can be mapped or wait, plus a few for health checks and the page, get 503 from
    # uvicorn before their bodies are read: memory stays bounded by the body limit times this number.
    connections = pipelines * len(app.state.pipelines.models) + max_waiting + 8
    uvicorn.run(
        app, host=host, port=port, log_level=log_level, server_header=False, proxy_headers=False,
        limit_concurrency=connections,
    )


__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "ServeExtraMissing", "create_app", "is_loopback", "serve"]
