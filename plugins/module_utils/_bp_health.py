# -*- coding: utf-8 -*-
# Copyright: (c) 2026, aemtools contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE to the aemtools.brand_portal collection: no API stability is promised to other
# collections.
"""Is Brand Portal on one author working, beyond matching its desired state?

An author can match its configuration and still publish nothing: Adobe IMS no longer issues a token with the
credential AEM holds (a rotated secret, a removed certificate), a replication queue is blocked or stuck, the JWT
certificate is about to expire. These are the reads that tell, and the rules that turn what they return into
problems a pipeline can fail on. Everything here reads; Test Connection (which sends a test package to Brand
Portal) is run by the engine only when asked for.

Problem kinds: ``token``, ``test_connection``, ``queue`` and ``certificate`` make an author unhealthy; ``expiry``
(a certificate inside the warning threshold) does not, but an audit can fail on it (``audit_fail_on``).
"""

from __future__ import annotations

import math
from datetime import datetime, timezone

from ansible_collections.aemtools.brand_portal.plugins.module_utils._errors import AemNotFoundError
from ansible_collections.aemtools.brand_portal.plugins.module_utils._ims_config import (
    check_health,
    find_configuration,
    service_user_path,
    settings_from_provider,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._keystore import (
    describe_entry,
    find_user,
    read_keystore,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._replication import duration

UNHEALTHY_KINDS = ("token", "test_connection", "queue", "certificate")
EXPIRY = "expiry"


def problem(kind, item, message):
    return {"kind": kind, "item": item, "message": message}


# -- Adobe IMS: does AEM get a token with what it holds? ----------------------------------------------------------

def ims_token_health(client, title):
    """AEM 6.5: AEM's own Check Health of the Adobe IMS configuration titled ``title`` (AEM asks Adobe IMS for a
    token with the credential it stores, the secret included, which the controller cannot read back).

    Returns ``(health, settings)``: ``health`` is ``{"checked", "ok", "source", "message"[, "log", "hint"]}``,
    ``settings`` what the configuration holds (its credential type, key pair alias...) or None without one."""
    found = find_configuration(client, title)
    if found is None:
        return ({"checked": False, "ok": False, "source": "aem_check_health",
                 "message": "AEM has no Adobe IMS configuration titled %r" % title}, None)
    settings = settings_from_provider(found.provider.properties)
    outcome = check_health(client, found.provider.pid, settings["credential_type"])
    return dict(outcome, checked=True, source="aem_check_health"), settings


# -- certificates -------------------------------------------------------------------------------------------------

def keystore_certificate(client, user_path, alias):
    """The description (alias, subject, serial number, not_after) of ``alias`` in the keystore of the user at
    ``user_path``, or None when the keystore or the alias is missing."""
    entry = (read_keystore(client, user_path) or {}).get(alias)
    return describe_entry(alias, entry) if entry is not None else None


def user_certificate(client, user_id, alias):
    """As :func:`keystore_certificate` for the user ``user_id`` (6.3/6.4: the MAC user); None without the user."""
    try:
        return keystore_certificate(client, find_user(client, user_id), alias)
    except AemNotFoundError:
        return None


def ims_certificate(client, alias):
    """AEM 6.5 JWT: the certificate of the IMS configuration service user's key pair ``alias``."""
    try:
        user_path = service_user_path(client)
    except AemNotFoundError:
        return None
    return keystore_certificate(client, user_path, alias)


def certificate_expiry(description, warn_days, now=None):
    """``description`` (from :func:`keystore_certificate`) with ``days_left`` and ``status``: ``ok``, ``expiring``
    (fewer than ``warn_days`` days left), ``expired``, or ``unknown`` when AEM's date cannot be read."""
    now = now or datetime.now(timezone.utc)
    out = dict(description, warn_days=warn_days)
    try:
        not_after = datetime.strptime(str(description.get("not_after")), "%Y-%m-%dT%H:%M:%SZ").replace(
            tzinfo=timezone.utc)
    except ValueError:
        out.update(days_left=None, status="unknown")
        return out
    left = (not_after - now).total_seconds() / 86400.0
    out["days_left"] = int(math.floor(left))
    out["status"] = "expired" if left <= 0 else "expiring" if left < warn_days else "ok"
    return out


def certificate_problems(expiry):
    if not expiry:
        return []
    item = expiry.get("alias") or ""
    if expiry["status"] == "expired":
        message = ("the certificate %s expired on %s: Adobe IMS refuses tokens signed with its key; register a new "
                   "key pair in the Adobe Developer Console" % (expiry.get("subject") or item, expiry["not_after"]))
        return [problem("certificate", item, message), problem(EXPIRY, item, message)]
    if expiry["status"] == "expiring":
        return [problem(EXPIRY, item, "the certificate %s expires in %d day%s (%s), within the %d-day warning: "
                        "rotate the key pair" % (expiry.get("subject") or item, expiry["days_left"],
                                                 "" if expiry["days_left"] == 1 else "s", expiry["not_after"],
                                                 expiry["warn_days"]))]
    return []


# -- queues -------------------------------------------------------------------------------------------------------

def queue_problems(queues, max_age):
    """Blocked, paused, unavailable queues, and queues whose oldest item has waited longer than ``max_age`` seconds."""
    found = []
    for name in sorted(queues or {}):
        queue = queues[name]
        count = queue.get("item_count", 0)
        waiting = "%d item%s" % (count, "" if count == 1 else "s")
        if not queue.get("available", True):
            found.append(problem("queue", name, "the queue is unavailable (is the agent disabled?)"))
        elif queue.get("blocked"):
            found.append(problem("queue", name, "the queue is blocked with %s: AEM retries the first one every %s; "
                                 "see the agent's log" % (waiting, duration(queue.get("next_retry_period", 0) / 1000))))
        elif queue.get("paused"):
            found.append(problem("queue", name, "the queue is paused with %s: nothing reaches Brand Portal until it "
                                 "is resumed" % waiting))
        elif queue.get("oldest_item_age") is not None and queue["oldest_item_age"] > max_age:
            found.append(problem("queue", name, "the oldest of %s has waited %s (more than %s)"
                                 % (waiting, duration(queue["oldest_item_age"]), duration(max_age))))
    return found


def summary(problems):
    """``healthy`` (no problem that makes the author unhealthy) and ``expiring`` (a certificate to renew)."""
    return {"healthy": not any(p["kind"] in UNHEALTHY_KINDS for p in problems),
            "expiring": any(p["kind"] == EXPIRY for p in problems)}
