// Verify any file: a clear verdict first, then the details the core found.

import { firstProblemText, reasonDetail } from "./i18n.js";
import { call } from "./ipc.js";
import { fact, otherSignatureList, sealList, signatureCards } from "./signatures.js";
import { busy, clearError, el, formatTime, onLanguage, partyName, showError, store, t } from "./store.js";

const ui = {
  pick: document.getElementById("verify-pick"),
  verdict: document.getElementById("verdict"),
  title: document.getElementById("verdict-title"),
  text: document.getElementById("verdict-text"),
  reason: document.getElementById("verdict-reason"),
  facts: document.getElementById("verdict-facts"),
  signatures: document.getElementById("verdict-signatures"),
  seals: document.getElementById("verdict-seals"),
  sealList: document.getElementById("verdict-seal-list"),
  others: document.getElementById("verdict-others"),
  otherList: document.getElementById("verdict-other-list"),
  open: document.getElementById("verdict-open"),
};

/** The FileVerdict shown, or null. */
let current = null;

/** `openOnDesk` puts the file last verified on the desk, to fill in and sign. */
export function initVerify(openOnDesk) {
  ui.pick.addEventListener("click", pick);
  ui.open.addEventListener("click", openOnDesk);
  onLanguage(() => current && render());
}

async function pick() {
  try {
    const verdict = await busy(ui.pick, () => call("verify_file", { title: t("dialog_verify") }));
    if (verdict) showVerdict(verdict);
  } catch (err) {
    showError(err);
  }
}

/** Verifies the file just dropped on the window. */
export async function verifyDropped() {
  try {
    showVerdict(await call("verify_dropped"));
  } catch (err) {
    showError(err);
  }
}

function showVerdict(verdict) {
  clearError();
  current = verdict;
  render();
  ui.verdict.scrollIntoView({ block: "nearest" });
}

/** What the archive knows of the file, in words; its tone (ok, warn, bad or plain) is the desk's. */
function archiveText(lookup, tone) {
  if (!lookup || !tone) return null;
  const a = lookup.agreement || {};
  const params = { number: lookup.number, of: lookup.of, date: lookup.archived ? formatTime(lookup.archived) : "", customer: a.customer || a.title || "" };
  const words = {
    exemplar: "archive_match_exemplar",
    agreement_file: lookup.current ? "archive_match_current" : "archive_match_earlier",
    same_content: "archive_match_same",
    other_version: "archive_match_other",
    differs_from_exemplars: "archive_match_differs",
    unavailable: "archive_match_unavailable",
  };
  return { tone, text: t(words[lookup.status] || "archive_match_unknown", params) };
}

function render() {
  const v = current;
  const code = v.verdict.code;
  ui.verdict.hidden = false;
  ui.verdict.dataset.verdict = code;
  ui.verdict.dataset.severity = v.verdict.severity;
  ui.title.textContent = t(`verdict_${code}`);
  const awaiting = v.awaiting ? partyName(v.awaiting, true) : "";
  ui.text.textContent = t(`verdict_${code}_text`, { party: awaiting, names: (v.unconfirmed || []).join(", ") });
  const labels = v.labels || {};
  const first = v.first_problem;
  ui.reason.hidden = !first;
  ui.reason.dataset.code = first ? first.reason.code : "";
  const reason = [];
  if (first) {
    reason.push(t("labelled", { label: t("reason"), text: firstProblemText(store.lang, first, labels) }));
    const detail = reasonDetail(first);
    if (detail) reason.push(el("small", { class: "reason-detail", text: t("labelled", { label: t("reason_detail"), text: detail }) }));
  }
  ui.reason.replaceChildren(...reason);
  const facts = [fact(t("file"), v.file, "verdict-file")];
  if (v.exemplar && v.exemplar.label) facts.push(fact(t("exemplar_label"), v.exemplar.label, "verdict-exemplar"));
  if (v.title) facts.push(fact(t("agreement"), v.title));
  if (v.text_sha256_grouped) facts.push(fact(t("text_fingerprint"), el("span", { class: "fingerprint", text: v.text_sha256_grouped })));
  const archived = archiveText(v.archive, v.archive_tone);
  if (archived) facts.push(fact(t("archive"), el("span", { class: `archive-match ${archived.tone}`, text: archived.text }), "verdict-archive"));
  ui.facts.replaceChildren(...facts);
  ui.signatures.replaceChildren(...signatureCards(v.signatures || [], {}, null, labels));
  // An exemplar PDF: who sealed it, and when a TSA says it was sealed.
  const seals = v.seals || [];
  ui.seals.hidden = seals.length === 0;
  ui.sealList.replaceChildren(...sealList(seals));
  // Signatures other programs appended after the seals: listed, the verdict unchanged.
  const others = v.other_signatures || [];
  ui.others.hidden = others.length === 0;
  ui.otherList.replaceChildren(...otherSignatureList(others));
  ui.open.hidden = !v.openable;
}
