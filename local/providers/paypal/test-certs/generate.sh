#!/usr/bin/env bash
# Test PKI for the PayPal stand-in's webhook signatures (issue 14). NOT PayPal's: a test root CA,
# an intermediate, and the signing leaf named as PayPal names its own (CN messageverificationcerts.paypal.com),
# plus a second, untrusted root with a leaf of the same name for the "wrong certificate" case.
# Valid 2024-01-01 to 2049-12-31 (fixed dates, so fixtures signed at any time in between verify).
# Generated once with OpenSSL 3.0 and committed, so tests read fixed files; re-run to rotate.
set -euo pipefail
cd "$(dirname "$0")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
start=20240101000000Z
end=20491231235959Z

# Signs $2.csr with CA $1 (pem + key) into $2.pem, with extensions $3, through `openssl ca` (fixed dates).
sign() {
  local ca=$1 name=$2 ext=$3 dir="$work/$1-ca"
  mkdir -p "$dir" && touch "$dir/index.txt" && [ -f "$dir/serial" ] || echo 1000 > "$dir/serial"
  printf '[ca]\ndefault_ca=c\n[c]\ndir=%s\ndatabase=$dir/index.txt\nserial=$dir/serial\nnew_certs_dir=$dir\n' "$dir" > "$dir/c.cnf"
  printf 'default_md=sha256\npolicy=p\nunique_subject=no\ncopy_extensions=none\n[p]\nO=supplied\nCN=supplied\n' >> "$dir/c.cnf"
  printf '[x]\n%b\n' "$ext" > "$dir/x.ext"
  openssl ca -batch -config "$dir/c.cnf" -cert "$ca.pem" -keyfile "$work/$ca.key" -in "$work/$name.csr" \
    -out "$name.pem" -startdate "$start" -enddate "$end" -extfile "$dir/x.ext" -extensions x -notext 2>/dev/null
}
selfsigned() {
  local name=$1 subject=$2
  openssl req -new -newkey rsa:2048 -nodes -keyout "$work/$name.key" -out "$work/$name.csr" -subj "$subject" 2>/dev/null
  mkdir -p "$work/$name-ca" && touch "$work/$name-ca/index.txt" && echo 1000 > "$work/$name-ca/serial"
  printf '[ca]\ndefault_ca=c\n[c]\ndir=%s\ndatabase=$dir/index.txt\nserial=$dir/serial\nnew_certs_dir=$dir\n' "$work/$name-ca" > "$work/$name-ca/c.cnf"
  printf 'default_md=sha256\npolicy=p\nunique_subject=no\n[p]\nO=supplied\nCN=supplied\n' >> "$work/$name-ca/c.cnf"
  printf '[x]\nbasicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n' > "$work/$name-ca/x.ext"
  openssl ca -batch -selfsign -config "$work/$name-ca/c.cnf" -keyfile "$work/$name.key" -in "$work/$name.csr" \
    -out "$name.pem" -startdate "$start" -enddate "$end" -extfile "$work/$name-ca/x.ext" -extensions x -notext 2>/dev/null
}
csr() {
  openssl req -new -newkey rsa:2048 -nodes -keyout "$work/$1.key" -out "$work/$1.csr" -subj "$2" 2>/dev/null
}
leaf_ext='basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nsubjectAltName=DNS:messageverificationcerts.paypal.com'

selfsigned root "/O=Payout Platform Test/CN=Test PayPal Webhook Root CA"
csr intermediate "/O=Payout Platform Test/CN=Test PayPal Webhook Intermediate CA"
sign root intermediate 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign'
csr leaf "/O=Payout Platform Test/CN=messageverificationcerts.paypal.com"
sign intermediate leaf "$leaf_ext"
cp "$work/leaf.key" leaf.key
# The impostor: same leaf name, chained to a root nobody trusts.
selfsigned rogue-root "/O=Rogue/CN=Rogue Root CA"
csr rogue-leaf "/O=Rogue/CN=messageverificationcerts.paypal.com"
sign rogue-root rogue-leaf "$leaf_ext"
cp "$work/rogue-leaf.key" rogue-leaf.key
