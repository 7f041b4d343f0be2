#!/usr/bin/env bash
# Builds the Debian package from the configured build folder, checks what it
# holds, installs it, runs the INSTALLED daemon as its own user against the
# installed configuration, asks it for its status with the installed
# paminnactl, stops it, then removes and purges the package and checks what is
# kept. Exits non-zero on any failure and cleans up after itself.
#
#   bash scripts/package-test.sh            (CI: after `dev.sh test` configured build/)
#   BUILD_DIR=other bash scripts/package-test.sh
#
# As root with no paminna package installed it uses dpkg -i / -r / -P (CI is a
# throwaway root machine). Otherwise it only unpacks the package with dpkg -x
# into a temporary root and runs the daemon from there as the current user;
# PAMINNA_PACKAGE_TEST_MODE=extract asks for that on a machine you care about.
# Works without systemd as PID 1: the maintainer scripts guard every systemd call.
# The daemon logs to a file here (JOURNAL_STREAM unset), so the test can read it.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD_DIR:-build}
JOBS=${JOBS:-$(nproc)}

step() { echo "== package-test: $*"; }
fail() {
  echo "FAIL: package-test: $*" >&2
  exit 1
}

[ -f "$build/CMakeCache.txt" ] || fail "$build is not configured; run bash scripts/dev.sh test first"

step "building the package in $build"
cmake --build "$build" -j "$JOBS"
rm -f "$build"/paminna_*.deb
(cd "$build" && cpack -G DEB >/dev/null) || fail "cpack -G DEB failed"
deb=$(find "$build" -maxdepth 1 -name "paminna_*.deb" | head -n 1)
[ -n "$deb" ] || fail "cpack made no paminna_*.deb in $build"
step "made $deb"

work=$(mktemp -d /tmp/paminna-package-test.XXXXXX)
daemon_pid=""
installed_by_us=0
existed_before=()
for path in /var/lib/paminna /run/paminna /etc/paminna; do
  [ -e "$path" ] && existed_before+=("$path")
done
user_existed=0
getent passwd paminna >/dev/null && user_existed=1

cleanup() {
  local rc=$?
  set +e
  if [ -n "$daemon_pid" ] && kill -0 "$daemon_pid" 2>/dev/null; then
    kill -TERM "$daemon_pid"
    wait "$daemon_pid" 2>/dev/null
  fi
  if [ "$installed_by_us" -eq 1 ]; then
    dpkg -P paminna >/dev/null 2>&1
    # Purge keeps the state folder and the user by design; this test made
    # them, so it takes them away again (only if they were not there before).
    for path in /var/lib/paminna /run/paminna /etc/paminna; do
      [[ " ${existed_before[*]-} " == *" $path "* ]] || rm -rf "$path"
    done
    [ "$user_existed" -eq 1 ] || {
      userdel paminna 2>/dev/null
      groupdel paminna 2>/dev/null
    }
  fi
  [ "$rc" -eq 0 ] || { [ -f "$work/paminnad.log" ] && sed 's/^/  paminnad: /' "$work/paminnad.log" >&2; }
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT

step "checking the package's contents and control files"
contents=$(dpkg-deb -c "$deb" | awk '{print $6}')
for f in ./usr/sbin/paminnad ./usr/bin/paminnactl ./etc/paminna/paminna.toml \
  ./usr/share/paminna/templates/sv/reminder.txt ./usr/share/paminna/templates/ar/reminder.txt \
  ./usr/lib/systemd/system/paminnad.service ./usr/lib/systemd/system/paminnad.socket \
  ./usr/lib/sysusers.d/paminna.conf ./usr/lib/tmpfiles.d/paminna.conf \
  ./usr/lib/systemd/catalog/paminna.catalog \
  ./usr/share/man/man8/paminnad.8.gz ./usr/share/man/man1/paminnactl.1.gz \
  ./usr/share/doc/paminna/README.md ./usr/share/doc/paminna/paminna.example.toml; do
  grep -qx -- "$f" <<<"$contents" || fail "the package lacks $f"
done
# The bash completion exists once paminnactl can generate it (issue 9, ops).
if [ -f "$build/daemon/paminnactl.bash" ]; then
  grep -qx ./usr/share/bash-completion/completions/paminnactl <<<"$contents" || fail "the package lacks the bash completion"
fi
! grep -qE '^\./usr/(local|etc)/' <<<"$contents" || fail "the package installs under /usr/local or /usr/etc"
! grep -qE '(unit_|integration_tests|_bench|paminna_journal_catalog)' <<<"$contents" || fail "the package holds test or build tools"
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libsqlite3 libcurl libsystemd tzdata; do
  grep -q "$lib" <<<"$depends" || fail "Depends lacks $lib: $depends"
done
dpkg-deb -e "$deb" "$work/control"
grep -qx /etc/paminna/paminna.toml "$work/control/conffiles" || fail "paminna.toml is not a conffile"
for script in postinst prerm postrm; do
  [ -x "$work/control/$script" ] || fail "$script is missing or not executable"
  sh -n "$work/control/$script" || fail "$script has a syntax error"
done

package_status=$(dpkg-query -W -f='${Status}' paminna 2>/dev/null || true)
if [ "${PAMINNA_PACKAGE_TEST_MODE:-}" != extract ] && [ "$(id -u)" -eq 0 ] &&
  [[ $package_status != *installed* ]]; then
  mode=dpkg
  root=""
  step "installing with dpkg -i"
  installed_by_us=1
  dpkg -i "$deb" || fail "dpkg -i failed"
  getent passwd paminna >/dev/null || fail "postinst made no paminna user"
  for dir in /var/lib/paminna /var/lib/paminna/backups; do
    [ "$(stat -c '%U %a' "$dir")" = "paminna 700" ] || fail "$dir: $(stat -c '%U %a' "$dir")"
  done
  [ "$(stat -c '%G %a' /etc/paminna)" = "paminna 750" ] || fail "/etc/paminna: $(stat -c '%G %a' /etc/paminna)"
  [ -f /etc/paminna/sms-gateway.credentials ] || fail "no empty credentials file for LoadCredential="
  conffiles=$(dpkg-query -W -f='${Conffiles}\n' paminna)
  grep -q /etc/paminna/paminna.toml <<<"$conffiles" || fail "dpkg does not track paminna.toml as a conffile"
  if command -v journalctl >/dev/null 2>&1; then
    catalog=$(journalctl --list-catalog)
    grep -q 'DAEMON_START_FAILED' <<<"$catalog" || fail "the journal catalog was not installed"
  fi
  run_as=(setpriv --reuid=paminna --regid=paminna --init-groups --)
  chown paminna:paminna "$work"
else
  mode=extract
  root="$work/root"
  step "unpacking with dpkg -x into $root (not root, paminna installed, or asked for)"
  dpkg -x "$deb" "$root"
  run_as=()
fi

paminnad="$root/usr/sbin/paminnad"
paminnactl="$root/usr/bin/paminnactl"
config="$root/etc/paminna/paminna.toml"

step "paminnad --check-config on the installed configuration"
"${run_as[@]}" "$paminnad" --check-config "$config" || fail "the installed configuration is not valid"
[[ $("$paminnad" --version) == "paminnad "* ]] || fail "paminnad --version"
[[ $("$paminnactl" --version) == "paminnactl "* ]] || fail "paminnactl --version"

# The installed configuration as is, with its database, socket and phone files
# in a temporary folder (the test must not touch an office's /var/lib or /run),
# and a made-up credential for its 46elks gateway, which is never called.
sed -e "s#/var/lib/paminna/#$work/#g" -e "s#/run/paminna/#$work/#g" "$config" >"$work/paminna.toml"
if [ "$mode" = extract ]; then
  # The paminna group exists only where the package was installed.
  sed -i 's/^socket_group = .*/socket_group = ""/' "$work/paminna.toml"
fi
mkdir "$work/credentials"
printf 'username=package-test\npassword=package-test\n' >"$work/credentials/sms-gateway"
[ "$mode" = extract ] || chown -R paminna:paminna "$work"

step "starting the installed paminnad ($mode mode)"
"${run_as[@]}" env -u JOURNAL_STREAM CREDENTIALS_DIRECTORY="$work/credentials" \
  "$paminnad" --config "$work/paminna.toml" >"$work/paminnad.log" 2>&1 &
daemon_pid=$!
status_rc=1
for _ in $(seq 1 100); do
  kill -0 "$daemon_pid" 2>/dev/null || fail "paminnad exited during start"
  if "$paminnactl" --socket "$work/control.sock" status >"$work/status.txt" 2>&1; then
    status_rc=0
    break
  fi
  sleep 0.2
done
[ "$status_rc" -eq 0 ] || fail "paminnactl status got no answer: $(cat "$work/status.txt")"
sed 's/^/  status: /' "$work/status.txt"
json_status=$("$paminnactl" --socket "$work/control.sock" --json status) || fail "paminnactl --json status failed"
grep -q '"version"' <<<"$json_status" || fail "paminnactl --json status has no version"
[ -f "$work/paminna.db" ] || fail "the daemon made no database"
if [ "$mode" = dpkg ]; then
  [ "$(stat -c %U "$work/paminna.db")" = paminna ] || fail "the database is not owned by paminna"
fi

step "stopping paminnad"
kill -TERM "$daemon_pid"
daemon_rc=0
wait "$daemon_pid" || daemon_rc=$?
daemon_pid=""
[ "$daemon_rc" -eq 0 ] || fail "paminnad exited with $daemon_rc after SIGTERM"
grep -q DAEMON_STOPPING "$work/paminnad.log" || fail "no DAEMON_STOPPING in the log"

if [ "$mode" = dpkg ]; then
  step "dpkg -r keeps configuration and data"
  dpkg -r paminna || fail "dpkg -r failed"
  [ ! -e /usr/sbin/paminnad ] || fail "/usr/sbin/paminnad is still there after remove"
  [ -f /etc/paminna/paminna.toml ] || fail "remove deleted the configuration"
  [ -d /var/lib/paminna ] || fail "remove deleted /var/lib/paminna"
  step "dpkg -P removes the configuration and keeps the data"
  dpkg -P paminna || fail "dpkg -P failed"
  [ ! -e /etc/paminna/paminna.toml ] || fail "purge kept paminna.toml"
  [ ! -e /etc/paminna/sms-gateway.credentials ] || fail "purge kept the gateway credentials"
  [ -d /var/lib/paminna ] || fail "purge deleted /var/lib/paminna"
fi
step "passed ($mode mode)"
