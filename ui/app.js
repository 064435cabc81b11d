// Tweevoud's window: the navigation on the left (behind a menu button on a narrow screen), one
// screen at a time in the middle, the UI language in the header; files dropped on the window
// are opened or verified.

import { call, listen } from "./ipc.js";
import { fieldCount, translateStatic } from "./i18n.js";
import { initAgreement, mayLeave, openDropped, openFromDialog, openVerified, refreshAgreement, startFromTemplate } from "./agreement.js";
import { initKeys, loadKeys, showKeyForm, showKeys } from "./keys.js";
import { initVerify, verifyDropped } from "./verify.js";
import { initArchive, refreshArchive } from "./archive.js";
import { el, onLanguage, setLanguage, showError, store, t } from "./store.js";

const VIEWS = ["home", "welcome", "agreement", "verify", "archive", "keys"];

const ui = {
  language: document.getElementById("language"),
  list: document.getElementById("template-list"),
  profile: document.querySelector(".profile"),
  profileDir: document.getElementById("profile-dir"),
  workspace: document.getElementById("workspace"),
  overlay: document.getElementById("drop-overlay"),
  openButton: document.getElementById("open-button"),
};

/** Shows one screen and marks where the user is in the navigation. */
function showView(name) {
  store.view = name;
  for (const view of VIEWS) {
    document.getElementById(`view-${view}`).hidden = view !== name;
  }
  for (const button of document.querySelectorAll(".nav-item[data-view]")) {
    button.setAttribute("aria-current", button.dataset.view === name ? "page" : "false");
  }
  markTemplate();
  document.body.dataset.view = name;
}

function renderTemplates() {
  const items = store.templates.map((summary) => {
    const button = el(
      "button",
      { type: "button", class: "nav-item template-item", dataset: { testid: "template-item", templateId: summary.id } },
      el("span", { class: "nav-item-title", text: summary.title }),
      el("span", {
        class: "nav-item-meta",
        text: `${t(`lang_${summary.language}`)} · ${fieldCount(store.lang, summary.fields.length)}`,
      }),
    );
    button.addEventListener("click", async () => {
      if (await startFromTemplate(summary.id)) store.openTemplate = summary.id;
      markTemplate();
    });
    return el("li", {}, button);
  });
  ui.list.replaceChildren(...items);
  markTemplate();
}

/** Marks the template of a new agreement on the desk, without rebuilding the list. */
function markTemplate() {
  for (const button of ui.list.querySelectorAll(".template-item")) {
    const selected = store.view === "agreement" && store.openTemplate === button.dataset.templateId;
    button.setAttribute("aria-current", selected ? "true" : "false");
  }
}

function applyLanguage(lang) {
  document.documentElement.lang = lang;
  ui.language.value = lang;
  translateStatic(document, lang);
  renderTemplates();
}

/** Shows the verify screen with the verdict on the file waiting (handed to the app). */
function verifyWaiting() {
  showView("verify");
  verifyDropped();
}

/** On a narrow screen the navigation folds away behind the menu button (ui/styles.css says
 *  below which width): the button opens and closes it; choosing anything in it, Escape, or a
 *  tap beside it closes it again. On a wide screen the button is not shown and this changes
 *  nothing. */
function initMenu() {
  const button = document.getElementById("menu-button");
  const sidebar = document.getElementById("sidebar");
  const isOpen = () => document.body.dataset.nav === "open";
  const setOpen = (open) => {
    document.body.dataset.nav = open ? "open" : "closed";
    button.setAttribute("aria-expanded", String(open));
  };
  button.addEventListener("click", () => setOpen(!isOpen()));
  sidebar.addEventListener("click", (e) => {
    if (e.target.closest("button")) setOpen(false);
  });
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && isOpen()) {
      setOpen(false);
      button.focus();
    }
  });
  document.addEventListener("pointerdown", (e) => {
    if (isOpen() && !sidebar.contains(e.target) && !button.contains(e.target)) setOpen(false);
  });
  setOpen(false);
}

/** Files dropped on the window: verified on the verify screen, opened anywhere else. A close
 *  request held back for unsaved work: asked about, then closed if the user agrees. */
function listenForDrops() {
  listen("close-requested", async () => {
    if (await mayLeave()) call("quit");
  });
  listen("drag-hover", (e) => {
    ui.overlay.hidden = !e.payload;
    ui.overlay.querySelector("p").textContent = t(store.view === "verify" ? "drop_here_verify" : "drop_here");
  });
  // Work that takes long (a large file, a key's passphrase) shows that the app is at it; the
  // window itself never waits for it.
  const working = document.getElementById("working");
  let shown = null;
  listen("working", (e) => {
    if (e.payload > 0) {
      if (shown === null) shown = setTimeout(() => (working.hidden = false), 300);
    } else {
      clearTimeout(shown);
      shown = null;
      working.hidden = true;
    }
  });
  // A file opened from the file manager while the window is open: verified, whatever screen
  // is showing (the desk keeps its agreement).
  listen("file-handed", () => verifyWaiting());
  listen("file-dropped", () => {
    ui.overlay.hidden = true;
    if (store.view === "verify") {
      verifyDropped();
    } else {
      openDropped().then(markTemplate);
    }
  });
}

async function start() {
  // Asked first, so that the answers are on their way while the window sets itself up.
  const first = Promise.all([call("app_info"), call("list_templates"), loadKeys()]);
  ui.language.addEventListener("change", () => setLanguage(ui.language.value));
  onLanguage(applyLanguage);
  applyLanguage(store.lang);
  for (const button of document.querySelectorAll(".nav-item[data-view]")) {
    button.addEventListener("click", () => {
      if (button.dataset.view === "keys") showKeys();
      else if (button.dataset.view === "archive") {
        showView("archive");
        refreshArchive();
      } else showView(button.dataset.view);
    });
  }
  initMenu();
  ui.openButton.addEventListener("click", () => openFromDialog(ui.openButton).then(markTemplate));
  initAgreement(showView);
  initVerify(() => openVerified().then(markTemplate));
  initArchive();
  initKeys(showView, {
    created: () => showView("home"),
    open: (button) => openFromDialog(button).then(markTemplate),
    trust: refreshAgreement,
  });
  listenForDrops();
  // The first screen is drawn once its data is in: the welcome screen straight away on a first
  // start, not the home screen first.
  try {
    const [info, templates, keys] = await first;
    // The browser edition keeps no profile directory and no archive.
    document.body.dataset.edition = info.edition || "desktop";
    // Where the browser edition keeps keys and contacts (ui/web.js): "origin" or "tab".
    document.body.dataset.storage = info.storage || "";
    if (info.data_dir) {
      ui.profileDir.textContent = info.data_dir;
      ui.profileDir.title = info.data_dir;
      ui.profile.hidden = false;
    }
    store.templates = templates;
    renderTemplates();
    if (info.waiting_file) verifyWaiting();
    else if (keys.length === 0) showKeyForm(true);
    else showView("home");
  } catch (err) {
    showView("home");
    showError(err);
  }
  document.body.dataset.ready = "true";
}

start();
