#!/usr/bin/python3
"""snmp_walk.py HOST COMMUNITY ROOT SECONDS [STOPFILE]: GetNext-walk ROOT
(an SNMPv2c walk, one request in flight, each request timed from send to
answer) again and again for SECONDS (or until STOPFILE exists), and print
"requests N max_ms X p99_ms P median_ms Y over_100ms K timeouts T". A small BER encoder/decoder
of its own, so the timing is of the agent, not of a tool's start-up."""
import os
import socket
import sys
import time


def enc_len(n):
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def tlv(t, v):
    return bytes([t]) + enc_len(len(v)) + v


def enc_int(i):
    return tlv(0x02, i.to_bytes(max(1, (i.bit_length() + 8) // 8), "big", signed=True))


def enc_oid(o):
    out = bytes([40 * o[0] + o[1]])
    for s in o[2:]:
        b = [s & 0x7F]
        s >>= 7
        while s:
            b.append(0x80 | (s & 0x7F))
            s >>= 7
        out += bytes(reversed(b))
    return tlv(0x06, out)


def dec(buf, i):
    t = buf[i]
    n = buf[i + 1]
    i += 2
    if n & 0x80:
        k = n & 0x7F
        n = int.from_bytes(buf[i:i + k], "big")
        i += k
    return t, buf[i:i + n], i + n


def dec_oid(v):
    o = [v[0] // 40, v[0] % 40]
    s = 0
    for b in v[1:]:
        s = (s << 7) | (b & 0x7F)
        if not b & 0x80:
            o.append(s)
            s = 0
    return o


def getnext(community, reqid, o):
    vb = tlv(0x30, tlv(0x30, enc_oid(o) + b"\x05\x00"))
    pdu = tlv(0xA1, enc_int(reqid) + enc_int(0) + enc_int(0) + vb)
    return tlv(0x30, enc_int(1) + tlv(0x04, community.encode()) + pdu)


def next_oid(resp):
    _, msg, _ = dec(resp, 0)
    i = 0
    _, _, i = dec(msg, i)      # version
    _, _, i = dec(msg, i)      # community
    _, pdu, _ = dec(msg, i)
    j = 0
    _, rid, j = dec(pdu, j)
    _, _, j = dec(pdu, j)      # error-status
    _, _, j = dec(pdu, j)      # error-index
    _, vbl, _ = dec(pdu, j)
    _, vb, _ = dec(vbl, 0)
    _, o, k = dec(vb, 0)
    t, _, _ = dec(vb, k)
    return int.from_bytes(rid, "big"), dec_oid(o), t


def main(argv):
    host, community, root, secs = argv[1], argv[2], [int(x) for x in argv[3].split(".")], float(argv[4])
    stop = argv[5] if len(argv) > 5 else None
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(2.0)
    lat = []
    timeouts = 0
    reqid = 1
    end = time.monotonic() + secs
    cur = root
    while time.monotonic() < end and not (stop and os.path.exists(stop)):
        reqid += 1
        t0 = time.monotonic()
        s.sendto(getnext(community, reqid, cur), (host, 161))
        try:
            while True:
                data = s.recv(65535)
                rid, o, t = next_oid(data)
                if rid == reqid:
                    break
        except socket.timeout:
            timeouts += 1
            continue
        lat.append((time.monotonic() - t0) * 1000)
        cur = o if (o[:len(root)] == root and t not in (0x80, 0x81, 0x82)) else root
    lat.sort()
    med = lat[len(lat) // 2] if lat else 0
    p99 = lat[int(len(lat) * 0.99)] if lat else 0
    over = sum(1 for x in lat if x > 100)
    print("requests %d max_ms %.1f p99_ms %.1f median_ms %.1f over_100ms %d timeouts %d" %
          (len(lat), lat[-1] if lat else 0, p99, med, over, timeouts))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
