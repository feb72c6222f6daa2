"""A bounded load test of `argmine serve`: N requests, C at a time, to a server this script starts on loopback.

    python benchmarks/serve_load.py                                  # 200 requests, 8 at a time, argmine-en
    python benchmarks/serve_load.py --model rules --pipelines 2 --requests 100 --concurrency 4
    python benchmarks/serve_load.py --workers 2                      # two server processes

It starts `argmine serve` (the real command, in a subprocess) on a free port of 127.0.0.1, waits for
`GET /api/health`, posts generated op-eds (`opeds.py`) to `POST /api/map` as text/plain, checks that every
answer is 200 and a JSON map of exactly the text sent, then stops the server. It reports requests/s (wall
clock, from the first request to the last answer), latency p50 / p95 / max, words/s and the error count,
and exits 1 if any request failed. It never talks to anything but 127.0.0.1, and stops by itself: a fixed
number of requests, each with a timeout, and the server is killed on the way out whatever happened.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import opeds  # noqa: E402

HOST = "127.0.0.1"  # loopback only, by design: this is a load test of one's own machine
TIMEOUT = 120


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def start_server(model: str, port: int, pipelines: int, workers: int) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(HERE.parent) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    cmd = [sys.executable, "-m", "argmine", "serve", "--model", model, "--port", str(port), "--host", HOST,
           "--pipelines", str(pipelines), "--workers", str(workers)]
    return subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def wait_healthy(proc: subprocess.Popen, base: str, timeout: float = 120) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"{base}/api/health", timeout=5) as resp:
                return json.loads(resp.read())
        except (urllib.error.URLError, ConnectionError):
            if proc.poll() is not None:
                raise SystemExit(f"the server exited: {proc.stderr.read().decode(errors='replace')[-2000:]}")
            if time.monotonic() > deadline:
                raise SystemExit("the server did not answer /api/health in time") from None
            time.sleep(0.2)


def one_request(base: str, text: str) -> tuple[float, str | None]:
    """(seconds, error or None) of one POST /api/map."""
    data = text.encode("utf-8")
    request = urllib.request.Request(f"{base}/api/map", data=data, headers={"Content-Type": "text/plain"})
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as resp:
            body = resp.read()
            status = resp.status
    except urllib.error.HTTPError as err:
        return time.perf_counter() - start, f"HTTP {err.code}: {err.read()[:200]!r}"
    except (urllib.error.URLError, OSError) as err:
        return time.perf_counter() - start, f"{type(err).__name__}: {err}"
    elapsed = time.perf_counter() - start
    if status != 200:
        return elapsed, f"HTTP {status}"
    try:
        doc = json.loads(body)
        if doc["graph"]["text"] != text:
            return elapsed, "the map's text is not the text sent"
    except (ValueError, KeyError, TypeError) as err:
        return elapsed, f"not a JSON map: {err}"
    return elapsed, None


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered) + 0.5) - 1))]  # nearest rank


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="argmine-en")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--pipelines", type=int, default=1, help="the server's --pipelines")
    parser.add_argument("--workers", type=int, default=1, help="the server's --workers (processes)")
    parser.add_argument("--documents", type=int, default=20, help="distinct generated op-eds, sent in turn")
    args = parser.parse_args()
    if not (1 <= args.requests <= 10_000 and 1 <= args.concurrency <= 64):
        parser.error("--requests must be 1-10000 and --concurrency 1-64 (this is a bounded test)")

    texts = opeds.generate(args.documents, seed=18)
    words = [len(t.split()) for t in texts]
    port = free_port()
    base = f"http://{HOST}:{port}"
    proc = start_server(args.model, port, args.pipelines, args.workers)
    try:
        health = wait_healthy(proc, base)
        one_request(base, texts[0])  # warm-up, not counted
        jobs = [texts[i % len(texts)] for i in range(args.requests)]
        start = time.perf_counter()
        with ThreadPoolExecutor(args.concurrency) as pool:
            results = list(pool.map(lambda t: one_request(base, t), jobs))
        wall = time.perf_counter() - start
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
    latencies = [s for s, _ in results]
    errors = [e for _, e in results if e]
    sent_words = sum(words[i % len(texts)] for i in range(args.requests))
    print(f"argmine serve load test: model {health['model']}, --workers {args.workers}, --pipelines {args.pipelines}, "
          f"{args.requests} requests, {args.concurrency} at a time, {args.documents} op-eds of "
          f"{min(words)}-{max(words)} words (mean {statistics.mean(words):.0f})")
    print(f"  wall {wall:.2f} s   {args.requests / wall:.2f} requests/s   {sent_words / wall:,.0f} words/s")
    print(f"  latency p50 {percentile(latencies, 0.5) * 1000:.0f} ms   p95 {percentile(latencies, 0.95) * 1000:.0f} ms"
          f"   max {max(latencies) * 1000:.0f} ms")
    print(f"  errors {len(errors)}")
    for e in errors[:5]:
        print(f"    {e}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
