// What the whole window shares: the UI language, the keys, and small helpers to build DOM and
// show notices. Everything is put in through textContent: no markup from data is ever parsed.

import { LANGUAGES, errorText, firstProblemText, preferredLanguage, reasonDetail, t as translate } from "./i18n.js";

const STORED_LANGUAGE = "tweevoud.language";

function startLanguage() {
  try {
    const saved = localStorage.getItem(STORED_LANGUAGE);
    if (LANGUAGES.includes(saved)) return saved;
  } catch (_) {
    // No storage: follow the system.
  }
  return preferredLanguage(navigator.languages?.length ? navigator.languages : [navigator.language]);
}

export const store = {
  lang: startLanguage(),
  keys: [],
  templates: [],
  view: "home",
  /** The labels of the open agreement's blanks, by id, to name a blank in a reason. */
  labels: {},
};

const languageListeners = [];

/** Calls `fn` whenever the UI language changes. */
export function onLanguage(fn) {
  languageListeners.push(fn);
}

export function setLanguage(lang) {
  if (!LANGUAGES.includes(lang)) return;
  store.lang = lang;
  try {
    localStorage.setItem(STORED_LANGUAGE, lang);
  } catch (_) {
    // Not remembered; still switched.
  }
  for (const fn of languageListeners) fn(lang);
}

/** A string in the current UI language. */
export function t(key, params) {
  return translate(store.lang, key, params);
}

/** `document.createElement` with attributes (`text`, `class`, `dataset`, others) and children. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "text") node.textContent = value;
    else if (name === "class") node.className = value;
    else if (name === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  node.append(...children.filter((c) => c !== null && c !== undefined && c !== false));
  return node;
}

/** A grouped fingerprint on two lines of eight groups, so it can be read aloud and compared. */
export function fingerprintNode(grouped, extraClass = "") {
  const groups = grouped.split(" ");
  const node = el("span", { class: `fingerprint ${extraClass}`.trim(), title: grouped.replace(/ /g, "") });
  node.append(
    el("span", { class: "fp-line", text: groups.slice(0, 8).join(" ") }),
    " ",
    el("span", { class: "fp-line", text: groups.slice(8).join(" ") }),
  );
  return node;
}

/** A party's name in the current language: "Dienstverlener", or lower case inside a sentence. */
export function partyName(party, lower = false) {
  return t(lower ? `party_${party}_lower` : `party_${party}`);
}

/** "2026-11-23T10:00:00+01:00" as a local date and time in the UI language. */
export function formatTime(rfc3339) {
  const d = new Date(rfc3339);
  if (Number.isNaN(d.getTime())) return rfc3339;
  const locale = { nl: "nl-BE", fr: "fr-BE", en: "en-GB" }[store.lang];
  return d.toLocaleString(locale, { dateStyle: "long", timeStyle: "short" });
}

/** "2026-11-23" as a date in the UI language. */
export function formatDate(ymd) {
  const d = new Date(`${ymd}T12:00:00`);
  if (Number.isNaN(d.getTime())) return ymd;
  const locale = { nl: "nl-BE", fr: "fr-BE", en: "en-GB" }[store.lang];
  return d.toLocaleDateString(locale, { dateStyle: "long" });
}

// ---- notices ----

const errorBox = document.getElementById("error");
const noticeBox = document.getElementById("notice");
let lastError = null;
let noticeTimer = 0;
let lastNotice = null;

function renderError() {
  errorBox.hidden = lastError === null;
  if (!lastError) return;
  const headline = el("strong", { class: "toast-title", text: errorText(store.lang, lastError) });
  // The core's reason in the UI language when there is one; the core's own (English) words
  // only as a technical detail below it.
  const parts = [headline];
  const reason = lastError.reason;
  // "Not a Tweevoud file" says no more than the headline: only its detail is shown.
  if (reason && reason.reason.code !== "not_tweevoud") parts.push(el("span", { class: "toast-reason", dataset: { testid: "error-reason" }, text: firstProblemText(store.lang, reason, store.labels) }));
  const detail = reason ? reasonDetail(reason) : lastError.message;
  if (detail) {
    parts.push(el("span", { class: "toast-detail", text: t("labelled", { label: t("reason_detail"), text: detail }) }));
  }
  const close = el("button", { type: "button", class: "toast-close", "aria-label": t("close"), text: "×" });
  close.addEventListener("click", clearError);
  errorBox.replaceChildren(...parts, close);
  errorBox.dataset.kind = lastError.kind || "";
}

/** Shows what went wrong, in the UI language, with the core's own words below. */
export function showError(err) {
  lastError = { kind: err.kind || "unknown", message: err.message || String(err), params: err.params, problem: err.problem, reason: err.reason };
  renderError();
}

export function clearError() {
  lastError = null;
  renderError();
}

function renderNotice() {
  noticeBox.hidden = lastNotice === null;
  if (lastNotice) noticeBox.textContent = t(lastNotice.key, lastNotice.params);
}

/** A short confirmation that goes away by itself. */
export function notify(key, params = {}) {
  lastNotice = { key, params };
  renderNotice();
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => {
    lastNotice = null;
    renderNotice();
  }, 6000);
}

onLanguage(() => {
  renderError();
  renderNotice();
});

/** Runs `work` with `button` disabled and showing its spinner; returns what `work` returns. */
export async function busy(button, work, labelKey) {
  const label = button.querySelector(".button-label");
  const before = label?.dataset.i18n;
  button.disabled = true;
  button.classList.add("busy");
  button.setAttribute("aria-busy", "true");
  if (label && labelKey) label.textContent = t(labelKey);
  try {
    return await work();
  } finally {
    button.disabled = false;
    button.classList.remove("busy");
    button.removeAttribute("aria-busy");
    if (label && before) label.textContent = t(before);
  }
}

// ---- "discard unsaved changes?" ----

const discard = {
  dialog: document.getElementById("discard-dialog"),
  text: document.getElementById("discard-text"),
  keep: document.getElementById("discard-keep"),
  confirm: document.getElementById("discard-confirm"),
};

/** Asks whether to put away `name` with unsaved changes; resolves to the answer. */
export function confirmDiscard(name) {
  discard.text.textContent = t("discard_text", { name });
  return new Promise((resolve) => {
    const done = (answer) => {
      discard.keep.onclick = null;
      discard.confirm.onclick = null;
      discard.dialog.onclose = null;
      if (discard.dialog.open) discard.dialog.close();
      resolve(answer);
    };
    discard.keep.onclick = () => done(false);
    discard.confirm.onclick = () => done(true);
    discard.dialog.onclose = () => done(false);
    discard.dialog.showModal();
    discard.keep.focus();
  });
}
