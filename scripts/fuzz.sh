#!/usr/bin/env bash
# libFuzzer targets (issue #8): build them with clang in build-fuzz/ and run
# each on a copy of its corpus (tests/fuzz/corpus/<target>/) for N seconds.
#
#   bash scripts/fuzz.sh            about 12 s per target (CI: about a minute in all)
#   bash scripts/fuzz.sh 600        ten minutes per target
#   FUZZ_TARGETS="fuzz_config" bash scripts/fuzz.sh 3600    one target, an hour
#
# Exits non-zero if any target crashes, leaks, hits undefined behaviour or
# breaks one of its checks; the crashing input is left in build-fuzz/crashes/
# (reproduce: build-fuzz/tests/fuzz/<target> <file>). New corpus entries stay
# in the temporary copy: to keep interesting ones, merge them yourself
# (tests/fuzz/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_PER_TARGET=${1:-12}
TARGETS=(${FUZZ_TARGETS:-fuzz_control fuzz_config fuzz_templates fuzz_gateway fuzz_asterisk_message})
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
  echo "== $target: ${SECONDS_PER_TARGET}s on $(find "$work/$name" -type f | wc -l) corpus files"
  # One job at a time (-jobs is not used): the machine is shared.
  if ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$BUILD/tests/fuzz/$target" -max_total_time="$SECONDS_PER_TARGET" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$CRASHES/$target-" "$work/$name" >"$work/$target.log" 2>&1; then
    grep -E '^(stat::number_of_executed_units|stat::new_units_added)' "$work/$target.log" | tr '\n' ' '
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
echo "all fuzz targets ran ${SECONDS_PER_TARGET}s without a finding"
