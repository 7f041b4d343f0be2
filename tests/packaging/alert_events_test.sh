#!/usr/bin/env bash
# The README's list of events to alert on is exactly the error and critical
# events of events.def: a new ERROR event must reach the operators' alerting.
#
# Usage: alert_events_test.sh README EVENTS_DEF
set -euo pipefail
readme=$1
events_def=$2

expected=$(sed -nE 's/^EVENT\(([A-Z0-9_]+), *(error|critical),.*/\1/p' "$events_def" | sort)
# The list sits between <!-- alert-events --> and <!-- /alert-events --> as `NAME`s.
# shellcheck disable=SC2016 # the backquotes are literal
listed=$(awk '/<!-- alert-events -->/ {on = 1; next} /<!-- \/alert-events -->/ {on = 0} on' "$readme" |
  grep -oE '`[A-Z][A-Z0-9_]+`' | tr -d '`' | sort -u)

[ -n "$expected" ] || {
  echo "FAIL: no error/critical events found in $events_def" >&2
  exit 1
}
if [ "$expected" != "$listed" ]; then
  echo "FAIL: the README's alert list differs from the error/critical events in events.def" >&2
  diff <(echo "$expected") <(echo "$listed") | sed -n 's/^< /  missing from README: /p; s/^> /  not error\/critical (or unknown): /p' >&2
  exit 1
fi
echo "README lists all $(wc -l <<<"$expected") error/critical events"
