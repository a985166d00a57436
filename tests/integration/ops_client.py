#!/usr/bin/python3
"""A small data client of the daemon socket, with the framing of
cli/cfg_proto.h (1 type byte, 4-byte big-endian length, payload).

  ops_client.py SOCK query "show system commit"
      runs the command as data ('Q'), prints the reply XML ('X'); exit 1
      with the error text when the daemon refuses it
  ops_client.py SOCK watch [EVENT...] [--count N] [--timeout S] [--ready FILE]
      subscribes ('W'), touches FILE once subscribed, prints the XML of
      the next N events ('N', one document each, separated by a line
      "--"); exit 2 on timeout
"""
import os
import select
import socket
import struct
import sys
import time


def send(s, t, payload=b""):
    s.sendall(t.encode() + struct.pack(">I", len(payload)) + payload)


def recv(s, deadline):
    def readn(n):
        b = b""
        while len(b) < n:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([s], [], [], left)[0]:
                raise TimeoutError
            c = s.recv(n - len(b))
            if not c:
                raise EOFError
            b += c
        return b
    h = readn(5)
    return chr(h[0]), readn(struct.unpack(">I", h[1:])[0])


def hello(s, deadline):
    send(s, "h", b"tty=0\nclient=cli\n")
    t, p = recv(s, deadline)
    if t != "D" or not p.startswith(b"0"):
        sys.stderr.write("hello refused: %r %r\n" % (t, p))
        sys.exit(1)


def main(argv):
    sock, what, rest = argv[1], argv[2], argv[3:]
    timeout = 30.0
    count = 1
    ready = None
    names = []
    i = 0
    while i < len(rest):
        if rest[i] == "--timeout":
            timeout = float(rest[i + 1]); i += 2
        elif rest[i] == "--count":
            count = int(rest[i + 1]); i += 2
        elif rest[i] == "--ready":
            ready = rest[i + 1]; i += 2
        else:
            names.append(rest[i]); i += 1
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(sock)
    deadline = time.monotonic() + timeout
    hello(s, deadline)
    if what == "query":
        send(s, "Q", " ".join(names).encode())
        xml, err = None, b""
        while True:
            t, p = recv(s, deadline)
            if t == "X":
                xml = p
            elif t == "O":
                err += p
            elif t == "D":
                break
        if xml is None or not p.startswith(b"0"):
            sys.stderr.write(err.decode(errors="replace"))
            return 1
        sys.stdout.write(xml.decode())
        return 0
    if what == "watch":
        send(s, "W", " ".join(names).encode())
        t, p = recv(s, deadline)
        if t != "D" or not p.startswith(b"0"):
            sys.stderr.write("watch refused: %r %r\n" % (t, p))
            return 1
        if ready:
            open(ready, "w").close()
        got = 0
        try:
            while got < count:
                t, p = recv(s, deadline)
                if t == "N":
                    if got:
                        sys.stdout.write("--\n")
                    sys.stdout.write(p.decode())
                    sys.stdout.flush()
                    got += 1
        except TimeoutError:
            sys.stderr.write("no event within %g s\n" % timeout)
            return 2
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
