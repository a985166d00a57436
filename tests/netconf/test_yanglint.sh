#!/usr/bin/env bash
# The YANG modules nfx-netconf emits from cli/schema (nfx-jdm, nfx-jcp) are
# accepted by libyang's yanglint, and a configuration the CLI prints with
# `| display xml` validates against them. Skipped (77) without yanglint.
set -euo pipefail
prog="$1"
command -v yanglint >/dev/null || { echo "SKIP: yanglint missing (libyang2-tools)"; exit 77; }
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
for m in nfx-jdm nfx-jcp; do
	"$prog" --yang "$m" >"$dir/$m.yang"
	yanglint "$dir/$m.yang"
	echo "yanglint accepts $m"
done
# data: the XML of the configuration in the module's namespace
cat >"$dir/data.xml" <<'XML'
<configuration xmlns="http://nfx.example.net/yang/nfx-jdm">
  <system><host-name>b1</host-name><services><ssh/><netconf><ssh><port>830</port></ssh></netconf></services></system>
  <host-os><vlans><vlan><name>v100</name><vlan-id>100</vlan-id></vlan></vlans></host-os>
</configuration>
XML
yanglint -t config "$dir/nfx-jdm.yang" "$dir/data.xml"
echo "yanglint validates a configuration against nfx-jdm"
sed -i 's|<vlan-id>100</vlan-id>|<vlan-id>5000</vlan-id>|' "$dir/data.xml"
if yanglint -t config "$dir/nfx-jdm.yang" "$dir/data.xml" 2>/dev/null; then
	echo "yanglint accepted vlan-id 5000" >&2
	exit 1
fi
echo "yanglint refuses vlan-id 5000"
