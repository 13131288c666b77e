#!/usr/bin/env bash
# Runs the Ceph s3-tests suite (https://github.com/ceph/s3-tests) against a freshly started
# tessera server. Local only: CI cannot fetch the suite, so .ci/run does not call this.
#
#   S3TESTS_DIR=/work/s3-tests bash compat-tests/s3-tests/run.sh      # npm run test:s3-tests
#   S3TESTS_DIR=... bash compat-tests/s3-tests/run.sh -k test_bucket_list   # extra pytest args
#
# Needs: a checkout of the suite at $S3TESTS_DIR (never committed here), `npm run build`, and
# the suite's Python deps from /work/shared/tools/s3tests-deps.sh (bookworm python3-* packages
# plus boto3/botocore 1.37 unpacked under $S3TESTS_PYDEPS).
#
# Scope (the "core"): test_s3.py and test_headers.py without the IAM, STS, SNS, tenant, bucket
# logging, S3 Select and website tests, and without the tests marked fails_on_aws (they assert
# Ceph RGW behaviour that AWS does not have; tessera follows AWS). The marker expression is
# CORE_MARKERS below; tenant tests carry no marker and are deselected by name (-k "not tenant").
# On s3-tests 8f0ae7b (2026-05-07) that selects 634 of the 883 collected tests.
# S3TESTS_MARKERS / S3TESTS_KEYWORDS replace the expressions.
#
# Results: $S3TESTS_RESULTS (default /tmp/tessera-s3-tests) gets junit.xml, pytest.log,
# report.txt and groups.txt. The closing line is "P passed, F failed, D deselected".
# Exit status: non-zero when a test in allow-list.txt did not pass (a regression) or the run
# could not start; tests that fail but are not allow-listed only print (known-failures.txt gives
# their reasons). Tests that pass but are not in allow-list.txt are printed: add them.
#
# Users: the main user is the server's root (TESSERA_ACCESS_KEY/SECRET, from lib.sh). The alt
# and tenant users are made with `node dist/src/main.js admin user create NAME --access-key AK
# --secret-key SK --admin-address HOST:PORT`. While that command does not exist (or fails), the
# conf falls back to the main user's keys for alt and tenant so the suite's per-test setup
# (which lists every user's buckets) still runs; the cross-user tests then fail, as they should.

set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PYDEPS="${S3TESTS_PYDEPS:-$HOME/.cache/s3tests-pydeps/usr/lib/python3/dist-packages}"
RESULTS="${S3TESTS_RESULTS:-${TMPDIR:-/tmp}/tessera-s3-tests}"
PYTHON="${S3TESTS_PYTHON:-/usr/bin/python3}"

CORE_MARKERS="not iam_account and not iam_user and not iam_role and not iam_tenant \
and not iam_cross_account and not user_policy and not role_policy and not group \
and not group_policy and not test_of_sts and not webidentity_test and not abac_test \
and not session_policy and not token_claims_trust_policy_test \
and not token_principal_tag_role_policy_test and not token_request_tag_trust_policy_test \
and not token_resource_tags_test and not token_role_tags_test and not token_tag_keys_test \
and not sns and not bucket_logging and not bucket_logging_cleanup \
and not fails_without_logging_rollover and not s3select and not s3website \
and not s3website_routing_rules and not s3website_redirect_location and not fails_on_aws"
MARKERS="${S3TESTS_MARKERS:-$CORE_MARKERS}"
KEYWORDS="${S3TESTS_KEYWORDS:-not tenant}"

if [ -z "${S3TESTS_DIR:-}" ] || [ ! -f "${S3TESTS_DIR}/s3tests/functional/test_s3.py" ]; then
  echo "S3TESTS_DIR must point at a checkout of ceph/s3-tests (got '${S3TESTS_DIR:-}')"
  exit 2
fi
S3TESTS_DIR="$(cd "$S3TESTS_DIR" && pwd)"
if [ ! -d "$PYDEPS/boto3" ]; then
  echo "boto3 1.37 not found under $PYDEPS: run bash /work/shared/tools/s3tests-deps.sh"
  exit 2
fi
mkdir -p "$RESULTS"

# The suite's lifecycle tests assume RGW's rgw_lc_debug_interval: a lifecycle "day" of
# lc_debug_interval (10 s by default) seconds. The server gets the same through its config.
mkdir -p "$RESULTS"
LC_CONF="$RESULTS/server-config.json"
echo '{"lifecycle": {"intervalMs": 1000, "dayMs": 10000}}' >"$LC_CONF"
export COMPAT_SERVER_ARGS="--config $LC_CONF"

# shellcheck source=../lib.sh
source "$HERE/../lib.sh"
compat_init s3-tests

ALT_AK=NOPQRSTUVWXYZABCDEFG
ALT_SK=nopqrstuvwxyzabcdefghijklmnabcdefghijklm
TENANT_AK=HIJKLMNOPQRSTUVWXYZA
TENANT_SK=opqrstuvwxyzabcdefghijklmnopqrstuvwxyzab
# create_user NAME AK SK: 0 when the admin CLI made the user.
create_user() {
  if [ -n "${COMPAT_ENDPOINT:-}" ]; then return 1; fi
  (cd "$REPO_ROOT" && node dist/src/main.js admin user create "$1" --access-key "$2" \
     --secret-key "$3" --admin-address "$ADMIN_HOSTPORT") >"$COMPAT_WORK/user-$1.log" 2>&1
}
# `admin user create` prints {"name","id","accessKeyId","createdMs"}: the canonical id the
# suite compares in ACL grants and owners, and the user name as display name.
user_field() { "$PYTHON" -c 'import json,sys; print(json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])[sys.argv[2]])' "$COMPAT_WORK/user-$1.log" "$2"; }
ALT_ID="$ALT_AK"; ALT_NAME="$ALT_AK"; TENANT_ID="$TENANT_AK"; TENANT_NAME="$TENANT_AK"
if create_user alt "$ALT_AK" "$ALT_SK"; then
  log "created user alt"
  ALT_ID="$(user_field alt id)"; ALT_NAME="$(user_field alt name)"
else
  log "NOTE: 'admin user create alt' failed ($(head -c 200 "$COMPAT_WORK/user-alt.log" | tr '\n' ' '))"
  log "NOTE: alt uses the main user's keys: cross-user tests (ACL/policy/nonowner) will fail"
  ALT_AK="$AWS_ACCESS_KEY_ID"; ALT_SK="$AWS_SECRET_ACCESS_KEY"
fi
if create_user tenant "$TENANT_AK" "$TENANT_SK"; then
  log "created user tenant"
  TENANT_ID="$(user_field tenant id)"; TENANT_NAME="$(user_field tenant name)"
else
  log "NOTE: 'admin user create tenant' failed; tenant uses the main user's keys (tenant tests are deselected)"
  TENANT_AK="$AWS_ACCESS_KEY_ID"; TENANT_SK="$AWS_SECRET_ACCESS_KEY"
fi

CONF="$COMPAT_WORK/s3tests.conf"
HOST="${S3_HOSTPORT%:*}" PORT="$S3_PORT" REGION="${S3TESTS_API_NAME:-}" \
MAIN_AK="$AWS_ACCESS_KEY_ID" MAIN_SK="$AWS_SECRET_ACCESS_KEY" \
MAIN_USER_ID="${S3TESTS_MAIN_USER_ID:-$AWS_ACCESS_KEY_ID}" \
MAIN_DISPLAY_NAME="${S3TESTS_MAIN_DISPLAY_NAME:-$AWS_ACCESS_KEY_ID}" \
ALT_AK="$ALT_AK" ALT_SK="$ALT_SK" \
ALT_USER_ID="${S3TESTS_ALT_USER_ID:-$ALT_ID}" ALT_DISPLAY_NAME="${S3TESTS_ALT_DISPLAY_NAME:-$ALT_NAME}" \
TENANT_AK="$TENANT_AK" TENANT_SK="$TENANT_SK" \
TENANT_USER_ID="$TENANT_ID" TENANT_DISPLAY_NAME="$TENANT_NAME" \
"$PYTHON" -c 'import os,string,sys; sys.stdout.write(string.Template(open(sys.argv[1]).read()).substitute(os.environ))' \
  "$HERE/s3tests.conf.in" >"$CONF" || { fail "render s3tests.conf"; compat_finish; }

export S3TEST_CONF="$CONF" PYTHONPATH="$PYDEPS:$HERE" BOTO_DISABLE_CRT=true PYTHONDONTWRITEBYTECODE=1
log "s3-tests $(git -C "$S3TESTS_DIR" log -1 --format='%h %cd' --date=short 2>/dev/null || echo '(not a git checkout)')"
log "markers: $MARKERS"
log "keywords: $KEYWORDS"
log "results: $RESULTS"
(cd "$S3TESTS_DIR" && "$PYTHON" -m pytest -p no:cacheprovider -p tessera_shim -q -rN --timeout "${S3TESTS_TIMEOUT:-300}" \
   --junitxml "$RESULTS/junit.xml" -o junit_family=xunit1 \
   -m "$MARKERS" -k "$KEYWORDS" "$@" \
   s3tests/functional/test_s3.py s3tests/functional/test_headers.py) >"$RESULTS/pytest.log" 2>&1
PYTEST_RC=$?
tail -3 "$RESULTS/pytest.log"
if [ ! -s "$RESULTS/junit.xml" ] || [ "$PYTEST_RC" -gt 1 ]; then
  log "pytest exited $PYTEST_RC without a usable result; last lines of $RESULTS/pytest.log:"
  tail -30 "$RESULTS/pytest.log"
  [ -s "$RESULTS/junit.xml" ] || exit 2
fi
DESELECTED="$(grep -oE '[0-9]+ deselected' "$RESULTS/pytest.log" | tail -1 | cut -d' ' -f1)"
cp "$COMPAT_WORK/server.log" "$RESULTS/server.log" 2>/dev/null || true
"$PYTHON" "$HERE/report.py" "$RESULTS/junit.xml" "$HERE/allow-list.txt" "$HERE/known-failures.txt" \
  "${DESELECTED:-0}" "$RESULTS/groups.txt" | tee "$RESULTS/report.txt"
exit "${PIPESTATUS[0]}"
