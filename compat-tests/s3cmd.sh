#!/usr/bin/env bash
# s3cmd against tessera, with a generated config: path style, plain http, SigV4.
source "$(dirname "$0")/lib.sh"

if ! command -v s3cmd >/dev/null; then
  COMPAT_NAME=s3cmd; fail "s3cmd installed"; compat_finish
fi

compat_init s3cmd
s3cmd --version 2>&1

CFG="$COMPAT_WORK/s3cmd.cfg"
cat >"$CFG" <<EOF
[default]
access_key = $AWS_ACCESS_KEY_ID
secret_key = $AWS_SECRET_ACCESS_KEY
host_base = $S3_HOSTPORT
host_bucket = $S3_HOSTPORT
bucket_location = us-east-1
use_https = False
signature_v2 = False
check_ssl_certificate = False
guess_mime_type = True
EOF
s3() { s3cmd -c "$CFG" "$@"; }

B="s3cmd-$RUN_ID"
compat_files

section "buckets"
check "mb" s3 mb "s3://$B"
out="$(s3 ls 2>&1)"
check_contains "ls lists the bucket" "s3://$B" "$out"

section "put/get, all sizes"
for f in "${FILES[@]}"; do
  check "put $f" s3 put "$F/$f" "s3://$B/files/$f"
done
for f in "${FILES[@]}"; do
  check "get $f" s3 get --force "s3://$B/files/$f" "$D/$f"
  check_same "byte-exact $f" "$F/$f" "$D/$f"
done
check "put from stdin (multipart, unknown size)" bash -c "s3cmd -c $CFG put - s3://$B/stdin.bin < $F/9m-random.bin"
check "get stdin object to stdout" bash -c "s3cmd -c $CFG get s3://$B/stdin.bin - > $D/stdin.bin"
check_same "byte-exact stdin upload" "$F/9m-random.bin" "$D/stdin.bin"

section "ls, la, du, info"
out="$(s3 ls "s3://$B/files/" 2>&1)"
check_listed_sizes "ls" "$out" "[[:space:]]SIZE +s3://$B/files/NAME\$"
out="$(s3 ls "s3://$B/" 2>&1)"
check_contains "ls shows the files/ prefix as DIR" "DIR  s3://$B/files/" "$out"
out="$(s3 la --recursive 2>&1)"
check_contains "la lists objects of all buckets" "s3://$B/files/9m-random.bin" "$out"
out="$(s3 du "s3://$B" 2>&1)"
total=$(( 0 + 1 + 102400 + 9437184 + 20971520 + 9437184 ))
check_contains "du sums the sizes" "$total" "$out"
out="$(s3 info "s3://$B/files/100k.bin" 2>&1)"
check_contains "info shows the MD5" "$(md5sum "$F/100k.bin" | cut -d' ' -f1)" "$out"

section "multipart"
out="$(s3 put --progress --multipart-chunk-size-mb=5 "$F/20m.txt" "s3://$B/mp/20m.txt" 2>&1)"
check_contains "put 20 MiB with --multipart-chunk-size-mb=5 goes up in 4 parts" "part 4 of 4" "$out"
check "get multipart object" s3 get --force "s3://$B/mp/20m.txt" "$D/mp-20m.txt"
check_same "byte-exact multipart object" "$F/20m.txt" "$D/mp-20m.txt"
out="$(s3 info "s3://$B/mp/20m.txt" 2>&1)"
check_contains "info of the multipart object shows the file's MD5" "$(md5sum "$F/20m.txt" | cut -d' ' -f1)" "$out"
check "put 9 MiB random with default chunk size (single part)" s3 put "$F/9m-random.bin" "s3://$B/mp/9m.bin"
check "get it back" s3 get --force "s3://$B/mp/9m.bin" "$D/mp-9m.bin"
check_same "byte-exact 9 MiB" "$F/9m-random.bin" "$D/mp-9m.bin"
out="$(s3 multipart "s3://$B" 2>&1)"
if grep -q "s3://$B/[^[:space:]]" <<<"$out"; then fail "no multipart upload left open" "$out"; else pass "no multipart upload left open"; fi

section "cp, mv, metadata"
check "cp (server-side copy)" s3 cp "s3://$B/files/9m-random.bin" "s3://$B/copy/9m.bin"
check "get the copy" s3 get --force "s3://$B/copy/9m.bin" "$D/copy.bin"
check_same "byte-exact copy" "$F/9m-random.bin" "$D/copy.bin"
check "mv" s3 mv "s3://$B/copy/9m.bin" "s3://$B/moved/9m.bin"
check_fails "mv source is gone" "404|NoSuchKey|not found|does not exist" s3 get --force "s3://$B/copy/9m.bin" "$D/gone.bin"
check "put with a header and content type" s3 put --add-header=x-amz-meta-color:green --mime-type=text/x-test "$F/one.bin" "s3://$B/meta/one"
out="$(s3 info "s3://$B/meta/one" 2>&1)"
check_contains "info shows the content type" "text/x-test" "$out"
check_contains "info shows the user metadata" "x-amz-meta-color: green" "$out"
check "modify metadata in place (copy onto itself, REPLACE)" s3 modify --add-header=x-amz-meta-color:purple "s3://$B/meta/one"
out="$(s3 info "s3://$B/meta/one" 2>&1)"
check_contains "metadata updated" "x-amz-meta-color: purple" "$out"

section "sync"
S="$COMPAT_WORK/syncsrc"
mkdir -p "$S/sub"
cp "$F/one.bin" "$S/a.txt"
cp "$F/100k.bin" "$S/sub/b.bin"
cp "$F/9m-random.bin" "$S/sub/c.bin"
check "sync up" s3 sync "$S/" "s3://$B/sync/"
echo "changed" >"$S/sub/b.bin"
rm "$S/a.txt"
out="$(s3 sync --delete-removed "$S/" "s3://$B/sync/" 2>&1)"
check_contains "sync uploads the changed file" "sub/b.bin" "$out"
check_contains "sync --delete-removed deletes the removed file" "delete: 's3://$B/sync/a.txt'" "$out"
if grep -q "c.bin" <<<"$out"; then fail "sync skips the unchanged file" "$out"; else pass "sync skips the unchanged file"; fi
check "sync down" s3 sync "s3://$B/sync/" "$D/sync/"
check "sync down tree equals source" diff -r "$S" "$D/sync"

section "special keys"
for key in "sp ace+plus.txt" "ünïcödé/ключ/😀.txt" "percent%41&amp;.txt"; do
  check "put key '$key'" s3 put "$F/100k.bin" "s3://$B/special/$key"
  rm -f "$D/special.bin"
  check "get key '$key'" s3 get --force "s3://$B/special/$key" "$D/special.bin"
  check_same "byte-exact key '$key'" "$F/100k.bin" "$D/special.bin"
done

section "errors"
check_fails "get a missing object -> 404" "404|NoSuchKey|not found|does not exist" s3 get --force "s3://$B/no/such/key" "$D/x"
check_fails "ls a missing bucket -> NoSuchBucket" "NoSuchBucket|does not exist|404" s3 ls "s3://nope-$RUN_ID/"
check_fails "rb a non-empty bucket -> BucketNotEmpty" "BucketNotEmpty|not empty" s3 rb "s3://$B"
check_fails "wrong secret -> 403 SignatureDoesNotMatch" "SignatureDoesNotMatch|403" \
  s3cmd -c "$CFG" --secret_key=wrongwrongwrongwrongwrongwrongwrongwrong ls "s3://$B/"

section "del, rb"
check "del one object" s3 del "s3://$B/files/one.bin"
check_fails "deleted object is gone" "404|NoSuchKey|not found|does not exist" s3 get --force "s3://$B/files/one.bin" "$D/x"
check "del --recursive" s3 del --recursive --force "s3://$B/"
out="$(s3 ls --recursive "s3://$B/" 2>&1)"
check_eq "bucket is empty" "" "$out"
check "rb" s3 rb "s3://$B"
out="$(s3 ls 2>&1)"
if grep -q "s3://$B" <<<"$out"; then fail "bucket is gone" "$out"; else pass "bucket is gone"; fi

compat_finish
