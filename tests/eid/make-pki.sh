#!/usr/bin/env bash
# Makes a test PKI laid out as the Belgian eID's, with openssl alone, into OUT:
#
#   root.pem/.key          "Tweevoud Test Belgium Root CA" (RSA-3072), the tests' anchor
#   ca-rsa.pem/.key        "Tweevoud Test Citizen CA" (RSA-2048), under the root
#   ca-ec.pem/.key         "Tweevoud Test Citizen CA EC" (ECDSA P-384), under the root
#   rsa-{sign,auth}.pem/.key   Tom Hendrix's card (applet 1.7: RSA-2048), under ca-rsa
#   ec-{sign,auth}.pem/.key    Anne-Marie D'Hondt's card (applet 1.8: P-384), under ca-ec
#   expired-sign.pem/.key  Tom Hendrix's Signature certificate of an older card (2015-2020)
#   revoked-sign.pem/.key  Tom Hendrix's Signature certificate of a card reported stolen
#   other-root.pem, other-ca.pem, other-sign.pem/.key   the same name and number as Tom
#                          Hendrix's, under a root no one trusts
#   index-rsa.txt, index-ec.txt   the CAs' databases, for `openssl ocsp` (revoked-sign revoked)
#   ocsp-<leaf>.der        for each Signature certificate, its CA's OCSP answer, made offline
#
# The Signature certificates name the OCSP responder http://127.0.0.1:PORT (PORT the second
# argument, 1 when absent: nothing answers there). Validity is fixed (2025-01-01 to
# 2035-01-01; the expired one 2015-2020), so that files made with it verify the same on any
# day until 2035. Only the tests trust this root; the product never does.
#
#   tests/eid/make-pki.sh OUT [PORT]
set -euo pipefail

out=${1:?usage: make-pki.sh OUT [PORT]}
port=${2:-1}
mkdir -p "$out"
cd "$out"

export OPENSSL_CONF=/dev/null

# A CA's `openssl ca` configuration: its database, serials and the extensions of what it issues.
ca_conf() { # name
  local name=$1
  : >"index-$name.txt"
  [ -f "serial-$name" ] || echo 1000 >"serial-$name"
  cat >"ca-$name.cnf" <<EOF
[ca]
default_ca = this
[this]
database = index-$name.txt
serial = serial-$name
new_certs_dir = .
default_md = sha256
policy = any
unique_subject = no
copy_extensions = none
email_in_dn = no
preserve = yes
[any]
countryName = optional
commonName = optional
surname = optional
givenName = optional
serialNumber = optional
organizationName = optional
[citizen_ca]
basicConstraints = critical, CA:true, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[signature]
basicConstraints = critical, CA:false
keyUsage = critical, nonRepudiation
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
certificatePolicies = 2.16.56.12.1.1.2.1
authorityInfoAccess = OCSP;URI:http://127.0.0.1:$port, caIssuers;URI:http://127.0.0.1:$port/ca.crt
[authentication]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
certificatePolicies = 2.16.56.12.1.1.2.2
authorityInfoAccess = OCSP;URI:http://127.0.0.1:$port
EOF
}

issue() { # ca-name ca-cert ca-key csr out ext start end [digest]
  openssl ca -batch -notext -config "ca-$1.cnf" -cert "$2" -keyfile "$3" -in "$4" -out "$5" \
    -extensions "$6" -startdate "$7" -enddate "$8" -md "${9:-sha256}" 2>/dev/null
}

rsa_key() { openssl genpkey -algorithm RSA -pkeyopt "rsa_keygen_bits:$2" -out "$1" 2>/dev/null; }
ec_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out "$1" 2>/dev/null; }
csr() { openssl req -new -key "$1" -subj "$2" -out "$3" -utf8 2>/dev/null; }

# A root: self-signed, 2020-2040.
make_root() { # name key-file cert-file cn
  rsa_key "$2" 3072
  ca_conf "$1"
  csr "$2" "/C=BE/CN=$4" "$1.csr"
  cat >>"ca-$1.cnf" <<EOF
[root]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
EOF
  openssl ca -batch -notext -selfsign -config "ca-$1.cnf" -keyfile "$2" -in "$1.csr" -out "$3" \
    -extensions root -startdate 20200101000000Z -enddate 20400101000000Z 2>/dev/null
}

make_root root root.key root.pem "Tweevoud Test Belgium Root CA"
make_root other-root other-root.key other-root.pem "Belgium Root CA4"

# The Citizen CAs, issued by their roots.
rsa_key ca-rsa.key 2048
csr ca-rsa.key "/C=BE/CN=Tweevoud Test Citizen CA/serialNumber=201901" ca-rsa.csr
issue root root.pem root.key ca-rsa.csr ca-rsa.pem citizen_ca 20200101000000Z 20380101000000Z
ca_conf rsa

ec_key ca-ec.key
csr ca-ec.key "/C=BE/CN=Tweevoud Test Citizen CA EC/serialNumber=202101" ca-ec.csr
issue root root.pem root.key ca-ec.csr ca-ec.pem citizen_ca 20200101000000Z 20380101000000Z
ca_conf ec

rsa_key other-ca.key 2048
csr other-ca.key "/C=BE/CN=Citizen CA/serialNumber=201901" other-ca.csr
issue other-root other-root.pem other-root.key other-ca.csr other-ca.pem citizen_ca \
  20200101000000Z 20380101000000Z
ca_conf other

tom="/C=BE/SN=Hendrix/GN=Tom/serialNumber=85073003328"
anne="/C=BE/SN=D'Hondt/GN=Anne-Marie/serialNumber=79021417214"

# A card's key pair and certificate: kind (rsa|ec), file stem, CA name, subject, CN, profile,
# validity.
leaf() { # kind stem ca subject cn profile start end digest
  if [ "$1" = rsa ]; then rsa_key "$2.key" 2048; else ec_key "$2.key"; fi
  csr "$2.key" "/CN=$5$4" "$2.csr"
  issue "$3" "ca-$3.pem" "ca-$3.key" "$2.csr" "$2.pem" "$6" "$7" "$8" "$9"
}
cp other-ca.pem ca-other.pem
cp other-ca.key ca-other.key

leaf rsa rsa-sign rsa "$tom" "Tom Hendrix (Signature)" signature 20250101000000Z 20350101000000Z sha256
leaf rsa rsa-auth rsa "$tom" "Tom Hendrix (Authentication)" authentication 20250101000000Z 20350101000000Z sha256
leaf ec ec-sign ec "$anne" "Anne-Marie D'Hondt (Signature)" signature 20250101000000Z 20350101000000Z sha384
leaf ec ec-auth ec "$anne" "Anne-Marie D'Hondt (Authentication)" authentication 20250101000000Z 20350101000000Z sha384
leaf rsa expired-sign rsa "$tom" "Tom Hendrix (Signature)" signature 20150101000000Z 20200101000000Z sha256
leaf rsa revoked-sign rsa "$tom" "Tom Hendrix (Signature)" signature 20250101000000Z 20350101000000Z sha256
leaf rsa other-sign other "$tom" "Tom Hendrix (Signature)" signature 20250101000000Z 20350101000000Z sha256
rm -f ca-other.pem ca-other.key

openssl ca -config ca-rsa.cnf -cert ca-rsa.pem -keyfile ca-rsa.key -revoke revoked-sign.pem \
  -crl_reason keyCompromise 2>/dev/null
# Revoked on 2025-06-01, before anything the tests sign with it (openssl takes the current time).
sed -i -E 's/^R\t([0-9]+Z)\t[0-9]+Z,/R\t\1\t250601000000Z,/' index-rsa.txt

# Each Signature certificate's OCSP answer, signed by its CA (valid for 10 years from now).
ocsp_answer() { # leaf ca-name
  openssl ocsp -issuer "ca-$2.pem" -cert "$1.pem" -no_nonce -reqout "$1.ocspreq" 2>/dev/null
  openssl ocsp -index "index-$2.txt" -rsigner "ca-$2.pem" -rkey "ca-$2.key" -CA "ca-$2.pem" \
    -reqin "$1.ocspreq" -respout "ocsp-$1.der" -ndays 3650 2>/dev/null
  rm -f "$1.ocspreq"
}
ocsp_answer rsa-sign rsa
ocsp_answer revoked-sign rsa
ocsp_answer expired-sign rsa
ocsp_answer ec-sign ec

# Keys as PKCS#8 DER too (what pkcs11-tool --write-object reads).
for k in rsa-sign rsa-auth ec-sign ec-auth expired-sign revoked-sign other-sign; do
  openssl pkey -in "$k.key" -outform DER -out "$k.key.der"
done
for c in root ca-rsa ca-ec other-root other-ca rsa-sign rsa-auth ec-sign ec-auth expired-sign revoked-sign other-sign; do
  openssl x509 -in "$c.pem" -outform DER -out "$c.der"
done
rm -f ./*.csr ./*.cnf ./*.old ./*.attr serial-* [0-9A-F]*.pem index-*.txt.attr* index-other*.txt index-root.txt
