"""A second, independent Tweevoud verifier, written from docs/format.md, docs/templates.md and
docs/timestamps.md.

Nothing here comes from Tweevoud's Rust code: the reader, the template parser, the kinds,
the canonical rendering, RFC 8785 canonical JSON, strict Ed25519 (by hand, cross-checked
with Python's `cryptography`), every check of format.md's "Verification" section and the
RFC 3161 token checks of timestamps.md (DER read by hand; RSA and ECDSA by `cryptography`)
are rebuilt from the documents, then compared with tests/vectors/vectors.json; so are the eID
bindings of format.md's "The eID binding" (certificates, path and OCSP answers read with
`cryptography`'s X.509 and OCSP readers, the rules the document's), judged with the tests'
root as the anchor and without it.

usage:
  python verify_vectors.py                      check every vector against vectors.json
  python verify_vectors.py [--vectors DIR]      the same, for another vector directory
  python verify_vectors.py FILE.tweevoud        print the status and codes of one file
                                                (exit 0 when complete/awaiting, 1 otherwise)

Only the standard library and `cryptography` are used.
"""
import base64
import datetime
import hashlib
import json
import os
import re
import sys
import tomllib
import unicodedata

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives import serialization

PARTIES = ("provider", "customer")
EVENTS = ("created", "filled", "cleared", "signed")
KINDS = ("text", "multiline", "person_name", "function", "place", "date", "enterprise_number", "email")
SIGNATURE_TAG = "tweevoud-signature/1"
RECORD_TAG = "tweevoud-signature-record/1"
AUDIT_TAG = "tweevoud-audit/1"
MAX_FILE = 8 * 1024 * 1024
MAX_TEMPLATE = 1024 * 1024


class Damaged(Exception):
    """The reader refuses the file: `damaged_agreement_file`."""


# ---------------------------------------------------------------------------------------
# Canonical JSON (RFC 8785) for strings, integers, booleans, null, arrays and objects.

def _jcs_string(s):
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\b":
            out.append("\\b")
        elif ch == "\f":
            out.append("\\f")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif o < 0x20:
            out.append("\\u%04x" % o)
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _jcs(v):
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, str):
        return _jcs_string(v)
    if isinstance(v, list):
        return "[" + ",".join(_jcs(x) for x in v) + "]"
    if isinstance(v, dict):
        keys = sorted(v, key=lambda k: k.encode("utf-16-be"))
        return "{" + ",".join(_jcs_string(k) + ":" + _jcs(v[k]) for k in keys) + "}"
    raise TypeError(f"no canonical JSON for {type(v).__name__}")


def jcs(v):
    return _jcs(v).encode("utf-8")


def tagged_hash(tag, v):
    return hashlib.sha256(tag.encode("ascii") + b"\n" + jcs(v)).hexdigest()


def sha256_text(s):
    return hashlib.sha256(s.encode("utf-8")).hexdigest()


def b64(s, length):
    """Standard base64 with padding, canonical, of exactly `length` bytes; None otherwise."""
    if not isinstance(s, str) or not re.fullmatch(r"[A-Za-z0-9+/]*={0,2}", s) or len(s) % 4:
        return None
    try:
        raw = base64.b64decode(s, validate=True)
    except ValueError:
        return None
    if base64.b64encode(raw).decode("ascii") != s or len(raw) != length:
        return None
    return raw


# ---------------------------------------------------------------------------------------
# Strict Ed25519 (format.md, "The message"): steps 1-4 by hand, step 4 also by OpenSSL.

P = 2**255 - 19
L = 2**252 + 27742317777372353535851937790883648493
D = (-121665 * pow(121666, P - 2, P)) % P
SQRT_M1 = pow(2, (P - 1) // 4, P)
_BY = 4 * pow(5, P - 2, P) % P
_BX = None


def _recover_x(y, sign):
    x2 = (y * y - 1) * pow(D * y * y + 1, P - 2, P) % P
    if x2 == 0:
        return None if sign else 0
    x = pow(x2, (P + 3) // 8, P)
    if (x * x - x2) % P != 0:
        x = x * SQRT_M1 % P
    if (x * x - x2) % P != 0:
        return None
    if (x & 1) != sign:
        x = P - x
    return x


def _decode_point(b):
    """RFC 8032 5.1.3, except that a y >= p is reduced modulo p (as ed25519-dalek does)."""
    n = int.from_bytes(b, "little")
    y = (n & ((1 << 255) - 1)) % P
    sign = n >> 255
    x = _recover_x(y, sign)
    if x is None:
        return None
    return (x, y, 1, x * y % P)


def _add(p, q):
    x1, y1, z1, t1 = p
    x2, y2, z2, t2 = q
    a = (y1 - x1) * (y2 - x2) % P
    b = (y1 + x1) * (y2 + x2) % P
    c = 2 * t1 * t2 * D % P
    d = 2 * z1 * z2 % P
    e, f, g, h = b - a, d - c, d + c, b + a
    return (e * f % P, g * h % P, f * g % P, e * h % P)


def _mul(k, p):
    q = (0, 1, 1, 0)
    while k:
        if k & 1:
            q = _add(q, p)
        p = _add(p, p)
        k >>= 1
    return q


def _encode(p):
    x, y, z, _ = p
    zi = pow(z, P - 2, P)
    x, y = x * zi % P, y * zi % P
    return (y | ((x & 1) << 255)).to_bytes(32, "little")


def _is_small_order(p):
    q = _add(p, p)
    q = _add(q, q)
    q = _add(q, q)
    x, y, z, _ = q
    return x % P == 0 and (y - z) % P == 0  # [8]P == (0, 1)


_B = (_recover_x(_BY, 0), _BY, 1, _recover_x(_BY, 0) * _BY % P)


def point_is_valid(key):
    return _decode_point(key) is not None


def verify_strict(key, signature, message):
    r_bytes, s_bytes = signature[:32], signature[32:]
    s = int.from_bytes(s_bytes, "little")
    if s >= L:  # 1
        return False
    a = _decode_point(key)  # 2
    r = _decode_point(r_bytes)
    if a is None or r is None:
        return False
    if _is_small_order(a) or _is_small_order(r):  # 3
        return False
    k = int.from_bytes(hashlib.sha512(r_bytes + key + message).digest(), "little") % L
    neg_a = ((P - a[0]) % P, a[1], a[2], (P - a[3]) % P)
    ok = _encode(_add(_mul(s, _B), _mul(k, neg_a))) == r_bytes  # 4
    # An independent implementation of step 4 must agree, for canonically encoded keys.
    if (int.from_bytes(key, "little") & ((1 << 255) - 1)) < P:
        try:
            Ed25519PublicKey.from_public_bytes(key).verify(signature, message)
            openssl = True
        except (InvalidSignature, ValueError):
            openssl = False
        if openssl != ok:
            raise AssertionError(f"hand-written Ed25519 ({ok}) and OpenSSL ({openssl}) disagree")
    return ok


# ---------------------------------------------------------------------------------------
# Allowed text (templates.md, "Allowed text").

CF_RANGES = [
    (0x00AD, 0x00AD), (0x0600, 0x0605), (0x061C, 0x061C), (0x06DD, 0x06DD), (0x070F, 0x070F),
    (0x0890, 0x0891), (0x08E2, 0x08E2), (0x180E, 0x180E), (0x200B, 0x200F), (0x202A, 0x202E),
    (0x2060, 0x2064), (0x2066, 0x206F), (0xFEFF, 0xFEFF), (0xFFF9, 0xFFFB), (0x110BD, 0x110BD),
    (0x110CD, 0x110CD), (0x13430, 0x1343F), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A),
    (0xE0001, 0xE0001), (0xE0020, 0xE007F),
]
# Unicode White_Space (Rust's char::is_whitespace).
WHITE_SPACE = set("\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
                  "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")


def text_problem(s, lines=False, tab=False, crlf_later=False):
    """The first problem code of `s` as allowed text, or None.

    lines: LF allowed; tab: a tab counts as white space; crlf_later: tab, CR and LF are
    dealt with by the kind's normalisation (values)."""
    if unicodedata.normalize("NFC", s) != s:
        return "not_nfc"
    for ch in s:
        o = ord(ch)
        if 0xD800 <= o <= 0xDFFF:
            return "control_character"  # a lone surrogate is no text at all
        if o < 0x20 or 0x7F <= o <= 0x9F:
            if ch == "\n" and (lines or crlf_later):
                continue
            if ch == "\t" and (tab or crlf_later):
                continue
            if ch == "\r" and crlf_later:
                continue
            return "line_break" if ch == "\n" else "control_character"
        if o in (0x2028, 0x2029):
            return "line_separator"
        for lo, hi in CF_RANGES:
            if lo <= o <= hi:
                return "invisible_character"
    return None


# ---------------------------------------------------------------------------------------
# Kinds and their values (templates.md).

def is_alphabetic(ch):
    # Alphabetic = L* + Nl + Other_Alphabetic. Python's stdlib has no Other_Alphabetic
    # table: combining vowel signs (Mn/Mc) that are Other_Alphabetic are not recognised
    # here (templates.md notes the same difference for str.isalpha()).
    return ch.isalpha() or unicodedata.category(ch) == "Nl"


def is_alphanumeric(ch):
    return is_alphabetic(ch) or unicodedata.category(ch) in ("Nd", "Nl", "No")


def _trim(s):
    a, b = 0, len(s)
    while a < b and s[a] in WHITE_SPACE:
        a += 1
    while b > a and s[b - 1] in WHITE_SPACE:
        b -= 1
    return s[a:b]


def _fold(s):
    return re.sub("[ \t\u00a0]+", " ", s)


NAME_EXTRA = set(" -'\u2019.")
FUNCTION_EXTRA = NAME_EXTRA | set("0123456789,/&()+")
PLACE_EXTRA = NAME_EXTRA | set("()")


def normalize(kind, raw):
    """(normal form, None) or (None, problem code)."""
    s = unicodedata.normalize("NFC", raw)
    p = text_problem(s, crlf_later=True)
    if p:
        return None, p
    if kind == "multiline":
        lines = []
        for line in s.split("\n"):
            if line.endswith("\r"):
                line = line[:-1]
            line = _trim(line)
            if "\r" in line:
                return None, "line_break"
            line = _fold(line)
            if line:
                lines.append(line)
        if not lines:
            return None, "empty"
        if len(lines) > 8:
            return None, "too_many_lines"
        if any(len(line) > 300 for line in lines):
            return None, "too_long"
        return "\n".join(lines), None
    s = _trim(s)
    if "\r" in s or "\n" in s:
        return None, "line_break"
    s = _fold(s)
    if not s:
        return None, "empty"
    if kind == "text":
        return (s, None) if len(s) <= 300 else (None, "too_long")
    if kind in ("person_name", "function", "place"):
        extra = {"person_name": NAME_EXTRA, "function": FUNCTION_EXTRA, "place": PLACE_EXTRA}[kind]
        for ch in s:
            if not (is_alphabetic(ch) or 0x300 <= ord(ch) <= 0x36F or ch in extra):
                return None, "bad_character"
        if not any(is_alphabetic(ch) for ch in s):
            return None, "no_letter"
        return (s, None) if len(s) <= 120 else (None, "too_long")
    if kind == "date":
        m = re.fullmatch(r"([0-9]{1,2})([-/.])([0-9]{1,2})\2([0-9]{4})", s)
        if m:
            d, mo, y = int(m.group(1)), int(m.group(3)), int(m.group(4))
        else:
            m = re.fullmatch(r"([0-9]{4})-([0-9]{2})-([0-9]{2})", s)
            if not m:
                return None, "date_format"
            y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if not 1900 <= y <= 2199:
            return None, "no_such_date"
        try:
            datetime.date(y, mo, d)
        except ValueError:
            return None, "no_such_date"
        return f"{y:04d}-{mo:02d}-{d:02d}", None
    if kind == "enterprise_number":
        t = re.sub("[. -]", "", s)
        if t[:2].upper() == "BE":
            t = t[2:]
        if not re.fullmatch(r"[0-9]{9,10}", t):
            return None, "enterprise_number_format"
        if len(t) == 9:
            t = "0" + t
        if t[0] not in "01":
            return None, "enterprise_number_format"
        if 97 - int(t[:8]) % 97 != int(t[8:]):
            return None, "enterprise_number_check"
        return f"{t[:4]}.{t[4:7]}.{t[7:]}", None
    if kind == "email":
        if len(s) > 254 or "@" not in s:
            return None, "email"
        local, domain = s.split("@", 1)
        if not 1 <= len(local.encode("utf-8")) <= 64:
            return None, "email"
        if any(not (is_alphanumeric(ch) or ch in "!#$%&'*+-/=?^_`{|}~.") for ch in local):
            return None, "email"
        if local.startswith(".") or local.endswith(".") or ".." in local:
            return None, "email"
        domain = domain.lower()
        labels = domain.split(".")
        if len(labels) < 2:
            return None, "email"
        for lab in labels:
            if not 1 <= len(lab.encode("utf-8")) <= 63 or lab[0] == "-" or lab[-1] == "-":
                return None, "email"
            if any(not (is_alphanumeric(ch) or ch == "-") for ch in lab):
                return None, "email"
        if len(labels[-1].encode("utf-8")) < 2 or not all(is_alphabetic(ch) for ch in labels[-1]):
            return None, "email"
        return local + "@" + domain, None
    raise ValueError(kind)


def is_normal(kind, value):
    n, _ = normalize(kind, value)
    return n is not None and n == value


MONTHS = {
    "nl": ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
           "september", "oktober", "november", "december"],
    "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
           "septembre", "octobre", "novembre", "décembre"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"],
}


def shown(kind, value, language):
    if kind == "multiline":
        return ", ".join(value.split("\n"))
    if kind == "date":
        m = re.fullmatch(r"([0-9]{4})-([0-9]{2})-([0-9]{2})", value)
        if not m:
            return value
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
        day = "1er" if (language == "fr" and d == 1) else str(d)
        return f"{day} {MONTHS[language][mo - 1]} {y}"
    return value


# ---------------------------------------------------------------------------------------
# Templates (templates.md).

def canonical_template(text):
    if text.startswith("\ufeff"):
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text)
    lines = [line.rstrip(" \t") for line in text.split("\n")]
    while lines and lines[-1] == "":
        lines.pop()
    return "\n".join(lines) + "\n"


class Template:
    pass


def _check_keys(table, required, optional, where):
    if not isinstance(table, dict):
        raise Damaged(f"template: {where} is not a table")
    for k in table:
        if k not in required and k not in optional:
            raise Damaged(f"template: unknown key {where}.{k}")
    for k in required:
        if k not in table:
            raise Damaged(f"template: missing {where}.{k}")


def _folded_text(s, where):
    """The title or a designation: white space folded, then allowed text of one line."""
    if not isinstance(s, str):
        raise Damaged(f"template: {where} is not a string")
    folded = " ".join(w for w in re.split("[" + "".join(sorted(WHITE_SPACE)) + "]+", s) if w)
    if not folded:
        raise Damaged(f"template: {where} is empty")
    p = text_problem(folded)
    if p:
        raise Damaged(f"template: {where}: {p}")
    return folded


def _label_text(s, where):
    """A label: allowed text of one line as it stands, not only white space."""
    if not isinstance(s, str):
        raise Damaged(f"template: {where} is not a string")
    if not _trim(s):
        raise Damaged(f"template: {where} is empty")
    p = text_problem(s)
    if p:
        raise Damaged(f"template: {where}: {p}")
    return s


BLOCK_MARKERS = (("### ", "###", "h3"), ("## ", "##", "h2"), ("# ", "#", "h1"),
                 ("- ", None, "bullet"), ("| ", "|", "kept"))


def _marker(line):
    for prefix, alone, kind in BLOCK_MARKERS:
        if alone is not None and line == alone:
            return kind, ""
        if line.startswith(prefix):
            return kind, line[len(prefix):]
    return None, line


def _inline(line, blank_ids):
    """A source line as a list of parts: str (literal text) or ("blank", id)."""
    line = re.sub("[ \t]+", " ", line).strip(" ")
    parts, buf, i = [], [], 0
    while i < len(line):
        ch = line[i]
        if ch == "\\" and i + 1 < len(line) and line[i + 1].isascii() and \
                unicodedata.category(line[i + 1]).startswith(("P", "S")) and \
                not line[i + 1].isalnum() and line[i + 1] != " ":
            buf.append(line[i + 1])
            i += 2
            continue
        if line.startswith("{{", i):
            m = re.match(r"\{\{([a-z][a-z0-9_]*)\}\}", line[i:])
            if not m:
                raise Damaged(f"template: a {{{{ that is no blank: {line!r}")
            if m.group(1) not in blank_ids:
                raise Damaged(f"template: undeclared blank {m.group(1)}")
            if buf:
                parts.append("".join(buf))
                buf = []
            parts.append(("blank", m.group(1)))
            i += m.end()
            continue
        buf.append(ch)
        i += 1
    if buf:
        parts.append("".join(buf))
    return parts


def parse_body(body, blank_ids):
    """Blocks: (kind, [line parts, ...]); paragraphs and bullets hold their source lines."""
    blocks = []
    current = None
    for line in body.split("\n"):
        if line.strip(" \t") == "":
            current = None
            continue
        kind, rest = _marker(line)
        if kind in ("h1", "h2", "h3"):
            parts = _inline(rest, blank_ids)
            if not parts:
                raise Damaged("template: an empty heading")
            blocks.append((kind, [parts]))
            current = None
        elif kind == "bullet":
            current = ("bullet", [_inline(rest, blank_ids)])
            blocks.append(current)
        elif kind == "kept":
            if current is None or current[0] != "kept":
                current = ("kept", [])
                blocks.append(current)
            current[1].append(_inline(rest, blank_ids))
        else:
            if current is None or current[0] not in ("paragraph", "bullet"):
                current = ("paragraph", [])
                blocks.append(current)
            current[1].append(_inline(line, blank_ids))
    return blocks


def parse_template(text):
    if len(text.encode("utf-8")) > MAX_TEMPLATE:
        raise Damaged("template: larger than 1 MiB")
    if canonical_template(text) != text:
        raise Damaged("template: not in canonical form")
    lines = text.split("\n")
    for n, line in enumerate(lines[:-1], 1):
        p = text_problem(line, tab=True)
        if p:
            raise Damaged(f"template line {n}: {p}")
    if lines[0] != "+++":
        raise Damaged("template: does not start with +++")
    try:
        end = lines.index("+++", 1)
    except ValueError:
        raise Damaged("template: no closing +++")
    try:
        header = tomllib.loads("\n".join(lines[1:end]))
    except tomllib.TOMLDecodeError as e:
        raise Damaged(f"template: TOML: {e}")
    body = "\n".join(lines[end + 1:])

    t = Template()
    _check_keys(header, ("format", "id", "title", "language", "parties"), ("blanks",), "header")
    if header["format"] != "tweevoud-template/1":
        raise Damaged("template: format")
    if not isinstance(header["id"], str) or not re.fullmatch(r"[a-z][a-z0-9-]{0,63}", header["id"]):
        raise Damaged("template: id")
    t.id = header["id"]
    t.title = _folded_text(header["title"], "title")
    if header["language"] not in ("nl", "fr", "en"):
        raise Damaged("template: language")
    t.language = header["language"]

    blanks = header.get("blanks", [])
    if not isinstance(blanks, list):
        raise Damaged("template: blanks")
    if len(blanks) > MAX_BLANKS:
        raise Damaged(f"template: more than {MAX_BLANKS} blanks")
    t.blanks = []
    t.blank = {}
    for n, b in enumerate(blanks):
        _check_keys(b, ("id", "kind", "party", "label"), ("required", "default", "auto"), f"blanks[{n}]")
        if not isinstance(b["id"], str) or not re.fullmatch(r"[a-z][a-z0-9_]*", b["id"]) or b["id"] in t.blank:
            raise Damaged(f"template: blank id {b['id']!r}")
        if b["kind"] not in KINDS:
            raise Damaged(f"template: blank {b['id']}: kind")
        if b["party"] not in PARTIES:
            raise Damaged(f"template: blank {b['id']}: party")
        _check_keys(b["label"], ("nl", "fr", "en"), (), f"blanks[{n}].label")
        label = {k: _label_text(v, f"label of {b['id']}") for k, v in b["label"].items()}
        required = b.get("required", True)
        if not isinstance(required, bool):
            raise Damaged(f"template: blank {b['id']}: required")
        if "default" in b:
            if not isinstance(b["default"], str) or normalize(b["kind"], b["default"])[0] is None:
                raise Damaged(f"template: blank {b['id']}: default")
        if "auto" in b and (b["auto"] != "signing_date" or b["kind"] != "date"):
            raise Damaged(f"template: blank {b['id']}: auto")
        blank = {"id": b["id"], "kind": b["kind"], "party": b["party"], "label": label,
                 "required": required, "index": n}
        t.blanks.append(blank)
        t.blank[b["id"]] = blank

    _check_keys(header["parties"], PARTIES, (), "parties")
    detail_kinds = {"name": "text", "address": "multiline", "enterprise_number": "enterprise_number",
                    "signatory_name": "person_name", "signatory_function": "function"}
    t.parties = {}
    for party in PARTIES:
        table = header["parties"][party]
        _check_keys(table, ("name", "designation", "signatory_name", "signatory_function"),
                    ("address", "enterprise_number"), f"parties.{party}")
        if not isinstance(table["designation"], str):
            raise Damaged(f"template: parties.{party}.designation")
        _folded_text(table["designation"], f"parties.{party}.designation")
        details = {}
        for key, kind in detail_kinds.items():
            if key not in table:
                continue
            v = table[key]
            if isinstance(v, dict):
                _check_keys(v, ("blank",), (), f"parties.{party}.{key}")
                bid = v["blank"]
                if bid not in t.blank or t.blank[bid]["party"] != party:
                    raise Damaged(f"template: parties.{party}.{key}: blank {bid!r}")
                details[key] = ("blank", bid)
            elif isinstance(v, str):
                normal, problem = normalize(kind, v)
                if problem:
                    raise Damaged(f"template: parties.{party}.{key}: {problem}")
                details[key] = ("fixed", normal)
            else:
                raise Damaged(f"template: parties.{party}.{key}")
        t.parties[party] = details

    t.blocks = parse_body(body, t.blank)
    used = {p[1] for _, ls in t.blocks for parts in ls for p in parts if isinstance(p, tuple)}
    for b in t.blanks:
        if b["id"] not in used:
            raise Damaged(f"template: blank {b['id']} is not used in the body")
    longest = len(text) + sum(
        max(LONGEST_SHOWN[t.blank[p[1]]["kind"]], len(t.blank[p[1]]["label"][t.language]) + 2)
        for _, ls in t.blocks for parts in ls for p in parts if isinstance(p, tuple))
    if longest > MAX_TEXT_CHARS:
        raise Damaged(f"template: its longest text is {longest} characters, more than {MAX_TEXT_CHARS}")
    return t


def render(t, values):
    """The canonical text, from a {blank: value} map (blanks not in it are open)."""
    def line_text(parts):
        out = []
        for p in parts:
            if isinstance(p, tuple):
                b = t.blank[p[1]]
                if p[1] in values:
                    out.append(shown(b["kind"], values[p[1]], t.language))
                else:
                    out.append("[" + b["label"][t.language] + "]")
            else:
                out.append(p)
        return "".join(out)

    rendered = []
    for kind, lines in t.blocks:
        texts = [line_text(parts) for parts in lines]
        if kind == "kept":
            rendered.append("\n".join(texts))
        elif kind == "bullet":
            rendered.append("\u2022 " + " ".join(x for x in texts if x))
        else:
            rendered.append(" ".join(x for x in texts if x))
    return "\n\n".join(rendered) + "\n"


# ---------------------------------------------------------------------------------------
# The reader (format.md, "The agreement file").

def _no_duplicates(pairs):
    d = {}
    for k, v in pairs:
        if k in d:
            raise Damaged(f"duplicate member {k!r}")
        d[k] = v
    return d


def _bad_constant(name):
    raise Damaged(f"not JSON: {name}")


def _obj(v, required, optional=(), where=""):
    if not isinstance(v, dict):
        raise Damaged(f"{where} is not an object")
    for k in v:
        if k not in required and k not in optional:
            raise Damaged(f"{where}: unknown member {k}")
    for k in required:
        if k not in v:
            raise Damaged(f"{where}: missing member {k}")
    return v


def _str(v, where):
    if not isinstance(v, str):
        raise Damaged(f"{where} is not a string")
    if any(0xD800 <= ord(c) <= 0xDFFF for c in v):
        raise Damaged(f"{where} is not UTF-8")
    return v


def _int(v, where):
    if not isinstance(v, int) or isinstance(v, bool):
        raise Damaged(f"{where} is not an integer")
    if not 0 <= v < 2 ** 64:
        raise Damaged(f"{where} is not an integer from 0 to 2^64 - 1")
    return v


def _list(v, where):
    if not isinstance(v, list):
        raise Damaged(f"{where} is not an array")
    return v


def _party(v, where):
    if _str(v, where) not in PARTIES:
        raise Damaged(f"{where}: {v!r} is not a party")
    return v


def _value_entry(v, where):
    _obj(v, ("blank", "value", "filled_by"), (), where)
    _str(v["blank"], where + ".blank")
    _str(v["value"], where + ".value")
    _party(v["filled_by"], where + ".filled_by")


# Limits (format.md, "Limits"; templates.md, "Limits").
MAX_BLANKS = 256
MAX_SIGNATURES = 4
MAX_AUDIT_ENTRIES = 10_000
MAX_TEXT_CHARS = 131_072
LONGEST_SHOWN = {"text": 300, "multiline": 2414, "person_name": 120, "function": 120,
                 "place": 120, "date": 32, "enterprise_number": 12, "email": 254}


def check_counts(a):
    """Every list an agreement file carries, held to its cap."""
    def cap(what, items, most):
        if len(items) > most:
            raise Damaged(f"{what}: {len(items)} entries, at most {most}")
    cap("values", a["values"], MAX_BLANKS)
    cap("signatures", a["signatures"], MAX_SIGNATURES)
    for r in a["signatures"]:
        st = r["statement"]
        cap("a statement's values", st["values"], MAX_BLANKS)
        cap("a statement's open blanks", st["open"], MAX_BLANKS)
        cap("a statement's previous signatures", st["previous_signatures"], MAX_SIGNATURES)
    cap("audit", a["audit"], MAX_AUDIT_ENTRIES)
    for e in a["audit"]:
        cap("an audit entry's blanks", e.get("blanks", []), MAX_BLANKS)


def read_agreement(data):
    if len(data) > MAX_FILE:
        raise Damaged("larger than 8 MiB")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise Damaged("not UTF-8")
    try:
        a = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_bad_constant)
    except json.JSONDecodeError as e:
        raise Damaged(f"not JSON: {e}")
    _obj(a, ("format", "template", "values", "signatures", "audit"), (), "file")
    fmt = _str(a["format"], "format")
    if fmt not in ("tweevoud-agreement/1", "tweevoud-agreement/2"):
        raise Damaged("another format")
    tpl = _obj(a["template"], ("id", "sha256", "text"), (), "template")
    for k in ("id", "sha256", "text"):
        _str(tpl[k], "template." + k)
    for n, v in enumerate(_list(a["values"], "values")):
        _value_entry(v, f"values[{n}]")
    for n, r in enumerate(_list(a["signatures"], "signatures")):
        w = f"signatures[{n}]"
        _obj(r, ("statement", "signature"), ("timestamps", "eid_binding"), w)
        if "eid_binding" in r:
            if fmt == "tweevoud-agreement/1":
                raise Damaged(f"{w} carries an eID binding in a tweevoud-agreement/1 file")
            binding_shape(r["eid_binding"], w + ".eid_binding")
        _str(r["signature"], w + ".signature")
        stamps = _list(r.get("timestamps", []), w + ".timestamps")
        for m, ts in enumerate(stamps):
            _obj(ts, ("token",), (), f"{w}.timestamps[{m}]")
            _str(ts["token"], f"{w}.timestamps[{m}].token")
        if stamps and fmt == "tweevoud-agreement/1":
            raise Damaged(f"{w} carries timestamps in a tweevoud-agreement/1 file")
        if len(stamps) > MAX_TIMESTAMPS:
            raise Damaged(f"{w} carries more than {MAX_TIMESTAMPS} timestamps")
        st = _obj(r["statement"], ("template_sha256", "text_sha256", "values", "open", "signer", "time",
                                   "public_key", "previous_signatures", "audit_head"), (), w + ".statement")
        for k in ("template_sha256", "text_sha256", "time", "public_key", "audit_head"):
            _str(st[k], f"{w}.statement.{k}")
        for m, v in enumerate(_list(st["values"], w + ".values")):
            _value_entry(v, f"{w}.values[{m}]")
        for m, o in enumerate(_list(st["open"], w + ".open")):
            _obj(o, ("blank", "party"), (), f"{w}.open[{m}]")
            _str(o["blank"], f"{w}.open[{m}].blank")
            _party(o["party"], f"{w}.open[{m}].party")
        s = _obj(st["signer"], ("role", "name", "function", "organisation"), (), w + ".signer")
        _party(s["role"], w + ".signer.role")
        for k in ("name", "function", "organisation"):
            _str(s[k], f"{w}.signer.{k}")
        for m, h in enumerate(_list(st["previous_signatures"], w + ".previous_signatures")):
            _str(h, f"{w}.previous_signatures[{m}]")
    for n, e in enumerate(_list(a["audit"], "audit")):
        w = f"audit[{n}]"
        _obj(e, ("seq", "time", "event", "party", "blanks", "text_sha256", "hash"),
             ("signature_sha256", "prev"), w)
        _int(e["seq"], w + ".seq")
        for k in ("time", "text_sha256", "hash", "signature_sha256", "prev"):
            if k in e:
                _str(e[k], f"{w}.{k}")
        if _str(e["event"], w + ".event") not in EVENTS:
            raise Damaged(f"{w}: event {e['event']!r}")
        _party(e["party"], w + ".party")
        for m, b in enumerate(_list(e["blanks"], w + ".blanks")):
            _str(b, f"{w}.blanks[{m}]")

    check_counts(a)
    if sha256_text(tpl["text"]) != tpl["sha256"]:
        raise Damaged("the template text does not hash to template.sha256")
    t = parse_template(tpl["text"])
    if t.id != tpl["id"]:
        raise Damaged("template id differs from template.id")
    last = -1
    for v in a["values"]:
        b = t.blank.get(v["blank"])
        if b is None:
            raise Damaged(f"a value for undeclared blank {v['blank']}")
        if b["index"] == last:
            raise Damaged(f"two values for blank {v['blank']}")
        if b["index"] < last:
            raise Damaged("values out of the template's order")
        last = b["index"]
        if not is_normal(b["kind"], v["value"]):
            raise Damaged(f"the value of {v['blank']} is not in normal form")
    return a, t


# ---------------------------------------------------------------------------------------
# Trusted timestamps (format.md, "Trusted timestamps"; timestamps.md, "What a token must
# satisfy"). DER is read by hand, strictly: one-byte tags, definite lengths in their shortest
# form, minimal INTEGERs, BOOLEAN 00/FF, NULL empty. Keys and signatures go to `cryptography`.

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

MAX_TIMESTAMPS = 4
MAX_TOKEN = 64 * 1024
MAX_CERTS = 16
MAX_CHAIN = 6
# timestamps.md step 1, the pre-scan's caps.
MAX_DEPTH, MAX_MEMBERS = 32, 256
MAX_CERT_ENTRIES, MAX_ATTRS, MAX_ATTR_VALUES = 32, 32, 16

OID_SIGNED_DATA = "1.2.840.113549.1.7.2"
OID_TST_INFO = "1.2.840.113549.1.9.16.1.4"
OID_CONTENT_TYPE = "1.2.840.113549.1.9.3"
OID_MESSAGE_DIGEST = "1.2.840.113549.1.9.4"
OID_ESS_V1 = "1.2.840.113549.1.9.16.2.12"
OID_ESS_V2 = "1.2.840.113549.1.9.16.2.47"
OID_EKU = "2.5.29.37"
OID_BASIC_CONSTRAINTS = "2.5.29.19"
OID_SKI = "2.5.29.14"
OID_TIME_STAMPING = "1.3.6.1.5.5.7.3.8"
OID_RSA = "1.2.840.113549.1.1.1"
OID_EC_KEY = "1.2.840.10045.2.1"
SHA2 = {"2.16.840.1.101.3.4.2.1": "sha256", "2.16.840.1.101.3.4.2.2": "sha384",
        "2.16.840.1.101.3.4.2.3": "sha512"}
SIG_ALGS = {  # OID: (scheme, hash or None)
    OID_RSA: ("rsa", None),
    "1.2.840.113549.1.1.11": ("rsa", "sha256"),
    "1.2.840.113549.1.1.12": ("rsa", "sha384"),
    "1.2.840.113549.1.1.13": ("rsa", "sha512"),
    "1.2.840.10045.4.3.2": ("ecdsa", "sha256"),
    "1.2.840.10045.4.3.3": ("ecdsa", "sha384"),
    "1.2.840.10045.4.3.4": ("ecdsa", "sha512"),
}
CRYPTO_HASH = {"sha256": hashes.SHA256, "sha384": hashes.SHA384, "sha512": hashes.SHA512}


class TokenProblem(Exception):
    def __init__(self, code, reason):
        super().__init__(f"{code}: {reason}")
        self.code = code


def _unreadable(reason):
    return TokenProblem("timestamp_unreadable", reason)


class DerError(Exception):
    pass


class Tlv:
    """One DER element: its tag byte, its whole encoding and its contents."""

    def __init__(self, tag, raw, content):
        self.tag, self.raw, self.content = tag, raw, content

    @property
    def constructed(self):
        return bool(self.tag & 0x20)

    def children(self):
        if not self.constructed:
            raise DerError(f"tag {self.tag:#x} is not constructed")
        return der_all(self.content)


def der_next(data, pos):
    """The element at `pos` and the position after it."""
    if pos + 2 > len(data):
        raise DerError("truncated")
    tag = data[pos]
    if tag & 0x1F == 0x1F:
        raise DerError("multi-byte tag")
    first = data[pos + 1]
    head = 2
    if first < 0x80:
        length = first
    elif first == 0x80:
        raise DerError("indefinite length")
    else:
        n = first & 0x7F
        if n > 4 or pos + 2 + n > len(data):
            raise DerError("bad length")
        lb = data[pos + 2:pos + 2 + n]
        if lb[0] == 0:
            raise DerError("length not minimal")
        length = int.from_bytes(lb, "big")
        if length < 0x80:
            raise DerError("length not minimal")
        head += n
    end = pos + head + length
    if end > len(data):
        raise DerError("truncated")
    return Tlv(tag, bytes(data[pos:end]), bytes(data[pos + head:end])), end


def der_one(data):
    t, end = der_next(data, 0)
    if end != len(data):
        raise DerError("trailing bytes")
    return t


def der_all(data):
    out, pos = [], 0
    while pos < len(data):
        t, pos = der_next(data, pos)
        out.append(t)
    return out


def der_expect(t, tag):
    if t.tag != tag:
        raise DerError(f"tag {t.tag:#x}, expected {tag:#x}")
    return t


def der_int(t, tag=0x02):
    der_expect(t, tag)
    c = t.content
    if not c or (len(c) > 1 and ((c[0] == 0 and c[1] < 0x80) or (c[0] == 0xFF and c[1] >= 0x80))):
        raise DerError("INTEGER not minimal")
    return int.from_bytes(c, "big", signed=True)


def der_oid(t):
    der_expect(t, 0x06)
    c = t.content
    if not c or c[-1] & 0x80:
        raise DerError("bad OID")
    arcs, v, start = [], 0, True
    for b in c:
        if start and b == 0x80:
            raise DerError("OID not minimal")
        v = (v << 7) | (b & 0x7F)
        start = not (b & 0x80)
        if start:
            arcs.append(v)
            v = 0
    first = min(arcs[0] // 40, 2)
    return ".".join(str(a) for a in [first, arcs[0] - 40 * first] + arcs[1:])


def der_bool(t):
    der_expect(t, 0x01)
    if t.content not in (b"\x00", b"\xff"):
        raise DerError("BOOLEAN not DER")
    return t.content == b"\xff"


def der_in_order(items):
    """A SET OF's members in ascending order of their encodings, no two equal (step 1)."""
    for a, b in zip(items, items[1:]):
        if a.raw >= b.raw:
            raise DerError("SET OF not in DER order" if a.raw > b.raw else "SET OF with two equal elements")


def der_set_of(t, tag=0x31, most=MAX_MEMBERS):
    """The elements of a SET OF, which must be in DER order (step 1: refused, not sorted)."""
    der_expect(t, tag)
    items = t.children()
    if len(items) > most:
        raise DerError(f"SET OF with more than {most} elements")
    der_in_order(items)
    return items


def der_prescan(data):
    """Step 1's pre-scan: `data` is one strict DER element within the caps, every universal SET
    in it in DER order."""
    t = der_one(data)
    _prescan(t, 1)
    return t


def _prescan(t, depth):
    universal, number = t.tag & 0xC0 == 0, t.tag & 0x1F
    if universal and (number == 0 or t.constructed != (number in (0x10, 0x11))):
        raise DerError(f"tag {t.tag:#x} is not DER")
    if not t.constructed:
        c = t.content
        if t.tag == 0x01:
            der_bool(t)
        elif t.tag in (0x02, 0x0A):
            der_int(t, t.tag)
        elif t.tag == 0x03 and not (c == b"\x00" or (len(c) > 1 and c[0] < 8 and c[-1] & ((1 << c[0]) - 1) == 0)):
            raise DerError("BIT STRING not DER")
        elif t.tag == 0x05 and c:
            raise DerError("NULL with content")
        elif t.tag in (0x06, 0x0D):
            der_oid(Tlv(0x06, t.raw, c))
        return
    if depth > MAX_DEPTH:
        raise DerError(f"more than {MAX_DEPTH} levels")
    items = t.children()
    if len(items) > MAX_MEMBERS:
        raise DerError(f"more than {MAX_MEMBERS} members")
    if t.tag == 0x31:
        der_in_order(items)
    for i in items:
        _prescan(i, depth + 1)


def der_set_sorted(items, tag=0x31):
    """The DER of a SET OF holding `items`, sorted by their encodings."""
    body = b"".join(sorted(i.raw for i in items))
    return der_encode(tag, body)


def der_encode(tag, body):
    n = len(body)
    if n < 0x80:
        return bytes([tag, n]) + body
    lb = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(lb)]) + lb + body


def algorithm(t):
    """An AlgorithmIdentifier: (OID, parameters element or None)."""
    parts = der_expect(t, 0x30).children()
    if not 1 <= len(parts) <= 2:
        raise DerError("AlgorithmIdentifier")
    return der_oid(parts[0]), (parts[1] if len(parts) == 2 else None)


def sha2_of(alg):
    """'sha256'/'sha384'/'sha512' for an AlgorithmIdentifier with absent or NULL parameters."""
    oid, params = alg
    if params is not None and (params.tag != 0x05 or params.content):
        return None
    return SHA2.get(oid)


def digest(name, data):
    return hashlib.new(name, data).digest()


GEN_TIME = re.compile(rb"([0-9]{4})([0-9]{2})([0-9]{2})([0-9]{2})([0-9]{2})([0-9]{2})(?:\.([0-9]{1,9}))?Z")


def gen_time(text):
    """A TSTInfo genTime as seconds since the epoch (the fraction dropped), or None."""
    m = GEN_TIME.fullmatch(text)
    if not m or (m.group(7) and m.group(7).endswith(b"0")):
        return None
    try:
        t = datetime.datetime(*(int(g) for g in m.groups()[:6]), tzinfo=datetime.timezone.utc)
    except ValueError:
        return None
    return int(t.timestamp())


def cert_time(t):
    """A certificate's UTCTime (YYMMDDhhmmssZ, 1950-2049) or GeneralizedTime (YYYYMMDDhhmmssZ)."""
    if t.tag == 0x17 and re.fullmatch(rb"[0-9]{12}Z", t.content):
        yy = int(t.content[:2])
        digits = (b"19" if yy >= 50 else b"20") + t.content[:12]
    elif t.tag == 0x18 and re.fullmatch(rb"[0-9]{14}Z", t.content):
        digits = t.content[:14]
    else:
        raise DerError("not a certificate time")
    g = [int(digits[i:j]) for i, j in ((0, 4), (4, 6), (6, 8), (8, 10), (10, 12), (12, 14))]
    try:
        return int(datetime.datetime(*g, tzinfo=datetime.timezone.utc).timestamp())
    except ValueError:
        raise DerError("not a certificate time")


class Cert:
    """The parts of an X.509 certificate the checks use, read from its DER."""

    def __init__(self, raw):
        self.raw = raw
        top = der_one(raw)
        parts = der_expect(top, 0x30).children()
        if len(parts) != 3:
            raise DerError("Certificate")
        self.tbs, sig_alg, sig = parts
        self.outer_alg = der_expect(sig_alg, 0x30).raw
        der_expect(sig, 0x03)
        if not sig.content or sig.content[0] != 0:
            raise DerError("signature BIT STRING")
        self.signature = sig.content[1:]
        f = der_expect(self.tbs, 0x30).children()
        if f and f[0].tag == 0xA0:
            f = f[1:]
        if len(f) < 6:
            raise DerError("TBSCertificate")
        self.serial = der_expect(f[0], 0x02).content
        self.inner_alg = der_expect(f[1], 0x30).raw
        self.issuer = der_expect(f[2], 0x30).raw
        validity = der_expect(f[3], 0x30).children()
        if len(validity) != 2:
            raise DerError("Validity")
        self.not_before, self.not_after = (cert_time(v) for v in validity)
        self.subject = der_expect(f[4], 0x30).raw
        self.subject_name = f[4]
        self.spki = der_expect(f[5], 0x30).raw
        spki = f[5].children()
        self.key_alg = algorithm(spki[0])
        self.extensions = []
        for extra in f[6:]:
            if extra.tag == 0xA3:
                exts = der_expect(der_one(extra.content), 0x30).children()
                for e in exts:
                    ep = der_expect(e, 0x30).children()
                    critical = False
                    if len(ep) == 3:
                        critical = der_bool(ep[1])
                    elif len(ep) != 2:
                        raise DerError("Extension")
                    self.extensions.append((der_oid(ep[0]), critical, der_expect(ep[-1], 0x04).content))

    def extension(self, oid):
        """(value, critical) of extension `oid`, None when absent; DerError when twice."""
        found = [(v, c) for o, c, v in self.extensions if o == oid]
        if len(found) > 1:
            raise DerError(f"the extension {oid} appears twice")
        return found[0] if found else None

    def subject_key_id(self):
        try:
            e = self.extension(OID_SKI)
            return der_expect(der_one(e[0]), 0x04).content if e else None
        except DerError:
            return None

    def valid_at(self, at):
        return self.not_before <= at <= self.not_after

    def readable_subject(self):
        found = {}
        for rdn in self.subject_name.children():
            for atv in der_set_of(rdn):
                oid_t, value = atv.children()
                oid = der_oid(oid_t)
                if oid in ("2.5.4.3", "2.5.4.10") and oid not in found:
                    found[oid] = value.content.decode("utf-8", "replace")
        return ", ".join(found[o] for o in ("2.5.4.3", "2.5.4.10") if o in found)


def verify_with(cert, scheme, hash_name, message, signature):
    """Checks `signature` over `message` with `cert`'s key; the reason, or None when it holds."""
    oid, params = cert.key_alg
    try:
        key = serialization.load_der_public_key(cert.spki)
    except (ValueError, TypeError) as e:
        return f"the key cannot be read: {e}"
    h = CRYPTO_HASH[hash_name]()
    try:
        if scheme == "rsa":
            if oid != OID_RSA or not isinstance(key, rsa.RSAPublicKey):
                return "an RSA signature, but the key is not RSA"
            if key.key_size > 4096 or not 2 <= key.public_numbers().e <= 2**33 - 1:
                return "the RSA key is larger than 4096 bits, or its exponent out of range"
            key.verify(signature, message, padding.PKCS1v15(), h)
        else:
            if oid != OID_EC_KEY or not isinstance(key, ec.EllipticCurvePublicKey):
                return "an ECDSA signature, but the key is not an EC key"
            if key.curve.name not in ("secp256r1", "secp384r1"):
                return "the EC curve is not P-256 or P-384"
            key.verify(signature, message, ec.ECDSA(h))
    except InvalidSignature:
        return "the signature does not verify"
    return None


def read_token(token):
    """Steps 1-5 (timestamp_unreadable): the TSTInfo's fields, the eContent, the one SignerInfo's
    parts and the certificates."""
    if len(token) > MAX_TOKEN:
        raise _unreadable("larger than 64 KiB")
    try:
        info = der_expect(der_prescan(token), 0x30).children()
        if len(info) != 2 or info[1].tag != 0xA0:
            raise DerError("ContentInfo")
        if der_oid(info[0]) != OID_SIGNED_DATA:
            raise _unreadable("its content is not signed data")
        signed = der_expect(der_one(info[1].content), 0x30).children()
        i = 0
        der_int(signed[i]); i += 1
        for a in der_set_of(signed[i]):
            algorithm(a)
        i += 1
        encap = der_expect(signed[i], 0x30).children(); i += 1
        certs, cert_items = [], []
        if i < len(signed) and signed[i].tag == 0xA0:
            # Taken as written, in any order (step 1): never sorted.
            cert_items = signed[i].children(); i += 1
            if len(cert_items) > MAX_CERT_ENTRIES:
                raise DerError(f"more than {MAX_CERT_ENTRIES} certificate entries")
        if i < len(signed) and signed[i].tag == 0xA1:
            i += 1
        signer_infos = der_set_of(signed[i]); i += 1
        if i != len(signed):
            raise DerError("SignedData")
        if not 1 <= len(encap) <= 2:
            raise DerError("EncapsulatedContentInfo")
        if der_oid(encap[0]) != OID_TST_INFO:
            raise _unreadable("it does not sign a TSTInfo")
        if len(encap) != 2:
            raise _unreadable("it carries no TSTInfo")
        econtent = der_expect(der_one(der_expect(encap[1], 0xA0).content), 0x04).content
        tst = read_tst_info(econtent)
        sis = []
        for s in signer_infos:
            sis.append(read_signer_info(s))
        for c in cert_items:
            if c.tag == 0x30:
                if len(certs) == MAX_CERTS:
                    raise _unreadable("more than 16 certificates")
                certs.append(Cert(c.raw))
            elif c.tag == 0xA3:
                # other [3] IMPLICIT OtherCertificateFormat: an OID and one value, ignored.
                parts = c.children()
                if len(parts) != 2 or parts[0].tag != 0x06:
                    raise DerError("an other certificate format that is not an OID and a value")
            else:
                raise DerError("a certificate choice that is not read")
        if len(sis) != 1:
            raise _unreadable("not exactly one signer")
        return tst, econtent, sis[0], certs
    except (DerError, IndexError, ValueError) as e:
        raise _unreadable(str(e) or type(e).__name__)


def read_tst_info(econtent):
    f = der_expect(der_prescan(econtent), 0x30).children()
    if der_int(f[0]) != 1:
        raise DerError("TSTInfo version")
    policy = der_oid(f[1])
    imprint = der_expect(f[2], 0x30).children()
    if len(imprint) != 2:
        raise DerError("MessageImprint")
    imprint_alg = algorithm(imprint[0])
    hashed = der_expect(imprint[1], 0x04).content
    der_int(f[3])
    serial = f[3].content
    time_t = f[4]
    i = 5
    if i < len(f) and f[i].tag == 0x30:  # accuracy
        for a in f[i].children():
            if a.tag not in (0x02, 0x80, 0x81):
                raise DerError("Accuracy")
            der_int(a, a.tag)
        i += 1
    if i < len(f) and f[i].tag == 0x01:
        if not der_bool(f[i]):
            raise DerError("ordering FALSE encoded")
        i += 1
    if i < len(f) and f[i].tag == 0x02:
        der_int(f[i])
        i += 1
    for tag in (0xA0, 0xA1):
        if i < len(f) and f[i].tag == tag:
            i += 1
    if i != len(f):
        raise DerError("TSTInfo has other fields")
    if time_t.tag != 0x18:
        raise DerError("genTime is not a GeneralizedTime")
    at = gen_time(time_t.content)
    if at is None:
        raise DerError("genTime is not YYYYMMDDhhmmss[.f]Z")
    return {"policy": policy, "imprint_alg": imprint_alg, "imprint": hashed, "serial": serial,
            "time": at}


def read_signer_info(s):
    f = der_expect(s, 0x30).children()
    der_int(f[0])
    sid = f[1]
    if sid.tag == 0x30:
        issuer, serial = sid.children()
        der_expect(issuer, 0x30)
        der_int(serial)
        sid = ("ias", issuer.raw, serial.content)
    elif sid.tag == 0x80:
        sid = ("ski", sid.content)
    else:
        raise DerError("SignerIdentifier")
    digest_alg = algorithm(f[2])
    i = 3
    attrs = None
    if f[i].tag == 0xA0:
        attrs = []
        for a in der_set_of(f[i], 0xA0, MAX_ATTRS):
            parts = der_expect(a, 0x30).children()
            if len(parts) != 2:
                raise DerError("Attribute")
            attrs.append((der_oid(parts[0]), der_set_of(parts[1], 0x31, MAX_ATTR_VALUES), a))
        i += 1
    sig_alg = algorithm(f[i])
    signature = der_expect(f[i + 1], 0x04).content
    i += 2
    if i < len(f) and f[i].tag == 0xA1:
        for a in der_set_of(f[i], 0xA1, MAX_ATTRS):
            parts = der_expect(a, 0x30).children()
            if len(parts) == 2 and parts[0].tag == 0x06 and parts[1].tag == 0x31:
                der_set_of(parts[1], 0x31, MAX_ATTR_VALUES)
        i += 1
    if i != len(f):
        raise DerError("SignerInfo")
    return {"sid": sid, "digest_alg": digest_alg, "attrs": attrs, "sig_alg": sig_alg,
            "signature": signature}


def first_ess_cert_id(value, v2):
    """(hash name, certificate hash) of the first ESSCertID(v2) of a signing-certificate value."""
    try:
        certs = der_expect(value, 0x30).children()[0]
        first = der_expect(certs, 0x30).children()[0]
        parts = der_expect(first, 0x30).children()
        name = "sha1"
        if v2:
            name = "sha256"
            if parts[0].tag == 0x30:
                name = sha2_of(algorithm(parts[0]))
                parts = parts[1:]
                if name is None:
                    raise TokenProblem("timestamp_signature", "ESS v2 hash not SHA-2")
        return name, der_expect(parts[0], 0x04).content
    except (DerError, IndexError) as e:
        raise TokenProblem("timestamp_signature", f"its ESS attribute cannot be read: {e}")


def check_token(token, stamped, anchors):
    """Checks a token over `stamped` as timestamps.md says; (attested dict) or TokenProblem.
    `anchors` are Cert objects."""
    tst, econtent, si, certs = read_token(token)

    # 6. The imprint.
    name = sha2_of(tst["imprint_alg"])
    if name is None:
        raise TokenProblem("timestamp_imprint", "not SHA-256/384/512")
    if digest(name, stamped) != tst["imprint"]:
        raise TokenProblem("timestamp_imprint", "over other bytes")

    # 7. The signing certificate.
    sid = si["sid"]
    if sid[0] == "ias":
        found = [c for c in certs if c.issuer == sid[1] and c.serial == sid[2]]
    else:
        found = [c for c in certs if c.subject_key_id() == sid[1]]
    if len(found) != 1:
        raise TokenProblem("timestamp_certificate", f"{len(found)} certificates match the signer")
    signing = found[0]

    # 8-12. The signed attributes.
    bad = lambda reason: TokenProblem("timestamp_signature", reason)
    h = sha2_of(si["digest_alg"])
    if h is None:
        raise bad("digest algorithm not SHA-256/384/512")
    if si["attrs"] is None:
        raise bad("no signed attributes")

    def attribute(oid):
        found = [values for o, values, _ in si["attrs"] if o == oid]
        if not found:
            return None
        if len(found) > 1 or len(found[0]) != 1:
            raise bad(f"the attribute {oid} is not one attribute with one value")
        return found[0][0]

    ct = attribute(OID_CONTENT_TYPE)
    if ct is None:
        raise bad("no content-type attribute")
    try:
        ct_oid = der_oid(ct)
    except DerError:
        raise bad("content-type is not an OID")
    if ct_oid != OID_TST_INFO:
        raise bad("content-type is not TSTInfo")
    md = attribute(OID_MESSAGE_DIGEST)
    if md is None:
        raise bad("no message-digest attribute")
    if md.tag != 0x04:
        raise bad("message-digest is not an OCTET STRING")
    if md.content != digest(h, econtent):
        raise bad("message-digest is not the hash of the TSTInfo")
    v1, v2 = attribute(OID_ESS_V1), attribute(OID_ESS_V2)
    if v1 is None and v2 is None:
        raise bad("no ESS signing-certificate attribute")
    for value, is_v2 in ((v1, False), (v2, True)):
        if value is not None:
            ess_hash, cert_hash = first_ess_cert_id(value, is_v2)
            if cert_hash != digest(ess_hash, signing.raw):
                raise TokenProblem("timestamp_certificate", "the ESS attribute names another certificate")

    # 13-14. The signature over the signed attributes as a SET OF.
    oid, params = si["sig_alg"]
    if oid not in SIG_ALGS:
        raise bad(f"signature algorithm {oid} is not accepted")
    scheme, named = SIG_ALGS[oid]
    if named is not None and named != h:
        raise bad("the signature algorithm names another hash than the digest algorithm")
    if scheme == "rsa" and params is not None and params.tag != 0x05:
        raise bad("RSA signature algorithm with parameters")
    signed_attrs = der_set_sorted([raw for _, _, raw in si["attrs"]])
    why = verify_with(signing, scheme, h, signed_attrs, si["signature"])
    if why:
        raise bad(why)

    # 15-16. The signing certificate.
    at = tst["time"]
    try:
        eku = signing.extension(OID_EKU)
        purposes = [der_oid(p) for p in der_expect(der_one(eku[0]), 0x30).children()] if eku else None
    except DerError as e:
        raise TokenProblem("timestamp_certificate", str(e))
    if eku is None or purposes != [OID_TIME_STAMPING] or not eku[1]:
        raise TokenProblem("timestamp_certificate", "not for time stamping alone, critically")
    if not signing.valid_at(at):
        raise TokenProblem("timestamp_certificate", "not valid at genTime")

    # 17-22. The chain.
    trusted = walk(signing, certs, anchors, at)
    return {
        "time": datetime.datetime.fromtimestamp(at, datetime.timezone.utc).isoformat(),
        "tsa": signing.readable_subject(),
        "tsa_certificate_sha256_hex": hashlib.sha256(signing.raw).hexdigest(),
        "serial_hex": (tst["serial"][1:] if len(tst["serial"]) > 1 and tst["serial"][0] == 0
                       else tst["serial"]).hex(),
        "policy": tst["policy"],
        "trusted": trusted,
    }


def walk(signing, carried, anchors, at):
    chain = lambda reason: TokenProblem("timestamp_chain", reason)
    candidates = list(anchors) + list(carried)
    anchor_raws = {a.raw for a in anchors}
    cur, depth = signing, 0
    while True:
        depth += 1
        if cur.raw in anchor_raws:
            return True
        if cur.issuer == cur.subject:
            return False
        named = [c for c in candidates if c.subject == cur.issuer and c.raw != cur.raw]
        if not named:
            return False
        if depth == MAX_CHAIN:
            raise chain("longer than 6 certificates")
        issuer, failure = None, None
        for c in named:
            why = issued_by(cur, c)
            if why is None:
                issuer = c
                break
            failure = failure or why
        if issuer is None:
            raise chain(f"not signed by the CA of that name: {failure}")
        if not issuer.valid_at(at):
            raise chain("the issuer is not valid at genTime")
        try:
            bc = issuer.extension(OID_BASIC_CONSTRAINTS)
            parts = der_expect(der_one(bc[0]), 0x30).children() if bc else None
            is_ca = bool(parts) and parts[0].tag == 0x01 and der_bool(parts[0])
        except DerError as e:
            raise chain(str(e))
        if not is_ca:
            raise chain("the issuer is not a CA")
        cur = issuer


def issued_by(cert, issuer):
    if cert.inner_alg != cert.outer_alg:
        return "its two signature algorithm fields differ"
    try:
        oid, _ = algorithm(der_one(cert.outer_alg))
    except DerError as e:
        return str(e)
    scheme, h = SIG_ALGS.get(oid, (None, None))
    if h is None:
        return f"signed with {oid}, which is not accepted"
    return verify_with(issuer, scheme, h, cert.tbs.raw, cert.signature)


def pem_certificate(data):
    """The DER of the one CERTIFICATE block of a PEM text."""
    m = re.search(rb"-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----", data, re.S)
    return base64.b64decode(b"".join(m.group(1).split()), validate=True)


def token_bytes(text):
    """A token's DER from its standard base64 (padded, canonical), or None."""
    if not isinstance(text, str) or not re.fullmatch(r"[A-Za-z0-9+/]*={0,2}", text) or len(text) % 4:
        return None
    try:
        raw = base64.b64decode(text, validate=True)
    except ValueError:
        return None
    return raw if base64.b64encode(raw).decode("ascii") == text else None


def timestamp_problems(record):
    """The codes of the record's timestamps that do not hold (no anchors: validity only)."""
    codes = []
    for t in record.get("timestamps", []):
        token = token_bytes(t["token"])
        if token is None:
            codes.append("timestamp_unreadable")
            continue
        signature = b64(record["signature"], 64)
        if signature is None:
            continue  # the malformed signature is reported as such
        try:
            check_token(token, signature, [])
        except TokenProblem as e:
            codes.append(e.code)
    return codes


# ---------------------------------------------------------------------------------------
# Verification (format.md, "Verification").

TIME_RE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})[+-]([0-9]{2}):([0-9]{2})",
                     re.ASCII)


def is_time(s):
    m = TIME_RE.fullmatch(s)
    if not m:
        return False
    y, mo, d, h, mi, se, oh, om = (int(g) for g in m.groups())
    if y < 1 or h > 23 or mi > 59 or se > 59 or oh > 23 or om > 59:
        return False
    if s.endswith("-00:00"):  # "offset unknown": not a time here (format.md, Conventions)
        return False
    try:
        datetime.date(y, mo, d)
    except ValueError:
        return False
    return True


def instant(s):
    """A time (is_time) as seconds from 0001-01-01T00:00:00 UTC, offsets applied: comparable
    across offsets, and defined at the edges (year 0001 ahead of UTC, 9999 behind it)."""
    y, mo, d, h, mi, se, oh, om = (int(g) for g in TIME_RE.fullmatch(s).groups())
    off = (oh * 3600 + om * 60) * (-1 if s[19] == "-" else 1)
    return (datetime.date(y, mo, d).toordinal() - 1) * 86400 + h * 3600 + mi * 60 + se - off


def record_hash(record):
    """Of `signature` and `statement` only: timestamps are left out (format.md, "The record")."""
    return tagged_hash(RECORD_TAG, {"signature": record["signature"], "statement": record["statement"]})


def message(statement):
    return SIGNATURE_TAG.encode("ascii") + b"\n" + jcs(statement)


def verify(a, t):
    """(status, sorted codes, unsigned_audit)."""
    sigs = a["signatures"]
    problems = []
    records = [record_hash(r) for r in sigs]
    by_blank = {v["blank"]: v for v in a["values"]}

    def party_detail(party, key, values):
        d = t.parties[party].get(key)
        if d is None:
            return None
        if d[0] == "fixed":
            return d[1]
        return values.get(d[1])

    for i, r in enumerate(sigs):
        st = r["statement"]
        role = st["signer"]["role"]
        signed_before = {sigs[j]["statement"]["signer"]["role"] for j in range(i)}

        key = b64(st["public_key"], 32)
        signature = b64(r["signature"], 64)
        if key is None or not point_is_valid(key):
            problems.append("bad_public_key")
        if signature is None:
            problems.append("bad_signature_encoding")
        if key is not None and point_is_valid(key) and signature is not None:
            if not verify_strict(key, signature, message(st)):
                problems.append("signature_mismatch")
        problems.extend(timestamp_problems(r))
        if st["template_sha256"] != a["template"]["sha256"]:
            problems.append("template_swapped")
        if not is_time(st["time"]):
            problems.append("bad_signature_time")
        elif i > 0 and is_time(sigs[i - 1]["statement"]["time"]) and \
                instant(st["time"]) < instant(sigs[i - 1]["statement"]["time"]):
            problems.append("signed_before_previous")
        if role in signed_before:
            problems.append("signed_twice")
        if len(st["previous_signatures"]) != i:
            problems.append("signature_count")
        elif st["previous_signatures"] != records[:i]:
            problems.append("signatures_replaced")

        st_values = {}
        renderable = True
        for v in st["values"]:
            b = t.blank.get(v["blank"])
            if b is None:
                problems.append("unknown_blank")
                renderable = False
                continue
            if not is_normal(b["kind"], v["value"]):
                problems.append("invalid_signed_value")
                renderable = False
            st_values[v["blank"]] = v  # a blank named twice: its last value
        plain = {k: v["value"] for k, v in st_values.items()}
        # Only values that are values of the template's blanks have a rendering.
        if renderable and sha256_text(render(t, plain)) != st["text_sha256"]:
            problems.append("text_mismatch")
        if (st["signer"]["name"] != party_detail(role, "signatory_name", plain)
                or st["signer"]["function"] != party_detail(role, "signatory_function", plain)
                or st["signer"]["organisation"] != party_detail(role, "name", plain)):
            problems.append("wrong_signer")
        last = -1
        for v in st["values"]:
            b = t.blank.get(v["blank"])
            if b is None:
                continue
            if b["index"] == last:
                problems.append("signed_value_twice")
            elif b["index"] < last:
                problems.append("signed_values_out_of_order")
            last = b["index"]

        open_names = set()
        last = -1
        out_of_order = False
        for o in st["open"]:
            b = t.blank.get(o["blank"])
            if b is None:
                problems.append("open_unknown_blank")
                continue
            open_names.add(o["blank"])
            if o["blank"] in st_values:
                problems.append("open_filled")
            elif o["party"] != b["party"]:
                problems.append("open_wrong_party")
            elif o["party"] == role:
                problems.append("open_for_signer")
            elif o["party"] in signed_before:
                problems.append("open_for_signed_party")
            if b["index"] <= last:
                out_of_order = True
            last = b["index"]
        if out_of_order:
            problems.append("open_out_of_order")

        for b in t.blanks:
            if b["id"] in st_values:
                continue
            if b["party"] == role:
                if b["required"]:
                    problems.append("own_blank_empty")
            elif b["party"] not in signed_before and b["id"] not in open_names:
                problems.append("not_left_open")

        for v in st["values"]:
            f = by_blank.get(v["blank"])
            if f is None:
                problems.append("value_emptied")
            elif f["value"] != v["value"]:
                problems.append("value_changed")
            elif f["filled_by"] != v["filled_by"]:
                problems.append("filler_changed")

        if i > 0:
            prev = sigs[i - 1]["statement"]
            prev_values = {v["blank"]: v for v in prev["values"]}
            for b, v in prev_values.items():
                if b not in st_values:
                    problems.append("dropped_value")
                elif st_values[b]["value"] != v["value"] or st_values[b]["filled_by"] != v["filled_by"]:
                    problems.append("changed_signed_value")
            prev_open = {(o["blank"], o["party"]) for o in prev["open"]}
            # Every value it covers, a value of a blank the template lacks too (which
            # st_values leaves out): no signature leaves such a blank open.
            for v in st["values"]:
                b = v["blank"]
                if b in prev_values:
                    continue
                if (b, role) not in prev_open or v["filled_by"] != role:
                    problems.append("filled_not_open")

    roles_signed = {r["statement"]["signer"]["role"] for r in sigs}
    unsigned_values = []
    if sigs:
        last_st = sigs[-1]["statement"]
        covered = {v["blank"] for v in last_st["values"]}
        left_open = {(o["blank"], o["party"]) for o in last_st["open"]}
        for v in a["values"]:
            if v["blank"] in covered:
                continue
            unsigned_values.append(v["blank"])
            if (v["blank"], v["filled_by"]) not in left_open or v["filled_by"] in roles_signed:
                problems.append("filled_after_signing")

    audit = a["audit"]
    if not audit:
        problems.append("audit_missing")
    for n, e in enumerate(audit):
        if e["seq"] != n:
            problems.append("audit_out_of_sequence")
        body = {k: v for k, v in e.items() if k != "hash"}
        if tagged_hash(AUDIT_TAG, body) != e["hash"]:
            problems.append("audit_altered")
        if n == 0:
            if "prev" in e:
                problems.append("audit_unchained")
        elif e.get("prev") != audit[n - 1]["hash"]:
            problems.append("audit_unchained")
        if not is_time(e["time"]):
            problems.append("bad_audit_time")
        blanks = e.get("blanks", [])
        has_sig = "signature_sha256" in e
        ev = e["event"]
        if (ev == "signed" and (not has_sig or blanks)) or \
                (ev in ("filled", "cleared") and (has_sig or not blanks)) or \
                (ev == "created" and has_sig):
            problems.append("audit_members")
        seen = set()
        for b in blanks:
            if b not in t.blank or b in seen:
                problems.append("audit_unknown_blank")
            seen.add(b)
    signed_entries = [n for n, e in enumerate(audit) if e["event"] == "signed"]
    if audit and len(signed_entries) != len(sigs):  # an empty trail is only audit_missing
        problems.append("audit_signature_count")
    for k, (n, r) in enumerate(zip(signed_entries, sigs)):
        if audit[n].get("signature_sha256") != records[k]:
            problems.append("audit_signature_mismatch")
        if n == 0 or audit[n - 1]["hash"] != r["statement"]["audit_head"]:
            problems.append("audit_head_mismatch")

    if not problems:
        if not sigs:
            status = "unsigned"
        elif set(PARTIES) <= roles_signed:
            required_empty = any(b["required"] and b["id"] not in by_blank for b in t.blanks)
            if required_empty or unsigned_values:
                problems.append("required_blanks_empty")
                status = "invalid"
            else:
                status = "complete"
        else:
            status = "awaiting_countersignature"
    else:
        status = "invalid"

    unsigned_audit = []
    if sigs and signed_entries:
        unsigned_audit = [e["seq"] for e in audit[signed_entries[-1] + 1:]]
    return status, sorted(set(problems)), unsigned_audit


def verify_file(path):
    with open(path, "rb") as f:
        data = f.read()
    try:
        a, t = read_agreement(data)
    except Damaged as e:
        return "invalid", ["damaged_agreement_file"], [], str(e)
    status, codes, unsigned_audit = verify(a, t)
    return status, codes, unsigned_audit, None


# ---------------------------------------------------------------------------------------
# eID bindings (format.md, "The eID binding"). The certificates, the path and the OCSP answer
# are read with `cryptography`'s X.509 and OCSP readers; the rules are the document's.

from cryptography import x509
from cryptography.x509 import ocsp as x509_ocsp
from cryptography.x509.oid import NameOID, ExtensionOID

BINDING_TAG = "tweevoud-eid-binding/1"
MAX_BINDING = 48 * 1024
MAX_EID_CERTIFICATE = 8 * 1024
MAX_EID_CHAIN = 8
MAX_EID_PATH = 8
MAX_OCSP = 16 * 1024
MAX_EID_SIGNATURE = 1024


class EidProblem(Exception):
    """A binding that does not confirm its signer, with its code."""

    def __init__(self, code, reason):
        super().__init__(reason)
        self.code = code


def _b64_len(n):
    return (n + 2) // 3 * 4


def binding_shape(b, w):
    """The reader's checks of a binding (damaged_agreement_file): its shape and its caps."""
    _obj(b, ("statement", "signature", "eid_signature", "certificate", "chain"), ("ocsp",), w)
    st = _obj(b["statement"], ("public_key", "companion", "certificate_sha256", "time"), (), w + ".statement")
    for k in st:
        _str(st[k], f"{w}.statement.{k}")
    for k in ("signature", "eid_signature", "certificate") + (("ocsp",) if "ocsp" in b else ()):
        _str(b[k], f"{w}.{k}")
    chain = _list(b["chain"], w + ".chain")
    for m, c in enumerate(chain):
        _str(c, f"{w}.chain[{m}]")
    if len(chain) > MAX_EID_CHAIN:
        raise Damaged(f"{w} carries more than {MAX_EID_CHAIN} CA certificates")
    caps = [(b["certificate"], _b64_len(MAX_EID_CERTIFICATE)), (b["eid_signature"], _b64_len(MAX_EID_SIGNATURE)),
            (st["public_key"], 64), (st["companion"], 128), (st["certificate_sha256"], 64), (st["time"], 64),
            (b["signature"], 128)] + [(c, _b64_len(MAX_EID_CERTIFICATE)) for c in chain]
    if "ocsp" in b:
        caps.append((b["ocsp"], _b64_len(MAX_OCSP)))
    if any(len(v) > cap for v, cap in caps):
        raise Damaged(f"{w}: a member is larger than its limit")
    if len(jcs(b)) > MAX_BINDING:
        raise Damaged(f"{w} is larger than {MAX_BINDING} bytes")


def _b64_member(what, value, most, exact=None):
    unreadable = EidProblem("eid_binding_unreadable", f"its {what} cannot be read")
    if len(value) > _b64_len(most):
        raise unreadable
    raw = token_bytes(value)
    if raw is None or not raw or len(raw) > most or (exact is not None and len(raw) != exact):
        raise unreadable
    return raw


def binding_message(statement):
    return BINDING_TAG.encode("ascii") + b"\n" + jcs(statement)


def _load_certificate(der):
    if len(der) > MAX_EID_CERTIFICATE:
        raise EidProblem("eid_certificate_unreadable", "a certificate is too large")
    try:
        c = x509.load_der_x509_certificate(der)
        c.extensions  # read them all now: one that cannot be read makes it unreadable
        return c
    except (ValueError, TypeError) as e:
        raise EidProblem("eid_certificate_unreadable", f"a certificate cannot be read: {e}")


def _extension(cert, cls):
    try:
        return cert.extensions.get_extension_for_class(cls).value
    except x509.ExtensionNotFound:
        return None


def _name_attribute(cert, oid):
    values = cert.subject.get_attributes_for_oid(oid)
    return values[0].value if values else None


def _national_number(text):
    if text is None or not re.fullmatch(r"[0-9]{11}", text):
        return None
    base, check = int(text[:9]), int(text[9:])
    return text if 97 - base % 97 == check or 97 - (2000000000 + base) % 97 == check else None


def eid_holder(cert):
    """The holder a Signature certificate names (its shown name), or EidProblem."""
    ku = _extension(cert, x509.KeyUsage)
    if ku is None or not ku.content_commitment:
        raise EidProblem("eid_not_signature_certificate", "its key usage is not non-repudiation")
    bc = _extension(cert, x509.BasicConstraints)
    if bc is not None and bc.ca:
        raise EidProblem("eid_not_signature_certificate", "it is a CA certificate")
    if _national_number(_name_attribute(cert, NameOID.SERIAL_NUMBER)) is None:
        raise EidProblem("eid_not_signature_certificate", "it names no national register number")
    given = (_name_attribute(cert, NameOID.GIVEN_NAME) or "").strip()
    surname = (_name_attribute(cert, NameOID.SURNAME) or "").strip()
    if given and surname:
        return f"{given} {surname}"
    cn = (_name_attribute(cert, NameOID.COMMON_NAME) or "").strip()
    cn = cn[: -len(" (Signature)")] if cn.endswith(" (Signature)") else cn
    return cn.strip() or f"{given} {surname}".strip()


def _valid_at(cert, at):
    return cert.not_valid_before_utc.timestamp() <= at <= cert.not_valid_after_utc.timestamp()


def _issuer_may_issue(issuer, below):
    bc = _extension(issuer, x509.BasicConstraints)
    if bc is None or not bc.ca:
        return "it is not a CA"
    if bc.path_length is not None and below > bc.path_length:
        return "its path length constraint is exceeded"
    ku = _extension(issuer, x509.KeyUsage)
    if ku is not None and not ku.key_cert_sign:
        return "its key usage does not allow signing certificates"
    return None


def eid_path(leaf, offered, anchors, at):
    """The path from `leaf` through `offered` to one of `anchors` (DER each), valid at `at`."""
    if len(offered) > MAX_EID_CHAIN:
        raise EidProblem("eid_certificate_unreadable", "too many certificates offered")
    offered = [(d, _load_certificate(d)) for d in offered]
    anchors = [(d, _load_certificate(d)) for d in anchors]
    if not _valid_at(leaf[1], at):
        raise EidProblem("eid_certificate_expired", "not valid at the signing time")
    candidates = anchors + offered
    anchor_ders = {d for d, _ in anchors}
    path = [leaf]
    der, cert = leaf
    while True:
        if der in anchor_ders:
            return path
        if cert.issuer == cert.subject:
            raise EidProblem("eid_untrusted", "a self-issued certificate that is not an anchor")
        named = [(d, c) for d, c in candidates if c.subject == cert.issuer and d != der]
        if not named:
            raise EidProblem("eid_untrusted", "no issuer found")
        if len(path) == MAX_EID_PATH:
            raise EidProblem("eid_chain", "the path is too long")
        issuer = None
        for d, c in named:
            try:
                cert.verify_directly_issued_by(c)
            except (ValueError, TypeError, InvalidSignature):
                continue
            issuer = (d, c)
            break
        if issuer is None:
            raise EidProblem("eid_chain", "not signed by the CA of that name")
        if not _valid_at(issuer[1], at) or _issuer_may_issue(issuer[1], len(path) - 1):
            raise EidProblem("eid_chain", "the issuer may not issue it at that time")
        path.append(issuer)
        der, cert = issuer


def check_binding(b, public_key_b64, at, anchors):
    """(holder, revocation) of a binding that confirms the signer of key `public_key_b64`
    at `at` (seconds since 1970), trusting `anchors` (DER); EidProblem otherwise."""
    st = b["statement"]
    pk = _b64_member("public key", st["public_key"], 32, 32)
    companion = _b64_member("companion key", st["companion"], 65, 65)
    unreadable = lambda why: EidProblem("eid_binding_unreadable", why)
    if companion[0] != 0x04:
        raise unreadable("the companion is not an uncompressed point")
    if not re.fullmatch(r"[0-9a-f]{64}", st["certificate_sha256"]):
        raise unreadable("certificate_sha256 is not 64 lower-case hex digits")
    if not is_time(st["time"]):
        raise unreadable("its time is not a time")
    signature = _b64_member("Ed25519 signature", b["signature"], 64, 64)
    eid_signature = _b64_member("eID signature", b["eid_signature"], MAX_EID_SIGNATURE)
    certificate = _b64_member("certificate", b["certificate"], MAX_EID_CERTIFICATE)
    chain = [_b64_member("CA certificate", c, MAX_EID_CERTIFICATE) for c in b["chain"]]
    answer = _b64_member("OCSP answer", b["ocsp"], MAX_OCSP) if "ocsp" in b else None
    if base64.b64encode(pk).decode("ascii") != public_key_b64:
        raise EidProblem("eid_binding_key", "it binds another key")
    msg = binding_message(st)
    if not verify_strict(pk, signature, msg):
        raise EidProblem("eid_binding_key", "its Ed25519 signature does not hold")
    if hashlib.sha256(certificate).hexdigest() != st["certificate_sha256"]:
        raise EidProblem("eid_binding_signature", "the certificate is not the one it names")
    leaf = _load_certificate(certificate)
    key = leaf.public_key()
    try:
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(eid_signature, msg, padding.PKCS1v15(), hashes.SHA256())
        elif isinstance(key, ec.EllipticCurvePublicKey) and key.curve.name == "secp384r1":
            key.verify(eid_signature, msg, ec.ECDSA(hashes.SHA384()))
        else:
            raise EidProblem("eid_binding_signature", "neither RSA nor P-384")
    except InvalidSignature:
        raise EidProblem("eid_binding_signature", "the eID's signature does not hold")
    holder = eid_holder(leaf)
    path = eid_path((certificate, leaf), chain, anchors, at)
    revocation = "not_checked"
    if answer is not None:
        issuer = path[1][1] if len(path) > 1 else leaf
        bound = datetime.datetime.fromisoformat(st["time"]).timestamp()
        revocation = check_ocsp(answer, leaf, issuer, bound, at)
    return holder, revocation


def eid_judged(a, anchors):
    """Per signature: (holder, revocation) when its binding confirms it, the EidProblem when
    it does not, None without one."""
    out = []
    for r in a["signatures"]:
        b = r.get("eid_binding")
        st = r["statement"]
        if b is None or b64(st["public_key"], 32) is None or not is_time(st["time"]):
            out.append(None)
            continue
        at = datetime.datetime.fromisoformat(st["time"]).timestamp()
        try:
            out.append(check_binding(b, st["public_key"], at, anchors))
        except EidProblem as e:
            out.append(e)
    return out


def same_person(x, y):
    norm = lambda s: " ".join(unicodedata.normalize("NFC", s).lower().split())
    return norm(x) == norm(y)


def judge_eid_file(path, anchors):
    """(status, codes, confirmed, notes) of an eID vector judged with `anchors`."""
    with open(path, "rb") as f:
        data = f.read()
    try:
        a, t = read_agreement(data)
    except Damaged:
        return "invalid", ["damaged_agreement_file"], [], []
    status, codes, _ = verify(a, t)
    confirmed, notes = [], []
    for r, j in zip(a["signatures"], eid_judged(a, anchors)):
        if isinstance(j, EidProblem):
            codes.append(j.code)
            status = "invalid"
        elif j is not None:
            holder, revocation = j
            confirmed.append({"role": r["statement"]["signer"]["role"], "holder": holder, "revocation": revocation})
            if not same_person(r["statement"]["signer"]["name"], holder):
                notes.append("eid_name_differs")
            if revocation == "not_checked":
                notes.append("eid_revocation_not_checked")
    return status, sorted(set(codes)), confirmed, notes


OCSP_TOLERANCE = 10 * 60
OCSP_MAX_AGE = 24 * 3600


def _key_hash(cert):
    """SHA-1 of the certificate's subjectPublicKey bits (RFC 5280's method 1, RFC 6960's key hash)."""
    return x509.SubjectKeyIdentifier.from_public_key(cert.public_key()).digest


def check_ocsp(answer, leaf, issuer, bound, at):
    """What a kept OCSP answer says of `leaf`: it must hold and have been current at `bound`
    (when the binding was made); then "good", "revoked_later", or EidProblem (revoked at or
    before `at`, unknown, or an answer that does not hold)."""
    try:
        r = x509_ocsp.load_der_ocsp_response(answer)
    except ValueError as e:
        raise EidProblem("eid_ocsp_unreadable", f"the OCSP answer cannot be read: {e}")
    if r.response_status != x509_ocsp.OCSPResponseStatus.SUCCESSFUL:
        raise EidProblem("eid_ocsp_refused", "the responder refused to answer")
    try:
        named_by_name, named_key = r.responder_name, r.responder_key_hash
        carried = list(r.certificates)
        produced = r.produced_at_utc.timestamp()
        signature, tbs, sig_hash = r.signature, r.tbs_response_bytes, r.signature_hash_algorithm
        responses = list(r.responses)
    except ValueError as e:
        raise EidProblem("eid_ocsp_unreadable", f"the OCSP answer cannot be read: {e}")
    names = lambda c: (named_by_name is not None and named_by_name == c.subject) or (
        named_key is not None and named_key == _key_hash(c))
    if names(issuer):
        responder = issuer
    else:
        found = [c for c in carried if names(c)]
        if not found:
            raise EidProblem("eid_ocsp_responder", "the responder is neither the CA nor one it carries")
        responder = found[0]
        refuse = EidProblem("eid_ocsp_responder", "the delegated responder may not answer")
        if responder.issuer != issuer.subject or not _valid_at(responder, produced):
            raise refuse
        try:
            responder.verify_directly_issued_by(issuer)
        except (ValueError, TypeError, InvalidSignature):
            raise refuse
        eku = _extension(responder, x509.ExtendedKeyUsage)
        if eku is None or x509.oid.ExtendedKeyUsageOID.OCSP_SIGNING not in eku:
            raise refuse
    key = responder.public_key()
    try:
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, tbs, padding.PKCS1v15(), sig_hash)
        else:
            key.verify(signature, tbs, ec.ECDSA(sig_hash))
    except InvalidSignature:
        raise EidProblem("eid_ocsp_signature", "the OCSP answer's signature does not hold")
    for single in responses:
        h = hashes.Hash(single.hash_algorithm)
        h.update(issuer.subject.public_bytes())
        if (single.serial_number != leaf.serial_number or single.issuer_name_hash != h.finalize()
                or single.issuer_key_hash != _key_hash(issuer)):
            continue
        this_update = single.this_update_utc.timestamp()
        next_update = single.next_update_utc.timestamp() if single.next_update_utc else None
        if this_update > bound + OCSP_TOLERANCE:
            raise EidProblem("eid_ocsp_not_current", "it says what was known after the binding")
        if next_update is not None and bound > next_update + OCSP_TOLERANCE:
            raise EidProblem("eid_ocsp_not_current", "it was current only until before the binding")
        if next_update is None and bound > this_update + OCSP_MAX_AGE:
            raise EidProblem("eid_ocsp_not_current", "no nextUpdate, and more than a day old")
        status = single.certificate_status
        if status == x509_ocsp.OCSPCertStatus.REVOKED:
            if single.revocation_time_utc.timestamp() <= at:
                raise EidProblem("eid_certificate_revoked", "revoked before it signed")
            return "revoked_later"
        if status == x509_ocsp.OCSPCertStatus.UNKNOWN:
            raise EidProblem("eid_ocsp_unknown", "the responder does not know the certificate")
        return "good"
    raise EidProblem("eid_ocsp_other_certificate", "the OCSP answer is about another certificate")


# ---------------------------------------------------------------------------------------
# The vectors.

def check_manifest_extras(vdir, manifest, report):
    """Keys, message bytes, signatures and hashes that vectors.json lists."""
    for k in manifest["keys"]:
        sk = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(k["seed_hex"]))
        pk = sk.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        report(f"key {k['role']}", base64.b64encode(pk).decode() == k["public_key_base64"]
               and hashlib.sha256(pk).hexdigest() == k["fingerprint_sha256_hex"], "public key / fingerprint")
    with open(os.path.join(vdir, "dpa-complete.tweevoud"), "rb") as f:
        a, t = read_agreement(f.read())
    report("template sha256", a["template"]["sha256"] == manifest["template_sha256_hex"], "")
    plain = {v["blank"]: v["value"] for v in a["values"]}
    report("complete text sha256", sha256_text(render(t, plain)) == manifest["complete_text_sha256_hex"], "")
    keys = {k["role"]: k for k in manifest["keys"]}
    for i, s in enumerate(manifest["signatures"]):
        record = a["signatures"][i]
        msg = message(record["statement"])
        with open(os.path.join(vdir, s["message_file"]), "rb") as f:
            same_bytes = f.read() == msg
        report(f"message {s['message_file']}", same_bytes, "message bytes differ")
        report(f"message sha256 {i}", hashlib.sha256(msg).hexdigest() == s["message_sha256_hex"], "")
        report(f"record sha256 {i}", record_hash(record) == s["record_sha256_hex"], "")
        report(f"signature {i}", record["signature"] == s["signature_base64"], "signature differs")
        # Deterministic Ed25519: the test key signs the message to exactly these bytes.
        sk = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(keys[s["signer"]]["seed_hex"]))
        report(f"signature {i} re-made", base64.b64encode(sk.sign(msg)).decode() == s["signature_base64"], "")
        pk = sk.public_key()
        pk.verify(base64.b64decode(s["signature_base64"]), msg)
        tampered = bytearray(msg)
        tampered[-2] ^= 1
        try:
            pk.verify(base64.b64decode(s["signature_base64"]), bytes(tampered))
            report(f"signature {i} tampered", False, "a tampered message verified")
        except InvalidSignature:
            report(f"signature {i} tampered", True, "")
        report(f"signature {i} strict",
               verify_strict(base64.b64decode(keys[s["signer"]]["public_key_base64"]),
                             base64.b64decode(s["signature_base64"]), msg), "")
    # Timestamps: each token of the timestamped vector holds over its signature, attests what
    # vectors.json says, is trusted with the TSA's CA as anchor and not without it.
    with open(os.path.join(vdir, "dpa-complete-timestamped.tweevoud"), "rb") as f:
        stamped, _ = read_agreement(f.read())
    report("timestamped format", stamped["format"] == "tweevoud-agreement/2", "")
    for i, ts in enumerate(manifest["timestamps"]):
        record = stamped["signatures"][i]
        with open(os.path.join(vdir, ts["token_file"]), "rb") as f:
            token = f.read()
        with open(os.path.join(vdir, ts["anchor_file"]), "rb") as f:
            anchor = Cert(pem_certificate(f.read()))
        report(f"timestamp {i} token file", [t["token"] for t in record["timestamps"]]
               == [base64.b64encode(token).decode()], "the record does not carry the token file")
        sig = b64(record["signature"], 64)
        try:
            trusted = check_token(token, sig, [anchor])
            alone = check_token(token, sig, [])
        except TokenProblem as e:
            report(f"timestamp {i} holds", False, str(e))
            continue
        want = {k: ts[k] for k in ("time", "tsa", "tsa_certificate_sha256_hex", "serial_hex", "policy")}
        got = {k: trusted[k] for k in want}
        report(f"timestamp {i} attests", got == want, f"{got} != {want}")
        report(f"timestamp {i} trusted with {ts['anchor_file']}", trusted["trusted"], "")
        report(f"timestamp {i} not trusted without", not alone["trusted"], "")
        other = b64(stamped["signatures"][1 - i]["signature"], 64)
        try:
            check_token(token, other, [anchor])
            report(f"timestamp {i} over other bytes", False, "it held over the other signature")
        except TokenProblem as e:
            report(f"timestamp {i} over other bytes", e.code == "timestamp_imprint", str(e))

    # Strictness: a small-order key and R must fail (weak key: the neutral element).
    neutral = (1).to_bytes(32, "little")
    report("small-order key refused", not verify_strict(neutral, neutral + bytes(32), b"anything"), "")


def check_eid_vectors(vdir, manifest, report):
    """The eID vectors, judged with the tests' root as the anchor, and without it."""
    eid = manifest["eid"]
    with open(os.path.join(vdir, eid["anchor_file"]), "rb") as f:
        root = pem_certificate(f.read())
    for v in eid["valid"]:
        path = os.path.join(vdir, v["file"])
        status, codes, confirmed, notes = judge_eid_file(path, [root])
        ok = status == v["status"] and not codes and confirmed == v["confirmed"] and notes == v["notes"]
        report(v["file"] + " confirmed by eID", ok, f"got {status} {codes} {confirmed} {notes}")
        status, codes, confirmed, _ = judge_eid_file(path, [])
        report(v["file"] + " not confirmed without the test root",
               status == "invalid" and codes == ["eid_untrusted"] and not confirmed, f"got {status} {codes}")
    for v in eid["fail"]:
        status, codes, confirmed, _ = judge_eid_file(os.path.join(vdir, v["file"]), [root])
        report(v["file"] + " " + ",".join(codes), status == "invalid" and codes == v["must_fail_with"],
               f"expected {v['must_fail_with']}, got {status} {codes}")


def run_vectors(vdir):
    with open(os.path.join(vdir, "vectors.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    counts = {"passed": 0, "failed": 0}

    def report(name, ok, detail):
        counts["passed" if ok else "failed"] += 1
        print(f"{'ok  ' if ok else 'FAIL'} {name}{'' if ok else ': ' + detail}")

    check_manifest_extras(vdir, manifest, report)
    for v in manifest["valid"]:
        status, codes, ua, why = verify_file(os.path.join(vdir, v["file"]))
        ok = status == v["status"] and ua == v["unsigned_audit"] and not codes
        report(v["file"], ok, f"expected {v['status']} unsigned_audit {v['unsigned_audit']}, "
                              f"got {status} {codes} unsigned_audit {ua} {why or ''}")
    for v in manifest["fail"]:
        status, codes, ua, why = verify_file(os.path.join(vdir, v["file"]))
        ok = status == "invalid" and codes == v["must_fail_with"]
        report(v["file"] + " " + ",".join(codes), ok,
               f"expected {v['must_fail_with']}, got {status} {codes} {why or ''}")
    check_eid_vectors(vdir, manifest, report)
    listed = {v["file"] for v in manifest["valid"] + manifest["fail"] + manifest["eid"]["valid"]
              + manifest["eid"]["fail"]}
    unlisted = sorted(f for f in os.listdir(vdir) if f.endswith(".tweevoud") and f not in listed)
    report("every .tweevoud file is in vectors.json", not unlisted, ", ".join(unlisted))
    print(f"{counts['passed']} passed, {counts['failed']} failed")
    return 1 if counts["failed"] else 0


def main(argv):
    vdir = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "vectors")
    if len(argv) >= 2 and argv[0] == "--vectors":
        vdir = argv[1]
        argv = argv[2:]
    if not argv:
        return run_vectors(vdir)
    worst = 0
    for path in argv:
        status, codes, ua, why = verify_file(path)
        print(f"{path}: {status} {','.join(codes)} unsigned_audit={ua}{' (' + why + ')' if why else ''}")
        if status not in ("complete", "awaiting_countersignature"):
            worst = 1
    return worst


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
