# -*- coding: utf-8 -*-
# Copyright: (c) 2026, aemtools contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE to the aemtools.brand_portal collection: no API stability is promised to other
# collections.
"""Classic replication agents of AEM 6.x: where they live, how to create, change, delete and list
them, their queues, Test Connection, and waiting until their queues are idle.

Facts come from AEM facts §1-§2, §5 (Sling POST and GET, replication agents), the sections of the
collection's docs page "How AEM and Adobe IMS answer" (``docs/docsite/rst/aem_facts.rst``):

* an agent is a ``cq:Page`` at ``/etc/replication/agents.<runmode>/<name>`` whose ``jcr:content``
  (``nt:unstructured``) holds the settings (AEM facts §5.1);
* below ``agents.<runmode>`` AEM answers **403** for a missing agent, because Sling reads
  ``.author/<name>`` as an extension and a suffix (AEM facts §1.3): reads there treat 403 and 404 as absent;
* Test Connection is ``GET <agent>.test.html``; it succeeded iff the body contains "succeeded"
  (AEM facts §5.3);
* the queue is ``GET <agent>/jcr:content.queue.json`` (AEM facts §5.4).

The property names behind the module options are VERIFIED (AEM facts §5.1) except
``protocolHTTPConnectionClosed`` for "Close Connection" and the value ``clientauth`` of ``ssl``,
which are INFERRED (AEM facts §5.1, §6.4).
"""

from __future__ import annotations

import html
import re
import time
from urllib.parse import urlsplit

from ansible_collections.aemtools.brand_portal.plugins.module_utils._errors import (
    AemError,
    AemForbiddenError,
    AemInputError,
    AemNotFoundError,
    AemServerError,
    AemUnexpectedResponseError,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._jcr_node import (
    SECRET_UPDATE_CHOICES,
    NodeSpec,
    apply_present,
    diff_for,
    looks_encrypted,
    plan_present,
    predicted_node,
    redact_node,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._plan import carry_out, verified_delete
from ansible_collections.aemtools.brand_portal.plugins.module_utils._sling import (
    build_post_payload,
    delete_payload,
    is_empty,
    node_properties,
    property_changes,
    read_node,
    sling_post,
    type_hint,
    validate_property_name,
)

RUNMODES = ("author", "publish")
AGENT_PAGE_TYPE = "cq:Page"
AGENT_CONTENT_TYPE = "nt:unstructured"
AGENT_RESOURCE_TYPE = "cq/replication/components/agent"
AGENT_TEMPLATE = "/libs/cq/replication/templates/agent"
# A missing agent below agents.<runmode> answers 403 (or 404), AEM facts §1.3.
AGENT_MISSING = (403, 404)
LOG_LEVELS = ("error", "info", "debug")
# "clientauth" (the UI's "Client Auth") is INFERRED (AEM facts §5.1); "default" and "relaxed" are VERIFIED.
SSL_MODES = ("default", "relaxed", "clientauth")
PASSWORD_PROPERTY = "transportPassword"
# INFERRED (AEM facts §5.1, §6.4): the Extended tab's "Close Connection" check box.
CLOSE_CONNECTION_PROPERTY = "protocolHTTPConnectionClosed"
# VERIFIED (AEM facts §8, §5.2): encrypts a value with the instance's CryptoSupport, answers {"protected": "{hex}"}.
CRYPTO_PATH = "/system/console/crypto/.json"

# module option -> jcr:content property
OPTION_PROPERTIES = (
    ("title", "jcr:title"),
    ("description", "jcr:description"),
    ("enabled", "enabled"),
    ("transport_uri", "transportUri"),
    ("transport_user", "transportUser"),
    ("serialization_type", "serializationType"),
    ("retry_delay", "retryDelay"),
    ("log_level", "logLevel"),
    ("user_id", "userId"),
    ("close_connection", CLOSE_CONNECTION_PROPERTY),
    ("ssl", "ssl"),
)
# Kept by purge_properties even when no option sets them: what makes the page an agent, its title,
# and the password of agents whose password the task does not manage.
PURGE_KEEP = ("sling:resourceType", "cq:template", "jcr:title", PASSWORD_PROPERTY)

# A node name Sling can address without reading part of it as a selector or extension: no '.',
# no '/', no JCR-reserved characters.
_AGENT_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_-]{0,149}$")
_LOG_STAMP = re.compile(r"^\d\d\.\d\d\.\d{4} \d\d:\d\d:\d\d - ")
# Log lines of a Test Connection that say what was done, not what went wrong (AEM facts §5.3 examples).
_ROUTINE_LINE = re.compile(r"^(Create new HttpClient|adding header:|\* HTTP Version|Sending \w+ request to|"
                           r"sent\. Response: 2\d\d|Replication \(TEST\) of .* successful|"
                           r"Transfer succeeded|Replication test succeeded)")
_FAILED_VERDICT = "Replication test failed"
_TAG = re.compile(r"<[^>]+>")
_PRE = re.compile(r"<pre[^>]*>(.*?)</pre>", re.S | re.I)
_HEAD = re.compile(r"<head[^>]*>.*?</head>", re.S | re.I)
LOG_LIMIT = 100


def agents_root(runmode):
    return "/etc/replication/agents.%s" % runmode


def agent_path(runmode, name):
    return "%s/%s" % (agents_root(runmode), name)


def first_value(value):
    """Agents written by hand sometimes hold one-element lists; the UI reads the first value."""
    if isinstance(value, list):
        return value[0] if value else None
    return value


def truthy(value):
    value = first_value(value)
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def as_property_value(value):
    """Settings are stored as strings, as AEM's agent dialog stores them (AEM facts §5.1: enabled="true",
    retryDelay="60000"); the comparison is by text, so Boolean or Long values already stored by
    another tool are equal too."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# -- validation ------------------------------------------------------------------------------------

def validate_name(option, name):
    if not isinstance(name, str) or not _AGENT_NAME.match(name):
        raise AemInputError(
            "option %s: %r is not a valid agent node name; expected 1-150 letters, digits, '_' or '-', not "
            "starting with '-' (a '.' or '/' would be read by Sling as a selector or path), for example "
            "mp_replication" % (option, name))


def validate_runmode(option, runmode):
    if runmode not in RUNMODES:
        raise AemInputError("option %s: %r; expected one of %s" % (option, runmode, ", ".join(RUNMODES)))


def validate_transport_uri(option, uri):
    parts = urlsplit(uri) if isinstance(uri, str) else None
    if parts is None or not parts.scheme or not parts.netloc or uri != uri.strip() or " " in uri:
        raise AemInputError(
            "option %s: %r is not an absolute URL; expected for example "
            "https://publish.example.com/bin/receive?sling:authRequestLogin=1" % (option, uri))


class AgentSpec(object):
    """What the user wants one agent to be."""

    def __init__(self, name, runmode="author", settings=None, extra=None, password=None,
                 password_update="on_create", purge=False):
        self.name = name
        self.runmode = runmode
        # option name -> value (None = leave alone)
        self.settings = dict(settings or {})
        self.extra = dict(extra or {})
        self.password = password
        self.password_update = password_update
        self.purge = purge

    @property
    def path(self):
        return agent_path(self.runmode, self.name)

    @property
    def content_path(self):
        return self.path + "/jcr:content"

    def validate(self):
        """Every input problem, before any request is sent."""
        validate_name("name", self.name)
        validate_runmode("runmode", self.runmode)
        settings = self.settings
        if settings.get("transport_uri") is not None:
            validate_transport_uri("transport_uri", settings["transport_uri"])
        retry_delay = settings.get("retry_delay")
        if retry_delay is not None and (isinstance(retry_delay, bool) or not isinstance(retry_delay, int)
                                        or retry_delay <= 0):
            raise AemInputError("option retry_delay: %r is not a positive number of milliseconds; expected for "
                                "example 60000" % (retry_delay,))
        if settings.get("log_level") is not None and settings["log_level"] not in LOG_LEVELS:
            raise AemInputError("option log_level: %r; expected one of %s"
                                % (settings["log_level"], ", ".join(LOG_LEVELS)))
        if settings.get("ssl") is not None and settings["ssl"] not in SSL_MODES:
            raise AemInputError("option ssl: %r; expected one of %s" % (settings["ssl"], ", ".join(SSL_MODES)))
        if self.password_update not in SECRET_UPDATE_CHOICES:
            raise AemInputError("option transport_password_update: %r; expected one of %s"
                                % (self.password_update, ", ".join(SECRET_UPDATE_CHOICES)))
        if self.password is not None and not isinstance(self.password, str):
            raise AemInputError("option transport_password: expected a string")
        owners = dict((prop, option) for option, prop in OPTION_PROPERTIES)
        owners[PASSWORD_PROPERTY] = "transport_password"
        for name, value in self.extra.items():
            validate_property_name("extra_properties", name)
            if name in owners:
                raise AemInputError("option extra_properties: %r is set with the option %s; use that option"
                                    % (name, owners[name]))
            if name in ("jcr:primaryType", "jcr:mixinTypes"):
                raise AemInputError("option extra_properties: %r cannot be changed by this module" % name)
            type_hint("extra_properties", name, value)

    def properties(self, creating):
        """The jcr:content properties to ensure; on creation also what makes the page an agent."""
        props = {}
        if creating:
            props["sling:resourceType"] = AGENT_RESOURCE_TYPE
            props["cq:template"] = AGENT_TEMPLATE
            props["jcr:title"] = self.name
        for option, prop in OPTION_PROPERTIES:
            value = self.settings.get(option)
            if value is not None:
                props[prop] = as_property_value(value)
        props.update(self.extra)
        return props

    def node_spec(self, creating):
        props = self.properties(creating)
        secrets = {PASSWORD_PROPERTY: self.password} if not is_empty(self.password) else {}
        keep = [name for name in PURGE_KEEP if name not in props and name not in secrets] if self.purge else []
        return NodeSpec(self.content_path, properties=props,
                        primary_type=AGENT_CONTENT_TYPE if creating else None,
                        secrets=secrets, secret_update=self.password_update, purge=self.purge, ignore=keep,
                        missing=AGENT_MISSING)


# -- one agent: present / absent ---------------------------------------------------------------------

class Agent(object):
    """An agent as found in AEM: its runmode, name and jcr:content properties."""

    def __init__(self, runmode, name, properties):
        self.runmode = runmode
        self.name = name
        self.properties = properties or {}

    @property
    def path(self):
        return agent_path(self.runmode, self.name)

    @property
    def transport_uri(self):
        return first_value(self.properties.get("transportUri"))

    def view(self, redactor=None, queue=None):
        """The agent for module results: secret properties redacted."""
        props = redact_node(self.properties) or {}
        uri = self.transport_uri
        if redactor is not None:
            props = redactor.mapping(props)
            uri = redactor.text(uri)
        out = {"name": self.name, "runmode": self.runmode, "path": self.path,
               "title": first_value(props.get("jcr:title")), "enabled": truthy(props.get("enabled")),
               "transport_uri": uri, "properties": props}
        if queue is not None:
            out["queue"] = queue
        return out


def read_agent_page(client, runmode, name):
    """The agent page with its jcr:content (depth 1); None when AEM says 403 or 404."""
    page = read_node(client, agent_path(runmode, name), depth=1, missing=AGENT_MISSING)
    if page is not None and page.get("jcr:primaryType") not in (None, AGENT_PAGE_TYPE):
        raise AemInputError("option name: %s exists but is a %s, not a replication agent page (%s)"
                            % (agent_path(runmode, name), page.get("jcr:primaryType"), AGENT_PAGE_TYPE))
    return page


def _content_of(page):
    content = page.get("jcr:content") if page else None
    return content if isinstance(content, dict) else None


def protect(client, value):
    """Encrypt ``value`` with the instance's CryptoSupport (``{hex}``), as AEM stores agent passwords."""
    attempted = "encrypt the transport password with AEM's CryptoSupport (option transport_password_encrypt)"
    # a POST that stores nothing: AEM only encrypts the value (write=False keeps it out of the written list)
    response = client.post(CRYPTO_PATH, attempted, data=[("datum", value)], expected=(200,),
                           headers={"Accept": "application/json"}, idempotent=True, write=False)
    try:
        protected = response.json()["protected"]
    except (ValueError, KeyError, TypeError):
        protected = None
    if not looks_encrypted(protected):
        raise AemUnexpectedResponseError("the answer is not the expected {\"protected\": \"{...}\"} JSON",
                                         **client.error_kwargs(response, attempted))
    return protected


def create_payload(to_set):
    """One Sling POST to the page path that creates the cq:Page and its jcr:content (AEM facts §5.2, RUBY_AEM)."""
    inner = build_post_payload(to_set, (), primary_type=AGENT_CONTENT_TYPE)
    payload = [("_charset_", "utf-8"), ("jcr:primaryType", AGENT_PAGE_TYPE)]
    payload.extend(("jcr:content/" + key, value) for key, value in inner if key != "_charset_")
    return payload


def verify_written(node_spec, end):
    """Sling can report success without storing everything (HTML status page quirk): read back."""
    if end is None:
        raise AemUnexpectedResponseError("AEM accepted the write but the agent does not exist when read back",
                                         method="GET", path=node_spec.path,
                                         attempted="verify agent %s" % node_spec.path)
    to_set, to_delete = property_changes(end, node_spec.properties,
                                         ignore=list(node_spec.ignore) + list(node_spec.secrets),
                                         purge=node_spec.purge)
    missing = [k for k, v in node_spec.secrets.items() if not is_empty(v) and is_empty(end.get(k))]
    wrong = sorted(set(to_set) | set(to_delete) | set(missing))
    if wrong:
        raise AemUnexpectedResponseError(
            "AEM accepted the write but these properties do not hold the requested values when read back: %s"
            % ", ".join(wrong), method="GET", path=node_spec.path, attempted="verify agent %s" % node_spec.path)


def ensure_agent_present(client, spec, check_mode, encrypt=True):
    """Create or update one agent; return the module result (changed, diff, agent, ...)."""
    spec.validate()
    page = read_agent_page(client, spec.runmode, spec.name)
    content = _content_of(page)
    node_spec = spec.node_spec(creating=content is None)
    node_spec.validate(option_prefix="extra_")
    plan = plan_present(content, node_spec)
    result = {"changed": plan.changed,
              "diff": diff_for(spec.path, redact_node(plan.before), redact_node(plan.after)),
              "transport_password_written": bool(plan.secrets_to_write)}

    def predict():
        predicted = predicted_node(content, node_spec, plan)
        return {"agent": Agent(spec.runmode, spec.name, predicted).view(client.redactor)}

    def write():
        secrets = {}
        for name in plan.secrets_to_write:
            value = node_spec.secrets[name]
            secrets[name] = protect(client, value) if encrypt else value
        if page is None:
            to_set = dict(plan.to_set)
            to_set.update(secrets)
            sling_post(client, spec.path, create_payload(to_set), "create replication agent %s" % spec.path)
        else:
            write_spec = NodeSpec(node_spec.path, node_spec.properties, node_spec.primary_type, secrets,
                                  node_spec.secret_update, node_spec.purge, node_spec.ignore, node_spec.missing)
            apply_present(client, write_spec, plan)
        end = read_node(client, spec.content_path, missing=AGENT_MISSING)
        verify_written(node_spec, end)
        return {"agent": Agent(spec.runmode, spec.name, node_properties(end)).view(client.redactor)}

    return carry_out(result, check_mode, write, predict)


def ensure_agent_absent(client, runmode, name, check_mode):
    """Delete one agent page with ``:operation=delete`` (HTTP DELETE answers 405, AEM facts §1.1)."""
    validate_name("name", name)
    validate_runmode("runmode", runmode)
    path = agent_path(runmode, name)
    page = read_agent_page(client, runmode, name)
    if page is None:
        return {"changed": False, "diff": diff_for(path, {}, {}), "agent": None}
    before = redact_node(_content_of(page) or node_properties(page))
    result = {"changed": True, "diff": diff_for(path, client.redactor.mapping(before), {}), "agent": None}
    return carry_out(result, check_mode, lambda: verified_delete(
        lambda: sling_post(client, path, delete_payload(), "delete replication agent %s" % path),
        lambda: read_agent_page(client, runmode, name) is not None, "agent", path))


# -- listing and selection ---------------------------------------------------------------------------

def list_agents(client, runmode):
    """Every agent below ``agents.<runmode>``, sorted by name.

    One ``GET agents.<runmode>.2.json`` holds each agent page and its jcr:content (AEM facts §2: ``.N.json``
    renders N levels).  Child keys starting with ``jcr:`` or ``rep:`` are not agents (AEM facts §2, RUBY_AEM).
    When AEM answers with a shallower tree (``json.maximumresults``), the jcr:content of each agent
    is read on its own.
    """
    validate_runmode("runmode", runmode)
    tree = read_node(client, agents_root(runmode), depth=2, missing=AGENT_MISSING)
    agents = []
    for key, value in sorted((tree or {}).items()):
        if not isinstance(value, dict) or key.startswith(("jcr:", "rep:")):
            continue
        content = _content_of(value)
        if content is None:
            content = read_node(client, agent_path(runmode, key) + "/jcr:content", missing=AGENT_MISSING)
        agents.append(Agent(runmode, key, node_properties(content) or {}))
    return agents


def uri_prefix(prefix):
    """A tenant's agents: ``transportUri`` starts with the tenant URL followed by ``/`` (AEM facts §6.2),
    so that ``https://acme.example`` does not also select ``https://acme.example.org/...``."""
    return prefix if prefix.endswith("/") else prefix + "/"


def select_agents(agents, names=None, name_prefix=None, transport_uri_prefix=None):
    """The agents matching every given filter, and the requested names that do not exist."""
    wanted = list(names or [])
    selected = []
    for agent in agents:
        if wanted and agent.name not in wanted:
            continue
        if name_prefix and not agent.name.startswith(name_prefix):
            continue
        if transport_uri_prefix:
            uri = agent.transport_uri
            if not isinstance(uri, str) or not uri.startswith(uri_prefix(transport_uri_prefix)):
                continue
        selected.append(agent)
    found = set(agent.name for agent in agents)
    missing = [name for name in wanted if name not in found]
    return selected, missing


def validate_selection(params):
    for name in params.get("names") or []:
        validate_name("names", name)
    validate_runmode("runmode", params.get("runmode"))
    prefix = params.get("transport_uri_prefix")
    if prefix is not None:
        validate_transport_uri("transport_uri_prefix", prefix)


def find_agents(client, params):
    """List and select agents from the module options names, name_prefix, transport_uri_prefix, runmode."""
    validate_selection(params)
    return select_agents(list_agents(client, params["runmode"]), params.get("names"), params.get("name_prefix"),
                         params.get("transport_uri_prefix"))


def selection_text(params):
    parts = ["runmode=%s" % params.get("runmode")]
    for option in ("names", "name_prefix", "transport_uri_prefix"):
        if params.get(option):
            parts.append("%s=%s" % (option, params[option]))
    return ", ".join(parts)


# -- queues ------------------------------------------------------------------------------------------

def _bool(value):
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return bool(value)


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def parse_queue(data, first=5):
    """The queue JSON (AEM facts §5.4) as a small status: idle = no item waiting and not blocked.

    ``queueStatus`` holds only ``agentName`` and ``agentId`` when the queue is unavailable (for
    example a disabled agent); such a queue is reported with ``available`` false.
    """
    if not isinstance(data, dict):
        data = {}
    meta = data.get("metaData") if isinstance(data.get("metaData"), dict) else {}
    status = meta.get("queueStatus") if isinstance(meta.get("queueStatus"), dict) else {}
    items = data.get("queue") if isinstance(data.get("queue"), list) else []
    blocked = _bool(status.get("isBlocked", False))
    firsts = []
    for item in items[:max(first, 0)]:
        item = item if isinstance(item, dict) else {}
        firsts.append({"path": item.get("path"), "type": item.get("type"), "time": item.get("time")})
    queue = {"item_count": len(items), "blocked": blocked, "paused": _bool(status.get("isPaused", False)),
             "idle": not items and not blocked, "available": "isBlocked" in status,
             "next_retry_period": _int(status.get("nextRetryPeriod")), "first_items": firsts}
    age = oldest_item_age(status, items)
    if age is not None:
        queue["oldest_item_age"] = age
    return queue


def oldest_item_age(status, items):
    """Seconds the oldest item has waited, by AEM's own clock (``queueStatus.time`` minus the item's ``time``, both
    in ms, AEM facts §5.4), so a controller whose clock is off does not make a queue look stuck; None without items
    or times."""
    now = _int(status.get("time"))
    times = [_int(item.get("time")) for item in items if isinstance(item, dict) and _int(item.get("time")) > 0]
    if not now or not times:
        return None
    return max(0, (now - min(times)) // 1000)


def read_queue(client, agent, first=5):
    """The queue status of one agent (``GET <agent>/jcr:content.queue.json?agent=<name>``, AEM facts §5.4)."""
    attempted = "read the replication queue of agent %s" % agent.path
    response = client.get(agent.path + "/jcr:content.queue.json", attempted, params={"agent": agent.name})
    try:
        data = response.json()
    except ValueError:
        raise AemUnexpectedResponseError("the answer is not JSON", **client.error_kwargs(response, attempted))
    return parse_queue(data, first)


def describe_queue(queue):
    """One line: "3 items (/content/a, /content/b, ...), blocked"."""
    count = queue["item_count"]
    text = "%d item%s" % (count, "" if count == 1 else "s")
    paths = [str(item.get("path")) for item in queue["first_items"]]
    if paths:
        more = ", ..." if count > len(paths) else ""
        text += " (%s%s)" % (", ".join(paths), more)
    if queue["blocked"]:
        text += ", blocked"
    if queue["paused"]:
        text += ", paused"
    return text


def duration(seconds):
    """A short human duration: 45 s, 12 min, 3 h 5 min, 2 d 4 h."""
    seconds = int(seconds)
    if seconds < 60:
        return "%d s" % seconds
    minutes, hours, days = seconds // 60, seconds // 3600, seconds // 86400
    if seconds < 3600:
        return "%d min" % minutes
    if seconds < 86400:
        return "%d h %d min" % (hours, minutes % 60) if minutes % 60 else "%d h" % hours
    return "%d d %d h" % (days, hours % 24) if hours % 24 else "%d d" % days


class QueueTimeoutError(AemError):
    """Queues were still busy when the timeout ran out; ``busy`` lists them."""

    hint = "the receiving side may be down or refusing the items: see the agents' logs (<agent>.log.html)."

    def __init__(self, message, busy, **kwargs):
        super(QueueTimeoutError, self).__init__(message, **kwargs)
        self.busy = busy


def validate_wait(timeout, interval):
    """The module options are wait_timeout and wait_interval (timeout is the connection's request timeout)."""
    if interval is None or interval <= 0:
        raise AemInputError("option wait_interval: %r is not positive; expected seconds, e.g. 5" % (interval,))
    if timeout is None or timeout < 0:
        raise AemInputError("option wait_timeout: %r is negative; expected seconds, e.g. 300" % (timeout,))


def wait_until_idle(client, agents, timeout, interval, first=5, clock=time.monotonic, sleep=time.sleep):
    """Poll the queues of ``agents`` until every one is idle; return ``(queues, polls, elapsed)``.

    ``queues`` maps agent name to its status.  Raises :class:`QueueTimeoutError` naming each busy
    agent and its first items when ``timeout`` seconds pass first.  The last poll happens at the
    deadline, so a queue that empties during the final interval still counts.
    """
    validate_wait(timeout, interval)
    start = clock()
    polls = 0
    while True:
        polls += 1
        queues = dict((agent.name, read_queue(client, agent, first)) for agent in agents)
        elapsed = clock() - start
        busy = [agent for agent in agents if not queues[agent.name]["idle"]]
        if not busy:
            return queues, polls, elapsed
        remaining = timeout - elapsed
        if remaining <= 0:
            details = "; ".join("%s: %s" % (agent.name, describe_queue(queues[agent.name])) for agent in busy)
            raise QueueTimeoutError(
                "%d of %d replication queues still busy after %.0f s (%d polls): %s"
                % (len(busy), len(agents), elapsed, polls, details),
                [dict(name=agent.name, path=agent.path, queue=queues[agent.name]) for agent in busy],
                attempted="wait until the replication queues are idle")
        sleep(min(interval, remaining))


# -- Test Connection ----------------------------------------------------------------------------------

def log_lines(body):
    """The lines of a Test Connection answer: an HTML page around a ``<pre>`` log (AEM facts §5.3); without a
    ``<pre>``, the text of the whole page without its ``<head>``."""
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    body = body or ""
    pre = _PRE.search(body)
    text = pre.group(1) if pre else _HEAD.sub("", body)
    text = html.unescape(_TAG.sub("\n", text))
    return [line.strip() for line in text.splitlines() if line.strip()]


def reason_lines(lines):
    """What went wrong: the log lines that are not routine steps, without their time stamps."""
    bare = [_LOG_STAMP.sub("", line) for line in lines]
    reasons = [line for line in bare if not _ROUTINE_LINE.match(line)]
    if len(reasons) > 1:
        reasons = [line for line in reasons if line != _FAILED_VERDICT]
    return reasons or bare[-3:]


def run_test_connection(client, agent):
    """Run Test Connection of one agent: ``{"success", "reason", "log"}``, redacted.

    Success iff the answer contains "succeeded" (AEM facts §5.3, as Adobe's own test clients decide).  An
    HTTP error for this agent is a failure of this agent, not of the task; authentication and
    connection errors are raised.
    """
    attempted = "run Test Connection of agent %s" % agent.path
    try:
        # it sends a test package each time: never answered from the read cache
        response = client.get(agent.path + ".test.html", attempted, fresh=True)
    except (AemServerError, AemNotFoundError, AemForbiddenError, AemUnexpectedResponseError) as error:
        return {"success": False, "reason": [client.redactor.text(str(error))], "log": []}
    lines = [client.redactor.text(line) for line in log_lines(response.body)][-LOG_LIMIT:]
    success = "succeeded" in response.text
    return {"success": success, "reason": [] if success else reason_lines(lines), "log": lines}


def selection_argument_spec():
    """The options that select agents (documented in the ``replication_selection`` doc fragment)."""
    return dict(
        names=dict(type="list", elements="str"),
        name_prefix=dict(type="str"),
        transport_uri_prefix=dict(type="str"),
        runmode=dict(type="str", choices=list(RUNMODES), default="author"),
    )
