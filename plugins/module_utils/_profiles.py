# -*- coding: utf-8 -*-
# Copyright: (c) 2026, aemtools contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE to the aemtools.brand_portal collection: no API stability is promised to other
# collections.
"""Which Brand Portal model, paths, property names and agent names apply to which AEM version.

This is the ONE table of version-specific facts.  Entries marked ``INFERRED`` are the best reading of
public evidence, not observed on a real instance (AEM facts §6-§7, §11 and IMS facts §4.6 give the reasons);
a capture from a real author corrects them here and nowhere else.  :data:`INFERRED` lists them for ``aem_info``
and the documentation.

Each fact's ``source`` cites "AEM facts §N" / "IMS facts §N": a section of the collection's docs page "How AEM
and Adobe IMS answer" (``docs/docsite/rst/aem_facts.rst``), which states the fact and names its public source.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from ansible_collections.aemtools.brand_portal.plugins.module_utils._errors import (
    AemCloudServiceError,
    AemNotFoundError,
    AemUnexpectedResponseError,
)

VERIFIED = "verified"
INFERRED_MARK = "inferred"


class Fact(object):
    """A value with its provenance, so that docs and ``aem_info`` can say which values are guesses."""

    def __init__(self, value, status, source):
        self.value = value
        self.status = status
        self.source = source


# -- facts shared by every version -------------------------------------------------------------

FACTS = {
    "agents_root": Fact("/etc/replication/agents.author", VERIFIED, "AEM facts §6.4"),
    "agent_name_prefix": Fact("mp_replication", VERIFIED, "AEM facts §6.4 (names start with mp_replication)"),
    "agent_names": Fact(("mp_replication", "mp_replication_1", "mp_replication_2", "mp_replication_3"),
                        INFERRED_MARK, "AEM facts §6.4: four agents; the suffix format is unknown"),
    "agent_transport_rule": Fact("transportUri starts with <tenant URL>/", VERIFIED, "AEM facts §6.2 (ACS-BP)"),
    "close_connection_property": Fact("protocolHTTPConnectionClosed", INFERRED_MARK,
                                      "AEM facts §5.1: the Extended tab's Close Connection box"),
    "mac_users_root": Fact("/home/users/mac", VERIFIED, "AEM facts §6.4"),
    "mac_user_id": Fact("mac-{tenant}-replication", VERIFIED, "AEM facts §6.4 (BP-TROUBLE)"),
    "mac_key_alias": Fact("brandportal", INFERRED_MARK,
                          "AEM facts §6.4: the MAC user holds the key pair of the 6.3/6.4 integration; its alias "
                          "is not documented"),
    "legacy_cloudservice_root": Fact("/etc/cloudservices/mediaportal", VERIFIED, "AEM facts §6.2"),
    "legacy_client_id_property": Fact("clientId", INFERRED_MARK,
                                      "AEM facts §6.2: the legacy (OAuth Gateway) dialog has a Client ID field; "
                                      "the property name is not verified"),
    "ims_cloudservice_root": Fact("/conf/global/settings/cloudconfigs/mediaportal", INFERRED_MARK,
                                  "AEM facts §6.3: verified for AEMaaCS, strongly inferred for 6.5"),
    "cloudservice_servlet": Fact("/apps/brandportal/config", VERIFIED, "AEM facts §6.3 (DEMO-UTILS)"),
    "cloudservice_resource_type": Fact("dam/components/mediaportal/config", VERIFIED, "AEM facts §6.3"),
    "classic_credential_properties": Fact(
        {"tenant_url": "tenantURL", "authorization_server": "authServerUrl", "api_key": "apiKey",
         "technical_account_id": "techAccountId", "org_id": "orgId", "client_secret": "clientSecret"},
        INFERRED_MARK, "AEM facts §6.2: only tenantURL is verified; the others mirror the 6.5 IMS servlet"),
    "certificate_download_classic": Fact("/etc/cloudservices/mediaportal/{name}.crt", INFERRED_MARK,
                                         "AEM facts §6.2: the legacy dialog's 'Download Public Key' button; "
                                         "its URL is not verified"),
    "ims_servlet_base": Fact("/libs/cq/adobeims-configuration/content/imsconfigurations", INFERRED_MARK,
                             "AEM facts §7.1, §11: resource types verified, their URL is not"),
    "ims_keystore_user": Fact("brandportal-imsconfig-service", VERIFIED, "AEM facts §7.3"),
    "ims_provider_factory": Fact("com.adobe.granite.auth.oauth.accesstoken.provider", VERIFIED, "AEM facts §7.2"),
    "ims_customizer_factory": Fact("com.adobe.granite.auth.ims.impl.IMSAccessTokenRequestCustomizerImpl", VERIFIED,
                                   "AEM facts §7.2"),
    "certificate_file_name": Fact("AEM-Adobe-IMS.crt", VERIFIED, "AEM facts §7.1"),
    "ims_certificate_servlet": Fact("/certificate", INFERRED_MARK,
                                    "AEM facts §7.1, §7.3, §11: the UI's 'Create certificate' and 'Download Public "
                                    "Key' exist, their HTTP endpoint does not appear in any source; taken as "
                                    "<ims_servlet_base>/certificate, POST alias=<a> generates the key pair in the "
                                    "ims_keystore_user keystore and answers the PEM, GET ?alias=<a> downloads it"),
    "ims_health_servlet": Fact("/health", INFERRED_MARK,
                               "AEM facts §7.1: 'Check Health' answers 'Token is retrieved successfully'; "
                               "taken as GET <ims_servlet_base>/health?configurationId=<PID> answering JSON "
                               "{ok, message}"),
    "ims_provider_name": Fact("{uuid}", INFERRED_MARK,
                              "AEM facts §7.1, §7.2: the provider's 'name' is the accessTokenConfigId cloud "
                              "services reference as imsConfig; how AEM generates it is not in a source, so a new "
                              "configuration gets a random UUID (hex)"),
    "ims_customizer_type": Fact("adobe-ims-{name}", INFERRED_MARK,
                                "AEM facts §7.2: provider token.request.customizer.type = customizer "
                                "customizer.type is INFERRED there; the value format follows AEM65-OAUTH's "
                                "'adobe-ims-similaritysearch'; auth.token.validator.type gets the same value"),
    "ims_jwt_token_request": Fact("{scheme}://%s/ims/exchange/jwt", INFERRED_MARK,
                                  "AEM facts §7.2 'typical values of a JWT configuration' and IMS facts §6"),
    "ims_oauth_token_request": Fact("{server}/ims/token/v3", VERIFIED,
                                    "IMS facts §4.6 and AEM facts §7.2 (AEM65-OAUTH): "
                                    "auth.access.token.request=https://ims-na1.adobelogin.com/ims/token/v3"),
    "oauth_hotfix_package": Fact("/etc/packages/adobe/cq650/hotfix/ims-jwt-compatibility-package-6.5-1.0.zip",
                                 INFERRED_MARK,
                                 "IMS facts §4.6: the package ims-jwt-compatibility-package-6.5-1.0.zip and its "
                                 "Software Distribution folder .../cq650/hotfix/ are verified; that Package Manager "
                                 "keeps it installed at /etc/packages/<that group>/<file>, with "
                                 "jcr:content/vlt:definition lastUnpacked once installed, is not"),
    # -- backup and restore (aem_bp_backup, aem_bp_restore) --
    "keystore_file": Fact("{user}/keystore/store.p12", VERIFIED,
                          "AEM facts §8: a user's keystore downloads as GET /<userPath>/keystore/store.p12"),
    "restore_binary_upload": Fact("multipart Sling POST of the file to its folder", INFERRED_MARK,
                                  "AEM facts §1.1, §1.2: Sling stores a file upload as nt:file; that AEM's keystore "
                                  "service reads a store.p12 put back so, with the keystore password it had (same "
                                  "instance), is not verified"),
    "restore_order": Fact(("cloudservices", "ims_configs", "agents", "mac_users"), INFERRED_MARK,
                          "AEM facts §6.2, §6.3 VERIFIED that saving a cloud service makes AEM create the MAC user "
                          "and the four agents; that a Sling POST of the cloud service node (not the dialog) does the "
                          "same is inferred, so the cloud services are put back first and what AEM generated is then "
                          "overwritten from the backup"),
    "protected_properties": Fact(("rep:*",), INFERRED_MARK,
                                 "Oak protects the rep:* items of users (rep:authorizableId, rep:principalName, "
                                 "rep:password) and access control (rep:policy): a restore writes them only in a node it "
                                 "imports, never compares them, and AEM keeps its own (not among the AEM facts)"),
    # -- AEM as a Cloud Service: recognised, never configured (Adobe's "Configure Experience Manager Assets with Brand
    # Portal": Brand Portal is activated from Cloud Manager there); none of these is among the AEM facts, each names
    # its public source --
    "cloud_service_release": Fact(r"^(20\d\d)\.(\d{1,2})\.(\d+)(?:\.(\d{8}T\d{6}Z))?(?:-\d+)?$", VERIFIED,
                                  "an AEM as a Cloud Service (SDK) product information names the release as "
                                  "'Adobe Experience Manager (2025.11.23482.20251120T200914Z)': year.month.build."
                                  "timestamp (Netcentric/aem-classification, aem-classification-maven-plugin "
                                  "src/test/resources/productinfo.txt); the SDK API names it with a '-<yymm00>' "
                                  "suffix, 2024.6.16971.20240628T122619Z-240600 (wcm-io/io.wcm.maven.parent "
                                  "src/site/markdown/aem-dependencies.md)"),
    "cloud_service_host_suffix": Fact(".adobeaemcloud.com", VERIFIED,
                                      "Adobe's AEM as a Cloud Service documentation names every author "
                                      "https://author-p<program>-e<environment>.adobeaemcloud.com"),
    "cloud_service_web_console": Fact("absent", VERIFIED,
                                      "Adobe 'Notable Changes to AEM as a Cloud Service' (release-notes/"
                                      "aem-cloud-changes): the Web Console is not available in AEM Cloud Service "
                                      "(the local SDK quickstart has it: Adobe 'Debugging AEM SDK using the OSGi web "
                                      "console'); that its URLs answer 404 there is not verified"),
}

# The Adobe I/O (IMS configuration) integration exists from these releases on (AEM facts §6.1).
IMS_CONFIGURATION_FROM = {"6.3": (6, 3, 3, 8), "6.4": (6, 4, 8, 0), "6.5": (6, 5, 4, 0)}
# OAuth Server-to-Server is native from 6.5.21.0, and comes with a hotfix on 6.5.11-6.5.20 (IMS facts §4.6).
OAUTH_NATIVE_FROM = (6, 5, 21, 0)
OAUTH_HOTFIX_FROM = (6, 5, 11, 0)


class AemVersion(object):
    """An AEM release such as 6.5.21.0 (line 6.5, service pack 21)."""

    _PATTERN = re.compile(r"^(\d+)\.(\d+)(?:\.(\d+))?(?:\.(\d+))?")

    def __init__(self, text):
        match = self._PATTERN.match((text or "").strip())
        if not match:
            raise ValueError("not an AEM version: %r" % text)
        self.parts = tuple(int(p or 0) for p in match.groups())
        self.text = ".".join(str(p) for p in self.parts)

    @property
    def line(self):
        return "%d.%d" % self.parts[:2]

    @property
    def service_pack(self):
        return self.parts[2]

    def at_least(self, parts):
        return self.parts >= tuple(parts)

    def __str__(self):
        return self.text


_PRODUCT_LINE = re.compile(r"Adobe Experience Manager\s*\(([^()\s]+)\)")
_CLOUD_RELEASE = re.compile(FACTS["cloud_service_release"].value)
PRODUCT_INFO_PATH = "/system/console/status-productinfo.json"


def is_cloud_service_release(text):
    """Whether ``text`` is an AEM as a Cloud Service release (2025.11.23482.20251120T200914Z), not a 6.x version."""
    return bool(_CLOUD_RELEASE.match((text or "").strip()))


def cloud_service_error(release=None, host=None, path=PRODUCT_INFO_PATH):
    """The one error every module and role stops with on AEM as a Cloud Service (raised before any write)."""
    if release:
        return AemCloudServiceError("the author is AEM as a Cloud Service (release %s), not AEM 6.x" % release,
                                    release=release, method="GET", path=path, attempted="read the AEM version")
    return AemCloudServiceError("%s is an AEM as a Cloud Service host (*%s), not AEM 6.x; no request was sent"
                                % (host, FACTS["cloud_service_host_suffix"].value))


def version_from_product_info(lines, path=PRODUCT_INFO_PATH):
    """The AEM version named in the product-info lines (AEM facts §9.2); :class:`AemCloudServiceError` when
    they name an AEM as a Cloud Service release."""
    for line in lines or []:
        match = _PRODUCT_LINE.search(str(line))
        if not match:
            continue
        text = match.group(1)
        if is_cloud_service_release(text):
            raise cloud_service_error(release=text, path=path)
        try:
            return AemVersion(text)
        except ValueError:
            continue
    raise AemUnexpectedResponseError("the product information names no 'Adobe Experience Manager (x.y.z)' line",
                                     method="GET", path=path, attempted="read the AEM version")


def cloud_service_host(url):
    """The host of ``url`` when it is an AEM as a Cloud Service host, else None (decided without a request: there
    the Web Console, and with it the product information, is not available)."""
    host = (urlsplit(url or "").hostname or "").lower()
    return host if host.endswith(FACTS["cloud_service_host_suffix"].value) else None


def read_version(client):
    """The version of the AEM ``client`` talks to, from its product information; :class:`AemCloudServiceError`
    for AEM as a Cloud Service (by its host name before any request, or by the release its product info names)."""
    host = cloud_service_host(getattr(client, "base_url", None))
    if host:
        raise cloud_service_error(host=host)
    try:
        lines = client.get_json(PRODUCT_INFO_PATH, "read the AEM version")
    except AemNotFoundError as error:
        # AEM as a Cloud Service has no Web Console; nor has an AEM 6.x author whose proxy blocks /system/console.
        error.hint = ("AEM 6.x answers the product information on its Web Console: if the url passes a proxy or "
                      "dispatcher, let /system/console through. If this is AEM as a Cloud Service, which has no Web "
                      "Console: Brand Portal is activated there from Cloud Manager, not configured on the author (see %s)."
                      % AemCloudServiceError.doc_url)
        raise
    return version_from_product_info(lines, PRODUCT_INFO_PATH)


def read_profile(client):
    """The :class:`Profile` of the author ``client`` talks to: the one place that recognises AEM as a Cloud Service
    (:class:`AemCloudServiceError`), so that every module and role reading it stops before its first write."""
    return Profile(read_version(client))


class Profile(object):
    """What the collection does on one AEM version."""

    def __init__(self, version):
        self.version = version
        line = version.line
        if line not in ("6.3", "6.4", "6.5"):
            self.supported = False
        else:
            self.supported = True
        # 6.3 and 6.4 keep the credentials on the cloud service; 6.5 in an IMS configuration.
        self.model = "ims" if line == "6.5" else "cloudservice"
        self.cloudservice_root = (FACTS["ims_cloudservice_root"].value if self.model == "ims"
                                  else FACTS["legacy_cloudservice_root"].value)
        ims_from = IMS_CONFIGURATION_FROM.get(line)
        self.ims_configuration = bool(ims_from) and version.at_least(ims_from)
        if version.at_least(OAUTH_NATIVE_FROM):
            self.oauth = "native"
        elif line == "6.5" and version.at_least(OAUTH_HOTFIX_FROM):
            self.oauth = "hotfix"
        else:
            self.oauth = "unavailable"
        # New JWT IMS configurations cannot be created once OAuth is native (IMS facts §4.6).
        self.jwt_configurable = self.oauth != "native"

    @property
    def credential_types(self):
        types = []
        if self.jwt_configurable:
            types.append("jwt")
        if self.oauth != "unavailable":
            types.append("oauth")
        return types

    def as_dict(self):
        return {
            "supported": self.supported,
            "model": self.model,
            "cloudservice_root": self.cloudservice_root,
            "ims_configuration": self.ims_configuration,
            "oauth": self.oauth,
            "jwt_configurable": self.jwt_configurable,
            "credential_types": self.credential_types,
            "agents_root": FACTS["agents_root"].value,
            "agent_names": list(FACTS["agent_names"].value),
            "inferred": sorted(INFERRED),
        }


def fact(name):
    return FACTS[name].value


INFERRED = dict((name, f.source) for name, f in FACTS.items() if f.status == INFERRED_MARK)
