#!/usr/bin/env bash
# Where the service's CPU goes, per thread group, user and system time, in microseconds per webhook: the
# packaged jar under wrk at 128 connections on 127.0.0.1 (60 s of warm-up, 20 s measured), from
# /proc/<pid>/task/*/stat. Usage (from the repository root, after ./mvnw -DskipTests package):
#   src/bench/threads.sh [jar]
set -euo pipefail
cd "$(dirname "$0")/../.."
JAR=${1:-$(ls target/incode-webhook-receiver-*.jar | grep -v original | head -n 1)}
WORK=target/bench-threads; PORT=18080; MGMT=18081
rm -rf "$WORK" && mkdir -p "$WORK"
java -Xms256m -Xmx512m -XX:+UseG1GC -jar "$JAR" --server.port=$PORT --management.server.port=$MGMT \
  --webhooks.security.allowed-sources=127.0.0.1/32 "--webhooks.security.required-headers[X-Incode-Secret]=bench-secret" \
  --logging.level.dev.incodehooks=WARN --webhooks.broadcast.sinks.app.type=in-process \
  "--spring.datasource.url=jdbc:sqlite:$WORK/webhooks.db?journal_mode=WAL&synchronous=FULL&busy_timeout=5000&cache_size=-16384" \
  > "$WORK/service.log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do curl -fs -o /dev/null "http://127.0.0.1:$MGMT/actuator/health/readiness" && break; sleep 0.1; done
# Thread name (spaces made underscores) and utime, stime in clock ticks.
snapshot() { for t in /proc/$pid/task/*; do echo "$(tr ' ' '_' < "$t/comm")|$(sed 's/.*) //' "$t/stat" | awk '{print $12" "$13}')"; done; }
wrk -t2 -c128 -d60s -s src/bench/incode.lua "http://127.0.0.1:$PORT" -- warm > /dev/null
snapshot > "$WORK/before"
wrk -t2 -c128 -d20s -s src/bench/incode.lua "http://127.0.0.1:$PORT" -- threads | grep '^{' > "$WORK/wrk.json"
snapshot > "$WORK/after"
requests=$(sed 's/.*"requests":\([0-9]*\).*/\1/' "$WORK/wrk.json")
echo "$(cat "$WORK/wrk.json")"
awk -F'|' -v ticks="$(getconf CLK_TCK)" -v n="$requests" '
  FNR == NR { split($2, v, " "); name = $1; gsub(/[0-9]+/, "N", name); bu[name] += v[1]; bs[name] += v[2]; next }
  { split($2, v, " "); name = $1; gsub(/[0-9]+/, "N", name); au[name] += v[1]; as[name] += v[2] }
  END {
    for (g in au) { u = (au[g] - bu[g]) * 1e6 / ticks / n; s = (as[g] - bs[g]) * 1e6 / ticks / n; tu += u; ts += s
      if (u + s >= 0.5) printf "%-24s user %7.1f  system %7.1f  us per webhook\n", g, u, s }
    printf "%-24s user %7.1f  system %7.1f  us per webhook\n", "total", tu, ts }' "$WORK/before" "$WORK/after" | sort -k3 -n -r
