#!/usr/bin/env bash
# Golden CLI transcripts.
#
#   tests/run-transcripts.sh [--regen] [NAME...]
#
# Each test is tests/transcripts/NAME.in: what a person types, one command a
# line. Input of `load ... terminal` follows the command and ends with a line
# holding only ^D (caret, D), which is fed to the CLI as the byte 0x04.
# Lines that answer a password prompt are fed as they are (the CLI does not
# echo them). Optional NAME.target holds jdm (default) or jcp; optional
# NAME.rc holds the expected exit status of the CLI: 0 or nonzero.
# Optional NAME.pre holds set lines (and # comments) committed silently
# before the transcript: the state the box of the transcript was in (e.g. the
# hugepage pool of the thesis' system options).
# NAME.out is the exact output of `cli --socket SOCK < NAME.in` (stdout and
# stderr together).
#
# Every transcript gets fresh daemons (own temp state dir, own netns, through
# ./nfx up / down), cleaned up even when the run fails or is interrupted.
# --regen (or NFX_REGEN=1) rewrites the .out files from what the CLI prints.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
DIR="$ROOT/tests/transcripts"
NFX="$ROOT/nfx"
CLI="${NFX_CLI:-${NFX_BUILD_DIR:-$ROOT/build}/cli/cli}"
# Golden transcripts pin the CLI's behaviour: the daemons keep the
# configuration only (the thesis' VNF images do not exist here); the VNF
# lifecycle has its own integration tests against real QEMU.
export NFX_HYPERVISOR="${NFX_HYPERVISOR:-none}"
CLI_TIMEOUT="${NFX_TRANSCRIPT_TIMEOUT:-60}"

regen="${NFX_REGEN:-0}"
names=()
for a in "$@"; do
	case "$a" in
	--regen) regen=1 ;;
	-h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	-*) echo "run-transcripts: unknown option $a" >&2; exit 2 ;;
	*) names+=("$(basename "${a%.in}")") ;;
	esac
done
if [[ ${#names[@]} -eq 0 ]]; then
	for f in "$DIR"/*.in; do
		[[ -e "$f" ]] || continue
		names+=("$(basename "${f%.in}")")
	done
fi

[[ -x "$CLI" ]] || { echo "run-transcripts: $CLI not built (./nfx setup)" >&2; exit 1; }

state=""
cleanup() {
	if [[ -n "$state" ]]; then
		"$NFX" down --state-dir "$state" >/dev/null 2>&1 || true
		rm -rf "$state"
		state=""
	fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

export LC_ALL=C COLUMNS=80 TERM=dumb

passed=0
failed=0
for name in "${names[@]}"; do
	in="$DIR/$name.in"
	out="$DIR/$name.out"
	if [[ ! -f "$in" ]]; then
		echo "FAIL $name (no $in)"
		failed=$((failed + 1))
		continue
	fi
	target=jdm
	if [[ -f "$DIR/$name.target" ]]; then
		target="$(tr -d '[:space:]' <"$DIR/$name.target")"
	fi
	state="$(mktemp -d /tmp/nfx-transcript.XXXXXX)"
	if ! "$NFX" up --state-dir "$state" >"$state/up.out" 2>&1; then
		echo "FAIL $name (./nfx up failed)"
		sed 's/^/    /' "$state/up.out"
		failed=$((failed + 1))
		cleanup
		continue
	fi
	if [[ -f "$DIR/$name.pre" ]]; then
		{ echo configure; grep -v '^[[:space:]]*\(#\|$\)' "$DIR/$name.pre"; echo commit; } >"$state/pre"
		if ! timeout --kill-after=5 "$CLI_TIMEOUT" "$CLI" --socket "$state/$target.sock" \
			<"$state/pre" >"$state/pre.out" 2>&1 || ! grep -q '^commit complete$' "$state/pre.out"; then
			echo "FAIL $name (committing $name.pre failed)"
			sed 's/^/    | /' "$state/pre.out" | tail -n 20
			failed=$((failed + 1))
			cleanup
			continue
		fi
	fi
	sed 's/^\^D$/\x04/' "$in" >"$state/input"
	rc=0
	timeout --kill-after=5 "$CLI_TIMEOUT" "$CLI" --socket "$state/$target.sock" \
		<"$state/input" >"$state/output" 2>&1 || rc=$?
	if [[ "$regen" == 1 ]]; then
		cp "$state/output" "$out"
		if [[ $rc -eq 124 || $rc -eq 137 ]]; then
			echo "FAIL $name (cli timed out after ${CLI_TIMEOUT}s; .out rewritten anyway)"
			failed=$((failed + 1))
		else
			echo "PASS $name (regenerated, exit $rc)"
			passed=$((passed + 1))
		fi
		cleanup
		continue
	fi
	why=""
	if [[ $rc -eq 124 || $rc -eq 137 ]]; then
		why="cli timed out after ${CLI_TIMEOUT}s"
	elif [[ ! -f "$out" ]]; then
		why="no $name.out (run with --regen to create it)"
	elif ! diff -u --label "$name.out (expected)" --label "$name (actual)" \
		"$out" "$state/output" >"$state/diff"; then
		why="output differs"
	elif [[ -f "$DIR/$name.rc" ]]; then
		want="$(tr -d '[:space:]' <"$DIR/$name.rc")"
		if [[ "$want" == 0 && $rc -ne 0 ]]; then
			why="cli exited $rc, expected 0"
		elif [[ "$want" == nonzero && $rc -eq 0 ]]; then
			why="cli exited 0, expected non-zero"
		fi
	fi
	if [[ -z "$why" ]]; then
		echo "PASS $name"
		passed=$((passed + 1))
	else
		echo "FAIL $name ($why)"
		[[ -s "$state/diff" ]] && cat "$state/diff"
		if [[ "$why" != "output differs" ]]; then
			sed 's/^/    | /' "$state/output" | tail -n 40
		fi
		for d in jdmd jcpd; do
			if [[ -s "$state/$d.log" ]]; then
				echo "    ---- $d.log (last lines)"
				tail -n 10 "$state/$d.log" | sed 's/^/    /'
			fi
		done
		failed=$((failed + 1))
	fi
	cleanup
done

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
