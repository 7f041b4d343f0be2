#!/usr/bin/env bash
# A man page renders without groff warnings, has the sections a reader looks
# for, and mentions every option and command that `BINARY --help` lists
# (recursively through subcommands), so the page cannot fall behind the binary.
#
# Usage: man_page_test.sh PAGE BINARY
set -euo pipefail
page=$1
binary=$2
name=$(basename "$binary")
fail=0
problem() {
  echo "FAIL: $page: $*" >&2
  fail=1
}

if command -v groff >/dev/null 2>&1; then
  warnings=$(groff -man -Tutf8 -ww -z "$page" 2>&1) || problem "groff failed"
  [ -z "$warnings" ] || problem "groff warnings:"$'\n'"$warnings"
else
  echo "groff not installed: only the basic checks"
  head -n 20 "$page" | grep -q '^\.TH ' || problem "no .TH line"
fi

required=(NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" ENVIRONMENT FILES "SEE ALSO")
case "$page" in *.8) required+=(SIGNALS) ;; esac
for section in "${required[@]}"; do
  grep -qE "^\.SH \"?$section\"?\$" "$page" || problem "no section $section"
done

# The page as words: roff's \- is a hyphen; font escapes and \c go.
text=$(sed -E 's/\\-/-/g; s/\\f[BIRP]//g; s/\\c//g; s/\\e/\\/g' "$page")
mentions() { grep -qE -- "(^|[^-a-z0-9])$1([^-a-z0-9]|\$)" <<<"$text"; }

# Options: -x and --long-name at the start of a help line (CLI11 layout).
options_of() { sed -nE 's/^ {2}(-[A-Za-z0-9]|--[a-z0-9][a-z0-9-]*)(,? *(--[a-z0-9][a-z0-9-]*))?.*/\1 \3/p' <<<"$1" | tr ' ' '\n'; }
# Subcommands: the names under the "Subcommands:" heading.
subcommands_of() { awk 'toupper($0) ~ /^SUBCOMMANDS:/ {on = 1; next} /^[^ ]/ {on = 0} on && /^  [a-z]/ {print $1}' <<<"$1"; }

checked=0
check_command() {
  local -a path=("$@")
  local help
  help=$("$binary" "${path[@]}" --help) || {
    problem "$name ${path[*]} --help failed"
    return
  }
  checked=$((checked + 1))
  local option
  for option in $(options_of "$help"); do
    if [ -n "$option" ] && ! mentions "$option"; then
      problem "'$name ${path[*]}' option $option is not mentioned"
    fi
  done
  local sub
  for sub in $(subcommands_of "$help"); do
    if ! mentions "$sub"; then
      problem "'$name ${path[*]} $sub' is not mentioned"
    fi
    check_command "${path[@]}" "$sub"
  done
}
check_command
# A change in the help layout must not make this test pass by finding nothing.
[ -n "$(options_of "$("$binary" --help)")" ] || problem "no options found in $name --help"

[ "$fail" -eq 0 ] || exit 1
echo "$page: renders cleanly and covers $name --help ($checked commands)"
