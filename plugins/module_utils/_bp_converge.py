# -*- coding: utf-8 -*-
# Copyright: (c) 2026, aemtools contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE to the aemtools.brand_portal collection: no API stability is promised to other
# collections.
"""Brand Portal on one author as one desired state: read once, plan once, write the minimum, re-read only
what was written, and say step by step what was done.

Adobe's procedure ("Configure new integration") in the order Adobe gives it - the Adobe IMS configuration (6.5)
or the cloud service (6.3/6.4) with its public certificate and credentials, the Brand Portal cloud service, Close
Connection on the tenant's four replication agents, Test Connection - planned against what the author holds and
applied with the same ensure functions the fine-grained modules use. ``aem_brand_portal`` (module and action
plugin) is the only caller; the configure role, its audit and the upgrade share its one desired state.

Reads are answered from the client's read cache until the first write (:meth:`HttpClient.cache_reads`), so the
plan and the write that follows it cost the author one read of each resource.
"""

from __future__ import annotations

import os

from ansible_collections.aemtools.brand_portal.plugins.module_utils._aem_client import (
    AemClient,
    validate_connection_params,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils import _bp_health
from ansible_collections.aemtools.brand_portal.plugins.module_utils._brand_portal import (
    DEFAULT_OAUTH_SCOPES,
    classic_certificate,
    cloudservice_path,
    cloudservice_root,
    ensure_classic,
    ensure_ims_model,
    ensure_mac_key_pair,
    mac_user_id,
    validate_name,
    validate_tenant_url,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._errors import (
    AemError,
    AemInputError,
    AemUnexpectedResponseError,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._files import write_if_changed
from ansible_collections.aemtools.brand_portal.plugins.module_utils._http import (
    failure,
    unverified_warning,
    written_statement,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._ims import (
    DEFAULT_IMS_URL,
    ImsClient,
    base_url,
    build_jwt_claims,
    sign_jwt,
    validate_ims_params,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._ims_config import (
    ImsRequest,
    check_health,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._ims_config import (
    ensure_present as ensure_ims_config,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._keystore import (
    certificate_pem,
    load_key_pair,
    load_private_key,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._preflight import PreflightError
from ansible_collections.aemtools.brand_portal.plugins.module_utils._preflight import run as preflight
from ansible_collections.aemtools.brand_portal.plugins.module_utils._profiles import fact, read_profile
from ansible_collections.aemtools.brand_portal.plugins.module_utils._replication import (
    AgentSpec,
    ensure_agent_present,
    list_agents,
    describe_queue,
    duration,
    read_queue,
    run_test_connection,
    select_agents,
    truthy,
    uri_prefix,
)

TEST_CONNECTION_CHOICES = ("always", "on_change", "never")
CLOSE_CONNECTION_PROPERTY = "protocolHTTPConnectionClosed"


def argument_spec():
    """The desired state of one author (the connection options come from ``aem_argument_spec``)."""
    return dict(
        state=dict(type="str", choices=["present", "gathered"], default="present"),
        tenant_url=dict(type="str", required=True),
        credential_type=dict(type="str", choices=["oauth", "jwt"], default="oauth"),
        client_id=dict(type="str", aliases=["api_key"]),
        client_secret=dict(type="str", no_log=True),
        client_secret_update=dict(type="str", choices=["on_create", "always"], default="on_create", no_log=False),
        org_id=dict(type="str"),
        technical_account_id=dict(type="str"),
        scopes=dict(type="list", elements="str"),
        metascopes=dict(type="list", elements="str", default=["ent_brand_portal_sdk"]),
        authorization_server=dict(type="str", default=DEFAULT_IMS_URL),
        ims_config_title=dict(type="str", default="Brand Portal"),
        keypair_alias=dict(type="str", default="brandportal", no_log=False),
        private_key=dict(type="str", no_log=True),
        certificate=dict(type="str"),
        certificate_path=dict(type="path"),
        cloudservice_name=dict(type="str", default="brand-portal"),
        cloudservice_title=dict(type="str", default="Brand Portal"),
        close_connection=dict(type="bool", default=True),
        test_connection=dict(type="str", choices=list(TEST_CONNECTION_CHOICES), default="on_change"),
        queues=dict(type="bool", default=False),
        health=dict(type="bool", default=False),
        certificate_warn_days=dict(type="int", default=30),
        queue_max_age=dict(type="int", default=900),
        validate_credentials=dict(type="bool", default=True),
        ims_url=dict(type="str", default=DEFAULT_IMS_URL),
        ims_retries=dict(type="int", default=3),
    )


class Host(object):
    """What the engine needs from its caller (an AnsibleModule or an action plugin): check mode, warnings,
    and writing the public certificate on the machine the task runs for."""

    def __init__(self, check_mode, warn):
        self.check_mode = check_mode
        self.warn = warn

    def write_certificate(self, path, pem):
        """Write ``pem`` to ``path`` (a directory gets AEM-Adobe-IMS.crt) when it differs: ``(path, changed)``."""
        if os.path.isdir(path) or path.endswith(os.sep):
            path = os.path.join(path, fact("certificate_file_name"))
        try:
            return path, write_if_changed(path, pem, self.check_mode)
        except (IOError, OSError) as exc:
            raise AemInputError("option certificate_path: cannot write %s: %s; expected a path the controller can "
                                "write" % (path, exc.strerror))


def _blank(value):
    return value is None or (isinstance(value, (str, list)) and len(value) == 0)


def normalise(params):
    """Empty strings and lists mean "not given" (the role's defaults are empty until the credential exists)."""
    out = dict(params)
    for name in ("client_id", "client_secret", "org_id", "technical_account_id", "scopes", "private_key",
                 "certificate", "certificate_path"):
        if _blank(out.get(name)):
            out[name] = None
    if out["credential_type"] == "oauth":
        out["technical_account_id"] = out["metascopes"] = out["keypair_alias"] = None
    else:
        out["scopes"] = None
    return out


def missing_credentials(params):
    """The credential's values still to be set, by option name, in the order the Developer Console shows them."""
    needed = ["client_id", "client_secret", "org_id"]
    needed += ["technical_account_id"] if params["credential_type"] == "jwt" else ["scopes"]
    return [name for name in needed if params[name] is None]


def _rename_options(error):
    # The shared IMS and cloud-service code names its own options; this module calls them differently.
    if isinstance(error, AemInputError):
        for old, new in (("option api_key", "option client_id"), ("options api_key", "options client_id"),
                         ("option title:", "option ims_config_title:")):
            error.message = error.message.replace(old, new)
    return error


class Run(object):
    """One author, one run: the plan and its steps."""

    def __init__(self, client, params, host, ims_factory=None):
        self.client = client
        self.params = params
        self.host = host
        self.gathered = params["state"] == "gathered"
        # gathered is always a dry run; present follows the task's check mode
        self.dry = self.gathered or host.check_mode
        self.ims_factory = ims_factory or new_ims_client
        self.steps = []
        # one diff per step that changes: Ansible shows a list of diffs one after the other, each with its header
        self.diffs = []
        self.result = {}
        #: the tenant's agents as read by agents()
        self.tenant_agents = []

    # -- steps --------------------------------------------------------------------------------------

    def step(self, name, item, status, before=None, after=None, detail=None):
        entry = {"step": name, "item": item, "status": status}
        if before is not None or after is not None:
            entry["before"], entry["after"] = before or {}, after or {}
            header = "%s %s" % (name, item) if item else name
            self.diffs.append({"before": before or {}, "after": after or {}, "before_header": header,
                               "after_header": header})
        if detail:
            entry["detail"] = detail
        self.steps.append(entry)
        return entry

    def status(self, changed):
        if not changed:
            return "ok"
        return "would change" if self.dry else "changed"

    # -- the run ------------------------------------------------------------------------------------

    def run(self):
        params = self.params
        validate_name(params["cloudservice_name"])
        profile = read_profile(self.client)
        preflight(profile, params["credential_type"], params["tenant_url"], params["private_key"],
                  params["certificate"], warn=self.host.warn)
        params["tenant_url"] = validate_tenant_url(params["tenant_url"], lambda msg: None)
        self.result.update(aem_version=profile.version.text, model=profile.model,
                           credential_type=params["credential_type"])
        missing = missing_credentials(params)
        self.result["missing_credentials"] = missing
        if profile.model == "ims":
            if not profile.ims_configuration:
                raise AemInputError("AEM %s has no Adobe IMS configuration integration for Brand Portal (it needs "
                                    "6.5.4.0 or later): install a newer 6.5 service pack" % profile.version)
            complete = self.ims_configuration(missing)
            if complete:
                complete = self.ims_cloudservice()
        else:
            complete = self.classic_cloudservice(missing)
        if complete:
            self.agents()
            self.test_connection()
            if params["queues"] or params["health"]:
                self.queues()
        if params["health"]:
            self.live_health(profile)
        return self.finish(complete)

    def finish(self, complete):
        written = list(self.client.writes)
        changed = bool(written) or any(s["status"] in ("changed", "would change") for s in self.steps)
        drift = [s for s in self.steps if s["status"] == "would change" or s["status"] == "incomplete"]
        self.result.update(changed=changed if not self.gathered else False, complete=complete, steps=self.steps,
                           diff=self.diffs, written=written,
                           requests=self.client.request_count)
        if self.gathered:
            self.result.update(in_sync=not drift, drift=[{"step": s["step"], "item": s["item"],
                                                          "before": s.get("before", {}), "after": s.get("after", {})}
                                                         for s in drift])
        return self.result

    # -- credentials checked with Adobe IMS before AEM gets them -------------------------------------

    def validate_with_ims(self):
        """Ask Adobe IMS for a token with the credential; a refusal stops the run before AEM is written."""
        params = self.params
        if not params["validate_credentials"] or self.gathered:
            return "skipped (validate_credentials=false)" if not self.gathered else None
        if params["credential_type"] == "jwt" and not params["private_key"]:
            return "skipped: AEM holds the private key, so only AEM's Check Health can test this JWT credential"
        return self.request_token()

    def request_token(self):
        """A token from Adobe IMS with the task's credential (from the controller), or an AemError that says whether
        IMS refused the credential or could not be reached."""
        params = self.params
        client = self.ims_factory(params, self.host.warn)
        try:
            if params["credential_type"] == "oauth":
                client.client_credentials(params["client_id"], params["client_secret"], params["scopes"],
                                          params["org_id"])
            else:
                claims = build_jwt_claims(params["ims_url"], params["client_id"], params["org_id"],
                                          params["technical_account_id"], params["metascopes"])
                client.exchange_jwt(params["client_id"], params["client_secret"],
                                    sign_jwt(claims, load_private_key(params["private_key"])))
        except AemError as error:
            # IMS's own error code or a 4xx is its answer about the credential; 5xx and no answer say nothing about it
            status = getattr(error, "status", None)
            refused = getattr(error, "error", None) is not None or (status is not None and 400 <= status < 500)
            check = ("options client_id, client_secret, org_id and " + (
                "scopes" if params["credential_type"] == "oauth" else
                "technical_account_id, and the certificate registered for private_key")) if refused else \
                "option ims_url (the ims_url of group/aemtools.brand_portal.ims in module_defaults) and that the " \
                "controller can reach it"
            raise AemError("Adobe IMS %s the %s credential %s: %s. Check %s. %s"
                           % ("refused" if refused else "could not be reached to check", params["credential_type"],
                              params["client_id"], str(error.message).rstrip(". "), check,
                              written_statement(self.client.writes)),
                           hint=getattr(error, "hint", None))
        return "Adobe IMS issued a token with the credential"

    # -- 6.5: the Adobe IMS configuration --------------------------------------------------------------

    def ims_request(self, with_credentials):
        p = self.params
        jwt = p["credential_type"] == "jwt"
        creds = dict(api_key=p["client_id"], client_secret=p["client_secret"], org_id=p["org_id"],
                     technical_account_id=p["technical_account_id"] if jwt else None,
                     scopes=p["scopes"] if not jwt else None) if with_credentials else {}
        return ImsRequest(p["ims_config_title"], credential_type=p["credential_type"],
                          authorization_server=p["authorization_server"],
                          client_secret_update=p["client_secret_update"],
                          metascopes=p["metascopes"] if jwt else None, keypair_alias=p["keypair_alias"] if jwt else None,
                          private_key=p["private_key"], certificate=p["certificate"], **creds)

    def ims_configuration(self, missing):
        params, title = self.params, self.params["ims_config_title"]
        if missing and params["credential_type"] == "oauth":
            self.step("ims_config", title, "incomplete", detail="set %s" % ", ".join(missing))
            return False
        try:
            request = self.ims_request(with_credentials=not missing)
            plan = ensure_ims_config(self.client, request, True, warn=lambda msg: None)
        except AemError as error:
            raise _rename_options(error)
        if missing:
            # JWT with a key pair AEM generates: the certificate comes first, the credential after it is registered
            result = plan if self.dry else ensure_ims_config(self.client, request, False, warn=lambda msg: None)
            if result.get("keypair") and result["diff"]["before"] != result["diff"]["after"]:
                self.step("certificate", params["keypair_alias"], self.status(True),
                          result["diff"]["before"], result["diff"]["after"])
            self.certificate(result.get("certificate"))
            self.step("ims_config", title, "incomplete", detail="set %s" % ", ".join(missing))
            return False
        checked = self.validate_with_ims() if plan["changed"] else None
        if self.dry or not plan["changed"]:
            result = plan
        else:
            result = ensure_ims_config(self.client, request, False, warn=self.host.warn)
        self.step("ims_config", title, self.status(result["changed"]), result["diff"]["before"],
                  result["diff"]["after"], detail=checked)
        if params["credential_type"] == "jwt":
            self.certificate(result.get("certificate"))
        config = result.get("ims_config") or {}
        self.result["ims_config"] = config
        if result["changed"] and not self.dry:
            self.health(config, title)
        return True

    def health(self, config, title):
        outcome = check_health(self.client, config["pid"], self.params["credential_type"])
        if not outcome["ok"]:
            msg = "Check Health of Adobe IMS configuration %r failed%s: %s" % (
                title, " after %d retries" % outcome["retries"] if outcome.get("retries") else "", outcome["message"])
            if outcome.get("hint"):
                msg = "%s - %s" % (msg, outcome["hint"])
            raise AemError(msg, attempted="check the health of the Adobe IMS configuration %r" % title)
        self.result["health"] = dict(outcome, checked=True, source="aem_check_health")

    def certificate(self, pem):
        path = self.params["certificate_path"]
        self.result["certificate"] = pem
        if not path or self.params["credential_type"] != "jwt":
            return
        if pem is None:
            self.step("certificate_file", path, "would change" if self.dry else "ok",
                      detail="AEM generates the key pair first" if self.dry else "AEM returned no certificate")
            return
        path, changed = self.host.write_certificate(path, pem)
        self.result["certificate_path"] = path
        self.step("certificate_file", path, self.status(changed),
                  detail="upload it to the credential in the Adobe Developer Console" if changed else None)

    def ims_cloudservice(self):
        params = self.params
        name = params["cloudservice_name"]
        config_id = (self.result.get("ims_config") or {}).get("id")
        if not config_id:
            self.step("cloudservice", name, "would change", detail="after the Adobe IMS configuration is created")
            return False
        path = cloudservice_path(cloudservice_root("ims"), name)
        cs_params = {"oauth_scopes": DEFAULT_OAUTH_SCOPES, "ims_config": config_id}
        result, node = ensure_ims_model(self.client, path, params["cloudservice_title"], params["tenant_url"],
                                        cs_params, self.dry)
        self.step("cloudservice", name, self.status(result["changed"]), result["diff"]["before"],
                  result["diff"]["after"])
        self.result["cloudservice"] = {"path": path, "properties": node}
        return True

    # -- 6.3 / 6.4: the cloud service holds the credential ------------------------------------------------

    def classic_cloudservice(self, missing):
        params = self.params
        name = params["cloudservice_name"]
        path = cloudservice_path(cloudservice_root("cloudservice"), name)
        creds = {"authorization_server": params["authorization_server"], "client_secret_update":
                 params["client_secret_update"], "api_key": None, "technical_account_id": None, "org_id": None,
                 "client_secret": None}
        if not missing:
            creds.update(api_key=params["client_id"], technical_account_id=params["technical_account_id"],
                         org_id=params["org_id"], client_secret=params["client_secret"])
        plan, node = ensure_classic(self.client, path, params["cloudservice_title"], params["tenant_url"], creds, True)
        key_pair = load_key_pair(params["private_key"], params["certificate"]) if params["private_key"] else None
        checked = self.validate_with_ims() if plan["changed"] and not missing else None
        if not self.dry and plan["changed"]:
            plan, node = ensure_classic(self.client, path, params["cloudservice_title"], params["tenant_url"], creds,
                                        False)
        self.step("cloudservice", name, self.status(plan["changed"]), plan["diff"]["before"], plan["diff"]["after"],
                  detail=checked)
        self.result["cloudservice"] = {"path": path, "properties": node}
        if key_pair:
            # the cloud service's MAC user exists only once AEM saved the cloud service
            changed, before, after = ensure_mac_key_pair(self.client, params["tenant_url"], key_pair[0], key_pair[1],
                                                         self.dry, os.urandom(16).hex())
            self.step("certificate", fact("mac_key_alias"), self.status(changed), {"keypair": before} if changed else
                      None, {"keypair": after} if changed else None)
            pem = certificate_pem(key_pair[1])
        elif self.dry and plan["changed"] and node is None:
            pem = None
        else:
            pem = classic_certificate(self.client, name) if params["certificate_path"] else None
        self.certificate(pem)
        if missing:
            self.step("credentials", name, "incomplete", detail="set %s" % ", ".join(missing))
            return False
        return True

    # -- the four agents ----------------------------------------------------------------------------

    def agents(self):
        prefix = uri_prefix(self.params["tenant_url"].rstrip("/"))
        agents = select_agents(list_agents(self.client, "author"), transport_uri_prefix=prefix)[0]
        # Test Connection and the queues need only each agent's path: they reuse this one read
        self.tenant_agents = agents
        self.result["agents"] = [a.name for a in agents]
        if not agents:
            created_by_save = self.dry and any(s["step"] == "cloudservice" and s["status"] == "would change"
                                               for s in self.steps)
            self.step("agents", "", "would change" if created_by_save else "failed",
                      detail="AEM creates the tenant's four agents when it saves the cloud service" if created_by_save
                      else "no replication agent sends to %s" % prefix)
            if not created_by_save:
                raise AemUnexpectedResponseError(
                    "no replication agent sends to %s: AEM creates the tenant's four agents when it saves the cloud "
                    "service; check the cloud service in Tools > Cloud Services > AEM Brand Portal" % prefix,
                    attempted="find the tenant's replication agents")
            return
        if not self.params["close_connection"]:
            self.step("agents", ", ".join(self.result["agents"]), "skipped", detail="close_connection=false")
            return
        for agent in agents:
            if truthy(agent.properties.get(CLOSE_CONNECTION_PROPERTY)):
                self.step("agent", agent.name, "ok")
                continue
            result = ensure_agent_present(self.client, AgentSpec(agent.name, settings={"close_connection": True}),
                                          self.dry)
            self.step("agent", agent.name, self.status(result["changed"]), result["diff"]["before"],
                      result["diff"]["after"])

    def queues(self):
        """Each agent's replication queue (one GET per agent): what is waiting, and whether it is blocked."""
        found = {}
        for agent in self.tenant_agents:
            queue = read_queue(self.client, agent)
            summary = describe_queue(queue)
            if queue.get("oldest_item_age") is not None:
                summary += ", oldest waiting %s" % duration(queue["oldest_item_age"])
            found[agent.name] = dict(queue, summary=summary)
        self.result["queues"] = found

    # -- live health (the audit's) ------------------------------------------------------------------

    def live_health(self, profile):
        """Token, certificate, queues and (when it ran) Test Connection: ``health``, ``certificate_expiry``,
        ``aem_credential_type``, ``problems``, ``healthy`` and ``expiring`` in the result."""
        params, problems = self.params, []
        expiry = None
        if profile.model == "ims":
            token, held = _bp_health.ims_token_health(self.client, params["ims_config_title"])
            held_type = held["credential_type"] if held else None
            if held_type == "jwt" and held.get("keypair_alias"):
                found = _bp_health.ims_certificate(self.client, held["keypair_alias"])
                expiry = _bp_health.certificate_expiry(found, params["certificate_warn_days"]) if found else None
        else:
            token = self.controller_token_health()
            held_type = "jwt" if self.result.get("cloudservice", {}).get("properties") else None
            found = _bp_health.user_certificate(self.client, mac_user_id(params["tenant_url"]), fact("mac_key_alias"))
            expiry = _bp_health.certificate_expiry(found, params["certificate_warn_days"]) if found else None
        if token["checked"] and not token["ok"] or not token["checked"] and held_type is None:
            message = token["message"] + (" - %s" % token["hint"] if token.get("hint") else "")
            problems.append(_bp_health.problem("token", params["ims_config_title"] if profile.model == "ims" else
                                               params["cloudservice_name"], message))
        problems += _bp_health.certificate_problems(expiry)
        problems += _bp_health.queue_problems(self.result.get("queues"), params["queue_max_age"])
        tested = self.result.get("test_connection") or {}
        for outcome in tested.get("agents") or []:
            if not outcome["success"]:
                problems.append(_bp_health.problem("test_connection", outcome["name"],
                                                   " ".join(outcome["reason"]) or "Test Connection failed"))
        self.result.update(health=token, certificate_expiry=expiry, aem_credential_type=held_type, problems=problems,
                           **_bp_health.summary(problems))

    def controller_token_health(self):
        """6.3/6.4 keep the credential on the cloud service, encrypted: the controller asks Adobe IMS with the task's
        credential, which it can sign only with a brought key pair."""
        params = self.params
        if missing_credentials(params):
            return {"checked": False, "ok": False, "source": "adobe_ims",
                    "message": "not checked: options %s are not set" % ", ".join(missing_credentials(params))}
        if not params["private_key"]:
            return {"checked": False, "ok": False, "source": "adobe_ims",
                    "message": "not checked: AEM %s keeps the private key of the JWT credential (in the MAC user's "
                               "keystore); Test Connection (test_connection=always) tests it"
                               % self.result["aem_version"]}
        try:
            return {"checked": True, "ok": True, "source": "adobe_ims", "message": self.request_token()}
        except AemError as error:
            return {"checked": True, "ok": False, "source": "adobe_ims", "message": error.message,
                    "hint": getattr(error, "hint", None)}

    def test_connection(self):
        policy = self.params["test_connection"]
        # the audit's opt-in: Test Connection reads from AEM's side (it sends a test package to Brand Portal)
        audit = self.gathered and self.params["health"] and policy == "always" and not self.host.check_mode
        if self.dry and not audit:
            return
        wrote = bool(self.client.writes)
        if policy == "never" or (policy == "on_change" and not wrote):
            self.result["test_connection"] = {"ran": False, "agents": []}
            self.step("test_connection", "", "skipped",
                      detail="test_connection=%s%s" % (policy, ": nothing was written" if policy == "on_change" else ""))
            return
        outcomes = []
        for agent in self.tenant_agents:
            outcome = run_test_connection(self.client, agent)
            outcomes.append(dict(outcome, name=agent.name))
        self.result["test_connection"] = {"ran": True, "agents": outcomes}
        failed = [o for o in outcomes if not o["success"]]
        expected = len(fact("agent_names"))
        if (failed or len(outcomes) != expected) and audit:
            self.step("test_connection", ", ".join(o["name"] for o in failed) or "", "failed",
                      detail="Test Connection failed on %d of %d agents" % (len(failed), len(outcomes)))
            return
        if failed or len(outcomes) != expected:
            self.step("test_connection", "", "failed")
            reasons = "; ".join("%s: %s" % (o["name"], " ".join(o["reason"])) for o in failed)
            raise AemError("Test Connection failed on %d of %d agents%s%s"
                           % (len(failed), len(outcomes), ": " + reasons if reasons else "",
                              "" if len(outcomes) == expected else " (the tenant has %d agents; expected %d)"
                              % (len(outcomes), expected)),
                           attempted="run Test Connection of the tenant's agents")
        self.step("test_connection", ", ".join(o["name"] for o in outcomes), "ok",
                  detail="Test Connection succeeded on %d agents" % len(outcomes))


def new_ims_client(params, warn):
    problem = validate_ims_params({"ims_url": params["ims_url"], "client_id": params["client_id"],
                                   "client_secret": params["client_secret"], "org_id": params["org_id"],
                                   "validate_certs": True, "ca_path": None, "timeout": 30.0,
                                   "retries": params["ims_retries"]})
    if problem:
        raise AemInputError(problem)
    client = ImsClient(base_url(params["ims_url"]), retries=params["ims_retries"], warn=warn)
    client.redactor.add(params["client_secret"])
    return client


def converge(client, params, host, ims_factory=None):
    """Plan and (unless dry) apply the desired state on one author; returns the task result."""
    params = normalise(params)
    client.redactor.add_all(v for v in (params["client_secret"], params["private_key"]) if v)
    client.cache_reads(True)
    run = Run(client, params, host, ims_factory)
    client.read_only = run.dry
    return run.run()


def execute(params, host, ims_factory=None):
    """The whole task for one author, whoever runs it (the module or the action plugin): the result, or on error
    ``failed`` with a message that also says what the task had already written."""
    problem = validate_connection_params(params)
    if problem:
        return {"failed": True, "changed": False, "msg": problem}
    if not params["validate_certs"]:
        host.warn(unverified_warning("AEM"))
    client = AemClient(params["url"], params["username"], params["password"], validate_certs=params["validate_certs"],
                       ca_path=params["ca_path"], timeout=params["timeout"], retries=params["retries"], warn=host.warn)
    try:
        return scrub(converge(client, params, host, ims_factory), client.redactor)
    except AemError as error:
        writes = list(client.writes)
        result = failure(error, writes)
        if isinstance(error, PreflightError):
            result["checks"] = error.checks
        # ``written`` is returned always, an empty list included
        result.update(failed=True, changed=bool(writes), written=writes)
        return scrub(result, client.redactor)


def scrub(value, redactor):
    """``value`` with every known secret value replaced, however deep (the errors and diffs are redacted where
    they are made; this is the last guard for everything the task returns)."""
    if isinstance(value, str):
        return redactor.replace(value)
    if isinstance(value, dict):
        return dict((k, scrub(v, redactor)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return [scrub(v, redactor) for v in value]
    return value
