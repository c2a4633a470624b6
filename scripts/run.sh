#!/usr/bin/env bash
# Starts a single-validator development chain under $CORRIDOR_HOME, creating
# it (with demo members and demo data) on the first run. Ctrl-C stops it;
# running again resumes the same chain.
set -euo pipefail
BIN=${1:-build/corridord}
HOME_DIR=${CORRIDOR_HOME:-./.corridor-dev}
if [ ! -f "$HOME_DIR/config/genesis.json" ]; then
  "$BIN" init --home "$HOME_DIR" --chain-id corridor-dev --demo
fi
echo "Corridor development node: home $HOME_DIR"
echo "  keys:   $HOME_DIR/keys  (try: $BIN query membership list --home $HOME_DIR)"
exec "$BIN" start --home "$HOME_DIR"
