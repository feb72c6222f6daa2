"""`argmine serve`: a local web app and JSON API over the mapper (needs the `serve` extra:
`pip install "argmine[serve]"`, Starlette and uvicorn).

`create_app(model=..., pipelines=N)` builds the ASGI app (models loaded once, now); `serve(...)` runs it
with uvicorn on 127.0.0.1. See `argmine.serve.app` for the routes, limits and status codes.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence

from argmine.errors import UsageError
from argmine.read.decode import DEFAULT_MAX_CHARS

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


class ServeExtraMissing(ImportError, UsageError):
    """Starlette or uvicorn is not installed."""


def _require() -> None:
    try:
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
        import python_multipart  # noqa: F401  (the page's form posts)
    except ImportError as err:
        raise ServeExtraMissing(
            f"argmine serve needs the serve extra ({err.name} is missing): pip install \"argmine[serve]\""
        ) from None


# A model as the API takes it: a name, a path, None for the default.
Model = str | os.PathLike | None
# One model, or several (the first is the default).
Models = Model | Sequence[Model]


def model_list(model: Models) -> list[Model]:
    """`model` as a list of models: a name or a path is one model (a str is a sequence too), else each item is."""
    return [model] if model is None or isinstance(model, (str, os.PathLike)) else list(model)


def create_app(model: Models = None, **options):
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
    model: Models = None,
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    pipelines: int = 1,
    workers: int = 1,
    max_chars: int = DEFAULT_MAX_CHARS,
    max_waiting: int = 32,
    log_level: str = "info",
) -> None:
    """Load the model(s), then serve the app with uvicorn on `host`:`port` until interrupted.

    `workers` > 1 runs that many server processes on the one socket (uvicorn's own supervisor, which
    restarts a worker that dies), each loading the models once and mapping with its own `pipelines`; this is
    what uses more than one core, since the threads of one process share its interpreter lock. On a host
    other than loopback any Host header is answered (the names it is reached by are unknown).
    """
    _require()
    import json

    import uvicorn

    from argmine.nlp.models import model_spec
    from argmine.serve.app import ENV_OPTIONS, LOOPBACK_HOSTS

    if workers < 1:
        raise UsageError(f"workers must be at least 1, not {workers}")
    models = [model_spec(m) for m in model_list(model)]
    # On loopback, only the loopback names are answered (DNS rebinding); elsewhere the names are unknown.
    hosts = [*LOOPBACK_HOSTS, host] if is_loopback(host) else None
    options = {"pipelines": pipelines, "max_chars": max_chars, "max_waiting": max_waiting, "allowed_hosts": hosts}
    # Connections beyond what can be mapped or wait, plus a few for health checks and the page, get 503 from
    # uvicorn before their bodies are read: memory stays bounded by the body limit times this number.
    connections = pipelines * len(models) + max_waiting + 8
    run = functools.partial(uvicorn.run, host=host, port=port, log_level=log_level, server_header=False,
                            proxy_headers=False, limit_concurrency=connections)
    if workers == 1:
        run(create_app(models, **options))
        return
    from argmine.serve.pipelines import Pipelines

    Pipelines(models, 1, max_chars=max_chars)  # an unknown or broken model fails here, once, before any worker
    os.environ[ENV_OPTIONS] = json.dumps({"model": models, **options})
    run("argmine.serve.app:app_from_environment", factory=True, workers=workers)


__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "ServeExtraMissing", "create_app", "is_loopback", "serve"]
