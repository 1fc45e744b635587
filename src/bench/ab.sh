#!/usr/bin/env bash
# A/B on this noisy machine: the service of revision A against the working tree's, same JVM and flags,
# alternating A, B, A, B so that drifts of the machine hit both. Prints req/s and CPU per request per run.
# Usage (from the repository root): src/bench/ab.sh <git revision A> [rounds=2]
# MODE=lag: end-to-end lag to a local HTTP consumer at LAG_RATES events/s instead (after WARMUP s at the first).
# Bounded: every run warms up WARMUP s and measures DURATION s at 32 and 128 connections on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/../.."
REV_A=$1; ROUNDS=${2:-2}
WARMUP=${WARMUP:-60}; DURATION=${DURATION:-15}; MODE=${MODE:-throughput}; LAG_RATES=${LAG_RATES:-"1000 250"}
CONSUMER=18090
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
JVM_FLAGS=${JVM_FLAGS:--Xms256m -Xmx512m -XX:+UseG1GC}
WORK=target/bench-ab; PORT=18080; MGMT=18081
rm -rf "$WORK" && mkdir -p "$WORK"
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }

./mvnw -q -B -DskipTests package && cp "$(ls target/incode-webhook-receiver-*.jar | grep -v original | head -n 1)" "$WORK/b.jar"
git worktree add -f --detach "$WORK/a-src" "$REV_A" >/dev/null
(cd "$WORK/a-src" && ./mvnw -q -B -DskipTests package) && cp "$(ls "$WORK"/a-src/target/incode-webhook-receiver-*.jar | grep -v original | head -n 1)" "$WORK/a.jar"
git worktree remove --force "$WORK/a-src"

if [ "$MODE" = lag ]; then
  ./mvnw -q -B -Pbench -DskipTests test-compile dependency:build-classpath \
    -Dmdep.outputFile="$WORK/classpath.txt" -Dmdep.includeScope=test
  BENCH_CP="target/test-classes:target/classes:$(cat "$WORK/classpath.txt")"
fi

server=""; consumer=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; [ -n "$consumer" ] && kill "$consumer" 2>/dev/null || true' EXIT
ticks=$(getconf CLK_TCK)
for round in $(seq 1 "$ROUNDS"); do
  for side in a b; do
    rm -rf "$WORK/db" && mkdir -p "$WORK/db"
    sink=(--webhooks.broadcast.sinks.app.type=in-process)
    if [ "$MODE" = lag ]; then
      $JAVA $JVM_FLAGS -cp "$BENCH_CP" dev.incodehooks.bench.LagConsumerApplication --server.port=$CONSUMER \
        > "$WORK/consumer-$side-$round.log" 2>&1 &
      consumer=$!
      sink=(--webhooks.broadcast.sinks.consumer.type=http --webhooks.broadcast.sinks.consumer.url=http://127.0.0.1:$CONSUMER/hooks)
    fi
    $JAVA $JVM_FLAGS -jar "$WORK/$side.jar" --server.port=$PORT --management.server.port=$MGMT \
      --webhooks.security.allowed-sources=127.0.0.1/32 "--webhooks.security.required-headers[X-Incode-Secret]=bench-secret" \
      --logging.level.dev.incodehooks=WARN "${sink[@]}" \
      "--spring.datasource.url=jdbc:sqlite:$WORK/db/webhooks.db?journal_mode=WAL&synchronous=FULL&busy_timeout=5000&cache_size=-16384" \
      > "$WORK/$side-$round.log" 2>&1 &
    server=$!
    for _ in $(seq 1 600); do curl -fs -o /dev/null "http://127.0.0.1:$MGMT/actuator/health/readiness" && break; sleep 0.1; done
    if [ "$MODE" = lag ]; then
      for _ in $(seq 1 600); do curl -fs -o /dev/null "http://127.0.0.1:$CONSUMER/stats" && break; sleep 0.1; done
      $JAVA -cp "$BENCH_CP" dev.incodehooks.bench.BenchTools lag $PORT $CONSUMER 30 "$WARMUP" $LAG_RATES | sed "s/^/round $round $side /"
      kill "$server" "$consumer"; wait "$server" "$consumer" 2>/dev/null || true; server=""; consumer=""
      continue
    fi
    wrk -t2 -c32 -d"${WARMUP}s" -s src/bench/incode.lua "http://127.0.0.1:$PORT" -- "warm$side" > /dev/null
    for conns in 32 128; do
      before=$(awk '{print $14 + $15}' "/proc/$server/stat")
      result=$(wrk -t2 -c"$conns" -d"${DURATION}s" --latency -s src/bench/incode.lua "http://127.0.0.1:$PORT" -- "$side$conns" | grep '^{')
      after=$(awk '{print $14 + $15}' "/proc/$server/stat")
      requests=$(echo "$result" | sed 's/.*"requests":\([0-9]*\).*/\1/')
      rps=$(echo "$result" | sed 's/.*"rps":\([0-9.]*\).*/\1/')
      p99=$(echo "$result" | sed 's/.*"p99_ms":\([0-9.]*\).*/\1/')
      printf "round %s %s %4s conns: %8.0f req/s  p99 %6.2f ms  %6.1f us CPU/request\n" "$round" "$side" "$conns" "$rps" "$p99" \
        "$(echo "scale=1; ($after - $before) * 1000000 / $ticks / $requests" | bc)"
    done
    kill "$server"; wait "$server" 2>/dev/null || true; server=""
  done
done
