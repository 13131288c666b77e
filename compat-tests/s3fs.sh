#!/usr/bin/env bash
# s3fs-fuse against tessera: mount a bucket, work through the mount (write, read, mkdir,
# rename, append, chmod, rm), and verify every result through the S3 API with aws-cli.
# s3fs uses ListObjects v1, zero-byte "dir/" marker objects, and CopyObject with
# x-amz-metadata-directive: REPLACE for chmod and rename.
source "$(dirname "$0")/lib.sh"

COMPAT_NAME=s3fs
if [ ! -e /dev/fuse ]; then
  echo "SKIP s3fs: /dev/fuse does not exist here (FUSE unavailable in this environment)"
  compat_finish
fi
if ! command -v s3fs >/dev/null || ! command -v fusermount >/dev/null; then
  fail "s3fs and fusermount installed (apt-get install s3fs fuse3)"; compat_finish
fi
AWS_BIN=/usr/bin/aws
if [ ! -x "$AWS_BIN" ]; then
  fail "aws-cli installed (used to verify through the S3 API)"; compat_finish
fi

compat_init s3fs
s3fs --version 2>&1 | head -1
aws() { "$AWS_BIN" --endpoint-url "$ENDPOINT" "$@"; }

B="s3fs-$RUN_ID"
compat_files
MNT="$COMPAT_WORK/mnt"
mkdir -p "$MNT"

PW="$COMPAT_WORK/passwd-s3fs"
printf '%s:%s\n' "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" >"$PW"
chmod 600 "$PW"

unmount() {
  if mountpoint -q "$MNT" 2>/dev/null; then
    fusermount -u "$MNT" 2>/dev/null || fusermount -uz "$MNT" 2>/dev/null || umount -l "$MNT" 2>/dev/null || true
  fi
}
COMPAT_CLEANUP_HOOK=unmount

mount_bucket() {
  s3fs "$B" "$MNT" -o "passwd_file=$PW,url=$ENDPOINT,use_path_request_style,endpoint=us-east-1" \
    -o "multipart_threshold=10,multipart_size=5,parallel_count=4,stat_cache_expire=1,retries=2,connect_timeout=10,readwrite_timeout=60" \
    -o "dbglevel=warn,logfile=$COMPAT_WORK/s3fs.log" >>"$COMPAT_WORK/s3fs.log" 2>&1 || return 1
  local i
  for i in $(seq 1 100); do
    mountpoint -q "$MNT" && return 0
    sleep 0.1
  done
  return 1
}

section "mount"
check "create bucket (aws s3 mb)" aws s3 mb "s3://$B"
if ! check "s3fs mount" mount_bucket; then
  sed 's/^/        | /' "$COMPAT_WORK/s3fs.log" | tail -20
  compat_finish
fi

section "write through the mount, verify through S3"
for f in "${FILES[@]}"; do
  check "cp $f into the mount" cp "$F/$f" "$MNT/$f"
done
check "sync the mount" sync
for f in "${FILES[@]}"; do
  rm -f "$D/$f"
  check "aws get $f" aws s3api get-object --bucket "$B" --key "$f" "$D/$f"
  check_same "byte-exact in S3: $f" "$F/$f" "$D/$f"
done
etag="$(aws s3api head-object --bucket "$B" --key 20m.txt --query ETag --output text 2>&1)"
if [[ "$etag" =~ -[0-9]+\"?$ ]]; then pass "20 MiB written as a multipart upload ($etag)"; else fail "20 MiB written as a multipart upload" "$etag"; fi

section "read through the mount"
for f in "${FILES[@]}"; do
  check_same "byte-exact read through the mount: $f" "$F/$f" "$MNT/$f"
done
check "aws put an object from outside" aws s3 cp "$F/100k.bin" "s3://$B/outside/x.bin"
out="$(ls "$MNT/outside" 2>&1)"
check_eq "object put through S3 is visible in the mount" "x.bin" "$out"
check_same "byte-exact read of the outside object" "$F/100k.bin" "$MNT/outside/x.bin"
out="$(ls -la "$MNT" 2>&1)"
for f in "${FILES[@]}"; do
  size="$(stat -c %s "$F/$f")"
  if grep -Eq " $size [A-Z][a-z]{2} .* $f\$" <<<"$out"; then pass "ls -la shows $f with size $size"; else fail "ls -la shows $f with size $size" "$out"; fi
done
check "head -c through the mount (range read)" bash -c "head -c 4096 '$MNT/9m-random.bin' | cmp - <(head -c 4096 '$F/9m-random.bin')"
check "tail -c through the mount (range read at the end)" bash -c "tail -c 4096 '$MNT/20m.txt' | cmp - <(tail -c 4096 '$F/20m.txt')"

section "directories, rename, append, chmod"
check "mkdir" mkdir "$MNT/dir1"
check "mkdir -p nested" mkdir -p "$MNT/dir1/sub/deeper"
check "aws sees the dir/ marker object" aws s3api head-object --bucket "$B" --key dir1/
check "write a file in a nested directory" cp "$F/100k.bin" "$MNT/dir1/sub/deeper/n.bin"
check "aws sees the nested object" aws s3api head-object --bucket "$B" --key dir1/sub/deeper/n.bin
out="$(cd "$MNT" && find dir1 | sort | tr '\n' ' ')"
check_eq "find lists the tree" "dir1 dir1/sub dir1/sub/deeper dir1/sub/deeper/n.bin " "$out"
check "mv a file (rename: CopyObject + DeleteObject)" mv "$MNT/9m-random.bin" "$MNT/dir1/renamed.bin"
check_fails "old key is gone in S3" "404|Not Found" aws s3api head-object --bucket "$B" --key 9m-random.bin
check "aws get the renamed object" aws s3api get-object --bucket "$B" --key dir1/renamed.bin "$D/renamed.bin"
check_same "byte-exact renamed object" "$F/9m-random.bin" "$D/renamed.bin"
check "mv a directory" mv "$MNT/dir1/sub" "$MNT/dir2"
check "aws sees the moved nested object" aws s3api head-object --bucket "$B" --key dir2/deeper/n.bin
check_fails "old nested key is gone" "404|Not Found" aws s3api head-object --bucket "$B" --key dir1/sub/deeper/n.bin
check "append to a file" bash -c "printf 'appended' >> '$MNT/one.bin'"
check "sync" sync
check "aws get the appended object" aws s3api get-object --bucket "$B" --key one.bin "$D/appended.bin"
printf 'xappended' >"$D/appended-expected.bin"
check_same "appended object in S3" "$D/appended-expected.bin" "$D/appended.bin"
check "overwrite a file with new contents" cp "$F/100k.bin" "$MNT/20m.txt"
check "aws get the overwritten object" aws s3api get-object --bucket "$B" --key 20m.txt "$D/overwritten.bin"
check_same "overwritten object in S3" "$F/100k.bin" "$D/overwritten.bin"
check "chmod (metadata update by CopyObject REPLACE)" chmod 640 "$MNT/100k.bin"
out="$(aws s3api head-object --bucket "$B" --key 100k.bin --query Metadata --output text 2>&1)"
check_contains "mode stored in x-amz-meta-mode" "$(printf '%d' 0100640)" "$out"
check "aws get after chmod" aws s3api get-object --bucket "$B" --key 100k.bin "$D/chmod.bin"
check_same "contents unchanged by chmod" "$F/100k.bin" "$D/chmod.bin"
check "truncate a file" truncate -s 1000 "$MNT/100k.bin"
check "sync" sync
len="$(aws s3api head-object --bucket "$B" --key 100k.bin --query ContentLength --output text 2>&1)"
check_eq "truncated size in S3" 1000 "$len"

section "rm, rmdir"
check "rm a file" rm "$MNT/empty.bin"
check_fails "removed object is gone in S3" "404|Not Found" aws s3api head-object --bucket "$B" --key empty.bin
check "rm -r a directory" rm -r "$MNT/dir2"
out="$(aws s3api list-objects-v2 --bucket "$B" --prefix dir2 --query 'Contents[].Key' --output text 2>&1)"
check_eq "no keys left under dir2" "None" "$out"
check "rmdir of an empty directory" bash -c "rm '$MNT/dir1/renamed.bin' && rmdir '$MNT/dir1'"
check_fails "dir1/ marker gone" "404|Not Found" aws s3api head-object --bucket "$B" --key dir1/
out="$(cd "$MNT" && ls | sort | tr '\n' ' ')"
check_eq "ls of the mount root" "100k.bin 20m.txt one.bin outside " "$out"
out="$(aws s3 ls --recursive "s3://$B" 2>&1 | awk '{print $4}' | sort | tr '\n' ' ')"
check_eq "S3 listing matches the mount" "100k.bin 20m.txt one.bin outside/x.bin " "$out"

section "unmount"
check "fusermount -u" fusermount -u "$MNT"
if mountpoint -q "$MNT"; then fail "mount is gone"; else pass "mount is gone"; fi
check "remove the bucket" aws s3 rb --force "s3://$B"

compat_finish
