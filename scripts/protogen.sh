#!/usr/bin/env bash
# Regenerates the Go code for every .proto under proto/ with pinned tools
# (buf and protoc-gen-gocosmos, built from the Go module proxy into .tools/).
set -euo pipefail
cd "$(dirname "$0")/.."
BUF_VERSION=v1.75.0
GOCOSMOS_VERSION=v1.7.2
mkdir -p .tools
export GOBIN="$PWD/.tools"
[ -x .tools/buf ] && .tools/buf --version 2>/dev/null | grep -q "${BUF_VERSION#v}" || go install "github.com/bufbuild/buf/cmd/buf@${BUF_VERSION}"
[ -f .tools/gocosmos.version ] && grep -qx "$GOCOSMOS_VERSION" .tools/gocosmos.version || {
  go install "github.com/cosmos/gogoproto/protoc-gen-gocosmos@${GOCOSMOS_VERSION}"
  echo "$GOCOSMOS_VERSION" > .tools/gocosmos.version
}
rm -rf build/gen
(cd proto && ../.tools/buf lint && ../.tools/buf generate)
# Generated files land under their go_package path; move them into the tree.
find build/gen/github.com/landsea/corridor -name '*.pb.go' | while read -r f; do
  dest="${f#build/gen/github.com/landsea/corridor/}"
  mkdir -p "$(dirname "$dest")"
  cp "$f" "$dest"
done
rm -rf build/gen
