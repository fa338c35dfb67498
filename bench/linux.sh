#!/bin/sh
# Linux boot benchmark (not a test): bench/linux.py says what it measures.
exec python3 "$(dirname "$0")/linux.py" "$@"
