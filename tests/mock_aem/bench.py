"""Benchmark of the mock AEM (prints numbers; asserts nothing).

    python -m tests.mock_aem.bench [--seconds 5] [--threads 1,4] [--instances 100]

1. Simple GET throughput: one author instance (the CLI in a subprocess), clients on HTTP/1.1
   keep-alive connections issuing authenticated ``GET /content.json`` for a fixed time.
   Target from the issue: >= 1000 requests/s.
2. Memory: ``--instances N`` authors in one process, each touched by one request; resident set
   size (VmRSS) of the server process. Target: 100 instances under 300 MB.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import os
import signal
import subprocess
import sys
import threading
import time
from typing import Dict, List, Tuple

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
AUTH = {"Authorization": "Basic " + base64.b64encode(b"admin:admin").decode()}


def start(*args: str) -> Tuple[subprocess.Popen, Dict[str, str]]:
    p = subprocess.Popen([sys.executable, "-m", "tests.mock_aem", "--port", "0", *args], cwd=ROOT,
                         stdout=subprocess.PIPE, text=True)
    assert p.stdout is not None
    line = p.stdout.readline()
    if not line.startswith("mock-aem ready:"):
        p.kill()
        raise SystemExit("mock did not start: %r" % line)
    ports = dict(part.split("=", 1) for part in line.split()[2:])
    return p, ports


def stop(p: subprocess.Popen) -> None:
    p.send_signal(signal.SIGTERM)
    p.wait(timeout=30)


def rss_mb(pid: int) -> float:
    with open("/proc/%d/status" % pid) as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def get_loop(port: int, seconds: float, counts: List[int], errors: List[int], idx: int) -> None:
    c = http.client.HTTPConnection("127.0.0.1", port)
    end = time.monotonic() + seconds
    n = err = 0
    while time.monotonic() < end:
        c.request("GET", "/content.json", headers=AUTH)
        r = c.getresponse()
        r.read()
        if r.status == 200:
            n += 1
        else:
            err += 1
    c.close()
    counts[idx] = n
    errors[idx] = err


def bench_get(seconds: float, threads: int) -> Tuple[float, int]:
    p, ports = start()
    try:
        port = int(ports["aem"])
        get_loop(port, 0.3, [0], [0], 0)  # warm-up
        counts, errors = [0] * threads, [0] * threads
        ts = [threading.Thread(target=get_loop, args=(port, seconds, counts, errors, i)) for i in range(threads)]
        t0 = time.monotonic()
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        elapsed = time.monotonic() - t0
        return sum(counts) / elapsed, sum(errors)
    finally:
        stop(p)


def bench_memory(instances: int) -> Tuple[float, float]:
    t0 = time.monotonic()
    p, ports = start("--instances", str(instances))
    startup = time.monotonic() - t0
    try:
        for port in ports["aem"].split(","):
            c = http.client.HTTPConnection("127.0.0.1", int(port))
            c.request("GET", "/etc/replication/agents.author.-1.json", headers=AUTH)
            c.getresponse().read()
            c.close()
        return rss_mb(p.pid), startup
    finally:
        stop(p)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--threads", default="1,4", help="client thread counts to try (comma-separated)")
    ap.add_argument("--instances", type=int, default=100)
    args = ap.parse_args()
    print("mock-aem benchmark (python %s, %d CPUs)" % (sys.version.split()[0], os.cpu_count() or 0))
    for n in (int(x) for x in args.threads.split(",") if x):
        rps, errs = bench_get(args.seconds, n)
        print("GET /content.json keep-alive, %d client thread(s), %.0f s: %.0f requests/s (errors: %d; target >= 1000)"
              % (n, args.seconds, rps, errs))
    rss, startup = bench_memory(args.instances)
    print("%d author instances in one process: RSS %.1f MB after one request each (startup %.1f s; target < 300 MB)"
          % (args.instances, rss, startup))
    rss1, _unused = bench_memory(1)
    print("1 author instance: RSS %.1f MB" % rss1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
