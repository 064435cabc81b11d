#!/usr/bin/env bash
# `make bench`: Tweevoud next to the tools people use today, measured in one run on this
# machine. Installs the anchors (scripts/setup.sh --bench), builds release binaries, measures,
# and prints a Markdown table, also written to target/bench.md. About 10-15 minutes on two
# cores, most of it the archive of 10,000 agreements and the release build of the app.
#
#   scripts/bench.sh
#
# Environment: TWEEVOUD_BENCH_N (agreements in the archive, default 10000),
# TWEEVOUD_BENCH_APP_RUNS (launches of each app, default 10), DISPLAY (else Xvfb is started).
set -euo pipefail

cd "$(dirname "$0")/.."
root=$PWD
export PATH="$HOME/.cargo/bin:$PATH"
CARGO=${CARGO:-cargo}
say() { printf 'bench: %s\n' "$*" >&2; }

# A TSA (scripts/tsa.py) keeping its CA in DIR, its URL in tsa_url; stopped when the bench ends.
tsa_pid=
tsa_url=
start_tsa() { # dir
  mkdir -p "$1"
  python3 scripts/tsa.py --port 0 --key rsa --dir "$1" >"$1/out" 2>"$1/err" &
  tsa_pid=$!
  for _ in $(seq 100); do
    tsa_url=$(sed -n 's/^listening //p' "$1/out" 2>/dev/null | head -1)
    [ -z "$tsa_url" ] || return 0
    sleep 0.1
  done
  say "scripts/tsa.py did not start: $(cat "$1/err")"
  exit 1
}
trap '[ -z "$tsa_pid" ] || kill "$tsa_pid" 2>/dev/null || true' EXIT

bash scripts/setup.sh --bench
pyenv="$root/target/pyenv/bin"

out=$root/target/bench
work=$out/work
rm -rf "$out"
mkdir -p "$work"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

say "building release binaries"
$CARGO build --release -q -p tweevoud --bin tweevoud
$CARGO build --release -q -p tweevoud-app -p bare-tauri
$CARGO bench -q -p tweevoud --no-run --bench ops --bench archive --bench team 2>/dev/null
tv=$root/target/release/tweevoud

# A throwaway profile: nothing is read from or written to the user's own.
export TWEEVOUD_DATA_DIR=$work/profile
export TWEEVOUD_NOW=2026-11-23T16:00:00+01:00

say "making the files to measure"
cp tests/vectors/dpa-complete.tweevoud "$work/complete.tweevoud"
cp tests/vectors/dpa-awaiting.tweevoud "$work/awaiting.tweevoud"
"$tv" render "$work/complete.tweevoud" >"$work/dpa.txt"

# The signers are verified contacts of this profile, as they are to whoever verifies in
# earnest: `verify` then says authentic and exits 0 (3 would be a signer not confirmed).
n=0
for k in $("$tv" verify --json "$work/complete.tweevoud" | "$pyenv/python" -c \
    'import json, sys; print("\n".join(s["public_key"] for s in json.load(sys.stdin)["signatures"]))' || true); do
  n=$((n + 1))
  printf '%s\n' "$k" >"$work/signer-$n.pub"
  "$tv" contact add "$work/signer-$n.pub" --name "Signer $n" --org "Bench" --verified >/dev/null
done
[ "$n" -eq 2 ] || { say "the agreement's two signers were not found"; exit 1; }

# The customer's key, encrypted as `tweevoud key new` stores it, and the agreement it signs.
printf 'correct horse battery staple\n' >"$work/passphrase"
"$tv" key new --name "Anne-Marie D'Hondt" --org "Brouwerij De Zwarte Kat BV" \
  --function Zaakvoerder --passphrase-file "$work/passphrase" >/dev/null
key=$("$tv" key list --json | "$pyenv/python" -c 'import json,sys; print(json.load(sys.stdin)[0]["fingerprint"])')
"$tv" fill "$work/awaiting.tweevoud" -o "$work/to-sign.tweevoud" --as customer \
  --set "customer_name=Brouwerij De Zwarte Kat BV" \
  --set "customer_address=Kerkstraat 12
3600 Genk" \
  --set "customer_enterprise_number=BE 0403.170.701" \
  --set "customer_signatory_name=Anne-Marie D'Hondt" \
  --set "customer_signatory_function=Zaakvoerder" >/dev/null

# Every PDF Tweevoud exports is sealed by a party that signed the agreement (docs/pdf.md, "The
# seal"), so the exemplars measured are those of the agreement this profile's key countersigns
# (the same signature the `sign` row makes again and again, into the same file).
"$tv" sign "$work/to-sign.tweevoud" --key "$key" --as customer -o "$work/signed.tweevoud" \
  --passphrase-file "$work/passphrase" >/dev/null

# The seals carry a signature timestamp (PAdES B-T) from a TSA the profile names and trusts: a
# real one, scripts/tsa.py (openssl ts) on 127.0.0.1. The profile keeps each seal's token, so
# exporting again (the export row) asks the TSA nothing.
start_tsa "$work/tsa"
"$tv" tsa add "$tsa_url" --cert "$work/tsa/ca.pem" >/dev/null
"$tv" export "$work/signed.tweevoud" -o "$work/export" --force \
  --passphrase-file "$work/passphrase" >/dev/null
pdf=$(ls "$work"/export/*-1-van-2.pdf)
cp "$pdf" "$work/exemplar.pdf"
pdf=$work/exemplar.pdf
"$tv" verify "$pdf" >/dev/null || { say "the sealed exemplar does not verify as authentic"; exit 1; }
"$tv" verify --json "$pdf" | "$pyenv/python" -c \
  'import json, sys; s = json.load(sys.stdin)["seals"]; sys.exit(not (s and (s[0].get("timestamp") or {}).get("trusted")))' \
  || { say "the exemplar's seal carries no trusted timestamp"; exit 1; }

# The seal's certificate, as a validator reads it from the PDF (pyHanko), for pyHanko to trust.
"$pyenv/python" - "$pdf" "$work/seal.der" <<'PY'
import sys
from pyhanko.pdf_utils.reader import PdfFileReader
with open(sys.argv[1], "rb") as f:
    seals = PdfFileReader(f).embedded_signatures
    if len(seals) != 1:
        sys.exit(f"bench: the exemplar carries {len(seals)} seals, not 1")
    open(sys.argv[2], "wb").write(seals[0].signer_cert.dump())
PY
openssl x509 -inform der -in "$work/seal.der" -out "$work/seal.pem"
"$pyenv/pyhanko" sign validate --trust-replace --trust "$work/seal.pem" --trust "$work/tsa/ca.pem" "$pdf" \
  | grep -q ':INTACT:TRUSTED' || { say "pyHanko does not validate the seal"; exit 1; }

# pyHanko's anchor: the same exemplar signed with an Ed25519 key whose self-signed
# certificate the validation trusts. The exemplar carries its seal already, so pyHanko's
# signature is a second one, and both certificates are trusted (validating the second
# signature costs pyHanko a few ms of the ~500 it takes to start).
openssl genpkey -algorithm ed25519 -out "$work/ed25519.key" 2>/dev/null
openssl req -new -x509 -key "$work/ed25519.key" -out "$work/ed25519.crt" -days 3650 \
  -subj "/CN=Tom Hendrix/O=Xtreme Internet Solutions BV" \
  -addext "keyUsage=critical,digitalSignature,nonRepudiation" 2>/dev/null
"$pyenv/pyhanko" sign addsig --field Signature1 pemder --no-pass \
  --key "$work/ed25519.key" --cert "$work/ed25519.crt" "$pdf" "$work/pyhanko-signed.pdf" >/dev/null
"$pyenv/pyhanko" sign validate --trust-replace --trust "$work/ed25519.crt" --trust "$work/seal.pem" \
  --trust "$work/tsa/ca.pem" "$work/pyhanko-signed.pdf" | grep -q 'Signature1:.*:INTACT:TRUSTED' || { say "pyHanko does not validate its own signature"; exit 1; }

# minisign's: a key pair without a password (no KDF), the PDF and the agreement file signed.
minisign -G -W -f -p "$work/minisign.pub" -s "$work/minisign.key" >/dev/null
minisign -S -s "$work/minisign.key" -m "$pdf" >/dev/null
minisign -S -s "$work/minisign.key" -m "$work/complete.tweevoud" >/dev/null
cp "$work/complete.tweevoud" "$work/minisign-me"

hf() { # name runs warmup command...
  local name=$1 runs=$2 warmup=$3
  shift 3
  hyperfine -N --style basic --runs "$runs" --warmup "$warmup" \
    --export-json "$out/$name.json" "$@" >&2
}

say "verify a PDF"
hf verify-pdf 50 5 "$tv verify $pdf"
hf pyhanko-validate 10 2 "$pyenv/pyhanko sign validate --trust-replace --trust $work/ed25519.crt --trust $work/seal.pem --trust $work/tsa/ca.pem $work/pyhanko-signed.pdf"
# The same sealed exemplar `tweevoud verify` reads (verify-pdf), validated by pyHanko, which
# trusts the seal's own certificate: Tweevoud's seal checked by someone else's code.
hf pyhanko-validate-seal 10 2 "$pyenv/pyhanko sign validate --trust-replace --trust $work/seal.pem --trust $work/tsa/ca.pem $pdf"
hf minisign-verify-pdf 50 5 "minisign -q -Vm $pdf -p $work/minisign.pub"

say "export both exemplars"
hf export 30 3 "$tv export $work/signed.tweevoud -o $work/export --force --passphrase-file $work/passphrase"
hf soffice-convert 10 2 "soffice -env:UserInstallation=file://$work/lo-profile --headless --convert-to pdf --outdir $work/lo $work/dpa.txt"

say "sign and verify an agreement file"
# Without asking the TSA: the row measures signing, not the TSA's round trip.
hf sign 10 1 "$tv sign $work/to-sign.tweevoud --key $key --as customer -o $work/signed.tweevoud --passphrase-file $work/passphrase --no-timestamp"
hf minisign-sign 30 3 "minisign -S -s $work/minisign.key -m $work/minisign-me"
hf verify-file 50 5 "$tv verify $work/complete.tweevoud"
hf minisign-verify-file 50 5 "minisign -q -Vm $work/complete.tweevoud -p $work/minisign.pub"
$CARGO bench -q -p tweevoud --bench ops >"$out/ops.json"

say "the archive with ${TWEEVOUD_BENCH_N:-10000} agreements"
TWEEVOUD_BENCH_DIR=$work/archive $CARGO bench -q -p tweevoud --bench archive >"$out/archive.json"
rm -rf "$work/archive"

say "the team archive with ${TWEEVOUD_BENCH_N:-10000} agreements (PostgreSQL, moto's S3 server)"
$CARGO bench -q -p tweevoud --bench team >"$out/team.json"

say "the app"
"$pyenv/python" scripts/bench.py app --app "$root/target/release/tweevoud-app" \
  --bare "$root/target/release/bare-tauri" --runs "${TWEEVOUD_BENCH_APP_RUNS:-10}" \
  --out "$out/app.json"

say "the browser edition"
bash scripts/web.sh >/dev/null
"$pyenv/python" scripts/bench.py web --web "$root/target/web" --pdf "$pdf" \
  --agreement "$work/signed.tweevoud" --secret "$(ls "$TWEEVOUD_DATA_DIR"/keys/*/secret.pem | head -1)" \
  --passphrase "$work/passphrase" --out "$out/web.json"
"$pyenv/python" scripts/bench.py web-start --web "$root/target/web" --out "$out/web-start.json"

"$pyenv/python" - "$out/meta.json" "$pdf" "$work/complete.tweevoud" "$load_before" <<'EOF'
import json, os, platform, subprocess, sys, datetime
out, pdf, file, load_before = sys.argv[1:]
def version(*cmd):
    try:
        r = subprocess.run(cmd, capture_output=True, text=True)
        return (r.stdout or r.stderr).strip().splitlines()[0]
    except OSError:
        return "?"
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
json.dump({
    "date": datetime.datetime.now().strftime("%Y-%m-%d %H:%M"),
    "machine": f"{os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}",
    "load_before": load_before,
    "load_after": " ".join(open("/proc/loadavg").read().split()[:3]),
    "hyperfine": version("hyperfine", "--version"),
    "tools": ", ".join([version(os.path.dirname(sys.executable) + "/pyhanko", "--version"),
                        version("soffice", "--version"), version("minisign", "-v")]),
    "pdf_bytes": os.path.getsize(pdf),
    "file_bytes": os.path.getsize(file),
}, open(out, "w"))
EOF

"$pyenv/python" scripts/bench.py table --dir "$out" --md "$root/target/bench.md"
