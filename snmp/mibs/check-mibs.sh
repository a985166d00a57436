#!/usr/bin/env bash
# check-mibs.sh DIR [BUILT-NFX-MIB]: every MIB module nfx ships (DIR/*.txt:
# VM-MIB as published in RFC 7666, the modules it imports that Debian does
# not ship, and NFX-MIB) passes `smilint -l 3` and loads with
# `snmptranslate -m` without a single diagnostic. DIR/ietf holds the base
# SMIv2 modules (from Net-SNMP's sources) they are checked against.
# Exit 77 (skip) without smitools or snmp.
set -euo pipefail
dir="$1"
built="${2:-}"
command -v smilint >/dev/null || { echo "no smilint (package smitools)"; exit 77; }
command -v snmptranslate >/dev/null || { echo "no snmptranslate (package snmp)"; exit 77; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cp "$dir"/*.txt "$dir"/ietf/*.txt "$tmp/"
[[ -n "$built" ]] && cp "$built" "$tmp/NFX-MIB.txt"
bad=0
for f in "$dir"/*.txt ${built:+"$built"}; do
	m="$(awk '/DEFINITIONS ::= BEGIN/ {print $1; exit}' "$f")"
	out="$(SMIPATH="$tmp" smilint -l 3 "$tmp/$m.txt" 2>&1)" || true
	if [[ -n "$out" ]]; then echo "smilint $m:"; echo "$out"; bad=1; fi
	out="$(snmptranslate -M "$tmp" -m "$m" -IR -On "$(awk '$2 == "MODULE-IDENTITY" && NF == 2 {print $1; exit}' "$f")" 2>&1 >/dev/null)" || bad=1
	if [[ -n "$out" ]]; then echo "snmptranslate -m $m:"; echo "$out"; bad=1; fi
	[[ $bad -eq 0 ]] && echo "ok $m"
done
exit "$bad"
