#!/bin/bash
# Crash safety of cfg_store: run store-crasher as a child that commits
# revisions of growing size (100 B .. 6 MB), SIGKILL it at a random moment,
# then reopen the store and check it (integrity, ring of <= 50 consecutive
# revisions, every kept revision whole, kv state of the same transaction,
# and no commit that returned was lost). Repeat.
#
# usage: test_store_crash.sh STORE-CRASHER [ROUNDS]
set -u

crasher=${1:?usage: test_store_crash.sh STORE-CRASHER [ROUNDS]}
rounds=${2:-100}

dir=$(mktemp -d /tmp/nfx-store-crash-XXXXXX) || exit 1
pid=
cleanup() {
	[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT

db=$dir/config.db
min=0      # newest seq the writer reported as committed
prev=0     # active seq after the previous round
advanced=0 # rounds in which at least one commit got through

for ((i = 1; i <= rounds; i++)); do
	"$crasher" write "$db" >"$dir/out" 2>"$dir/err" &
	pid=$!
	# 0..399 ms: sometimes before the first commit, mostly inside one
	sleep "$(printf '0.%03d' $((RANDOM % 400)))"
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	status=$?
	pid=
	if [ "$status" -ne 137 ]; then
		echo "round $i: writer exited by itself with status $status" >&2
		cat "$dir/err" >&2
		exit 1
	fi
	last=$(tail -n 1 "$dir/out" | sed -n 's/^committed //p')
	[ -n "$last" ] && min=$last
	if ! active=$("$crasher" check "$db" "$min" 2>"$dir/cerr"); then
		echo "round $i: store damaged after SIGKILL (last reported commit $min)" >&2
		cat "$dir/cerr" >&2
		exit 1
	fi
	if [ "$active" -lt "$prev" ]; then
		echo "round $i: active revision went back from $prev to $active" >&2
		exit 1
	fi
	[ "$active" -gt "$prev" ] && advanced=$((advanced + 1))
	prev=$active
done

if [ "$advanced" -lt $((rounds / 4)) ]; then
	echo "only $advanced of $rounds rounds committed anything: the test did not exercise much" >&2
	exit 1
fi
echo "ok: $rounds kills, $advanced rounds advanced, active revision $prev"
exit 0
