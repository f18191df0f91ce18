#!/bin/sh
# make-pki.sh DIR: the benchmark's throwaway PKI, made with the openssl command
# line only (RSA 2048, the usual web server key):
#   ca.pem ca.key          root CA "tls-bench Root CA"
#   server.pem server.key  CN=localhost, SAN localhost 127.0.0.1, signed by ca
#   bundle.pem             the system CA bundle with ca.pem appended, i.e. what
#                          a real client loads when it verifies
set -eu
if [ $# -ne 1 ]; then
    echo "usage: $0 DIR" >&2
    exit 2
fi
OPENSSL=${OPENSSL:-openssl}
mkdir -p "$1"
cd "$1"

cat > ext.cnf <<'CNF'
[ server ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature, keyEncipherment
extendedKeyUsage       = serverAuth
subjectAltName         = DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid, issuer
CNF

run() {
    out=$("$@" 2>&1) || { echo "$0: failed: $*" >&2; echo "$out" >&2; exit 1; }
}
run "$OPENSSL" genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out ca.key
run "$OPENSSL" genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out server.key
run "$OPENSSL" req -x509 -new -key ca.key -subj "/CN=tls-bench Root CA" -days 3650 \
    -sha256 -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" -out ca.pem
run "$OPENSSL" req -new -key server.key -subj "/CN=localhost" -out server.csr
run "$OPENSSL" x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
    -days 3650 -sha256 -extfile ext.cnf -extensions server -out server.pem
run "$OPENSSL" verify -CAfile ca.pem server.pem
rm -f server.csr ca.srl

# The system bundle: SSL_CERT_FILE if set, else the usual places, else the
# OPENSSLDIR default.
system=
for f in "${SSL_CERT_FILE:-}" /etc/ssl/certs/ca-certificates.crt \
         /etc/pki/tls/certs/ca-bundle.crt /etc/ssl/cert.pem; do
    if [ -n "$f" ] && [ -f "$f" ]; then system=$f; break; fi
done
if [ -z "$system" ]; then
    dir=$("$OPENSSL" version -d | sed -e 's/^[^"]*"//' -e 's/".*$//')
    [ -f "$dir/cert.pem" ] && system="$dir/cert.pem"
fi
: > bundle.pem
if [ -n "$system" ]; then
    cat "$system" >> bundle.pem
else
    echo "$0: warning: no system CA bundle found; bundle.pem holds only ca.pem" >&2
fi
cat ca.pem >> bundle.pem
