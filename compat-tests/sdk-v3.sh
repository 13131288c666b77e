#!/usr/bin/env bash
# AWS SDK for JavaScript v3 against tessera: runs sdk-v3.mjs with the server started here.
source "$(dirname "$0")/lib.sh"

if [ ! -d "$REPO_ROOT/node_modules/@aws-sdk/client-s3" ] || [ ! -d "$REPO_ROOT/node_modules/@aws-sdk/lib-storage" ]; then
  COMPAT_NAME=sdk-v3; fail "@aws-sdk/client-s3 and @aws-sdk/lib-storage installed (npm ci)"; compat_finish
fi

compat_init sdk-v3
node -e 'console.log("@aws-sdk/client-s3 " + require("@aws-sdk/client-s3/package.json").version + ", node " + process.version)' 2>/dev/null ||
  (cd "$REPO_ROOT" && node -e 'console.log("@aws-sdk/client-s3 " + require("@aws-sdk/client-s3/package.json").version + ", node " + process.version)')
F="$COMPAT_WORK/files"
make_files "$F"
export COMPAT_FILES="$F" COMPAT_WORK RUN_ID SDK_COUNTS="$COMPAT_WORK/sdk.counts"
node "$COMPAT_DIR/sdk-v3.mjs"
compat_add_counts "$SDK_COUNTS" sdk-v3.mjs
compat_finish
