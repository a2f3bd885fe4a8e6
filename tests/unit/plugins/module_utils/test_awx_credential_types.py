# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The AWX / Automation Platform credential types in extensions/awx/credential_types/ load in AWX's custom
credential type format, and inject what the collection reads.

The checker follows AWX's documented format (docs/credentials/custom_credential_types.md in ansible/awx) and the
rules AWX applies when a credential type is saved: inputs.fields[] with id/label required, type string|boolean,
format ssh_private_key|url, choices/multiline/format/secret on strings only, default of the field's type, unique
ids, "tower" reserved, no "dependencies"; injectors env/extra_vars/file only, env names that are shell names, not
ANSIBLE_* and not on AWX's block list, file templates either one "template" or "template.<name>", and every
template rendering under StrictUndefined with only the declared fields (and tower.filename when a file is
injected). It lives beside the module_utils tests because what the types inject must be what the module_utils
read (their env fallbacks), and ansible-test runs this directory's tests in this collection's layout."""

from __future__ import annotations

import copy
import glob
import os
import re

import jsonschema
import pytest
import yaml
from jinja2 import StrictUndefined
from jinja2.exceptions import SecurityError, TemplateSyntaxError, UndefinedError
from jinja2.sandbox import ImmutableSandboxedEnvironment

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", "..", ".."))
TYPES_DIR = os.path.join(ROOT, "extensions", "awx", "credential_types")
NAME = r"^[a-zA-Z_]+[a-zA-Z0-9_]*$"

INPUTS_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "required": {"type": "array", "items": {"type": "string"}},
        "fields": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["id", "label"],
                "properties": {
                    "id": {"type": "string", "pattern": NAME},
                    "label": {"type": "string"},
                    "help_text": {"type": "string"},
                    "type": {"enum": ["string", "boolean"]},
                    "format": {"enum": ["ssh_private_key", "url"]},
                    "choices": {"type": "array", "minItems": 1, "items": {"type": "string"}, "uniqueItems": True},
                    "multiline": {"type": "boolean"},
                    "secret": {"type": "boolean"},
                    "ask_at_runtime": {"type": "boolean"},
                    "default": {},
                },
            },
        },
    },
}
INJECTORS_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "file": {"type": "object", "additionalProperties": False,
                 "patternProperties": {r"^template(\.[a-zA-Z_]+[a-zA-Z0-9_]*)?$": {"type": "string"}}},
        "env": {"type": "object", "additionalProperties": False,
                "patternProperties": {NAME: {"type": "string", "pattern": "^[\x00-\x7F]*$"}}},
        "extra_vars": {"type": "object", "additionalProperties": False,
                       "patternProperties": {NAME: {"type": "string"}}},
    },
}
TYPE_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["name", "kind", "inputs", "injectors"],
    "properties": {
        "name": {"type": "string", "minLength": 1, "maxLength": 512},
        "description": {"type": "string"},
        "kind": {"enum": ["cloud", "net"]},  # the kinds AWX allows for custom types
        "inputs": INPUTS_SCHEMA,
        "injectors": INJECTORS_SCHEMA,
    },
}
# environment variables AWX refuses in credentials (besides ANSIBLE_*)
ENV_BLOCKLIST = {"VIRTUAL_ENV", "PATH", "PYTHONPATH", "JOB_ID", "INVENTORY_ID", "INVENTORY_SOURCE_ID",
                 "INVENTORY_UPDATE_ID", "AD_HOC_COMMAND_ID", "REST_API_URL", "REST_API_TOKEN", "MAX_EVENT_RES",
                 "CALLBACK_QUEUE", "CALLBACK_CONNECTION", "CACHE", "JOB_CALLBACK_DEBUG", "INVENTORY_HOSTVARS",
                 "AWX_HOST", "PROJECT_REVISION", "SUPERVISOR_CONFIG_PATH"}


class _Filename(object):
    def __str__(self):
        raise UndefinedError("tower.filename without a file injector")


class _Tower(object):
    def __init__(self):
        self.filename = _Filename()

    def __str__(self):
        raise UndefinedError("the reserved tower namespace itself")


def problems(ctype):
    """What AWX would refuse in this credential type, as a list of messages (empty: it loads)."""
    found = ["%s: %s" % ("/".join(str(p) for p in e.absolute_path) or "(top)", e.message)
             for e in jsonschema.Draft7Validator(TYPE_SCHEMA).iter_errors(ctype)]
    if found:
        return found
    inputs, injectors = ctype["inputs"], ctype["injectors"]
    if "dependencies" in inputs:
        found.append("inputs: 'dependencies' is not supported for custom credentials")
    ids = []
    for field in inputs.get("fields", []):
        kind = field.get("type", "string")
        if field["id"] == "tower":
            found.append("field id 'tower' is reserved")
        if field["id"] in ids:
            found.append("field ids must be unique (%s)" % field["id"])
        ids.append(field["id"])
        if "default" in field and not isinstance(field["default"], {"string": str, "boolean": bool}[kind]):
            found.append("%s: default %r is not a %s" % (field["id"], field["default"], kind))
        for key in ("choices", "multiline", "format", "secret"):
            if key in field and kind != "string":
                found.append("%s: %s not allowed for %s type" % (field["id"], key, kind))
        if "choices" in field and "default" in field and field["default"] not in field["choices"]:
            found.append("%s: default %r is not one of the choices" % (field["id"], field["default"]))
    for name in inputs.get("required", []):
        if name not in ids:
            found.append("required names an undeclared field: %s" % name)
    for name in injectors.get("env", {}):
        if name.startswith("ANSIBLE_") or name in ENV_BLOCKLIST:
            found.append("env %s is not allowed in credentials" % name)
    namespace = dict((i, "EXAMPLE") for i in ids)
    namespace["tower"] = tower = _Tower()
    files = list(injectors.get("file", {}))
    if "template" in files:
        if len(files) > 1:
            found.append("file: one 'template' and 'template.<name>' cannot be mixed")
        tower.filename = "EXAMPLE_FILENAME"
    else:
        for name in files:
            setattr(tower.filename, name.split(".", 1)[1], "EXAMPLE_FILENAME")
    env = ImmutableSandboxedEnvironment(undefined=StrictUndefined)
    for section, templates in injectors.items():
        for key, template in templates.items():
            try:
                env.from_string(template).render(namespace)
            except (UndefinedError, SecurityError, TemplateSyntaxError) as exc:
                found.append("%s.%s: %s" % (section, key, exc))
    return found


def render(ctype, inputs):
    """The env, extra vars and file contents AWX gives a job for a credential with these inputs (AWX renders
    the injectors in a sandbox with non-strict undefined; an unset field renders empty)."""
    env = ImmutableSandboxedEnvironment()
    namespace = dict(inputs)
    for field in ctype["inputs"]["fields"]:
        if field.get("type") == "boolean":
            namespace.setdefault(field["id"], False)
    namespace["tower"] = {"filename": "/runner/env/tmpfile"}
    injectors = ctype["injectors"]
    files = dict((k, env.from_string(v).render(namespace)) for k, v in injectors.get("file", {}).items())
    out = {}
    for section in ("env", "extra_vars"):
        out[section] = dict((k, env.from_string(v).render(namespace)) for k, v in injectors.get(section, {}).items())
    out["file"] = files
    return out


def load(name):
    with open(os.path.join(TYPES_DIR, name), encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def read_tree(*patterns):
    text = ""
    for pattern in patterns:
        for path in glob.glob(os.path.join(ROOT, pattern), recursive=True):
            with open(path, encoding="utf-8") as handle:
                text += handle.read()
    return text


TYPES = sorted(os.path.basename(p) for p in glob.glob(os.path.join(TYPES_DIR, "*.yml")))


def test_both_credential_types_are_there():
    assert TYPES == ["adobe_ims.yml", "aem_author.yml"]


@pytest.mark.parametrize("name", TYPES)
def test_credential_type_loads_in_awx_format(name):
    assert problems(load(name)) == []


@pytest.mark.parametrize("name", TYPES)
def test_secrets_are_secret_fields(name):
    fields = load(name)["inputs"]["fields"]
    secret = sorted(f["id"] for f in fields if f.get("secret"))
    assert secret == {"aem_author.yml": ["password"], "adobe_ims.yml": ["client_secret", "private_key"]}[name]


@pytest.mark.parametrize("name", TYPES)
def test_injected_extra_vars_are_read_by_the_collection(name):
    """Every injected extra var is a variable the playbooks or roles read."""
    content = read_tree("playbooks/*.yml", "roles/*/tasks/*.yml", "roles/*/defaults/*.yml")
    for var in load(name)["injectors"]["extra_vars"]:
        assert re.search(r"\b%s\b" % var, content), "%s: extra var %s is read nowhere" % (name, var)


@pytest.mark.parametrize("name", TYPES)
def test_injected_env_are_module_fallbacks(name):
    """Every injected environment variable is an option fallback of the modules (env_fallback, [NAME])."""
    fallbacks = set(re.findall(r"env_fallback, \[\"([A-Z_]+)\"\]", read_tree("plugins/module_utils/*.py")))
    assert set(load(name)["injectors"]["env"]) <= fallbacks


def test_aem_author_injection():
    ctype = load("aem_author.yml")
    plain = render(ctype, {"url": "https://author1.example.com", "username": "svc-bp", "password": "s3cret"})
    assert plain["extra_vars"] == {"aem_username": "svc-bp", "aem_password": "s3cret", "aem_ca_path": ""}
    assert plain["env"]["AEM_URL"] == "https://author1.example.com" and plain["env"]["AEM_CA_PATH"] == ""
    # a fleet keeps aem_url per host: the credential must not override it
    assert "aem_url" not in ctype["injectors"]["extra_vars"]
    pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
    with_ca = render(ctype, {"username": "u", "password": "p", "ca_cert": pem})
    assert with_ca["file"] == {"template": pem}
    assert with_ca["extra_vars"]["aem_ca_path"] == with_ca["env"]["AEM_CA_PATH"] == "/runner/env/tmpfile"


def test_adobe_ims_injection():
    ctype = load("adobe_ims.yml")
    out = render(ctype, {"client_id": "cid", "client_secret": "cs", "org_id": "O@AdobeOrg",
                         "scopes": "openid,AdobeID"})
    assert out["extra_vars"]["bp_credential_type"] == "oauth"
    assert out["extra_vars"]["ims_url"] == out["env"]["ADOBE_IMS_URL"] == "https://ims-na1.adobelogin.com"
    assert out["extra_vars"]["bp_scopes"] == "openid,AdobeID" and out["extra_vars"]["bp_private_key"] == ""
    assert out["env"]["ADOBE_IMS_CLIENT_SECRET"] == "cs"
    jwt = render(ctype, {"credential_type": "jwt", "client_id": "c", "client_secret": "s", "org_id": "o",
                         "technical_account_id": "T@techacct.adobe.com", "ims_url": "https://ims.test"})
    assert jwt["extra_vars"]["bp_credential_type"] == "jwt"
    assert jwt["extra_vars"]["bp_technical_account_id"] == "T@techacct.adobe.com"
    assert jwt["extra_vars"]["ims_url"] == "https://ims.test"


@pytest.mark.parametrize("breakage, expected", [
    (lambda t: t["injectors"]["extra_vars"].update(aem_x="{{ not_a_field }}"), "undefined"),
    (lambda t: t["injectors"]["env"].update(ANSIBLE_CONFIG="{{ username }}"), "not allowed"),
    (lambda t: t["injectors"]["env"].update(PATH="{{ username }}"), "not allowed"),
    (lambda t: t["inputs"]["fields"].append({"id": "flag", "label": "Flag", "type": "boolean", "secret": True}),
     "secret not allowed for boolean"),
    (lambda t: t["inputs"]["fields"].append({"id": "tower", "label": "T"}), "reserved"),
    (lambda t: t["inputs"]["fields"].append({"id": "username", "label": "Again"}), "unique"),
    (lambda t: t["inputs"]["fields"].append({"id": "n", "label": "N", "type": "integer"}), "is not one of"),
    (lambda t: t["inputs"]["fields"].append({"id": "1st", "label": "First"}), "does not match"),
    (lambda t: t["inputs"]["required"].append("nope"), "undeclared"),
    (lambda t: t["injectors"].update(files={}), "Additional properties"),
    (lambda t: t["injectors"]["file"].update({"template.key": "{{ password }}"}), "cannot be mixed"),
    (lambda t: t["injectors"].pop("file"), "tower.filename without a file injector"),
    (lambda t: t["inputs"]["fields"][0].update(default=True), "is not a string"),
])
def test_checker_refuses_what_awx_refuses(breakage, expected):
    ctype = copy.deepcopy(load("aem_author.yml"))
    breakage(ctype)
    found = problems(ctype)
    assert any(expected in p for p in found), found
