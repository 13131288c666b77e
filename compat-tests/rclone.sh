#!/usr/bin/env bash
# rclone with the generic S3 provider ("Other") against tessera. rclone uses ListObjects v1,
# path style, a HEAD after every PUT, keeps the modification time in X-Amz-Meta-Mtime and
# updates it with a CopyObject onto the object itself (metadata directive REPLACE).
source "$(dirname "$0")/lib.sh"

if ! command -v rclone >/dev/null; then
  COMPAT_NAME=rclone; fail "rclone installed"; compat_finish
fi

compat_init rclone
rclone version 2>&1 | head -1

# rclone's AWS SDK refuses a plain-http endpoint when a CA bundle is configured.
unset AWS_CA_BUNDLE SSL_CERT_FILE SSL_CERT_DIR CURL_CA_BUNDLE REQUESTS_CA_BUNDLE NIX_SSL_CERT_FILE
export RCLONE_CONFIG="$COMPAT_WORK/rclone.conf"
: >"$RCLONE_CONFIG"
export RCLONE_CONFIG_TS_TYPE=s3
export RCLONE_CONFIG_TS_PROVIDER=Other
export RCLONE_CONFIG_TS_ENV_AUTH=false
export RCLONE_CONFIG_TS_ACCESS_KEY_ID="$AWS_ACCESS_KEY_ID"
export RCLONE_CONFIG_TS_SECRET_ACCESS_KEY="$AWS_SECRET_ACCESS_KEY"
export RCLONE_CONFIG_TS_ENDPOINT="$ENDPOINT"
export RCLONE_CONFIG_TS_REGION=us-east-1
export RCLONE_CONFIG_TS_FORCE_PATH_STYLE=true
# Fail fast instead of retrying for minutes when the server misbehaves.
export RCLONE_RETRIES=1 RCLONE_LOW_LEVEL_RETRIES=2
rc() { rclone "$@"; }

B="rclone-$RUN_ID"
compat_files

section "buckets"
check "mkdir bucket" rc mkdir "ts:$B"
out="$(rc lsd ts: 2>&1)"
check_contains "lsd lists the bucket" "$B" "$out"

section "copy up/down, all sizes"
check "copy dir up" rc copy "$F" "ts:$B/files"
out="$(rc ls "ts:$B/files" 2>&1)"
check_listed_sizes "ls" "$out" '^ *SIZE NAME$'
out="$(rc lsf "ts:$B/files" 2>&1 | sort | tr '\n' ' ')"
check_eq "lsf lists the 5 files" "100k.bin 20m.txt 9m-random.bin empty.bin one.bin " "$out"
check "check (size + MD5) local vs remote" rc check "$F" "ts:$B/files"
check "copy dir down" rc copy "ts:$B/files" "$D/files"
for f in "${FILES[@]}"; do
  check_same "byte-exact $f" "$F/$f" "$D/files/$f"
done
check "cat 9 MiB object" bash -c "rclone cat ts:$B/files/9m-random.bin > $D/cat.bin"
check_same "byte-exact cat" "$F/9m-random.bin" "$D/cat.bin"
check "cat --offset --count (range read)" bash -c "rclone cat --offset 1000 --count 5000 ts:$B/files/100k.bin > $D/cat-range.bin"
tail -c +1001 "$F/100k.bin" | head -c 5000 >"$D/cat-range-expected.bin"
check_same "byte-exact range read" "$D/cat-range-expected.bin" "$D/cat-range.bin"

section "multipart"
check "copyto with 5 MiB chunks (20 MiB -> 4 parts)" rc copyto --s3-upload-cutoff 5M --s3-chunk-size 5M "$F/20m.txt" "ts:$B/mp/20m.txt"
check "copyto down multipart object" rc copyto "ts:$B/mp/20m.txt" "$D/mp-20m.txt"
check_same "byte-exact multipart object" "$F/20m.txt" "$D/mp-20m.txt"
check "rcat from stdin (streamed multipart, unknown size)" bash -c "rclone rcat --streaming-upload-cutoff 1M --s3-chunk-size 5M ts:$B/mp/stream.bin < $F/9m-random.bin"
check "cat streamed object" bash -c "rclone cat ts:$B/mp/stream.bin > $D/stream.bin"
check_same "byte-exact streamed object" "$F/9m-random.bin" "$D/stream.bin"
out="$(rc md5sum "ts:$B/mp" 2>&1)"
check_contains "md5sum of multipart object (from rclone metadata)" "$(md5sum "$F/20m.txt" | cut -d' ' -f1)  20m.txt" "$out"

section "mtime round trip"
M="$COMPAT_WORK/mtime"
mkdir -p "$M"
cp "$F/100k.bin" "$M/dated.bin"
touch -d "2021-03-04 05:06:07.123456789 UTC" "$M/dated.bin"
check "copy dated file up" rc copy "$M" "ts:$B/mtime"
out="$(rc lsl "ts:$B/mtime/dated.bin" 2>&1)"
check_contains "lsl shows the original mtime" "2021-03-04 05:06:07.123456789" "$(TZ=UTC rclone lsl "ts:$B/mtime/dated.bin" 2>&1)"
check "copy dated file down" rc copy "ts:$B/mtime" "$D/mtime"
check_eq "downloaded file keeps the mtime" "$(stat -c %Y "$M/dated.bin")" "$(stat -c %Y "$D/mtime/dated.bin" 2>&1)"
touch -d "2022-01-02 03:04:05 UTC" "$M/dated.bin"
check "sync after an mtime-only change (server-side copy onto itself)" rc sync -v "$M" "ts:$B/mtime"
check_contains "remote mtime updated" "2022-01-02 03:04:05" "$(TZ=UTC rclone lsl "ts:$B/mtime/dated.bin" 2>&1)"
check "object still intact after the metadata update" bash -c "rclone cat ts:$B/mtime/dated.bin | cmp - $F/100k.bin"

section "sync with changes"
S="$COMPAT_WORK/syncsrc"
mkdir -p "$S/sub"
cp "$F/one.bin" "$S/a.txt"
cp "$F/100k.bin" "$S/sub/b.bin"
cp "$F/9m-random.bin" "$S/sub/c.bin"
check "sync up" rc sync "$S" "ts:$B/sync"
echo "changed" >"$S/sub/b.bin"
rm "$S/a.txt"
echo "new" >"$S/sub/new.txt"
out="$(rclone sync -v "$S" "ts:$B/sync" 2>&1)"
check_contains "sync uploads the changed file" "sub/b.bin: Copied" "$out"
check_contains "sync deletes the removed file" "a.txt: Deleted" "$out"
if grep -q "c.bin: Copied" <<<"$out"; then fail "sync skips the unchanged file" "$out"; else pass "sync skips the unchanged file"; fi
check "check after sync" rc check "$S" "ts:$B/sync"
check "sync down" rc sync "ts:$B/sync" "$D/sync"
check "sync down tree equals source" diff -r "$S" "$D/sync"

section "server-side copy and move"
check "copyto remote -> remote (CopyObject)" rc copyto "ts:$B/files/9m-random.bin" "ts:$B/copy/9m.bin"
check "moveto remote -> remote" rc moveto "ts:$B/copy/9m.bin" "ts:$B/moved/9m.bin"
check "moved object intact" bash -c "rclone cat ts:$B/moved/9m.bin | cmp - $F/9m-random.bin"
out="$(rc lsf "ts:$B/copy" 2>&1)"
check_eq "source of the move is gone" "" "$out"

section "special keys"
for key in "sp ace+plus.txt" "ünïcödé ключ 😀.txt" "percent%41.txt"; do
  check "copyto key '$key'" rc copyto "$F/100k.bin" "ts:$B/special/$key"
  check "cat key '$key'" bash -c "rclone cat \"ts:$B/special/$key\" | cmp - $F/100k.bin"
done
out="$(rc lsf "ts:$B/special" 2>&1 | sort | tr '\n' '|')"
check_eq "lsf special keys" "percent%41.txt|sp ace+plus.txt|ünïcödé ключ 😀.txt|" "$out"

section "errors"
# rclone treats a missing object as a (virtual) directory: HEAD must have said 404.
out="$(rc lsjson --stat "ts:$B/no/such/object" 2>&1)"
check_contains "stat of a missing object finds no object" '"IsDir": true' "$out"
check "copyto from a missing object copies nothing" bash -c "rclone copyto ts:$B/no/such/object $D/missing; test ! -e $D/missing"
check_fails "ls a missing bucket -> not found" "not found|NoSuchBucket|404" rc ls "ts:nope-$RUN_ID"
check_fails "wrong secret -> SignatureDoesNotMatch" "SignatureDoesNotMatch|403" \
  env RCLONE_CONFIG_TS_SECRET_ACCESS_KEY=wrongwrongwrongwrongwrongwrongwrongwrong rclone lsf "ts:$B"

section "delete, purge"
check "delete one file" rc delete "ts:$B/files/one.bin"
out="$(rc lsf "ts:$B/files" 2>&1 | sort | tr '\n' ' ')"
check_eq "the file is gone" "100k.bin 20m.txt 9m-random.bin empty.bin " "$out"
check "delete with a filter" rc delete --include "*.bin" "ts:$B/files"
out="$(rc lsf "ts:$B/files" 2>&1)"
check_eq "only the .txt file is left" "20m.txt" "$out"
check "purge the bucket" rc purge "ts:$B"
out="$(rc lsd ts: 2>&1)"
if grep -q "$B" <<<"$out"; then fail "bucket is gone" "$out"; else pass "bucket is gone"; fi

compat_finish
