#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, aemtools contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: aem_brand_portal
short_description: Brand Portal on one AEM author as one desired state - configure it, or compare it (gathered)
version_added: 0.3.0
description:
  - Adobe's procedure "Configure new integration" for the AEM version found, as one task per author. On AEM 6.5 the
    Adobe IMS configuration holds the credential (and, with JWT, the key pair) and the Brand Portal cloud service
    references it; on 6.3 and 6.4 the cloud service holds the credential and AEM or O(private_key) gives the key pair.
    Then Close Connection on the tenant's four replication agents, then Test Connection (O(test_connection)).
  - "Reads once, plans once, writes the minimum: the product information, the configMgr listing and the IMS
    configuration, the cloud service and the agents' subtree are each read once (a no-change run of AEM 6.5 with
    OAuth makes 6 GETs and no write); only what differs is written, and only what was written is read back."
  - O(state=gathered) compares without writing (a dry run whatever the check mode) and returns RV(in_sync) and
    RV(drift) - the audit of the role aemtools.brand_portal.brand_portal_configure uses it with the same inputs as the
    configuration, so the two cannot drift apart.
  - Before it writes a credential into AEM, the module asks Adobe IMS for a token with it (O(validate_credentials)) -
    OAuth Server-to-Server always, JWT when the key pair is brought (O(private_key)). A refusal stops the task before
    any write. Nothing is asked from IMS when the credential is already in AEM as desired.
  - Returns the steps it took (RV(steps)) - certificate, IMS configuration, cloud service, each agent, Test Connection
    - with their status and, for what changed, before and after (secrets redacted).
  - Runs in the controller's worker process as an action plugin when the task runs on the controller
    (C(connection=local), or delegated to C(localhost)), which saves starting a module process for every author; the
    module itself runs wherever the task is delegated otherwise. The results are the same.
author:
  - aemtools contributors (@aemtools)
extends_documentation_fragment:
  - aemtools.brand_portal.connection
  - aemtools.brand_portal.cloud_service
  - aemtools.brand_portal.attributes
  - aemtools.brand_portal.attributes.ACTION_GROUP
attributes:
  check_mode:
    support: full
    details:
      - Plans and reports without any write into AEM; IMS is still asked for a token when a credential would be
        written, since a real run would stop there. The public certificate file is not written either.
  diff_mode:
    support: full
    details:
      - One diff per step that changes (or would change), headed C(<step> <item>), with what differs before and
        after; secrets show as C(********).
options:
  state:
    description:
      - C(present) makes the author match; C(gathered) only compares (no write even without check mode) and returns
        RV(in_sync) and RV(drift).
    type: str
    choices: [present, gathered]
    default: present
  tenant_url:
    description: The Brand Portal tenant URL, for example C(https://acme.brand-portal.adobe.com).
    type: str
    required: true
  credential_type:
    description:
      - C(oauth) - OAuth Server-to-Server (AEM 6.5.21 and later; 6.5.11 to 6.5.20 with Adobe's hotfix).
      - C(jwt) - Service Account (JWT), the only credential of AEM 6.3 and 6.4.
    type: str
    choices: [oauth, jwt]
    default: oauth
  client_id:
    description:
      - Client ID (API key) of the credential in the Adobe Developer Console.
      - Empty or omitted on the first run of a JWT credential - the task then creates the key pair, writes the public
        certificate (O(certificate_path)) and returns RV(complete=false) with RV(missing_credentials).
    type: str
    aliases: [api_key]
  client_secret:
    description: Client secret of the credential. Keep it in Ansible Vault.
    type: str
  client_secret_update:
    description:
      - C(on_create) writes the client secret only when AEM holds none (AEM keeps it encrypted, so it cannot be
        compared), or when the credential changes - another O(client_id), or a switch of O(credential_type) (the JWT
        to OAuth migration), which write the O(client_secret) given. C(always) writes it on every run (a rotation;
        never a no-change run).
    type: str
    choices: [on_create, always]
    default: on_create
  org_id:
    description: Organization ID, C(...@AdobeOrg).
    type: str
  technical_account_id:
    description: Technical account ID, C(...@techacct.adobe.com). JWT only.
    type: str
  scopes:
    description: Scopes of the OAuth Server-to-Server credential, as the Developer Console lists them. OAuth only.
    type: list
    elements: str
  metascopes:
    description: Metascopes of the JWT credential. JWT only.
    type: list
    elements: str
    default: [ent_brand_portal_sdk]
  authorization_server:
    description: Base URL of Adobe IMS that AEM calls (the "Authorization Server" field).
    type: str
    default: https://ims-na1.adobelogin.com
  ims_config_title:
    description: Title of the Adobe IMS configuration (AEM 6.5), which identifies it.
    type: str
    default: Brand Portal
  keypair_alias:
    description: Alias of the key pair in the keystore of the IMS configuration service (AEM 6.5, JWT).
    type: str
    default: brandportal
  private_key:
    description:
      - Bring your own key pair (JWT) - the PEM RSA private key, with O(certificate). One certificate registered in
        the Developer Console then serves every author, and the credential is checked with IMS before it is written.
      - The audit (O(state=gathered)) compares the key pair AEM holds with it.
    type: str
  certificate:
    description: The PEM certificate of O(private_key).
    type: str
  certificate_path:
    description:
      - Where to write the public certificate of the JWT credential for the person who registers it in the Adobe
        Developer Console, on the machine the task runs on (the controller). A directory gets C(AEM-Adobe-IMS.crt).
        Written only when it differs. Not written in check mode.
    type: path
  cloudservice_name:
    description: Node name of the Brand Portal cloud service.
    type: str
    default: brand-portal
  cloudservice_title:
    description: Title of the cloud service.
    type: str
    default: Brand Portal
  close_connection:
    description: Set Close Connection on the tenant's four agents, as Adobe recommends.
    type: bool
    default: true
  test_connection:
    description:
      - When to run Test Connection on the tenant's four agents (each sends a test package to Brand Portal) and fail
        with each failing agent's reason.
      - C(on_change) - when this task wrote anything into AEM (a first run, a repaired drift, a new secret), so that a
        pipeline that re-runs on every merge sends nothing while nothing changed. C(always) - on every run. C(never).
      - Never in check mode. With O(state=gathered), only with O(health=true) and C(always) - the audit's opt-in - and
        a failing agent is then a problem in RV(problems) instead of a failed task.
    type: str
    choices: [always, on_change, never]
    default: on_change
  queues:
    description:
      - Also read the replication queue of each of the tenant's agents (one GET per agent) and return them in
        RV(queues) - how many items wait, whether the queue is blocked. The audit's report shows them.
    type: bool
    default: false
  health:
    description:
      - Also check whether Brand Portal on this author works, beyond matching its desired state, and report it in
        RV(health), RV(certificate_expiry), RV(queues), RV(problems), RV(healthy) and RV(expiring). Meant for
        O(state=gathered) (the audit); reads only.
      - Token - whether Adobe IMS issues a token with the credential AEM holds. On AEM 6.5 that is AEM's own Check
        Health of the Adobe IMS configuration (AEM asks IMS; one GET). On 6.3 and 6.4 the controller asks IMS with the
        task's credential, which it can do for JWT only with a brought key pair (O(private_key)); otherwise the token
        is reported as not checked, and Test Connection (O(test_connection=always)) is what tests the credential.
      - Queues - each agent's queue as with O(queues=true); blocked, paused, unavailable, or an oldest item that has
        waited longer than O(queue_max_age) is a problem.
      - Certificate - with a JWT credential (or a brought key pair on 6.3/6.4) the expiry of the certificate in AEM's
        keystore; fewer than O(certificate_warn_days) days left is an C(expiry) problem, an expired one also
        makes the author unhealthy.
      - Test Connection of the tenant's four agents only with O(test_connection=always), since each sends a test
        package to Brand Portal; nothing is written into AEM by any of these.
    type: bool
    default: false
  certificate_warn_days:
    description: With O(health=true), warn (an C(expiry) problem) when the certificate expires in fewer days.
    type: int
    default: 30
  queue_max_age:
    description:
      - With O(health=true), the longest an item may wait in an agent's queue, in seconds, before the queue counts as
        stuck. Measured with AEM's own clock (the queue's status time minus the item's time).
    type: int
    default: 900
  validate_credentials:
    description: Ask Adobe IMS for a token with the credential before it is written into AEM.
    type: bool
    default: true
  ims_url:
    description:
      - Adobe IMS as the controller reaches it, for O(validate_credentials).
      - Run as an action plugin, the module takes it from C(module_defaults) of C(group/aemtools.brand_portal.ims)
        when the task does not set it, so that a play gives the IMS connection once for every module.
    type: str
    default: https://ims-na1.adobelogin.com
  ims_retries:
    description:
      - How often a token request that failed transiently is repeated. As O(ims_url), taken from the C(retries) of
        C(group/aemtools.brand_portal.ims) when not set.
    type: int
    default: 3
notes:
  - The fine-grained modules (M(aemtools.brand_portal.aem_ims_config), M(aemtools.brand_portal.aem_bp_cloudservice),
    M(aemtools.brand_portal.aem_replication_agent), M(aemtools.brand_portal.aem_replication_agent_test)) do each step
    on its own; this module runs the same code for all of them in one task.
  - Why one task and an action plugin - measured with C(make bench), see C(tests/benchmark/README.md) - every module
    task costs a new Python process per author (about 0.4 s on a 2-core controller), which dominates a fleet run;
    an action plugin task costs a few milliseconds.
seealso:
  - module: aemtools.brand_portal.aem_bp_preflight
  - module: aemtools.brand_portal.aem_bp_info
"""

EXAMPLES = r"""
# The connection is set once for the play (module_defaults of group/aemtools.brand_portal.aem, and of
# group/aemtools.brand_portal.ims for the credential check), as playbooks/configure.yml does.
- name: Configure Brand Portal (AEM 6.5.21, OAuth Server-to-Server)
  aemtools.brand_portal.aem_brand_portal:
    tenant_url: https://acme.brand-portal.adobe.com
    client_id: "{{ bp_client_id }}"
    client_secret: "{{ bp_client_secret }}"
    org_id: 12345678ABCDEF0123456789@AdobeOrg
    scopes: [openid, AdobeID, read_organizations]
  register: bp

- name: Audit - does the author match? (writes nothing)
  aemtools.brand_portal.aem_brand_portal:
    state: gathered
    tenant_url: https://acme.brand-portal.adobe.com
    client_id: "{{ bp_client_id }}"
    client_secret: "{{ bp_client_secret }}"
    org_id: 12345678ABCDEF0123456789@AdobeOrg
    scopes: [openid, AdobeID, read_organizations]
    queues: true
  register: bp_audit

- name: Show what drifts
  ansible.builtin.debug:
    var: bp_audit.drift
  when: not bp_audit.in_sync

- name: JWT with the key pair AEM generates (AEM 6.3 to 6.5.20) - the first run creates it and writes its certificate
  aemtools.brand_portal.aem_brand_portal:
    tenant_url: https://acme.brand-portal.adobe.com
    credential_type: jwt
    certificate_path: "{{ playbook_dir }}/certificates/{{ inventory_hostname }}.crt"
  register: bp_first

- name: Say what is missing until the certificate is registered and the credential is set
  ansible.builtin.debug:
    msg: "Upload {{ bp_first.certificate_path }}, then set {{ bp_first.missing_credentials | join(', ') }}"
  when: not bp_first.complete
"""

RETURN = r"""
aem_version:
  description: The AEM version read from the product information.
  returned: when AEM answered
  type: str
  sample: 6.5.21.0
model:
  description: C(ims) (6.5, Adobe IMS configuration) or C(cloudservice) (6.3, 6.4).
  returned: when AEM answered
  type: str
credential_type:
  description: The credential type configured.
  returned: when AEM answered
  type: str
complete:
  description: False when the credential is not complete yet (RV(missing_credentials)); nothing after the certificate
    was configured then.
  returned: when AEM answered
  type: bool
missing_credentials:
  description: The options still to set before the configuration can be completed.
  returned: when AEM answered
  type: list
  elements: str
  sample: [client_id, client_secret, org_id, technical_account_id]
steps:
  description:
    - What the task did, in the order of Adobe's procedure. C(status) is C(ok), C(changed), C(would change) (check
      mode, gathered), C(incomplete), C(skipped) or C(failed); C(before) and C(after) are present for a step that
      changes, with secrets redacted.
  returned: when AEM answered
  type: list
  elements: dict
  sample:
    - {step: ims_config, item: Brand Portal, status: ok}
    - {step: cloudservice, item: brand-portal, status: ok}
    - {step: agent, item: mp_replication, status: changed, before: {protocolHTTPConnectionClosed: "false"},
       after: {protocolHTTPConnectionClosed: "true"}}
    - {step: test_connection, item: "", status: skipped, detail: "test_connection=on_change: nothing was written"}
in_sync:
  description: With O(state=gathered), whether the author matches the desired state.
  returned: state=gathered and AEM answered
  type: bool
drift:
  description: With O(state=gathered), each step that differs, with C(before) and C(after).
  returned: state=gathered and AEM answered
  type: list
  elements: dict
ims_config:
  description: The Adobe IMS configuration (AEM 6.5) - C(id) (what the cloud service references), C(pid), properties
    with secrets redacted.
  returned: on AEM 6.5 when it exists or would be created
  type: dict
cloudservice:
  description: The cloud service - C(path) and C(properties) (secrets redacted).
  returned: when the credential is complete
  type: dict
agents:
  description: Names of the tenant's replication agents.
  returned: when the credential is complete
  type: list
  elements: str
  sample: [mp_replication, mp_replication_2, mp_replication_3, mp_replication_4]
certificate:
  description: The public certificate (PEM) of the JWT credential's key pair.
  returned: JWT, when AEM holds the key pair
  type: str
certificate_path:
  description: The file the public certificate was written to (or would be, in check mode).
  returned: JWT with O(certificate_path), when AEM holds the key pair
  type: str
test_connection:
  description: C(ran) and, for each agent, C(name), C(success), C(reason) and C(log).
  returned: when the run reached Test Connection outside check mode
  type: dict
queues:
  description:
    - With O(queues=true), the queue of each of the tenant's agents by name - C(item_count), C(blocked), C(paused),
      C(idle), C(first_items), C(oldest_item_age) (seconds, when items wait) and a one-line C(summary).
    - Also with O(health=true).
  returned: when O(queues=true) or O(health=true) and the agents were read
  type: dict
  sample: {mp_replication: {item_count: 0, blocked: false, paused: false, idle: true, summary: "0 items"}}
health:
  description:
    - Whether Adobe IMS issues a token with the credential - C(checked), C(ok), C(source) (C(aem_check_health) on 6.5,
      C(adobe_ims) when the controller asked), C(message), and for a failure C(hint) and AEM's C(log).
    - Also returned without O(health) when the task wrote the Adobe IMS configuration, which it then checks.
  returned: with O(health=true), or after writing the Adobe IMS configuration
  type: dict
  sample: {checked: true, ok: true, source: aem_check_health, message: Token is retrieved successfully}
certificate_expiry:
  description:
    - With O(health=true) and a certificate in AEM's keystore (JWT on 6.5, the MAC user's on 6.3/6.4) - C(alias),
      C(subject), C(serial_number), C(not_after), C(days_left), C(warn_days) and C(status) (C(ok), C(expiring),
      C(expired), C(unknown)); null when there is none.
  returned: with O(health=true) and AEM answered
  type: dict
  sample: {alias: brandportal, subject: CN=AEM-Adobe-IMS, not_after: "2027-01-06T10:00:00Z", days_left: 31,
           warn_days: 30, status: ok}
aem_credential_type:
  description: With O(health=true), the credential type the author holds (C(oauth) or C(jwt)); null when it holds none.
  returned: with O(health=true) and AEM answered
  type: str
problems:
  description:
    - With O(health=true), what is wrong - C(kind), C(item) and C(message). A C(kind) of C(token), C(test_connection),
      C(queue) or C(certificate) makes the author unhealthy; C(expiry) is a certificate to renew soon.
  returned: with O(health=true) and AEM answered
  type: list
  elements: dict
  sample: [{kind: queue, item: mp_replication, message: "the queue is blocked with 3 items: ..."}]
healthy:
  description: With O(health=true), no problem other than C(expiry).
  returned: with O(health=true) and AEM answered
  type: bool
expiring:
  description: With O(health=true), a certificate expires within O(certificate_warn_days) days (or has expired).
  returned: with O(health=true) and AEM answered
  type: bool
written:
  description: Every write AEM accepted in this task (C(METHOD path)), in order; also returned when the task failed.
  returned: always
  type: list
  elements: str
requests:
  description: How many HTTP requests the task sent to AEM.
  returned: when AEM was asked
  type: int
checks:
  description: When the preflight failed, every check and its outcome (see M(aemtools.brand_portal.aem_bp_preflight)).
  returned: on a preflight failure
  type: list
  elements: dict
"""

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.aemtools.brand_portal.plugins.module_utils._aem_client import (
    REQUESTS_IMPORT_ERROR,
    aem_argument_spec,
)
from ansible_collections.aemtools.brand_portal.plugins.module_utils._bp_converge import (
    Host,
    argument_spec as desired_state_spec,
    execute,
)


def argument_spec():
    spec = aem_argument_spec()
    spec.update(desired_state_spec())
    return spec


REQUIRED_TOGETHER = [("private_key", "certificate")]


def main():
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True,
                           required_together=REQUIRED_TOGETHER)
    if REQUESTS_IMPORT_ERROR is not None:
        module.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
    result = execute(module.params, Host(module.check_mode, module.warn))
    if result.pop("failed", False):
        module.fail_json(**result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
