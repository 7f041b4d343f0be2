#!/usr/bin/env bash
# Fault campaigns at full size (CI runs a short version through ctest, label `fault`).
#
#   bash scripts/fault.sh [kills] [reminders]     default: 50 kills during 10,000 reminders
#
# Each campaign exits non-zero on the first broken invariant and prints its seed,
# so a failure can be replayed: build/tests/kill_campaign --seed N ...
set -euo pipefail
cd "$(dirname "$0")/.."
KILLS=${1:-50}
REMINDERS=${2:-10000}
bash scripts/dev.sh deps
cmake -S . -B build -G Ninja >/dev/null
cmake --build build -j "$(nproc)" --target kill_campaign socket_campaign gateway_campaign disk_campaign clock_campaign paminnad paminnactl
build/tests/kill_campaign --kills "$KILLS" --reminders "$REMINDERS"
build/tests/socket_campaign --idle 1000
build/tests/gateway_campaign --reminders 2000 --soon 200
build/tests/disk_campaign --clients 200 --rounds 5
build/tests/clock_campaign --clients 180
