#!/usr/bin/env bash
# Operational replies as data: ./nfx up (hypervisor none) in a temp state
# dir, then every operational command of cli/schema/ops-jdm.xml and
# ops-jcp.xml that has a reply (reads state; `request ...`, `ssh`, `ping`,
# `configure` have none) with `| display xml` (xmllint --noout) and
# `| display json` (python3 -m json.tool); displays a command cannot honour
# fail; the 'Q' frame returns a reply as XML and refuses an action; a
# subscriber ('W') sees a <commit-event> after a commit.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
NFX="$ROOT/nfx"
CLIENT="$ROOT/tests/integration/ops_client.py"
PY=/usr/bin/python3
export NFX_HYPERVISOR="${NFX_HYPERVISOR:-none}"
state="$(mktemp -d /tmp/nfx-it-opsdata.XXXXXX)"
watcher=""
cliwatch=""
jcpwatch=""
cleanup() {
	for p in $watcher $cliwatch $jcpwatch; do kill "$p" 2>/dev/null || true; done
	"$NFX" down --state-dir "$state" >/dev/null 2>&1 || true
	rm -rf "$state"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail() { echo "FAIL: $*" >&2; exit 1; }
step() { echo "--- $*"; }
cli() { "$NFX" cli --state-dir "$state" "$@"; }

command -v xmllint >/dev/null || fail "xmllint missing (libxml2-utils)"

step "up"
# an image directory with one good image and one that fails inspection
export NFX_IMAGE_DIR="$state/images"
mkdir -p "$NFX_IMAGE_DIR"
truncate -s 1M "$NFX_IMAGE_DIR/disk.raw"
printf 'not a qcow2 <&>' >"$NFX_IMAGE_DIR/broken.qcow2"
"$NFX" up --state-dir "$state"

step "some state to show"
cli >/dev/null <<'IN' || fail "JDM commit failed"
configure
set system host-name nfx-data
set host-os vlans v100 vlan-id 100
set virtual-network-functions vrtr1 image /var/third-party/images/vrtr1.qcow2
set virtual-network-functions vrtr1 virtual-cpu count 2
set virtual-network-functions vrtr1 memory size 1048576
commit comment "vlans & <vnfs>"
IN
cli --target jcp >/dev/null <<'IN' || fail "JCP commit failed"
configure
set vlans v1100 vlan-id 1100
set interfaces ge-0/0/0 unit 0 family ethernet-switching vlan members v1100
commit
IN

# The commands with a reply, as keyword lines, from the schema itself.
commands() {
	"$PY" - "$1" <<'PY'
import sys, xml.etree.ElementTree as ET
def walk(e, path):
    for c in e:
        if c.tag != "container":
            continue
        p = path + [c.get("name")]
        r = c.get("reply")
        if r and r != "configuration":
            print(" ".join(p))
        walk(c, p)
walk(ET.parse(sys.argv[1]).getroot(), [])
PY
}

n=0
for target in jdm jcp; do
	step "$target: every command with a reply, as XML and JSON"
	mapfile -t cmds < <(commands "$ROOT/cli/schema/ops-$target.xml")
	[[ ${#cmds[@]} -ge 6 ]] || fail "$target: only ${#cmds[@]} commands with a reply"
	[[ $target == jdm ]] && cmds+=("show virtual-network-functions vrtr1 detail")
	[[ $target == jcp ]] && cmds+=("show interfaces terse" "show interfaces ge-0/0/0")
	for c in "${cmds[@]}"; do
		x="$(cli --target "$target" -c "$c | display xml")" || fail "$target: $c | display xml failed: $x"
		xmllint --noout - <<<"$x" || fail "$target: $c | display xml is not well-formed:
$x"
		j="$(cli --target "$target" -c "$c | display json")" || fail "$target: $c | display json failed: $j"
		"$PY" -m json.tool >/dev/null <<<"$j" || fail "$target: $c | display json does not parse:
$j"
		echo "ok  $target: $c"
		n=$((n + 1))
	done
done
echo "$n commands checked"

step "content: the reply holds the state"
x="$(cli -c "show virtual-network-functions vrtr1 | display xml")"
grep -q '<vnf-name>vrtr1</vnf-name>' <<<"$x" || fail "no vnf-name in: $x"
grep -q '<vnf-vcpus>2</vnf-vcpus>' <<<"$x" || fail "no vnf-vcpus in: $x"
x="$(cli -c "show system commit | display xml")"
grep -q '<comment>vlans &amp; &lt;vnfs&gt;</comment>' <<<"$x" || fail "comment not escaped: $x"
j="$(cli --target jcp -c "show vlans | display json")"
"$PY" -c 'import json,sys
d = json.load(sys.stdin)
v = d["vlan-information"][0]["vlan"][0]
assert v["vlan-name"][0]["data"] == "v1100", v
assert v["vlan-member-interface"][0]["data"] == "ge-0/0/0.0", v' <<<"$j" || fail "show vlans JSON: $j"

step "displays that cannot be honoured fail"
for c in "show system commit | display set" "request virtual-network-functions vrtr1 start | display xml" \
	"show host-os vlans | compare"; do
	if out="$(cli -c "$c" 2>&1)"; then fail "'$c' succeeded: $out"; fi
	grep -q 'is not supported by this command' <<<"$out" || fail "'$c': $out"
done

step "Q frame: a reply as data; an action is refused"
x="$("$PY" "$CLIENT" "$state/jdm.sock" query show virtual-network-functions)" || fail "query failed"
xmllint --noout - <<<"$x" || fail "query answer is not XML: $x"
grep -q '<vnf-name>vrtr1</vnf-name>' <<<"$x" || fail "query answer: $x"
x="$("$PY" "$CLIENT" "$state/jcp.sock" query show interfaces ge-0/0/0)" || fail "jcp query failed"
grep -q '<name>ge-0/0/0.0</name>' <<<"$x" || fail "jcp query answer: $x"
if "$PY" "$CLIENT" "$state/jdm.sock" query request virtual-network-functions vrtr1 stop >/dev/null 2>&1; then
	fail "a query ran an action"
fi

step "W frame: a subscriber sees the commit"
rm -f "$state/ready"
"$PY" "$CLIENT" "$state/jdm.sock" watch commit-event --timeout 60 --ready "$state/ready" \
	>"$state/events" 2>"$state/watch.err" &
watcher=$!
for _ in $(seq 100); do [[ -e "$state/ready" ]] && break; sleep 0.1; done
[[ -e "$state/ready" ]] || fail "the watcher did not subscribe: $(cat "$state/watch.err")"
# and the CLI's own watcher (cli --watch), on the JCP too
cli --watch commit-event >"$state/cli-events" 2>&1 &
cliwatch=$!
cli --target jcp --watch all >"$state/jcp-events" 2>&1 &
jcpwatch=$!
sleep 1
cli >/dev/null <<'IN' || fail "second commit failed"
configure
set host-os vlans v200 vlan-id 200
commit comment "watched"
IN
rc=0
wait "$watcher" || rc=$?
watcher=""
[[ $rc -eq 0 ]] || fail "no commit event (rc $rc): $(cat "$state/watch.err")"
cat "$state/events"
xmllint --noout "$state/events" || fail "the event is not XML"
grep -q '<commit-event>' "$state/events" || fail "not a commit-event"
grep -q '<comment>watched</comment>' "$state/events" || fail "not the commit made"
grep -q '<user>' "$state/events" || fail "no user in the event"
cli --target jcp >/dev/null <<'IN' || fail "JCP commit failed"
configure
set vlans v300 vlan-id 300
commit
IN
for _ in $(seq 100); do
	grep -q '^--$' "$state/cli-events" && grep -q '^--$' "$state/jcp-events" && break
	sleep 0.1
done
kill "$cliwatch" "$jcpwatch" 2>/dev/null || true
grep -q '<comment>watched</comment>' "$state/cli-events" || fail "cli --watch: $(cat "$state/cli-events")"
grep -q '<commit-event>' "$state/jcp-events" || fail "cli --watch on the JCP: $(cat "$state/jcp-events")"
echo "ops data: all checks passed"
