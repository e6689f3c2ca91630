#!/usr/bin/env bash
# Run a command with a private Docker engine up, and stop the engine afterwards.
# The engine's socket is exported as DOCKSPEC_DOCKER_HOST (never DOCKER_HOST, so
# nothing else on the machine starts talking to it by accident).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
host=$("$here/engine.sh" up) || exit 2
export DOCKSPEC_DOCKER_HOST="$host"
"$@"
status=$?
"$here/engine.sh" down
exit $status
