#!/bin/sh
# Entrypoint of every geth service in the rendered docker-compose.yml; runs
# inside the upstream ethereum/client-go image (Alpine, busybox sh).
#
# On the first start the node's volume (/data) is empty: it is initialised
# from the rendered genesis, so every node starts on the same chain. Later
# starts (a restart after a crash, `docker compose up` again) find the chain
# database and go straight to geth. All other settings come from the
# arguments compose passes, which are handed to geth unchanged.
set -eu

datadir=/data
genesis=/etc/petrade/genesis.json

if [ ! -d "$datadir/geth/chaindata" ]; then
  echo "geth-entrypoint: $datadir holds no chain yet; running geth init on $genesis"
  geth --datadir "$datadir" init "$genesis"
fi

exec geth "$@"
