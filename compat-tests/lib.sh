# shellcheck shell=bash
# Shared harness for the third-party client scripts in compat-tests/.
#
# Source it from a client script, then call `compat_init NAME`. It starts a tessera server
# (`node dist/src/main.js server`) on free loopback ports with a temporary data directory,
# waits for GET /health/ready, exports the credentials and endpoint that every client needs,
# and stops the server and removes the temporary files when the script exits.
#
# Environment knobs:
#   COMPAT_ENDPOINT=http://127.0.0.1:PORT  use an already running server instead of starting
#                                          one (then AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY
#                                          must be set by the caller)
#   COMPAT_KEEP=1                          keep the work directory (server log, data, files)
#   COMPAT_RESULTS=FILE                    append "NAME PASSED FAILED" there (run-all.sh)
#   COMPAT_VERBOSE=1                       print every check's output, not only failures
#
# Checks: `check NAME CMD...` passes when CMD exits 0; `check_fails NAME REGEX CMD...` passes
# when CMD exits non-zero and its output matches REGEX; `check_same NAME FILE1 FILE2` compares
# bytes; `pass NAME` / `fail NAME [DETAIL]` record a result directly. `compat_finish` prints the
# totals and exits non-zero when any check failed.

set -uo pipefail

COMPAT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$COMPAT_DIR/.." && pwd)"
COMPAT_NAME=client
COMPAT_PASSED=0
COMPAT_FAILED=0
COMPAT_XFAILED=0
COMPAT_WORK=
SERVER_PID=
# Bucket names must be unique per run when an external server is reused.
RUN_ID="$(date +%s)-$$"

log() { printf '%s\n' "$*"; }
section() { printf '\n--- %s: %s\n' "$COMPAT_NAME" "$*"; }

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

compat_cleanup() {
  local rc=$?
  if [ -n "${COMPAT_CLEANUP_HOOK:-}" ]; then
    eval "$COMPAT_CLEANUP_HOOK" || true
  fi
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do
      kill -0 "$SERVER_PID" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [ -n "$COMPAT_WORK" ] && [ -d "$COMPAT_WORK" ]; then
    if [ "${COMPAT_KEEP:-0}" = 1 ]; then
      log "work directory kept: $COMPAT_WORK"
    else
      rm -rf "$COMPAT_WORK"
    fi
  fi
  return $rc
}

# compat_start_server: start tessera and wait until it is ready (60 s at most).
compat_start_server() {
  if [ -n "${COMPAT_ENDPOINT:-}" ]; then
    ENDPOINT="$COMPAT_ENDPOINT"
    S3_HOSTPORT="${ENDPOINT#http://}"
    S3_PORT="${S3_HOSTPORT##*:}"
    export ENDPOINT S3_HOSTPORT S3_PORT
    return 0
  fi
  if [ ! -f "$REPO_ROOT/dist/src/main.js" ]; then
    log "FATAL: $REPO_ROOT/dist/src/main.js missing: run 'npm run build' first"
    return 1
  fi
  S3_PORT="$(free_port)"
  ADMIN_PORT="$(free_port)"
  while [ "$ADMIN_PORT" = "$S3_PORT" ]; do ADMIN_PORT="$(free_port)"; done
  S3_HOSTPORT="127.0.0.1:$S3_PORT"
  ADMIN_HOSTPORT="127.0.0.1:$ADMIN_PORT"
  ENDPOINT="http://$S3_HOSTPORT"
  export S3_PORT ADMIN_PORT S3_HOSTPORT ADMIN_HOSTPORT ENDPOINT
  export TESSERA_ACCESS_KEY="TESSERACOMPATKEY0001"
  export TESSERA_SECRET_KEY="compat/Secret+Key0123456789abcdefghijklm"
  mkdir -p "$COMPAT_WORK/data"
  (cd "$REPO_ROOT" && exec node dist/src/main.js server \
      --data-dir "$COMPAT_WORK/data" \
      --s3-address "$S3_HOSTPORT" \
      --admin-address "$ADMIN_HOSTPORT" \
      --drives 6 ${COMPAT_SERVER_ARGS:-} >"$COMPAT_WORK/server.log" 2>&1) &
  SERVER_PID=$!
  local i
  for i in $(seq 1 600); do
    if curl -fsS -o /dev/null "http://$ADMIN_HOSTPORT/health/ready" 2>/dev/null; then
      log "server ready on $ENDPOINT (admin $ADMIN_HOSTPORT, pid $SERVER_PID, ${i}00 ms)"
      AWS_ACCESS_KEY_ID="$TESSERA_ACCESS_KEY"
      AWS_SECRET_ACCESS_KEY="$TESSERA_SECRET_KEY"
      export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
      return 0
    fi
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      log "FATAL: server exited during start; log:"
      sed 's/^/    /' "$COMPAT_WORK/server.log" | tail -40
      return 1
    fi
    sleep 0.1
  done
  log "FATAL: server not ready after 60 s; log:"
  sed 's/^/    /' "$COMPAT_WORK/server.log" | tail -40
  return 1
}

# compat_init NAME: work directory, traps, server, client environment.
compat_init() {
  COMPAT_NAME="$1"
  COMPAT_WORK="$(mktemp -d "${TMPDIR:-/tmp}/tessera-compat-$COMPAT_NAME.XXXXXX")"
  mkdir -p "$COMPAT_WORK/logs"
  trap compat_cleanup EXIT
  trap 'exit 130' INT TERM
  # Clients must not pick up a user's profiles, credentials or CA settings from the host.
  export HOME="$COMPAT_WORK/home"
  mkdir -p "$HOME"
  unset AWS_PROFILE AWS_SESSION_TOKEN AWS_CONFIG_FILE AWS_SHARED_CREDENTIALS_FILE AWS_ENDPOINT_URL
  export AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1
  export AWS_EC2_METADATA_DISABLED=true AWS_PAGER="" AWS_CLI_AUTO_PROMPT=off
  if ! compat_start_server; then
    fail "server start"
    compat_finish
  fi
  export AWS_ENDPOINT="$ENDPOINT"
}

# known-failures.txt lists "client: check name" lines for gaps that are reported and accepted
# for now. Such a check that fails prints "xfail" and counts neither way; one that passes
# prints a reminder to take it off the list.
KNOWN_FAILURES_FILE="$COMPAT_DIR/known-failures.txt"
_is_known_failure() {
  [ -f "$KNOWN_FAILURES_FILE" ] && grep -qxF -- "$COMPAT_NAME: $1" "$KNOWN_FAILURES_FILE"
}

_record_output() {
  # _record_output NAME LOGFILE STATUS(ok|FAIL) [SECONDS]
  local took=""
  if [ -n "${4:-}" ] && [ "${4%.*}" -ge 5 ]; then took=" (${4}s)"; fi
  if [ "$3" = ok ]; then
    COMPAT_PASSED=$((COMPAT_PASSED + 1))
    if _is_known_failure "$1"; then
      printf '  ok    %s%s  [XPASS: remove it from compat-tests/known-failures.txt]\n' "$1" "$took"
    else
      printf '  ok    %s%s\n' "$1" "$took"
    fi
    if [ "${COMPAT_VERBOSE:-0}" = 1 ] && [ -s "$2" ]; then sed 's/^/        /' "$2" | tail -20; fi
  elif _is_known_failure "$1"; then
    COMPAT_XFAILED=$((COMPAT_XFAILED + 1))
    printf '  xfail %s%s  [known failure, compat-tests/known-failures.txt]\n' "$1" "$took"
    if [ -s "$2" ]; then sed 's/^/        | /' "$2" | tail -6; fi
  else
    COMPAT_FAILED=$((COMPAT_FAILED + 1))
    printf '  FAIL  %s%s\n' "$1" "$took"
    if [ -s "$2" ]; then sed 's/^/        | /' "$2" | tail -25; fi
  fi
}

_now_ms() { date +%s%3N; }
_since() { local ms=$(( $(_now_ms) - $1 )); printf '%d.%d' $((ms / 1000)) $(((ms % 1000) / 100)); }

# Outside compat_init (a missing client reported before any server start) pass/fail still
# need a place for their logs.
_ensure_work() {
  if [ -z "$COMPAT_WORK" ]; then
    COMPAT_WORK="$(mktemp -d "${TMPDIR:-/tmp}/tessera-compat-$COMPAT_NAME.XXXXXX")"
    mkdir -p "$COMPAT_WORK/logs"
    trap compat_cleanup EXIT
  fi
}

_logfile() {
  local n
  n="$(printf '%03d' $((COMPAT_PASSED + COMPAT_FAILED + 1)))"
  printf '%s/logs/%s.log' "$COMPAT_WORK" "$n"
}

pass() {
  _ensure_work
  local lf; lf="$(_logfile)"; : >"$lf"
  _record_output "$1" "$lf" ok
}
fail() {
  _ensure_work
  local lf; lf="$(_logfile)"; : >"$lf"
  if [ $# -gt 1 ] && [ -n "$2" ]; then printf '%s\n' "$2" >"$lf"; fi
  _record_output "$1" "$lf" FAIL
}

# check NAME CMD...: CMD must exit 0. Its output goes to a log shown on failure.
check() {
  local name="$1"; shift
  local lf; lf="$(_logfile)"
  { printf '$'; printf ' %q' "$@"; printf '\n'; } >"$lf"
  local t0; t0="$(_now_ms)"
  if "$@" >>"$lf" 2>&1; then
    _record_output "$name" "$lf" ok "$(_since "$t0")"
    return 0
  else
    local rc=$?
    echo "(exit $rc)" >>"$lf"
    _record_output "$name" "$lf" FAIL "$(_since "$t0")"
    return 1
  fi
}

# check_fails NAME REGEX CMD...: CMD must fail, and its output must match REGEX (grep -E).
check_fails() {
  local name="$1" re="$2"; shift 2
  local lf; lf="$(_logfile)"
  { printf '$'; printf ' %q' "$@"; printf '\n'; } >"$lf"
  local rc=0 t0; t0="$(_now_ms)"
  "$@" >>"$lf" 2>&1 || rc=$?
  echo "(exit $rc)" >>"$lf"
  if [ "$rc" -ne 0 ] && tail -n +2 "$lf" | grep -Eq -- "$re"; then
    _record_output "$name" "$lf" ok "$(_since "$t0")"
    return 0
  fi
  echo "(expected failure matching /$re/)" >>"$lf"
  _record_output "$name" "$lf" FAIL "$(_since "$t0")"
  return 1
}

# check_same NAME EXPECTED ACTUAL: byte-exact comparison of two files.
check_same() {
  local name="$1" a="$2" b="$3"
  local lf; lf="$(_logfile)"
  if [ ! -f "$b" ]; then
    echo "missing: $b" >"$lf"
    _record_output "$name" "$lf" FAIL
    return 1
  fi
  if cmp "$a" "$b" >"$lf" 2>&1; then
    _record_output "$name" "$lf" ok
    return 0
  fi
  printf 'sizes: %s %s\nsha256: %s\n        %s\n' "$(stat -c %s "$a")" "$(stat -c %s "$b")" \
    "$(sha256sum "$a")" "$(sha256sum "$b")" >>"$lf"
  _record_output "$name" "$lf" FAIL
  return 1
}

# check_eq NAME EXPECTED ACTUAL: string equality.
check_eq() {
  if [ "$2" = "$3" ]; then pass "$1"; return 0; fi
  fail "$1" "expected: $2
actual:   $3"
  return 1
}

# check_contains NAME NEEDLE HAYSTACK
check_contains() {
  case "$3" in
    *"$2"*) pass "$1"; return 0 ;;
  esac
  fail "$1" "expected to contain: $2
actual: $3"
  return 1
}

# make_files DIR: the standard set of test files. Sizes 0 B, 1 B, 100 KiB, 20 MiB (text-like,
# compressible, crosses every multipart threshold of 5/8 MiB) and 9 MiB of random bytes.
make_files() {
  local d="$1"
  mkdir -p "$d"
  : >"$d/empty.bin"
  printf 'x' >"$d/one.bin"
  head -c 102400 /dev/urandom >"$d/100k.bin"
  head -c 9437184 /dev/urandom >"$d/9m-random.bin"
  # 20 MiB of base64 text: compressible, but distinct from the random file.
  head -c 15728640 /dev/urandom | base64 -w 76 | head -c 20971520 >"$d/20m.txt"
}

# compat_files: the standard test files (make_files) in $F, their names in FILES, and an empty
# download directory $D.
compat_files() {
  F="$COMPAT_WORK/files"
  D="$COMPAT_WORK/down"
  make_files "$F"
  mkdir -p "$D"
  FILES=(empty.bin one.bin 100k.bin 9m-random.bin 20m.txt)
}

# check_listed_sizes WHAT LISTING PATTERN: for each of FILES, one check "WHAT shows FILE with
# size SIZE" that passes when a line of LISTING matches PATTERN (grep -E), in which the words
# SIZE and NAME stand for the file's size in bytes and its name.
check_listed_sizes() {
  local what="$1" listing="$2" pattern="$3" f size re
  for f in "${FILES[@]}"; do
    size="$(stat -c %s "$F/$f")"
    re="${pattern//SIZE/"$size"}"
    re="${re//NAME/"$f"}"
    if grep -Eq "$re" <<<"$listing"; then pass "$what shows $f with size $size"; else fail "$what shows $f with size $size" "$listing"; fi
  done
}

# compat_add_counts FILE PROGRAM: add the "PASSED FAILED [XFAILED]" line that PROGRAM (a client
# driven from another language) wrote to FILE to the totals; no such line is one failed check.
compat_add_counts() {
  if [ -s "$1" ]; then
    local p f x
    read -r p f x <"$1"
    COMPAT_PASSED=$((COMPAT_PASSED + p))
    COMPAT_FAILED=$((COMPAT_FAILED + f))
    COMPAT_XFAILED=$((COMPAT_XFAILED + ${x:-0}))
  else
    fail "$2 produced no counts"
  fi
}

# Print the sha256 of a file (hash only).
sha() { sha256sum "$1" | cut -d' ' -f1; }

compat_finish() {
  # Deliberately not the "N passed, M failed" form: run-all.sh prints the one closing total.
  printf '== %s: %d checks passed, %d checks failed, %d known failures\n' "$COMPAT_NAME" "$COMPAT_PASSED" "$COMPAT_FAILED" "$COMPAT_XFAILED"
  if [ -n "${COMPAT_RESULTS:-}" ]; then
    printf '%s %d %d %d\n' "$COMPAT_NAME" "$COMPAT_PASSED" "$COMPAT_FAILED" "$COMPAT_XFAILED" >>"$COMPAT_RESULTS"
  fi
  if [ "$COMPAT_FAILED" -gt 0 ]; then
    if [ -n "$COMPAT_WORK" ] && [ -f "$COMPAT_WORK/server.log" ]; then
      log "--- last lines of the server log ($COMPAT_WORK/server.log):"
      tail -15 "$COMPAT_WORK/server.log" | cut -c1-400 | sed 's/^/    /'
    fi
    exit 1
  fi
  exit 0
}
