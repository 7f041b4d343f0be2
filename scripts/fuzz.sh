#!/usr/bin/env bash
# libFuzzer targets (issue #8): build them with clang in build-fuzz/ and run
# each on a copy of its corpus (tests/fuzz/corpus/<target>/).
#
#   bash scripts/fuzz.sh ci         what CI runs: a fixed seed and a fixed number
#                                   of runs per target (about a minute in all)
#   bash scripts/fuzz.sh            12 s per target, a new random seed each time
#   bash scripts/fuzz.sh 600        ten minutes per target
#   FUZZ_TARGETS="fuzz_config" bash scripts/fuzz.sh 3600    one target, an hour
#   FUZZ_SEED=7 bash scripts/fuzz.sh 600                     a chosen seed
#
# Why CI does not explore at random: a run that passed before landing should
# pass in CI. With the seed and run count fixed, the same build replays the
# same inputs; a change to instrumented code changes coverage and so the path,
# and corpus files of equal size load in directory order, so it is close to,
# not exactly, reproducible. Exploring is for the long runs by hand
# (tests/fuzz/README.md), whose findings go into the corpus CI replays first.
#
# Exits non-zero if any target crashes, leaks, hits undefined behaviour or
# breaks one of its checks; the crashing input is left in build-fuzz/crashes/
# (reproduce: build-fuzz/tests/fuzz/<target> <file>). New corpus entries stay
# in the temporary copy: to keep interesting ones, merge them yourself
# (tests/fuzz/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."

MODE=${1:-12}
TARGETS=(${FUZZ_TARGETS:-fuzz_control fuzz_config fuzz_templates fuzz_gateway fuzz_asterisk_message})
# Runs per target in CI: each about 10 s on a 2-core machine of 2026.
declare -A CI_RUNS=([fuzz_control]=25000 [fuzz_config]=8000 [fuzz_templates]=120000
  [fuzz_gateway]=30000 [fuzz_asterisk_message]=1000000)
if [ "$MODE" = ci ]; then
  SEED=${FUZZ_SEED:-20261202}
  SECONDS_PER_TARGET=600 # only a cap: -runs ends each target
else
  [[ "$MODE" =~ ^[0-9]+$ ]] || { echo "usage: fuzz.sh [ci | seconds per target]" >&2; exit 2; }
  SEED=${FUZZ_SEED:-0} # 0: libFuzzer picks one and prints it
  SECONDS_PER_TARGET=$MODE
fi
BUILD=build-fuzz
CRASHES=$BUILD/crashes

if [ -f /root/.ccache.env ]; then
  # shellcheck disable=SC1091
  . /root/.ccache.env
fi
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)

cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang "${launcher[@]}" \
  -DPAMINNA_FUZZ=ON -DPAMINNA_BUILD_TESTS=OFF >/dev/null
cmake --build "$BUILD" -j "${JOBS:-$(nproc)}" --target "${TARGETS[@]}"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$CRASHES"
failed=()
for target in "${TARGETS[@]}"; do
  name=${target#fuzz_}
  mkdir -p "$work/$name"
  cp -r "tests/fuzz/corpus/$name/." "$work/$name/"
  limits=(-max_total_time="$SECONDS_PER_TARGET")
  if [ "$MODE" = ci ]; then
    limits+=(-runs="${CI_RUNS[$target]:-20000}")
    echo "== $target: ${CI_RUNS[$target]:-20000} runs, seed $SEED, on $(find "$work/$name" -type f | wc -l) corpus files"
  else
    echo "== $target: ${SECONDS_PER_TARGET}s on $(find "$work/$name" -type f | wc -l) corpus files"
  fi
  # One job at a time (-jobs is not used): the machine is shared.
  if ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$BUILD/tests/fuzz/$target" "${limits[@]}" -seed="$SEED" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$CRASHES/$target-" "$work/$name" >"$work/$target.log" 2>&1; then
    grep -E '^(INFO: Seed|stat::number_of_executed_units|stat::new_units_added)' "$work/$target.log" | tr '\n' ' ' || true
    echo
  else
    tail -n 40 "$work/$target.log"
    echo "!! $target failed; input in $CRASHES/"
    failed+=("$target")
  fi
done
if [ ${#failed[@]} -ne 0 ]; then
  echo "fuzz targets that failed: ${failed[*]}"
  exit 1
fi
echo "all fuzz targets ran ($MODE) without a finding"
