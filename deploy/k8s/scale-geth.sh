#!/usr/bin/env bash
# The elastic pool's grow and shrink command for the geth StatefulSet
# (docs/operations.md, "The elastic pool"): scale-geth.sh COUNT sets the
# StatefulSet to COUNT replicas. Growing, it waits until the new pod is
# ready and prints its JSON-RPC URL as its last line, which the pool then
# adds as a node; shrinking, the pool has already drained the last pod.
#
# Only pods whose identity was provisioned beforehand can start (a node key
# in the Secret geth-nodekeys, an enode line in geth-config, the pod's name
# in the Role): deploy/k8s/README.md, "Elastic pool".
#
# Environment: NAMESPACE (petrade), STATEFULSET (geth), SERVICE (geth),
# RPC_PORT (8545), READY_TIMEOUT (300s), KUBECTL (kubectl).
set -euo pipefail

count="${1:?usage: scale-geth.sh COUNT}"
[[ "$count" =~ ^[1-9][0-9]*$ ]] || { echo "scale-geth.sh: COUNT must be a positive number, not '$count'" >&2; exit 2; }
ns="${NAMESPACE:-petrade}"
sts="${STATEFULSET:-geth}"
svc="${SERVICE:-geth}"
port="${RPC_PORT:-8545}"
kubectl="${KUBECTL:-kubectl}"

now="$("$kubectl" -n "$ns" get "statefulset/$sts" -o 'jsonpath={.spec.replicas}')"
"$kubectl" -n "$ns" scale "statefulset/$sts" --replicas="$count" >&2
if (( count > now )); then
  pod="$sts-$((count - 1))"
  # The pod object appears a moment after the scale; wait for it, then for ready.
  for _ in $(seq 1 60); do
    "$kubectl" -n "$ns" get "pod/$pod" >/dev/null 2>&1 && break
    sleep 2
  done
  "$kubectl" -n "$ns" wait --for=condition=Ready "pod/$pod" --timeout="${READY_TIMEOUT:-300s}" >&2
  echo "http://$pod.$svc.$ns.svc:$port"
fi
