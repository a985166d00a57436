#!/usr/bin/env bash
# The systemd units of the installed appliance, without installing anything:
# `meson install` of the build tree into a temp DESTDIR, then on its units
# (ExecStart pointed into the DESTDIR, since systemd-analyze checks that the
# program exists) `systemd-analyze verify` passes with no complaint and
# `systemd-analyze security --offline` stays within the exposure each unit
# is meant to have (jcpd is sandboxed, jdmd, which manages accounts, VMs and
# hugepages, less so). The package test (test_deb_package.sh) verifies the
# units again where dpkg installed them.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
BUILD="${NFX_BUILD_DIR:-$ROOT/build}"
command -v systemd-analyze >/dev/null || { echo "no systemd-analyze"; exit 77; }
[[ -f "$BUILD/build.ninja" ]] || { echo "no build dir $BUILD"; exit 77; }
dest="$(mktemp -d /tmp/nfx-it-units.XXXXXX)"
trap 'rm -rf "$dest"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
fail() { echo "FAIL: $*" >&2; exit 1; }

DESTDIR="$dest/root" timeout 300 meson install -C "$BUILD" --no-rebuild --quiet >"$dest/install.log" 2>&1 ||
	{ cat "$dest/install.log"; fail "meson install"; }
units=()
for u in jdmd jcpd; do
	f="$(find "$dest/root" -path "*/systemd/system/$u.service" | head -n1)"
	[[ -n "$f" ]] || fail "meson install did not install $u.service"
	exe="$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$f")"
	[[ -x "$dest/root$exe" ]] || fail "$u.service: ExecStart $exe is not installed"
	sed "s|^ExecStart=|ExecStart=$dest/root|" "$f" >"$dest/$u.service"
	for k in Restart=on-failure RestartForceExitStatus=75 RestartPreventExitStatus=76 \
		NoNewPrivileges=yes PrivateTmp=yes After=network-online.target WantedBy=multi-user.target; do
		grep -qx "$k" "$f" || fail "$u.service has no $k"
	done
	units+=("$dest/$u.service")
done

echo "--- systemd-analyze verify"
(cd "$dest" && systemd-analyze verify "${units[@]}") >"$dest/verify.log" 2>&1 ||
	{ cat "$dest/verify.log"; fail "systemd-analyze verify"; }
[[ ! -s "$dest/verify.log" ]] || { cat "$dest/verify.log"; fail "systemd-analyze verify complains"; }

echo "--- systemd-analyze security (exposure, 0 best .. 10 worst)"
for pair in jcpd:6.0 jdmd:8.0; do
	u="${pair%%:*}" max="${pair#*:}"
	lvl="$(systemd-analyze security --offline=true "$dest/$u.service" 2>/dev/null |
		sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')"
	[[ -n "$lvl" ]] || fail "no exposure level for $u"
	echo "$u.service: $lvl (at most $max)"
	awk -v a="$lvl" -v b="$max" 'BEGIN { exit !(a <= b) }' || fail "$u.service is more exposed ($lvl) than $max"
done
echo PASS
