#!/usr/bin/env bash
# The alert rules against a live platform: Debian's Prometheus scrapes a
# running `petrade up` (2-node devnet, gateway) with deploy/prometheus's
# rules, one node is killed, and PetradeNodeDown must fire for that node
# and no other. The devnet's own restart and the supervisor's repair are
# set far out so the node stays down for the alert's 30 s.
#
#   scripts/check_alerts_live.sh [PETRADE_BINARY]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PETRADE="${1:-$ROOT/build/petrade}"
RULES="$ROOT/deploy/prometheus/rules.yml"
fail() { echo "check_alerts_live: FAIL: $*" >&2; exit 1; }
note() { echo "check_alerts_live: $*"; }

command -v prometheus >/dev/null || fail "prometheus not found (Debian package prometheus; scripts/setup.sh installs it)"
[ -x "$PETRADE" ] || fail "$PETRADE is not built"

WORK="$(mktemp -d)"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill -INT "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do
    for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

# Ports: three single ones and a base with its neighbour free, all on loopback.
read -r BASE CONTROL HTTP PROM < <(python3 "$ROOT/scripts/lib/free_ports.py" 2 3)

cat >"$WORK/petrade.json" <<EOF
{
  "devnet": { "nodes": 2, "base_port": $BASE, "data_dir": "$WORK/devnet", "restart_backoff_ms": 600000 },
  "supervisor": { "probe_interval_ms": 500, "repair_after": 100000 },
  "control": { "port": $CONTROL },
  "gateway": { "address": "127.0.0.1", "port": $HTTP, "web_root": "$ROOT/web/dist" }
}
EOF
cat >"$WORK/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - $RULES
scrape_configs:
  - job_name: petrade
    static_configs:
      - targets: ["127.0.0.1:$HTTP"]
EOF

note "petrade up on nodes $BASE-$((BASE + 1)), gateway $HTTP; prometheus on $PROM"
"$PETRADE" up --config "$WORK/petrade.json" >"$WORK/petrade.log" 2>&1 &
PIDS+=($!)
prometheus --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/tsdb" \
  --web.listen-address="127.0.0.1:$PROM" >"$WORK/prometheus.log" 2>&1 &
PIDS+=($!)

# query EXPR: prints "node=value" for each series of an instant query.
query() {
  curl -fsS --max-time 5 "http://127.0.0.1:$PROM/api/v1/query" --data-urlencode "query=$1" 2>/dev/null |
    python3 -c 'import json,sys; d=json.load(sys.stdin)
for r in d["data"]["result"]: print(r["metric"].get("node","-") + "=" + r["value"][1])'
}
# alerts NAME STATE: prints the node label of each alert NAME in STATE.
alerts() {
  curl -fsS --max-time 5 "http://127.0.0.1:$PROM/api/v1/alerts" 2>/dev/null |
    python3 -c 'import json,sys; d=json.load(sys.stdin)
for a in d["data"]["alerts"]:
    if a["labels"]["alertname"] == sys.argv[1] and a["state"] == sys.argv[2]: print(a["labels"].get("node","-"))' "$1" "$2"
}
wait_until() {   # wait_until SECONDS DESCRIPTION COMMAND...
  local limit=$1 what=$2; shift 2
  for _ in $(seq $((limit * 2))); do
    if "$@"; then return 0; fi
    sleep 0.5
  done
  echo "--- petrade log (tail)" >&2; tail -20 "$WORK/petrade.log" >&2
  echo "--- prometheus log (tail)" >&2; tail -5 "$WORK/prometheus.log" >&2
  fail "$what"
}
both_reachable() { [ "$(query 'petrade_node_reachable' | sort | tr '\n' ' ')" = "node0=1 node1=1 " ]; }
wait_until 90 "Prometheus never saw both nodes reachable through petrade's /metrics" both_reachable
[ -z "$(alerts PetradeNodeDown firing)$(alerts PetradeNodeDown pending)" ] ||
  fail "PetradeNodeDown is active while every node answers"
[ "$(query 'up{job="petrade"}')" = "-=1" ] || fail "the petrade scrape target is not up"

NODE1="$(pgrep -f "anvil.* --port $((BASE + 1))( |\$)" | head -1)"
[ -n "$NODE1" ] || fail "no anvil process on port $((BASE + 1))"
KILLED_AT=$(date +%s)
kill -KILL "$NODE1"
note "killed node1 (anvil pid $NODE1); waiting for PetradeNodeDown (for: 30s)"

node1_down() { [ "$(query 'petrade_node_reachable{node="node1"}')" = "node1=0" ]; }
wait_until 20 "petrade_node_reachable{node=\"node1\"} never went to 0" node1_down
firing() { [ "$(alerts PetradeNodeDown firing | tr '\n' ' ')" = "node1 " ]; }
wait_until 90 "PetradeNodeDown did not fire for node1 (and only node1)" firing
TOOK=$(( $(date +%s) - KILLED_AT ))
[ "$TOOK" -ge 30 ] || fail "PetradeNodeDown fired after ${TOOK}s, before its 30 s"
[ "$(query 'petrade_node_reachable{node="node0"}')" = "node0=1" ] || fail "node0 went down too"
note "PetradeNodeDown fired for node1 ${TOOK}s after the kill; node0 still reachable"
