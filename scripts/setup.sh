#!/usr/bin/env bash
# Prepares a checkout for the demo and the tests. Idempotent: installs only what
# is missing (Debian packages, node_modules) and rebuilds the TypeScript packages.
# Needs Debian/Ubuntu with Node >= 20; uses sudo for apt only when not root.
set -euo pipefail
cd "$(dirname "$0")/.."

DEBIAN_PACKAGES=(
  python3-grpcio python3-protobuf python3-pandas python3-pytest python3-pytest-asyncio
  python3-hypothesis python3-psutil protobuf-compiler protobuf-compiler-grpc redis-server python3-locust
)

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
  echo "setup: Node.js >= 20 is required (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi

missing=()
for package in "${DEBIAN_PACKAGES[@]}"; do
  # dpkg -s succeeds for removed-but-configured packages too; require "install ok installed".
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -q
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  echo "setup: Debian packages present"
fi

# npm ci wipes node_modules, so run it only when the lockfile changed since the last install.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund
else
  echo "setup: node_modules up to date"
fi

echo "setup: npm run build"
npm run build --silent
