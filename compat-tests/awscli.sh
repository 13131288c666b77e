#!/usr/bin/env bash
# aws-cli (Debian's /usr/bin/aws, v2) against tessera: high-level `aws s3` commands and the
# `aws s3api` operations they are built on, with byte-exact round trips and error cases.
# aws-cli uses 8 MiB multipart threshold and part size, so the 20 MiB file goes up in 3 parts.
source "$(dirname "$0")/lib.sh"

AWS_BIN=/usr/bin/aws # called explicitly: a shim named aws may shadow it on PATH
if [ ! -x "$AWS_BIN" ]; then
  echo "FATAL: $AWS_BIN not installed (apt-get install awscli)"
  COMPAT_NAME=awscli; fail "aws-cli installed"; compat_finish
fi

compat_init awscli
echo "$("$AWS_BIN" --version 2>&1)"
aws() { "$AWS_BIN" --endpoint-url "$ENDPOINT" "$@"; }
# Text output prints one line per page; fold it into one space-separated line.
words() { tr -s '\t\n' '  ' | sed 's/ $//'; }

B="awscli-$RUN_ID"
B2="awscli2-$RUN_ID"
compat_files

section "buckets"
check "s3 mb" aws s3 mb "s3://$B"
check "s3api create-bucket (second bucket)" aws s3api create-bucket --bucket "$B2"
check "s3api create-bucket again on an owned bucket (us-east-1: 200)" aws s3api create-bucket --bucket "$B2"
out="$(aws s3 ls 2>&1)"
check_contains "s3 ls lists the bucket" "$B" "$out"
check "s3api head-bucket" aws s3api head-bucket --bucket "$B"
check_fails "s3api head-bucket missing bucket -> 404" "404|Not Found" aws s3api head-bucket --bucket "nope-$RUN_ID"
check_fails "s3 mb invalid name -> error" "InvalidBucketName|Invalid bucket name" aws s3 mb "s3://Bad_Name"

section "cp up/down, all sizes"
for f in "${FILES[@]}"; do
  check "cp up $f" aws s3 cp "$F/$f" "s3://$B/files/$f"
done
for f in "${FILES[@]}"; do
  check "cp down $f" aws s3 cp "s3://$B/files/$f" "$D/$f"
  check_same "byte-exact $f" "$F/$f" "$D/$f"
done
check "cp down to stdout (20 MiB)" bash -c "\"$AWS_BIN\" --endpoint-url $ENDPOINT s3 cp s3://$B/files/20m.txt - > $D/stdout.txt"
check_same "byte-exact stdout download" "$F/20m.txt" "$D/stdout.txt"
check "cp up from stdin (9 MiB, unknown length)" bash -c "\"$AWS_BIN\" --endpoint-url $ENDPOINT s3 cp - s3://$B/stdin.bin < $F/9m-random.bin"
check "cp down stdin object" aws s3 cp "s3://$B/stdin.bin" "$D/stdin.bin"
check_same "byte-exact stdin upload" "$F/9m-random.bin" "$D/stdin.bin"

section "ls"
out="$(aws s3 ls "s3://$B/files/" 2>&1)"
check_listed_sizes "s3 ls" "$out" '[[:space:]]SIZE NAME$'
out="$(aws s3 ls "s3://$B/" 2>&1)"
check_contains "s3 ls shows the files/ prefix" "PRE files/" "$out"
out="$(aws s3 ls --recursive "s3://$B" 2>&1)"
check_eq "s3 ls --recursive counts 6 objects" 6 "$(grep -c . <<<"$out")"

section "multipart (20 MiB cp: 3 parts of 8 MiB)"
etag="$(aws s3api head-object --bucket "$B" --key files/20m.txt --query ETag --output text 2>&1)"
if [[ "$etag" =~ -3\"?$ ]]; then pass "20 MiB object has a 3-part multipart ETag ($etag)"; else fail "20 MiB object has a 3-part multipart ETag" "$etag"; fi
len="$(aws s3api head-object --bucket "$B" --key files/20m.txt --query ContentLength --output text 2>&1)"
check_eq "head-object ContentLength 20 MiB" 20971520 "$len"
check "head-object --part-number 2" bash -c "\"$AWS_BIN\" --endpoint-url $ENDPOINT s3api head-object --bucket $B --key files/20m.txt --part-number 2 --query '[ContentLength,PartsCount]' --output text | grep -Eq '^8388608[[:space:]]+3\$'"
etag1="$(aws s3api head-object --bucket "$B" --key files/100k.bin --query ETag --output text 2>&1)"
check_eq "single PUT ETag is the MD5" "\"$(md5sum "$F/100k.bin" | cut -d' ' -f1)\"" "$etag1"

section "special keys"
for key in "sp ace/plus+sign.txt" "percent%25/and&amp=eq.txt" "ünïcödé/ключ/😀.txt" "a/../b/dots.txt" "tilde~/star*(paren).txt"; do
  check "cp up key '$key'" aws s3 cp "$F/100k.bin" "s3://$B/special/$key"
  rm -f "$D/special.bin"
  check "cp down key '$key'" aws s3 cp "s3://$B/special/$key" "$D/special.bin"
  check_same "byte-exact key '$key'" "$F/100k.bin" "$D/special.bin"
done
out="$(aws s3api list-objects-v2 --bucket "$B" --prefix special/ --query 'Contents[].Key' --output text 2>&1)"
check_contains "list-objects-v2 decodes unicode key" "ünïcödé/ключ/😀.txt" "$out"
check_contains "list-objects-v2 decodes space/plus key" "sp ace/plus+sign.txt" "$out"
check_contains "list-objects-v2 keeps a/../b key" "special/a/../b/dots.txt" "$out"

section "sync up/down with a changed file"
S="$COMPAT_WORK/syncsrc"
mkdir -p "$S/sub/deeper"
cp "$F/one.bin" "$S/a.txt"
cp "$F/100k.bin" "$S/sub/b.bin"
cp "$F/9m-random.bin" "$S/sub/deeper/c.bin"
: >"$S/sub/empty"
check "sync up (initial)" aws s3 sync "$S" "s3://$B/sync/"
out="$(aws s3 sync "$S" "s3://$B/sync/" 2>&1)"
check_eq "sync up again uploads nothing" "" "$out"
sleep 1.1 # sync compares size and mtime; make the change visible either way
echo "changed contents" >"$S/sub/b.bin"
out="$(aws s3 sync "$S" "s3://$B/sync/" 2>&1)"
check_contains "sync up uploads the changed file" "sync/sub/b.bin" "$out"
if grep -q "c.bin" <<<"$out"; then fail "sync up skips the unchanged files" "$out"; else pass "sync up skips the unchanged files"; fi
check "sync down" aws s3 sync "s3://$B/sync/" "$COMPAT_WORK/syncdst"
check "sync down tree equals source" diff -r "$S" "$COMPAT_WORK/syncdst"
rm "$S/a.txt"
out="$(aws s3 sync --delete "$S" "s3://$B/sync/" 2>&1)"
check_contains "sync --delete removes the deleted file" "delete: s3://$B/sync/a.txt" "$out"
check_fails "deleted object is gone (404)" "404|Not Found" aws s3api head-object --bucket "$B" --key sync/a.txt

section "s3api put/get/head/list/copy/delete"
check "put-object with metadata and content-type" aws s3api put-object --bucket "$B" --key api/obj.bin \
  --body "$F/9m-random.bin" --content-type application/x-test --metadata color=blue,Shape=Round
check "get-object" aws s3api get-object --bucket "$B" --key api/obj.bin "$D/api-obj.bin"
check_same "byte-exact get-object" "$F/9m-random.bin" "$D/api-obj.bin"
hd="$(aws s3api head-object --bucket "$B" --key api/obj.bin --output json 2>&1)"
check_contains "head-object ContentType" '"ContentType": "application/x-test"' "$hd"
check_contains "head-object user metadata" '"color": "blue"' "$hd"
check_contains "head-object user metadata lower-cased" '"shape": "Round"' "$hd"
check_contains "head-object ContentLength" '"ContentLength": 9437184' "$hd"
check "get-object --range bytes=100-199" aws s3api get-object --bucket "$B" --key api/obj.bin --range bytes=100-199 "$D/range.bin"
tail -c +101 "$F/9m-random.bin" | head -c 100 >"$D/range-expected.bin"
check_same "byte-exact range 100-199" "$D/range-expected.bin" "$D/range.bin"
check "get-object --range bytes=-1000 (suffix)" aws s3api get-object --bucket "$B" --key api/obj.bin --range bytes=-1000 "$D/suffix.bin"
tail -c 1000 "$F/9m-random.bin" >"$D/suffix-expected.bin"
check_same "byte-exact suffix range" "$D/suffix-expected.bin" "$D/suffix.bin"
check_fails "range past the end -> InvalidRange" "InvalidRange|416" aws s3api get-object --bucket "$B" --key api/obj.bin --range bytes=99999999- "$D/x.bin"
check "put-object empty body" aws s3api put-object --bucket "$B" --key api/empty
check "get-object empty" aws s3api get-object --bucket "$B" --key api/empty "$D/api-empty"
check_same "byte-exact empty object" "$F/empty.bin" "$D/api-empty"
check "copy-object" aws s3api copy-object --bucket "$B" --key api/copy.bin --copy-source "$B/api/obj.bin"
check "get-object copy" aws s3api get-object --bucket "$B" --key api/copy.bin "$D/api-copy.bin"
check_same "byte-exact copy" "$F/9m-random.bin" "$D/api-copy.bin"
hd="$(aws s3api head-object --bucket "$B" --key api/copy.bin --output json 2>&1)"
check_contains "copy keeps metadata (COPY directive)" '"color": "blue"' "$hd"
check "copy-object to another bucket with REPLACE metadata" aws s3api copy-object --bucket "$B2" --key copied/x.bin \
  --copy-source "$B/api/obj.bin" --metadata-directive REPLACE --metadata color=red --content-type text/plain
hd="$(aws s3api head-object --bucket "$B2" --key copied/x.bin --output json 2>&1)"
check_contains "REPLACE sets new metadata" '"color": "red"' "$hd"
check_contains "REPLACE sets new content-type" '"ContentType": "text/plain"' "$hd"
check "copy-object of a multipart object (20 MiB)" aws s3api copy-object --bucket "$B" --key api/copy20.txt --copy-source "$B/files/20m.txt"
check "get-object 20 MiB copy" aws s3api get-object --bucket "$B" --key api/copy20.txt "$D/copy20.txt"
check_same "byte-exact 20 MiB copy" "$F/20m.txt" "$D/copy20.txt"
for i in 1 2 3 4 5; do aws s3api put-object --bucket "$B" --key "page/k$i" --body "$F/one.bin" >/dev/null 2>&1; done
out="$(aws s3api list-objects-v2 --bucket "$B" --prefix page/ --page-size 2 --query 'Contents[].Key' --output text 2>&1 | words)"
check_eq "list-objects-v2 paging (page size 2) returns 5 keys in order" "page/k1 page/k2 page/k3 page/k4 page/k5" "$out"
out="$(aws s3api list-objects-v2 --bucket "$B" --prefix page/ --max-keys 2 --no-paginate --output json 2>&1)"
check_contains "list-objects-v2 --max-keys 2 is truncated" '"IsTruncated": true' "$out"
check_contains "list-objects-v2 returns a continuation token" '"NextContinuationToken"' "$out"
out="$(aws s3api list-objects-v2 --bucket "$B" --delimiter / --query 'CommonPrefixes[].Prefix' --output text 2>&1 | words)"
check_eq "list-objects-v2 delimiter common prefixes" "api/ files/ page/ special/ sync/" "$out"
out="$(aws s3api list-objects --bucket "$B" --prefix page/ --page-size 2 --query 'Contents[].Key' --output text 2>&1 | words)"
check_eq "list-objects (v1) paging returns 5 keys" "page/k1 page/k2 page/k3 page/k4 page/k5" "$out"
out="$(aws s3api delete-objects --bucket "$B" --delete '{"Objects":[{"Key":"page/k1"},{"Key":"page/k2"},{"Key":"page/missing"}]}' --output json 2>&1)"
check_contains "delete-objects reports deleted keys" '"Key": "page/k2"' "$out"
if grep -q '"Errors"' <<<"$out"; then fail "delete-objects reports no errors (missing key counts as deleted)" "$out"; else pass "delete-objects reports no errors (missing key counts as deleted)"; fi
out="$(aws s3api list-objects-v2 --bucket "$B" --prefix page/ --query 'Contents[].Key' --output text 2>&1 | words)"
check_eq "delete-objects removed them" "page/k3 page/k4 page/k5" "$out"
check "delete-object" aws s3api delete-object --bucket "$B" --key page/k3
check "delete-object of a missing key succeeds (204)" aws s3api delete-object --bucket "$B" --key page/never-existed

section "low-level multipart API"
uid="$(aws s3api create-multipart-upload --bucket "$B" --key mpu/obj --query UploadId --output text 2>&1)"
if [ -n "$uid" ] && [ "$uid" != None ]; then pass "create-multipart-upload"; else fail "create-multipart-upload" "$uid"; fi
head -c 5242880 "$F/9m-random.bin" >"$D/p1"
tail -c +5242881 "$F/9m-random.bin" >"$D/p2"
e1="$(aws s3api upload-part --bucket "$B" --key mpu/obj --upload-id "$uid" --part-number 1 --body "$D/p1" --query ETag --output text 2>&1)"
e2="$(aws s3api upload-part --bucket "$B" --key mpu/obj --upload-id "$uid" --part-number 2 --body "$D/p2" --query ETag --output text 2>&1)"
check_eq "upload-part 1 ETag is the part MD5" "\"$(md5sum "$D/p1" | cut -d' ' -f1)\"" "$e1"
out="$(aws s3api list-parts --bucket "$B" --key mpu/obj --upload-id "$uid" --query 'Parts[].PartNumber' --output text 2>&1 | words)"
check_eq "list-parts" "1 2" "$out"
out="$(aws s3api list-multipart-uploads --bucket "$B" --query 'Uploads[].Key' --output text 2>&1)"
check_contains "list-multipart-uploads shows the upload" "mpu/obj" "$out"
check "complete-multipart-upload" aws s3api complete-multipart-upload --bucket "$B" --key mpu/obj --upload-id "$uid" \
  --multipart-upload "{\"Parts\":[{\"PartNumber\":1,\"ETag\":$e1},{\"PartNumber\":2,\"ETag\":$e2}]}"
check "get completed multipart object" aws s3api get-object --bucket "$B" --key mpu/obj "$D/mpu.bin"
check_same "byte-exact multipart object" "$F/9m-random.bin" "$D/mpu.bin"
expected_etag="\"$(cat "$D/p1" | md5sum | cut -d' ' -f1 | perl -ne 'print pack("H*", $1) if /^([0-9a-f]+)/' >"$D/md5s"; \
  md5sum "$D/p2" | cut -d' ' -f1 | perl -ne 'print pack("H*", $1) if /^([0-9a-f]+)/' >>"$D/md5s"; md5sum "$D/md5s" | cut -d' ' -f1)-2\""
etag="$(aws s3api head-object --bucket "$B" --key mpu/obj --query ETag --output text 2>&1)"
check_eq "multipart ETag = md5(part md5s)-2" "$expected_etag" "$etag"
uid2="$(aws s3api create-multipart-upload --bucket "$B" --key mpu/small --query UploadId --output text 2>&1)"
s1="$(aws s3api upload-part --bucket "$B" --key mpu/small --upload-id "$uid2" --part-number 1 --body "$F/100k.bin" --query ETag --output text 2>&1)"
s2="$(aws s3api upload-part --bucket "$B" --key mpu/small --upload-id "$uid2" --part-number 2 --body "$F/100k.bin" --query ETag --output text 2>&1)"
check_fails "complete with a small non-last part -> EntityTooSmall" "EntityTooSmall" aws s3api complete-multipart-upload --bucket "$B" --key mpu/small --upload-id "$uid2" \
  --multipart-upload "{\"Parts\":[{\"PartNumber\":1,\"ETag\":$s1},{\"PartNumber\":2,\"ETag\":$s2}]}"
check "abort-multipart-upload" aws s3api abort-multipart-upload --bucket "$B" --key mpu/small --upload-id "$uid2"
check_fails "list-parts of an aborted upload -> NoSuchUpload" "NoSuchUpload" aws s3api list-parts --bucket "$B" --key mpu/small --upload-id "$uid2"

section "presigned URLs"
url="$(aws s3 presign "s3://$B/files/9m-random.bin" --expires-in 300 2>&1)"
check "curl download of a presigned URL" curl -fsS -o "$D/presigned.bin" "$url"
check_same "byte-exact presigned download" "$F/9m-random.bin" "$D/presigned.bin"
url="$(aws s3 presign "s3://$B/special/ünïcödé/ключ/😀.txt" --expires-in 300 2>&1)"
check "curl download of a presigned URL with a unicode key" curl -fsS -o "$D/presigned-u.bin" "$url"
check_same "byte-exact presigned unicode key" "$F/100k.bin" "$D/presigned-u.bin"
url="$(aws s3 presign "s3://$B/files/one.bin" --expires-in 1 2>&1)"
sleep 2
check_fails "expired presigned URL -> 403 AccessDenied" "403|AccessDenied" curl -fsS -o /dev/null -w '%{http_code}' "$url"
url="$(aws s3 presign "s3://$B/files/one.bin" --expires-in 300 2>&1)"
check_fails "tampered presigned URL -> 403" "403" curl -fsS -o /dev/null "${url/files\/one.bin/files\/100k.bin}"
# Virtual-host style: bucket.localhost resolves to loopback in curl only, so check it with a
# presigned URL signed for that host.
mkdir -p "$HOME/.aws"
printf '[default]\ns3 =\n    addressing_style = virtual\n' >"$HOME/.aws/config"
url="$("$AWS_BIN" --endpoint-url "http://localhost:$S3_PORT" s3 presign "s3://$B/files/100k.bin" 2>&1)"
rm -f "$HOME/.aws/config"
check_contains "virtual-host presigned URL uses bucket.localhost" "http://$B.localhost:$S3_PORT/files/100k.bin" "$url"
check "curl download, virtual-host style" curl -fsS -o "$D/vhost.bin" "$url"
check_same "byte-exact virtual-host download" "$F/100k.bin" "$D/vhost.bin"

section "error cases"
check_fails "get-object missing key -> NoSuchKey" "NoSuchKey" aws s3api get-object --bucket "$B" --key no/such/key "$D/x"
check_fails "head-object missing key -> 404" "404|Not Found" aws s3api head-object --bucket "$B" --key no/such/key
check_fails "get-object 'files/one.bin/' when only files/one.bin exists -> NoSuchKey" "NoSuchKey" aws s3api get-object --bucket "$B" --key files/one.bin/ "$D/x"
check_fails "list missing bucket -> NoSuchBucket" "NoSuchBucket" aws s3api list-objects-v2 --bucket "nope-$RUN_ID"
check_fails "s3 cp into a missing bucket -> NoSuchBucket" "NoSuchBucket" aws s3 cp "$F/one.bin" "s3://nope-$RUN_ID/x"
check_fails "rb non-empty bucket -> BucketNotEmpty" "BucketNotEmpty" aws s3api delete-bucket --bucket "$B"
check_fails "wrong secret key -> SignatureDoesNotMatch" "SignatureDoesNotMatch" \
  env AWS_SECRET_ACCESS_KEY=wrongwrongwrongwrongwrongwrongwrongwrong "$AWS_BIN" --endpoint-url "$ENDPOINT" s3api list-objects-v2 --bucket "$B"
check_fails "unknown access key -> InvalidAccessKeyId" "InvalidAccessKeyId" \
  env AWS_ACCESS_KEY_ID=AKIANOTAKNOWNKEY0000 "$AWS_BIN" --endpoint-url "$ENDPOINT" s3api list-objects-v2 --bucket "$B"
check_fails "copy-object from a missing key -> NoSuchKey" "NoSuchKey" aws s3api copy-object --bucket "$B" --key x --copy-source "$B/no/such/key"
check_fails "upload-part to an unknown upload -> NoSuchUpload" "NoSuchUpload" aws s3api upload-part --bucket "$B" --key x --upload-id bogus-upload --part-number 1 --body "$F/one.bin"

section "rm --recursive, rb"
check "s3 rm --recursive files/" aws s3 rm --recursive "s3://$B/files/"
out="$(aws s3 ls "s3://$B/files/" 2>&1)"
check_eq "files/ prefix is empty" "" "$out"
check "s3 rb --force (deletes remaining objects)" aws s3 rb --force "s3://$B"
check "s3 rb --force second bucket" aws s3 rb --force "s3://$B2"
out="$(aws s3 ls 2>&1)"
if grep -q "$B" <<<"$out"; then fail "buckets are gone" "$out"; else pass "buckets are gone"; fi

compat_finish
