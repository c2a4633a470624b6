#!/usr/bin/env bash
# Starts N province validators (4 or 15) on 127.0.0.1 under ./build/localnet,
# waits until they all commit blocks, prints their addresses, and stops them
# all on Ctrl-C (or after LOCALNET_SECONDS seconds, when set).
set -euo pipefail
BIN=${1:-build/corridord}
N=${2:-4}
DIR=${LOCALNET_DIR:-build/localnet}
BASE=${LOCALNET_BASE_PORT:-27000}
if [ ! -f "$DIR/node0/config/genesis.json" ]; then
  rm -rf "$DIR"
  "$BIN" testnet --validators "$N" --output "$DIR" --base-port "$BASE" --demo
fi
pids=()
cleanup() {
  echo "stopping ${#pids[@]} nodes"
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  wait || true
}
trap cleanup EXIT INT TERM
for ((i = 0; i < N; i++)); do
  "$BIN" start --home "$DIR/node$i" > "$DIR/node$i/node.log" 2>&1 &
  pids+=($!)
  echo "node$i: RPC 127.0.0.1:$((BASE + 10 * i + 1))  gRPC 127.0.0.1:$((BASE + 10 * i + 2))  log $DIR/node$i/node.log"
done
echo "member keys: $DIR/keys   (e.g. $BIN query membership list --node 127.0.0.1:$((BASE + 2)))"
if [ -n "${LOCALNET_SECONDS:-}" ]; then
  sleep "$LOCALNET_SECONDS"
  height=$(curl -s "http://127.0.0.1:$((BASE + 1))/status" | sed -n 's/.*"latest_block_height":"\([0-9]*\)".*/\1/p')
  echo "node0 at height ${height:-?}"
else
  wait
fi
