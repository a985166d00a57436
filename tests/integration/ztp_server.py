#!/usr/bin/python3
"""The provisioning server of the ZTP tests: Python's http.server over ssl,
serving a directory, requiring a client certificate signed by the device CA
(the admission step): a TLS client without one gets 403.

usage: ztp_server.py --dir DIR --cert PEM --key PEM --client-ca PEM
                     --bind ADDR --port N [--plain]
--plain: plain HTTP, no TLS and no admission (the insecure transfer mode).
Runs until killed. One log line per request on stderr."""
import argparse
import http.server
import ssl
import sys


def main():
    ap = argparse.ArgumentParser()
    for a in ("--dir", "--cert", "--key", "--client-ca", "--bind"):
        ap.add_argument(a, required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--plain", action="store_true")
    o = ap.parse_args()

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *a, **kw):
            super().__init__(*a, directory=o.dir, **kw)

        def admitted(self):
            if o.plain:
                return True
            peer = self.connection.getpeercert()
            if not peer:
                self.send_error(403, "device not admitted: no client certificate")
                return False
            return True

        def do_GET(self):
            if self.admitted():
                super().do_GET()

        def do_HEAD(self):
            if self.admitted():
                super().do_HEAD()

        def list_directory(self, path):
            self.send_error(404, "no listings")
            return None

    srv = http.server.ThreadingHTTPServer((o.bind, o.port), Handler)
    if not o.plain:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(o.cert, o.key)
        ctx.verify_mode = ssl.CERT_OPTIONAL
        ctx.load_verify_locations(o.client_ca)
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    print(f"ztp_server: {'http' if o.plain else 'https'}://{o.bind}:{o.port}/ from {o.dir}", file=sys.stderr, flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    main()
