#!/usr/bin/env bash
# Makes what the eID certificate and OCSP checks' tests need beyond the test PKI that
# tests/eid/make-pki.sh made in DIR (tests/fixtures/eid), into DIR/ocsp/ and DIR/extra/:
#
#   responder.pem/.key     "Tweevoud Test OCSP Responder", issued by ca-rsa (for ten years from
#                          the day it is made) with the extended key usage id-kp-OCSPSigning:
#                          a delegate the answer's check accepts
#   not-responder.pem/.key the same issued by ca-rsa without id-kp-OCSPSigning
#   other-responder.pem/.key  with id-kp-OCSPSigning, but issued by other-ca
#   request-rsa-sign.der   the request for rsa-sign's status, as `openssl ocsp` writes it
#   delegate-rsa-sign.der  rsa-sign's answer (good), signed by responder
#   not-delegate-rsa-sign.der, other-delegate-rsa-sign.der   the same by the other two
#
#   extra/critical-sign.pem/.der/.key   Tom Hendrix's Signature certificate under ca-rsa with a
#                          critical extension no one understands (1.3.6.1.4.1.99999.1)
#
#   tests/eid/make-pki-extra.sh DIR
set -euo pipefail

dir=${1:?usage: make-pki-extra.sh DIR}
cd "$dir"
mkdir -p ocsp extra
export OPENSSL_CONF=/dev/null

responder() { # name ca eku
  local name=$1 ca=$2 eku=$3
  openssl ecparam -name prime256v1 -genkey -noout -out "ocsp/$name.ec" 2>/dev/null
  openssl pkcs8 -topk8 -nocrypt -in "ocsp/$name.ec" -out "ocsp/$name.key"
  rm -f "ocsp/$name.ec"
  openssl req -new -key "ocsp/$name.key" -subj "/C=BE/CN=Tweevoud Test OCSP Responder" \
    -out "ocsp/$name.csr"
  {
    echo "basicConstraints = critical, CA:false"
    echo "keyUsage = critical, digitalSignature"
    if [ -n "$eku" ]; then echo "extendedKeyUsage = $eku"; fi
  } >"ocsp/$name.ext"
  openssl x509 -req -in "ocsp/$name.csr" -CA "$ca.pem" -CAkey "$ca.key" -set_serial "0x$RANDOM" \
    -days 3650 -sha256 \
    -extfile "ocsp/$name.ext" -out "ocsp/$name.pem" 2>/dev/null
  rm -f "ocsp/$name.csr" "ocsp/$name.ext"
}

responder responder ca-rsa OCSPSigning
responder not-responder ca-rsa ""
responder other-responder other-ca OCSPSigning

# The CA's database, with the attribute that lets one subject have several certificates.
cp index-rsa.txt ocsp/index.txt
echo "unique_subject = no" >ocsp/index.txt.attr
openssl ocsp -issuer ca-rsa.pem -cert rsa-sign.pem -no_nonce -reqout ocsp/request-rsa-sign.der 2>/dev/null
for signer in responder not-responder other-responder; do
  out=${signer/responder/delegate}-rsa-sign.der
  openssl ocsp -index ocsp/index.txt -rsigner "ocsp/$signer.pem" -rkey "ocsp/$signer.key" \
    -CA ca-rsa.pem -reqin ocsp/request-rsa-sign.der -respout "ocsp/$out" -ndays 3650 2>/dev/null
done
rm -f ocsp/index.txt ocsp/index.txt.attr

# A Signature certificate with a critical extension not understood.
openssl ecparam -name secp384r1 -genkey -noout -out extra/critical-sign.ec 2>/dev/null
openssl pkcs8 -topk8 -nocrypt -in extra/critical-sign.ec -out extra/critical-sign.key
rm -f extra/critical-sign.ec
openssl req -new -key extra/critical-sign.key -out extra/critical-sign.csr \
  -subj "/C=BE/CN=Tom Hendrix (Signature)/SN=Hendrix/GN=Tom/serialNumber=85073003328"
cat >extra/critical-sign.ext <<EXT
basicConstraints = critical, CA:false
keyUsage = critical, nonRepudiation
1.3.6.1.4.1.99999.1 = critical, ASN1:NULL
EXT
openssl x509 -req -in extra/critical-sign.csr -CA ca-rsa.pem -CAkey ca-rsa.key -set_serial 0x2000 \
  -days 3650 -sha256 -extfile extra/critical-sign.ext -out extra/critical-sign.pem 2>/dev/null
openssl x509 -in extra/critical-sign.pem -outform der -out extra/critical-sign.der
rm -f extra/critical-sign.csr extra/critical-sign.ext
