"""`argmine serve`: a real uvicorn server on a free loopback port, called with urllib and driven in Chromium.

Skipped when the serve extra (Starlette, uvicorn, python-multipart) is not installed; the browser test also
when Debian's `chromium` is not (`.ci/run` installs both). The rule baseline keeps every map fast.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

pytest.importorskip("starlette", reason="the serve extra is not installed (pip install -e '.[serve]')")
pytest.importorskip("uvicorn", reason="the serve extra is not installed (pip install -e '.[serve]')")
pytest.importorskip("python_multipart", reason="the serve extra is not installed (pip install -e '.[serve]')")

import uvicorn  # noqa: E402

from argmine import export  # noqa: E402
from argmine.export.dot import graphviz_available  # noqa: E402
from argmine.graph.confidence import prune  # noqa: E402
from argmine.nlp import load  # noqa: E402
from argmine.serve import create_app  # noqa: E402

ESSAY = (
    "Cities should build more housing near their train stations.\n\n"
    "First, people who live near a station drive less. For example, a survey of 2,000 commuters found that "
    "62 percent of those living within a walk of a station left the car at home. Because fewer cars crowd the "
    "roads, everyone else gets to work faster.\n\n"
    "Some say new buildings change the character of a neighbourhood. However, the old character already "
    "excludes the young families who cannot pay its rents.\n\n"
    "In short, homes by the station are the cheapest climate policy a city has."
)


class Server:
    """A uvicorn server for `app` on a free loopback port, in a thread of this process."""

    def __init__(self, app) -> None:
        self.app = app
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> Server:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.02)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.sock.close()


def call(url: str, data: bytes | None = None, headers: dict | None = None, method: str | None = None):
    """(status, headers, body) of one request; HTTP errors are answers too."""
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=60) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


def post_text(base: str, text: str | bytes, query: str = "", ctype: str = "text/plain; charset=utf-8"):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return call(f"{base}/api/map{query}", data, {"Content-Type": ctype})


def post_json(base: str, doc, query: str = ""):
    data = doc if isinstance(doc, bytes) else json.dumps(doc).encode("utf-8")
    return call(f"{base}/api/map{query}", data, {"Content-Type": "application/json"})


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = "argmine-test-boundary-7f3a"
    out = []
    for name, value in fields.items():
        out.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, data) in files.items():
        out.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: application/octet-stream\r\n\r\n".encode() + data + b"\r\n"
        )
    out.append(f"--{boundary}--\r\n".encode())
    return b"".join(out), f"multipart/form-data; boundary={boundary}"


def assert_problem(status, headers, body, code: int, words: str) -> dict:
    assert status == code, body[:500]
    assert headers["Content-Type"].startswith("application/json")
    doc = json.loads(body)
    assert doc["status"] == code
    assert words in doc["error"]
    assert "\n" not in doc["error"] and "Traceback" not in doc["error"]
    return doc


@pytest.fixture(scope="module")
def server():
    with Server(create_app("rules", pipelines=2, max_chars=5_000)) as srv:
        yield srv


@pytest.fixture(scope="module")
def expected():
    return load("rules").map(ESSAY)


def test_health_names_the_loaded_model(server):
    status, headers, body = call(f"{server.url}/api/health")
    assert status == 200
    assert json.loads(body) == {"status": "ok", "model": "rules", "models": ["rules"], "version": "0.1.0"}


def test_text_and_json_bodies_give_the_json_export(server, expected):
    status, headers, body = post_text(server.url, ESSAY)
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    assert body == export.json.to_json(expected).encode("utf-8")
    amap = export.json.from_json(body)
    assert [amap.text[u.start : u.end] for u in amap.units] == [ESSAY[u.start : u.end] for u in expected.units]
    assert len(amap.units) >= 4
    status, _, same = post_json(server.url, {"text": ESSAY, "model": "rules"})
    assert status == 200 and same == body
    assert json.loads(headers["X-Argmine-Warnings"]) == []


@pytest.mark.parametrize("fmt", [f for f in export.FORMATS if f not in ("svg", "png")] + ["svg", "png"])
def test_every_format(server, expected, fmt):
    if fmt in ("svg", "png") and not graphviz_available():
        status, headers, body = post_text(server.url, ESSAY, f"?format={fmt}")
        assert_problem(status, headers, body, 501, "Graphviz")
        return
    status, headers, body = post_text(server.url, ESSAY, f"?format={fmt}&download=1")
    assert status == 200
    want = export.get_format(fmt).dumps(expected)
    assert body == (want if isinstance(want, bytes) else want.encode("utf-8"))
    assert headers["Content-Disposition"] == f'attachment; filename="map{export.get_format(fmt).suffix}"'
    if export.get_format(fmt).loads is not None:  # map formats read back to the same units
        again = export.get_format(fmt).loads(body)
        assert [(u.start, u.end, u.kind) for u in again.units] == [(u.start, u.end, u.kind) for u in expected.units]


def test_upload_is_read_as_a_file_is(server):
    data = ESSAY.replace("neighbourhood", "café").encode("cp1252")
    body, ctype = multipart({"format": "json"}, {"file": ("../oped 1.txt", data)})
    status, headers, out = call(f"{server.url}/api/map?download=1", body, {"Content-Type": ctype})
    assert status == 200, out
    amap = export.json.from_json(out)
    assert "café" in amap.text and amap.source == "../oped 1.txt"
    warnings = json.loads(headers["X-Argmine-Warnings"])
    assert any("Windows-1252" in w for w in warnings)
    assert headers["Content-Disposition"] == 'attachment; filename="oped-1.json"'


def test_html_body_maps_its_visible_text(server):
    page = "<html><head><script>var x = 1;</script></head><body><article><p>" + ESSAY + "</p></article></body></html>"
    status, _, body = post_text(server.url, page, ctype="text/html")
    assert status == 200
    text = export.json.from_json(body).text
    assert "var x" not in text and "train stations" in text
    # `?html=false` is `--no-html`: the markup itself is mapped, as plain text.
    status, _, body = post_text(server.url, page, "?html=false")
    assert status == 200 and export.json.from_json(body).text == page


def test_413_for_a_body_over_the_limit(server):
    limit = server.app.state.limits["text"]
    status, headers, body = post_text(server.url, "a " * (limit // 2 + 10))
    assert_problem(status, headers, body, 413, "too large")
    # A chunked body says no length: it is cut off while it streams in.
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    chunks = (b"word " * 1000 for _ in range(100))
    conn.request("POST", "/api/map", body=chunks, headers={"Content-Type": "text/plain"}, encode_chunked=True)
    resp = conn.getresponse()
    assert_problem(resp.status, resp.headers, resp.read(), 413, "too large")
    conn.close()


def test_415_for_other_media_types(server):
    for ctype in ("application/x-www-form-urlencoded", "image/png", ""):
        status, headers, body = call(f"{server.url}/api/map", b"text=hello", {"Content-Type": ctype} if ctype else {})
        assert_problem(status, headers, body, 415, "unsupported media type")


@pytest.mark.parametrize(
    "data, words",
    [
        (b"%PDF-1.7\n1 0 obj", "not a text file"),
        (b"abc\x00def " * 10, "not a text file"),
        (("=" * 3000 + " ") * 1, "not prose"),
        ("word " * 1100, "too large to map"),  # 5,500 characters: under the byte limit, over --max-chars
    ],
)
def test_422_for_what_argmine_map_refuses(server, data, words):
    status, headers, body = post_text(server.url, data)
    assert_problem(status, headers, body, 422, words)


@pytest.mark.parametrize(
    "doc, words",
    [
        (b'{"text": "unclosed', "bad JSON"),
        (b"[1, 2]", 'string "text"'),
        ({"text": 3}, 'string "text"'),
        ({"text": "x", "modle": "rules"}, "unknown keys modle"),
        ({"text": "x", "html": "yes"}, '"html"'),
        ({"text": "word " * 1100}, "too large to map"),
        (b"[" * 50_000 + b"]" * 50_000, "bad JSON"),
    ],
    ids=["unclosed", "array", "text-not-string", "unknown-key", "html-not-bool", "too-long", "nested"],
)
def test_422_for_bad_json(server, doc, words):
    status, headers, body = post_json(server.url, doc)
    assert_problem(status, headers, body, 422, words)


def test_lone_surrogate_in_json_becomes_a_replacement_character(server):
    status, headers, body = post_json(server.url, b'{"text": "We must act now \\ud800 before it is too late."}')
    assert status == 200
    assert "\ufffd" in export.json.from_json(body).text
    assert any("surrogate" in w for w in json.loads(headers["X-Argmine-Warnings"]))


def test_400_for_unknown_format_and_model_and_403_for_a_foreign_origin(server):
    assert_problem(*post_text(server.url, ESSAY, "?format=docx"), 400, "unknown format")
    assert_problem(*post_json(server.url, {"text": ESSAY, "model": "../../etc"}), 400, "not loaded")
    status, headers, body = call(
        f"{server.url}/api/map", ESSAY.encode(), {"Content-Type": "text/plain", "Origin": "https://evil.example"}
    )
    assert_problem(status, headers, body, 403, "not accepted")
    # DNS rebinding: only loopback names are answered, whatever the port and however they are spelt.
    assert_problem(*call(f"{server.url}/api/health", headers={"Host": "rebound.example:80"}), 400, "not served")
    assert_problem(*call(f"{server.url}/", headers={"Host": "127.0.0.1.rebound.example"}), 400, "not served")
    for host in ("localhost", f"LOCALHOST:{server.port}", f"[::1]:{server.port}", "127.0.0.1"):
        assert call(f"{server.url}/api/health", headers={"Host": host})[0] == 200, host
    assert_problem(*call(f"{server.url}/api/nothing"), 404, "not found")
    assert_problem(*call(f"{server.url}/api/map"), 405, "not allowed")


def test_browser_form_errors_are_an_html_line(server):
    body, ctype = multipart({"format": "html"}, {"file": ("x.pdf", b"%PDF-1.4 binary")})
    status, headers, out = call(f"{server.url}/api/map", body, {"Content-Type": ctype, "Accept": "text/html,*/*"})
    assert status == 422 and headers["Content-Type"].startswith("text/html")
    assert b"not a text file" in out and b"Traceback" not in out


def test_500_is_one_line_and_logged(server, monkeypatch, caplog):
    def broken(amap):
        raise RuntimeError("secret internals")

    monkeypatch.setitem(export.FORMATS, "argdown", export.Format("argdown", (".argdown",), broken))
    status, headers, body = post_text(server.url, ESSAY, "?format=argdown")
    doc = assert_problem(status, headers, body, 500, "internal error")
    assert "secret" not in doc["error"]


def test_page_offers_the_formats_this_machine_can_write(server):
    status, headers, body = call(f"{server.url}/")
    assert status == 200
    page = body.decode()
    assert "script-src" not in headers["Content-Security-Policy"] and "default-src 'none'" in headers[
        "Content-Security-Policy"]
    for fmt in ("json", "graphml", "aif", "argdown", "dot", "mermaid", "html"):
        assert f'<option value="{fmt}"' in page
    assert ('<option value="svg"' in page) == graphviz_available()


@pytest.mark.slow
def test_requests_run_concurrently_but_never_share_a_pipeline(expected):
    app = create_app("rules", pipelines=2)
    active: set[int] = set()
    seen_parallel = []
    clash = []
    lock = threading.Lock()
    for free in app.state.pipelines._free.values():
        miners = [free.get() for _ in range(2)]
        for miner in miners:
            original = miner.map

            def watched(text, source="", _miner=miner, _map=original):
                with lock:
                    if id(_miner) in active:
                        clash.append(id(_miner))
                    active.add(id(_miner))
                    seen_parallel.append(len(active))
                try:
                    time.sleep(0.05)
                    return _map(text, source)
                finally:
                    with lock:
                        active.discard(id(_miner))

            miner.map = watched
            free.put(miner)
    with Server(app) as srv:
        results = []

        def one():
            results.append(post_text(srv.url, ESSAY))

        threads = [threading.Thread(target=one) for _ in range(12)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    assert [r[0] for r in results] == [200] * 12
    assert {r[2] for r in results} == {export.json.to_json(expected).encode("utf-8")}
    assert not clash
    assert max(seen_parallel) == 2  # two pipelines: two maps at a time, never the same one twice


def test_503_when_too_many_requests_wait():
    app = create_app("rules", pipelines=1, max_waiting=0)
    gate = threading.Event()
    free = app.state.pipelines._free["rules"]
    miner = free.get()
    original = miner.map
    miner.map = lambda text, source="": (gate.wait(30), original(text, source))[1]
    free.put(miner)
    with Server(app) as srv:
        first = []
        t = threading.Thread(target=lambda: first.append(post_text(srv.url, ESSAY)))
        t.start()
        deadline = time.monotonic() + 10
        while app.state.load["busy"] < 1:  # the first request holds the only pipeline
            assert time.monotonic() < deadline
            time.sleep(0.02)
        status, headers, body = post_text(srv.url, ESSAY)
        gate.set()
        t.join(30)
    assert_problem(status, headers, body, 503, "busy")
    assert headers["Retry-After"] == "1"
    assert first[0][0] == 200


# ---- the command line ----------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_only_loopback_addresses_count_as_local():
    from argmine.serve import is_loopback

    assert all(is_loopback(h) for h in ("127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "::", "192.168.1.5", "example.com", "localhost.example"))


@pytest.mark.slow
@pytest.mark.parametrize("workers", [1, 2])
def test_cli_serves_until_stopped_and_refuses_an_unknown_model(workers):
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    bad = subprocess.run(
        [sys.executable, "-m", "argmine", "serve", "--model", "no-such-model", "--port", str(_free_port()),
         "--workers", str(workers)],
        capture_output=True, text=True, env=env, timeout=60,
    )
    assert bad.returncode == 2
    assert bad.stderr.startswith("argmine: no argmine model named 'no-such-model'") and "Traceback" not in bad.stderr
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "argmine", "serve", "--model", "rules", "--port", str(port), "--workers", str(workers)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, _, body = call(f"http://127.0.0.1:{port}/api/health")
                break
            except urllib.error.URLError:
                assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read().decode()
                time.sleep(0.2)
        assert status == 200 and json.loads(body)["model"] == "rules"
        answers = [post_text(f"http://127.0.0.1:{port}", ESSAY) for _ in range(4)]
        assert [a[0] for a in answers] == [200] * 4 and len({a[2] for a in answers}) == 1
    finally:
        proc.terminate()
        proc.wait(30)
    # uvicorn shuts down gracefully, then ends by the signal it was sent, as a well-behaved server does.
    assert proc.returncode in (0, -15), proc.stderr.read().decode()[-2000:]
    with pytest.raises(urllib.error.URLError):  # every worker is gone with it
        call(f"http://127.0.0.1:{port}/api/health")


# ---- the page in headless Chromium ---------------------------------------------------------------------

CHROMIUM = os.environ.get("ARGMINE_CHROMIUM") or shutil.which("chromium")


class DevTools:
    """Headless Chromium over `--remote-debugging-pipe` (fd 3 in, fd 4 out, NUL-separated JSON): no
    websocket library needed."""

    def __init__(self, profile: Path) -> None:
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()

        def fds():
            os.dup2(to_chrome_r, 3)
            os.dup2(from_chrome_w, 4)

        self.proc = subprocess.Popen(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}", "--remote-debugging-pipe", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=fds, pass_fds=(3, 4),
        )
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._buffer = b""
        self._id = 0

    def send(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        self._id += 1
        message = {"id": self._id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_chrome, json.dumps(message).encode() + b"\0")
        while True:
            while b"\0" not in self._buffer:
                chunk = os.read(self._from_chrome, 1 << 16)
                assert chunk, "Chromium closed its pipe"
                self._buffer += chunk
            raw, self._buffer = self._buffer.split(b"\0", 1)
            reply = json.loads(raw)
            if reply.get("id") == self._id:
                assert "error" not in reply, reply
                return reply["result"]

    def close(self) -> None:
        try:
            self.send("Browser.close")
        except (AssertionError, OSError):
            pass
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        os.close(self._to_chrome)
        os.close(self._from_chrome)


@contextmanager
def browser(tmp_path: Path):
    tools = DevTools(tmp_path / "profile")
    try:
        yield tools
    finally:
        tools.close()


def evaluate(tools: DevTools, session: str, expression: str):
    result = tools.send("Runtime.evaluate", {"expression": expression, "returnByValue": True}, session)
    return result["result"].get("value")


def wait_for(tools, session, expression, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = evaluate(tools, session, expression)
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"never true: {expression}")


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium not found (apt-get install chromium)")
def test_page_in_chromium_paste_submit_see_units(server, expected, tmp_path):
    with browser(tmp_path) as tools:
        target = tools.send("Target.createTarget", {"url": f"{server.url}/"})["targetId"]
        session = tools.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        wait_for(tools, session, "document.readyState === 'complete' && !!document.getElementById('text')")
        evaluate(tools, session, f"document.getElementById('text').value = {json.dumps(ESSAY)}; true")
        evaluate(tools, session, "document.getElementById('show').click(); true")
        frame_units = (
            "(() => { const d = document.getElementById('map').contentDocument;"
            " if (!d) return null; const ids = [...d.querySelectorAll('[data-unit-id]')]"
            ".map(e => e.getAttribute('data-unit-id')); return ids.length ? [...new Set(ids)] : null; })()"
        )
        ids = wait_for(tools, session, frame_units)
        assert sorted(ids) == sorted(u.id for u in expected.units)
        # The map page's own script ran inside the frame (its CSP allowed it): a click selects in both panes.
        shown = evaluate(
            tools, session,
            "document.getElementById('map').contentDocument.body.innerText",
        )
        assert "Cities should build more housing" in shown
        # A file that is not text: the frame shows the one-line error, not a traceback.
        evaluate(tools, session, "document.getElementById('text').value = '=' .repeat(3000); true")
        evaluate(tools, session, "document.getElementById('show').click(); true")
        error = wait_for(
            tools, session,
            "(() => { const d = document.getElementById('map').contentDocument;"
            " const e = d && d.getElementById('error'); return e ? e.textContent : null; })()",
        )
        assert error.startswith("422: ") and "not prose" in error


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium not found (apt-get install chromium)")
def test_page_in_chromium_upload_a_file_and_download_graphml(server, tmp_path):
    essay = tmp_path / "station homes.txt"
    other = ESSAY.replace("Cities", "Towns")
    essay.write_bytes(other.encode("utf-16"))  # read as argmine map reads a file: the mark says UTF-16
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    with browser(tmp_path) as tools:
        target = tools.send("Target.createTarget", {"url": f"{server.url}/"})["targetId"]
        session = tools.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        tools.send("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
        wait_for(tools, session, "document.readyState === 'complete' && !!document.getElementById('file')")
        tools.send("DOM.enable", session=session)
        root = tools.send("DOM.getDocument", session=session)["root"]["nodeId"]
        node = tools.send("DOM.querySelector", {"nodeId": root, "selector": "#file"}, session)["nodeId"]
        tools.send("DOM.setFileInputFiles", {"nodeId": node, "files": [str(essay)]}, session)
        evaluate(tools, session, "document.getElementById('show').click(); true")
        shown = wait_for(
            tools, session,
            "(() => { const d = document.getElementById('map').contentDocument;"
            " return d && d.querySelector('[data-unit-id]') ? d.body.innerText : null; })()",
        )
        assert "Towns should build more housing" in shown
        evaluate(tools, session, "document.getElementById('download-format').value = 'graphml'; true")
        evaluate(tools, session, "document.getElementById('download').click(); true")
        deadline = time.monotonic() + 30
        saved = downloads / "station-homes.graphml"
        while not saved.exists():
            assert time.monotonic() < deadline, sorted(p.name for p in downloads.iterdir())
            time.sleep(0.2)
    amap = export.graphml.from_graphml(saved.read_bytes())
    assert amap.text == other and amap.units
    assert amap.units == load("rules").map(other).units


def test_min_score_prunes_the_map_as_argmine_map_does(server, expected):
    # The rule baseline scores every unit 0.5: at 0.6 only the thesis (never pruned) is left, at 0.5 all.
    assert {u.score for u in expected.units} == {0.5} and len(expected.units) > 1
    for how in ("query", "json"):
        status, _, body = (post_text(server.url, ESSAY, "?min_score=0.6") if how == "query"
                           else post_json(server.url, {"text": ESSAY, "min_score": 0.6}))
        assert status == 200, how
        pruned = export.json.from_json(body)
        assert [u.id for u in pruned.units] == [u.id for u in prune(expected, 0.6).units] and len(pruned.units) == 1
    status, _, body = post_text(server.url, ESSAY, "?min_score=0.5")
    assert status == 200 and len(export.json.from_json(body).units) == len(expected.units)
    form, ctype = multipart({"min_score": "0.6"}, {"file": ("essay.txt", ESSAY.encode())})
    status, _, body = call(f"{server.url}/api/map", form, {"Content-Type": ctype})
    assert status == 200 and len(export.json.from_json(body).units) == 1
    for bad in ("2", "x", "-0.1"):
        assert_problem(*post_text(server.url, ESSAY, f"?min_score={bad}"), 400, "min_score must be a number from 0 to 1")
    assert_problem(*post_json(server.url, {"text": ESSAY, "min_score": True}), 400, "min_score must be a number")


# ---- what min_score dropped, and the page's control for it ----------------------------------------------


def _summary_counts(*args: str) -> dict:
    """The units and relations `argmine map - -m rules --summary --json [args]` counts in ESSAY's map."""
    from typer.testing import CliRunner

    from argmine.cli import app

    result = CliRunner().invoke(app, ["map", "-", "-m", "rules", "--summary", "--json", *args], input=ESSAY)
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    return {"units": doc["units"], "relations": doc["relations"]}


def test_min_score_says_what_it_dropped_as_the_summary_counts_it(server):
    full, pruned = _summary_counts(), _summary_counts("--min-score", "0.6")
    assert pruned["units"] < full["units"] and pruned["relations"] < full["relations"]
    want = {"min_score": 0.6, "units": full["units"] - pruned["units"],
            "relations": full["relations"] - pruned["relations"]}
    for fmt in ("json", "graphml", "html"):
        status, headers, body = post_text(server.url, ESSAY, f"?min_score=0.6&format={fmt}")
        assert status == 200 and json.loads(headers["X-Argmine-Pruned"]) == want, fmt
    # The HTML map says it in its header, where the page's frame shows it.
    line = PageText.of(body).by_id["pruned"]
    assert line == (f"min score 0.6: {want['units']} units and {want['relations']} relations dropped "
                    "(the thesis is always kept)")
    # 0 drops nothing and says so; no min_score, no header and no line.
    status, headers, body = post_text(server.url, ESSAY, "?min_score=0&format=html")
    assert status == 200 and json.loads(headers["X-Argmine-Pruned"]) == {"min_score": 0.0, "units": 0, "relations": 0}
    assert PageText.of(body).by_id["pruned"] == "min score 0: nothing dropped"
    status, headers, body = post_text(server.url, ESSAY, "?format=html")
    assert status == 200 and "X-Argmine-Pruned" not in headers and "pruned" not in PageText.of(body).by_id
    assert_problem(*post_text(server.url, ESSAY, "?min_score=2"), 400, "min_score must be a number from 0 to 1")


class PageText:
    """The text of every element with an id in an HTML page."""

    def __init__(self) -> None:
        self.by_id: dict[str, str] = {}
        self.attrs: dict[str, dict] = {}

    @classmethod
    def of(cls, page: bytes) -> PageText:
        from html.parser import HTMLParser

        found = cls()
        open_ids: list[tuple[str, str | None]] = []

        class Parser(HTMLParser):
            def handle_starttag(self, tag, attrs):
                attrs = dict(attrs)
                if tag in ("input", "meta", "br", "img", "link"):
                    if attrs.get("id"):
                        found.attrs[attrs["id"]] = attrs
                    return
                open_ids.append((tag, attrs.get("id")))
                if attrs.get("id"):
                    found.attrs[attrs["id"]] = attrs
                    found.by_id[attrs["id"]] = ""

            def handle_endtag(self, tag):
                while open_ids and open_ids.pop()[0] != tag:
                    pass

            def handle_data(self, data):
                for _, ident in open_ids:
                    if ident:
                        found.by_id[ident] += data

        parser = Parser()
        parser.feed(page.decode("utf-8"))
        parser.close()
        found.by_id = {k: " ".join(v.split()) for k, v in found.by_id.items()}
        return found


def test_page_has_a_min_score_field_sent_with_the_form(server):
    status, _, body = call(f"{server.url}/")
    assert status == 200
    page = PageText.of(body)
    field = page.attrs["min-score"]
    assert field["name"] == "min_score" and field["type"] == "number"
    assert (field["min"], field["max"], field["step"]) == ("0", "1", "0.05") and not field.get("value")
    # Its label says what it does, and that empty keeps everything.
    label = page.by_id["min-score-label"]
    assert "drop units scored under" in label and "empty keeps every unit" in label
    # The server's check decides (the CLI's message), not the browser's: 0.33 is as good as 0.35.
    assert "novalidate" in page.attrs["map-form"]


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium not found (apt-get install chromium)")
def test_page_in_chromium_min_score_drops_units_and_a_bad_one_is_the_error_line(server, expected, tmp_path):
    frame_units = (
        "(() => { const d = document.getElementById('map').contentDocument;"
        " if (!d || d.readyState !== 'complete') return null;"
        " const ids = [...d.querySelectorAll('#map .node[data-unit-id]')].map(e => e.getAttribute('data-unit-id'));"
        " return ids.length ? {ids: [...new Set(ids)], pruned: (d.getElementById('pruned') || {}).textContent || ''}"
        " : null; })()"
    )
    with browser(tmp_path) as tools:
        target = tools.send("Target.createTarget", {"url": f"{server.url}/"})["targetId"]
        session = tools.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        wait_for(tools, session, "document.readyState === 'complete' && !!document.getElementById('min-score')")
        # A field of the one form, so both Map it and Download send it.
        assert evaluate(tools, session, "document.getElementById('min-score').form.id") == "map-form"
        evaluate(tools, session, f"document.getElementById('text').value = {json.dumps(ESSAY)}; true")
        # Empty: every unit, and nothing said about dropping.
        evaluate(tools, session, "document.getElementById('show').click(); true")
        shown = wait_for(tools, session, frame_units)
        assert sorted(shown["ids"]) == sorted(u.id for u in expected.units) and shown["pruned"] == ""
        # Filled in as a reader types it: fewer units, the count of what went, the value still in the field.
        evaluate(tools, session, "document.getElementById('min-score').focus(); true")
        tools.send("Input.insertText", {"text": "0.6"}, session)
        evaluate(tools, session, "document.getElementById('show').click(); true")
        shown = wait_for(tools, session, f"(() => {{ const r = {frame_units}; return r && r.ids.length < "
                                         f"{len(expected.units)} ? r : null; }})()")
        assert shown["ids"] == [u.id for u in prune(expected, 0.6).units]
        assert shown["pruned"].startswith(f"min score 0.6: {len(expected.units) - 1} units and ")
        assert evaluate(tools, session, "document.getElementById('min-score').value") == "0.6"
        # Out of range: the frame shows the CLI's one-line message, not a traceback; the field keeps it.
        evaluate(tools, session, "document.getElementById('min-score').value = '2'; true")
        evaluate(tools, session, "document.getElementById('show').click(); true")
        error = wait_for(
            tools, session,
            "(() => { const d = document.getElementById('map').contentDocument;"
            " const e = d && d.getElementById('error'); return e ? d.body.innerText : null; })()",
        )
        assert error == "400: min_score must be a number from 0 to 1, not '2'"
        assert evaluate(tools, session, "document.getElementById('min-score').value") == "2"
