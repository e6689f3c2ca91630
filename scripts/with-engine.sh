#!/usr/bin/env bash
# Run a command with private engines, and stop them afterwards.
#   scripts/with-engine.sh [--engines "A B ..."] [--workers N] COMMAND...
# Without --workers (or with 0): every engine named is up while COMMAND runs, and the first
# engine's URL is exported as DOCKSPEC_DOCKER_HOST (never DOCKER_HOST, so nothing else on the
# machine starts talking to it by accident); tests reach the others by name.
# With --workers N (N > 0): the engines are only installed here, COMMAND (pytest) gets
# `-n N --dist loadgroup`, and each pytest-xdist worker starts the engines its tests need in
# `$DOCKSPEC_ENGINE_DIR/gwK/` (tests/conftest.py); all of them are stopped at the end, whatever
# happened to the workers.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dockspec="$here/../.venv/bin/dockspec"
names="docker-20.10"
workers=0
while [ $# -gt 0 ]; do
  case "$1" in
    --engines) names=$2; shift 2 ;;
    --workers) workers=$2; shift 2 ;;
    *) break ;;
  esac
done
first=${names%% *}
base=${DOCKSPEC_ENGINE_DIR:-/tmp/dockspec-engine}
stop_all() {
  # shellcheck disable=SC2086
  "$dockspec" engine down $names >/dev/null
  for d in "$base"/gw*; do
    [ -d "$d" ] && DOCKSPEC_ENGINE_DIR=$d "$dockspec" engine down --all >/dev/null
  done
}
if [ "$workers" -gt 0 ]; then
  # shellcheck disable=SC2086
  "$dockspec" engine install $names >/dev/null || exit 2
  unset DOCKSPEC_DOCKER_HOST
  "$@" -n "$workers" --dist loadgroup --no-loadscope-reorder
  status=$?
else
  # shellcheck disable=SC2086
  "$dockspec" engine up $names >/dev/null || { stop_all; exit 2; }
  host=$("$dockspec" engine status "$first" | awk '{print $3}')
  export DOCKSPEC_DOCKER_HOST="$host"
  "$@"
  status=$?
fi
stop_all
exit $status
