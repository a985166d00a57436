#!/usr/bin/python3
"""agentx_fuzz.py SOCKET PIDFILE: a hostile AgentX master (RFC 2741) on a
unix socket. For every case it accepts the subagent's connection, answers
its Open and Register PDUs as a master does, then sends the case's bytes
(garbage, a header announcing 4 GiB, an OID of 200 sub-identifiers, a
truncated PDU, an unknown PDU type, a GetNext of 2000 ranges, a Get whose
varbind says it is longer than the PDU) and closes. Between cases the
subagent (pid in PIDFILE) must be alive and come back with a new Open.
Prints one line per case; exit 1 if the subagent died or did not
reconnect within 30 s."""
import os
import random
import socket
import struct
import sys
import time

NBO = 0x10  # NETWORK_BYTE_ORDER flag


def hdr(ptype, sid, tid, pid, plen, flags=NBO):
    return struct.pack(">BBBBIIII", 1, ptype, flags, 0, sid, tid, pid, plen)


def oid(subids, include=0):
    # prefix 0, n_subid, include, reserved
    return struct.pack(">BBBB", len(subids), 0, include, 0) + b"".join(struct.pack(">I", x) for x in subids)


def recv_pdu(c):
    h = b""
    while len(h) < 20:
        b = c.recv(20 - len(h))
        if not b:
            raise EOFError
        h += b
    _, ptype, flags, _, sid, tid, pid, plen = struct.unpack(">BBBBIIII" if flags_nbo(h) else "<BBBBIIII", h)
    body = b""
    while len(body) < plen:
        b = c.recv(plen - len(body))
        if not b:
            raise EOFError
        body += b
    return ptype, sid, tid, pid


def flags_nbo(h):
    return h[2] & NBO


def respond(c, sid, tid, pid):
    c.sendall(hdr(18, sid, tid, pid, 8) + struct.pack(">IHH", 0, 0, 0))


def cases():
    sid = 7
    vm = [1, 3, 6, 1, 2, 1, 236, 1, 2, 0]
    rnd = random.Random(2741)
    yield "garbage", bytes(rnd.randrange(256) for _ in range(64))
    yield "4 GiB header", hdr(5, sid, 1, 1, 0xFFFFFFF0)
    yield "200 sub-ids", hdr(5, sid, 2, 2, 8 + 4 + 200 * 4 + 4) + oid(list(range(200))) + oid([])
    yield "truncated", hdr(5, sid, 3, 3, 400) + oid(vm)[:10]
    yield "unknown type", hdr(99, sid, 4, 4, 4) + b"\0\0\0\0"
    big = b"".join(oid([1, 3, 6, 1, 2, 1, 236, 1, 4, 1, 2, i]) + oid([]) for i in range(2000))
    yield "2000 ranges", hdr(6, sid, 5, 5, len(big)) + big
    yield "bad varbind length", hdr(5, sid, 6, 6, 12) + struct.pack(">BBBB", 120, 0, 0, 0) + b"\0" * 8
    yield "bad byte order", hdr(5, sid, 7, 7, 16, flags=0) + oid(vm)[:16]


def main(argv):
    path, pidfile = argv[1], argv[2]
    if os.path.exists(path):
        os.unlink(path)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(path)
    os.chmod(path, 0o666)
    s.listen(4)
    s.settimeout(30)
    pid = None
    ok = True
    for name, data in cases():
        try:
            c, _ = s.accept()
        except socket.timeout:
            print("FAIL %s: the subagent did not (re)connect" % name)
            return 1
        c.settimeout(10)
        if pid is None:
            for _ in range(50):
                try:
                    pid = int(open(pidfile).read())
                    break
                except (OSError, ValueError):
                    time.sleep(0.1)
        try:
            # Open, then its Register PDUs, as a master answers them
            t, sid, tid, p = recv_pdu(c)
            if t != 1:
                print("FAIL %s: first PDU type %d, not Open" % (name, t))
                ok = False
            respond(c, 7, tid, p)
            c.settimeout(2)
            try:
                while True:
                    t, sid, tid, p = recv_pdu(c)
                    respond(c, 7, tid, p)
            except (socket.timeout, EOFError):
                pass
            c.sendall(data)
            time.sleep(0.5)
        except (OSError, EOFError) as e:
            print("note %s: %s" % (name, e))
        c.close()
        alive = pid is not None and os.path.exists("/proc/%d" % pid)
        print("%s %s" % ("ok" if alive else "FAIL", name))
        ok = ok and alive
    # one more connection: it is still there and reconnects
    try:
        c, _ = s.accept()
        c.settimeout(10)
        t = recv_pdu(c)[0]
        print("ok reconnected after all cases (PDU type %d)" % t)
        c.close()
    except (socket.timeout, OSError, EOFError):
        print("FAIL no reconnect after the cases")
        ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
