#!/usr/bin/env bash
# The spec's locust load test, end to end: starts a host with the demo tools and
# the HTTP gateway on free loopback ports, runs load/locustfile.py headless with
# Debian's python3-locust, prints requests/s, p50/p95/p99 and failures, and
# stops the host. Exit status is locust's (non-zero when any request failed).
#
#   load/run-locust.sh [-u USERS] [-t DURATION] [-r SPAWN_RATE]    (default 200 users, 60s, 50/s)
#
# Needs the built packages (npm run build).
set -euo pipefail
cd "$(dirname "$0")/.."

users=200
duration=60s
rate=50
while getopts "u:t:r:" opt; do
  case $opt in
    u) users=$OPTARG ;;
    t) duration=$OPTARG ;;
    r) rate=$OPTARG ;;
    *) sed -n '2,9p' "$0"; exit 2 ;;
  esac
done

work=$(mktemp -d)
node load/serve-demo.mjs >"$work/address" &
host_pid=$!
cleanup() {
  kill -TERM "$host_pid" 2>/dev/null || true
  wait "$host_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

for _ in $(seq 200); do
  [ -s "$work/address" ] && break
  kill -0 "$host_pid" 2>/dev/null || { echo "host failed to start" >&2; exit 1; }
  sleep 0.1
done
url=$(/usr/bin/python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["http"])' "$work/address")
echo "host: $url (pid $host_pid); locust: $users users, spawn $rate/s, $duration" >&2

status=0
/usr/bin/python3 -m locust -f load/locustfile.py --headless --only-summary \
  -u "$users" -r "$rate" -t "$duration" --stop-timeout 10 \
  --host "$url" --csv "$work/locust" 2>"$work/locust.log" || status=$?
if [ ! -s "$work/locust_stats.csv" ]; then
  tail -30 "$work/locust.log" >&2
  exit "${status:-1}"
fi
/usr/bin/python3 load/summarize_locust.py "$work/locust_stats.csv" "$work/locust_failures.csv"
exit "$status"
