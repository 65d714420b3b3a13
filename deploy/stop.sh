#!/usr/bin/env bash
# Stops the demo PostgreSQL cluster if deploy/run.sh left it running.
set -euo pipefail
exec "$(dirname "${BASH_SOURCE[0]}")/pg.sh" stop demo
