"""Benchmark of the brand_portal_configure role over a fleet of mock AEM authors (reports numbers, asserts no time).

    ANSIBLE_COLLECTIONS_PATH=build/collections .venv/bin/python -m tests.benchmark.bench_fleet [--authors 5]

From the repository root, after ``make tree`` (the collection under test is the synced copy in
``build/collections``). See ``tests/benchmark/README.md``. The script:

1. starts the bundled mock (``python -m tests.mock_aem --port 0 --instances N --ims-port 0 --bp-port 0``) and
   reads its ready line; the mock is stopped at the end, also after an error or Ctrl-C;
2. does the person's step at Adobe as ``playbooks/demo.yml`` does, through the mock's admin API: the Brand Portal
   tenant and the credential (OAuth Server-to-Server, or JWT with a bring-your-own key pair made with openssl);
3. runs ``playbooks/configure.yml`` (the brand_portal_configure role) over N authors with a generated inventory,
   then again (the re-run must change nothing and write nothing), then with ``--check --diff`` (audit-like; it must
   write nothing);
4. reports per phase the wall time and the HTTP requests each author received (GET, POST, other, total, writes;
   min / median / max across authors) from the mock's counters: ``/__mock__/stats`` for the totals and writes,
   and per HTTP method the hit counts of three pass-through "faults" (no delay, no status: they only count) that
   the script installs on every author.

Exit status: 0 when every phase succeeded and neither the re-run nor the check run changed or wrote anything,
1 otherwise, 2 for bad options or a missing prerequisite, 130 when interrupted.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PLAYBOOK = os.path.join(ROOT, "playbooks", "configure.yml")
COLLECTION = os.path.join("ansible_collections", "aemtools", "brand_portal")

TENANT = "bench"
TENANT_URL = "https://bench.brand-portal.adobe.com"
ORG_ID = "1234567890ABCDEF12345678@AdobeOrg"
TECH_ACCOUNT = "ABCDEF1234567890@techacct.adobe.com"
CLIENT_ID = "bench-brand-portal"
CLIENT_SECRET = "bench-secret-not-real"
SCOPES = ["openid", "AdobeID", "read_organizations"]

# name, extra ansible-playbook options, whether the phase may change or write anything
PHASES = [
    ("configure", [], True),
    ("rerun", [], False),
    ("check", ["--check", "--diff"], False),
]
METRICS = ["GET", "POST", "other", "total", "writes"]
# pass-through faults (no delay, no status, no drop) counting the requests per method, first match applies
PROBES = [("GET", {"method": "GET"}), ("POST", {"method": "POST"}), ("other", {})]

RECAP = re.compile(r"^(\S+)\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", re.MULTILINE)


class BenchError(Exception):
    """A failure that stops the benchmark."""


class Interrupted(Exception):
    """SIGTERM received, or ansible-playbook was interrupted."""


def parse_args(argv):
    p = argparse.ArgumentParser(prog="python -m tests.benchmark.bench_fleet",
                                description="Benchmark the brand_portal_configure role over N mock AEM authors: "
                                            "wall time and HTTP requests per author for a first run, a re-run and "
                                            "a --check run. Reports numbers; asserts no time.")
    p.add_argument("--authors", type=int, default=5, help="number of mock AEM authors (default 5)")
    p.add_argument("--forks", type=int, default=5, help="ansible-playbook --forks (default 5, Ansible's default)")
    p.add_argument("--aem-version", default="6.5.21", help="the mock's --aem-version (default 6.5.21)")
    p.add_argument("--credential", choices=["oauth", "jwt"],
                   help="credential type: OAuth Server-to-Server or JWT with a bring-your-own key pair "
                        "(default: oauth on 6.5.21 and later, which accept only oauth; jwt before)")
    p.add_argument("--mock-args", default="", metavar="ARGS",
                   help="more options of `python -m tests.mock_aem`, e.g. --mock-args=--ims-oauth-hotfix for oauth on 6.5.11-6.5.20")
    p.add_argument("--repeat", type=int, default=1,
                   help="run the three phases this many times, on a freshly reset mock each time (default 1)")
    p.add_argument("--json", metavar="FILE", help="also write the numbers to FILE (JSON)")
    p.add_argument("--keep", action="store_true", help="keep the work directory (inventory, logs of each phase)")
    p.add_argument("--verbose", action="store_true", help="print ansible-playbook's output of each phase")
    args = p.parse_args(argv)
    if args.authors < 1 or args.forks < 1 or args.repeat < 1:
        p.error("--authors, --forks and --repeat must be at least 1")
    version = tuple(int(x) for x in re.findall(r"\d+", args.aem_version)[:3])
    if len(version) < 2:
        p.error("--aem-version must look like 6.5 or 6.5.21, not %r" % args.aem_version)
    if args.credential is None:
        args.credential = "oauth" if version >= (6, 5, 21) else "jwt"
    return args


# ------------------------------------------------------------------ the mock and its admin API

def http_json(port, method, path, body=None):
    """Call the mock's admin API on ``port``; the decoded JSON answer."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        data = None if body is None else json.dumps(body).encode("utf-8")
        conn.request(method, path, body=data, headers={"Content-Type": "application/json"} if data else {})
        resp = conn.getresponse()
        raw = resp.read()
    finally:
        conn.close()
    if resp.status >= 300:
        raise BenchError("%s %s on port %d answered %d: %s" % (method, path, port, resp.status, raw[:300]))
    return json.loads(raw) if raw else {}


class Mock:
    """The bundled mock AEM (N authors), Adobe IMS and Brand Portal, as a child process."""

    def __init__(self, work, version, authors, extra_args=()):
        self.log_path = os.path.join(work, "mock.log")
        self.cmd = [sys.executable, "-m", "tests.mock_aem", "--port", "0", "--aem-version", version,
                    "--instances", str(authors), "--ims-port", "0", "--bp-port", "0"] + list(extra_args)
        self.proc = None
        self.aem_ports = []
        self.ims_port = self.bp_port = 0
        self.version = ""

    def start(self, timeout=60.0):
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        with open(self.log_path, "wb") as log:
            # its own session: Ctrl-C reaches the benchmark, which stops the mock in order
            self.proc = subprocess.Popen(self.cmd, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log,
                                         stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self._ready_line()
            if line:
                fields = dict(word.split("=", 1) for word in line.split()[2:] if "=" in word)
                self.aem_ports = [int(x) for x in fields["aem"].split(",")]
                self.ims_port, self.bp_port = int(fields["ims"]), int(fields["bp"])
                self.version = fields.get("version", "")
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.1)
        raise BenchError("the mock did not become ready (%s); its log:\n%s" % (" ".join(self.cmd), self.log_tail()))

    def _ready_line(self):
        with open(self.log_path, encoding="utf-8", errors="replace") as log:
            for line in log:
                if line.startswith("mock-aem ready:"):
                    return line.strip()
        return ""

    def log_tail(self, lines=20):
        with open(self.log_path, encoding="utf-8", errors="replace") as log:
            return "".join(log.readlines()[-lines:])

    def stop(self):
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)

    def prepare(self, credential, certificate):
        """Fresh state on every port, the counting probes on every author, the person's step at Adobe."""
        for port in self.aem_ports + [self.ims_port, self.bp_port]:
            http_json(port, "POST", "/__mock__/reset")
        for port in self.aem_ports:
            http_json(port, "POST", "/__mock__/faults", [spec for _unused, spec in PROBES])
        http_json(self.bp_port, "POST", "/__mock__/tenants", {"tenant": TENANT, "org_id": ORG_ID})
        integration = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "org_id": ORG_ID,
                       "technical_account_id": TECH_ACCOUNT, "metascopes": ["ent_brand_portal_sdk"]}
        if credential == "oauth":
            integration["scopes"] = SCOPES
        else:
            integration["certificates"] = [certificate]
        http_json(self.ims_port, "POST", "/__mock__/ims/integrations", integration)

    def counters(self):
        """Cumulative counters: per author GET/POST/other/total/writes, and the IMS and Brand Portal totals."""
        authors = []
        for port in self.aem_ports:
            stats = http_json(port, "GET", "/__mock__/stats")
            hits = [f["hits"] for f in http_json(port, "GET", "/__mock__/faults")["faults"]]
            if len(hits) != len(PROBES):
                raise BenchError("author on port %d has %d faults, expected the %d probes" % (port, len(hits), len(PROBES)))
            row = {name: hits[i] for i, (name, _unused) in enumerate(PROBES)}
            row.update(total=stats["requests"], writes=stats["writes"])
            authors.append(row)
        return {"authors": authors, "ims": http_json(self.ims_port, "GET", "/__mock__/stats"),
                "bp": http_json(self.bp_port, "GET", "/__mock__/stats")}


# ------------------------------------------------------------------ Ansible

def ansible_env(work):
    env = dict(os.environ)
    coll = env.get("ANSIBLE_COLLECTIONS_PATH") or os.path.join(ROOT, "build", "collections")
    coll = os.pathsep.join(os.path.abspath(p) for p in coll.split(os.pathsep) if p)
    if not any(os.path.isdir(os.path.join(p, COLLECTION)) for p in coll.split(os.pathsep)):
        raise BenchError("aemtools.brand_portal is not under ANSIBLE_COLLECTIONS_PATH=%s: run `make tree` and set "
                         "ANSIBLE_COLLECTIONS_PATH=build/collections" % coll)
    env.update(ANSIBLE_COLLECTIONS_PATH=coll, ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0",
               ANSIBLE_RETRY_FILES_ENABLED="0", ANSIBLE_LOCAL_TEMP=os.path.join(work, "ansible-tmp"))
    env.setdefault("ANSIBLE_COLLECTIONS_SCAN_SYS_PATH", "false")
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    return env


def ansible_playbook():
    beside = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")
    found = beside if os.access(beside, os.X_OK) else shutil.which("ansible-playbook")
    if not found:
        raise BenchError("ansible-playbook not found beside %s nor on PATH (use .venv/bin/python)" % sys.executable)
    return found


def make_keypair(work):
    """A bring-your-own key pair for the JWT credential: (private key PEM, certificate PEM)."""
    key, crt = os.path.join(work, "private.key"), os.path.join(work, "certificate.crt")
    try:
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30",
                        "-subj", "/CN=aem-brand-portal-bench", "-keyout", key, "-out", crt],
                       check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError) as exc:
        raise BenchError("openssl could not make the key pair for --credential jwt: %s" % exc)
    with open(key, encoding="utf-8") as fh_key, open(crt, encoding="utf-8") as fh_crt:
        return fh_key.read(), fh_crt.read()


def write_inventory(work, mock, credential, keypair):
    """The fleet as an inventory (JSON is YAML): group aem_authors, author1..N, the role's inputs as group vars."""
    group_vars = {
        "ansible_connection": "local",
        "ansible_python_interpreter": "{{ ansible_playbook_python }}",
        "aem_username": "admin",
        "aem_password": "admin",
        "ims_url": "http://127.0.0.1:%d" % mock.ims_port,
        "bp_tenant_url": TENANT_URL,
        "bp_credential_type": credential,
        "bp_client_id": CLIENT_ID,
        "bp_client_secret": CLIENT_SECRET,
        "bp_org_id": ORG_ID,
        "bp_certificate_dir": os.path.join(work, "certificates"),
    }
    if credential == "oauth":
        group_vars["bp_scopes"] = SCOPES
    else:
        group_vars.update(bp_technical_account_id=TECH_ACCOUNT, bp_private_key=keypair[0], bp_certificate=keypair[1])
    hosts = {"author%d" % (i + 1): {"aem_url": "http://127.0.0.1:%d" % port} for i, port in enumerate(mock.aem_ports)}
    path = os.path.join(work, "inventory.yml")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump({"aem_authors": {"hosts": hosts, "vars": group_vars}}, fh, indent=1)
    return path


def run_phase(cmd, env, log_path, verbose):
    """Run ansible-playbook; (return code, wall seconds, {host: recap counts}, output)."""
    start = time.monotonic()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, check=False)
    wall = time.monotonic() - start
    with open(log_path, "w", encoding="utf-8") as log:
        log.write(proc.stdout)
    if proc.returncode in (99, -signal.SIGINT, -signal.SIGTERM):
        raise Interrupted()  # ansible-playbook was interrupted (99: "User interrupted execution")
    if verbose:
        print(proc.stdout)
    recap = {}
    for match in RECAP.finditer(proc.stdout):
        recap[match.group(1)] = {"ok": int(match.group(2)), "changed": int(match.group(3)),
                                 "unreachable": int(match.group(4)), "failed": int(match.group(5))}
    return proc.returncode, wall, recap, proc.stdout


# ------------------------------------------------------------------ numbers

def spread(values):
    return {"min": min(values), "median": statistics.median(values), "max": max(values)}


def per_author(before, after):
    rows = []
    for old, new in zip(before["authors"], after["authors"]):
        rows.append({"GET": new["GET"] - old["GET"], "POST": new["POST"] - old["POST"],
                     "other": new["other"] - old["other"], "total": new["total"] - old["total"],
                     "writes": new["writes"] - old["writes"]})
    return rows


def fmt(value):
    return ("%.1f" % value).rstrip("0").rstrip(".") if isinstance(value, float) else str(value)


def print_table(result):
    head = ["phase", "wall s", "s/author", "changed", "ok"] + ["%s min/med/max" % m for m in METRICS] + ["IMS", "BP"]
    rows = []
    for name, _opts, _may_write in PHASES:
        phase = result["phases"][name]
        walls = phase["wall_s"]
        if not walls:
            continue  # not reached: an earlier phase failed
        wall = "%.2f" % statistics.median(walls)
        if len(walls) > 1:
            wall += " (%.2f-%.2f)" % (min(walls), max(walls))
        cells = [name, wall, "%.2f" % (statistics.median(walls) / result["authors"]),
                 "%d/%d" % (max(phase["hosts_changed"]), result["authors"]), "yes" if phase["ok"] else "NO"]
        for metric in METRICS:
            s = phase["per_author"][metric]
            cells.append("%s/%s/%s" % (fmt(s["min"]), fmt(s["median"]), fmt(s["max"])))
        cells += [fmt(statistics.median(phase["ims_requests"])), fmt(statistics.median(phase["bp_requests"]))]
        rows.append(cells)
    widths = [max(len(r[i]) for r in [head] + rows) for i in range(len(head))]
    for r in [head] + rows:
        print("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))))


# ------------------------------------------------------------------ main

def benchmark(args, work):
    env = ansible_env(work)
    playbook_cmd = ansible_playbook()
    version_out = subprocess.run([playbook_cmd, "--version"], env=env, capture_output=True, text=True, check=False).stdout
    core = re.search(r"core ([0-9][^\]\s]*)", version_out)
    keypair = make_keypair(work) if args.credential == "jwt" else None
    mock = Mock(work, args.aem_version, args.authors, shlex.split(args.mock_args))
    result = {
        "benchmark": "tests/benchmark/bench_fleet.py", "playbook": "playbooks/configure.yml",
        "aem_version": args.aem_version, "mock_args": args.mock_args, "authors": args.authors, "forks": args.forks,
        "credential": args.credential,
        "repeat": args.repeat,
        "environment": {"python": platform.python_version(), "ansible_core": core.group(1) if core else "unknown",
                        "cpus": os.cpu_count(), "platform": platform.platform()},
        "phases": {name: {"wall_s": [], "hosts_changed": [], "authors": [], "ims_requests": [], "bp_requests": [],
                          "ok": True} for name, _opts, _may_write in PHASES},
        "problems": [],
    }
    try:
        mock.start()
        result["mock_version"] = mock.version
        inventory = write_inventory(work, mock, args.credential, keypair)
        print("mock: AEM %s, %d authors, IMS :%d, Brand Portal :%d; %s credential; forks %d; ansible-core %s; "
              "%d CPUs; work dir %s" % (mock.version, args.authors, mock.ims_port, mock.bp_port, args.credential,
                                        args.forks, result["environment"]["ansible_core"], os.cpu_count(), work))
        for rep in range(args.repeat):
            mock.prepare(args.credential, keypair[1] if keypair else None)
            for name, opts, may_write in PHASES:
                if not run_one(args, mock, env, result, rep, (name, opts, may_write),
                               [playbook_cmd, "-i", inventory, "--forks", str(args.forks)] + opts + [PLAYBOOK]):
                    return result
    finally:
        mock.stop()
    return result


def run_one(args, mock, env, result, rep, phase_def, cmd):
    """One phase of one repetition; False when it failed (the benchmark stops)."""
    name, _opts, may_write = phase_def
    phase = result["phases"][name]
    before = mock.counters()
    log_path = os.path.join(os.path.dirname(env["ANSIBLE_LOCAL_TEMP"]), "%s-%d.log" % (name, rep + 1))
    rc, wall, recap, output = run_phase(cmd, env, log_path, args.verbose)
    after = mock.counters()
    rows = per_author(before, after)
    for i, row in enumerate(rows):
        host = "author%d" % (i + 1)
        row.update(host=host, repetition=rep + 1, changed=recap.get(host, {}).get("changed"))
        counted = row["GET"] + row["POST"] + row["other"]
        if counted != row["total"]:
            result["problems"].append("%s %s: GET+POST+other = %d but the mock counted %d requests (another client?)"
                                      % (name, host, counted, row["total"]))
    phase["wall_s"].append(round(wall, 3))
    phase["authors"].extend(rows)
    phase["hosts_changed"].append(sum(1 for r in rows if r["changed"]))
    phase["ims_requests"].append(after["ims"]["requests"] - before["ims"]["requests"])
    phase["bp_requests"].append(after["bp"]["requests"] - before["bp"]["requests"])
    phase["per_author"] = {m: spread([r[m] for r in phase["authors"]]) for m in METRICS}
    problems = []
    missing = [r["host"] for r in rows if r["host"] not in recap]
    bad = [h for h, c in recap.items() if c["failed"] or c["unreachable"]]
    if rc != 0 or missing or bad:
        problems.append("%s (repetition %d) failed: ansible-playbook exited %d%s%s; log %s; its end:\n%s" % (
            name, rep + 1, rc, "; failed or unreachable: %s" % ", ".join(bad) if bad else "",
            "; not in the recap: %s" % ", ".join(missing) if missing else "", log_path,
            "\n".join(output.rstrip().splitlines()[-25:])))
    if not may_write:
        wrote = ["%s (%d)" % (r["host"], r["writes"]) for r in rows if r["writes"]]
        changed = [r["host"] for r in rows if r["changed"]]
        if wrote:
            problems.append("%s (repetition %d) wrote into AEM: %s" % (name, rep + 1, ", ".join(wrote)))
        if changed:
            problems.append("%s (repetition %d) reported changes on %s" % (name, rep + 1, ", ".join(changed)))
    if problems:
        phase["ok"] = False
        result["problems"].extend(problems)
    print("  %-9s repetition %d: %.2f s, exit %d, %d/%d authors changed, writes %s" % (
        name, rep + 1, wall, rc, phase["hosts_changed"][-1], len(rows), sum(r["writes"] for r in rows)))
    return rc == 0 and not missing and not bad


def main(argv=None):
    args = parse_args(argv)

    def on_term(signum, frame):
        raise Interrupted()

    signal.signal(signal.SIGTERM, on_term)
    work = tempfile.mkdtemp(prefix="bench-fleet-")
    result = None
    try:
        result = benchmark(args, work)
    except BenchError as exc:
        print("bench_fleet: %s" % exc, file=sys.stderr)
        return 2
    except (KeyboardInterrupt, Interrupted):
        print("bench_fleet: interrupted; the mock was stopped", file=sys.stderr)
        return 130
    finally:
        # a failed phase keeps its log (the message names it)
        if not args.keep and not (result and result["problems"]):
            shutil.rmtree(work, ignore_errors=True)
    result["ok"] = not result["problems"]
    print()
    print_table(result)
    print()
    print("Per author: HTTP requests each author received during the phase (min/median/max across %d authors%s); "
          "writes = requests that changed AEM's state. IMS, BP: requests to the mock IMS and Brand Portal (all "
          "authors; token exchanges and Test Connection packages). changed: authors the phase reported changed."
          % (args.authors, " x %d repetitions" % args.repeat if args.repeat > 1 else ""))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(result, fh, indent=2)
            fh.write("\n")
        print("numbers written to %s" % args.json)
    for problem in result["problems"]:
        print("PROBLEM: %s" % problem, file=sys.stderr)
    if result["problems"]:
        print("(the work directory %s is kept: inventory, the log of each phase, the mock's log)" % work, file=sys.stderr)
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
