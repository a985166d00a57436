#!/usr/bin/env bash
# `| display xml` read as a Junos automation script reads it (PyEZ, ncclient:
# lxml). Junos's CLI prints an RPC reply: the root <rpc-reply> declares the
# junos namespace (xmlns:junos="http://xml.juniper.net/junos/VERSION/junos"),
# holds the reply element (PyEZ hands the script that element) and the CLI's
# <cli><banner> trailer; `show configuration` is <configuration
# junos:commit-seconds junos:commit-localtime junos:commit-user> and, in
# configuration mode, `show` carries junos:changed-seconds/-localtime
# (Juniper, "Junos XML Management Protocol Developer Guide": commit-seconds,
# commit-localtime, commit-user). `| display json` of the configuration has
# the same attributes as its "@" member. Checked for the configuration and
# for every operational command of ops-jdm.xml and ops-jcp.xml that has a
# reply, on fresh daemons (hypervisor none) in a temp state dir.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
NFX="$ROOT/nfx"
PY=/usr/bin/python3
export NFX_HYPERVISOR="${NFX_HYPERVISOR:-none}"
state="$(mktemp -d /tmp/nfx-it-pyez.XXXXXX)"
cleanup() {
	"$NFX" down --state-dir "$state" >/dev/null 2>&1 || true
	rm -rf "$state"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail() { echo "FAIL: $*" >&2; exit 1; }
step() { echo "--- $*"; }
cli() { "$NFX" cli --state-dir "$state" "$@"; }

"$PY" -c 'import lxml.etree' 2>/dev/null || fail "python3-lxml missing (packages.txt)"

step "up"
export NFX_IMAGE_DIR="$state/images"
mkdir -p "$NFX_IMAGE_DIR"
truncate -s 1M "$NFX_IMAGE_DIR/disk.raw"
"$NFX" up --state-dir "$state"

step "some state to show"
cli >/dev/null <<'IN' || fail "JDM commit failed"
configure
set system host-name nfx-pyez
set host-os vlans v100 vlan-id 100
set virtual-network-functions vrtr1 image /var/third-party/images/vrtr1.qcow2
set virtual-network-functions vrtr1 virtual-cpu count 2
set virtual-network-functions vrtr1 memory size 1048576
commit comment "pyez & <xml>"
IN
cli --target jcp >/dev/null <<'IN' || fail "JCP commit failed"
configure
set vlans v1100 vlan-id 1100
set interfaces ge-0/0/0 unit 0 family ethernet-switching vlan members v1100
commit
IN

# check.py KIND [WHAT]: the XML (or JSON) on stdin read as PyEZ reads it.
cat >"$state/check.py" <<'PY'
import json, re, sys, time, calendar
from lxml import etree

kind = sys.argv[1]
text = sys.stdin.read()
NSRE = r"^http://xml\.juniper\.net/junos/[^/]+/junos$"

def localtime_ok(secs, local):
    t = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(int(secs)))
    assert local == t, (local, t)

if kind == "json":
    d = json.loads(text)
    conf = d["configuration"]
    at = conf["@"]
    localtime_ok(at["junos:commit-seconds"], at["junos:commit-localtime"])
    assert at["junos:commit-user"] == "root", at
    assert conf["host-os"]["vlans"]["vlan"][0]["name"] == "v100", conf
    sys.exit(0)

# lxml, as ncclient/PyEZ parse an RPC reply
root = etree.fromstring(text.encode())
assert etree.QName(root).localname == "rpc-reply", root.tag
assert root.tag == "rpc-reply", "rpc-reply is in no default namespace: " + root.tag
ns = root.nsmap.get("junos")
assert ns and re.match(NSRE, ns), root.nsmap
kids = [k for k in root if isinstance(k.tag, str)]
assert len(kids) == 2, [k.tag for k in kids]
reply, cli = kids
assert cli.tag == "cli" and cli.find("banner") is not None, etree.tostring(cli)
banner = cli.findtext("banner")
J = "{%s}" % ns

if kind == "config":
    assert reply.tag == "configuration", reply.tag
    secs = reply.get(J + "commit-seconds")
    assert secs and secs.isdigit(), reply.attrib
    localtime_ok(secs, reply.get(J + "commit-localtime"))
    assert reply.get(J + "commit-user") == "root", reply.attrib
    assert banner == "{master:0}", banner
    # what a script asks of it
    assert reply.findtext("system/host-name") == "nfx-pyez", etree.tostring(reply)
    assert reply.xpath("host-os/vlans/vlan[name='v100']/vlan-id/text()") == ["100"]
elif kind == "candidate":
    assert reply.tag == "configuration", reply.tag
    secs = reply.get(J + "changed-seconds")
    assert secs and secs.isdigit(), reply.attrib
    localtime_ok(secs, reply.get(J + "changed-localtime"))
    assert reply.get(J + "commit-user") is None, reply.attrib
    assert banner == "{master:0}[edit]", banner
else:
    # an operational reply: one element with the name of its <reply>
    assert reply.tag == sys.argv[2], (reply.tag, sys.argv[2])
    assert banner == "{master:0}", banner
    for e in reply.iter():
        assert isinstance(e.tag, str) and not e.tag.startswith("{"), e.tag
PY

# The commands with a reply, as "keywords<TAB>reply" lines, from the schema.
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
            print(" ".join(p) + "\t" + r)
        walk(c, p)
walk(ET.parse(sys.argv[1]).getroot(), [])
PY
}

step "show configuration | display xml"
x="$(cli -c "show configuration | display xml")" || fail "show configuration | display xml: $x"
"$PY" "$state/check.py" config <<<"$x" || fail "show configuration | display xml:
$x"
step "show | display xml in configuration mode"
x="$(printf 'configure\nshow | display xml\n' | cli 2>&1)"
x="$(sed -n '/^<rpc-reply/,/^<\/rpc-reply>/p' <<<"$x")"
"$PY" "$state/check.py" candidate <<<"$x" || fail "show | display xml (configuration mode):
$x"
step "show configuration | display json"
j="$(cli -c "show configuration | display json")" || fail "show configuration | display json: $j"
"$PY" "$state/check.py" json <<<"$j" || fail "show configuration | display json:
$j"

step "a 'Q' query answers the reply alone (no CLI wrapper)"
q="$("$PY" "$ROOT/tests/integration/ops_client.py" "$state/jdm.sock" query show configuration)" ||
	fail "query show configuration: $q"
"$PY" -c 'import sys; from lxml import etree
r = etree.fromstring(sys.stdin.read().encode())
assert r.tag == "configuration", r.tag' <<<"$q" || fail "query show configuration: $q"
q="$("$PY" "$ROOT/tests/integration/ops_client.py" "$state/jdm.sock" query show host-os vlans)" ||
	fail "query show host-os vlans: $q"
"$PY" -c 'import sys; from lxml import etree
r = etree.fromstring(sys.stdin.read().encode())
assert r.tag == "host-os-vlan-information", r.tag' <<<"$q" || fail "query show host-os vlans: $q"

n=0
for target in jdm jcp; do
	step "$target: every command with a reply"
	mapfile -t cmds < <(commands "$ROOT/cli/schema/ops-$target.xml")
	[[ ${#cmds[@]} -ge 6 ]] || fail "$target: only ${#cmds[@]} commands with a reply"
	for cr in "${cmds[@]}"; do
		c="${cr%%$'\t'*}"
		r="${cr##*$'\t'}"
		x="$(cli --target "$target" -c "$c | display xml")" || fail "$target: $c | display xml failed: $x"
		"$PY" "$state/check.py" ops "$r" <<<"$x" || fail "$target: $c | display xml:
$x"
		echo "ok  $target: $c"
		n=$((n + 1))
	done
done
echo "$n commands checked"
echo "pyez xml: all checks passed"
