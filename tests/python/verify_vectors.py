"""Verifies Tweevoud signatures with Python's `cryptography`, from docs/format.md alone.

Nothing here comes from Tweevoud's code: the signed message is rebuilt from the agreement
file as the format document describes it (domain tag, LF, RFC 8785 canonical JSON of the
statement) and checked with an independent Ed25519 implementation.

usage: python verify_vectors.py AGREEMENT.tweevoud [MESSAGE_FILE ...]
"""
import base64
import hashlib
import json
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

TAG = b"tweevoud-signature/1\n"
RECORD_TAG = b"tweevoud-signature-record/1\n"


def jcs(value):
    # RFC 8785 for the values an agreement holds (strings, integers, booleans, null, arrays,
    # objects with ASCII keys): sorted keys, no white space, ECMAScript string escaping.
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def main(path, message_files):
    with open(path, encoding="utf-8") as f:
        agreement = json.load(f)
    previous = []
    verified = 0
    for i, record in enumerate(agreement["signatures"]):
        statement = record["statement"]
        message = TAG + jcs(statement)
        if i < len(message_files):
            with open(message_files[i], "rb") as m:
                assert m.read() == message, f"signature {i}: message bytes differ from {message_files[i]}"
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(statement["public_key"]))
        signature = base64.b64decode(record["signature"])
        key.verify(signature, message)
        # A changed byte must not verify.
        tampered = bytearray(message)
        tampered[-2] ^= 1
        try:
            key.verify(signature, bytes(tampered))
            raise AssertionError(f"signature {i}: a tampered message verified")
        except InvalidSignature:
            pass
        assert statement["template_sha256"] == hashlib.sha256(agreement["template"]["text"].encode("utf-8")).hexdigest()
        assert statement["previous_signatures"] == previous, f"signature {i}: chain of signatures"
        previous.append(hashlib.sha256(RECORD_TAG + jcs(record)).hexdigest())
        verified += 1
    print(f"python-cryptography: {verified} signatures verified in {path}")
    return 0 if verified else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))
