#!/usr/bin/env python3
"""A real RFC 3161 time-stamping authority for the tests, made of `openssl ts`.

    python3 scripts/tsa.py --dir DIR [--port 0] [--key rsa|ec]

When DIR holds no CA yet, makes one with openssl: a self-signed root CA (DIR/ca.pem,
basicConstraints CA) and a TSA certificate it signs (DIR/tsa.pem, extendedKeyUsage critical
timeStamping, keyUsage digitalSignature), their keys, and an `openssl ts` configuration
(DIR/tsa.cnf). With --key rsa both keys are RSA 2048; with --key ec the CA's is P-384 and the
TSA's P-256. Then serves HTTP POST on 127.0.0.1 only, at --port (0: any free port), printing
`listening http://127.0.0.1:PORT/` as its first line, and answers each request with
`openssl ts -reply` (400 for a request that is not application/timestamp-query or that
openssl cannot answer). Exits on SIGTERM.
"""

import argparse
import http.server
import os
import signal
import subprocess
import sys
import tempfile
import threading

CONFIG = """\
[ tsa ]
default_tsa = tsa_config

[ tsa_config ]
dir = {dir}
serial = $dir/serial
signer_cert = $dir/tsa.pem
certs = $dir/ca.pem
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.3.6.1.4.1.99999.1
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = no
tsa_name = no
ess_cert_id_chain = no
"""

EXTENSIONS = """\
[ req ]
distinguished_name = dn
prompt = no

[ dn ]

[ ca ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash

[ tsa ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = critical, timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
"""


def openssl(*args):
    done = subprocess.run(["openssl", *args], capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"openssl {args[0]} failed: {done.stderr.strip()}")


def make_ca(d, key):
    """The CA, the TSA certificate and the ts configuration, in directory d."""
    p = lambda name: os.path.join(d, name)
    if key == "rsa":
        ca_key, tsa_key, ca_digest = ["-newkey", "rsa:2048"], ["-newkey", "rsa:2048"], "-sha256"
    else:
        ca_key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384"]
        tsa_key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"]
        ca_digest = "-sha384"
    with open(p("ext.cnf"), "w") as f:
        f.write(EXTENSIONS)
    openssl("req", "-x509", *ca_key, "-nodes", "-keyout", p("ca.key"), "-out", p("ca.pem"),
            "-days", "3650", ca_digest, "-subj", "/CN=Tweevoud Test CA/O=Tweevoud Tests",
            "-config", p("ext.cnf"), "-extensions", "ca")
    openssl("req", "-new", *tsa_key, "-nodes", "-keyout", p("tsa.key"), "-out", p("tsa.csr"),
            "-subj", "/CN=Tweevoud Test TSA/O=Tweevoud Tests", "-config", p("ext.cnf"))
    openssl("x509", "-req", "-in", p("tsa.csr"), "-CA", p("ca.pem"), "-CAkey", p("ca.key"),
            "-set_serial", "2", "-days", "3650", ca_digest, "-out", p("tsa.pem"),
            "-extfile", p("ext.cnf"), "-extensions", "tsa")
    with open(p("serial"), "w") as f:
        f.write("01\n")
    with open(p("tsa.cnf"), "w") as f:
        f.write(CONFIG.format(dir=d))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--key", choices=["rsa", "ec"], default="rsa")
    args = parser.parse_args()
    d = os.path.abspath(args.dir)
    os.makedirs(d, exist_ok=True)
    if not os.path.exists(os.path.join(d, "ca.pem")):
        make_ca(d, args.key)
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            kind = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            length = int(self.headers.get("Content-Length") or 0)
            if kind != "application/timestamp-query" or not 0 < length <= 1 << 16:
                self.send_error(400, "not a timestamp request")
                return
            query = self.rfile.read(length)
            with lock, tempfile.TemporaryDirectory() as tmp:
                q, r = os.path.join(tmp, "q.tsq"), os.path.join(tmp, "r.tsr")
                with open(q, "wb") as f:
                    f.write(query)
                done = subprocess.run(
                    ["openssl", "ts", "-reply", "-queryfile", q, "-config",
                     os.path.join(d, "tsa.cnf"), "-inkey", os.path.join(d, "tsa.key"),
                     "-signer", os.path.join(d, "tsa.pem"), "-chain",
                     os.path.join(d, "ca.pem"), "-out", r],
                    capture_output=True)
                reply = open(r, "rb").read() if done.returncode == 0 else None
            if not reply:
                self.send_error(400, "not a timestamp request")
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *_):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"listening http://127.0.0.1:{server.server_address[1]}/", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
