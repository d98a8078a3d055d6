#!/usr/bin/env bash
# Builds each libFuzzer target with the address sanitizer and runs it on a copy of its seeds.
#   Fuzz/run.sh                 # 1,000,000 executions per target; 20 s for the slow ones (idx-gzip, session, repl, cli)
#   RUNS=10000000 SLOW_SECONDS=300 Fuzz/run.sh    # longer
# Fails on any crash, timeout, OOM (no single allocation may exceed 64 MB) or leak; a finding is
# saved as Fuzz/findings/<target>-crash-… and must become a fixture and a regression test.
set -uo pipefail
cd "$(dirname "$0")"
RUNS=${RUNS:-1000000}
SLOW_SECONDS=${SLOW_SECONDS:-20}
export SWIFT_BACKTRACE=enable=no
mkdir -p findings
status=0
printf "%-14s %12s %9s %s\n" target executions seconds result
# fuzz-cli runs the real binary (flags and small files together): build it first.
export BACKPROP_BINARY=${BACKPROP_BINARY:-$PWD/../.build/release/backprop-tui}
[ -x "$BACKPROP_BINARY" ] || (cd .. && swift build -c release --product backprop-tui >/dev/null)
for t in idx idx-gzip csv safetensors graph session repl cli; do
    # SwiftPM passes -sanitize=fuzzer to the harness only, so the code under test gets no coverage
    # ("no interesting inputs" from libFuzzer); inline 8-bit counters are added to every module here.
    if ! swift build -c release --product "fuzz-$t" --sanitize=fuzzer --sanitize=address \
            -Xswiftc -sanitize-coverage=edge,inline-8bit-counters,trace-cmp >"findings/build-$t.log" 2>&1; then
        echo "fuzz-$t: build failed (findings/build-$t.log)"; status=1; continue
    fi
    corpus=$(mktemp -d)
    cp -r "Seeds/$t/." "$corpus/"
    case $t in idx-gzip|session|repl|cli) limit=(-max_total_time="$SLOW_SECONDS") ;; *) limit=(-runs="$RUNS") ;; esac
    log="findings/$t.log"
    start=$(date +%s.%N)
    ".build/release/fuzz-$t" "$corpus" "${limit[@]}" -malloc_limit_mb=64 -rss_limit_mb=2048 -timeout=10 \
        -max_len=65536 -artifact_prefix="findings/$t-" -print_final_stats=1 >"$log" 2>&1
    rc=$?
    secs=$(echo "$(date +%s.%N) - $start" | bc)
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || echo "?")
    if [ $rc -eq 0 ]; then result="ok, 0 crashes"; else result="FAILED (exit $rc): $(grep -m1 -E 'ERROR|==[0-9]+==|Fatal|SUMMARY' "$log")"; status=1; fi
    printf "%-14s %12s %9.1f %s\n" "fuzz-$t" "$runs" "$secs" "$result"
    rm -rf "$corpus"
done
exit $status
