#!/usr/bin/env bash
# boto3 (Debian's python3-boto3) against tessera: runs boto3.py with the server started here.
source "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3 # Debian's interpreter, where python3-boto3 lives (a pyenv shim may shadow python3)
if ! "$PY" -c 'import boto3' 2>/dev/null; then
  COMPAT_NAME=boto3; fail "python3-boto3 installed"; compat_finish
fi

compat_init boto3
F="$COMPAT_WORK/files"
make_files "$F"
export PYTHONDONTWRITEBYTECODE=1 COMPAT_FILES="$F" COMPAT_WORK RUN_ID BOTO3_COUNTS="$COMPAT_WORK/boto3.counts"
"$PY" -P "$COMPAT_DIR/boto3.py"
compat_add_counts "$BOTO3_COUNTS" boto3.py
compat_finish
