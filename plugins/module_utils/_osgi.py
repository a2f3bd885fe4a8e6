# -*- coding: utf-8 -*-
# Copyright: (c) 2026, aemtools contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE to the aemtools.brand_portal collection: no API stability is promised to other
# collections.
"""OSGi configurations through the Felix configuration manager (configMgr) of the AEM web console: read one, list
a factory's instances, create, update and delete - for any configuration. ``_ims_config.py`` builds Adobe IMS
configurations on it.

configMgr semantics (AEM facts §9.1, VERIFIED) that shape this client:

* ``<pid>.json`` answers an array, ``[]`` when the PID has no configuration;
* an update must name EVERY property in ``propertylist``: the ones not named are removed, so the
  properties this client does not manage are read and sent back unchanged;
* Password properties read as ``unmodified``, and sending ``unmodified`` keeps the stored value:
  the client secret can never be compared, only written (policy ``on_create`` | ``always``);
* a factory instance is created at ``[Temporary PID replaced by real PID upon save]`` and the
  302 ``Location`` names the new PID; ``apply=1&delete=1`` deletes.

"AEM facts §N" cites a section of the collection's docs page "How AEM and Adobe IMS answer"
(``docs/docsite/rst/aem_facts.rst``).
"""

from __future__ import annotations

import json
import re
from urllib.parse import unquote

from ansible_collections.aemtools.brand_portal.plugins.module_utils._errors import (
    AemServerError,
    AemUnexpectedResponseError,
    AemUnreachableError,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._http import RETRY_STATUSES

# -- configMgr (AEM facts §9.1, VERIFIED) -----------------------------------------------------------

CONFIG_MGR = "/system/console/configMgr"
TEMP_PID = "[Temporary PID replaced by real PID upon save]"
PASSWORD_MASK = "unmodified"
PASSWORD_TYPE = 12
RESERVED_NAMES = ("action", "apply", "delete", "propertylist")
_CONFIG_DATA = re.compile(r"\bconfigData\s*=\s*")


# ==================================================================================================
# The client
# ==================================================================================================

class OsgiConfig(object):
    """One configuration as configMgr shows it: the properties that are SET, and every property's type."""

    def __init__(self, pid, factory_pid=None, properties=None, types=None, bundle_location=None):
        self.pid = pid
        self.factory_pid = factory_pid
        self.properties = dict(properties or {})
        self.types = dict(types or {})
        self.bundle_location = bundle_location

    @classmethod
    def from_console(cls, obj):
        """From one configMgr JSON object; unset properties (``is_set: false``, shown with their
        default) and empty passwords are left out."""
        props, types = {}, {}
        for name, entry in (obj.get("properties") or {}).items():
            if not isinstance(entry, dict):
                continue
            types[name] = entry.get("type")
            if entry.get("is_set") is False:
                continue
            if "values" in entry:
                value = list(entry.get("values") or [])
            elif "value" in entry:
                value = entry.get("value")
            else:
                continue
            if types[name] == PASSWORD_TYPE and value in (None, ""):
                continue
            props[name] = value
        return cls(obj.get("pid"), obj.get("factoryPid"), props, types, obj.get("bundle_location"))

    def is_password(self, name):
        return self.types.get(name) == PASSWORD_TYPE


def config_path(pid):
    return "%s/%s" % (CONFIG_MGR, pid)


def _json_body(client, response, attempted):
    try:
        return response.json()
    except ValueError:
        raise AemUnexpectedResponseError("the answer is not JSON", **client.error_kwargs(response, attempted))


def read_config(client, pid):
    """The configuration of ``pid``, or None when it has none (configMgr answers ``[]``)."""
    attempted = "read OSGi configuration %s" % pid
    response = client.get(config_path(pid) + ".json", attempted)
    data = _json_body(client, response, attempted)
    if isinstance(data, list):
        if not data:
            return None
        data = data[0]
    if not isinstance(data, dict) or not isinstance(data.get("properties", {}), dict):
        raise AemUnexpectedResponseError("the answer is not a configMgr configuration object",
                                         **client.error_kwargs(response, attempted))
    config = OsgiConfig.from_console(data)
    config.pid = config.pid or pid
    return config


def parse_config_data(html):
    """The ``configData = {...};`` object of the configMgr HTML page (AEM facts §9.1)."""
    match = _CONFIG_DATA.search(html or "")
    if not match:
        raise ValueError("no configData in the page")
    data, _end = json.JSONDecoder().raw_decode(html, match.end())
    if not isinstance(data, dict):
        raise ValueError("configData is not an object")
    return data


def list_factory_instances(client, factory_pid):
    """PIDs of the configurations of ``factory_pid``, from the configMgr page's configData."""
    attempted = "list the configurations of %s" % factory_pid
    response = client.get(CONFIG_MGR, attempted)
    try:
        data = parse_config_data(response.text)
    except ValueError as exc:
        raise AemUnexpectedResponseError("the configMgr page has no readable configData (%s)" % exc,
                                         **client.error_kwargs(response, attempted))
    return sorted(str(entry.get("id")) for entry in data.get("pids") or []
                  if isinstance(entry, dict) and entry.get("fpid") == factory_pid and entry.get("id"))


def text(value):
    """A configuration value as configMgr's form and its JSON show it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def config_form(properties, location=None, factory_pid=None):
    """configMgr form fields that leave the configuration holding exactly ``properties``.

    ``propertylist`` names every property (those not named are removed, AEM facts §9.1); lists repeat their
    field; names that collide with the form's own fields are sent as ``$name``.
    """
    fields = [("apply", "true"), ("action", "ajaxConfigManager")]
    if factory_pid:
        fields.append(("factoryPid", factory_pid))
    if location:
        fields.append(("$location", location))
    names = sorted(properties)
    fields.append(("propertylist", ",".join(names)))
    for name in names:
        field = "$" + name if name in RESERVED_NAMES else name
        value = properties[name]
        for item in (value if isinstance(value, (list, tuple)) else [value]):
            fields.append((field, text(item)))
    return fields


def _header(response, name):
    for key, value in (response.headers or {}).items():
        if key.lower() == name.lower():
            return value
    return None


def update_config(client, pid, properties, location=None):
    """Replace the configuration of ``pid`` by ``properties`` (the FULL list)."""
    client.post(config_path(pid), "update OSGi configuration %s" % pid, data=config_form(properties, location),
                expected=(200, 302), idempotent=True)


def create_factory_config(client, factory_pid, properties, key=None):
    """Create a configuration of ``factory_pid``; returns the PID AEM generated (302 ``Location``).

    Each POST creates one more configuration, so it is not simply repeated.  With ``key``, the name of a
    property whose value no other configuration of the factory holds (a generated name), a transient failure
    (no answer, 502/503/504) is followed by a look at the factory's configurations: one holding that value was
    created by the request whose answer was lost and is taken; only when there is none is the POST sent again,
    up to ``retries`` times.
    """
    attempted = "create an OSGi configuration of %s" % factory_pid
    retries = 0
    while True:
        failure = None
        try:
            response = client.post(config_path(TEMP_PID), attempted,
                                   data=config_form(properties, factory_pid=factory_pid), expected=(200, 302))
            break
        except (AemUnreachableError, AemServerError) as exc:
            transient = isinstance(exc, AemUnreachableError) or exc.status in RETRY_STATUSES
            if key is None or not transient or retries >= client.retries:
                exc.retries = retries or exc.retries
                raise
            failure = exc
        # looked up outside the except clause, so that a failure of the lookup does not carry this one as its cause
        created = find_factory_instance(client, factory_pid, key, properties[key])
        if created is not None:
            client.writes.append("POST %s" % config_path(TEMP_PID))
            return created
        retries += 1
        delay = client.backoff(retries)
        client.warn("POST %s: %s; no configuration of %s holds %s=%s, so none was created: retry %d of %d in "
                    "%.1f s" % (config_path(TEMP_PID), failure.message, factory_pid, key, properties[key], retries,
                                client.retries, delay))
        client.sleep(delay)
    location = _header(response, "Location") or ""
    pid = unquote(location.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1])
    if pid.endswith(".json"):
        pid = pid[:-5]
    if not pid.startswith(factory_pid + "."):
        raise AemUnexpectedResponseError("no Location naming the new configuration (%s.<id>) in the answer"
                                         % factory_pid, **client.error_kwargs(response, attempted))
    return pid


def find_factory_instance(client, factory_pid, key, value):
    """The PID of the configuration of ``factory_pid`` whose property ``key`` holds ``value``, or None."""
    for pid in list_factory_instances(client, factory_pid):
        config = read_config(client, pid)
        if config is not None and text(config.properties.get(key)) == text(value):
            return pid
    return None


def delete_config(client, pid):
    client.post(config_path(pid), "delete OSGi configuration %s" % pid, data=[("apply", "1"), ("delete", "1")],
                expected=(200,), idempotent=True)
