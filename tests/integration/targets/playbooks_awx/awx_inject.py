"""Inject credentials the way AWX does for a job: render a custom credential type's injectors (Jinja2 sandbox,
an unset field renders empty, a boolean field defaults to false) with a credential's inputs; write the file
injector's content to a private file (tower.filename), the extra vars to a JSON file for -e @file, and the
environment as a shell file to source.

    awx_inject.py WORKDIR NAME CREDENTIAL_TYPE.yml INPUTS.json
writes WORKDIR/NAME.extra_vars.json, WORKDIR/NAME.env (export lines) and WORKDIR/NAME.file when a file is injected.
"""
import json
import os
import shlex
import sys

import yaml
from jinja2.sandbox import ImmutableSandboxedEnvironment

work, name, type_path, inputs_path = sys.argv[1:5]
with open(type_path, encoding="utf-8") as handle:
    ctype = yaml.safe_load(handle)
with open(inputs_path, encoding="utf-8") as handle:
    namespace = json.load(handle)
declared = [f["id"] for f in ctype["inputs"]["fields"]]
unknown = sorted(set(namespace) - set(declared))
if unknown:
    sys.exit("inputs not declared by %s: %s" % (type_path, ", ".join(unknown)))
missing = [f for f in ctype["inputs"].get("required", []) if not namespace.get(f)]
if missing:
    sys.exit("required inputs missing: %s" % ", ".join(missing))
for field in ctype["inputs"]["fields"]:
    if field.get("type") == "boolean":
        namespace.setdefault(field["id"], False)
env = ImmutableSandboxedEnvironment()
injectors = ctype["injectors"]
filename = None
for label, template in injectors.get("file", {}).items():
    filename = os.path.join(work, name + ".file")
    with open(filename, "w", encoding="utf-8") as handle:
        handle.write(env.from_string(template).render(**namespace))
    os.chmod(filename, 0o600)
namespace["tower"] = {"filename": filename}
extra_vars = dict((k, env.from_string(v).render(**namespace)) for k, v in injectors.get("extra_vars", {}).items())
with open(os.path.join(work, name + ".extra_vars.json"), "w", encoding="utf-8") as handle:
    json.dump(extra_vars, handle)
with open(os.path.join(work, name + ".env"), "w", encoding="utf-8") as handle:
    for key, template in injectors.get("env", {}).items():
        handle.write("export %s=%s\n" % (key, shlex.quote(env.from_string(template).render(**namespace))))
