#!/bin/sh
# make-pki.sh DIR: creates the test PKI of the tcltest suite in DIR, with the
# openssl command line only. Idempotent: a DIR holding .complete is left alone;
# an incomplete DIR (an earlier run died) is rebuilt. .complete is written
# last, and a lock keeps concurrent runs from mixing their files.
#
#   ca.pem ca.key                 root CA "tls-test Root CA"
#   server.pem server.key         CN=localhost, SAN localhost 127.0.0.1 ::1,
#                                 serverAuth, AIA OCSP URL, AKI/SKI
#   server.der server-key.der     the same certificate and key, DER (key PKCS#1)
#   encrypted.key                 server.key, AES-256, password "secret"
#   client.pem client.key         CN=tls-test client, clientAuth
#   wronghost.pem wronghost.key   CN=wrong.example, SAN DNS:wrong.example only
#   expired.pem expired.key       SAN localhost 127.0.0.1, valid 2020 only
#   selfsigned.pem selfsigned.key self-signed, SAN localhost 127.0.0.1
#   revoked.pem revoked.key       SAN localhost 127.0.0.1, revoked by the CA
#   crl.pem, crldir/              the CA's CRL (listing revoked.pem), hashed dir
#   cadir/                        ca.pem under its hashed name
#   bundle.pem                    the system CA bundle plus ca.pem
#   dh.pem                        DH parameters (ffdhe2048)
#   ec.pem ec.key                 CN=localhost (as server.pem), P-256 key
#   ed25519.pem ed25519.key       CN=localhost (as server.pem), Ed25519 key
#   ec-key.der ed25519-key.der    those keys, PKCS#8 DER
#   inter.pem inter.key           intermediate CA "tls-test Intermediate CA"
#   leaf.pem leaf.key             CN=localhost, issued by the intermediate
#   chain.pem                     leaf.pem then inter.pem
#   ca/                           the throwaway CA's configuration and database
set -eu

if [ $# -ne 1 ]; then
    echo "usage: $0 DIR" >&2
    exit 2
fi
OPENSSL=${OPENSSL:-openssl}
mkdir -p "$1"
DIR=$(cd "$1" && pwd)
# The generation of the PKI's contents: a DIR completed by an older script
# (fewer files) is made again.
GENERATION="pki-generation 2"
[ -f "$DIR/.complete" ] && grep -qx "$GENERATION" "$DIR/.complete" && exit 0

# One generator at a time; the others wait (bounded) for its .complete.
lock="$DIR/.lock"
if ! mkdir "$lock" 2>/dev/null; then
    waited=0
    while ! grep -qsx "$GENERATION" "$DIR/.complete"; do
        if [ $waited -ge 120 ]; then
            echo "$0: gave up waiting for $lock (remove it if no generator runs)" >&2
            exit 1
        fi
        sleep 1
        waited=$((waited + 1))
    done
    exit 0
fi
trap 'rm -rf "$lock"' EXIT
trap 'exit 1' HUP INT TERM

# Start from nothing but the lock: leftovers of a failed run must not mix in.
cd "$DIR"
for f in * .[!.]*; do
    case $f in .lock|'*'|'.[!.]*') ;; *) rm -rf "./$f" ;; esac
done

quiet() {
    out=$("$@" 2>&1) || { echo "$0: failed: $*" >&2; echo "$out" >&2; exit 1; }
}

# Configuration: certificate requests and the CA (`openssl ca` keeps the index
# that revocation and the CRL need). Paths are relative to DIR.
mkdir -p ca/newcerts
: > ca/index.txt
echo 1000 > ca/crlnumber
cat > ca/openssl.cnf <<'EOF'
[ req ]
distinguished_name = req_dn
prompt             = no
default_md         = sha256
[ req_dn ]
CN = unused

[ ca ]
default_ca = test_ca
[ test_ca ]
database         = ca/index.txt
new_certs_dir    = ca/newcerts
crlnumber        = ca/crlnumber
certificate      = ca.pem
private_key      = ca.key
rand_serial      = yes
default_md       = sha256
default_days     = 3650
default_crl_days = 3650
policy           = any_policy
unique_subject   = no
preserve         = yes
email_in_dn      = no
copy_extensions  = none
[ any_policy ]
commonName = supplied

[ root_ca ]
basicConstraints       = critical, CA:TRUE
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always

[ server ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature, keyEncipherment
extendedKeyUsage       = serverAuth
subjectAltName         = DNS:localhost, IP:127.0.0.1, IP:::1
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid, issuer
authorityInfoAccess    = OCSP;URI:http://127.0.0.1:1/ocsp, caIssuers;URI:http://127.0.0.1:1/ca.pem

[ client ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature, keyEncipherment
extendedKeyUsage       = clientAuth
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid, issuer

[ wronghost ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature, keyEncipherment
extendedKeyUsage       = serverAuth
subjectAltName         = DNS:wrong.example
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid, issuer

[ local_server ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature, keyEncipherment
extendedKeyUsage       = serverAuth
subjectAltName         = DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid, issuer

[ selfsigned ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature, keyEncipherment
extendedKeyUsage       = serverAuth
subjectAltName         = DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier   = hash

[ crl ]
authorityKeyIdentifier = keyid:always

[ intermediate_ca ]
basicConstraints       = critical, CA:TRUE, pathlen:0
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
EOF
CNF=ca/openssl.cnf

# RSA 2048 keys, generated in parallel (about a second).
pids=
for name in ca server client wronghost expired selfsigned revoked; do
    "$OPENSSL" genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$name.key" 2>/dev/null &
    pids="$pids $!"
done
for pid in $pids; do
    wait "$pid" || { echo "$0: key generation failed" >&2; exit 1; }
done
chmod 600 ./*.key

# The root CA signs itself through `openssl ca`, backdated so that the expired
# certificate below lies inside the CA's own validity.
quiet "$OPENSSL" req -new -config "$CNF" -key ca.key -subj "/CN=tls-test Root CA" -out ca/ca.csr
quiet "$OPENSSL" ca -batch -notext -config "$CNF" -selfsign -keyfile ca.key -in ca/ca.csr \
    -extensions root_ca -startdate 20190101000000Z -days 3660 -out ca.pem

# sign NAME SUBJECT EXTENSIONS [openssl ca date options...]
sign() {
    name=$1 subject=$2 extensions=$3
    shift 3
    quiet "$OPENSSL" req -new -config "$CNF" -key "$name.key" -subj "$subject" -out "ca/$name.csr"
    quiet "$OPENSSL" ca -batch -notext -config "$CNF" -in "ca/$name.csr" -extensions "$extensions" \
        "$@" -out "$name.pem"
}
sign server "/CN=localhost" server -days 3650
sign client "/CN=tls-test client" client -days 3650
sign wronghost "/CN=wrong.example" wronghost -days 3650
sign expired "/CN=localhost" local_server -startdate 20200101000000Z -enddate 20210101000000Z
sign revoked "/CN=localhost" local_server -days 3650

quiet "$OPENSSL" req -x509 -new -config "$CNF" -key selfsigned.key -subj "/CN=localhost" \
    -extensions selfsigned -days 3650 -out selfsigned.pem

# DER forms of the server's certificate and key; its key under a password.
quiet "$OPENSSL" x509 -in server.pem -outform DER -out server.der
quiet "$OPENSSL" rsa -in server.key -traditional -outform DER -out server-key.der
quiet "$OPENSSL" pkey -in server.key -aes-256-cbc -passout pass:secret -out encrypted.key
chmod 600 encrypted.key server-key.der

# Revocation: revoke, then the CRL and its hashed directory.
quiet "$OPENSSL" ca -batch -config "$CNF" -revoke revoked.pem -crl_reason keyCompromise
quiet "$OPENSSL" ca -batch -config "$CNF" -gencrl -crlexts crl -crldays 3650 -out crl.pem
mkdir crldir cadir
cp crl.pem crldir/crl.pem
cp ca.pem cadir/ca.pem
if ! "$OPENSSL" rehash crldir cadir 2>/dev/null; then
    # No `openssl rehash`: name the files as it would (<hash>.0, <hash>.r0).
    cp ca.pem "cadir/$("$OPENSSL" x509 -hash -noout -in ca.pem).0"
    cp crl.pem "crldir/$("$OPENSSL" crl -hash -noout -in crl.pem).r0"
fi

# The system's trusted CAs plus ours.
: > bundle.pem
for system in /etc/ssl/certs/ca-certificates.crt /etc/pki/tls/certs/ca-bundle.crt /etc/ssl/cert.pem; do
    if [ -f "$system" ]; then
        cat "$system" >> bundle.pem
        break
    fi
done
cat ca.pem >> bundle.pem

quiet "$OPENSSL" genpkey -genparam -algorithm DH -pkeyopt group:ffdhe2048 -out dh.pem

# Other key types, the same name and extensions as server.pem.
quiet "$OPENSSL" genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ec.key
quiet "$OPENSSL" genpkey -algorithm ED25519 -out ed25519.key
chmod 600 ec.key ed25519.key
sign ec "/CN=localhost" server -days 3650
sign ed25519 "/CN=localhost" server -days 3650
quiet "$OPENSSL" pkey -in ec.key -outform DER -out ec-key.der
quiet "$OPENSSL" pkey -in ed25519.key -outform DER -out ed25519-key.der
chmod 600 ec-key.der ed25519-key.der

# A chain: an intermediate CA under the root, and a leaf it issues.
quiet "$OPENSSL" genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out inter.key
quiet "$OPENSSL" genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out leaf.key
chmod 600 inter.key leaf.key
sign inter "/CN=tls-test Intermediate CA" intermediate_ca -days 3650
quiet "$OPENSSL" req -new -config "$CNF" -key leaf.key -subj "/CN=localhost" -out ca/leaf.csr
quiet "$OPENSSL" x509 -req -in ca/leaf.csr -CA inter.pem -CAkey inter.key -CAcreateserial \
    -CAserial ca/inter.srl -days 3650 -sha256 -extfile "$CNF" -extensions server -out leaf.pem
cat leaf.pem inter.pem > chain.pem

# Sanity: every leaf but the self-signed, expired and revoked ones verifies.
quiet "$OPENSSL" verify -CAfile ca.pem server.pem client.pem wronghost.pem revoked.pem ec.pem ed25519.pem inter.pem
quiet "$OPENSSL" verify -CAfile ca.pem -untrusted inter.pem leaf.pem
rm -f ca/*.csr

{ date; echo "$GENERATION"; } > .complete
