// The agreement on the desk: the paper page with its blanks, what is still missing per party,
// the signatures on it, and signing and saving. Every value is checked by the core as it is
// typed and stored by the core when the blank is left.

import { loadEid, openEidSeal, usableCard } from "./eid.js";
import { call } from "./ipc.js";
import { errorText, firstProblemText, has, problemText } from "./i18n.js";
import { labelBlanks, renderDocument } from "./document.js";
import { fact, signatureCards } from "./signatures.js";
import {
  busy,
  clearError,
  confirmDiscard,
  el,
  notify,
  onLanguage,
  partyName,
  showError,
  store,
  t,
} from "./store.js";

const PARTIES = ["provider", "customer"];

const ui = {
  title: document.getElementById("template-title"),
  file: document.getElementById("doc-file"),
  saved: document.getElementById("doc-saved"),
  status: document.getElementById("doc-status"),
  review: document.getElementById("review"),
  reviewTitle: document.getElementById("review-title"),
  reviewLead: document.getElementById("review-lead"),
  reviewSignatures: document.getElementById("review-signatures"),
  reviewContinue: document.getElementById("review-continue"),
  page: document.getElementById("document"),
  signatureBlock: document.getElementById("signature-block"),
  signatureCards: document.getElementById("signature-cards"),
  acting: document.getElementById("acting"),
  missing: document.getElementById("missing"),
  signButton: document.getElementById("sign-button"),
  saveButton: document.getElementById("save-button"),
  exportButton: document.getElementById("export-button"),
  exportEidButton: document.getElementById("export-eid-button"),
  exportLabel: document.getElementById("export-label"),
  archiveButton: document.getElementById("archive-button"),
  timestampButton: document.getElementById("timestamp-button"),
  timestampWebNote: document.getElementById("timestamp-web-note"),
  navDesk: document.getElementById("nav-desk"),
  navDeskTitle: document.getElementById("nav-desk-title"),
  archivedNote: document.getElementById("archived-note"),
  signNote: document.getElementById("sign-note"),
  textFingerprint: document.getElementById("text-fingerprint"),
  templateFingerprint: document.getElementById("template-fingerprint"),
  textLanguage: document.getElementById("template-language"),
  dialog: document.getElementById("sign-dialog"),
  form: document.getElementById("sign-form"),
  dialogTitle: document.getElementById("sign-title"),
  summary: document.getElementById("sign-summary"),
  keyField: document.getElementById("sign-key-field"),
  key: document.getElementById("sign-key"),
  passphrase: document.getElementById("sign-passphrase"),
  signError: document.getElementById("sign-error"),
  signSubmit: document.getElementById("sign-submit"),
  signCancel: document.getElementById("sign-cancel"),
};

/** The dialog that asks for one of the user's keys and its passphrase (archiving, sealing). */
const keyDialog = {
  dialog: document.getElementById("key-dialog"),
  form: document.getElementById("key-dialog-form"),
  title: document.getElementById("key-dialog-title"),
  lead: document.getElementById("key-dialog-lead"),
  key: document.getElementById("key-dialog-key"),
  passphrase: document.getElementById("key-dialog-passphrase"),
  error: document.getElementById("key-dialog-error"),
  submit: document.getElementById("key-dialog-submit"),
  submitLabel: document.getElementById("key-dialog-submit-label"),
  cancel: document.getElementById("key-dialog-cancel"),
};
/** What the key dialog does with the key and passphrase: `{run, done, busyKey}`. */
let keyTask = null;

/** The AgreementView from the core, or null. */
let current = null;
/** Blank id -> the problem the core found with what is typed there (not stored). */
const problems = new Map();
/** The sign preview shown in the dialog. */
let preview = null;
/** Called to show the agreement screen. */
let show = () => {};

export function initAgreement(showView) {
  show = showView;
  ui.reviewContinue.addEventListener("click", acknowledge);
  ui.signButton.addEventListener("click", openSignDialog);
  ui.saveButton.addEventListener("click", save);
  ui.exportButton.addEventListener("click", exportPdfs);
  ui.exportEidButton.addEventListener("click", exportEidPdfs);
  ui.archiveButton.addEventListener("click", archiveNow);
  ui.timestampButton.addEventListener("click", addTimestamps);
  keyDialog.form.addEventListener("submit", (e) => {
    e.preventDefault();
    submitKeyDialog();
  });
  keyDialog.cancel.addEventListener("click", () => keyDialog.dialog.close());
  keyDialog.dialog.addEventListener("close", () => {
    keyDialog.passphrase.value = "";
    keyTask = null;
  });
  ui.form.addEventListener("submit", (e) => {
    e.preventDefault();
    sign();
  });
  ui.signCancel.addEventListener("click", () => ui.dialog.close());
  ui.dialog.addEventListener("close", () => {
    ui.passphrase.value = "";
    preview = null;
  });
  onLanguage(() => {
    if (!current) return;
    labelBlanks(ui.page, fields(), store.lang);
    for (const slot of ui.page.querySelectorAll(".blank-slot")) showProblem(slot);
    renderChrome();
    if (ui.dialog.open && preview) renderPreview();
  });
}

/** Whether an agreement is on the desk. */
export function hasAgreement() {
  return current !== null;
}

function fields() {
  return new Map(current.summary.fields.map((f) => [f.id, f]));
}

function designations() {
  return Object.fromEntries(current.summary.parties.map((p) => [p.party, p.designation]));
}

/** "de dienstverlener (XIS)"; just "de Klant" where the designation says the same. */
function partyLabel(party) {
  const designation = designations()[party];
  const name = partyName(party, true);
  if (!designation || designation.toLowerCase() === name.toLowerCase()) return designation || name;
  return `${name} (${designation})`;
}

/** Puts a new AgreementView on the desk, rebuilding the page. */
export function present(view) {
  current = view;
  store.labels = view.verification.labels || {};
  problems.clear();
  renderDocument(ui.page, view, new Set(view.editable), store.lang, { input: onInput, commit: onCommit });
  renderChrome();
  show("agreement");
}

/** Takes a changed AgreementView without rebuilding the page, so that focus stays put. */
function update(view) {
  const editableBefore = current ? current.editable.join() : "";
  if (view.editable.join() !== editableBefore) {
    present(view);
    return;
  }
  current = view;
  const values = new Map(view.values.map((v) => [v.blank, v]));
  for (const slot of ui.page.querySelectorAll(".blank-slot")) {
    const input = slot.querySelector(".blank-input");
    const value = values.get(slot.dataset.field);
    if (document.activeElement !== input && !problems.has(slot.dataset.field)) {
      input.value = value ? value.value : "";
    }
    if (!problems.has(slot.dataset.field)) slot.dataset.state = value ? "filled" : "empty";
  }
  renderChrome();
}

// ---- typing ----

const timers = new Map();

function onInput(slot) {
  clearTimeout(timers.get(slot));
  timers.set(slot, setTimeout(() => check(slot), 150));
}

async function check(slot) {
  const id = slot.dataset.field;
  const input = slot.querySelector(".blank-input");
  const typed = input.value;
  if (typed.trim() === "") {
    problems.delete(id);
    slot.dataset.state = "empty";
    showProblem(slot);
    renderChrome();
    return;
  }
  try {
    await call("check_value", { blank: id, value: typed });
    if (input.value !== typed) return; // typed on meanwhile
    problems.delete(id);
    slot.dataset.state = "valid";
  } catch (err) {
    if (input.value !== typed) return;
    if (err.kind !== "invalid_value") {
      showError(err);
      return;
    }
    problems.set(id, err.problem);
    slot.dataset.state = "invalid";
  }
  showProblem(slot);
  renderChrome();
}

function showProblem(slot) {
  const problem = problems.get(slot.dataset.field);
  const message = slot.querySelector(".blank-message");
  const input = slot.querySelector(".blank-input");
  message.textContent = problem ? problemText(store.lang, problem) : "";
  input.setAttribute("aria-invalid", problem ? "true" : "false");
}

async function onCommit(slot) {
  clearTimeout(timers.get(slot));
  const id = slot.dataset.field;
  const input = slot.querySelector(".blank-input");
  const typed = input.value;
  const stored = current.values.find((v) => v.blank === id);
  if ((stored ? stored.value : "") === typed && !problems.has(id)) return;
  try {
    const view = await call("fill_blank", { blank: id, value: typed });
    problems.delete(id);
    showProblem(slot);
    if (input.value === typed && document.activeElement !== input) {
      const now = view.values.find((v) => v.blank === id);
      input.value = now ? now.value : "";
    }
    update(view);
  } catch (err) {
    if (err.kind === "invalid_value") {
      // Refused: the typed text stays where it is, with what is wrong beside it.
      problems.set(id, err.problem);
      slot.dataset.state = "invalid";
      showProblem(slot);
      renderChrome();
    } else {
      showError(err);
    }
  }
}

// ---- around the page ----

function renderChrome() {
  const view = current;
  const v = view.verification;
  ui.title.textContent = view.summary.title;
  // The way back to the desk from any other screen.
  ui.navDesk.hidden = false;
  ui.navDeskTitle.textContent = view.file || view.summary.title;
  ui.file.textContent = [view.file || t("new_file"), view.label].filter(Boolean).join(" · ");
  ui.saved.textContent = view.file ? `· ${t(view.saved ? "saved" : "unsaved")}` : "";
  ui.saved.dataset.saved = String(view.saved);
  // The headline is the core's verdict: "authentic" only when every signer is confirmed.
  ui.status.textContent = v.status === "unsigned" ? t("status_unsigned") : t(`verdict_${v.verdict.code}`);
  ui.status.dataset.status = v.status;
  ui.status.dataset.verdict = v.verdict.code;
  ui.status.dataset.severity = v.verdict.severity;
  ui.textFingerprint.textContent = v.text_sha256_grouped;
  ui.templateFingerprint.textContent = view.template_sha256_grouped;
  ui.textLanguage.textContent = t(`lang_${view.summary.language}`);

  renderReview();
  renderActing();
  renderShare();
  renderMissing();
  renderSignatures();
}

function renderReview() {
  const v = current.verification;
  const show = v.signatures.length > 0 && (current.phase === "review" || current.phase === "invalid");
  ui.review.hidden = !show;
  if (!show) return;
  const invalid = v.status === "invalid";
  ui.review.dataset.status = v.status;
  const n = v.signatures.length;
  ui.reviewTitle.textContent = invalid
    ? t("review_invalid_title")
    : n === 1
      ? t("review_title_one")
      : t("review_title_many", { n });
  ui.reviewLead.textContent = invalid ? t("review_invalid_lead") : t(n === 1 ? "review_lead_one" : "review_lead");
  const cards = signatureCards(v.signatures, designations(), rememberSigner, v.labels);
  if (invalid && v.first_problem) {
    const text = firstProblemText(store.lang, v.first_problem, v.labels);
    cards.unshift(el("p", { class: "verdict-reason", dataset: { testid: "review-reason", code: v.first_problem.reason.code }, text }));
  }
  ui.reviewSignatures.replaceChildren(...cards);
  ui.reviewContinue.hidden = invalid || current.reviewed;
}

function renderActing() {
  // The desk says where the agreement stands (its phase) and whether the acting party may sign
  // now; the window words it. `problems` are values typed here that the core refused, not sent.
  const v = current.verification;
  const phase = current.phase;
  const party = { waiting: v.awaiting, fills: current.acting }[phase];
  ui.acting.textContent = t(`acting_${phase}`, { party: party ? partyLabel(party) : "" });
  ui.acting.dataset.party = current.acting || "";

  const own = current.own_missing.length;
  ui.signButton.disabled = !current.may_sign_now || problems.size > 0;
  ui.signButton.hidden = !current.acting;
  let note = "";
  if (v.status === "complete") note = t("sign_note_complete");
  else if (phase === "invalid" || phase === "review") note = "";
  else if (phase === "waiting") note = t("sign_note_done");
  else if (problems.size > 0) note = t("sign_note_invalid");
  else if (own > 0) note = t("sign_note_missing", { n: own });
  else note = t("sign_note_ready");
  ui.signNote.textContent = note;
}

/** The PDF(s) to send or keep, and the archive, once someone has signed. */
function renderShare() {
  const status = current.verification.status;
  // The core says what may be shared: the PDF to send once this side signed, both exemplars
  // once complete; nothing while the agreement is being filled in here, or does not hold.
  const share = current.turn.share;
  const shareable = share !== "none";
  ui.exportButton.hidden = !shareable;
  ui.exportLabel.textContent = t(share === "exemplars" ? "export_both" : "export_to_send");
  ui.exportButton.dataset.kind = status;
  // A key that signed here and is bound to an eID: the PDFs may be sealed with the card
  // instead (desktop only: the browser hides the button).
  ui.exportEidButton.hidden = !shareable || current.eid_seal_keys.length === 0;
  ui.archiveButton.hidden = !shareable || Boolean(current.archived);
  // A signature without a trusted timestamp: the desktop app asks the profile's TSAs for one;
  // the browser edition cannot reach a TSA, and says who can.
  const unstamped = current.may_timestamp;
  ui.timestampButton.hidden = !unstamped;
  ui.timestampWebNote.hidden = !unstamped;
  let note = "";
  if (current.archived) note = t("archived_note");
  else if (current.archive_error) note = t("archive_failed", { reason: errorText(store.lang, current.archive_error) });
  ui.archivedNote.textContent = note;
  ui.archivedNote.dataset.archived = String(Boolean(current.archived));
}

function renderMissing() {
  const signed = new Set(current.verification.signatures.map((s) => s.role));
  const items = PARTIES.map((party) => {
    const m = current.missing.find((x) => x.party === party) || { required: [], automatic: [] };
    const label = designations()[party] || partyName(party);
    let text;
    if (signed.has(party)) text = t("signed_by_party", { party: label });
    else if (m.required.length) text = t("missing_count", { party: label, n: m.required.length });
    else text = t("missing_none", { party: label });
    const li = el("li", {
      class: "missing-item",
      dataset: { party, testid: `missing-${party}`, count: String(m.required.length), signed: String(signed.has(party)) },
    });
    const button = el("button", { type: "button", class: "missing-button" }, el("span", { class: "swatch", "aria-hidden": "true" }), el("span", { text }));
    button.addEventListener("click", () => focusFirstMissing(party));
    li.append(button);
    if (m.automatic.length && !signed.has(party)) {
      li.append(el("span", { class: "missing-auto", text: t("missing_auto") }));
    }
    return li;
  });
  ui.missing.replaceChildren(...items);
}

function focusFirstMissing(party) {
  const m = current.missing.find((x) => x.party === party);
  for (const id of m ? m.required : []) {
    const input = ui.page.querySelector(`.blank-input[data-field="${CSS.escape(id)}"]`);
    if (input) {
      input.focus();
      input.scrollIntoView({ block: "center" });
      return;
    }
  }
  const blank = ui.page.querySelector(`[data-party="${party}"]`);
  if (blank) blank.scrollIntoView({ block: "center" });
}

function renderSignatures() {
  const sigs = current.verification.signatures;
  ui.signatureBlock.hidden = sigs.length === 0;
  ui.signatureCards.replaceChildren(...signatureCards(sigs, designations(), rememberSigner));
}

// ---- actions ----

/** Adds a signer's key to the contacts (not verified), then shows the new trust. */
async function rememberSigner(index, button) {
  try {
    const imported = await busy(button, () => call("remember_signer", { index }));
    notify(imported.new ? "remembered" : "already_contact", { name: imported.contact.name });
    current = await call("current_agreement");
    renderChrome();
  } catch (err) {
    showError(err);
  }
}

/**
 * The agreement on the desk judged anew after the trust in a signer changed (a contact added or
 * marked verified): the review and the signatures show it at once, before "Seen, continue".
 * The desk judges; the page is not rebuilt, so nothing typed is lost.
 */
export async function refreshAgreement() {
  if (!current) return;
  try {
    update(await call("current_agreement"));
  } catch (err) {
    showError(err);
  }
}

/** Whether the agreement on the desk may be put away: nothing unsaved, or the user agrees. */
export async function mayLeave() {
  if (!current || current.saved) return true;
  return confirmDiscard(current.file || current.summary.title);
}

async function acknowledge() {
  try {
    present(await call("acknowledge_signatures"));
    const first = ui.page.querySelector(".blank-input");
    if (first) {
      first.focus({ preventScroll: true });
      first.scrollIntoView({ block: "center" });
    }
  } catch (err) {
    showError(err);
  }
}

async function save() {
  try {
    const view = await busy(ui.saveButton, () => call("save_agreement", { title: t("dialog_save_agreement") }));
    if (!view) return;
    clearError();
    update(view);
    notify("saved_as", { file: view.file });
  } catch (err) {
    showError(err);
  }
}

async function exportPdfs() {
  const both = current.turn.share === "exemplars";
  const title = t(both ? "dialog_export_folder" : "dialog_export_pdf");
  try {
    // Right after signing here, the PDFs sealed then; otherwise the sealing key is asked for.
    exported(await busy(ui.exportButton, () => call("export_exemplars", { title })));
  } catch (err) {
    if (err.kind === "seal_key_needed") askSealKey(title);
    else showError(err);
  }
}

function exported(files) {
  if (!files) return;
  clearError();
  notify("exported_files", { files: files.join(", ") });
}

/** Seals the PDFs with the eID in the reader (a qualified seal), asking its PIN when the
 * reader does not, then saves them. */
async function exportEidPdfs() {
  const both = current.turn.share === "exemplars";
  const title = t(both ? "dialog_export_folder" : "dialog_export_pdf");
  try {
    const status = await busy(ui.exportEidButton, loadEid);
    if (!usableCard()) {
      showError(status && status.problem ? status.problem : { kind: "eid_no_card", params: {} });
      return;
    }
  } catch (err) {
    showError(err);
    return;
  }
  // The card says who seals: the core checks that its holder is a signer whose key is bound.
  openEidSeal({
    run: (pin) => call("export_eid_exemplars", { title, pin }),
    done: exported,
  });
}

/** The PDFs are sealed by a key of the user's that signed the agreement: asks which, and its
 * passphrase, then exports. */
async function askSealKey(title) {
  const signers = new Set(current.seal_keys);
  let keys;
  try {
    keys = (await call("list_keys")).filter((k) => signers.has(k.fingerprint.hex));
  } catch (err) {
    showError(err);
    return;
  }
  openKeyDialog({
    purpose: "seal",
    keys,
    none: "seal_no_key",
    busyKey: "sealing",
    run: (key, passphrase) => call("export_exemplars", { title, key, passphrase }),
    done: exported,
  });
}

/** Asks the profile's TSAs for a timestamp of every signature that has none (desktop only). */
async function addTimestamps() {
  try {
    const view = await busy(ui.timestampButton, () => call("timestamp_agreement"), "timestamping");
    clearError();
    update(view);
    notify("timestamp_added");
  } catch (err) {
    showError(err);
  }
}

/** The profile's keys as choices: name and the start of the fingerprint. */
function keyOptions(keys) {
  return keys.map((k) =>
    el("option", { value: k.fingerprint.hex, text: `${k.name} — ${k.fingerprint.short}` }),
  );
}

/** Asks for the key that signs the archive's log entry, then archives. */
async function archiveNow() {
  let keys;
  try {
    keys = await call("list_keys");
  } catch (err) {
    showError(err);
    return;
  }
  openKeyDialog({
    purpose: "archive",
    keys,
    none: "no_key_to_sign",
    busyKey: "archiving",
    run: (key, passphrase) => call("archive_agreement", { key, passphrase }),
    done: (added) => {
      current.archived = added.id;
      current.archive_error = null;
      renderShare();
      notify(added.outcome === "already_archived" ? "already_archived" : "archived_ok");
    },
  });
}

/** The words of the key dialog for each purpose: title, lead, button. */
const KEY_DIALOG_WORDS = {
  archive: ["archive_title", "archive_lead", "archive_now"],
  seal: ["seal_title", "seal_lead", "seal_now"],
};

/**
 * Opens the key dialog for `purpose` with `keys` to choose from (`none`: what to say when
 * there are none); on submit `run(key, passphrase)` is called, and its answer is given to
 * `done` once the dialog is closed.
 */
function openKeyDialog({ purpose, keys, none, busyKey, run, done }) {
  const k = keyDialog;
  const [title, lead, submit] = KEY_DIALOG_WORDS[purpose];
  k.dialog.dataset.purpose = purpose;
  // Worded through data-i18n, so that they follow a change of language.
  for (const [node, key] of [
    [k.title, title],
    [k.lead, lead],
    [k.submitLabel, submit],
  ]) {
    node.dataset.i18n = key;
    node.textContent = t(key);
  }
  k.key.replaceChildren(...keyOptions(keys));
  k.error.textContent = keys.length ? "" : t(none);
  delete k.error.dataset.kind;
  k.submit.disabled = keys.length === 0;
  k.passphrase.value = "";
  k.dialog.showModal();
  keyTask = { run, done, busyKey };
  if (keys.length) k.passphrase.focus();
}

async function submitKeyDialog() {
  const task = keyTask;
  if (!task || keyDialog.submit.disabled) return;
  const key = keyDialog.key.value;
  const answer = await withPassphrase(keyDialog, (passphrase) => task.run(key, passphrase), task.busyKey);
  if (!answer) return;
  keyDialog.dialog.close();
  task.done(answer.value);
}

/**
 * Runs `run(passphrase)` with the passphrase typed in `parts.passphrase`, the button
 * `parts.submit` busy meanwhile; `{value}` once it succeeded. Without a passphrase, or when
 * refused (nothing changed), `parts.error` says why, the passphrase is selected for another
 * try, and the answer is null. The sign dialog and the key dialog ask alike.
 */
async function withPassphrase(parts, run, busyKey) {
  const passphrase = parts.passphrase.value;
  if (!passphrase) {
    parts.error.textContent = t("passphrase_needed");
    parts.passphrase.focus();
    return null;
  }
  parts.error.textContent = "";
  delete parts.error.dataset.kind;
  try {
    const value = await busy(parts.submit, () => run(passphrase), busyKey);
    parts.passphrase.value = "";
    clearError();
    return { value };
  } catch (err) {
    parts.error.textContent = errorTextFor(err);
    parts.error.dataset.kind = err.kind;
    parts.passphrase.select();
    parts.passphrase.focus();
    return null;
  }
}

async function openSignDialog() {
  // A value still being typed is stored first, so the preview is of what is on the page.
  const active = document.activeElement;
  if (active && active.classList.contains("blank-input")) active.blur();
  try {
    preview = await call("sign_preview");
  } catch (err) {
    showError(err);
    return;
  }
  ui.signError.textContent = "";
  ui.passphrase.value = "";
  renderPreview();
  ui.dialog.showModal();
  if (preview.keys.length) ui.passphrase.focus();
}

function renderPreview() {
  const p = preview;
  const labels = fields();
  const label = (id) => {
    const f = labels.get(id);
    return f ? f.label[store.lang] || f.label.en : id;
  };
  const list = (ids) => (ids.length ? ids.map(label).join(", ") : t("sum_none"));
  ui.dialogTitle.textContent = t("sign_title", { party: partyLabel(p.role) });
  const signatory = [p.name, p.function, p.organisation].filter(Boolean).join(", ");
  const rows = [
    fact(t("sum_signatory"), signatory, "sum-signatory"),
    fact(t("sum_text"), el("span", { class: "fingerprint", text: p.text_sha256_grouped }), "sum-text"),
    fact(t("sum_values"), String(p.values), "sum-values"),
  ];
  // Blanks are left open for the other party only while it has not signed.
  if (p.left_open_for) rows.push(fact(t("sum_open", { party: partyLabel(p.left_open_for) }), list(p.left_open), "sum-open"));
  if (p.automatic.length) rows.push(fact(t("sum_auto"), list(p.automatic), "sum-auto"));
  ui.summary.replaceChildren(...rows);
  ui.key.replaceChildren(...keyOptions(p.keys));
  if (p.suggested_key) ui.key.value = p.suggested_key;
  ui.keyField.hidden = p.keys.length === 0;
  ui.signSubmit.disabled = p.keys.length === 0 || p.own_missing.length > 0;
  if (p.keys.length === 0) ui.signError.textContent = t("no_key_to_sign");
  else if (p.own_missing.length) ui.signError.textContent = t("sign_note_missing", { n: p.own_missing.length });
}

async function sign() {
  if (!preview || ui.signSubmit.disabled) return;
  const key = ui.key.value;
  const parts = { passphrase: ui.passphrase, error: ui.signError, submit: ui.signSubmit };
  // Refused, nothing changed: the dialog stays, with what went wrong, ready for another try.
  const answer = await withPassphrase(parts, (passphrase) => call("sign_agreement", { key, passphrase }), "signing");
  if (!answer) return;
  ui.dialog.close();
  present(answer.value);
  notify("signed_ok");
  ui.signatureBlock.scrollIntoView({ block: "start" });
}

/** A refusal in a dialog, in words; a code this window cannot word keeps the core's. */
function errorTextFor(err) {
  return has(`error_${err.kind}`) || err.kind === "invalid_value" ? errorText(store.lang, err) : `${t("error_unknown")} ${err.message}`;
}

/** Starts a new agreement from a template. */
export async function startFromTemplate(id) {
  if (!(await mayLeave())) return false;
  try {
    present(await call("new_agreement", { template: id }));
    clearError();
    document.getElementById("workspace").scrollTop = 0;
    return true;
  } catch (err) {
    showError(err);
    return false;
  }
}

/** Opens an agreement file through the native dialog. */
export async function openFromDialog(button) {
  if (!(await mayLeave())) return;
  try {
    const view = await busy(button, () => call("open_agreement", { title: t("dialog_open_agreement") }));
    if (!view) return;
    clearError();
    store.openTemplate = null;
    present(view);
    document.getElementById("workspace").scrollTop = 0;
  } catch (err) {
    showError(err);
  }
}

/** Opens the file just dropped on the window. A bad file leaves the desk as it was. */
export function openDropped() {
  return openFrom("open_dropped");
}

/** Opens the file last verified on the verify screen. */
export function openVerified() {
  return openFrom("open_verified");
}

async function openFrom(command) {
  if (!(await mayLeave())) return;
  try {
    const view = await call(command);
    clearError();
    store.openTemplate = null;
    present(view);
    document.getElementById("workspace").scrollTop = 0;
  } catch (err) {
    showError(err);
  }
}
