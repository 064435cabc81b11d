// The Belgian eID (desktop app only): what the card reader holds, binding a key to the card,
// and sealing the PDFs with it. The window decides nothing: the desk's EidView and KeyView say
// what holds. The PIN is asked here only when the card reader has no pinpad and the eID
// software no dialog of its own; it is read from its field when the dialog is sent, handed to
// the one command, and the field is emptied: it is never kept.

import { errorText, reasonText } from "./i18n.js";
import { call } from "./ipc.js";
import { busy, clearError, el, formatDate, notify, onLanguage, store, t } from "./store.js";

const ui = {
  status: document.getElementById("eid-status"),
  refresh: document.getElementById("eid-refresh"),
  dialog: document.getElementById("eid-dialog"),
  form: document.getElementById("eid-form"),
  title: document.getElementById("eid-dialog-title"),
  lead: document.getElementById("eid-dialog-lead"),
  keyField: document.getElementById("eid-key-field"),
  key: document.getElementById("eid-key"),
  passphraseField: document.getElementById("eid-passphrase-field"),
  passphrase: document.getElementById("eid-passphrase"),
  pinField: document.getElementById("eid-pin-field"),
  pin: document.getElementById("eid-pin"),
  pinElsewhere: document.getElementById("eid-pin-elsewhere"),
  error: document.getElementById("eid-error"),
  submit: document.getElementById("eid-submit"),
  submitLabel: document.getElementById("eid-submit-label"),
  cancel: document.getElementById("eid-cancel"),
};

/** The EidView last read, or null (the browser edition never reads one). */
let status = null;
/** What the dialog does when sent: `{purpose, run, done}`. */
let task = null;
/** Called when a key was bound (the key list is drawn again). */
let onBound = () => {};

const DIALOG_WORDS = {
  bind: ["eid_bind_title", "eid_bind_lead", "eid_bind_now", "binding"],
  seal: ["eid_seal_title", "eid_seal_lead", "seal_now", "sealing"],
};

/** `bound` is called with the key a binding was made for. */
export function initEid(bound) {
  onBound = bound;
  ui.refresh.addEventListener("click", () => busy(ui.refresh, loadEid));
  ui.form.addEventListener("submit", (e) => {
    e.preventDefault();
    submit();
  });
  ui.cancel.addEventListener("click", () => ui.dialog.close());
  ui.dialog.addEventListener("close", () => {
    ui.pin.value = "";
    ui.passphrase.value = "";
    task = null;
  });
  onLanguage(() => {
    renderStatus();
    if (task) renderDialog();
  });
}

/** Whether this is the desktop app: only it reaches a card reader. */
function desktop() {
  return document.body.dataset.edition !== "web";
}

/** Reads what the card readers hold (the desktop app only). */
export async function loadEid() {
  if (!desktop()) return null;
  status = await call("eid_status");
  renderStatus();
  return status;
}

/** The card in the reader, when one can be used to sign. */
export function usableCard() {
  return status && status.card && status.card.usable ? status.card : null;
}

function renderStatus() {
  if (!status) {
    ui.status.replaceChildren();
    return;
  }
  const card = status.card;
  if (!card) {
    const problem = status.problem;
    ui.status.replaceChildren(
      el("p", { class: "eid-none", dataset: { testid: "eid-none", kind: problem ? problem.kind : "" }, text: problem ? errorText(store.lang, problem) : t("error_eid_no_card") }),
    );
    return;
  }
  const facts = el(
    "dl",
    { class: "facts eid-facts" },
    fact(t("eid_holder"), card.holder, "eid-holder"),
    fact(t("eid_number"), card.number, "eid-number"),
    fact(t("eid_key"), card.key, "eid-key-kind"),
    fact(t("eid_valid_until"), formatDate(card.valid_until), "eid-valid-until"),
  );
  const trust = card.anchor
    ? el("p", { class: "trust trust-eid", dataset: { testid: "eid-trust", trusted: "true" }, text: t("eid_trusted", { root: card.anchor }) })
    : el("p", { class: "trust trust-unknown", dataset: { testid: "eid-trust", trusted: "false" }, text: t("eid_untrusted", { reason: card.trust_problem ? reasonText(store.lang, card.trust_problem) : "" }) });
  const pin = [el("p", { class: "card-lead eid-pin", dataset: { testid: "eid-pin-note" }, text: t(card.asks_pin ? "eid_pin_by_app" : "eid_pin_by_reader") })];
  if (card.pin !== "good") pin.push(el("p", { class: "form-error", dataset: { testid: "eid-pin-state" }, text: t(`eid_pin_${card.pin}`) }));
  ui.status.replaceChildren(el("p", { class: "key-name", dataset: { testid: "eid-card" }, text: t("eid_card_of", { name: card.holder }) }), facts, trust, ...pin);
}

function fact(label, value, testid) {
  return el("div", {}, el("dt", { text: label }), el("dd", { dataset: { testid }, text: value }));
}

/**
 * What a key list shows of a key's eID: its binding as the desk judged it, or, in the desktop
 * app with a card in the reader, the button that binds it.
 */
export function keyEid(key) {
  const bound = key.eid;
  if (bound) {
    if (bound.problem) {
      return [el("p", { class: "trust trust-unknown", dataset: { testid: "key-eid", state: "broken" }, text: t("eid_bound_broken", { date: formatDate(bound.bound), reason: reasonText(store.lang, bound.problem) }) })];
    }
    const nodes = [el("p", { class: "trust trust-eid", dataset: { testid: "key-eid", state: "bound" }, text: t("eid_bound", { name: bound.holder, date: formatDate(bound.bound), until: formatDate(bound.valid_until) }) })];
    if (!bound.revocation_checked) nodes.push(el("small", { class: "key-meta", dataset: { testid: "key-eid-revocation" }, text: t("eid_bound_revocation_not_checked") }));
    return nodes;
  }
  return [];
}

/** The button that binds `key` to the card in the reader, when there is one to bind it to. */
export function bindButton(key) {
  const card = usableCard();
  if (!desktop() || key.eid || !card || !card.anchor) return null;
  const button = el("button", { type: "button", class: "button", dataset: { testid: "bind-eid" }, text: t("eid_bind") });
  button.addEventListener("click", () =>
    openDialog({
      purpose: "bind",
      keys: [key],
      run: (fingerprint, passphrase, pin) => call("bind_eid", { fingerprint, passphrase, pin }),
      done: (bound) => {
        notify("eid_bound_ok", { name: bound.eid && bound.eid.holder ? bound.eid.holder : card.holder });
        onBound(bound);
      },
    }),
  );
  return button;
}

/**
 * Seals the PDFs with the eID in the reader: asks the PIN (when the reader does not), then
 * calls `run(pin)`; its answer goes to `done`.
 */
export function openEidSeal({ run, done }) {
  openDialog({ purpose: "seal", keys: [], run: (_key, _passphrase, pin) => run(pin), done });
}

function openDialog(next) {
  task = next;
  ui.key.replaceChildren(
    ...next.keys.map((k) => el("option", { value: k.fingerprint.hex, text: `${k.name} — ${k.fingerprint.short}` })),
  );
  ui.keyField.hidden = next.keys.length < 2;
  ui.passphrase.value = "";
  ui.pin.value = "";
  ui.error.textContent = "";
  delete ui.error.dataset.kind;
  renderDialog();
  ui.dialog.showModal();
  (next.purpose === "bind" ? ui.passphrase : ui.pin.closest("[hidden]") ? ui.submit : ui.pin).focus();
}

function renderDialog() {
  const card = usableCard();
  const [title, lead, submit] = DIALOG_WORDS[task.purpose];
  ui.dialog.dataset.purpose = task.purpose;
  ui.title.textContent = t(title);
  ui.lead.textContent = t(lead, { name: card ? card.holder : "" });
  // Through data-i18n, so that the button gets its words back after being busy.
  ui.submitLabel.dataset.i18n = submit;
  ui.submitLabel.textContent = t(submit);
  ui.passphraseField.hidden = task.purpose !== "bind";
  const asks = !!(card && card.asks_pin);
  ui.pinField.hidden = !asks;
  ui.pinElsewhere.hidden = asks;
}

async function submit() {
  const now = task;
  if (!now || ui.submit.disabled) return;
  const card = usableCard();
  const asks = !!(card && card.asks_pin);
  const passphrase = ui.passphrase.value;
  if (now.purpose === "bind" && !passphrase) {
    showDialogError({ kind: "", text: t("passphrase_needed") }, ui.passphrase);
    return;
  }
  if (asks && !ui.pin.value) {
    showDialogError({ kind: "", text: t("eid_pin_needed") }, ui.pin);
    return;
  }
  ui.error.textContent = "";
  delete ui.error.dataset.kind;
  const key = ui.key.value;
  try {
    // The PIN goes from its field to the command, and the field is emptied at once.
    const answer = await busy(
      ui.submit,
      () => {
        const sent = now.run(key, passphrase || null, asks ? ui.pin.value : null);
        ui.pin.value = "";
        return sent;
      },
      DIALOG_WORDS[now.purpose][3],
    );
    ui.dialog.close();
    clearError();
    now.done(answer);
  } catch (err) {
    // Neither secret stays in the page after a try: both are typed again.
    ui.pin.value = "";
    ui.passphrase.value = "";
    showDialogError({ kind: err.kind, text: errorText(store.lang, err) }, now.purpose === "bind" ? ui.passphrase : asks ? ui.pin : ui.submit);
    // What the reader holds may have changed (a card taken out, a PIN now blocked).
    if (String(err.kind || "").startsWith("eid_")) loadEid().catch(() => {});
  }
}

function showDialogError({ kind, text }, focus) {
  ui.error.textContent = text;
  if (kind) ui.error.dataset.kind = kind;
  else delete ui.error.dataset.kind;
  focus.focus();
}
