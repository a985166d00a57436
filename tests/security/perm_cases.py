#!/usr/bin/python3
"""Expectations of the class table, generated from the documented table
(cli/schema/PERMISSIONS.md) and the schemas (cli/schema/*.xml), never by
hand: tests/security/test_classes.sh runs them as real users.

  perm_cases.py ROOT perms CLASS
      the permissions of CLASS, one a line ("all" for super-user)
  perm_cases.py ROOT ops CLASS [ops-jdm.xml]
      "allow|deny<TAB>COMMAND" for every runnable operational command
  perm_cases.py ROOT top CLASS [ops-jdm.xml]
      the first words `?` must offer CLASS in operational mode, one a line
  perm_cases.py ROOT hier CLASS [jdm.xml]
      "allow|deny<TAB>show configuration HIERARCHY" for every top-level
      hierarchy
  perm_cases.py ROOT cfgmode
      one configuration-mode line per runnable command of cfgmode.xml
  perm_cases.py - help SOCKET LINE
      (as the user) the completions `?` shows after LINE, one word a line
"""
import re
import socket
import struct
import sys
import time
import xml.etree.ElementTree as ET

PERM_DOC = "cli/schema/PERMISSIONS.md"


def class_table(root):
    """{class: set of permissions or {'all'}} from the documented table."""
    table = {}
    in_classes = False
    for line in open(f"{root}/{PERM_DOC}"):
        if line.startswith("## "):
            in_classes = line.strip() == "## Classes"
            continue
        m = re.match(r"^\| `([a-z-]+)` \| ([a-z -]+) \|$", line.rstrip("\n"))
        if in_classes and m:
            words = m.group(2).split()
            table[m.group(1)] = set() if words == ["none"] else set(words)
    if not {"read-only", "operator", "super-user", "unauthorized"} <= set(table):
        sys.exit(f"{PERM_DOC}: class table not found")
    return table


def holds(perms, name):
    if "all" in perms:
        return True
    if name is None:
        return False  # default deny
    return name == "none" or name in perms


def may_view(perms, family):
    if "all" in perms:
        return True
    if family is None:
        return False
    return bool({"view", "view-configuration", family, family + "-control"} & perms)


def effective(node, parents):
    for n in [node] + parents[::-1]:
        if n.get("perm"):
            return n.get("perm")
    return None


def value_for(leaf):
    t = leaf.get("type", "string")
    if t == "int":
        return leaf.get("min", "1")
    if t == "enum":
        return leaf.get("values").split()[0]
    return "nfxsec-x"


def commands(node, parents, words):
    """(words, effective perm, handler) of every runnable command below NODE."""
    out = []
    for ch in node:
        if ch.tag not in ("container", "list"):
            continue
        w = list(words)
        if ch.tag == "list":
            if ch.get("positional") != "true":
                w.append(ch.get("name"))
            w.append("nfxsec-x")
        else:
            w.append(ch.get("name"))
        if ch.get("handler"):
            args = []
            for leaf in ch:
                if leaf.tag == "leaf" and leaf.get("mandatory") == "true":
                    if leaf.get("positional") != "true":
                        args.append(leaf.get("name"))
                    args.append(value_for(leaf))
            out.append((w + args, effective(ch, parents + [node]), ch.get("handler")))
        out += commands(ch, parents + [node], w)
    return out


def load(root, name):
    return ET.parse(f"{root}/cli/schema/{name}").getroot()


def help_probe(sock, line):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(sock)
    deadline = time.monotonic() + 30

    def send(t, p=b""):
        s.sendall(t.encode() + struct.pack(">I", len(p)) + p)

    def recv():
        def readn(n):
            b = b""
            while len(b) < n:
                s.settimeout(max(0.1, deadline - time.monotonic()))
                c = s.recv(n - len(b))
                if not c:
                    raise EOFError
                b += c
            return b
        h = readn(5)
        return chr(h[0]), readn(struct.unpack(">I", h[1:])[0])

    send("h", b"tty=0\n")
    while recv()[0] != "D":
        pass
    send("H", line.encode())
    text = b""
    while True:
        t, p = recv()
        if t == "O":
            text += p
        if t == "D":
            break
    for ln in text.decode().splitlines()[1:]:
        if ln.strip():
            print(ln[2:].split()[0])


def main(argv):
    if len(argv) >= 4 and argv[2] == "help":
        help_probe(argv[3], argv[4] if len(argv) > 4 else "")
        return
    root, what = argv[1], argv[2]
    if what == "cfgmode":
        # a real statement for each change command; the rest as they are
        lines = {
            "set": "set system host-name nfxsec-changed",
            "delete": "delete system host-name",
            "activate": "activate system host-name",
            "deactivate": "deactivate system host-name",
            "annotate": 'annotate system "nfxsec"',
            "rename": "rename host-os vlans nfxsec-v to nfxsec-w",
            "copy": "copy host-os vlans nfxsec-v to nfxsec-w",
            "insert": "insert host-os vlans nfxsec-v before nfxsec-w",
            "wildcard_delete": "wildcard delete host-os vlans nfxsec.*",
            "replace_pattern": "replace pattern nfxsec-v with nfxsec-w",
            "load_set": "load set terminal",
            "load_merge": "load merge terminal",
            "load_override": "load override terminal",
            "load_replace": "load replace terminal",
            "load_patch": "load patch terminal",
            "load_update": "load update terminal",
            "rollback": "rollback 1",
            "commit": "commit",
        }
        for words, _, h in commands(load(root, "cfgmode.xml"), [], []):
            print(lines.get(h, " ".join(words)))
        return
    cls = argv[3]
    perms = class_table(root)[cls]
    if what == "perms":
        print("\n".join(sorted(perms)))
    elif what == "ops":
        for words, perm, _ in commands(load(root, argv[4] if len(argv) > 4 else "ops-jdm.xml"), [], []):
            print(("allow" if holds(perms, perm) else "deny") + "\t" + " ".join(words))
    elif what == "top":
        tree = load(root, argv[4] if len(argv) > 4 else "ops-jdm.xml")
        seen = []
        for words, perm, _ in commands(tree, [], []):
            if holds(perms, perm) and words[0] not in seen:
                seen.append(words[0])
        print("\n".join(sorted(seen)))
    elif what == "hier":
        tree = load(root, argv[4] if len(argv) > 4 else "jdm.xml")
        ops = load(root, "ops-jdm.xml")
        show_perm = None
        for words, perm, _ in commands(ops, [], []):
            if words == ["show", "configuration"]:
                show_perm = perm
        for h in tree:
            if h.tag not in ("container", "list", "leaf", "leaf-list"):
                continue
            ok = holds(perms, show_perm) and may_view(perms, h.get("perm"))
            print(("allow" if ok else "deny") + "\tshow configuration " + h.get("name"))
    else:
        sys.exit(f"unknown: {what}")


if __name__ == "__main__":
    main(sys.argv)
