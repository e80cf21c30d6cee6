#!/usr/bin/env bash
# README command 1: prepare the checkout, then run the demo round trip
# (host with the demo tools + TypeScript client, in one process).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >&2
exec node packages/cli/dist/bin.js demo
