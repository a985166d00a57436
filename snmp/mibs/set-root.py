#!/usr/bin/python3
"""set-root.py ROOT IN OUT: the nfx MIB with its module identity under ROOT
(the build setting snmp_oid_root, dotted). The source says
`::= { experimental 2501 }` (the default root)."""
import sys

root, src, dst = sys.argv[1], sys.argv[2], sys.argv[3]
arcs = root.split(".")
if not all(a.isdigit() for a in arcs) or len(arcs) < 3:
    sys.exit("set-root.py: bad OID %r" % root)
for prefix, name in (("1.3.6.1.4.1.", "enterprises"), ("1.3.6.1.3.", "experimental")):
    if root.startswith(prefix):
        value = "{ %s %s }" % (name, " ".join(root[len(prefix):].split(".")))
        break
else:
    value = "{ iso %s }" % " ".join(arcs[1:])
text = open(src).read()
marker = "::= { experimental 2501 }"
if text.count(marker) != 1:
    sys.exit("set-root.py: %s has no single %r" % (src, marker))
text = text.replace(marker, "::= " + value)
parent = value.split()[1]
if parent != "experimental":  # import what the new value names
    old = "Integer32, Unsigned32, Counter32, Gauge32, experimental"
    if text.count(old) != 1:
        sys.exit("set-root.py: %s: the IMPORTS line changed" % src)
    text = text.replace(old, "Integer32, Unsigned32, Counter32, Gauge32" +
                        ("" if parent == "iso" else ", " + parent))
open(dst, "w").write(text)
