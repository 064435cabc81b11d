// The browser edition's WebAssembly driven through Desk.call in Node, as the page drives it:
// two parties in two desks sign and countersign; the PDFs and the agreement file they end
// with are written to OUT_DIR, so that the native CLI can render the same agreement file and
// the bytes be compared (`make web-check` does both).
//
//   node web/scripts/wasm-flow.cjs <wasm-bindgen --target nodejs dir> <OUT_DIR>
"use strict";
const fs = require("fs");
const path = require("path");
const [pkg, out] = process.argv.slice(2);
const { Desk } = require(path.resolve(pkg, "tweevoud_web.js"));

function call(desk, command, args = {}) {
  return JSON.parse(desk.call(command, JSON.stringify(args)));
}

function refusal(desk, command, args = {}) {
  try {
    desk.call(command, JSON.stringify(args));
  } catch (e) {
    return JSON.parse(e.message);
  }
  throw new Error(`${command} was not refused`);
}

function check(ok, what) {
  if (!ok) throw new Error(`failed: ${what}`);
}

const DPA = "xis-verwerkersovereenkomst";
const PASS = "correct horse battery staple";
fs.mkdirSync(out, { recursive: true });

const provider = new Desk("");
const key = call(provider, "create_key", {
  name: "Tom Hendrix", organisation: "Xtreme Internet Solutions BV", function: "CEO",
  passphrase: PASS, confirmation: PASS,
}).fingerprint.hex;
call(provider, "new_agreement", { template: DPA });
check(refusal(provider, "sign_agreement", { key, passphrase: "wrong one!" }).kind === "wrong_passphrase", "wrong passphrase");
call(provider, "sign_agreement", { key, passphrase: PASS });
const [toSign] = call(provider, "exemplar_files");
const pub = call(provider, "public_key_file", { fingerprint: key });
const saved = provider.saved();
check(saved.includes("ENCRYPTED PRIVATE KEY") && !saved.includes("BEGIN PRIVATE KEY"), "saved is encrypted");
check(new Desk(saved).saved() === saved, "saved round trip");

const customer = new Desk("");
const ckey = call(customer, "create_key", {
  name: "Anne-Marie D'Hondt", organisation: "Brouwerij De Zwarte Kat BV", function: "Zaakvoerder",
  passphrase: PASS, confirmation: PASS,
}).fingerprint.hex;
call(customer, "open_bytes", { name: toSign.file_name, bytes: toSign.bytes });
call(customer, "import_contact_text", { text: pub.text, name: "Tom Hendrix", organisation: "XIS" });
call(customer, "verify_contact", { fingerprint: key });
call(customer, "acknowledge_signatures");
for (const [blank, value] of [
  ["customer_name", "Brouwerij De Zwarte Kat BV"],
  ["customer_address", "Kerkstraat 12\n3600 Genk"],
  ["customer_enterprise_number", "BE 0403.170.701"],
  ["customer_signatory_name", "Anne-Marie D'Hondt"],
  ["customer_signatory_function", "Zaakvoerder"],
]) call(customer, "fill_blank", { blank, value });
call(customer, "sign_agreement", { key: ckey, passphrase: PASS });
const pdfs = call(customer, "exemplar_files");
check(pdfs.length === 2, "two exemplars");
for (const p of pdfs) {
  const verdict = call(customer, "verify_bytes", { name: p.file_name, bytes: p.bytes });
  check(verdict.verdict.code === "authentic", `${p.file_name} authentic`);
  fs.writeFileSync(path.join(out, p.file_name), Buffer.from(p.bytes, "base64"));
}
const file = call(customer, "agreement_file");
fs.writeFileSync(path.join(out, file.file_name), file.text);
const secret = call(customer, "secret_key_file", { fingerprint: ckey });
fs.writeFileSync(path.join(out, secret.file_name), secret.text);
console.log(JSON.stringify({ agreement: file.file_name, exemplars: pdfs.map((p) => p.file_name), secret: secret.file_name }));
