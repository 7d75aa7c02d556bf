#!/usr/bin/env bash
# The measurement protocol behind the README's performance numbers, in one command:
#
#   bench/protocol.sh [OUT_DIR]        (after ./mvnw -q package -DskipTests)
#
# It starts a fresh Kiln with all roles on an embedded PostgreSQL of its own (a new data directory
# each time, port 18090), then runs, in order:
#   1. the machine's speed now (zstd compression of a realistic input; about 1.0 ms at this
#      machine's usual speed, 1.2-1.7 ms in a slow phase);
#   2. tiny latency, cold (200), and tiny throughput twice (5,000 at 32 clients): a fresh process;
#   3. a realistic warm-up (WARM workflows, default 6,000: the JIT compiles for that long);
#   4. realistic throughput (1,000 at 16 clients) twice, then five times with --status-probe 20ms;
#   5. tiny latency twice and tiny throughput twice, warm; a large workflow three times;
#   6. the machine's speed again, and the status probes of step 4 pooled (ProbePool).
# Every run's JSON line goes to OUT_DIR/runs.jsonl, its text to OUT_DIR/NN.out, Kiln's log to
# OUT_DIR/kiln.log. About 12 minutes on 2 cores. Nothing else should run meanwhile.
#
# Environment: KILN_JAR, BENCH_JAR (the built jars by default), JAVA_OPTS for Kiln (default
# -Xmx1g, as the README's run command), WARM, PORT (default 18090), DATA_DIR (default
# OUT_DIR/data, removed first; about 2.5 GB by the end, removed then unless KEEP_DATA=1, which
# leaves it for a look at the tables: start Kiln on it again with KILN_DATA_DIR).
set -euo pipefail
# Paths given are taken from where the script was started; the defaults are the repository's.
absolute() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
REPO=$(cd "$(dirname "$0")/.." && pwd)
OUT=$(absolute "${1:-$REPO/bench/target/protocol-$(date -u +%Y%m%dT%H%M%SZ)}")
KILN_JAR=$(absolute "${KILN_JAR:-$REPO/api/target/kiln.jar}")
BENCH_JAR=$(absolute "${BENCH_JAR:-$REPO/bench/target/benchmarks.jar}")
DATA_DIR=$(absolute "${DATA_DIR:-$OUT/data}")
WARM=${WARM:-6000}
PORT=${PORT:-18090}
for jar in "$KILN_JAR" "$BENCH_JAR"; do
  [ -f "$jar" ] || { echo "protocol: $jar not found; build first: ./mvnw -q package -DskipTests" >&2; exit 2; }
done
if (exec 3<> "/dev/tcp/127.0.0.1/$PORT") 2> /dev/null; then
  echo "protocol: something already listens on port $PORT; stop it or set PORT" >&2
  exit 2
fi
mkdir -p "$OUT"
rm -rf "$DATA_DIR"

speed() {
  java -jar "$BENCH_JAR" InputBenchmark.compress -f 1 -wi 2 -w 1 -i 5 -r 1 2>&1 | grep '^InputBenchmark.compress' >> "$OUT/speed"
}
speed

# shellcheck disable=SC2086
KILN_DATA_DIR="$DATA_DIR" KILN_HTTP_PORT=$PORT java ${JAVA_OPTS:--Xmx1g} -jar "$KILN_JAR" > "$OUT/kiln.log" 2>&1 &
KILN_PID=$!
trap 'kill $KILN_PID 2>/dev/null || true' EXIT
for _ in $(seq 1 240); do
  curl -sf "http://127.0.0.1:$PORT/ready" > /dev/null && break
  kill -0 $KILN_PID 2>/dev/null || { echo "protocol: Kiln exited; see $OUT/kiln.log" >&2; exit 1; }
  sleep 0.5
done
curl -sf "http://127.0.0.1:$PORT/ready" > /dev/null || { echo "protocol: Kiln not ready after 120 s; see $OUT/kiln.log" >&2; exit 1; }
PG=$(grep -o 'postgresql://[^ ;]*' "$OUT/kiln.log" | head -1)

n=0
lt() {
  n=$((n + 1))
  local file
  file="$OUT/$(printf %02d $n).out"
  echo "== $n $*" | tee -a "$OUT/summary"
  # A run with a problem (exit 1) is reported and kept; the protocol goes on.
  java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "$BENCH_JAR" dev.kiln.bench.LoadTool "$@" \
    --url "http://127.0.0.1:$PORT" --out "$OUT/runs.jsonl" > "$file" 2>&1 || echo "   exit $? (see $file)" | tee -a "$OUT/summary"
  grep -v '^{' "$file" >> "$OUT/summary" || true
}
M=(--pg-url "$PG" --pid "$KILN_PID")

lt latency --payload tiny -k 200 "${M[@]}"
lt throughput --payload tiny -n 5000 -c 32 "${M[@]}"
lt throughput --payload tiny -n 5000 -c 32 "${M[@]}"
lt throughput --payload realistic -n "$WARM" -c 16
for _ in 1 2; do lt throughput --payload realistic -n 1000 -c 16 "${M[@]}"; done
for _ in 1 2 3 4 5; do lt throughput --payload realistic -n 1000 -c 16 --status-probe 20ms "${M[@]}"; done
for _ in 1 2; do lt latency --payload tiny -k 200 "${M[@]}"; done
for _ in 1 2; do lt throughput --payload tiny -n 5000 -c 32 "${M[@]}"; done
lt latency --payload large -k 3 "${M[@]}"

kill $KILN_PID
wait $KILN_PID || true
trap - EXIT
[ "${KEEP_DATA:-0}" = 1 ] || rm -rf "$DATA_DIR"
speed
# Only the probed runs carry probe reads: ProbePool skips the others.
java -cp "$BENCH_JAR" dev.kiln.bench.ProbePool "$OUT/runs.jsonl" | tee -a "$OUT/summary"
echo "speed (compress, before and after):" | tee -a "$OUT/summary"
tee -a "$OUT/summary" < "$OUT/speed"
echo "protocol: done; $OUT/summary, $OUT/runs.jsonl"
