"""Command line of the mock: ``python -m tests.mock_aem --help`` (from the repository root)."""

from __future__ import annotations

import argparse
import inspect
import json
import signal
import sys
import time
from typing import Any, Dict, List, Optional

from .aem import AuthorApp, install_plugins
from .server import MockProcess, make_tls
from .version import AEMVersion


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m tests.mock_aem",
        description="Mock AEM author instance(s), Adobe IMS and Brand Portal for the aemtools.brand_portal tests. "
                    "Prints one line 'mock-aem ready: aem=PORT[,PORT...] [ims=PORT] [bp=PORT] scheme=http|https "
                    "version=X.Y.Z.W' when listening, and 'mock-aem stopped' after SIGTERM/SIGINT (exit 0). "
                    "See tests/mock_aem/README.md.")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=4502,
                   help="port of the first author instance (default 4502; 0 = any free port)")
    p.add_argument("--instances", type=int, default=1,
                   help="number of independent author instances on consecutive ports (default 1)")
    p.add_argument("--aem-version", default="6.5",
                   help="AEM version: 6.3, 6.4, 6.5 or a service-pack form like 6.5.21, 6.4.8, 6.3.3.8; or an AEM as "
                        "a Cloud Service author: cloud, or a release like 2025.11.23482.20251120T200914Z (default 6.5)")
    p.add_argument("--ims-oauth-hotfix", action="store_true",
                   help="every author has Adobe's OAuth compatibility hotfix (ims-jwt-compatibility-package-6.5-1.0.zip) "
                        "installed: OAuth Server-to-Server IMS configurations on 6.5.11.0 to 6.5.20.x (native from "
                        "6.5.21.0, where this option is ignored); refused on 6.3/6.4")
    p.add_argument("--admin-password", default="admin", help="password of the user 'admin' (default admin)")
    p.add_argument("--tls", metavar="FILE",
                   help="serve HTTPS with a self-signed CA; write the CA certificate (PEM) to FILE")
    p.add_argument("--state-file", metavar="FILE",
                   help="persist every instance's state to FILE after each write and at shutdown; restore at start")
    p.add_argument("--ims-port", type=int, help="also serve the mock Adobe IMS on this port (0 = any free port)")
    p.add_argument("--bp-port", type=int,
                   help="also serve the mock Brand Portal on this port (needs --ims-port; 0 = any free port)")
    p.add_argument("--ims-public-url", metavar="URL", action="append", default=[],
                   help="another base URL under which clients reach the mock IMS, e.g. a mapped container "
                        "port (repeatable): JWT aud and metascope claims built from it are accepted too. The "
                        "IMS's own URL (and its 127.0.0.1/localhost URLs when --host is 0.0.0.0 or ::) and "
                        "https://ims-na1.adobelogin.com always are")
    p.add_argument("--enforce-csrf", action="store_true",
                   help="require the CSRF-Token header on every authenticated write, not only from browsers")
    p.add_argument("--json-max-results", type=int, default=None,
                   help="Sling GET json.maximumresults: above it a deep .json answers 300 (default 1000)")
    p.add_argument("--seed", metavar="FILE", action="append", default=[],
                   help="JSON file loaded into every author instance like POST /__mock__/seed (repeatable; "
                        "skipped when --state-file restored the instance)")
    p.add_argument("--ready-after-requests", type=int, default=0,
                   help="report bundles still starting (and the login page 503) for the first K requests")
    p.add_argument("--ready-after-seconds", type=float, default=0.0,
                   help="report bundles still starting (and the login page 503) for the first S seconds")
    p.add_argument("--verbose", action="store_true", help="log every request to stderr")
    return p


WILDCARD_HOSTS = ("0.0.0.0", "::", "")


def local_urls(srv: Any) -> List[str]:
    """URLs of a server as a client on this machine reaches it: its own URL, or the loopback
    URLs when it listens on every address (``--host 0.0.0.0``)."""
    if srv.host not in WILDCARD_HOSTS:
        return [srv.url]
    scheme = "https" if srv.tls else "http"
    return ["%s://%s:%d" % (scheme, h, srv.port) for h in ("127.0.0.1", "localhost")]


def _construct(cls: Any, **candidates: Any) -> Any:
    params = inspect.signature(cls).parameters
    if any(p.kind == p.VAR_KEYWORD for p in params.values()):
        return cls(**candidates)
    return cls(**{k: v for k, v in candidates.items() if k in params})


def main(argv: Optional[List[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        AEMVersion.parse(args.aem_version).with_ims_oauth_hotfix(args.ims_oauth_hotfix)
    except ValueError as e:
        print("mock-aem: %s" % e, file=sys.stderr)
        return 2
    if args.instances < 1:
        print("mock-aem: --instances must be >= 1", file=sys.stderr)
        return 2
    if args.bp_port is not None and args.ims_port is None:
        print("mock-aem: --bp-port needs --ims-port (Brand Portal validates tokens with the mock IMS)", file=sys.stderr)
        return 2
    ims_cls = bp_cls = None
    if args.ims_port is not None:
        try:
            from .ims import IMSApp as ims_cls  # type: ignore[no-redef]
        except ImportError as e:
            print("mock-aem: --ims-port given but the mock IMS (tests/mock_aem/ims.py, IMSApp) is not available: %s"
                  % e, file=sys.stderr)
            return 2
    if args.bp_port is not None:
        try:
            from .brand_portal import BrandPortalApp as bp_cls  # type: ignore[no-redef]
        except ImportError as e:
            print("mock-aem: --bp-port given but the mock Brand Portal (tests/mock_aem/brand_portal.py, "
                  "BrandPortalApp) is not available: %s" % e, file=sys.stderr)
            return 2

    ctx = make_tls(args.tls) if args.tls else None
    proc = MockProcess(args.state_file)
    try:
        ims_app = bp_app = None
        ims_srv = bp_srv = None
        if ims_cls is not None:
            ims_app = ims_cls()
            ims_srv = proc.add(ims_app, args.host, args.ims_port, ctx, name="ims", key="ims", verbose=args.verbose)
            if hasattr(ims_app, "add_public_base_url"):
                for url in [ims_srv.url] + local_urls(ims_srv) + list(args.ims_public_url):
                    ims_app.add_public_base_url(url)
        if bp_cls is not None:
            bp_app = _construct(bp_cls, ims=ims_app)
            bp_srv = proc.add(bp_app, args.host, args.bp_port, ctx, name="bp", key="bp", verbose=args.verbose)
        seeds: List[Dict[str, Any]] = []
        for f in args.seed:
            with open(f, encoding="utf-8") as fh:
                seeds.append(json.load(fh))
        plugin_options = {"ims_url": local_urls(ims_srv)[0] if ims_srv else None,
                          "bp_url": local_urls(bp_srv)[0] if bp_srv else None,
                          "ca_file": args.tls, "ims_app": ims_app, "bp_app": bp_app}
        authors = []
        for i in range(args.instances):
            app = AuthorApp(version=args.aem_version, admin_password=args.admin_password,
                            enforce_csrf=args.enforce_csrf, json_max_results=args.json_max_results,
                            name="aem%d" % i, ready_after_requests=args.ready_after_requests,
                            ready_after_seconds=args.ready_after_seconds, ims_oauth_hotfix=args.ims_oauth_hotfix)
            app.client_ca_file = args.tls
            install_plugins(app, plugin_options)
            port = args.port + i if args.port else 0
            srv = proc.add(app, args.host, port, ctx, name="aem%d" % i, key="aem%d" % i, verbose=args.verbose)
            if not getattr(srv, "restored", False):
                from .admin import seed

                for s in seeds:
                    seed(app, s)
            authors.append(srv)
    except OSError as e:
        proc.stop()
        print("mock-aem: cannot listen: %s" % e, file=sys.stderr)
        return 1

    # A plain list, not a threading.Event: the handler runs in the main thread between two bytecodes, possibly
    # while that thread holds the Event's internal lock inside Event.wait(), and Event.set() would then wait for
    # that lock forever (a mock that ignored SIGTERM and hung its caller).
    stop: List[int] = []

    def on_signal(signum: int, frame: Any) -> None:
        stop.append(signum)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    proc.start()
    line = "mock-aem ready: aem=%s" % ",".join(str(s.port) for s in authors)
    if ims_srv is not None:
        line += " ims=%d" % ims_srv.port
    if bp_srv is not None:
        line += " bp=%d" % bp_srv.port
    line += " scheme=%s version=%s" % ("https" if ctx else "http", AEMVersion.parse(args.aem_version).full)
    print(line, flush=True)
    while not stop:
        time.sleep(0.2)
    proc.stop()
    print("mock-aem stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
