# -*- coding: utf-8 -*-
# Copyright: (c) 2026, aemtools contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE to the aemtools.brand_portal collection: no API stability is promised to other
# collections.
"""Adobe IMS configurations of AEM 6.5: OSGi configurations written through the Felix configMgr,
and the key pair in the keystore of the ``brandportal-imsconfig-service`` user.

An IMS configuration is a pair of OSGi factory configurations (AEM facts §7.2): a token
*provider* (``com.adobe.granite.auth.oauth.accesstoken.provider``) holding the title, client id,
claims or scopes and key pair alias, and a request *customizer*
(``...IMSAccessTokenRequestCustomizerImpl``) holding the client secret, linked by
``token.request.customizer.type`` = ``customizer.type``.

The configMgr client itself (reading, creating, updating, deleting OSGi configurations) is ``_osgi.py``.

Everything else follows ``_jcr_node``: read -> normalise -> compare -> diff -> check-mode gate ->
write -> re-read and verify.

"AEM facts §N" / "IMS facts §N" cite a section of the collection's docs page "How AEM and Adobe IMS answer"
(``docs/docsite/rst/aem_facts.rst``).
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import datetime, timezone
from urllib.parse import urlsplit

from ansible_collections.aemtools.brand_portal.plugins.module_utils._errors import (
    AemError,
    AemInputError,
    AemUnexpectedResponseError,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._http import validate_url
from ansible_collections.aemtools.brand_portal.plugins.module_utils._ims import (
    BRAND_PORTAL_METASCOPE,
    DEFAULT_IMS_URL,
    ORG_SUFFIX,
    TECHNICAL_ACCOUNT_SUFFIX,
    ims_hint,
    metascope_claim,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._keystore import (
    KeyPairPlan,
    apply_brought_key_pair,
    certificate_pem,
    describe_entry,
    find_user,
    load_key_pair,
    not_after,
    plan_brought_key_pair,
    read_keystore,
    verify_key_pair,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._osgi import (
    PASSWORD_MASK,
    config_path,
    create_factory_config,
    delete_config,
    list_factory_instances,
    read_config,
    update_config,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._osgi import text as _text
from ansible_collections.aemtools.brand_portal.plugins.module_utils._plan import carry_out, verified_delete
from ansible_collections.aemtools.brand_portal.plugins.module_utils._profiles import fact
from ansible_collections.aemtools.brand_portal.plugins.module_utils._redact import REDACTED, is_secret_name

# -- IMS configuration properties (AEM facts §7.2, VERIFIED names) ----------------------------------

P_NAME = "name"
P_TITLE = "auth.token.provider.title"
P_CLAIMS = "auth.token.provider.default.claims"
P_ENDPOINT = "auth.token.provider.endpoint"
P_TOKEN_REQUEST = "auth.access.token.request"
P_ALIAS = "auth.token.provider.keypair.alias"
P_CLIENT_ID = "auth.token.provider.client.id"
P_SCOPE = "auth.token.provider.scope"
P_CUSTOMIZER = "token.request.customizer.type"
P_VALIDATOR = "auth.token.validator.type"
P_GRANTS = "auth.token.provider.authorization.grants"
P_ORG = "auth.token.provider.orgId"
C_SECRET = "auth.ims.client.secret"
C_TYPE = "customizer.type"

GRANT_CLIENT_CREDENTIALS = "client_credentials"  # IMS facts §4.6 (VERIFIED)
# Properties that belong to one credential type only: switching type removes the other's.
JWT_ONLY = (P_ALIAS,)
OAUTH_ONLY = (P_GRANTS, P_ORG, P_SCOPE)
CREDENTIAL_TYPES = ("oauth", "jwt")
SECRET_UPDATE_CHOICES = ("on_create", "always")
NAME_ON_CREATE = "<generated>"
# Provider properties whose names look secret (is_secret_name) but whose values are not.
NOT_SECRET = ("auth.access.token.request", "auth.token.provider.reuse.access.token")

_CLAIM = re.compile(r'^\s*"?(?P<key>.+?)"?\s*:\s*(?P<value>"(?:[^"\\]|\\.)*"|true|false|-?\d+(?:\.\d+)?)\s*$')
_ERROR_CODE = re.compile(r"\b(invalid_client|invalid_token|invalid_scope|invalid_jti|unauthorized_client)\b")


# ==================================================================================================
# What the user asks for, and what AEM holds
# ==================================================================================================

def format_claim(key, value):
    """``<claim-key>:<claim-value>``, string values in double quotes (the metatype's own description)."""
    return "%s:%s" % (key, json.dumps(value))


def parse_claim(entry):
    """``aud:"https://..."`` -> ``("aud", "https://...")``; ``https://h/s/x:true`` -> ``(key, True)``;
    also accepts the quoted-key form ``"iss" : "..."``.  None when unreadable."""
    match = _CLAIM.match(str(entry or ""))
    if not match:
        return None
    return match.group("key").strip(), json.loads(match.group("value"))


def claims_dict(entries):
    out = {}
    for entry in entries if isinstance(entries, (list, tuple)) else [entries]:
        if entry in (None, ""):
            continue
        parsed = parse_claim(entry)
        if parsed is None:
            out["<unreadable> %s" % entry] = True
        else:
            out[parsed[0]] = parsed[1]
    return out


def _scopes(value):
    if value is None:
        return []
    items = value if isinstance(value, (list, tuple)) else str(value).split(",")
    return [s.strip() for s in items if str(s).strip()]


def normalise(name, value):
    """A comparable form of one property value: claims as a mapping, scopes as a sorted list, the
    rest as text (configMgr shows numbers and booleans natively, AEM stores what it parsed)."""
    if value is None or value == "" or value == []:
        return None
    if name == P_CLAIMS:
        return claims_dict(value)
    if name == P_SCOPE:
        return sorted(_scopes(value))
    if isinstance(value, (list, tuple)):
        return [_text(v) for v in value]
    return _text(value)


class ImsRequest(object):
    """The module options that describe one IMS configuration; None means "keep what AEM holds"."""

    def __init__(self, title, credential_type="oauth", authorization_server=DEFAULT_IMS_URL, api_key=None,
                 client_secret=None, client_secret_update="on_create", org_id=None, technical_account_id=None,
                 metascopes=None, scopes=None, keypair_alias=None, private_key=None, certificate=None,
                 keystore_password=None):
        self.title = title
        self.credential_type = credential_type
        self.authorization_server = (authorization_server or DEFAULT_IMS_URL).rstrip("/")
        self.api_key = api_key
        self.client_secret = client_secret
        self.client_secret_update = client_secret_update
        self.org_id = org_id
        self.technical_account_id = technical_account_id
        self.metascopes = metascopes
        self.scopes = scopes
        self.keypair_alias = keypair_alias
        self.private_key = private_key
        self.certificate = certificate
        self.keystore_password = keystore_password
        # filled by validate(): parsed key pair
        self.key = None
        self.cert = None

    @property
    def jwt(self):
        return self.credential_type == "jwt"

    def secrets(self):
        return [s for s in (self.client_secret, self.private_key, self.keystore_password) if s]

    def validate(self):
        """Input errors, before any request; each names the option to fix."""
        if not (self.title or "").strip():
            raise AemInputError("option title: empty; expected the configuration's title, e.g. Brand Portal")
        if self.credential_type not in CREDENTIAL_TYPES:
            raise AemInputError("option credential_type: %r; expected one of %s"
                                % (self.credential_type, ", ".join(CREDENTIAL_TYPES)))
        if self.client_secret_update not in SECRET_UPDATE_CHOICES:
            raise AemInputError("option client_secret_update: %r; expected one of %s"
                                % (self.client_secret_update, ", ".join(SECRET_UPDATE_CHOICES)))
        problem = validate_url("authorization_server", self.authorization_server, DEFAULT_IMS_URL,
                               "api_key and client_secret")
        if problem:
            raise AemInputError(problem)
        if urlsplit(self.authorization_server).path not in ("", "/"):
            raise AemInputError("option authorization_server: %r has a path; expected only scheme and host, such "
                                "as %s (AEM builds the token URL from the host)"
                                % (self.authorization_server, DEFAULT_IMS_URL))
        for option in ("api_key", "client_secret", "keypair_alias"):
            value = getattr(self, option)
            if value is not None and (not value.strip() or value != value.strip()):
                raise AemInputError("option %s: empty or surrounded by whitespace; expected the value from the Adobe "
                                    "Developer Console" % option)
        if self.keypair_alias is not None and re.search(r"[/\\,\s]", self.keypair_alias):
            raise AemInputError("option keypair_alias: %r; expected a plain alias such as brandportal (no spaces, "
                                "commas or slashes)" % self.keypair_alias)
        if self.org_id is not None and not self.org_id.endswith(ORG_SUFFIX):
            raise AemInputError("option org_id: %r does not end with %s; expected the organization ID from the "
                                "Adobe Developer Console" % (self.org_id, ORG_SUFFIX))
        if self.technical_account_id is not None and not self.technical_account_id.endswith(TECHNICAL_ACCOUNT_SUFFIX):
            raise AemInputError("option technical_account_id: %r does not end with %s; expected the technical account "
                                "ID from the Adobe Developer Console" % (self.technical_account_id,
                                                                         TECHNICAL_ACCOUNT_SUFFIX))
        if self.jwt:
            if self.scopes is not None:
                raise AemInputError("option scopes: only for credential_type=oauth; a JWT credential uses metascopes")
            if self.metascopes is not None and not _scopes(self.metascopes):
                raise AemInputError("option metascopes: empty; expected at least one, e.g. %s" % BRAND_PORTAL_METASCOPE)
            if self.metascopes is None:
                self.metascopes = [BRAND_PORTAL_METASCOPE]
            self.metascopes = _scopes(self.metascopes)
        else:
            for option in ("technical_account_id", "metascopes", "keypair_alias", "private_key", "certificate"):
                if getattr(self, option) is not None:
                    raise AemInputError("option %s: only for credential_type=jwt; an OAuth Server-to-Server credential "
                                        "needs no key pair or technical account" % option)
            if self.scopes is not None:
                if not _scopes(self.scopes):
                    raise AemInputError("option scopes: empty; expected the scopes of the OAuth credential, e.g. "
                                        "[openid, AdobeID]")
                self.scopes = _scopes(self.scopes)
        if (self.private_key is None) != (self.certificate is None):
            raise AemInputError("options private_key and certificate: give both (bring your own key pair) or neither "
                                "(AEM generates the key pair)")
        if self.private_key is not None:
            if self.keypair_alias is None:
                raise AemInputError("option keypair_alias: required with private_key and certificate")
            self.key, self.cert = load_key_pair(self.private_key, self.certificate)


def settings_from_provider(props):
    """The module-level settings an existing provider configuration holds."""
    props = props or {}
    grants = _text(props.get(P_GRANTS))
    credential_type = "oauth" if grants == GRANT_CLIENT_CREDENTIALS else "jwt"
    endpoint = _text(props.get(P_ENDPOINT))
    request = _text(props.get(P_TOKEN_REQUEST))
    scheme = urlsplit(request.replace("%s", endpoint or "x")).scheme or "https"
    if not endpoint and request:
        endpoint = urlsplit(request).netloc
    claims = claims_dict(props.get(P_CLAIMS) or [])
    metascopes = sorted(k.rsplit("/s/", 1)[1] for k, v in claims.items() if "/s/" in k and v is True)
    return {
        "credential_type": credential_type,
        "authorization_server": "%s://%s" % (scheme, endpoint) if endpoint else None,
        "api_key": _text(props.get(P_CLIENT_ID)) or None,
        "org_id": _text(props.get(P_ORG)) or (str(claims["iss"]) if claims.get("iss") else None),
        "technical_account_id": str(claims["sub"]) if claims.get("sub") else None,
        "metascopes": metascopes or None,
        "scopes": _scopes(props.get(P_SCOPE)) or None,
        "keypair_alias": _text(props.get(P_ALIAS)) or None,
    }


def effective_settings(request, current):
    """The request's settings, completed from what AEM holds where an option was not given."""
    current = current or {}
    merged = {
        "credential_type": request.credential_type,
        "authorization_server": request.authorization_server,
        "metascopes": request.metascopes,
    }
    for name in ("api_key", "org_id", "technical_account_id", "scopes", "keypair_alias"):
        value = getattr(request, name)
        merged[name] = value if value is not None else current.get(name)
    if not request.jwt:
        merged["technical_account_id"] = merged["keypair_alias"] = merged["metascopes"] = None
    else:
        merged["scopes"] = None
    return merged


def missing_settings(settings):
    """Options without which the configuration cannot be written (neither given nor in AEM)."""
    needed = ["api_key", "org_id"] + (["technical_account_id", "keypair_alias"] if settings["credential_type"] == "jwt"
                                      else ["scopes"])
    return [name for name in needed if not settings.get(name)]


def desired_provider(settings, title, name, customizer_type, validator_type=None):
    """The provider properties this module manages (AEM facts §7.2; IMS facts §4.6 for OAuth)."""
    server = settings["authorization_server"].rstrip("/")
    parts = urlsplit(server)
    props = {
        P_NAME: name,
        P_TITLE: title,
        P_ENDPOINT: parts.netloc,
        P_CLIENT_ID: settings["api_key"],
        P_CUSTOMIZER: customizer_type,
        P_VALIDATOR: validator_type or customizer_type,
    }
    if settings["credential_type"] == "jwt":
        claims = [format_claim("iss", settings["org_id"]), format_claim("sub", settings["technical_account_id"]),
                  format_claim("aud", "%s/c/%s" % (server, settings["api_key"]))]
        claims += [format_claim(metascope_claim(server, m), True) for m in settings["metascopes"]]
        props.update({
            P_TOKEN_REQUEST: fact("ims_jwt_token_request").format(scheme=parts.scheme),
            P_ALIAS: settings["keypair_alias"],
            P_CLAIMS: claims,
        })
    else:
        props.update({
            P_TOKEN_REQUEST: fact("ims_oauth_token_request").format(server=server),
            P_GRANTS: GRANT_CLIENT_CREDENTIALS,
            P_ORG: settings["org_id"],
            P_CLAIMS: [format_claim("iss", settings["org_id"])],
            P_SCOPE: ",".join(settings["scopes"]),
        })
    return props


def property_changes(current, desired, remove=()):
    """``{name: (before, after)}`` for the managed properties that differ, and for ``remove``d ones
    that are set."""
    changes = {}
    for name, value in desired.items():
        if normalise(name, current.get(name)) != normalise(name, value):
            changes[name] = (current.get(name), value)
    for name in remove:
        if name not in desired and normalise(name, current.get(name)) is not None:
            changes[name] = (current.get(name), None)
    return changes


def merged_properties(current, desired, remove=()):
    """The FULL property list to send: what AEM holds (passwords as ``unmodified``, which keeps them),
    without ``remove``, overlaid with ``desired``."""
    out = {}
    for name, value in (current.properties if current else {}).items():
        if name in remove:
            continue
        out[name] = PASSWORD_MASK if current.is_password(name) else value
    out.update(desired)
    return out


def is_secret_property(name):
    return name == C_SECRET or (is_secret_name(name) and name not in NOT_SECRET)


def redact_properties(props):
    if props is None:
        return None
    return dict((k, REDACTED if (is_secret_property(k) and v not in (None, "")) else v) for k, v in props.items())


def _mask_name(props, name):
    """``props`` with the generated ``name`` shown as ``<generated>`` (check mode, before creation)."""
    def mask(value):
        if isinstance(value, str):
            return value.replace(name, NAME_ON_CREATE)
        if isinstance(value, list):
            return [mask(v) for v in value]
        return value
    return dict((k, mask(v)) for k, v in (props or {}).items())


# ==================================================================================================
# Finding a configuration
# ==================================================================================================

class ImsConfiguration(object):
    def __init__(self, provider, customizer=None):
        self.provider = provider
        self.customizer = customizer

    @property
    def name(self):
        return _text(self.provider.properties.get(P_NAME)) or None

    @property
    def customizer_type(self):
        return _text(self.provider.properties.get(P_CUSTOMIZER)) or None


def find_customizer(client, customizer_type):
    if not customizer_type:
        return None
    for pid in list_factory_instances(client, fact("ims_customizer_factory")):
        config = read_config(client, pid)
        if config is not None and _text(config.properties.get(C_TYPE)) == customizer_type:
            return config
    return None


def find_configuration(client, title):
    """The IMS configuration titled ``title`` (the provider and its customizer), or None."""
    matches = []
    for pid in list_factory_instances(client, fact("ims_provider_factory")):
        config = read_config(client, pid)
        if config is not None and _text(config.properties.get(P_TITLE)).strip() == title.strip():
            matches.append(config)
    if len(matches) > 1:
        raise AemError("%d Adobe IMS configurations are titled %r (%s); the title must identify one: remove the "
                       "extra ones in Tools > Security > Adobe IMS Configurations"
                       % (len(matches), title, ", ".join(c.pid for c in matches)),
                       attempted="find the Adobe IMS configuration %r" % title)
    if not matches:
        return None
    found = ImsConfiguration(matches[0])
    found.customizer = find_customizer(client, found.customizer_type)
    return found


# ==================================================================================================
# Key pair in the keystore of brandportal-imsconfig-service (AEM facts §7.3, §8)
# ==================================================================================================

def service_user_path(client):
    """The IMS service user's node; it comes with AEM's Adobe IMS configuration support (6.5.4.0+)."""
    return find_user(client, fact("ims_keystore_user"))


def certificate_servlet():
    return fact("ims_servlet_base") + fact("ims_certificate_servlet")


def generate_key_pair(client, alias):
    """AEM's 'Create certificate' (INFERRED servlet): returns the public certificate PEM."""
    # Not retried (idempotent=False): whether AEM replaces or refuses a second key pair under the alias is unknown
    # (INFERRED servlet); a re-run of the task finds the key pair a lost answer created and downloads its
    # certificate instead.
    response = client.post(certificate_servlet(), "have AEM create the key pair %s" % alias,
                           data=[("alias", alias)], expected=(200, 201))
    return _pem_or_none(response.text)


def download_certificate(client, alias):
    """AEM's 'Download Public Key' (INFERRED servlet); None when AEM has no such certificate."""
    response = client.get(certificate_servlet(), "download the public certificate %s" % alias,
                          expected=(200, 404), params={"alias": alias})
    return _pem_or_none(response.text) if response.status == 200 else None


def _pem_or_none(text):
    match = re.search(r"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----", text or "", re.S)
    return match.group(0) + "\n" if match else None


def plan_key_pair(client, request, alias):
    """A brought key pair goes through the keystore routine every key pair shares; without one, AEM generates the
    pair unless the alias is already there."""
    user_path = service_user_path(client)
    if request.cert is not None:
        return plan_brought_key_pair(client, user_path, alias, request.cert)
    entry = (read_keystore(client, user_path) or {}).get(alias)
    if entry is not None:
        before = describe_entry(alias, entry)
        return KeyPairPlan(alias, "none", before=before, after=before, user_path=user_path)
    return KeyPairPlan(alias, "generate", before=None, after={"alias": alias, "subject": "(generated by AEM)"},
                       user_path=user_path)


def apply_key_pair(client, request, plan):
    """Carry out ``plan``; returns the certificate PEM AEM generated, if it did."""
    if plan.action == "generate":
        return generate_key_pair(client, plan.alias)
    apply_brought_key_pair(client, plan, request.key, request.cert,
                           request.keystore_password or uuid.uuid4().hex + uuid.uuid4().hex)
    return None


# ==================================================================================================
# Check Health (INFERRED servlet)
# ==================================================================================================

def check_health(client, pid, grant):
    """Like AEM's 'Check Health': AEM obtains a token with the stored configuration.

    Returns ``{"ok", "message", "log"}``; a failed token request is ``ok: false`` with AEM's reason
    and, when it names an IMS error code, what to fix.
    """
    attempted = "check the health of Adobe IMS configuration %s" % pid
    path = fact("ims_servlet_base") + fact("ims_health_servlet")
    retries = 0
    while True:
        # each ask makes AEM request a token again: never answered from the read cache
        data = client.get_json(path, attempted, params={"configurationId": pid}, fresh=True)
        if not isinstance(data, dict) or "ok" not in data:
            raise AemUnexpectedResponseError("the Check Health answer has no 'ok' field", method="GET", path=path,
                                             attempted=attempted)
        message = client.redactor.text(_text(data.get("message")))
        log = [client.redactor.text(_text(line)) for line in data.get("log") or []]
        result = {"ok": bool(data.get("ok")), "message": message, "log": log}
        if result["ok"]:
            return result
        code = _ERROR_CODE.search(message)
        if code:
            result["hint"] = ims_hint(400, code.group(1), message, grant)
        # Check Health only has AEM ask IMS for a token, which is safe to repeat.  A failure without an IMS error
        # code (IMS unreachable, IMS answering 5xx) is transient like any other and is asked again; one with a
        # code (wrong secret, unknown client...) is IMS's answer and is final.
        if code or retries >= client.retries:
            result["retries"] = retries
            return result
        retries += 1
        delay = client.backoff(retries)
        client.warn("Check Health of %s: %s; retry %d of %d in %.1f s" % (pid, message, retries, client.retries, delay))
        client.sleep(delay)


# ==================================================================================================
# The desired state
# ==================================================================================================

def _diff(title, before, after):
    header = "Adobe IMS configuration %s" % title
    return {"before": before, "after": after, "before_header": header, "after_header": header}


def _result_config(provider_pid, provider_props, customizer_pid, customizer_props, credential_type, title):
    return {
        "pid": provider_pid,
        "id": _text((provider_props or {}).get(P_NAME)) or None,
        "title": title,
        "credential_type": credential_type,
        "properties": redact_properties(provider_props),
        "customizer": {"pid": customizer_pid, "properties": redact_properties(customizer_props)},
    }


def _before_config(found, title):
    """The configuration as found before any write (the form of ``ims_config``), or None."""
    if found is None:
        return None
    customizer = found.customizer
    return _result_config(found.provider.pid, found.provider.properties, customizer.pid if customizer else None,
                          customizer.properties if customizer else None,
                          settings_from_provider(found.provider.properties)["credential_type"], title)


def ensure_present(client, request, check_mode, warn=None):
    """Make the IMS configuration titled ``request.title`` match ``request``; returns the module result."""
    warn = warn or (lambda msg: None)
    request.validate()
    client.redactor.add_all(request.secrets())
    title = request.title.strip()
    found = find_configuration(client, title)
    current = settings_from_provider(found.provider.properties) if found else None
    settings = effective_settings(request, current)
    missing = missing_settings(settings)
    customizer = found.customizer if found else None
    secret_set = customizer is not None and customizer.properties.get(C_SECRET) not in (None, "")
    # The stored secret is the one of the credential it was written with, whatever client_secret_update says: another
    # client id needs its own secret; a JWT configuration migrated to OAuth takes the secret given with it (a
    # credential migrated in the Developer Console keeps its client id and secret, so none is required then).
    new_client = bool(current) and current["api_key"] != settings["api_key"]
    new_credential = new_client or bool(current) and current["credential_type"] != settings["credential_type"]
    if (new_client or not secret_set) and not request.client_secret:
        missing.append("client_secret")

    before, after = {}, {}
    result = {"changed": False, "missing": missing, "certificate": None, "keypair": None,
              "ims_config_before": _before_config(found, title)}

    # -- key pair first: the certificate is what a person registers at Adobe before the rest is known
    key_plan = None
    if request.jwt and settings["keypair_alias"]:
        key_plan = plan_key_pair(client, request, settings["keypair_alias"])
        if key_plan.changed:
            before["keypair"], after["keypair"] = key_plan.before, key_plan.after
        result["keypair"] = key_plan.after

    if missing:
        if not (request.jwt and key_plan is not None):
            raise AemInputError("options %s: required to %s the Adobe IMS configuration %r (values from the credential "
                                "in the Adobe Developer Console)"
                                % (", ".join(missing), "complete" if found else "create", title))
        state = "complete" if found else "created"
        warn("Adobe IMS configuration %r is not %s yet: register the certificate with the credential in the Adobe "
             "Developer Console, then re-run with options %s" % (title, state, ", ".join(missing)))

    # -- provider and customizer
    provider_changes, write_secret = {}, False
    provider_props = found.provider.properties if found else None
    customizer_props = customizer.properties if customizer else None
    pid = found.provider.pid if found else None
    if not missing:
        # an existing configuration keeps its name (the id cloud services reference); one without a
        # name gets its PID's suffix; a new one a generated id
        name = found.name if found else None
        if not name:
            name = pid.rsplit(".", 1)[-1] if pid else fact("ims_provider_name").format(uuid=uuid.uuid4().hex)
        ctype = (found.customizer_type if found else None) or fact("ims_customizer_type").format(name=name)
        validator = _text((found.provider.properties if found else {}).get(P_VALIDATOR)) or ctype
        desired = desired_provider(settings, title, name, ctype, validator)
        remove = OAUTH_ONLY if request.jwt else JWT_ONLY
        provider_changes = property_changes(provider_props or {}, desired, remove)
        desired_customizer = {C_TYPE: ctype}
        customizer_changes = property_changes(customizer_props or {}, desired_customizer)
        write_secret = bool(request.client_secret) and (not secret_set or new_credential
                                                        or request.client_secret_update == "always")
        for prop, (old, new) in sorted(provider_changes.items()):
            if found and old is not None:
                before[prop] = old
            if new is not None:
                after[prop] = new
        for prop, (old, new) in customizer_changes.items():
            if customizer is not None and old is not None:
                before[prop] = old
            after[prop] = new
        if write_secret:
            if secret_set:
                before[C_SECRET] = REDACTED
            after[C_SECRET] = REDACTED
        provider_write = merged_properties(found.provider if found else None, desired, remove)
        customizer_write = merged_properties(customizer, desired_customizer)
        if write_secret:
            customizer_write[C_SECRET] = request.client_secret
        provider_props = provider_write if provider_changes else provider_props
        if customizer_changes or write_secret:
            customizer_props = dict(customizer_write, **({C_SECRET: PASSWORD_MASK} if write_secret else {}))
    else:
        customizer_changes = {}

    changed = bool((key_plan and key_plan.changed) or provider_changes or customizer_changes or write_secret)
    if check_mode and found is None and not missing:
        # the name is generated when the configuration is created: do not show a throw-away one
        after, provider_props, customizer_props = (_mask_name(d, name) for d in (after, provider_props,
                                                                                 customizer_props))
    result.update(changed=changed, diff=_diff(title, redact_properties(before), redact_properties(after)),
                  secret_written=write_secret)

    def predict():
        end = {}
        if request.cert is not None:
            end["certificate"] = certificate_pem(request.cert)
        elif key_plan is not None and key_plan.action == "none":
            end["certificate"] = download_certificate(client, key_plan.alias)
        end["ims_config"] = (_result_config(pid, provider_props, customizer.pid if customizer else None,
                                            customizer_props, settings["credential_type"], title)
                             if (found or not missing) else None)
        return end

    def write():
        # -- writes: key pair, provider, customizer
        end, new_pid = {}, pid
        generated = None
        if key_plan is not None and key_plan.changed:
            generated = apply_key_pair(client, request, key_plan)
        if key_plan is not None:
            if request.cert is not None:
                end["certificate"] = certificate_pem(request.cert)
            else:
                end["certificate"] = generated or download_certificate(client, key_plan.alias)
        if missing:
            end["ims_config"] = (_result_config(pid, provider_props, customizer.pid if customizer else None,
                                                customizer_props, settings["credential_type"], title)
                                 if found else None)
            return end

        if found is None:
            # the name is generated above for a new configuration: no other provider holds it
            new_pid = create_factory_config(client, fact("ims_provider_factory"), provider_write, key=P_NAME)
        elif provider_changes:
            update_config(client, new_pid, provider_write, found.provider.bundle_location)
        customizer_pid = customizer.pid if customizer else None
        if customizer is None:
            # no customizer holds this type (find_configuration looked for it): one that appears is this one
            customizer_pid = create_factory_config(client, fact("ims_customizer_factory"), customizer_write, key=C_TYPE)
        elif customizer_changes or write_secret:
            update_config(client, customizer_pid, customizer_write, customizer.bundle_location)

        # -- re-read and verify
        end_provider = read_config(client, new_pid)
        end_customizer = read_config(client, customizer_pid)
        _verify(new_pid, desired, end_provider, customizer_pid, desired_customizer, end_customizer, request.jwt)
        if key_plan is not None and key_plan.changed:
            verify_key_pair(client, key_plan, request.cert, fact("ims_keystore_user"))
        end["ims_config"] = _result_config(new_pid, end_provider.properties, customizer_pid,
                                           end_customizer.properties, settings["credential_type"], title)
        return end

    return carry_out(result, check_mode, write, predict)


def _verify(pid, desired, provider, customizer_pid, desired_customizer, customizer, jwt):
    attempted = "verify Adobe IMS configuration %s" % pid
    if provider is None or customizer is None:
        raise AemUnexpectedResponseError("AEM accepted the write but the configuration %s does not exist when read back"
                                         % (pid if provider is None else customizer_pid), method="GET",
                                         path=config_path(pid) + ".json", attempted=attempted)
    wrong = sorted(property_changes(provider.properties, desired))
    wrong += sorted(property_changes(customizer.properties, desired_customizer))
    if customizer.properties.get(C_SECRET) in (None, ""):
        wrong.append(C_SECRET)
    if wrong:
        hint = ""
        if not jwt and set(wrong) & set(OAUTH_ONLY):
            hint = " (this AEM does not know the OAuth properties: OAuth needs AEM 6.5.21.0, or Adobe's compatibility " \
                   "hotfix on 6.5.11.0 to 6.5.20.0)"
        raise AemUnexpectedResponseError("AEM accepted the write but these properties do not hold the requested values "
                                         "when read back: %s%s" % (", ".join(wrong), hint), method="GET",
                                         path=config_path(pid) + ".json", attempted=attempted)


def ensure_absent(client, title, check_mode):
    """Delete the IMS configuration titled ``title`` (customizer first, so that a failure half-way
    leaves the provider, which a re-run finds by its title).  The key pair stays in the keystore."""
    if not (title or "").strip():
        raise AemInputError("option title: empty; expected the configuration's title, e.g. Brand Portal")
    title = title.strip()
    found = find_configuration(client, title)
    if found is None:
        return {"changed": False, "diff": _diff(title, {}, {}), "ims_config": None, "ims_config_before": None}
    before = dict(found.provider.properties)
    if found.customizer is not None:
        before.update(found.customizer.properties)
    result = {"changed": True, "diff": _diff(title, redact_properties(before), {}), "ims_config": None,
              "ims_config_before": _before_config(found, title)}

    def delete():
        if found.customizer is not None:
            delete_config(client, found.customizer.pid)
        delete_config(client, found.provider.pid)

    pid = found.provider.pid
    return carry_out(result, check_mode, lambda: verified_delete(
        delete, lambda: read_config(client, pid) is not None, "configuration", config_path(pid) + ".json", pid))


def credential_type_problem(profile, credential_type):
    """``(error, warning)`` for ``credential_type`` on the AEM version of ``profile``."""
    version = profile.version.text
    if not profile.ims_configuration:
        return ("AEM %s has no Adobe IMS configurations: they exist from AEM 6.5.4.0 (6.4.8.0, 6.3.3.8); "
                "update AEM, or use the cloud service model (aemtools.brand_portal.aem_bp_cloudservice)" % version, None)
    if credential_type == "jwt" and not profile.jwt_configurable:
        return ("option credential_type: jwt configurations can no longer be created or updated on AEM %s (Adobe "
                "ended Service Account (JWT) credentials); use credential_type=oauth with an OAuth Server-to-Server "
                "credential, which also migrates an existing JWT configuration of the same title" % version, None)
    if credential_type == "oauth" and profile.oauth == "unavailable":
        return ("option credential_type: oauth is not available on AEM %s: OAuth Server-to-Server needs AEM 6.5.21.0, "
                "or Adobe's compatibility hotfix on 6.5.11.0 to 6.5.20.0; use credential_type=jwt" % version, None)
    if credential_type == "oauth" and profile.oauth == "hotfix":
        return (None, "AEM %s supports OAuth Server-to-Server only with Adobe's compatibility hotfix "
                      "(ims-jwt-compatibility-package-6.5-1.0.zip); without it the configuration cannot obtain "
                      "tokens" % version)
    return (None, None)


def certificate_expiry_warning(cert, now=None):
    """A warning when a bring-your-own certificate has expired or expires within 30 days."""
    now = now or datetime.now(timezone.utc)
    days = (not_after(cert) - now).days
    if days < 0:
        return "option certificate: the certificate expired on %s; IMS refuses tokens signed with its key" % (
            not_after(cert).strftime("%Y-%m-%d"))
    if days < 30:
        return "option certificate: the certificate expires in %d days (%s); rotate the key pair" % (
            days, not_after(cert).strftime("%Y-%m-%d"))
    return None
