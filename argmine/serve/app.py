"""The `argmine serve` web app (Starlette): a page to paste or upload a text, and a JSON API.

Routes:
- `GET /`: the page. A form (no script) posts the text or file to `/api/map` into a frame that shows the map
  as `argmine.export.html` draws it, or downloads it in any format.
- `POST /api/map[?format=F&model=M&html=true|false&download=1&min_score=P]`: the map of the body, in `format`
  (default `json`, the `json` export), pruned under `min_score` as `argmine map --min-score` prunes it. Bodies:
  `text/plain` or `text/html` (bytes, read as `argmine map` reads a file), `application/json` `{"text": ...,
  "model": ..., "html": ..., "source": ..., "min_score": ...}`, or `multipart/form-data` with a `file` or a
  `text` field and the other fields by name (what the page sends). Decoder warnings come in `X-Argmine-Warnings`
  (a JSON array). With `min_score`, `X-Argmine-Pruned` says what it dropped, counted as `argmine map
  --summary` counts a map: `{"min_score": P, "units": N, "relations": M}` (the HTML map says it in its header).
- `GET /api/health`: `{"status": "ok", "model": ..., "models": [...], "version": ...}`.

Errors are `{"error": "one line", "status": N}` (an HTML page when a browser form asked), never a
traceback: 400 a bad parameter or an unknown model, 403 a foreign Origin, 413 a body over the limit, 415 an
unsupported media type, 422 a body that is not text, not prose, too long or bad JSON, 501 SVG/PNG without
Graphviz, 503 too many requests waiting, 500 anything unexpected (logged, not shown).

The body limit follows `max_chars` as `argmine map`'s does: the most bytes a text of `max_chars` characters
can take (12 per character in JSON, which may escape each as `\\uXXXX`), checked on Content-Length before
anything is read and again while the body streams in.
"""

from __future__ import annotations

import html as htmlmod
import json
import logging
import os
import re
from collections.abc import Sequence
from urllib.parse import urlsplit

import anyio
from starlette.applications import Starlette
from starlette.datastructures import Headers, UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.middleware import Middleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

import argmine
from argmine import export
from argmine.argmap import MapError
from argmine.batch.inputs import LONE_SURROGATES, clean_name, record_byte_limit
from argmine.errors import UsageError
from argmine.export.dot import GraphvizError, graphviz_available
from argmine.graph.confidence import check_min_score, prune_reported
from argmine.read.decode import DEFAULT_MAX_CHARS, InputError, byte_limit, decode_bytes
from argmine.serve import Models, model_list
from argmine.serve.page import page
from argmine.serve.pipelines import Pipelines, UnknownModel

log = logging.getLogger("argmine.serve")

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")
# Multipart framing (boundaries, part headers, a few small fields) on top of the text itself.
_FORM_OVERHEAD = 65_536
_JSON_KEYS = {"text", "model", "html", "source", "min_score"}
MEDIA_TYPES = {
    "json": "application/json",
    "aif": "application/json",
    "jsonl": "application/x-ndjson",  # one map per line (the `json` format on one line)
    "graphml": "application/graphml+xml; charset=utf-8",
    "argdown": "text/plain; charset=utf-8",
    "dot": "text/vnd.graphviz; charset=utf-8",
    "mermaid": "text/plain; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "svg": "image/svg+xml",
    "png": "image/png",
}
# Outputs other than the HTML map run nothing; the HTML map carries its own policy (a meta tag, by hash).
_DATA_CSP = "default-src 'none'; frame-ancestors 'self'; sandbox"
_HTML_CSP = "frame-ancestors 'self'"


class HTTPProblem(InputError):
    """An error answered with `status` and a one-line `message`."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def body_limits(max_chars: int) -> dict[str, int]:
    """The largest body accepted for each kind of request, from the character limit (see the module)."""
    raw = byte_limit(max_chars)
    return {"text": raw, "json": record_byte_limit(max_chars), "form": raw + _FORM_OVERHEAD}


def create_app(
    model: Models = None,
    *,
    pipelines: int = 1,
    max_chars: int = DEFAULT_MAX_CHARS,
    max_waiting: int = 32,
    allowed_hosts: Sequence[str] | None = LOOPBACK_HOSTS,
) -> Starlette:
    """The web app, with `model` (a name or path, or several: the first is the default) loaded `pipelines`
    times now, before it serves anything. At most `pipelines` texts per model are mapped at a time and
    `max_waiting` more wait; beyond that a request gets 503. `allowed_hosts`: the Host names it answers
    (loopback by default, against DNS rebinding), None for any.
    """
    models = model_list(model)
    pool = Pipelines(models, pipelines, max_chars=max_chars)
    limits = body_limits(max_chars)
    state = {"busy": 0}
    capacity = pipelines * len(pool.models)
    # One thread per loaded pipeline of each model, so a thread never waits for a pipeline while holding a
    # slot another model's request could use; the rest wait here, in the event loop, not in threads.
    limiters = {name: anyio.CapacityLimiter(pipelines) for name in pool.models}
    hosts = None if allowed_hosts is None else {h.strip("[]").lower() for h in allowed_hosts}

    async def index(request: Request) -> Response:
        return HTMLResponse(
            page(pool.models, available_formats(), max_chars),
            headers={"Content-Security-Policy": page_csp(), "X-Content-Type-Options": "nosniff"},
        )

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok", "model": pool.default, "models": pool.models,
                             "version": argmine.__version__})

    async def api_map(request: Request) -> Response:
        try:
            _check_origin(request, hosts)
            # Counted from before the body is read, so bodies in memory are bounded by the limit times this.
            if state["busy"] >= capacity + max_waiting:
                raise HTTPProblem(503, f"busy: {state['busy']} requests in progress; try again shortly")
            state["busy"] += 1
            try:
                query = request.query_params
                fields = await _read_request(request, limits)
                # The query string wins over the page's form fields, so a link can always say what it wants.
                fmt = _format(query.get("format") or fields.pop("format", None))
                download = _flag(query.get("download", fields.pop("download", None)), "download")
                html_flag = query.get("html", fields.get("html"))
                html_opt = None if html_flag is None else _flag(html_flag, "html")
                min_score = _min_score(query.get("min_score", fields.pop("min_score", None)))
                name = pool.resolve(query.get("model") or fields.get("model"))
                payload, warnings, source, pruned = await anyio.to_thread.run_sync(
                    _map, pool, name, fields, fmt, html_opt, max_chars, min_score, limiter=limiters[name]
                )
            finally:
                state["busy"] -= 1
        except HTTPProblem as err:
            return _problem(request, err.status, err.message)
        except UnknownModel as err:
            return _problem(request, 400, str(err))
        except (InputError, MapError) as err:
            return _problem(request, 422, str(err))
        except GraphvizError as err:
            return _problem(request, 501, str(err))
        except ClientDisconnect:
            return Response(status_code=400)
        except Exception:  # noqa: BLE001  (a bug: logged here, one line to the client, never a traceback)
            log.exception("unexpected error mapping a request")
            return _problem(request, 500, "internal error; the server's log has the details")
        headers = {
            "Content-Security-Policy": _HTML_CSP if fmt.name == "html" else _DATA_CSP,
            "X-Content-Type-Options": "nosniff",
            "X-Argmine-Warnings": json.dumps(warnings, ensure_ascii=True),
        }
        if pruned is not None:
            headers["X-Argmine-Pruned"] = json.dumps(pruned)
        if download:
            headers["Content-Disposition"] = f'attachment; filename="{download_name(source)}{fmt.suffix}"'
        return Response(payload, media_type=MEDIA_TYPES.get(fmt.name, "application/octet-stream"), headers=headers)

    async def not_found(request: Request, exc: Exception) -> Response:
        status = getattr(exc, "status_code", 404)
        return _problem(request, status, "not found" if status == 404 else "method not allowed")

    async def server_error(request: Request, exc: Exception) -> Response:
        return _problem(request, 500, "internal error; the server's log has the details")

    middleware = [] if hosts is None else [Middleware(HostCheck, hosts=hosts)]
    app = Starlette(
        routes=[
            Route("/", index, methods=["GET"]),
            Route("/api/health", health, methods=["GET"]),
            Route("/api/map", api_map, methods=["POST"]),
        ],
        middleware=middleware,
        exception_handlers={404: not_found, 405: not_found, 500: server_error},
    )
    app.state.pipelines = pool
    app.state.limits = limits
    app.state.load = state  # {"busy": requests being mapped or waiting for a pipeline}
    return app


class HostCheck:
    """Answer only requests whose Host header names one of `hosts` (any port): a web page that points its own
    domain at 127.0.0.1 (DNS rebinding) gets 400, not the server's answers. Handles `[::1]:8000` too."""

    def __init__(self, app, hosts: set[str]) -> None:
        self.app = app
        self.hosts = hosts

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http":
            host = Headers(scope=scope).get("host", "")
            try:
                name = (urlsplit(f"//{host}").hostname or "").lower()
            except ValueError:
                name = ""
            if name not in self.hosts:
                response = JSONResponse(
                    {"error": f"host {host[:80]!r} is not served here", "status": 400}, status_code=400
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


ENV_OPTIONS = "ARGMINE_SERVE_OPTIONS"


def app_from_environment() -> Starlette:
    """The app each uvicorn worker process builds for `argmine serve --workers N`, loading its own models:
    `create_app`'s arguments come as JSON in the `ARGMINE_SERVE_OPTIONS` environment variable."""
    options = json.loads(os.environ[ENV_OPTIONS])
    return create_app(options.pop("model"), **options)


def available_formats() -> list[str]:
    """Formats the server can write here: SVG and PNG only when Graphviz is installed."""
    drawn = graphviz_available()
    return [name for name in export.FORMATS if drawn or name not in ("svg", "png")]


def page_csp() -> str:
    """The page runs no script; its stylesheet is allowed by hash; it frames and posts only to itself."""
    from argmine.serve.page import style_hash

    return (
        f"default-src 'none'; style-src {style_hash()}; frame-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    )


def download_name(source: str) -> str:
    """A safe file stem for a download: the source's stem in letters, digits, `.`, `-` and `_`."""
    stem = os.path.splitext(os.path.basename(source.replace("\\", "/")))[0]
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip(".-_")[:80]
    return stem or "map"


def _format(name: str | None) -> export.Format:
    try:
        fmt = export.get_format(name or "json")
    except export.UnknownFormat:
        raise HTTPProblem(400, f"unknown format {name!r}; choose from {', '.join(export.FORMATS)}") from None
    return fmt


def _flag(value: object, what: str) -> bool:
    if value is None or isinstance(value, bool):
        return bool(value)
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("", "0", "false", "no", "off"):
        return False
    raise HTTPProblem(400, f"{what} must be true or false, not {str(value)[:40]!r}")


def _check_origin(request: Request, hosts: set[str] | None) -> None:
    # A page on another site may post to a local server (text/plain needs no preflight); it gets nothing.
    origin = request.headers.get("origin")
    if not origin or hosts is None:
        return
    host = (urlsplit(origin).hostname or "").lower()
    if host not in hosts:
        raise HTTPProblem(403, f"requests from {origin[:80]} are not accepted")


async def _read_body(request: Request, limit: int) -> bytes:
    length = request.headers.get("content-length")
    if length is not None:
        if not length.isdigit():
            raise HTTPProblem(400, "bad Content-Length")
        if int(length) > limit:
            raise HTTPProblem(413, f"request body too large ({int(length):,} bytes, over the limit of {limit:,})")
    parts, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:  # a chunked body, or one longer than it said
            raise HTTPProblem(413, f"request body too large (over the limit of {limit:,} bytes)")
        parts.append(chunk)
    return b"".join(parts)


async def _read_request(request: Request, limits: dict[str, int]) -> dict:
    """The request's fields: `data` (bytes) or `text` (str), and `model`, `html`, `source`, `format`..."""
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype in ("text/plain", "text/html"):
        data = await _read_body(request, limits["text"])
        return {"data": data, **({"html": True} if ctype == "text/html" else {})}
    if ctype == "application/json":
        data = await _read_body(request, limits["json"])
        try:
            doc = json.loads(data)
        except (ValueError, UnicodeDecodeError) as err:
            raise HTTPProblem(422, f"bad JSON: {str(err).splitlines()[0]}") from None
        except RecursionError:  # `[[[[...` nested deeper than Python's stack
            raise HTTPProblem(422, "bad JSON: nested too deeply") from None
        if not isinstance(doc, dict) or not isinstance(doc.get("text"), str):
            raise HTTPProblem(422, 'the JSON body must be an object with a string "text"')
        unknown = sorted(set(doc) - _JSON_KEYS)
        if unknown:
            raise HTTPProblem(422, f"unknown keys {', '.join(unknown)}; allowed: {', '.join(sorted(_JSON_KEYS))}")
        for key in ("model", "source"):
            if doc.get(key) is not None and not isinstance(doc[key], str):
                raise HTTPProblem(422, f'"{key}" must be a string')
        if doc.get("html") is not None and not isinstance(doc["html"], bool):
            raise HTTPProblem(422, '"html" must be true, false or null')
        return {k: v for k, v in doc.items() if v is not None}
    if ctype == "multipart/form-data":
        return await _read_form(request, limits["form"])
    raise HTTPProblem(
        415,
        f"unsupported media type {ctype or '(none)'!r}: send text/plain, text/html, application/json "
        "or multipart/form-data (e.g. curl -H 'Content-Type: text/plain' --data-binary @essay.txt)",
    )


async def _read_form(request: Request, limit: int) -> dict:
    body = await _read_body(request, limit)

    async def stream():
        yield body

    try:
        form = await MultiPartParser(
            Headers(raw=request.headers.raw), stream(), max_files=1, max_fields=16, max_part_size=limit
        ).parse()
    except MultiPartException as err:
        raise HTTPProblem(422, f"bad form data: {err.message}") from None
    try:  # an upload over 1 MB is spooled to a temporary file: closed (removed) whatever happens
        fields: dict = {}
        upload, text = form.get("file"), form.get("text")
        if isinstance(upload, UploadFile) and (upload.filename or upload.size):  # a chosen file wins
            fields["data"] = await upload.read()
            fields["source"] = clean_name(upload.filename or "")
        elif isinstance(text, str):
            fields["data"] = text.encode("utf-8")  # the browser sends the form as UTF-8
        else:
            raise HTTPProblem(422, 'the form needs a "text" field or a "file"')
        for key in ("format", "model", "download", "min_score"):
            value = form.get(key)
            if isinstance(value, str) and value:
                fields[key] = value
        if form.get("action") == "download":  # the page's Download button: the format from its own list
            fields["download"] = "1"
            fields["format"] = form.get("download-format") or "json"
        return fields
    finally:
        await form.close()


def _map(pool: Pipelines, name: str, fields: dict, fmt: export.Format, html: bool | None, max_chars: int,
         min_score: float | None = None):
    """Decode, map and serialise one request (in a worker thread): (payload, warnings, source, dropped); with
    `min_score`, the map pruned as `argmine map --min-score` prunes it (`argmine.graph.confidence.prune`) and
    `dropped` what that took out (`argmine.graph.confidence.dropped`), else None."""
    source = fields.get("source", "")
    where = source or "request"
    if "data" in fields:
        decoded = decode_bytes(fields["data"], where, html=html, max_chars=max_chars)
    else:
        text = fields["text"]
        lone = len(LONE_SURROGATES.findall(text))
        # As a JSONL record's: JSON may spell a lone surrogate, which is no character; it becomes U+FFFD.
        text = LONE_SURROGATES.sub("\ufffd", text) if lone else text
        decoded = decode_bytes(text.encode("utf-8"), where, html=html, max_chars=max_chars)
        if lone:
            decoded.warnings.insert(0, f"{where}: {lone} lone surrogate(s) replaced with U+FFFD")
    with pool.take(name) as miner:
        amap = miner.map(decoded.text, source=clean_name(source))
    amap, left_out = prune_reported(amap, min_score)
    # The HTML map is what the page's frame shows: it says in its header what was dropped, since the frame
    # shows no response header. Every other format is the map alone (the header says it for them).
    data = fmt.dump(amap, left_out)
    payload = data if isinstance(data, bytes) else data.encode("utf-8")
    return payload, decoded.warnings, source, left_out


def _min_score(value: object) -> float | None:
    """A request's `min_score` (query, JSON or form field; absent or empty: none), checked as the CLI checks it."""
    if value is None or value == "":
        return None
    try:
        return check_min_score(value, "min_score")
    except UsageError as err:
        raise HTTPProblem(400, str(err)) from None


def _problem(request: Request, status: int, message: str) -> Response:
    message = " ".join(message.split())[:2000]
    headers = {"Content-Security-Policy": "default-src 'none'", "X-Content-Type-Options": "nosniff"}
    if status == 503:
        headers["Retry-After"] = "1"
    if _wants_html(request):
        body = (
            "<!doctype html><meta charset=utf-8><title>argmine: error</title>"
            f"<p role=alert id=error data-status={status}>{status}: {htmlmod.escape(message)}</p>"
        )
        return HTMLResponse(body, status_code=status, headers=headers)
    return JSONResponse({"error": message, "status": status}, status_code=status, headers=headers)


def _wants_html(request: Request) -> bool:
    # A browser navigating (the page's form) asks for HTML first; API clients get JSON.
    accept = request.headers.get("accept", "")
    return accept.split(",")[0].strip().startswith("text/html")
