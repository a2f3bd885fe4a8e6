"""Side-by-side fleet benchmark: the collection against a hand-written ``ansible.builtin.uri`` playbook and the
plain-Python floor (issue 9). Reports numbers; asserts no time.

    ANSIBLE_COLLECTIONS_PATH=build/collections .venv/bin/python -m tests.benchmark.compare \\
        [--authors 1,10] [--forks 5] [--repeat 3] [--json FILE] [--markdown FILE]
    ... -m tests.benchmark.compare --verify        # self-check of the baseline (correct, idempotent, finds drift)
    ... -m tests.benchmark.compare --classic ...   # bench_fleet.py as before (any AEM version, JWT too)

From the repository root, after ``make tree``; ``make bench BENCH_ARGS=...`` runs it. See
``tests/benchmark/README.md``. For each number of authors N one mock (N AEM 6.5.21 authors, IMS, Brand Portal)
is started; for each forks value and repetition, the sides run INTERLEAVED (collection, uri, collection, uri, ...),
each on a freshly reset mock:

* collection: ``playbooks/configure.yml`` from empty, again (re-run), with ``--check --diff``, then
  ``playbooks/audit.yml``;
* uri: ``tests/benchmark/uri/converge.yml`` from empty, again (re-run), then ``tests/benchmark/uri/audit.yml``;
* floor: ``tests/benchmark/floor.py`` (a plain Python client: the same audit, minimal GETs) after each side's audit.

In the last repetition of the first forks value it also plants drift through the mock's admin API (an agent's
Close Connection on one author, the cloud service's tenantURL on another) and runs each side's audit and the floor
again: each must report exactly those authors and properties.

Per run: wall time of the process (Python start-up included), and per author the HTTP requests it received (GET,
POST, other, total) and writes, from the mock's counters (as bench_fleet.py counts them). Per cell (authors x forks)
and workload: median (min-max) over the repetitions; ratios collection / uri and audit requests / floor requests;
and how each grows with the number of authors.

Exit status: 0 when every run succeeded, no re-run / check / audit changed or wrote anything, every no-change audit
found the fleet in sync and every planted-drift audit reported exactly the drift; 1 otherwise (the problems are
listed); 2 for bad options or a missing prerequisite; 130 when interrupted. No number is compared with a time.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

from tests.benchmark import bench_fleet as fleet

ROOT = fleet.ROOT
CONFIGURE = os.path.join(ROOT, "playbooks", "configure.yml")
AUDIT = os.path.join(ROOT, "playbooks", "audit.yml")
URI_CONVERGE = os.path.join(ROOT, "tests", "benchmark", "uri", "converge.yml")
URI_AUDIT = os.path.join(ROOT, "tests", "benchmark", "uri", "audit.yml")

# side -> [(workload, playbook, extra options, from empty: expected to change every author)]
SIDES = {
    "collection": [("configure", CONFIGURE, [], True), ("rerun", CONFIGURE, [], False),
                   ("check", CONFIGURE, ["--check", "--diff"], False), ("audit", AUDIT, [], False)],
    "uri": [("converge", URI_CONVERGE, [], True), ("rerun", URI_CONVERGE, [], False), ("audit", URI_AUDIT, [], False)],
}
WORKLOADS = [("collection", "configure"), ("collection", "rerun"), ("collection", "check"), ("collection", "audit"),
             ("uri", "converge"), ("uri", "rerun"), ("uri", "audit"), ("floor", "audit")]
# what is compared with what: (title, collection workload, uri workload)
PAIRS = [("converge from empty", ("collection", "configure"), ("uri", "converge")),
         ("no-change re-run", ("collection", "rerun"), ("uri", "rerun")),
         ("no-change audit", ("collection", "audit"), ("uri", "audit")),
         ("check mode vs uri audit", ("collection", "check"), ("uri", "audit"))]
# workloads that change nothing, so that leaving them out does not change what the next one starts from
SKIPPABLE = ("collection:check", "collection:audit", "uri:audit")
REPORT_DIR_VAR = {"collection": "audit_report_dir", "uri": "uri_audit_report_dir"}
DRIFT_AGENT_PROPERTY = "protocolHTTPConnectionClosed"
DRIFT_TENANT_URL = "https://drifted.brand-portal.adobe.com"


class Problem(Exception):
    """A run that went wrong: the benchmark records it and goes on where it can."""


def int_list(text):
    try:
        values = [int(x) for x in str(text).split(",") if x.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError("expected numbers separated by commas, such as 1,10,50; not %r" % text)
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError("expected numbers of at least 1, such as 1,10,50; not %r" % text)
    return values


def cell_list(text):
    cells = []
    for part in str(text).split(","):
        match = re.fullmatch(r"\s*(\d+)x(\d+)\s*", part)
        if not match or min(int(match.group(1)), int(match.group(2))) < 1:
            raise argparse.ArgumentTypeError("expected AUTHORSxFORKS pairs separated by commas, such as 1x5,50x50; "
                                             "not %r" % part)
        cells.append((int(match.group(1)), int(match.group(2))))
    return cells


def parse_args(argv):
    p = argparse.ArgumentParser(
        prog="python -m tests.benchmark.compare",
        description="Side-by-side fleet benchmark: the collection's playbooks against a hand-written "
                    "ansible.builtin.uri playbook and a plain-Python floor, on N mock AEM 6.5.21 authors with an "
                    "OAuth Server-to-Server credential. Reports numbers; asserts no time.")
    p.add_argument("--authors", type=int_list, metavar="N[,N...]",
                   help="numbers of mock authors (default 1,10; with --verify 2)")
    p.add_argument("--forks", type=int_list, default=[5], metavar="F[,F...]",
                   help="ansible-playbook --forks values; also the floor's threads (default 5)")
    p.add_argument("--cells", type=cell_list, metavar="NxF[,NxF...]",
                   help="exactly these (authors x forks) cells instead of every --authors x --forks pair, "
                        "e.g. 1x5,1x50,10x5,10x50,50x50")
    p.add_argument("--repeat", type=int, default=3,
                   help="interleaved repetitions per cell (default 3): medians are over these")
    p.add_argument("--sides", default="collection,uri",
                   help="which sides run: collection, uri or both (default); the floor always runs")
    p.add_argument("--skip", default="", metavar="SIDE:WORKLOAD[,...]",
                   help="leave out workloads that change nothing: %s" % ", ".join(SKIPPABLE))
    p.add_argument("--from-json", metavar="FILE[,FILE...]",
                   help="run nothing: summarize the records of earlier --json files together (with --markdown, "
                        "the README's tables of several runs)")
    p.add_argument("--no-drift-check", action="store_true",
                   help="skip the planted-drift audits (once per number of authors)")
    p.add_argument("--uri-test-connection", choices=["always", "on_change", "never"], default="on_change",
                   help="the uri baseline's Test Connection on a re-run (default on_change, as the role's default "
                        "bp_test_connection)")
    p.add_argument("--verify", action="store_true",
                   help="self-check of the uri baseline and the floor instead of the benchmark (2 authors by "
                        "default; --authors N): see tests/benchmark/README.md")
    p.add_argument("--json", metavar="FILE", help="also write every number as JSON")
    p.add_argument("--markdown", metavar="FILE", help="also write the summary tables as Markdown (for README.md)")
    p.add_argument("--keep", action="store_true", help="keep the work directory (inventory, logs, reports)")
    p.add_argument("--verbose", action="store_true", help="print ansible-playbook's output of each run")
    args = p.parse_args(argv)
    if args.repeat < 1:
        p.error("--repeat must be at least 1")
    sides = [s.strip() for s in args.sides.split(",") if s.strip()]
    if not sides or any(s not in SIDES for s in sides):
        p.error("--sides: expected collection, uri or collection,uri; not %r" % args.sides)
    args.sides = [s for s in SIDES if s in sides]
    args.skip = [w.strip() for w in args.skip.split(",") if w.strip()]
    if any(w not in SKIPPABLE for w in args.skip):
        p.error("--skip: expected some of %s; not %r" % (", ".join(SKIPPABLE), ",".join(args.skip)))
    if args.authors is None:
        args.authors = [2] if args.verify else [1, 10]
    if args.cells is None:
        args.cells = [(n, f) for n in args.authors for f in args.forks]
    return args


# ------------------------------------------------------------------ one run


class Bench(object):
    """The runs of one benchmark (or --verify) invocation, and their records."""

    def __init__(self, args, work):
        self.args = args
        self.work = work
        self.env = fleet.ansible_env(work)
        self.env["ANSIBLE_LOCAL_TEMP"] = os.path.join(work, "ansible-tmp")
        self.playbook = fleet.ansible_playbook()
        self.records = []
        self.problems = []
        self.mock = None
        self.inventory = None
        self.serial = 0

    def start_mock(self, authors):
        self.mock = fleet.Mock(self.work, "6.5.21", authors)
        self.mock.start()
        self.inventory = fleet.write_inventory(self.work, self.mock, "oauth", None)

    def stop_mock(self):
        if self.mock is not None:
            self.mock.stop()
            self.mock = None

    def reset(self):
        """A fresh mock: empty authors with the counting probes, the tenant and the credential at Adobe."""
        self.mock.prepare("oauth", None)

    def hosts(self):
        return ["author%d" % (i + 1) for i in range(len(self.mock.aem_ports))]

    def _path(self, name):
        self.serial += 1
        return os.path.join(self.work, "%03d-%s" % (self.serial, name))

    def measure(self, side, workload, forks, repetition, drift, run):
        """Run ``run()`` -> (rc, recap or None, output, extra) between two reads of the mock's counters."""
        before = self.mock.counters()
        start = time.monotonic()
        rc, recap, output, extra = run()
        wall = time.monotonic() - start
        after = self.mock.counters()
        rows = fleet.per_author(before, after)
        for host, row in zip(self.hosts(), rows):
            row["host"] = host
            row["changed"] = None if recap is None else recap.get(host, {}).get("changed")
        record = {"side": side, "workload": workload, "authors": len(rows), "forks": forks,
                  "repetition": repetition, "drift": drift, "wall_s": round(wall, 3), "rc": rc,
                  "changed_hosts": sum(1 for r in rows if r["changed"]), "per_author": rows,
                  "ims_requests": after["ims"]["requests"] - before["ims"]["requests"],
                  "bp_requests": after["bp"]["requests"] - before["bp"]["requests"],
                  "problems": []}
        record.update(extra)
        for row in rows:
            if row["GET"] + row["POST"] + row["other"] != row["total"]:
                record["problems"].append("%s: GET+POST+other = %d but the mock counted %d requests (another "
                                          "client?)" % (row["host"], row["GET"] + row["POST"] + row["other"],
                                                        row["total"]))
        return record, output

    def playbook_run(self, side, workload, playbook, options, forks, repetition, drift=False, extra_vars=None):
        log = self._path("%s-%s%s.log" % (side, workload, "-drift" if drift else ""))
        cmd = [self.playbook, "-i", self.inventory, "--forks", str(forks)] + list(options)
        for key, value in sorted((extra_vars or {}).items()):
            cmd += ["-e", "%s=%s" % (key, value)]
        cmd.append(playbook)

        def run():
            rc, _wall, recap, output = fleet.run_phase(cmd, self.env, log, self.args.verbose)
            return rc, recap, output, {"log": log, "recap": recap}

        record, output = self.measure(side, workload, forks, repetition, drift, run)
        recap = record.pop("recap")
        missing = [h for h in self.hosts() if h not in recap]
        bad = [h for h, counts in sorted(recap.items()) if counts["failed"] or counts["unreachable"]]
        if record["rc"] != 0 or missing or bad:
            record["problems"].append("ansible-playbook exited %d%s%s; log %s; its end:\n%s" % (
                record["rc"], "; failed or unreachable: %s" % ", ".join(bad) if bad else "",
                "; not in the recap: %s" % ", ".join(missing) if missing else "", log,
                "\n".join(output.rstrip().splitlines()[-25:])))
        return record

    def floor_run(self, forks, repetition, drift=False):
        report_dir = self._path("floor%s" % ("-drift" if drift else ""))
        cmd = [sys.executable, "-m", "tests.benchmark.floor", "--inventory", self.inventory, "--threads",
               str(forks), "--report-dir", report_dir]

        def run():
            proc = subprocess.run(cmd, cwd=ROOT, env=self.env, stdin=subprocess.DEVNULL, capture_output=True,
                                  text=True, check=False)
            if proc.returncode in (-signal.SIGINT, -signal.SIGTERM):
                raise fleet.Interrupted()
            try:
                result = json.loads(proc.stdout)
            except ValueError:
                result = {}
            return proc.returncode, None, proc.stdout + proc.stderr, {
                "report_dir": report_dir, "floor_wall_s": result.get("wall_s"),
                "floor_requests": result.get("requests"), "fleet": result.get("fleet")}

        record, output = self.measure("floor", "audit", forks, repetition, drift, run)
        if record["rc"] != 0 or not record.get("fleet"):
            record["problems"].append("the floor exited %d: %s" % (record["rc"], output.strip()[-2000:]))
        return record

    def side_run(self, side, workload, forks, repetition, drift=False):
        """One workload of one side, checked: what it may change, and for an audit its report."""
        playbook, options, from_empty = [(p, o, e) for w, p, o, e in SIDES[side] if w == workload][0]
        extra_vars = {}
        report_dir = None
        if workload == "audit":
            report_dir = self._path("%s-audit-report%s" % (side, "-drift" if drift else ""))
            os.makedirs(report_dir)  # made beforehand: the audit's own "create the directory" is then a no-op
            extra_vars[REPORT_DIR_VAR[side]] = report_dir
        if side == "uri" and workload != "audit":
            extra_vars["uri_test_connection"] = self.args.uri_test_connection
        record = self.playbook_run(side, workload, playbook, options, forks, repetition, drift, extra_vars)
        rows = record["per_author"]
        if from_empty:
            idle = [r["host"] for r in rows if not r["changed"] or not r["writes"]]
            if idle:
                record["problems"].append("from empty, yet these authors reported no change or no write: %s"
                                          % ", ".join(idle))
        else:
            wrote = ["%s (%d)" % (r["host"], r["writes"]) for r in rows if r["writes"]]
            changed = [r["host"] for r in rows if r["changed"]]
            if wrote:
                record["problems"].append("wrote into AEM: %s" % ", ".join(wrote))
            if changed:
                record["problems"].append("reported changes on %s" % ", ".join(changed))
        if report_dir:
            record["report_dir"] = report_dir
            try:
                with open(os.path.join(report_dir, "fleet.json"), encoding="utf-8") as fh:
                    record["fleet"] = json.load(fh)
            except (OSError, ValueError) as exc:
                record["problems"].append("no readable fleet.json in %s: %s" % (report_dir, exc))
        return record

    def add(self, record, expected_drift=None):
        """Keep ``record``; for an audit check its fleet report against ``expected_drift`` ({(host, property)})."""
        if "fleet" in record and record.get("fleet") is not None:
            record["problems"].extend(check_fleet(record["fleet"], self.hosts(), expected_drift or set()))
            record["reported_drift"] = sorted(list(pair) for pair in reported_drift(record["fleet"]))
        record["ok"] = not record["problems"]
        for problem in record["problems"]:
            self.problems.append("%s %s%s (%d authors, forks %d, repetition %s): %s" % (
                record["side"], record["workload"], " with planted drift" if record["drift"] else "",
                record["authors"], record["forks"], record["repetition"], problem))
        self.records.append(record)
        rows = record["per_author"]
        print("  %-10s %-9s%s rep %s: %7.2f s, exit %d, %d/%d changed, requests/author %s, writes %d%s" % (
            record["side"], record["workload"], " (drift)" if record["drift"] else "", record["repetition"],
            record["wall_s"], record["rc"], record["changed_hosts"], len(rows),
            fleet.fmt(statistics.median(r["total"] for r in rows)), sum(r["writes"] for r in rows),
            "" if record["ok"] else "  PROBLEM"), flush=True)
        return record

    # -- planted drift
    def plant_drift(self):
        """Change one agent's Close Connection and one cloud service's tenantURL through the mock's admin API (not
        through AEM's servlets, which would also rewrite the agents); returns {(host, property)}."""
        hosts = self.hosts()
        agent_host = hosts[(len(hosts) - 1) // 2]
        tenant_host = hosts[-1]
        planted = set()
        port = self.mock.aem_ports[hosts.index(agent_host)]
        agents = sorted(http_get_json(port, "/etc/replication/agents.author.2.json").items())
        names = [name for name, page in agents if isinstance(page, dict) and str(
            (page.get("jcr:content") or {}).get("transportUri", "")).startswith(fleet.TENANT_URL + "/")]
        if len(names) < 2:
            raise Problem("cannot plant drift: %s has %d agents of the tenant" % (agent_host, len(names)))
        seed = {"path": "/etc/replication/agents.author/%s/jcr:content" % names[1],
                "tree": {DRIFT_AGENT_PROPERTY: "false"}}
        fleet.http_json(port, "POST", "/__mock__/seed", seed)
        planted.add((agent_host, DRIFT_AGENT_PROPERTY))
        port = self.mock.aem_ports[hosts.index(tenant_host)]
        services = fleet.http_json(port, "GET", "/__mock__/brand-portal")["cloud_services"]
        if len(services) != 1:
            raise Problem("cannot plant drift: %s has %d cloud services" % (tenant_host, len(services)))
        seed = {"path": services[0]["path"] + "/jcr:content", "tree": {"tenantURL": DRIFT_TENANT_URL}}
        fleet.http_json(port, "POST", "/__mock__/seed", seed)
        planted.add((tenant_host, "tenantURL"))
        return planted


def http_get_json(port, path):
    """A GET on an author with the mock's admin credentials (counted by the mock: call it outside a measurement)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers={"Authorization": "Basic " + base64.b64encode(b"admin:admin").decode()})
        resp = conn.getresponse()
        raw = resp.read()
    finally:
        conn.close()
    if resp.status != 200:
        raise Problem("GET %s on port %d answered %d" % (path, port, resp.status))
    return json.loads(raw)


def reported_drift(fleet_report):
    """{(host, property)} from an audit's fleet report: ``changes`` entries name a ``property`` (uri, floor) or
    carry ``before``/``after`` mappings (playbooks/audit.yml: the keys that differ)."""
    pairs = set()
    for host, report in (fleet_report.get("results") or {}).items():
        for change in (report or {}).get("changes") or []:
            if "property" in change:
                pairs.add((host, change["property"]))
                continue
            before, after = change.get("before"), change.get("after")
            if isinstance(before, dict) or isinstance(after, dict):
                before, after = before or {}, after or {}
                keys = [k for k in set(before) | set(after) if before.get(k) != after.get(k)]
                pairs.update((host, k) for k in keys)
                if not keys:
                    pairs.add((host, change.get("item")))
            else:
                pairs.add((host, change.get("item")))
    return pairs


def check_fleet(fleet_report, hosts, expected):
    """Problems of an audit's fleet report: every author audited, none failed, and the drift reported is
    exactly ``expected`` ({(host, property)}; empty for a no-change audit)."""
    problems = []
    results = fleet_report.get("results") or {}
    missing = [h for h in hosts if h not in results]
    if missing or fleet_report.get("unreachable"):
        problems.append("not audited: %s" % ", ".join(missing + list(fleet_report.get("unreachable") or [])))
    if fleet_report.get("failed"):
        problems.append("could not audit %s: %s" % (", ".join(fleet_report["failed"]), "; ".join(
            "%s: %s" % (h, (results.get(h) or {}).get("error")) for h in fleet_report["failed"])))
    reported = reported_drift(fleet_report)
    extra, missed = sorted(reported - expected), sorted(expected - reported)
    drifting, expected_hosts = sorted(fleet_report.get("drifting") or []), sorted(set(h for h, _p in expected))
    if extra:
        problems.append("over-reports drift: %s" % ", ".join("%s %s" % pair for pair in extra))
    if missed:
        problems.append("misses the planted drift: %s" % ", ".join("%s %s" % pair for pair in missed))
    if drifting != expected_hosts:
        problems.append("drifting hosts %s, expected %s" % (drifting or "none", expected_hosts or "none"))
    return problems


# ------------------------------------------------------------------ the benchmark


def benchmark(bench):
    args = bench.args
    by_authors = {}
    for n, f in args.cells:
        by_authors.setdefault(n, []).append(f)
    for n, forks_values in by_authors.items():
        bench.start_mock(n)
        try:
            for fi, forks in enumerate(forks_values):
                print("%s, forks %d: %d interleaved repetition(s) of %s" % (
                    authors_text(n), forks, args.repeat, ", ".join(args.sides)), flush=True)
                for rep in range(1, args.repeat + 1):
                    for side in args.sides:
                        drift = not args.no_drift_check and fi == 0 and rep == args.repeat
                        run_side(bench, side, forks, rep, drift)
        finally:
            bench.stop_mock()


def run_side(bench, side, forks, rep, drift_check):
    """One side's workloads on a freshly reset mock, the floor after the audit; then, if asked, the planted
    drift and the audits again."""
    bench.reset()
    for workload, _playbook, _options, _empty in SIDES[side]:
        if "%s:%s" % (side, workload) in bench.args.skip:
            continue
        record = bench.add(bench.side_run(side, workload, forks, rep))
        if record["rc"] != 0:
            return  # the next workloads depend on this one
    bench.add(bench.floor_run(forks, rep))
    if drift_check and "%s:audit" % side not in bench.args.skip:
        try:
            planted = bench.plant_drift()
        except Problem as exc:
            bench.problems.append("%s: %s" % (side, exc))
            return
        bench.add(bench.side_run(side, "audit", forks, rep, drift=True), planted)
        bench.add(bench.floor_run(forks, rep, drift=True), planted)


# ------------------------------------------------------------------ --verify


def verify(bench):
    """Self-check of the uri baseline and the floor on a small fleet; prints PASS / FAIL per check."""
    n = bench.args.authors[0]
    forks = bench.args.forks[0]
    checks = []

    def check(name, ok, detail=""):
        checks.append((name, ok))
        print("%s  %s%s" % ("PASS" if ok else "FAIL", name, "" if ok or not detail else ": " + detail), flush=True)

    def clean(record, expected=None):
        record = bench.add(record, expected)
        return record["ok"], "; ".join(record["problems"])

    bench.start_mock(n)
    try:
        print("verify: %d mock authors (AEM 6.5.21, OAuth Server-to-Server), forks %d" % (n, forks))
        bench.reset()
        converge = bench.add(bench.side_run("uri", "converge", forks, "verify"))
        check("uri converge from empty succeeds and writes on every author", converge["ok"],
              "; ".join(converge["problems"]))
        received = fleet.http_json(bench.mock.bp_port, "GET", "/__mock__/tenants/%s/received" % fleet.TENANT)
        tests = [r for r in received["received"] if r.get("action") == "Test"]
        check("uri converge: Test Connection delivered a test package to Brand Portal from each of the 4 agents of "
              "every author (%d packages)" % len(tests), len(tests) == 4 * n)
        check("uri re-run: 0 writes, changed=0", *clean(bench.side_run("uri", "rerun", forks, "verify")))
        check("uri audit of the converged fleet: every author in sync",
              *clean(bench.side_run("uri", "audit", forks, "verify")))
        check("floor audit of the converged fleet: every author in sync", *clean(bench.floor_run(forks, "verify")))
        if "collection" in bench.args.sides:
            check("playbooks/audit.yml of the uri-converged fleet: every author in sync (the same work)",
                  *clean(bench.side_run("collection", "audit", forks, "verify")))
        planted = bench.plant_drift()
        print("      planted drift: %s" % ", ".join("%s %s" % pair for pair in sorted(planted)))
        check("uri audit reports exactly the planted drift",
              *clean(bench.side_run("uri", "audit", forks, "verify", drift=True), planted))
        check("floor reports exactly the planted drift", *clean(bench.floor_run(forks, "verify", drift=True), planted))
        if "collection" in bench.args.sides:
            check("playbooks/audit.yml reports exactly the planted drift",
                  *clean(bench.side_run("collection", "audit", forks, "verify", drift=True), planted))
        repair = bench.add(bench.playbook_run("uri", "converge", URI_CONVERGE, [], forks, "verify-repair",
                                              extra_vars={"uri_test_connection": "never"}))
        changed = sorted(r["host"] for r in repair["per_author"] if r["changed"])
        writes = sum(r["writes"] for r in repair["per_author"])
        check("uri converge repairs exactly the drifted authors with one write each (%s; %d writes)"
              % (", ".join(changed), writes),
              repair["ok"] and changed == sorted(set(h for h, _p in planted)) and writes == len(planted))
        check("uri audit after the repair: every author in sync",
              *clean(bench.side_run("uri", "audit", forks, "verify")))
        if "collection" in bench.args.sides:
            bench.reset()
            check("playbooks/configure.yml from empty succeeds",
                  *clean(bench.side_run("collection", "configure", forks, "verify")))
            check("uri re-run of the collection-configured fleet: 0 writes, changed=0 (the same end state)",
                  *clean(bench.side_run("uri", "rerun", forks, "verify")))
            check("uri audit of the collection-configured fleet: every author in sync",
                  *clean(bench.side_run("uri", "audit", forks, "verify")))
            check("floor audit of the collection-configured fleet: every author in sync",
                  *clean(bench.floor_run(forks, "verify")))
    finally:
        bench.stop_mock()
    failed = [name for name, ok in checks if not ok]
    print("verify: %d checks, %d failed" % (len(checks), len(failed)))
    return not failed


# ------------------------------------------------------------------ numbers


def authors_text(n):
    return "%d author%s" % (n, "" if n == 1 else "s")


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def summarize(records):
    """Per (authors, forks, side, workload), the no-drift runs: wall median/min/max, per-author medians."""
    groups = {}
    for r in records:
        if r["drift"] or not isinstance(r["repetition"], int):
            continue
        groups.setdefault((r["authors"], r["forks"], r["side"], r["workload"]), []).append(r)
    out = {}
    for key, runs in groups.items():
        rows = [row for r in runs for row in r["per_author"]]
        walls = [r["wall_s"] for r in runs]
        out[key] = {
            "runs": len(runs), "wall_s": walls, "wall_median": median(walls), "wall_min": min(walls),
            "wall_max": max(walls),
            "per_author": dict((m, median([row[m] for row in rows])) for m in fleet.METRICS),
            "ims_requests": median([r["ims_requests"] for r in runs]),
            "bp_requests": median([r["bp_requests"] for r in runs]),
            "changed_hosts": max(r["changed_hosts"] for r in runs),
            "floor_internal_wall_s": median([r.get("floor_wall_s") for r in runs]),
            "ok": all(r["ok"] for r in runs),
        }
    return out


def ratio(a, b):
    return None if a is None or b in (None, 0) else a / b


def fx(value, digits=2):
    if value is None:
        return "-"
    return ("%%.%df" % digits) % value


def fr(value):
    return "-" if value is None else "%.2fx" % value


def fn(value):
    return "-" if value is None else fleet.fmt(float(value))


def cell_table(summary, n, f):
    head = ["side", "workload", "runs", "wall s median (min-max)", "s/author", "req/author", "GET", "POST", "writes",
            "IMS", "BP", "changed"]
    rows = []
    for side, workload in WORKLOADS:
        s = summary.get((n, f, side, workload))
        if not s:
            continue
        rows.append([side, workload, str(s["runs"]),
                     "%s (%s-%s)" % (fx(s["wall_median"]), fx(s["wall_min"]), fx(s["wall_max"])),
                     fx(s["wall_median"] / n, 3), fn(s["per_author"]["total"]), fn(s["per_author"]["GET"]),
                     fn(s["per_author"]["POST"]), fn(s["per_author"]["writes"]), fn(s["ims_requests"]),
                     fn(s["bp_requests"]), "%d/%d" % (s["changed_hosts"], n)])
    return head, rows


def ratio_lines(summary, n, f):
    lines = []
    for title, a, b in PAIRS:
        sa, sb = summary.get((n, f) + a), summary.get((n, f) + b)
        if not sa or not sb:
            continue
        lines.append("%-26s collection/uri: wall %s, requests/author %s" % (
            title, fr(ratio(sa["wall_median"], sb["wall_median"])),
            fr(ratio(sa["per_author"]["total"], sb["per_author"]["total"]))))
    floor = summary.get((n, f, "floor", "audit"))
    if floor:
        parts = []
        for side in ("collection", "uri"):
            s = summary.get((n, f, side, "audit"))
            if s:
                parts.append("%s %s" % (side, fr(ratio(s["per_author"]["total"], floor["per_author"]["total"]))))
                parts[-1] += " (wall %s)" % fr(ratio(s["wall_median"], floor["wall_median"]))
        lines.append("%-26s %s" % ("audit requests / floor", ", ".join(parts)))
    return lines


def growth(summary):
    """Per forks value and workload: median wall by number of authors, and seconds per added author."""
    out = {}
    for (n, f, side, workload), s in summary.items():
        out.setdefault(f, {}).setdefault((side, workload), {})[n] = s["wall_median"]
    return out


def print_table(head, rows):
    widths = [max(len(r[i]) for r in [head] + rows) for i in range(len(head))]
    for r in [head] + rows:
        print("  ".join(c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))))


def slope(by_n):
    ns = sorted(by_n)
    if len(ns) < 2:
        return None
    return (by_n[ns[-1]] - by_n[ns[0]]) / (ns[-1] - ns[0])


def print_summary(result, summary):
    cells = sorted(set((n, f) for n, f, _s, _w in summary))
    for n, f in cells:
        print()
        print("== %s, forks %d" % (authors_text(n), f))
        print_table(*cell_table(summary, n, f))
        for line in ratio_lines(summary, n, f):
            print("  " + line)
    for f, table in sorted(growth(summary).items()):
        ns = sorted(set(n for by_n in table.values() for n in by_n))
        if len(ns) < 2:
            continue
        print()
        print("== growth with the number of authors, forks %d: median wall s" % f)
        head = ["side", "workload"] + [authors_text(n) for n in ns] + ["s per added author"]
        rows = []
        for side, workload in WORKLOADS:
            by_n = table.get((side, workload))
            if by_n:
                rows.append([side, workload] + [fx(by_n.get(n)) for n in ns] + [fx(slope(by_n), 3)])
        print_table(head, rows)


def markdown(result, summary):
    """The README's tables: one per workload pair, rows = cells."""
    env = result["environment"]
    cells = sorted(set((n, f) for n, f, _s, _w in summary))
    out = ["Measured %s on %s (%d CPUs), Python %s, ansible-core %s; %d interleaved repetition(s) per cell; "
           "medians (min-max) of wall seconds; requests and writes are per author (median over authors and "
           "repetitions)." % (result["date"], env["platform"], env["cpus"], env["python"], env["ansible_core"],
                              result["repeat"]), ""]

    def row_stats(n, f, key):
        s = summary.get((n, f) + key)
        if not s:
            return None, ["-", "-", "-"]
        return s, ["%s (%s-%s)" % (fx(s["wall_median"], 1), fx(s["wall_min"], 1), fx(s["wall_max"], 1)),
                   fn(s["per_author"]["total"]), fn(s["per_author"]["writes"])]

    for title, a, b in PAIRS[:3]:
        out += ["#### %s" % title.capitalize(), ""]
        head = ["authors", "forks", "collection `%s` s" % a[1], "req", "writes", "uri `%s` s" % b[1], "req",
                "writes", "collection / uri (wall)", "collection / uri (requests)"]
        if title == "no-change audit":
            head += ["floor s", "floor req", "collection req / floor", "uri req / floor"]
        out += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        for n, f in cells:
            sa, ca = row_stats(n, f, a)
            sb, cb = row_stats(n, f, b)
            if sa is None and sb is None:
                continue
            cols = [str(n), str(f)] + ca + cb + [
                fr(ratio(sa and sa["wall_median"], sb and sb["wall_median"])),
                fr(ratio(sa and sa["per_author"]["total"], sb and sb["per_author"]["total"]))]
            if title == "no-change audit":
                fl = summary.get((n, f, "floor", "audit"))
                cols += ["%s (%s-%s)" % (fx(fl["wall_median"], 2), fx(fl["wall_min"], 2), fx(fl["wall_max"], 2))
                         if fl else "-", fn(fl["per_author"]["total"]) if fl else "-",
                         fr(ratio(sa and sa["per_author"]["total"], fl and fl["per_author"]["total"])),
                         fr(ratio(sb and sb["per_author"]["total"], fl and fl["per_author"]["total"]))]
            out.append("| " + " | ".join(cols) + " |")
        out.append("")
    out += ["#### Check mode (`playbooks/configure.yml --check --diff`)", "",
            "| authors | forks | wall s | req | writes | changed | vs uri audit (wall) |", "|---|---|---|---|---|---|---|"]
    for n, f in cells:
        s, c = row_stats(n, f, ("collection", "check"))
        u = summary.get((n, f, "uri", "audit"))
        if s:
            vs_uri = fr(ratio(s["wall_median"], u and u["wall_median"]))
            out.append("| %d | %d | %s | %s | %s | %d/%d | %s |" % (n, f, c[0], c[1], c[2], s["changed_hosts"], n, vs_uri))
    out.append("")
    for f, table in sorted(growth(summary).items()):
        ns = sorted(set(n for by_n in table.values() for n in by_n))
        if len(ns) < 2:
            continue
        out += ["#### Growth with the number of authors, forks %d (median wall s)" % f, "",
                "| side | workload | " + " | ".join(authors_text(n) for n in ns) + " | s per added author |",
                "|---|---|" + "---|" * (len(ns) + 1)]
        for side, workload in WORKLOADS:
            by_n = table.get((side, workload))
            if by_n:
                walls = " | ".join(fx(by_n.get(n), 1) for n in ns)
                out.append("| %s | %s | %s | %s |" % (side, workload, walls, fx(slope(by_n), 3)))
        out.append("")
    return "\n".join(out)


# ------------------------------------------------------------------ main


def environment(bench):
    version_out = subprocess.run([bench.playbook, "--version"], env=bench.env, capture_output=True, text=True,
                                 check=False).stdout
    core = re.search(r"core ([0-9][^\]\s]*)", version_out)
    return {"python": platform.python_version(), "ansible_core": core.group(1) if core else "unknown",
            "cpus": os.cpu_count(), "platform": platform.platform(), "load_average_at_start": list(os.getloadavg())}


def from_json(args):
    """Summarize the records of earlier --json files together (no run)."""
    records, results = [], []
    for path in [p for p in args.from_json.split(",") if p.strip()]:
        with open(path, encoding="utf-8") as fh:
            result = json.load(fh)
        results.append(result)
        records.extend(result["records"])
    result = dict(results[0], repeat=max(r["repeat"] for r in results), cells=[c for r in results for c in r["cells"]],
                  problems=[p for r in results for p in r.get("problems", [])],
                  duration_s=sum(r.get("duration_s", 0) for r in results))
    dates = sorted(set(r["date"] for r in results))
    result["date"] = dates[0] if len(dates) == 1 else "%s to %s" % (dates[0], dates[-1])
    summary = summarize(records)
    print_summary(result, summary)
    if args.markdown:
        with open(args.markdown, "w", encoding="utf-8") as fh:
            fh.write(markdown(result, summary) + "\n")
        print("tables written to %s" % args.markdown)
    for problem in result["problems"]:
        print("PROBLEM (recorded): %s" % problem, file=sys.stderr)
    return 0 if not result["problems"] else 1


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--classic" in argv:
        argv.remove("--classic")
        return fleet.main(argv)
    args = parse_args(argv)

    def on_term(signum, frame):
        raise fleet.Interrupted()

    if args.from_json:
        return from_json(args)
    signal.signal(signal.SIGTERM, on_term)
    work = tempfile.mkdtemp(prefix="bench-compare-")
    bench = None
    ok = False
    try:
        bench = Bench(args, work)
        result = {"benchmark": "tests/benchmark/compare.py", "date": time.strftime("%Y-%m-%d"),
                  "aem_version": "6.5.21", "credential": "oauth", "cells": args.cells, "repeat": args.repeat,
                  "sides": args.sides, "uri_test_connection": args.uri_test_connection,
                  "environment": environment(bench)}
        print("ansible-core %s, Python %s, %d CPUs, load %s; work dir %s" % (
            result["environment"]["ansible_core"], result["environment"]["python"], os.cpu_count(),
            " ".join("%.2f" % x for x in os.getloadavg()), work), flush=True)
        started = time.monotonic()
        if args.verify:
            ok = verify(bench)
            result["verify_ok"] = ok
        else:
            benchmark(bench)
        result["duration_s"] = round(time.monotonic() - started, 1)
        summary = summarize(bench.records)
        if not args.verify:
            print_summary(result, summary)
            print()
            print("wall: the ansible-playbook (floor: python) process, start-up included; req/author: HTTP requests "
                  "each author received (median over authors and repetitions); writes: requests that changed "
                  "AEM's state; IMS, BP: requests to the mock IMS and Brand Portal per run (all authors); the floor's "
                  "own in-process time is in the JSON (floor_internal_wall_s). Total %.0f s." % result["duration_s"])
        result["problems"] = bench.problems
        result["ok"] = not bench.problems and (ok or not args.verify)
        result["summary"] = [dict(zip(("authors", "forks", "side", "workload"), key), **value)
                             for key, value in sorted(summary.items())]
        result["records"] = bench.records
        if args.json:
            with open(args.json, "w", encoding="utf-8") as fh:
                json.dump(result, fh, indent=1)
                fh.write("\n")
            print("numbers written to %s" % args.json)
        if args.markdown and not args.verify:
            with open(args.markdown, "w", encoding="utf-8") as fh:
                fh.write(markdown(result, summary) + "\n")
            print("tables written to %s" % args.markdown)
        for problem in bench.problems:
            print("PROBLEM: %s" % problem, file=sys.stderr)
        ok = result["ok"]
        return 0 if ok else 1
    except fleet.BenchError as exc:
        print("compare: %s" % exc, file=sys.stderr)
        return 2
    except (KeyboardInterrupt, fleet.Interrupted):
        print("compare: interrupted; the mock was stopped", file=sys.stderr)
        return 130
    finally:
        if bench is not None:
            bench.stop_mock()
        if args.keep or not ok:
            print("(work directory kept: %s)" % work, file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
