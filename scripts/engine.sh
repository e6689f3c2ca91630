#!/usr/bin/env bash
# Install (when missing) and run a private Docker engine for dockspec.
#
#   scripts/engine.sh install   apt-get docker.io and busybox-static when missing (root)
#   scripts/engine.sh up        start a private dockerd; prints its DOCKER_HOST
#   scripts/engine.sh down      stop it
#   scripts/engine.sh status    say whether it answers
#
# The engine never shares state with a system dockerd: its own data-root,
# exec-root, pidfile and socket under $DOCKSPEC_ENGINE_DIR (default
# /tmp/dockspec-engine), no bridge and no iptables rules, so containers
# must use --network none.
set -euo pipefail
dir=${DOCKSPEC_ENGINE_DIR:-/tmp/dockspec-engine}
sock="$dir/docker.sock"
host="unix://$sock"

install() {
    if command -v dockerd >/dev/null && [ -x /usr/bin/docker ] && [ -x /bin/busybox ]; then
        return 0
    fi
    if [ "$(id -u)" != 0 ]; then
        echo "engine.sh: installing docker.io needs root; run as root or install docker.io busybox-static" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null
    apt-get install -y -q --no-install-recommends docker.io busybox-static >/dev/null
}

answers() {
    [ -S "$sock" ] || return 1
    if command -v curl >/dev/null; then
        curl -sf --max-time 2 --unix-socket "$sock" http://localhost/_ping >/dev/null 2>&1
    else
        timeout 2 /usr/bin/docker -H "$host" version --format '{{.Server.Version}}' >/dev/null 2>&1
    fi
}

up() {
    install
    mkdir -p "$dir"
    if answers; then echo "$host"; return 0; fi
    # containerd is started by dockerd itself (its own, under exec-root).
    nohup dockerd \
        --data-root "$dir/data" --exec-root "$dir/exec" --pidfile "$dir/docker.pid" \
        -H "$host" --bridge=none --iptables=false --ip6tables=false \
        --storage-driver overlay2 >"$dir/dockerd.log" 2>&1 &
    for _ in $(seq 1 200); do
        if answers; then echo "$host"; return 0; fi
        sleep 0.05
    done
    echo "engine.sh: dockerd did not answer on $sock; last lines of $dir/dockerd.log:" >&2
    tail -n 20 "$dir/dockerd.log" >&2
    exit 2
}

down() {
    if [ -f "$dir/docker.pid" ]; then
        pid=$(cat "$dir/docker.pid")
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
        rm -f "$dir/docker.pid"
    fi
}

status() {
    if answers; then echo "up $host"; else echo "down"; return 3; fi
}

case "${1:-}" in
    install) install ;;
    up) up ;;
    down) down ;;
    status) status ;;
    *) echo "usage: scripts/engine.sh install|up|down|status" >&2; exit 64 ;;
esac
