// A signature as a card: who signed, for which party, when, with which key, whether it holds,
// and how far this profile trusts the key.

import { has, reasonText } from "./i18n.js";
import { el, fingerprintNode, formatDate, formatTime, partyName, store, t } from "./store.js";

/** The trust in a signer's key, in words. */
export function trustText(trust) {
  const params = { name: trust.name || "", date: trust.verified ? formatDate(trust.verified) : "" };
  return t(`trust_${trust.status}`, params);
}

/**
 * One card per signature. `designations` maps a party to how the template names it;
 * `remember(index, button)`, if given, is offered for a key the profile does not know;
 * `labels` (blank id -> labels) names the blanks in what does not hold.
 */
export function signatureCards(signatures, designations = {}, remember = null, labels = {}) {
  return signatures.map((sig) => signatureCard(sig, designations[sig.role], remember, labels));
}

function signatureCard(sig, designation, remember, labels) {
  const name = partyName(sig.role, true);
  const party = designation && designation.toLowerCase() !== name.toLowerCase() ? `${name} (${designation})` : designation || name;
  const card = el("article", {
    class: `signature-card ${sig.valid ? "valid" : "invalid"}`,
    dataset: { testid: "signature-card", role: sig.role, valid: String(sig.valid), trust: sig.trust.status },
  });
  const head = el(
    "header",
    { class: "signature-head" },
    el("span", { class: `seal ${sig.valid ? "ok" : "bad"}`, "aria-hidden": "true" }),
    el("span", { class: "signature-verdict", text: t(sig.valid ? "sig_valid" : "sig_invalid") }),
    el("span", { class: "signature-party", text: t("sig_as", { party }) }),
  );
  const who = el(
    "p",
    { class: "signature-who" },
    el("strong", { text: sig.name }),
    ` — ${sig.function}, ${sig.organisation}`,
  );
  const facts = el(
    "dl",
    { class: "facts signature-facts" },
    fact(t("sig_time"), formatTime(sig.time)),
    fact(t("sig_key"), fingerprintNode(sig.fingerprint_grouped)),
  );
  // The signing time is the signer's word; a trusted timestamp attests it.
  const stamps = sig.timestamps || [];
  const stamped = stamps.length
    ? el("div", { class: "timestamps" }, ...stamps.map((ts) => timestampNode(ts)))
    : el("span", { class: "timestamp-none", dataset: { testid: "signature-timestamp", state: "none" }, text: t("ts_none") });
  const stampFact = fact(t("ts_label"), stamped, "signature-timestamps");
  stampFact.classList.add("fact-wide");
  facts.append(stampFact);
  const method = el("p", { class: "signature-method", text: t("sig_method") });
  const trust = el("p", {
    class: `trust trust-${sig.trust.status}`,
    dataset: { testid: "signature-trust" },
    text: trustText(sig.trust),
  });
  card.append(head, who, facts, method, trust);
  // Confirmed by the Belgian eID: what to weigh (revocation not checked, another name stated).
  const eid = sig.trust.eid;
  if (eid && eid.notes && eid.notes.length) {
    const notes = eid.notes.map((n) => {
      const key = `note_${n.code}`;
      return el("li", { dataset: { testid: "eid-note", code: n.code }, text: has(key) ? t(key, n.params || {}) : n.message });
    });
    card.append(el("ul", { class: "eid-notes" }, ...notes));
  }
  if (remember && sig.trust.status === "unknown") {
    const button = el("button", { type: "button", class: "button small", dataset: { testid: "remember-signer" }, text: t("remember_signer") });
    button.addEventListener("click", () => remember(sig.index, button));
    card.append(el("div", { class: "signature-actions" }, button));
  }
  if (sig.problems.length) {
    const items = sig.problems.map((p) =>
      el("li", { dataset: { testid: "signature-problem", code: p.code }, text: reasonText(store.lang, p, labels) }),
    );
    card.append(el("ul", { class: "problems" }, ...items));
  }
  return card;
}

/** A `<div><dt/><dd/></div>` pair; `value` is text or a node. */
export function fact(label, value, testid) {
  const dd = el("dd", { dataset: testid ? { testid } : undefined });
  dd.append(value);
  return el("div", {}, el("dt", { text: label }), dd);
}

/**
 * A trusted timestamp `{time, tsa, trusted, notes}`: the time it attests and its TSA, whether
 * this profile trusts that TSA, and what is odd about the signing time next to it.
 */
export function timestampNode(ts, testid = "signature-timestamp") {
  const node = el(
    "div",
    { class: `timestamp ${ts.trusted ? "trusted" : "untrusted"}`, dataset: { testid, trusted: String(ts.trusted), state: "stamped" } },
    el("span", { class: "timestamp-time", text: t("ts_time_by", { time: formatTime(ts.time), tsa: ts.tsa }) }),
    el("small", { class: "timestamp-trust", text: t(ts.trusted ? "ts_trusted" : "ts_untrusted") }),
  );
  if (ts.notes && ts.notes.length) {
    const notes = ts.notes.map((n) => {
      const params = { ...(n.params || {}) };
      for (const name of ["stated", "attested"]) if (params[name]) params[name] = formatTime(params[name]);
      const key = `note_${n.code}`;
      return el("li", { dataset: { testid: "timestamp-note", code: n.code }, text: has(key) ? t(key, params) : n.message });
    });
    node.append(el("ul", { class: "timestamp-notes" }, ...notes));
  }
  return node;
}

/**
 * The seals of an exemplar PDF `{number, role, name, fingerprint_grouped, timestamp, eid}`: a
 * companion seal (made with the signer's key), or a qualified seal (made with the signer's
 * Belgian eID: `eid` says whose, and whether revocation was checked), worded apart.
 */
export function sealList(seals) {
  return seals.map((seal) => {
    const party = seal.role ? partyName(seal.role, true) : "";
    const eid = seal.eid || null;
    const by = eid
      ? t("seal_eid_by", { number: seal.number, name: eid.holder, party })
      : t("seal_by", { number: seal.number, name: seal.name, party });
    const item = el(
      "li",
      { class: `seal-item ${eid ? "qualified" : "companion"}`, dataset: { testid: "seal", number: String(seal.number), role: seal.role || "", kind: eid ? "eid" : "companion" } },
      el("span", { class: "seal ok", "aria-hidden": "true" }),
      el(
        "div",
        { class: "seal-body" },
        el("p", { class: "seal-by", dataset: { testid: "seal-by" }, text: by }),
        ...(eid && !eid.revocation_checked ? [el("small", { class: "seal-note", dataset: { testid: "seal-revocation" }, text: t("seal_eid_revocation_not_checked") })] : []),
        fingerprintNode(seal.fingerprint_grouped),
        seal.timestamp
          ? timestampNode(seal.timestamp, "seal-timestamp")
          : el("small", { class: "timestamp-none", dataset: { testid: "seal-timestamp", state: "none" }, text: t("seal_no_timestamp") }),
      ),
    );
    return item;
  });
}

/**
 * The signatures other programs appended to an exemplar PDF `{field, name, time, valid,
 * problem, trusted}`: who, whether it holds, whether its certificate comes from the Belgian
 * state's authorities. They do not change the verdict.
 */
export function otherSignatureList(others) {
  return others.map((o) => {
    const who = o.name || o.field || t("other_signature_unnamed");
    const state = [t(o.valid ? "sig_valid" : "sig_invalid"), t(o.trusted ? "other_signature_trusted" : "other_signature_untrusted")];
    const item = el(
      "li",
      { class: `other-signature ${o.valid ? "valid" : "invalid"}`, dataset: { testid: "other-signature", valid: String(o.valid), trusted: String(o.trusted) } },
      el("span", { class: `seal ${o.valid ? "ok" : "bad"}`, "aria-hidden": "true" }),
      el("strong", { text: ` ${who}` }),
      el("span", { text: ` — ${state.join(" · ")}` }),
    );
    if (o.time) item.append(el("small", { class: "key-meta", text: ` ${t("other_signature_time", { time: o.time })}` }));
    if (o.problem) item.append(el("p", { class: "problems", dataset: { testid: "other-signature-problem", code: o.problem.code }, text: reasonText(store.lang, o.problem) }));
    return item;
  });
}
