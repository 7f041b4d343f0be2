#!/usr/bin/env bash
# The generated journal catalog has one well-formed entry for every event in
# events.def, and journalctl (when present) compiles it and lists every id.
#
# Usage: journal_catalog_test.sh CATALOG EVENTS_DEF
set -euo pipefail
catalog=$1
events_def=$2
fail() {
  echo "FAIL: $*" >&2
  exit 1
}

[ -s "$catalog" ] || fail "$catalog is missing or empty"

# NAME ID pairs from the EVENT(NAME, level, "ID", ...) lines.
mapfile -t events < <(sed -nE 's/^EVENT\(([A-Z0-9_]+), *[a-z]+, *"([^"]*)".*/\1 \2/p' "$events_def")
[ "${#events[@]}" -gt 0 ] || fail "no EVENT lines found in $events_def"

ids_in_def=$(printf '%s\n' "${events[@]}" | awk '{print $2}' | sort)
[ -z "$(uniq -d <<<"$ids_in_def")" ] || fail "MESSAGE_ID used twice in events.def: $(uniq -d <<<"$ids_in_def")"

for entry in "${events[@]}"; do
  read -r name id <<<"$entry"
  [[ $id =~ ^[0-9a-f]{32}$ ]] || fail "$name: MESSAGE_ID '$id' is not 32 lowercase hex digits"
  grep -qx -- "-- $id" "$catalog" || fail "$name: no '-- $id' header in $catalog"
  # The entry (from its header to the next one) names the event and has the required fields.
  body=$(awk -v h="-- $id" '$0 == h {on = 1; next} /^-- / {on = 0} on' "$catalog")
  grep -q "^Subject: $name: ." <<<"$body" || fail "$name: no Subject line naming the event"
  grep -qx "Defined-By: paminna" <<<"$body" || fail "$name: no Defined-By line"
  grep -q "^Support: ." <<<"$body" || fail "$name: no Support line"
  grep -q "PAMINNA_EVENT=$name " <<<"$body" || fail "$name: the body does not name PAMINNA_EVENT=$name"
  grep -q "^Operator action: " <<<"$body" || fail "$name: no operator action"
done

headers=$(grep -c '^-- ' "$catalog")
[ "$headers" -eq "${#events[@]}" ] || fail "$headers entries in the catalog, ${#events[@]} events in events.def"
# journalctl -x substitutes @FIELD@: a stray @ would garble the text.
! grep -q '@' "$catalog" || fail "the catalog contains '@'"

if ! command -v journalctl >/dev/null 2>&1; then
  echo "journalctl not installed: skipped compiling the catalog"
  exit 0
fi
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/usr/lib/systemd/catalog"
cp "$catalog" "$root/usr/lib/systemd/catalog/paminna.catalog"
journalctl --root="$root" --update-catalog 2>"$root/update.err" || {
  cat "$root/update.err" >&2
  fail "journalctl --update-catalog rejected the catalog"
}
# journalctl logs parse errors but still succeeds: any complaint is a failure.
! grep -q . "$root/update.err" || {
  cat "$root/update.err" >&2
  fail "journalctl --update-catalog complained"
}
listed=$(journalctl --root="$root" --list-catalog)
for entry in "${events[@]}"; do
  read -r name id <<<"$entry"
  grep -q "^$id " <<<"$listed" || fail "$name: $id missing from journalctl --list-catalog"
done
echo "journal catalog: ${#events[@]} events, compiled and listed by journalctl"
