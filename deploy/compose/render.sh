#!/usr/bin/env bash
# Renders the docker-compose deployment of petrade for N geth nodes:
#
#   deploy/compose/render.sh [--docker-restart] N [OUT_DIR]
#
# OUT_DIR (default deploy/compose/out-N) receives docker-compose.yml,
# genesis.json, petrade.json, the geth and Prometheus configs and secrets/.
# Secrets already in OUT_DIR/secrets are kept, so rendering again into the
# same directory (for example with another N) gives the same chain; missing
# ones are generated. See deploy/compose/README.md.
#
# --docker-restart  gives every node a "restart_command" (docker restart
#                   CONTAINER) in petrade.json and mounts the host's docker
#                   socket into the petrade container, which then controls
#                   the host's docker. Leave it off to let compose's restart
#                   policy alone restart crashed nodes.
#
# Environment:
#   SECRETS_FROM   copy secrets/ from this earlier OUT_DIR when OUT_DIR has none
#   CHAIN_ID       chain id and network id (31337; petrade asks the nodes for it)
#   CLIQUE_PERIOD  seconds between blocks (2)
#   HTTP_PORT      host port of the gateway (8080)
#   GETH_CPUS      CPU limit of each geth container, also the probe's cpu_cores (1)
#   NET_PREFIX     first three octets of the cluster's /24 (172.30.89)
#   DOCKER_GID     group of the docker socket, with --docker-restart when
#                  /var/run/docker.sock is not on this machine
#   CAST           foundry's cast (default: cast on PATH, else tools/node_modules/.bin/cast)
set -euo pipefail

die() { printf 'render.sh: %s\n' "$*" >&2; exit 1; }
warn() { printf 'render.sh: warning: %s\n' "$*" >&2; }

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"

DOCKER_RESTART=0
if [ "${1:-}" = "--docker-restart" ]; then
  DOCKER_RESTART=1
  shift
fi
[ $# -ge 1 ] && [ $# -le 2 ] || die "usage: render.sh [--docker-restart] N [OUT_DIR]"
N="$1"
[[ "$N" =~ ^[0-9]+$ ]] && [ "$N" -ge 1 ] && [ "$N" -le 64 ] || die "N must be a number from 1 to 64, not '$N'"
OUT="${2:-$HERE/out-$N}"

CHAIN_ID="${CHAIN_ID:-31337}"
CLIQUE_PERIOD="${CLIQUE_PERIOD:-2}"
HTTP_PORT="${HTTP_PORT:-8080}"
GETH_CPUS="${GETH_CPUS:-1}"
NET_PREFIX="${NET_PREFIX:-172.30.89}"
[[ "$CHAIN_ID" =~ ^[1-9][0-9]*$ ]] || die "CHAIN_ID must be a positive number"
[[ "$CLIQUE_PERIOD" =~ ^[1-9][0-9]*$ ]] || die "CLIQUE_PERIOD must be a positive number of seconds"
[[ "$HTTP_PORT" =~ ^[1-9][0-9]*$ ]] && [ "$HTTP_PORT" -le 65535 ] || die "HTTP_PORT must be a port number"
[[ "$GETH_CPUS" =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "GETH_CPUS must be a number of cores"
[[ "$NET_PREFIX" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "NET_PREFIX must look like 172.30.89"

if [ "$DOCKER_RESTART" = 1 ]; then
  if [ -z "${DOCKER_GID:-}" ]; then
    [ -S /var/run/docker.sock ] || die "--docker-restart: no /var/run/docker.sock here; set DOCKER_GID to the docker socket's group on the target machine"
    DOCKER_GID="$(stat -c %g /var/run/docker.sock)"
  fi
  [[ "$DOCKER_GID" =~ ^[0-9]+$ ]] || die "DOCKER_GID must be a numeric group id"
fi

# The pinned upstream images. geth stays on the 1.13 series: later releases
# no longer seal clique blocks (they only follow a beacon chain), and this
# deployment's chain is a clique proof-of-authority chain.
GETH_IMAGE="ethereum/client-go:v1.13.15"
PROMETHEUS_IMAGE="prom/prometheus:v2.53.4"

CAST="${CAST:-$(command -v cast || echo "$REPO/tools/node_modules/.bin/cast")}"
[ -x "$CAST" ] || die "foundry's cast is needed to derive addresses and write the signer's keystore; run scripts/setup.sh (it installs tools/node_modules/.bin/cast) or set CAST"
PYTHON="${PYTHON:-python3}"
command -v "$PYTHON" >/dev/null || die "python3 is needed"
command -v openssl >/dev/null || die "openssl is needed"

mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
SECRETS="$OUT/secrets"

# ---------------------------------------------------------------- secrets
if [ ! -d "$SECRETS" ] && [ -n "${SECRETS_FROM:-}" ]; then
  [ -d "$SECRETS_FROM/secrets" ] || die "SECRETS_FROM=$SECRETS_FROM has no secrets/ directory"
  cp -a "$SECRETS_FROM/secrets" "$SECRETS"
fi
umask 077
mkdir -p "$SECRETS"
chmod 700 "$SECRETS"

# A 32-byte random secret in hex (no 0x, no newline), created only if missing.
secret() {
  local file="$SECRETS/$1"
  if [ ! -s "$file" ]; then
    printf '%s' "$(openssl rand -hex 32)" > "$file"
  fi
  chmod 600 "$file"
}

secret signer.key        # the clique signer's account (geth0 seals with it)
secret signer.password   # the password of its keystore file
secret platform.key      # petrade's platform role, prefunded in the genesis
secret custody.secret    # encrypts the users' keys in petrade's database
secret admin.password    # petrade's bootstrap admin ("admin")
secret metrics.token     # bearer token of the gateway's /metrics
for ((i = 0; i < N; i++)); do
  secret "nodekey-$i"    # geth's p2p identity: the enode id is its public key
done

address_of() { "$CAST" wallet address --private-key "0x$(cat "$SECRETS/$1")" | tr 'A-F' 'a-f'; }
pubkey_of() { "$CAST" wallet public-key --private-key "0x$(cat "$SECRETS/$1")" | sed 's/^0x//'; }

SIGNER="$(address_of signer.key)"
PLATFORM="$(address_of platform.key)"
[[ "$SIGNER" =~ ^0x[0-9a-f]{40}$ ]] || die "cast gave no address for the signer key: '$SIGNER'"
[[ "$PLATFORM" =~ ^0x[0-9a-f]{40}$ ]] || die "cast gave no address for the platform key: '$PLATFORM'"

# The shared keystore (mounted read-only into every geth, only geth0 unlocks
# it). cast writes Web3 Secret Storage v3 but leaves out the "address" field,
# without which geth's keystore scan skips the file, so it is added here and
# the file named the way geth names its own.
KEYSTORE="$SECRETS/keystore"
mkdir -p "$KEYSTORE"
chmod 700 "$KEYSTORE"
if ! compgen -G "$KEYSTORE/UTC--*--${SIGNER#0x}" >/dev/null; then
  tmp="$(mktemp -d)"
  CAST_UNSAFE_PASSWORD="$(cat "$SECRETS/signer.password")" \
    "$CAST" wallet import signer --keystore-dir "$tmp" \
    --private-key "0x$(cat "$SECRETS/signer.key")" >/dev/null
  "$PYTHON" - "$tmp/signer" "$KEYSTORE" "${SIGNER#0x}" <<'EOF'
import datetime, json, os, sys
src, keystore, address = sys.argv[1:]
with open(src) as f:
    key = json.load(f)
key["address"] = address
stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H-%M-%S.%fZ")
dest = os.path.join(keystore, "UTC--%s--%s" % (stamp, address))
fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
with os.fdopen(fd, "w") as f:
    json.dump(key, f)
EOF
  rm -rf "$tmp"
fi
umask 022

# The fingerprint names the geth volumes: a rendering with other keys (a
# different chain) gets fresh volumes instead of meeting an old chain's data.
FP="${SIGNER:2:8}"

# ---------------------------------------------------------------- layout
# Files of an earlier rendering that this one rewrites (a smaller N must not
# leave configs of removed nodes behind); secrets/ and data/ are kept.
rm -rf "$OUT/geth" "$OUT/prometheus"
mkdir -p "$OUT/geth" "$OUT/prometheus"
mkdir -p -m 700 "$OUT/data/petrade" "$OUT/data/prometheus"

# petrade and Prometheus run as the user who owns the secrets they read (the
# files are mode 600) and their data directories. When root renders, that is
# the image's own non-root user 10001, and those files are handed to it.
if [ "$(id -u)" -eq 0 ]; then
  RUN_UID=10001 RUN_GID=10001
  chown "$RUN_UID:$RUN_GID" "$SECRETS"/{platform.key,custody.secret,admin.password,metrics.token} \
    "$OUT/data/petrade" "$OUT/data/prometheus"
else
  RUN_UID="$(id -u)" RUN_GID="$(id -g)"
fi

ip_of() { echo "$NET_PREFIX.$((10 + $1))"; }
enode_of() { echo "enode://$(pubkey_of "nodekey-$1")@$(ip_of "$1"):30303"; }
ENODES=()
for ((i = 0; i < N; i++)); do
  ENODES+=("$(enode_of "$i")")
done

# ---------------------------------------------------------------- genesis
# Clique: extraData = 32 vanity bytes, the signers' addresses, 65 bytes for
# the seal. The chain goes up to London only: geth's clique refuses Shanghai
# and later forks.
EXTRA="0x$(printf '0%.0s' {1..64})${SIGNER#0x}$(printf '0%.0s' {1..130})"
FUNDS="0x33b2e3c9fd0803ce8000000"   # 10^27 wei = 10^9 ether each
cat > "$OUT/genesis.json" <<EOF
{
  "config": {
    "chainId": $CHAIN_ID,
    "homesteadBlock": 0,
    "eip150Block": 0,
    "eip155Block": 0,
    "eip158Block": 0,
    "byzantiumBlock": 0,
    "constantinopleBlock": 0,
    "petersburgBlock": 0,
    "istanbulBlock": 0,
    "berlinBlock": 0,
    "londonBlock": 0,
    "clique": { "period": $CLIQUE_PERIOD, "epoch": 30000 }
  },
  "nonce": "0x0",
  "timestamp": "0x6553f100",
  "extraData": "$EXTRA",
  "gasLimit": "0x1c9c380",
  "difficulty": "0x1",
  "mixHash": "0x0000000000000000000000000000000000000000000000000000000000000000",
  "coinbase": "0x0000000000000000000000000000000000000000",
  "alloc": {
    "${SIGNER#0x}": { "balance": "$FUNDS" },
    "${PLATFORM#0x}": { "balance": "$FUNDS" }
  },
  "number": "0x0",
  "gasUsed": "0x0",
  "parentHash": "0x0000000000000000000000000000000000000000000000000000000000000000"
}
EOF

# ---------------------------------------------------------------- geth
cp "$HERE/geth-entrypoint.sh" "$OUT/geth/entrypoint.sh"
for ((i = 0; i < N; i++)); do
  {
    echo "# geth$i's peers: every other node of the rendering, by fixed address."
    echo "[Node.P2P]"
    peers=()
    for ((j = 0; j < N; j++)); do
      [ "$j" -eq "$i" ] || peers+=("  \"${ENODES[$j]}\"")
    done
    if [ ${#peers[@]} -eq 0 ]; then
      echo "StaticNodes = []"
    else
      echo "StaticNodes = ["
      (IFS=$'\n'; echo "${peers[*]}") | sed '$!s/$/,/'
      echo "]"
    fi
  } > "$OUT/geth/geth$i.toml"
done

# ---------------------------------------------------------------- petrade.json
{
  echo '{'
  echo '  "nodes": ['
  for ((i = 0; i < N; i++)); do
    sep=","; [ "$i" -eq $((N - 1)) ] && sep=""
    restart=""
    [ "$DOCKER_RESTART" = 1 ] && restart=", \"restart_command\": [\"docker\", \"restart\", \"petrade-geth$i\"]"
    echo "    { \"name\": \"geth$i\", \"url\": \"http://geth$i:8545\", \"probe\": \"geth_metrics\","
    echo "      \"metrics_url\": \"http://geth$i:6060/debug/metrics/prometheus\", \"cpu_cores\": $GETH_CPUS$restart }$sep"
  done
  cat <<EOF
  ],
  "dispatcher": { "strategy": "state_feedback" },
  "transactions": { "journal": "/var/lib/petrade/journal", "confirmations": 1,
                    "stuck_timeout_ms": $((CLIQUE_PERIOD * 10000)), "node_call_timeout_ms": 30000 },
  "business": {
    "platform_key_file": "/run/secrets/platform.key",
    "key_secret_file": "/run/secrets/custody.secret",
    "admin": { "username": "admin", "password_file": "/run/secrets/admin.password" },
    "gas_grant_wei": "1000000000000000000",
    "sandbox_limit": "1000000000",
    "session_ttl_s": 86400,
    "min_expiry_s": 10,
    "refund_interval_ms": 1000,
    "indexer_lag": 0
  },
  "control": { "port": 7545 },
  "gateway": {
    "address": "0.0.0.0",
    "port": 8080,
    "web_root": "/usr/share/petrade/web",
    "metrics_token_file": "/run/secrets/metrics.token",
    "body_limit": 8388608,
    "header_limit": 16384,
    "requests_per_second": 50,
    "burst": 100
  }
}
EOF
} > "$OUT/petrade.json"

# ---------------------------------------------------------------- prometheus
cp "$REPO/deploy/prometheus/rules.yml" "$OUT/prometheus/rules.yml"
{
  cat <<EOF
# Rendered by deploy/compose/render.sh for $N geth node(s); re-render to change.
# rules.yml is a copy of deploy/prometheus/rules.yml (see its README for the
# alerts and what to do when one fires).
global:
  scrape_interval: 10s
  evaluation_interval: 10s

rule_files:
  - rules.yml

scrape_configs:
  - job_name: petrade
    metrics_path: /metrics
    scrape_timeout: 10s
    authorization:
      type: Bearer
      credentials_file: /run/secrets/metrics.token
    static_configs:
      - targets: ["petrade:8080"]

  - job_name: geth
    metrics_path: /debug/metrics/prometheus
    static_configs:
EOF
  for ((i = 0; i < N; i++)); do
    echo "      - targets: [\"geth$i:6060\"]"
    echo "        labels: { node: geth$i }"
  done
} > "$OUT/prometheus/prometheus.yml"

# ---------------------------------------------------------------- compose
CONTEXT="$(realpath --relative-to="$OUT" "$REPO")"
{
  cat <<EOF
# Rendered by deploy/compose/render.sh for $N geth node(s). Do not edit:
# change the template and render again (see deploy/compose/README.md).
#
# geth0..geth$((N - 1)): a clique chain (chain and network id $CHAIN_ID,
# $CLIQUE_PERIOD s blocks) sealed by geth0. The image is pinned to geth
# v1.13.15 because clique sealing was dropped after the 1.13 series.
# Node ports stay inside the cluster network: petrade's gateway is the only
# way in (published on host port $HTTP_PORT).
# The default chain id, 31337, is the one petrade signs for on external
# nodes (no config key sets it yet).

services:
EOF
  for ((i = 0; i < N; i++)); do
    cat <<EOF
  geth$i:
    image: $GETH_IMAGE
    container_name: petrade-geth$i
    restart: on-failure
    cpus: $GETH_CPUS
    entrypoint: ["/bin/sh", "/etc/petrade/geth-entrypoint.sh"]
    command:
      - --datadir=/data
      - --config=/etc/petrade/geth.toml
      - --networkid=$CHAIN_ID
      - --syncmode=full
      - --nodekey=/run/secrets/nodekey
      - --keystore=/keystore
      - --port=30303
      - --nodiscover
      - --nat=extip:$(ip_of "$i")
      - --http
      - --http.addr=0.0.0.0
      - --http.port=8545
      - --http.vhosts=geth$i,localhost
      - --http.api=eth,net,web3
      - --metrics
      - --metrics.addr=0.0.0.0
      - --metrics.port=6060
EOF
    if [ "$i" -eq 0 ]; then
      cat <<EOF
      # the clique signer: seals with the account of the shared keystore
      - --mine
      - --miner.etherbase=$SIGNER
      - --unlock=$SIGNER
      - --password=/run/secrets/signer.password
      - --allow-insecure-unlock
EOF
    fi
    cat <<EOF
    expose: ["8545", "6060", "30303"]
    volumes:
      - geth$i-$FP:/data
      - ./genesis.json:/etc/petrade/genesis.json:ro
      - ./geth/entrypoint.sh:/etc/petrade/geth-entrypoint.sh:ro
      - ./geth/geth$i.toml:/etc/petrade/geth.toml:ro
      - ./secrets/nodekey-$i:/run/secrets/nodekey:ro
      - ./secrets/keystore:/keystore:ro
EOF
    [ "$i" -eq 0 ] && echo "      - ./secrets/signer.password:/run/secrets/signer.password:ro"
    cat <<EOF
    networks:
      chain:
        ipv4_address: $(ip_of "$i")

EOF
  done

  cat <<EOF
  petrade:
    build:
      context: $CONTEXT
      dockerfile: deploy/compose/Dockerfile
EOF
  [ "$DOCKER_RESTART" = 1 ] && printf '      args:\n        DOCKER_CLI: "yes"\n'
  cat <<EOF
    image: petrade:local   # the name deploy/k8s uses for the same image
    container_name: petrade-platform
    restart: on-failure
    user: "$RUN_UID:$RUN_GID"
    command: ["up", "--config", "/etc/petrade/petrade.json", "--log-format", "json"]
    stop_grace_period: 30s
    ports:
      - "$HTTP_PORT:8080"
    depends_on:
EOF
  for ((i = 0; i < N; i++)); do echo "      - geth$i"; done
  [ "$DOCKER_RESTART" = 1 ] && printf '    group_add:\n      - "%s"\n' "$DOCKER_GID"
  cat <<EOF
    volumes:
      - ./petrade.json:/etc/petrade/petrade.json:ro
      - ./secrets/platform.key:/run/secrets/platform.key:ro
      - ./secrets/custody.secret:/run/secrets/custody.secret:ro
      - ./secrets/admin.password:/run/secrets/admin.password:ro
      - ./secrets/metrics.token:/run/secrets/metrics.token:ro
      - ./data/petrade:/var/lib/petrade
EOF
  if [ "$DOCKER_RESTART" = 1 ]; then
    echo "      # restart_command: lets the supervisor run docker restart on the nodes (root-equivalent on the host)"
    echo "      - /var/run/docker.sock:/var/run/docker.sock"
  fi
  cat <<EOF
    networks:
      - chain

  prometheus:
    image: $PROMETHEUS_IMAGE
    container_name: petrade-prometheus
    restart: on-failure
    user: "$RUN_UID:$RUN_GID"
    command:
      - --config.file=/etc/prometheus/prometheus.yml
      - --storage.tsdb.path=/prometheus
      - --storage.tsdb.retention.time=15d
    depends_on:
      - petrade
    volumes:
      - ./prometheus:/etc/prometheus:ro
      - ./secrets/metrics.token:/run/secrets/metrics.token:ro
      - ./data/prometheus:/prometheus
    networks:
      - chain

networks:
  chain:
    ipam:
      config:
        # geth nodes take fixed addresses from .10 on (their enode URLs name
        # them); petrade and Prometheus get theirs from the upper half.
        - subnet: $NET_PREFIX.0/24
          ip_range: $NET_PREFIX.128/25

volumes:
EOF
  for ((i = 0; i < N; i++)); do echo "  geth$i-$FP: {}"; done
} > "$OUT/docker-compose.yml"

# Fixed project name: the volumes are petrade_geth<i>-<fingerprint> whichever
# directory the rendering lives in.
echo "COMPOSE_PROJECT_NAME=petrade" > "$OUT/.env"

echo "rendered $N geth node(s) into $OUT (signer $SIGNER, platform $PLATFORM)"
