# An entrypoint script that parses its arguments the usual way.
docker import base.tar base:1
docker run --rm --network none base:1 sh -c '
usage() { echo "usage: $0 [-v] [-n NAME] cmd..." >&2; exit 64; }
verbose=0
name=world
while [ $# -gt 0 ]; do
  case "$1" in
    -v|--verbose) verbose=1; shift ;;
    -n|--name) name="$2"; shift 2 ;;
    --) shift; break ;;
    -*) usage ;;
    *) break ;;
  esac
done
[ $verbose -eq 1 ] && echo "verbose mode, $# args left"
echo "hello, $name"
for arg in "$@"; do echo "arg: $arg"; done
' entrypoint -v --name docker -- one "two words"
docker run --rm --network none base:1 sh -c 'case "$1" in start|run) echo starting;; *) echo "unknown: $1"; exit 1;; esac' entrypoint stop
docker run --rm --network none base:1 sh -c '[ $# -ge 1 ] || { echo "need an argument" >&2; exit 2; }' entrypoint
docker run --rm --network none base:1 sh -c 'usage() { echo usage >&2; exit 64; }; [ "$1" = -x ] && usage; echo fine' entrypoint -x
