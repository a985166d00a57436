#!/usr/bin/python3
"""Bad input for the NETCONF subsystem program (test_netconf_bad_input.sh).

    netconf_bad.py NFX-NETCONF SOCKET

Runs the subsystem program the way sshd does (standard input/output) on the
daemon socket, as root, and sends it what a broken or hostile client sends.
Each case prints a line; exit 0 when every check held."""
import os
import subprocess
import sys
import time

prog, sock = sys.argv[1:3]
HELLO10 = (b'<hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><capabilities>'
           b'<capability>urn:ietf:params:netconf:base:1.0</capability></capabilities></hello>]]>]]>')
HELLO11 = (b'<hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><capabilities>'
           b'<capability>urn:ietf:params:netconf:base:1.1</capability></capabilities></hello>]]>]]>')


class Session:
    def __init__(self, hello=HELLO10):
        self.p = subprocess.Popen([prog, "--socket", sock], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.buf = b""
        self.chunked = False
        h = self.read_eom()
        assert b"<hello" in h and b"base:1.1" in h, h
        if hello is not None:
            self.p.stdin.write(hello)
            self.p.stdin.flush()
            self.chunked = b"base:1.1" in hello

    def _fill(self):
        d = os.read(self.p.stdout.fileno(), 65536)
        if not d:
            raise EOFError("session closed")
        self.buf += d

    def read_eom(self):
        while b"]]>]]>" not in self.buf:
            self._fill()
        m, self.buf = self.buf.split(b"]]>]]>", 1)
        return m

    def read_chunked(self):
        msg = b""
        while True:
            while b"\n" not in self.buf[1:] or len(self.buf) < 4:
                self._fill()
            assert self.buf.startswith(b"\n#"), self.buf[:20]
            if self.buf.startswith(b"\n##\n"):
                self.buf = self.buf[4:]
                return msg
            head, rest = self.buf[2:].split(b"\n", 1)
            n = int(head)
            while len(rest) < n:
                self._fill()
                head, rest = self.buf[2:].split(b"\n", 1)
            msg += rest[:n]
            self.buf = rest[n:]

    def send(self, msg):
        if self.chunked:
            self.p.stdin.write(b"\n#%d\n" % len(msg) + msg + b"\n##\n")
        else:
            self.p.stdin.write(msg + b"]]>]]>")
        self.p.stdin.flush()

    def rpc(self, body, mid="1"):
        self.send(b'<rpc message-id="%s" xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">%s</rpc>'
                  % (mid.encode(), body))
        return self.read_chunked() if self.chunked else self.read_eom()

    def closed(self, timeout=60):
        """The program ended (the session closed)."""
        try:
            self.p.stdin.close()
        except BrokenPipeError:
            pass
        try:
            return self.p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
            raise AssertionError("session did not close")


def edit(vlan, vid):
    return (b"<edit-config><target><candidate/></target><config><configuration><host-os><vlans>"
            b"<vlan><name>%s</name><vlan-id>%s</vlan-id></vlan></vlans></host-os></configuration>"
            b"</config></edit-config>" % (vlan.encode(), str(vid).encode()))


GET_CAND = b"<get-config><source><candidate/></source></get-config>"

if len(sys.argv) > 3 and sys.argv[3] == "jcp":
    # the JCP's configuration through the same program on jcp.sock
    s = Session()
    r = s.rpc(b"<edit-config><target><candidate/></target><config><configuration><vlans><vlan>"
              b"<name>v1200</name><vlan-id>1200</vlan-id></vlan></vlans></configuration></config>"
              b"</edit-config>")
    assert b"<ok/>" in r, r
    r = s.rpc(b"<commit/>", "2")
    assert b"<ok/>" in r, r
    r = s.rpc(b"<get-config><source><running/></source></get-config>", "3")
    assert b"<name>v1200</name>" in r, r
    r = s.rpc(b"<edit-config><target><candidate/></target><config><configuration><host-os/>"
              b"</configuration></config></edit-config>", "4")
    assert b"unknown-element" in r, r  # a JDM statement is not the JCP's
    assert b"<ok/>" in s.rpc(b"<close-session/>", "5")
    print("jcp: edit-config, commit, get-config")
    sys.exit(0)

s = Session()
r = s.rpc(b"<get-config><source><running/>")
assert b"malformed-message" in r or b"rpc-error" in r, r
print("malformed XML: rpc-error")
s.send(b"<rpc message-id='2'><get-config></rpc>")
r = s.read_eom()
assert b"malformed-message" in r, r
s.send(b"\x00\xff\xfe not xml at all")
r = s.read_eom()
assert b"malformed-message" in r, r
r = s.rpc(b"<get-config><source><running/></source></get-config>", "3")
assert b"<data>" in r and b'message-id="3"' in r, r
print("the session goes on after malformed XML")
r = s.rpc(b"<edit-config><target><candidate/></target><config><configuration><host-os><bogus>1"
          b"</bogus></host-os></configuration></config></edit-config>")
assert b"unknown-element" in r and b"[edit host-os]" in r, r
print("unknown element: unknown-element [edit host-os]")
r = s.rpc(edit("vbad", 4095))
assert b"invalid-value" in r and b"[edit host-os vlans vbad vlan-id]" in r, r
r = s.rpc(edit("vbad", "x" * 5000))
assert b"invalid-value" in r, r
print("out of range: invalid-value [edit host-os vlans vbad vlan-id]")
r = s.rpc(b"<frobnicate-configuration/>")
assert b"operation-not-supported" in r, r
r = s.rpc(b"<edit-config><target><running/></target><config/></edit-config>")
assert b"operation-not-supported" in r, r
r = s.rpc(b"")
assert b"missing-element" in r, r
print("unknown RPC, bad target, empty rpc: rpc-error")
# entity expansion is not a way to make the program big
r = s.rpc(b'<get-config><source><running/></source></get-config>')
bomb = (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">'
        b'<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">'
        b'<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">'
        b'<!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">]>'
        b'<rpc message-id="9"><edit-config><target><candidate/></target><config><configuration>'
        b'<system><host-name>&f;</host-name></system></configuration></config></edit-config></rpc>')
s.send(bomb)
r = s.read_eom()
assert b"rpc-error" in r, r[:300]
print("entity expansion: rpc-error")
r = s.rpc(GET_CAND)
assert b"vbad" not in r and b"bogus" not in r, r
print("the candidate is untouched")
assert s.rpc(b"<close-session/>").find(b"<ok/>") > 0
assert s.closed() == 0
print("close-session")

# a 64 MiB message: the session closes, the program never holds it all
s = Session()
chunk = b"<rpc><get-config>" + b"x" * (1 << 20)
t0 = time.time()
sent = 0
try:
    while sent < (64 << 20):
        s.p.stdin.write(chunk)
        sent += len(chunk)
    s.p.stdin.flush()
except BrokenPipeError:
    pass
rc = s.closed()
assert rc != 0, rc
print("64 MiB message: session closed after %d MiB (exit %d, %.1fs)" % (sent >> 20, rc, time.time() - t0))

# a 64 MiB message in chunks
s = Session(HELLO11)
try:
    s.p.stdin.write(b"\n#%d\n" % (64 << 20))
    s.p.stdin.write(b"y" * (1 << 20))
    s.p.stdin.flush()
except BrokenPipeError:
    pass
assert s.closed() != 0
print("64 MiB chunk: session closed")

# broken chunked framing
s = Session(HELLO11)
r = s.rpc(b"<get-config><source><running/></source></get-config>")
assert b"<data>" in r, r
s.p.stdin.write(b"\n#abc\n<rpc/>\n##\n")
s.p.stdin.flush()
assert s.closed() != 0
print("broken chunked framing: session closed")
s = Session(HELLO11)
s.p.stdin.write(b"<rpc><get/></rpc>]]>]]>")  # base:1.0 framing after base:1.1 was agreed
s.p.stdin.flush()
assert s.closed() != 0
print("end-of-message framing after base:1.1: session closed")

# no hello first
s = Session(None)
s.p.stdin.write(b'<rpc message-id="1"><get/></rpc>]]>]]>')
s.p.stdin.flush()
assert s.closed() != 0
print("no hello: session closed")

# the client disconnects mid-commit: the commit is whole or not at all
s = Session()
r = s.rpc(edit("v500", 500))
assert b"<ok/>" in r, r
r = s.rpc(edit("v501", 501), "2")
assert b"<ok/>" in r, r
s.send(b'<rpc message-id="3"><commit/></rpc>')
s.p.stdout.close()
s.p.stdin.close()
s.p.wait(timeout=120)
print("disconnect mid-commit: the program ended")
