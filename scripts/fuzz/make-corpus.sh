#!/bin/sh
# Seed corpora for the libFuzzer targets (Tests/fuzz/corpus/<target>/), made
# with openssl: certificates of several key types and extensions (DER), a
# session DER from a real handshake with openssl s_server, ClientHello
# extension bodies and option words. Small on purpose; idempotent (a target's
# directory that exists is left alone; `rm -r` it to make it again).
set -eu
cd "$(dirname "$0")/../.."
out=Tests/fuzz/corpus
work=$(mktemp -d "${TMPDIR:-/tmp}/tls-corpus.XXXXXX")
trap 'rm -rf "$work"' EXIT

if [ ! -d $out/certificate ]; then
  mkdir -p $out/certificate
  cert() {  # name, key algorithm options, extra req options...
    name=$1 alg=$2; shift 2
    openssl req -x509 -newkey "$alg" -nodes -keyout "$work/$name.key" -days 30 \
        -outform DER -out "$out/certificate/$name.der" "$@" 2>/dev/null
  }
  cert ec "ec" -pkeyopt ec_paramgen_curve:P-256 -subj "/CN=localhost/O=Test/C=US" \
      -addext "subjectAltName=DNS:localhost,DNS:*.example.com,IP:127.0.0.1,IP:::1,email:a@example.com,URI:https://example.com/,RID:1.2.3.4,dirName:dir_sect,otherName:1.2.3.5;UTF8:other" \
      -addext "authorityInfoAccess=OCSP;URI:http://ocsp.example.com/,caIssuers;URI:http://ca.example.com/ca.der" \
      -config "$(printf '[req]\ndistinguished_name=dn\n[dn]\n[dir_sect]\nCN=dir\nO=Dir Org\n' > "$work/dir.cnf"; echo "$work/dir.cnf")"
  cert ed25519 ed25519 -subj "/CN=ed/OU=Unit+CN=multi"
  cert rsa rsa:1024 -subj "/CN=rsa" -addext "keyUsage=critical,digitalSignature" \
      -addext "extendedKeyUsage=serverAuth,clientAuth" -addext "basicConstraints=critical,CA:TRUE,pathlen:3" \
      -addext "1.2.3.4.5.6=DER:30:03:02:01:05" -addext "nameConstraints=permitted;DNS:.example.com"
  cert utf8 ec -pkeyopt ec_paramgen_curve:P-384 -utf8 -subj "/CN=Zürich ünïcödé 日本/O=\"quoted, comma\"/emailAddress=x@y" \
      -addext "subjectAltName=DNS:xn--zrich-kva.example,email:ü@example.com"
  cert many ec -pkeyopt ec_paramgen_curve:P-256 -subj "/CN=many" \
      -addext "subjectAltName=$(seq 1 200 | sed 's/.*/DNS:host&.example.com/' | paste -sd, -)"
fi

if [ ! -d $out/session ]; then
  mkdir -p $out/session
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$work/s.key" \
      -out "$work/s.crt" -subj /CN=localhost -days 30 2>/dev/null
  for proto in -tls1_2 -tls1_3; do
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    openssl s_server -accept "127.0.0.1:$port" -cert "$work/s.crt" -key "$work/s.key" -quiet -naccept 1 >/dev/null 2>&1 &
    server=$!
    sleep 0.5
    echo | openssl s_client -connect "127.0.0.1:$port" $proto -sess_out "$work/sess.pem" -ign_eof >/dev/null 2>&1 || true
    kill $server 2>/dev/null || true; wait $server 2>/dev/null || true
    openssl sess_id -in "$work/sess.pem" -outform DER -out "$out/session/session$proto.der"
  done
fi

if [ ! -d $out/hello ]; then
  mkdir -p $out/hello
  # First byte even: a server_name extension body; odd: an ALPN protocol list.
  python3 - "$out/hello" <<'PY'
import sys, os
d = sys.argv[1]
def sni(name):
    n = name.encode()
    entry = b"\0" + len(n).to_bytes(2, "big") + n
    return b"\0" + len(entry).to_bytes(2, "big") + entry
def alpn(*names):
    return b"\1" + b"".join(bytes([len(x)]) + x.encode() for x in names)
for name, body in {"sni-localhost": sni("localhost"), "sni-utf8": sni("zürich.example"),
                   "sni-nul": sni("a\0b"), "alpn-h2": alpn("h2", "http/1.1"),
                   "alpn-one": alpn("x"), "alpn-long": alpn("a" * 255, "b")}.items():
    open(os.path.join(d, name), "wb").write(body)
PY
fi

if [ ! -d $out/options ]; then
  mkdir -p $out/options
  # Pairs: option index byte (high bit: value as a raw string), value, 0xFF.
  printf '\001localhost\377\202h2 http/1.1\377' > $out/options/words
  printf '\200yes\377\2010\377' > $out/options/bools
fi
ls $out/*
