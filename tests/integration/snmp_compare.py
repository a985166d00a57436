#!/usr/bin/python3
"""snmp_compare.py WALK ROOT DIR NAME...: check, field by field, an
`snmpwalk -On -Ox` of VM-MIB and the nfx MIB (file WALK; ROOT: the nfx
MIB's root, dotted) against the replies as data the daemon gives for the
same things: DIR/NAME.xml (`show virtual-network-functions NAME detail`,
a 'Q' answer) for each VNF NAME and DIR/memory.xml (`show system
visibility memory`). Prints each mismatch; exit 1 if any."""
import sys
import xml.etree.ElementTree as ET

VM = ".1.3.6.1.2.1.236"
OPER = {"running": 4, "idle": 4, "paused": 8, "in shutdown": 10, "shut off": 11, "crashed": 12,
        "suspended": 6}


def parse_walk(path):
    vals = {}
    lines = []
    for line in open(path):  # long Hex-STRINGs go on over more lines
        line = line.rstrip("\n")
        if line.startswith(".") and " = " in line:
            lines.append(line)
        elif lines:
            lines[-1] += " " + line.strip()
    for line in lines:
        oid, rest = line.split(" = ", 1)
        typ, _, val = rest.partition(": ")
        val = val.strip()
        if typ in ("Hex-STRING", "STRING"):
            b = bytes(int(x, 16) for x in val.strip('"').split()) if typ == "Hex-STRING" else \
                val.strip('"').encode()
            vals[oid] = b
        elif typ == "Timeticks":
            vals[oid] = int(val.split(")")[0].strip("("))
        elif typ in ("INTEGER", "Counter32", "Gauge32", "Counter64"):
            vals[oid] = int(val.split("(")[-1].rstrip(")")) if "(" in val else int(val)
        elif typ == '""':
            vals[oid] = b""
        else:
            vals[oid] = val
    return vals


def main(argv):
    walk, root, d, names = argv[1], "." + argv[2].lstrip("."), argv[3], argv[4:]
    w = parse_walk(walk)
    bad = []

    def check(what, oid, want):
        got = w.get(oid)
        if got != want:
            bad.append("%s: %s is %r, the reply says %r" % (what, oid, got, want))

    # vmIndex of each VNF: the row whose vmName is its name
    index = {}
    for oid, v in w.items():
        if oid.startswith(VM + ".1.4.1.2."):
            index[v.decode()] = oid.rsplit(".", 1)[1]
    check("vmNumber", VM + ".1.2.0", len(names))
    for n in names:
        if n not in index:
            bad.append("no vmTable row named %s" % n)
            continue
        i = index[n]
        e = ET.parse("%s/%s.xml" % (d, n)).getroot().find("vnf-information")
        t = lambda k: e.findtext(k)
        col = lambda c: "%s.1.4.1.%d.%s" % (VM, c, i)
        nfx = lambda c: "%s.1.1.1.%d.%s" % (root, c, i)
        check(n + " vmUUID", col(3), bytes.fromhex(t("vnf-uuid").replace("-", "")))
        check(n + " vmOperState", col(6), OPER.get(t("vnf-state"), 2))
        check(n + " vmAutoStart", col(7), 2 if t("vnf-autostart") == "yes" else 3)
        check(n + " vmPersistent", col(8), 2)
        running = OPER.get(t("vnf-state")) == 4
        check(n + " vmCurCpuNumber", col(9), int(t("vnf-vcpus")) if running else 0)
        check(n + " vmMaxCpuNumber", col(11), int(t("vnf-vcpus")))
        check(n + " vmMemUnit", col(12), 1024)
        check(n + " vmCurMem", col(13), int(t("vnf-used-memory")))
        check(n + " vmMaxMem", col(15), int(t("vnf-maximum-memory")))
        if running and not (w.get(col(16), 0) > 0):
            bad.append("%s vmUpTime is %r while it runs" % (n, w.get(col(16))))
        check(n + " nfxVnfName", nfx(2), n.encode())
        check(n + " nfxVnfLiveliness", nfx(3), 1 if t("vnf-liveliness") == "alive" else 2)
        check(n + " nfxVnfIpAddress", nfx(4), (t("vnf-ip-address") or "").encode())
        check(n + " nfxVnfRestarts", nfx(5), int(t("vnf-restarts") or 0))
        check(n + " vmStorageResourceID", "%s.1.7.1.6.%s.1" % (VM, i), t("vnf-image").encode())
    m = ET.parse("%s/memory.xml" % d).getroot()
    for p in m.findall("hugepage-pool"):
        size = p.findtext("page-size")
        check("nfxHugepageTotal " + size, "%s.1.2.1.2.%s" % (root, size), int(p.findtext("total")))
        check("nfxHugepageFree " + size, "%s.1.2.1.3.%s" % (root, size), int(p.findtext("free")))
    for b in bad:
        print("MISMATCH " + b)
    if not bad:
        print("%d VNFs: the walk agrees with the replies" % len(names))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
