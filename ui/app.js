// Tweevoud's window: the templates on the left, the chosen one's text as a paper page in the
// middle, and the UI language in the header.

import { call } from "./ipc.js";
import { LANGUAGES, fieldCount, preferredLanguage, t, translateStatic } from "./i18n.js";
import { labelBlanks, renderDocument } from "./document.js";

const PARTIES = ["provider", "customer"];

const ui = {
  language: document.getElementById("language"),
  list: document.getElementById("template-list"),
  profile: document.querySelector(".profile"),
  profileDir: document.getElementById("profile-dir"),
  workspace: document.getElementById("workspace"),
  error: document.getElementById("error"),
  empty: document.getElementById("empty"),
  view: document.getElementById("template-view"),
  title: document.getElementById("template-title"),
  textLanguage: document.getElementById("template-language"),
  fingerprint: document.getElementById("template-fingerprint"),
  legend: document.getElementById("legend"),
  page: document.getElementById("document"),
};

const state = {
  lang: preferredLanguage(navigator.languages?.length ? navigator.languages : [navigator.language]),
  templates: [],
  /** The open template: `{summary, document, fields: Map<id, field>}`, or null. */
  open: null,
  /** What went wrong last, as `{key, message}`, or null. */
  error: null,
};

function setLanguage(lang) {
  if (!LANGUAGES.includes(lang)) return;
  state.lang = lang;
  document.documentElement.lang = lang;
  ui.language.value = lang;
  translateStatic(document, lang);
  renderList();
  renderOpen();
  renderError();
}

function renderList() {
  const items = state.templates.map((summary) => {
    const li = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "template-item";
    button.dataset.testid = "template-item";
    button.dataset.templateId = summary.id;

    const title = document.createElement("span");
    title.className = "template-item-title";
    title.textContent = summary.title;
    const meta = document.createElement("span");
    meta.className = "template-item-meta";
    meta.textContent = `${t(state.lang, `lang_${summary.language}`)} · ${fieldCount(state.lang, summary.fields.length)}`;
    button.append(title, meta);
    button.addEventListener("click", () => openTemplate(summary.id));
    li.append(button);
    return li;
  });
  ui.list.replaceChildren(...items);
  markSelected();
}

/** Marks the open template in the list without rebuilding it, so keyboard focus stays put. */
function markSelected() {
  for (const button of ui.list.querySelectorAll(".template-item")) {
    const selected = state.open?.summary.id === button.dataset.templateId;
    button.setAttribute("aria-current", selected ? "true" : "false");
  }
}

function renderOpen() {
  const open = state.open;
  ui.empty.hidden = open !== null;
  ui.view.hidden = open === null;
  if (!open) return;
  const { summary } = open;
  ui.title.textContent = summary.title;
  ui.textLanguage.textContent = t(state.lang, `lang_${summary.language}`);
  ui.fingerprint.textContent = groupHex(summary.sha256);
  ui.fingerprint.title = summary.sha256;
  for (const party of PARTIES) {
    const count = summary.fields.filter((f) => f.party === party).length;
    const item = ui.legend.querySelector(`[data-party="${party}"] .legend-text`);
    item.textContent = t(state.lang, "fills", {
      party: t(state.lang, `party_${party}`),
      count: fieldCount(state.lang, count),
    });
  }
  labelBlanks(ui.page, open.fields, state.lang);
}

function renderError() {
  ui.error.hidden = state.error === null;
  if (!state.error) return;
  const headline = document.createElement("strong");
  headline.textContent = t(state.lang, state.error.key);
  const detail = document.createElement("span");
  detail.className = "error-detail";
  detail.textContent = state.error.message;
  ui.error.replaceChildren(headline, " ", detail);
}

function showError(key, err) {
  state.error = { key, message: err.message, kind: err.kind };
  ui.error.dataset.kind = err.kind || "";
  renderError();
}

/** 64 hex digits as 16 groups of 4, so that people can compare them aloud. */
function groupHex(hex) {
  return hex.match(/.{1,4}/g).join(" ");
}

async function openTemplate(id) {
  try {
    const view = await call("open_template", { id });
    const fields = new Map(view.summary.fields.map((f) => [f.id, f]));
    state.open = { summary: view.summary, fields };
    state.error = null;
    renderError();
    renderDocument(ui.page, view.document, fields, state.lang);
    ui.page.lang = view.summary.language;
    renderOpen();
    markSelected();
    ui.workspace.scrollTop = 0;
  } catch (err) {
    showError("error_template", err);
  }
}

async function start() {
  ui.language.addEventListener("change", () => setLanguage(ui.language.value));
  setLanguage(state.lang);
  try {
    const [info, templates] = await Promise.all([call("app_info"), call("list_templates")]);
    ui.profileDir.textContent = info.data_dir;
    ui.profileDir.title = info.data_dir;
    ui.profile.hidden = false;
    state.templates = templates;
    renderList();
  } catch (err) {
    showError("error_templates", err);
  }
  document.body.dataset.ready = "true";
}

start();
