#!/usr/bin/env bash
# Replay every replays/NN-*.sh against a private Debian Docker 20.10 engine and
# write a transcript (stdout, stderr, exit status of each line).
#
#   docs/engine-facts.sh [replays/NN-topic.sh ...]   > transcript.md
#
# Only ever talks to the private engine under /tmp/dockspec-engine-facts: it
# starts it (scripts/engine.sh up), and before each replay script it removes
# every container and image of THAT engine.  It never uses $DOCKER_HOST from
# the environment.
#
# Output: markdown on stdout, ids normalised:
#   <id12:NAME> / <id64:NAME>  12-char short / 64-char long id of a container
#                              (NAME = its --name) or image (NAME = first repo:tag
#                              it was seen with, else imgN for an untagged image)
#   <id12:anonN>/<id64:anonN>  an id of something no longer listed (e.g. a
#                              build's intermediate container, a layer digest)
# Raw (un-normalised) output is kept in $ENGINE_DIR/raw/NN-topic.txt.
# Times ("2 seconds ago", tar mtimes) are left as observed.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
export DOCKSPEC_ENGINE_DIR=/tmp/dockspec-engine-facts
ENGINE_DIR=$DOCKSPEC_ENGINE_DIR
"$here/scripts/engine.sh" up >/dev/null
export DOCKER_HOST=unix://$ENGINE_DIR/docker.sock
export DOCKER_BUILDKIT=0           # the legacy builder, as Debian's 20.10 default
unset DOCKER_CONTEXT DOCKER_CONFIG 2>/dev/null || true
D=/usr/bin/docker

# --- base.tar: busybox-static plus one symlink per applet, /tmp /etc /root ---
mkdir -p "$ENGINE_DIR/base"
if [ ! -f "$ENGINE_DIR/base/base.tar" ]; then
    rootfs=$ENGINE_DIR/base/root
    rm -rf "$rootfs"; mkdir -p "$rootfs/bin" "$rootfs/tmp" "$rootfs/etc" "$rootfs/root"
    cp /bin/busybox "$rootfs/bin/busybox"
    for a in $(/bin/busybox --list); do
        [ "$a" = busybox ] || ln -s busybox "$rootfs/bin/$a"
    done
    chmod 1777 "$rootfs/tmp"; chmod 700 "$rootfs/root"
    tar -C "$rootfs" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner \
        -cf "$ENGINE_DIR/base/base.tar" .
fi

reset_engine() {
    # only the private engine: DOCKER_HOST was set above, never inherited
    local cs is
    cs=$($D ps -aq) || true
    [ -z "$cs" ] || $D rm -f $cs >/dev/null 2>&1 || true
    # parents with children refuse even -f: repeat until nothing is left
    for _ in $(seq 1 30); do
        is=$($D images -aq | sort -u) || true
        [ -n "$is" ] || break
        $D rmi -f $is >/dev/null 2>&1 || true
    done
    if [ -n "$($D images -aq)" ]; then echo "engine-facts: could not empty the engine" >&2; exit 1; fi
}

if [ $# -eq 0 ]; then set -- "$here"/replays/[0-9]*.sh; fi
mkdir -p "$ENGINE_DIR/raw"
for script in "$@"; do
    script=$(cd "$(dirname "$script")" && pwd)/$(basename "$script")
    name=$(basename "$script" .sh)
    reset_engine
    work=$ENGINE_DIR/work/$name
    rm -rf "$work"; mkdir -p "$work"
    ln -s "$ENGINE_DIR/base/base.tar" "$work/base.tar"
    ln -s "$here/replays/contexts" "$work/contexts"
    ( cd "$work" && python3 - "$script" "$ENGINE_DIR/raw/$name.txt" <<'PY'
import os, re, shlex, subprocess, sys, json

script, rawpath = sys.argv[1], sys.argv[2]
D = "/usr/bin/docker"
names = {}          # 64-hex id -> NAME
untagged = set()    # 64-hex ids of images seen only untagged
anon = {}
counters = {"img": 0, "anon": 0}

def sh(args):
    return subprocess.run(args, capture_output=True, text=True)

def snapshot():
    r = sh([D, "ps", "-a", "--no-trunc", "--format", "{{.ID}} {{.Names}}"])
    for l in r.stdout.splitlines():
        i, n = l.split(" ", 1)
        names.setdefault(i, n)
    r = sh([D, "images", "-a", "--no-trunc", "--format", "{{.ID}} {{.Repository}}:{{.Tag}}"])
    for l in r.stdout.splitlines():
        i, n = l.split(" ", 1)
        i = i.split(":", 1)[1]
        if n == "<none>:<none>":
            if i not in names:
                untagged.add(i)
        elif i not in names:
            k, base = 2, n
            while n in names.values():      # a tag that moved to a new image
                n = "%s#%d" % (base, k); k += 1
            names[i] = n
            untagged.discard(i)

def name_of(full):
    if full in names:
        return names[full]
    if full in untagged:
        counters["img"] += 1
        names[full] = "img%d" % counters["img"]
        return names[full]
    if full not in anon:
        counters["anon"] += 1
        anon[full] = "anon%d" % counters["anon"]
    return anon[full]

def norm(text):
    def long_(m):
        return "<id64:%s>" % name_of(m.group(0))
    # give names in order of appearance, 64-hex first then 12-hex prefixes
    for m in re.finditer(r"(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])", text):
        name_of(m.group(0))
    text = re.sub(r"(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])", long_, text)
    def short(m):
        s = m.group(0)
        known = [f for f in list(names) + sorted(untagged) + list(anon) if f.startswith(s)]
        if known:
            return "<id12:%s>" % name_of(known[0])
        full = s + "?" * 52           # unknown: remember by its prefix
        return "<id12:%s>" % name_of(full)
    return re.sub(r"(?<![0-9a-f])[0-9a-f]{12}(?![0-9a-f])", short, text)

out = []
raw = []
for line in open(script, encoding="utf-8"):
    s = line.rstrip("\n")
    if not s.strip():
        continue
    if s.lstrip().startswith("#"):
        out.append(s)
        continue
    argv = shlex.split(s, comments=True)
    assert argv[0] == "docker", s
    snapshot()
    def resolve(m):
        r = sh([D, "inspect", "--format", "{{.Id}}", m.group(2)])
        full = r.stdout.strip().split(":")[-1] or ("0" * 64)
        return full if m.group(1) == "id64" else full[:12]
    argv = [re.sub(r"\{(id|id64):([^}]+)\}", resolve, a) for a in argv]
    r = sh([D] + argv[1:])
    snapshot()
    raw.append(json.dumps({"cmd": s, "stdout": r.stdout, "stderr": r.stderr, "rc": r.returncode}))
    out.append("$ " + s)
    if r.stdout:
        out.append("[stdout]")
        out.append(norm(r.stdout).rstrip("\n"))
    if r.stderr:
        out.append("[stderr]")
        out.append(norm(r.stderr).rstrip("\n"))
    out.append("[exit %d]" % r.returncode)

# archives written by the script (save -o / export -o): their listings
for f in sorted(os.listdir(".")):
    if f.endswith(".tar") and f != "base.tar":
        r = sh(["tar", "-tvf", f])
        out.append("## tar -tvf %s (lines 'bin/APPLET -> busybox' left out)" % f)
        keep = [l for l in r.stdout.splitlines() if not re.search(r" (\./)?bin/\S+ -> busybox$", l)]
        out.append(norm("\n".join(keep)))
        r = sh(["tar", "-tf", f])
        for layer in [l for l in r.stdout.splitlines() if l.endswith("/layer.tar")]:
            x = sh(["sh", "-c", "tar -xOf %s %s | tar -tvf - | grep -v -E ' (\\./)?bin/[^ ]+ -> busybox$'" % (shlex.quote(f), shlex.quote(layer))])
            out.append(norm("## tar -tvf of %s in %s (applet symlinks left out)" % (layer, f)))
            out.append(norm(x.stdout).rstrip("\n"))
        for member in ("manifest.json", "repositories"):
            r = sh(["tar", "-xOf", f, member])
            if r.returncode == 0:
                out.append("## %s in %s" % (member, f))
                out.append(norm(r.stdout).rstrip("\n"))
open(rawpath, "w").write("\n".join(raw) + "\n")
print("\n".join(out))
PY
    ) | { echo "# $name"; echo '```'; cat; echo '```'; echo; }
done
