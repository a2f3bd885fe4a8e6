#!/usr/bin/env bash
# playbooks/rotate_oauth_secret.yml: an OAuth client-secret rotation with no downtime over a fleet of mock AEM
# 6.5.21 authors, against the mock IMS whose integration holds two client secrets (adobe-ims.md 4.3). Five
# authors: author1-4 are the fleet rotated (rotate_hosts='aem_authors:!author5'); author5 stays on the old secret
# as the straggler a report must name and the control that fails once the old secret is deleted.
#   1. configure.yml configures every author with the OLD secret; the integration then holds [old, new]
#   2. a WRONG new secret (or a JWT credential) stops the run before any write (0 writes on every author)
#   3. --check writes nothing, claims no drift it cannot see and does not say that the old secret may go
#   4. a failing author stops the rotation after its batch (serial 1): the authors after it are not written, and
#      the failure lists who uses the new secret and says to keep the old one
#   5. the rotation over author1-4: every Test Connection during it passed (16 Test packages received by Brand
#      Portal, none refused), author1-4 now store the NEW secret (decrypted from the mock's state file), author5
#      was not written, and the last message says that the old secret can be deleted
#   6. a --check re-run writes nothing and shows no change
#   7. the rotation over the whole group with author5 left out by --limit: the report names author5 and says to
#      keep the old secret
#   8. the OLD secret removed from the integration: Test Connection on author1-4 still passes, nothing written;
#      on author5 (still on the old secret) it fails
#   9. no secret (old, new, wrong) in any -vvv output
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../setup_mock/mock.sh
. "$here/../setup_mock/mock.sh"
playbooks="$MOCK_ROOT/playbooks"
export MOCK_ROOT
OLD_SECRET="p8e-old-$RANDOM$RANDOM$RANDOM"
NEW_SECRET="p8e-new-$RANDOM$RANDOM$RANDOM"
WRONG_SECRET="p8e-wrong-$RANDOM$RANDOM$RANDOM"
export OLD_SECRET NEW_SECRET WRONG_SECRET
admin() { "$MOCK_PYTHON" "$here/mock_admin.py" "$@"; }

state="$MOCK_WORK/state.json"
start_mock --aem-version 6.5.21 --instances 5 --ims-port 0 --bp-port 0 --state-file "$state"
IFS=, read -r -a ports <<<"$MOCK_AEM_PORTS"
pairs=(author1=aem0 author2=aem1 author3=aem2 author4=aem3 author5=aem4)
admin setup "$MOCK_IMS_PORT" "$MOCK_BP_PORT" rotate-client OLD_SECRET

cat > "$MOCK_WORK/hosts.yml" <<YAML
aem_authors:
  hosts:
    author1: {aem_url: "http://127.0.0.1:${ports[0]}"}
    author2: {aem_url: "http://127.0.0.1:${ports[1]}"}
    author3: {aem_url: "http://127.0.0.1:${ports[2]}"}
    author4: {aem_url: "http://127.0.0.1:${ports[3]}"}
    author5: {aem_url: "http://127.0.0.1:${ports[4]}"}
  vars:
    ansible_connection: local
    ansible_python_interpreter: "$MOCK_PYTHON"
    aem_username: "${AEM_USERNAME:-admin}"
    aem_password: "${AEM_PASSWORD:-admin}"
    ims_url: "http://127.0.0.1:$MOCK_IMS_PORT"
    bp_tenant_url: https://acme.brand-portal.adobe.com
    bp_client_id: rotate-client
    bp_org_id: 1234567890ABCDEF12345678@AdobeOrg
    bp_scopes: [openid, AdobeID, read_organizations]
YAML
# the secrets as a user keeps them: a vars file (Vault in real life), never on the command line
for name in old new wrong; do
    var="${name^^}_SECRET"
    (umask 077; printf 'bp_client_secret: "%s"\n' "${!var}" > "$MOCK_WORK/$name.secret.yml")
done

play() {  # play NAME PLAYBOOK [args...]: ansible-playbook -vvv, output in NAME.yml.log (leak-checked); exit code in $rc
    local name="$1"
    shift
    set +e
    ANSIBLE_STDOUT_CALLBACK=default ansible-playbook -vvv -i "$MOCK_WORK/hosts.yml" "$@" \
        >"$MOCK_WORK/$name.yml.log" 2>&1
    rc=$?
    set -e
}
fail() { tail -n 60 "$MOCK_WORK/$1.yml.log"; echo "FAILED: $2"; exit 1; }
has() { grep -qF -- "$2" "$MOCK_WORK/$1.yml.log" || fail "$1" "'$2' is not in the output"; }
hasnt() { if grep -qF -- "$2" "$MOCK_WORK/$1.yml.log"; then fail "$1" "'$2' is in the output"; fi; }
recap_unchanged() {  # every author's PLAY RECAP line says changed=0
    local n
    n="$(grep -cE '^author[1-4] +: ok=[0-9]+ +changed=0 ' "$MOCK_WORK/$1.yml.log" || true)"
    [ "$n" -eq 4 ] || fail "$1" "expected changed=0 for the 4 authors in the recap, found $n"
}
rotate="$playbooks/rotate_oauth_secret.yml"
new=(-e "@$MOCK_WORK/new.secret.yml")

# 1. the fleet on the old secret
play configure "$playbooks/configure.yml" -e "@$MOCK_WORK/old.secret.yml"
[ "$rc" -eq 0 ] || fail configure "configure.yml with the old secret"
admin stored "$state" "${pairs[@]}" -- old old old old old
admin secrets "$MOCK_IMS_PORT" rotate-client OLD_SECRET NEW_SECRET
echo "1. five authors configured with the old client secret; the integration holds old + new"

# the fleet rotated in 2-6: author1-4 (rotate_hosts, the playbook's definition of "every author")
fleet=(-e 'rotate_hosts=aem_authors:!author5')

# 2. a wrong new secret: IMS refuses it once, on the controller, before any author is written
before="$(admin writes "$MOCK_AEM_PORTS")"
play rotate-wrong "$rotate" "${fleet[@]}" -e "@$MOCK_WORK/wrong.secret.yml"
[ "$rc" -ne 0 ] || fail rotate-wrong "the rotation with a wrong secret passed"
admin unchanged "$before" "$MOCK_AEM_PORTS"
has rotate-wrong "Adobe IMS refused the oauth credential rotate-client"
has rotate-wrong "Nothing was written into AEM"
hasnt rotate-wrong "Configure Brand Portal with the new client secret"
admin stored "$state" "${pairs[@]}" -- old old old old old
play rotate-jwt "$rotate" "${fleet[@]}" "${new[@]}" -e bp_credential_type=jwt
[ "$rc" -ne 0 ] || fail rotate-jwt "the rotation of a JWT credential passed"
has rotate-jwt "set bp_credential_type=oauth (it is jwt)"
hasnt rotate-jwt "Ask Adobe IMS for a token"
admin unchanged "$before" "$MOCK_AEM_PORTS"
echo "2. a wrong new secret, or a credential that is not OAuth, stopped the rotation before any write"

# 3. check mode: nothing written, no drift claimed for the secret AEM keeps encrypted, no 'delete the old one'
before="$(admin writes "$MOCK_AEM_PORTS")"
play rotate-check "$rotate" "${fleet[@]}" --check "${new[@]}"
[ "$rc" -eq 0 ] || fail rotate-check "the rotation in check mode failed"
admin unchanged "$before" "$MOCK_AEM_PORTS"
recap_unchanged rotate-check
hasnt rotate-check "would change"
has rotate-check "Check mode: nothing was written"
has rotate-check "a real run writes the new one on every author (4: author1, author2, author3, author4)"
hasnt rotate-check "can now be deleted"
admin stored "$state" "${pairs[@]}" -- old old old old old
echo "3. --check wrote nothing, showed no change and did not clear the old secret for deletion"

# 4. author2 refuses the write: the rotation stops after its batch; author3 and author4 are not touched
admin fault "${ports[1]}" '{"path": "^/system/console/configMgr", "method": "POST", "status": 500}'
before="$(admin writes "$MOCK_AEM_PORTS")"
play rotate-stop "$rotate" "${fleet[@]}" "${new[@]}" -e '{"rotate_serial": 1}'
[ "$rc" -ne 0 ] || fail rotate-stop "the rotation passed although author2 refused the write"
admin clear-faults "${ports[1]}"
"$MOCK_PYTHON" - "$before" "$(admin writes "$MOCK_AEM_PORTS")" "$MOCK_AEM_PORTS" <<'PY'
import json, sys
before, after, ports = json.loads(sys.argv[1]), json.loads(sys.argv[2]), sys.argv[3].split(",")
assert after[ports[0]] > before[ports[0]], "author1 was not written"
for host, port in zip(("author2", "author3", "author4", "author5"), ports[1:]):
    assert after[port] == before[port], "%s was written after the batch of author2 failed" % host
print("writes: author1 written; author2 (refused), author3, author4, author5 not written")
PY
has rotate-stop "The rotation stops after this batch. Do NOT delete the old client secret"
has rotate-stop "3 of 4 authors do not use the new one (author2, author3, author4), 1 do (author1)"
hasnt rotate-stop "can now be deleted"
hasnt rotate-stop "TASK [Report the fleet"
admin stored "$state" "${pairs[@]}" -- new old old old old
echo "4. a failing author stopped the rotation after its batch; the old secret is kept"

# 5. the rotation: every author written, Check Health and Test Connection with the new secret, 0 failures
admin bp-reset "$MOCK_BP_PORT"
before="$(admin writes "$MOCK_AEM_PORTS")"
play rotate "$rotate" "${fleet[@]}" "${new[@]}"
[ "$rc" -eq 0 ] || fail rotate "the rotation failed"
hasnt rotate "Test Connection failed"
n="$(grep -c "Test Connection succeeded on 4 agents" "$MOCK_WORK/rotate.yml.log" || true)"
[ "$n" -ge 4 ] || fail rotate "Test Connection succeeded on $n authors, expected 4"
admin bp-tests "$MOCK_BP_PORT" 16
# serial [1, "25%"] (the default) of 4 authors: four batches, one play header each
n="$(grep -c '^PLAY \[Rotate the client secret - write' "$MOCK_WORK/rotate.yml.log" || true)"
[ "$n" -eq 4 ] || fail rotate "expected 4 serial batches, found $n"
admin stored "$state" "${pairs[@]}" -- new new new new old
"$MOCK_PYTHON" - "$before" "$(admin writes "$MOCK_AEM_PORTS")" "$MOCK_AEM_PORTS" <<'PY'
import json, sys
before, after, ports = json.loads(sys.argv[1]), json.loads(sys.argv[2]), sys.argv[3].split(",")
assert all(after[port] > before[port] for port in ports[:4]), "an author of the fleet was not written"
assert after[ports[4]] == before[ports[4]], "author5 (outside rotate_hosts) was written"
PY
has rotate "Every author (4: author1, author2, author3, author4) now uses the new client secret"
has rotate "The old client secret of credential rotate-client can now be deleted in the Adobe Developer Console."
echo "5. rotation: 16 of 16 Test Connections passed, author1-4 store the new secret, the old one may go"

# 6. a --check re-run: nothing written, no change claimed
before="$(admin writes "$MOCK_AEM_PORTS")"
play rotate-recheck "$rotate" "${fleet[@]}" --check "${new[@]}"
[ "$rc" -eq 0 ] || fail rotate-recheck "the check re-run failed"
admin unchanged "$before" "$MOCK_AEM_PORTS"
recap_unchanged rotate-recheck
hasnt rotate-recheck "would change"
echo "6. a --check re-run wrote nothing and showed no change"

# 7. over the whole group, author5 left out by --limit: the report names it and keeps the old secret
before="$(admin writes "$MOCK_AEM_PORTS")"
play rotate-partial "$rotate" --limit 'aem_authors:!author5' "${new[@]}"
[ "$rc" -eq 0 ] || fail rotate-partial "the rotation of author1-4 failed"
has rotate-partial "Do NOT delete the old client secret yet: 1 of 5 authors do not use the new one (not rotated in this run): author5."
hasnt rotate-partial "can now be deleted"
"$MOCK_PYTHON" - "$before" "$(admin writes "$MOCK_AEM_PORTS")" "$MOCK_AEM_PORTS" <<'PY'
import json, sys
before, after, ports = json.loads(sys.argv[1]), json.loads(sys.argv[2]), sys.argv[3].split(",")
assert after[ports[4]] == before[ports[4]], "author5 (outside --limit) was written"
PY
admin stored "$state" "${pairs[@]}" -- new new new new old
echo "7. a rotation that left author5 out names it and keeps the old secret"

# 8. the old secret deleted in the console: Test Connection on the rotated authors still passes, without a
#    write; author5, which still holds the old secret, fails it (the check can tell)
admin secrets "$MOCK_IMS_PORT" rotate-client NEW_SECRET
admin bp-reset "$MOCK_BP_PORT"
before="$(admin writes "$MOCK_AEM_PORTS")"
play after-delete "$playbooks/configure.yml" --limit 'aem_authors:!author5' "${new[@]}" -e bp_test_connection=always
[ "$rc" -eq 0 ] || fail after-delete "Test Connection after the old secret was deleted"
hasnt after-delete "Test Connection failed"
admin bp-tests "$MOCK_BP_PORT" 16
play straggler "$playbooks/configure.yml" --limit author5 "${new[@]}" -e bp_test_connection=always
[ "$rc" -ne 0 ] || fail straggler "Test Connection passed on author5, which holds the deleted old secret"
has straggler "Test Connection failed on 4 of 4 agents"
has straggler "invalid client_secret parameter"
admin unchanged "$before" "$MOCK_AEM_PORTS"
echo "8. old secret deleted: Test Connection passed on author1-4 (16 of 16), failed on author5; nothing written"

# 9. no secret in any -vvv output
assert_no_leaks OLD_SECRET NEW_SECRET WRONG_SECRET
