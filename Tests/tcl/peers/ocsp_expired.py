#!/usr/bin/env python3
"""Writes to stdout a DER OCSP response that says "good" for PKI_DIR/server.pem,
signed by the test CA, but valid only in the first week of 2020: an expired
response, which `openssl ocsp` cannot make (it stamps the current time).

Usage: ocsp_expired.py PKI_DIR  (needs the `cryptography` package)
"""
import datetime
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp


def main():
    pki = sys.argv[1]

    def load(name):
        with open(f"{pki}/{name}", "rb") as f:
            return x509.load_pem_x509_certificate(f.read())

    cert, ca = load("server.pem"), load("ca.pem")
    with open(f"{pki}/ca.key", "rb") as f:
        key = serialization.load_pem_private_key(f.read(), None)
    start = datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc)
    builder = ocsp.OCSPResponseBuilder().add_response(
        cert=cert, issuer=ca, algorithm=hashes.SHA1(), cert_status=ocsp.OCSPCertStatus.GOOD,
        this_update=start, next_update=start + datetime.timedelta(days=7),
        revocation_time=None, revocation_reason=None,
    ).responder_id(ocsp.OCSPResponderEncoding.HASH, ca)
    response = builder.sign(key, hashes.SHA256())
    sys.stdout.buffer.write(response.public_bytes(serialization.Encoding.DER))


if __name__ == "__main__":
    main()
