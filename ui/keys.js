// The signing keys and the contacts: the first-run key form, the key just made with its
// fingerprint, exporting a public key, importing a counterparty's, marking it verified.

import { bindButton, initEid, keyEid, loadEid } from "./eid.js";
import { call } from "./ipc.js";
import { errorText, strengthText } from "./i18n.js";
import { busy, clearError, el, fingerprintNode, formatDate, notify, onLanguage, showError, store, t } from "./store.js";

const ui = {
  title: document.getElementById("welcome-title"),
  lead: document.getElementById("welcome-lead"),
  form: document.getElementById("key-form"),
  name: document.getElementById("key-name"),
  organisation: document.getElementById("key-organisation"),
  function: document.getElementById("key-function"),
  passphrase: document.getElementById("key-passphrase"),
  confirm: document.getElementById("key-confirm"),
  confirmMessage: document.getElementById("confirm-message"),
  strength: document.getElementById("strength"),
  strengthText: document.getElementById("strength-text"),
  error: document.getElementById("key-error"),
  submit: document.getElementById("key-submit"),
  cancel: document.getElementById("key-cancel"),
  created: document.getElementById("key-created"),
  createdCard: document.getElementById("key-created-card"),
  createdExport: document.getElementById("key-created-export"),
  createdSave: document.getElementById("key-created-save"),
  loadForm: document.getElementById("load-key-form"),
  loadName: document.getElementById("load-key-name"),
  loadPassphrase: document.getElementById("load-key-passphrase"),
  loadError: document.getElementById("load-key-error"),
  createdDone: document.getElementById("key-created-done"),
  createdOpen: document.getElementById("key-created-open"),
  createdNext: document.getElementById("key-created-next"),
  keyList: document.getElementById("key-list"),
  contactList: document.getElementById("contact-list"),
  importForm: document.getElementById("import-form"),
  importName: document.getElementById("import-name"),
  importOrganisation: document.getElementById("import-organisation"),
  importError: document.getElementById("import-error"),
  trustDialog: document.getElementById("trust-dialog"),
  trustForm: document.getElementById("trust-form"),
  trustLead: document.getElementById("trust-lead"),
  trustFingerprint: document.getElementById("trust-fingerprint"),
  trustCancel: document.getElementById("trust-cancel"),
};

let show = () => {};
let afterCreate = () => {};
let openReceived = () => {};
let trustChanged = () => {};
let strength = null;
let keyError = null;
let created = null;
let contacts = [];
let trusting = null;

/**
 * `on.created()` goes on after the first key is made; `on.open(button)` opens an agreement
 * received (what a customer who made a key in the browser edition has to do next);
 * `on.trust()` is told that the trust in a contact changed (the desk judges its signers anew).
 */
export function initKeys(showView, on) {
  show = showView;
  afterCreate = on.created;
  openReceived = on.open;
  trustChanged = on.trust;
  ui.passphrase.addEventListener("input", updateStrength);
  ui.confirm.addEventListener("input", renderConfirm);
  ui.passphrase.addEventListener("input", renderConfirm);
  ui.form.addEventListener("submit", (e) => {
    e.preventDefault();
    createKey();
  });
  ui.cancel.addEventListener("click", () => showKeys());
  ui.createdExport.addEventListener("click", () => exportKey(created, ui.createdExport));
  ui.createdSave.addEventListener("click", () => saveKeyFile(created, ui.createdSave));
  ui.loadForm.addEventListener("submit", (e) => {
    e.preventDefault();
    loadKeyFile(e.submitter || ui.loadForm.querySelector("[type=submit]"));
  });
  ui.createdDone.addEventListener("click", () => (firstRun ? afterCreate() : showKeys()));
  ui.createdOpen.addEventListener("click", () => openReceived(ui.createdOpen));
  document.getElementById("new-key").addEventListener("click", () => showKeyForm(false));
  ui.importForm.addEventListener("submit", (e) => {
    e.preventDefault();
    importContact(e.submitter || ui.importForm.querySelector("[type=submit]"));
  });
  ui.trustCancel.addEventListener("click", () => ui.trustDialog.close());
  ui.trustForm.addEventListener("submit", (e) => {
    e.preventDefault();
    markVerified();
  });
  initEid(() => loadKeys());
  onLanguage(() => {
    renderStrength();
    renderConfirm();
    renderKeyError();
    renderFormTitle();
    if (created) renderCreated();
    renderKeyList();
    renderContacts();
    if (trusting) renderTrust();
  });
}

/** Loads the profile's keys into the store. */
export async function loadKeys() {
  store.keys = await call("list_keys");
  renderKeyList();
  return store.keys;
}

// ---- the key form ----

let firstRun = true;

/** Shows the key form: the welcome screen on first run, "new key" otherwise. */
export function showKeyForm(isFirstRun) {
  firstRun = isFirstRun;
  created = null;
  ui.form.reset();
  ui.form.hidden = false;
  ui.form.closest(".card").hidden = false;
  ui.created.hidden = true;
  ui.cancel.hidden = isFirstRun;
  keyError = null;
  strength = null;
  renderFormTitle();
  renderStrength();
  renderConfirm();
  renderKeyError();
  show("welcome");
  ui.name.focus();
}

function renderFormTitle() {
  ui.title.textContent = t(firstRun ? "welcome_title" : "new_key_title");
  ui.lead.textContent = t(firstRun ? "welcome_lead" : "new_key_lead");
}

let strengthSeq = 0;

async function updateStrength() {
  const seq = ++strengthSeq;
  const passphrase = ui.passphrase.value;
  if (!passphrase) {
    strength = null;
    renderStrength();
    return;
  }
  const s = await call("passphrase_strength", { passphrase });
  if (seq !== strengthSeq) return;
  strength = s;
  renderStrength();
}

function renderStrength() {
  ui.strength.dataset.level = strength ? strength.level : "none";
  let text = "";
  if (strength) text = strengthText(store.lang, strength);
  ui.strengthText.textContent = text;
}

function renderConfirm() {
  const a = ui.passphrase.value;
  const b = ui.confirm.value;
  if (!b) ui.confirmMessage.textContent = "";
  else ui.confirmMessage.textContent = t(a === b ? "confirm_same" : "confirm_differs");
  ui.confirmMessage.dataset.ok = String(a === b);
}

function renderKeyError() {
  ui.error.textContent = keyError ? errorText(store.lang, keyError) : "";
  ui.error.dataset.kind = keyError ? keyError.kind : "";
}

async function createKey() {
  keyError = null;
  renderKeyError();
  try {
    const key = await busy(
      ui.submit,
      () =>
        call("create_key", {
          name: ui.name.value,
          organisation: ui.organisation.value,
          function: ui.function.value,
          passphrase: ui.passphrase.value,
          confirmation: ui.confirm.value,
        }),
      "creating_key",
    );
    created = key;
    ui.form.reset();
    strength = null;
    renderStrength();
    renderConfirm();
    ui.form.closest(".card").hidden = true;
    ui.created.hidden = false;
    // The browser edition is where a customer arrives from the e-mail with the agreement: the
    // first key made, the next step is to open it, not a screen with nothing to do.
    const pointToOpen = firstRun && document.body.dataset.edition === "web";
    ui.createdOpen.hidden = !pointToOpen;
    ui.createdNext.hidden = !pointToOpen;
    ui.createdDone.classList.toggle("primary", !pointToOpen);
    renderCreated();
    await loadKeys();
    (pointToOpen ? ui.createdOpen : ui.createdDone).focus();
  } catch (err) {
    keyError = err;
    renderKeyError();
    (err.kind === "missing_name" ? ui.name : ui.passphrase).focus();
  }
}

function renderCreated() {
  ui.createdCard.replaceChildren(...keyCard(created));
}

function keyCard(key) {
  const who = [key.organisation, key.function].filter(Boolean).join(" · ");
  return [
    el("p", { class: "key-name", text: key.name }),
    el("p", { class: "key-meta", text: [who, t("created_on", { date: formatDate(key.created) })].filter(Boolean).join(" · ") }),
    el("p", { class: "key-fp-label", text: t("fingerprint") }),
    fingerprintNode(key.fingerprint.grouped, "big"),
  ];
}

async function exportKey(key, button) {
  try {
    const file = await busy(button, () =>
      call("export_public_key", { fingerprint: key.fingerprint.hex, title: t("dialog_export_key") }),
    );
    if (file) notify("exported", { file });
  } catch (err) {
    showError(err);
  }
}

/** The browser edition: the key's file (its secret encrypted with the passphrase) to keep. */
async function saveKeyFile(key, button) {
  try {
    const file = await busy(button, () => call("save_key_file", { fingerprint: key.fingerprint.hex }));
    if (file) notify("key_file_saved", { file });
  } catch (err) {
    showError(err);
  }
}

/** The browser edition: a key file, unlocked once with its passphrase to check it. */
async function loadKeyFile(button) {
  ui.loadError.textContent = "";
  const passphrase = ui.loadPassphrase.value;
  if (!passphrase) {
    ui.loadError.textContent = t("passphrase_needed");
    ui.loadPassphrase.focus();
    return;
  }
  try {
    const key = await busy(button, () => call("load_key_file", { passphrase, name: ui.loadName.value.trim() || null }));
    if (!key) return;
    ui.loadPassphrase.value = "";
    notify("key_loaded", { name: key.name });
    await loadKeys();
  } catch (err) {
    ui.loadError.textContent = errorText(store.lang, err);
    ui.loadError.dataset.kind = err.kind;
  }
}

// ---- keys and contacts ----

/** Shows the keys and contacts screen. */
export async function showKeys() {
  show("keys");
  try {
    // The card reader first: the key list offers to bind a key when a card is in it.
    await loadEid();
    await Promise.all([loadKeys(), loadContacts()]);
  } catch (err) {
    showError(err);
  }
}

function renderKeyList() {
  if (!store.keys.length) {
    ui.keyList.replaceChildren(el("li", { class: "item-empty", text: t("no_keys") }));
    return;
  }
  ui.keyList.replaceChildren(
    ...store.keys.map((key) => {
      const button = el("button", { type: "button", class: "button", dataset: { testid: "export-key" }, text: t("export_public_key") });
      button.addEventListener("click", () => exportKey(key, button));
      const save = el("button", { type: "button", class: "button web-only", dataset: { testid: "save-key-file" }, text: t("save_key_file") });
      save.addEventListener("click", () => saveKeyFile(key, save));
      const bind = bindButton(key);
      return el(
        "li",
        { class: "item", dataset: { testid: "key-item", fingerprint: key.fingerprint.hex, eid: key.eid ? "bound" : "" } },
        el("div", { class: "item-body" }, ...keyCard(key), ...keyEid(key)),
        el("div", { class: "item-actions" }, save, button, ...(bind ? [bind] : [])),
      );
    }),
  );
}

async function loadContacts() {
  contacts = await call("list_contacts");
  renderContacts();
}

function renderContacts() {
  if (!contacts.length) {
    ui.contactList.replaceChildren(el("li", { class: "item-empty", text: t("no_contacts") }));
    return;
  }
  ui.contactList.replaceChildren(
    ...contacts.map((c) => {
      const status = el("span", {
        class: `badge ${c.verified ? "ok" : "warn"}`,
        dataset: { testid: "contact-status" },
        text: c.verified ? t("verified_on", { date: formatDate(c.verified) }) : t("not_verified"),
      });
      const actions = el("div", { class: "item-actions" });
      if (!c.verified) {
        const button = el("button", { type: "button", class: "button", dataset: { testid: "mark-verified" }, text: t("mark_verified") });
        button.addEventListener("click", () => askTrust(c));
        actions.append(button);
      }
      return el(
        "li",
        { class: "item", dataset: { testid: "contact-item", fingerprint: c.fingerprint.hex } },
        el(
          "div",
          { class: "item-body" },
          el("p", { class: "key-name" }, c.name, " ", status),
          el("p", { class: "key-meta", text: c.organisation || "" }),
          el("p", { class: "key-fp-label", text: t("fingerprint") }),
          fingerprintNode(c.fingerprint.grouped),
        ),
        actions,
      );
    }),
  );
}

async function importContact(button) {
  ui.importError.textContent = "";
  try {
    const imported = await busy(button, () =>
      call("import_contact", {
        name: ui.importName.value,
        organisation: ui.importOrganisation.value,
        title: t("dialog_import_key"),
      }),
    );
    if (!imported) return;
    clearError();
    ui.importForm.reset();
    notify(imported.new ? "imported" : "already_contact", { name: imported.contact.name });
    await loadContacts();
    if (imported.new) trustChanged();
  } catch (err) {
    ui.importError.textContent = errorText(store.lang, err);
    ui.importError.dataset.kind = err.kind;
  }
}

function askTrust(contact) {
  trusting = contact;
  renderTrust();
  ui.trustDialog.showModal();
}

function renderTrust() {
  ui.trustLead.textContent = t("mark_verified_lead", { name: trusting.name });
  ui.trustFingerprint.replaceChildren(fingerprintNode(trusting.fingerprint.grouped, "big"));
}

async function markVerified() {
  const contact = trusting;
  try {
    await call("verify_contact", { fingerprint: contact.fingerprint.hex });
    ui.trustDialog.close();
    trusting = null;
    notify("marked_verified", { name: contact.name });
    await loadContacts();
    trustChanged();
  } catch (err) {
    ui.trustDialog.close();
    showError(err);
  }
}
