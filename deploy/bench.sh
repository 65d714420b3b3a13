#!/usr/bin/env bash
# deploy/bench.sh <name>: runs one benchmark; its last line is the figure. Names: the scripts in deploy/bench/.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
name=${1:-}
if [ -z "$name" ] || [ ! -x "$here/bench/$name.sh" ]; then
  echo "usage: deploy/bench.sh <name>; available: $(cd "$here/bench" 2>/dev/null && ls -1 *.sh 2>/dev/null | sed 's/\.sh$//' | tr '\n' ' ')" >&2
  exit 2
fi
shift
exec "$here/bench/$name.sh" "$@"
