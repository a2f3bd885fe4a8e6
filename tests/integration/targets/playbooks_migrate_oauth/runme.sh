#!/usr/bin/env bash
# playbooks/migrate_oauth.yml over a mixed fleet, each author a mock AEM with its own mock IMS and Brand Portal:
#   a   AEM 6.5.20 configured with JWT, then "updated" to 6.5.21 (the mock restarted on its state file)
#   b   AEM 6.5.15 with JWT, without Adobe's OAuth hotfix          -> refused with the hotfix explanation, 0 writes
#   c1  AEM 6.5.15 with JWT and the hotfix
#   c2  AEM 6.5.15 + hotfix, migrated to an OAuth client without the Brand Portal API: IMS issues it a token and
#       Check Health passes, Test Connection fails -> rolled back to JWT, and the run stops before c3
#   c3  the next author of that batch run: never touched
#   c4  AEM 6.5.15 + hotfix, migrated with an authorization server AEM cannot reach (the controller can reach its
#       IMS): Check Health fails after the write -> rolled back
#   d   AEM 6.5.8 (before 6.5.11, no OAuth even with the hotfix) and e AEM 6.4.8 (cloud service model, JWT only):
#       refused, 0 writes
# Asserted through the mocks' admin API and state files (write counters, the stored IMS configurations, the tokens
# IMS issued, the packages Brand Portal received or refused), not only through the playbook's output; the -vvv
# output of every run is searched for the secrets.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../setup_mock/mock.sh
. "$here/../setup_mock/mock.sh"
playbooks="$MOCK_ROOT/playbooks"

export MIG_SECRET="p8e-mig-fleet-$RANDOM$RANDOM"      # the credential: JWT, migrated in the Developer Console
export MIG_NOBP_SECRET="p8e-mig-nobp-$RANDOM$RANDOM"  # an OAuth client without the Brand Portal API
export MIG_ADMIN_PASSWORD="mig-admin-$RANDOM$RANDOM"
make_keypairs fleet

admin() {  # admin METHOD URL [JSON]: the mocks' /__mock__ API
    "$MOCK_PYTHON" - "$@" <<'PY'
import json, sys, urllib.request
method, url = sys.argv[1], sys.argv[2]
body = sys.argv[3].encode() if len(sys.argv) > 3 else None
req = urllib.request.Request(url, body, {"Content-Type": "application/json"}, method=method)
print(urllib.request.urlopen(req, timeout=10).read().decode())
PY
}

register() {  # register IMS_PORT BP_PORT: the tenant, the fleet's credential and the client without Brand Portal
    local ims="http://127.0.0.1:$1" bp="http://127.0.0.1:$2"
    admin POST "$bp/__mock__/tenants" '{"tenant": "acme", "org_id": "1234567890ABCDEF12345678@AdobeOrg"}' >/dev/null
    "$MOCK_PYTHON" - "$ims" "$MOCK_WORK/fleet.crt" <<'PY'
import json, os, sys, urllib.request
ims, crt = sys.argv[1], sys.argv[2]
def post(body):
    req = urllib.request.Request(ims + "/__mock__/ims/integrations", json.dumps(body).encode(),
                                 {"Content-Type": "application/json"}, method="POST")
    assert urllib.request.urlopen(req, timeout=10).status in (200, 201)
org, account = "1234567890ABCDEF12345678@AdobeOrg", "ABCDEF1234567890@techacct.adobe.com"
# a JWT credential migrated to OAuth in the Developer Console keeps its client id and secret (adobe-ims.md 4.3)
post({"client_id": "fleet-client", "client_secret": os.environ["MIG_SECRET"], "org_id": org,
      "technical_account_id": account, "certificates": [open(crt).read()], "scopes": ["openid", "AdobeID"],
      "metascopes": ["ent_brand_portal_sdk"]})
post({"client_id": "nobp-client", "client_secret": os.environ["MIG_NOBP_SECRET"], "org_id": org,
      "technical_account_id": account, "scopes": ["openid", "AdobeID"], "metascopes": []})
PY
}

hosts_yml() {  # hosts_yml FILE NAME=AEM_PORT:IMS_PORT ...: an inventory, secrets only through lookups
    local file="$1" spec name ports
    shift
    {
        echo "aem_authors:"
        echo "  hosts:"
        for spec in "$@"; do
            name="${spec%%=*}"
            ports="${spec#*=}"
            echo "    $name: {aem_url: 'http://127.0.0.1:${ports%%:*}', ims_url: 'http://127.0.0.1:${ports#*:}'}"
        done
        cat <<YAML
  vars:
    ansible_connection: local
    ansible_python_interpreter: "$MOCK_PYTHON"
    aem_username: admin
    aem_password: "{{ lookup('ansible.builtin.env', 'MIG_ADMIN_PASSWORD') }}"
    bp_tenant_url: https://acme.brand-portal.adobe.com
    bp_client_id: fleet-client
    bp_client_secret: "{{ lookup('ansible.builtin.env', 'MIG_SECRET') }}"
    bp_org_id: 1234567890ABCDEF12345678@AdobeOrg
    bp_technical_account_id: ABCDEF1234567890@techacct.adobe.com
    bp_scopes: [openid, AdobeID]
    bp_certificate_dir: "$MOCK_WORK/certificates"
    bp_backup_dir: "$MOCK_WORK/backups"
YAML
    } >"$file"
}

play() {  # play NAME INVENTORY PLAYBOOK ARGS...: -vvv into NAME.yml.log (assert_no_leaks reads it), rc in $rc
    local name="$1" inventory="$2" playbook="$3"
    shift 3
    set +e
    ANSIBLE_STDOUT_CALLBACK=default ansible-playbook -vvv -i "$inventory" "$@" "$playbook" >"$MOCK_WORK/$name.yml.log" 2>&1
    rc=$?
    set -e
    # the last lines without -vvv noise: what a user sees
    grep -E '^(ok|changed|fatal|skipping|failed)|"msg"|RECAP|: ok=' "$MOCK_WORK/$name.yml.log" | tail -n 25 || true
}

jwt_setup() {  # configure Brand Portal with the fleet's JWT credential (brought key pair) on the inventory's authors
    # one author at a time: several instances of one mock process that writes a state file can deadlock when
    # they are written at the same time
    play "$1" "$2" "$playbooks/configure.yml" --forks 1 -e bp_credential_type=jwt \
        -e "bp_private_key={{ lookup('ansible.builtin.file', '$MOCK_WORK/fleet.key') }}" \
        -e "bp_certificate={{ lookup('ansible.builtin.file', '$MOCK_WORK/fleet.crt') }}"
    [ "$rc" -eq 0 ] || { tail -n 60 "$MOCK_WORK/$1.yml.log"; echo "$1: the JWT configuration failed"; exit 1; }
}

# --- the fleet: a starts on 6.5.20 with JWT, and is updated to 6.5.21 (its state file keeps the repository) ---------
start_mock --aem-version 6.5.20 --ims-port 0 --bp-port 0 --state-file "$MOCK_WORK/a.json" \
    --admin-password "$MIG_ADMIN_PASSWORD"
register "$MOCK_IMS_PORT" "$MOCK_BP_PORT"
hosts_yml "$MOCK_WORK/setup_a.yml" "a=$MOCK_AEM_PORT:$MOCK_IMS_PORT"
jwt_setup setup_a "$MOCK_WORK/setup_a.yml"
stop_mocks

start_mock --aem-version 6.5.21 --ims-port 0 --bp-port 0 --state-file "$MOCK_WORK/a.json" \
    --admin-password "$MIG_ADMIN_PASSWORD"
a_aem="$MOCK_AEM_PORT" a_ims="$MOCK_IMS_PORT" a_bp="$MOCK_BP_PORT"
start_mock --aem-version 6.5.15 --ims-port 0 --bp-port 0 --state-file "$MOCK_WORK/b.json" \
    --admin-password "$MIG_ADMIN_PASSWORD"
b_aem="$MOCK_AEM_PORT" b_ims="$MOCK_IMS_PORT" b_bp="$MOCK_BP_PORT"
register "$b_ims" "$b_bp"
start_mock --aem-version 6.5.15 --ims-oauth-hotfix --instances 4 --ims-port 0 --bp-port 0 \
    --state-file "$MOCK_WORK/c.json" --admin-password "$MIG_ADMIN_PASSWORD"
IFS=, read -r -a c_aem <<<"$MOCK_AEM_PORTS"
c_ims="$MOCK_IMS_PORT" c_bp="$MOCK_BP_PORT"
register "$c_ims" "$c_bp"
start_mock --aem-version 6.5.8 --ims-port 0 --admin-password "$MIG_ADMIN_PASSWORD"
d_aem="$MOCK_AEM_PORT" d_ims="$MOCK_IMS_PORT"
start_mock --aem-version 6.4.8 --ims-port 0 --admin-password "$MIG_ADMIN_PASSWORD"
e_aem="$MOCK_AEM_PORT" e_ims="$MOCK_IMS_PORT"
hosts_yml "$MOCK_WORK/setup_bc.yml" "b=$b_aem:$b_ims" "c1=${c_aem[0]}:$c_ims" "c2=${c_aem[1]}:$c_ims" \
    "c3=${c_aem[2]}:$c_ims" "c4=${c_aem[3]}:$c_ims"
jwt_setup setup_bc "$MOCK_WORK/setup_bc.yml"

hosts_yml "$MOCK_WORK/fleet.yml" "a=$a_aem:$a_ims" "b=$b_aem:$b_ims" "c1=${c_aem[0]}:$c_ims" "d=$d_aem:$d_ims" \
    "e=$e_aem:$e_ims"
check() {  # check STEP: the assertions of this target on the mocks (check.py)
    "$MOCK_PYTHON" "$here/check.py" "$1" "$MOCK_WORK" "$a_aem,$b_aem,${c_aem[0]},${c_aem[1]},${c_aem[2]},$d_aem,$e_aem,${c_aem[3]}" \
        "$a_ims,$b_ims,$c_ims" "$a_bp,$b_bp,$c_bp"
}
check jwt_everywhere

# --- 1. the plan: --check --diff writes nothing anywhere, and says what it would do and what b lacks ---------------
check reset_stats
play check_mode "$MOCK_WORK/fleet.yml" "$playbooks/migrate_oauth.yml" --check --diff
[ "$rc" -ne 0 ] || { echo "check mode: b has no hotfix, yet the run passed"; exit 1; }
check no_writes
[ ! -e "$MOCK_WORK/backups" ] || { echo "check mode wrote a backup"; exit 1; }
grep -q "a (AEM 6.5.21.0): would switch the Adobe IMS configuration Brand Portal from the JWT credential fleet-client to the OAuth credential fleet-client" \
    "$MOCK_WORK/check_mode.yml.log" || { echo "check mode: no plan for a"; exit 1; }
grep -q "c1 (AEM 6.5.15.0): would switch" "$MOCK_WORK/check_mode.yml.log" || { echo "no plan for c1"; exit 1; }
grep -q '"auth.token.provider.authorization.grants": "client_credentials"' "$MOCK_WORK/check_mode.yml.log" \
    || { echo "check mode --diff: the OAuth properties are not shown"; exit 1; }
echo "check mode: the plan for a and c1, b refused, 0 writes on every author, no backup"

# --- 2. the migration: a and c1 move to OAuth (Check Health, Test Connection), b is refused with 0 writes -----------
play migrate "$MOCK_WORK/fleet.yml" "$playbooks/migrate_oauth.yml"
[ "$rc" -ne 0 ] || { echo "b has no hotfix, yet the run passed"; exit 1; }
for text in \
    "b (AEM 6.5.15.0): refused: AEM 6.5.15.0 supports OAuth Server-to-Server only with Adobe's compatibility hotfix; Adobe's OAuth hotfix ims-jwt-compatibility-package-6.5-1.0.zip is not installed" \
    "install ims-jwt-compatibility-package-6.5-1.0.zip (Adobe Software Distribution, folder .../cq650/hotfix/) with Package Manager" \
    "d (AEM 6.5.8.0): refused: AEM 6.5.8.0 cannot use OAuth: OAuth Server-to-Server needs AEM 6.5.21.0 or later, or AEM 6.5.11.0 to 6.5.20.x with Adobe's compatibility hotfix ims-jwt-compatibility-package-6.5-1.0.zip." \
    "e (AEM 6.4.8.0): refused: AEM 6.4.8.0 keeps the Brand Portal credential on the cloud service (the AEM 6.3/6.4 model), which takes Service Account (JWT) credentials only" \
    "3 author(s) cannot use OAuth and were not migrated (nothing was written on them): b, d, e." \
    "a (AEM 6.5.21.0): switched the Adobe IMS configuration Brand Portal from the JWT credential fleet-client to the OAuth credential fleet-client; Check Health and Test Connection of 4 agents succeeded" \
    "c1 (AEM 6.5.15.0): switched"; do
    grep -qF -- "$text" "$MOCK_WORK/migrate.yml.log" || { echo "migrate: missing \"$text\""; exit 1; }
done
check migrated
echo "migration: a (6.5.21) and c1 (6.5.15 + hotfix) use OAuth and passed Test Connection; b, d, e refused, 0 writes"

# --- 3. a re-run changes nothing ------------------------------------------------------------------------------------
check reset_stats
play rerun "$MOCK_WORK/fleet.yml" "$playbooks/migrate_oauth.yml"
[ "$rc" -ne 0 ] || { echo "re-run: b is still refused, yet the run passed"; exit 1; }
check no_writes
grep -qF "a (AEM 6.5.21.0): nothing to migrate: the Adobe IMS configuration Brand Portal already uses OAuth" \
    "$MOCK_WORK/rerun.yml.log" || { echo "re-run: a is not reported as migrated"; exit 1; }
for host in a b c1 d e; do
    grep -qE "^$host +: ok=[0-9]+ +changed=0 +unreachable=0 +failed=0" "$MOCK_WORK/rerun.yml.log" \
        || { grep RECAP -A6 "$MOCK_WORK/rerun.yml.log"; echo "re-run: $host changed or failed"; exit 1; }
done
echo "re-run: nothing changed, 0 writes"

# --- 4. a credential that fails after the write is rolled back, and the run stops after that author ----------------
hosts_yml "$MOCK_WORK/bad.yml" "c2=${c_aem[1]}:$c_ims" "c3=${c_aem[2]}:$c_ims"
check reset_stats
play rollback "$MOCK_WORK/bad.yml" "$playbooks/migrate_oauth.yml" -e bp_client_id=nobp-client \
    -e "bp_client_secret={{ lookup('ansible.builtin.env', 'MIG_NOBP_SECRET') }}" \
    -e "bp_migrate_jwt_client_secret={{ lookup('ansible.builtin.env', 'MIG_SECRET') }}"
[ "$rc" -ne 0 ] || { echo "rollback: the run passed"; exit 1; }
for text in "Test Connection failed on 4 of 4 agents" "Rolled back: the JWT configuration was put back from $MOCK_WORK/backups/c2/"; do
    grep -qF -- "$text" "$MOCK_WORK/rollback.yml.log" || { echo "rollback: missing \"$text\""; exit 1; }
done
if grep -qE "^(ok|changed|fatal): \[c3\]" "$MOCK_WORK/rollback.yml.log"; then
    echo "rollback: c3 was touched after c2 failed"; exit 1
fi
check rolled_back
echo "rollback: c2 back on JWT (Test Connection succeeds again), c3 untouched"

# --- 5. Check Health failing after the write is rolled back too: AEM cannot reach the authorization server ----------
hosts_yml "$MOCK_WORK/unreachable.yml" "c4=${c_aem[3]}:$c_ims"
play health "$MOCK_WORK/unreachable.yml" "$playbooks/migrate_oauth.yml" -e bp_authorization_server=https://ims.example.com \
    -e aem_retries=0
[ "$rc" -ne 0 ] || { echo "health: the run passed"; exit 1; }
for text in "Check Health of Adobe IMS configuration 'Brand Portal' failed" "UnknownHostException: ims.example.com" \
        "Rolled back: the JWT configuration was put back from $MOCK_WORK/backups/c4/"; do
    grep -qF -- "$text" "$MOCK_WORK/health.yml.log" || { echo "health: missing \"$text\""; exit 1; }
done
check health_rolled_back
echo "Check Health failure: c4 back on JWT (Test Connection succeeds again)"

assert_no_leaks MIG_SECRET MIG_NOBP_SECRET MIG_ADMIN_PASSWORD
