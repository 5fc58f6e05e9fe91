#!/usr/bin/env bash
# Every example in config/ as an operator would use it: the devnet ones
# start the platform (health answers over HTTP or HTTPS, status over the
# control port, /metrics reports the worker link of the split, SIGINT stops
# it cleanly); the external-node one, with no
# node listening, refuses to start with "cannot reach node NAME at URL".
# Ports are moved to free ones with flags (which override the file); each
# run works in its own scratch folder, where the files' relative paths
# (run/…, web/dist) land.
#
#   scripts/check_config_examples.sh [PETRADE_BINARY]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PETRADE="${1:-$ROOT/build/petrade}"
fail() { echo "check_config_examples: FAIL: $*" >&2; exit 1; }
note() { echo "check_config_examples: $*"; }
[ -x "$PETRADE" ] || fail "$PETRADE is not built"

WORK="$(mktemp -d)"
UP_PID=""
cleanup() {
  if [ -n "$UP_PID" ]; then kill -KILL "$UP_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

free_ports() {   # free_ports N: a base with N consecutive free ports, then two single ones
  python3 "$ROOT/scripts/lib/free_ports.py" "$1" 2
}

# starts NAME SCHEME: the example starts, answers /api/health and status,
# and stops cleanly on SIGINT.
starts() {
  local name=$1 scheme=$2 dir="$WORK/$1"
  local nodes
  nodes=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["devnet"].get("nodes", 3))' \
    "$ROOT/config/$name.json")
  read -r base control http < <(free_ports "$nodes")
  mkdir -p "$dir/web" && ln -s "$ROOT/web/dist" "$dir/web/dist"
  if [ "$scheme" = https ]; then   # the files config/tls.json names, made as docs/operations.md says
    mkdir -p "$dir/run/tls"
    openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=localhost" \
      -addext "subjectAltName=IP:127.0.0.1" -keyout "$dir/run/tls/key.pem" \
      -out "$dir/run/tls/cert.pem" 2>/dev/null
  fi
  (cd "$dir" && exec "$PETRADE" up --config "$ROOT/config/$name.json" --base-port "$base" \
     --control-port "$control" --http-port "$http" >"$dir/up.log" 2>&1) &
  UP_PID=$!
  local ok="" tls=()
  [ "$scheme" = https ] && tls=(--cacert "$dir/run/tls/cert.pem")
  for _ in $(seq 240); do
    if curl -fsS --max-time 2 "${tls[@]}" "$scheme://127.0.0.1:$http/api/health" >/dev/null 2>&1; then
      ok=1; break
    fi
    kill -0 "$UP_PID" 2>/dev/null || break
    sleep 0.5
  done
  if [ -z "$ok" ]; then tail -20 "$dir/up.log" >&2; fail "config/$name.json: no $scheme health answer"; fi
  # No worker runs here: the split shows its link down, the others have none.
  local worker
  worker=$(curl -fsS --max-time 5 "${tls[@]}" "$scheme://127.0.0.1:$http/metrics" |
             grep '^petrade_worker_attached' || true)
  if [ "$name" = worker-split ]; then
    [ "$worker" = "petrade_worker_attached 0" ] ||
      fail "config/$name.json without its worker: /metrics says '$worker', expected petrade_worker_attached 0"
  else
    [ -z "$worker" ] || fail "config/$name.json runs no worker but /metrics says '$worker'"
  fi
  local status
  status=$("$PETRADE" status --json --control-port "$control") || fail "config/$name.json: status failed"
  local seen
  seen=$(python3 -c 'import json,sys; print(len(json.loads(sys.argv[1])["cluster"]["nodes"]))' "$status")
  [ "$seen" = "$nodes" ] || fail "config/$name.json: status shows $seen nodes, the file has $nodes"
  kill -INT "$UP_PID"
  local rc=0
  wait "$UP_PID" || rc=$?
  UP_PID=""
  [ "$rc" = 0 ] || { tail -20 "$dir/up.log" >&2; fail "config/$name.json: petrade up exited $rc on SIGINT"; }
  note "config/$name.json starts ($nodes nodes, $scheme) and stops cleanly"
}

for f in "$ROOT"/config/*.json; do
  name=$(basename "$f" .json)
  case "$name" in
    petrade|worker-split) starts "$name" http ;;
    tls) starts "$name" https ;;
    external-geth)
      # Nothing listens on the file's node URLs here (checked first, so a
      # real node on this machine cannot make the check pass by accident).
      for url in $(python3 -c 'import json,sys; [print(n["url"]) for n in json.load(open(sys.argv[1]))["nodes"]]' "$f"); do
        port=${url##*:}; port=${port%%/*}
        if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
          fail "something listens on $port; cannot check that config/$name.json refuses unreachable nodes"
        fi
      done
      read -r _ control http < <(free_ports 1)
      mkdir -p "$WORK/$name"
      rc=0
      out=$(cd "$WORK/$name" && timeout 60 "$PETRADE" up --config "$f" --control-port "$control" \
              --http-port "$http" 2>&1) || rc=$?
      [ "$rc" != 0 ] || fail "config/$name.json started with no node reachable"
      [ "$rc" != 124 ] || fail "config/$name.json hung instead of refusing unreachable nodes"
      echo "$out" | grep -q "cannot reach node geth0 at http://127.0.0.1:8545" ||
        fail "config/$name.json: expected 'cannot reach node geth0 at http://127.0.0.1:8545', got: $out"
      note "config/$name.json refuses to start: $(echo "$out" | grep -o 'cannot reach node geth0[^"]*' | head -1)"
      ;;
    *) fail "config/$name.json has no check here: add one" ;;
  esac
done
