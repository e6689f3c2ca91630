#!/usr/bin/env bash
# Run a command with private engines up, and stop them afterwards.
#   scripts/with-engine.sh [--engines "A B ..."] COMMAND...
# The first engine's URL is exported as DOCKSPEC_DOCKER_HOST (never DOCKER_HOST, so
# nothing else on the machine starts talking to it by accident); every engine named
# is up while COMMAND runs (tests reach the others by name).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dockspec="$here/../.venv/bin/dockspec"
names="docker-20.10"
if [ "${1:-}" = "--engines" ]; then names=$2; shift 2; fi
first=${names%% *}
# shellcheck disable=SC2086
"$dockspec" engine up $names >/dev/null || { "$dockspec" engine down $names >/dev/null; exit 2; }
host=$("$dockspec" engine status "$first" | awk '{print $3}')
export DOCKSPEC_DOCKER_HOST="$host"
"$@"
status=$?
# shellcheck disable=SC2086
"$dockspec" engine down $names >/dev/null
exit $status
