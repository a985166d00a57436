#!/usr/bin/python3
"""A hostile local client of the daemon socket (framing: cli/cfg_proto.h).

  sock_flood.py SOCK idle N OUT READY
      opens N connections that never say HELLO; writes to OUT how many the
      daemon holds and how many it refused with a message frame, touches
      READY, then waits (at most 90 s) until the daemon closes the held ones
      and appends how long that took
  sock_flood.py SOCK bighdr N OUT
      N connections each sending a HELLO header announcing 64 MiB and then
      2 MiB of payload; writes how many the daemon closed, and how fast
  sock_flood.py SOCK pipeline N OUT READY
      says HELLO (a real user), then sends up to N command frames without
      ever reading an answer, for at most 20 s; writes how many the socket
      took, touches READY and holds the connection 10 s more
"""
import select
import socket
import struct
import sys
import time


def frames(buf):
    """Whole frames in BUF: [(type, payload)], rest."""
    out = []
    while len(buf) >= 5:
        n = struct.unpack(">I", buf[1:5])[0]
        if len(buf) < 5 + n:
            break
        out.append((chr(buf[0]), buf[5:5 + n]))
        buf = buf[5 + n:]
    return out, buf


def connect(path):
    """A connection (a full backlog is waited out, at most 20 s)."""
    end = time.monotonic() + 20
    while True:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.setblocking(False)
        try:
            s.connect(path)
            return s
        except BlockingIOError:
            s.close()
            if time.monotonic() > end:
                raise
            time.sleep(0.01)


def read_until_eof(socks, limit):
    """Wait until every socket in SOCKS reaches EOF (or LIMIT seconds);
    returns ({sock: bytes received}, the sockets still open)."""
    got = {s: b"" for s in socks}
    byfd = {s.fileno(): s for s in socks}
    p = select.poll()
    for fd in byfd:
        p.register(fd, select.POLLIN)
    left = set(socks)
    end = time.monotonic() + limit
    while left and time.monotonic() < end:
        for fd, _ in p.poll(500):
            s = byfd[fd]
            try:
                c = s.recv(65536)
            except BlockingIOError:
                continue
            except OSError:
                c = b""
            if c:
                got[s] += c
            else:
                left.discard(s)
                p.unregister(fd)
    return got, left


def idle(path, n, out, ready):
    socks = []
    for _ in range(n):
        socks.append(connect(path))
    # what the daemon closes at once: refused (with a message frame)
    t0 = time.monotonic()
    got, left = read_until_eof(socks, 3)
    refused = [s for s in socks if s not in left]
    with_msg = 0
    for s in refused:
        fr, _ = frames(got[s])
        types = "".join(t for t, _ in fr)
        text = b"".join(p for t, p in fr if t == "O").decode(errors="replace")
        if types.startswith("O") and "D" in types and "too many connections" in text:
            with_msg += 1
    held = list(left)
    with open(out, "w") as f:
        f.write("held=%d refused=%d with_message=%d\n" % (len(held), len(refused), with_msg))
        if refused:
            fr, _ = frames(got[refused[0]])
            f.write("message=%s\n" % b"".join(p for t, p in fr if t == "O").decode().strip())
    open(ready, "w").close()
    # the held ones are closed by the daemon's HELLO timeout
    _, still = read_until_eof(held, 90)
    with open(out, "a") as f:
        f.write("idle_closed=%d after=%.1f still_open=%d\n"
                % (len(held) - len(still), time.monotonic() - t0, len(still)))
    for s in socks:
        s.close()


def bighdr(path, n, out):
    socks = []
    t0 = time.monotonic()
    for _ in range(n):
        s = connect(path)
        try:
            s.send(b"h" + struct.pack(">I", 64 << 20))
        except OSError:
            pass
        socks.append(s)
    chunk = b"x" * 65536
    for _ in range(32):  # 2 MiB each, as far as the daemon takes it
        for s in socks:
            try:
                s.send(chunk)
            except OSError:
                pass
    _, still = read_until_eof(socks, 30)
    with open(out, "w") as f:
        f.write("closed=%d of=%d after=%.1f\n" % (n - len(still), n, time.monotonic() - t0))
    for s in socks:
        s.close()


def pipeline(path, n, out, ready):
    s = connect(path)
    s.setblocking(True)
    s.sendall(b"h" + struct.pack(">I", 6) + b"tty=0\n")
    s.setblocking(False)
    cmd = b"show configuration | display xml"
    frame = b"L" + struct.pack(">I", len(cmd)) + cmd
    data = frame * n
    sent = 0
    end = time.monotonic() + 20
    while sent < len(data) and time.monotonic() < end:
        try:
            sent += s.send(data[sent:sent + 65536])
        except BlockingIOError:
            select.select([], [s], [], 0.2)
    with open(out, "w") as f:
        f.write("frames_taken=%d of=%d\n" % (sent // len(frame), n))
    open(ready, "w").close()
    time.sleep(10)
    s.close()


def main():
    path, mode, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if mode == "idle":
        idle(path, n, sys.argv[4], sys.argv[5])
    elif mode == "pipeline":
        pipeline(path, n, sys.argv[4], sys.argv[5])
    elif mode == "bighdr":
        bighdr(path, n, sys.argv[4])
    else:
        sys.exit("unknown mode " + mode)


if __name__ == "__main__":
    main()
