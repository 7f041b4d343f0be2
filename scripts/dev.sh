#!/usr/bin/env bash
# The project's two everyday commands, and what CI runs.
#
#   bash scripts/dev.sh run            install what is missing, build, run paminnad on embedded defaults
#   bash scripts/dev.sh test           install what is missing, build, run every test
#   bash scripts/dev.sh test-sanitize  the same tests built with AddressSanitizer + UBSan
#   bash scripts/dev.sh package-test   build the .deb, install it, run the installed daemon, remove it
#   bash scripts/dev.sh format-check   clang-format check of every source file
#   bash scripts/dev.sh tidy           clang-tidy (.clang-tidy) on every compiled source file, about 30 min on 2 cores
#   bash scripts/dev.sh fuzz [ci|seconds] libFuzzer targets with clang, briefly (scripts/fuzz.sh)
#   bash scripts/dev.sh deps           only install the Debian 12 packages
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  build-essential cmake ninja-build pkg-config git tzdata
  # Packaging: cpack's DEB generator (dpkg-shlibdeps, file), man page checks, the
  # journal catalog check, sysusers/tmpfiles for the package's postinst.
  dpkg-dev file groff-base systemd
  libboost-dev libcurl4-openssl-dev libsqlite3-dev libspdlog-dev libfmt-dev
  libgtest-dev libgmock-dev libtomlplusplus-dev nlohmann-json3-dev libcli11-dev
  libhowardhinnant-date-dev libphonenumber-dev libsystemd-dev libexpected-dev
  libgoogle-perftools-dev
  clang clang-format clang-tidy libclang-rt-14-dev
)
JOBS=${JOBS:-$(nproc)}

deps() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    return 0
  fi
  echo "Installing missing Debian packages: ${missing[*]}"
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

build() {
  local dir=$1
  shift
  cmake -S . -B "$dir" -G Ninja "$@" >/dev/null
  cmake --build "$dir" -j "$JOBS"
}

case "${1:-}" in
  deps)
    deps
    ;;
  run)
    deps
    build build
    echo "paminnad runs on embedded defaults: state and socket in ./paminna-local/"
    echo "From a second terminal in $(pwd): build/daemon/paminnactl status"
    exec build/daemon/paminnad
    ;;
  test)
    deps
    build build
    ctest --test-dir build --output-on-failure -j "$JOBS" --timeout 300
    ;;
  test-sanitize)
    deps
    build build-sanitize -DPAMINNA_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      ctest --test-dir build-sanitize --output-on-failure -j "$JOBS" --timeout 600
    ;;
  fuzz)
    deps
    exec bash scripts/fuzz.sh "${@:2}"
    ;;
  format-check)
    git ls-files '*.cpp' '*.h' | xargs clang-format --dry-run --Werror
    ;;
  tidy)
    deps
    build build
    run-clang-tidy -p build -j "$JOBS" -quiet "^$(pwd)/(daemon|adapters|tests|bench)/"
    ;;
  package-test)
    deps
    [ -f build/CMakeCache.txt ] || cmake -S . -B build -G Ninja >/dev/null
    bash scripts/package-test.sh
    ;;
  *)
    sed -n '2,11p' "$0"
    exit 2
    ;;
esac
