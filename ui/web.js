// The browser edition's side of the one door (ipc.js): the core compiled to WebAssembly
// (web/, the crate tweevoud-web), in this page, with nothing sent anywhere.
//
// Commands go to the core under the names the desktop app uses. Where the desktop shows a
// native file dialog, the page asks for a file here (a file input) or hands one to the
// browser to download, and the core gets or gives the bytes. What the browser keeps between
// visits is the core's `saved()`: the keys, encrypted with their passphrases, and the
// contacts' public keys; never a passphrase, never a secret in the clear.
//
// It keeps them only where no other page can write: served over http(s), from an address (an
// origin) of its own. Opened from disk (file://), every local HTML file the browser opens
// shares the page's storage, and could read what it keeps or write into it a "verified"
// contact or a key of its choosing; so there the page keeps nothing and reads nothing kept:
// keys and contacts last as long as the tab, and the user's files (the key file, the
// contacts' public keys) bring them back.

import { useWebBackend } from "./ipc.js";
import { t } from "./store.js";
import init, { Desk } from "./pkg/tweevoud_web.js";
import { wasmSource } from "./pkg/tweevoud_web_wasm.js";

/** Where the browser keeps the keys and contacts, when it keeps them. */
const STORAGE = "tweevoud.browser-profile";

/**
 * Whether this page keeps keys and contacts between visits: only when it is served over
 * http(s), from an origin whose storage is its own. From disk (`file:`), or from any other
 * kind of address, the storage is shared with pages the user did not choose: nothing that
 * grants trust (a key, a verified contact) is read from it or written to it.
 */
const KEEPS = (location.protocol === "https:" || location.protocol === "http:") && location.origin !== "null";

/** The event listeners, by event name, as Tauri's `listen` would call them. */
const listeners = new Map();

let desk = null;
/** The file last dropped on the page, or last chosen to verify: `{name, bytes}`. */
let dropped = null;
/** Whether the agreement on the desk has changes not downloaded yet. */
let unsaved = false;
/** Where nothing is kept: the keys made here whose key file was not saved yet (hex fingerprints). */
const unkeptKeys = new Set();

function emit(name, payload) {
  for (const handler of listeners.get(name) || []) handler({ payload });
}

async function listen(name, handler) {
  if (!listeners.has(name)) listeners.set(name, []);
  listeners.get(name).push(handler);
}

/** Bytes as base64, the way the core takes and gives them. */
function toBase64(bytes) {
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    text += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  }
  return btoa(text);
}

function fromBase64(text) {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

/** Runs a core command; a refusal is thrown as the error object the desktop app sends. */
function core(command, args = {}) {
  let answer;
  try {
    answer = JSON.parse(desk.call(command, JSON.stringify(args)));
  } catch (e) {
    let error;
    try {
      error = JSON.parse(e.message);
    } catch {
      error = { kind: "unknown", message: String(e && e.message ? e.message : e) };
    }
    throw error;
  }
  if (answer && typeof answer === "object" && typeof answer.saved === "boolean" && answer.verification) {
    unsaved = !answer.saved;
  }
  return answer;
}

/** Keeps what the core says is to be kept, after a key or a contact changed: where it keeps. */
function persist() {
  if (KEEPS) localStorage.setItem(STORAGE, desk.saved());
}

/** Asks the user for a file through the page's file input; `null` if none was chosen. */
function pickFile(accept) {
  const input = document.getElementById("web-file");
  input.accept = accept;
  input.value = "";
  return new Promise((resolve) => {
    const done = (file) => {
      input.removeEventListener("change", changed);
      input.removeEventListener("cancel", cancelled);
      resolve(file);
    };
    const changed = () => done(input.files && input.files[0] ? input.files[0] : null);
    const cancelled = () => done(null);
    input.addEventListener("change", changed);
    input.addEventListener("cancel", cancelled);
    input.click();
  });
}

async function fileBytes(file) {
  return { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) };
}

/** Hands `data` to the browser to save as `name`. */
function download(name, data, type) {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** The file dropped (or chosen) last, taken. */
function takeDropped() {
  const file = dropped;
  dropped = null;
  if (!file) throw { kind: "nothing_dropped", message: "no file was dropped on the page" };
  return file;
}

/** The desktop app's commands, as the browser edition does them. */
async function call(command, args = {}) {
  switch (command) {
    case "open_agreement": {
      const file = await pickFile(".tweevoud,.pdf,.json");
      if (!file) return null;
      const { name, bytes } = await fileBytes(file);
      return core("open_bytes", { name, bytes: toBase64(bytes) });
    }
    case "open_dropped": {
      const { name, bytes } = takeDropped();
      return core("open_bytes", { name, bytes: toBase64(bytes) });
    }
    case "verify_file": {
      const file = await pickFile(".tweevoud,.pdf,.json,*");
      if (!file) return null;
      const { name, bytes } = await fileBytes(file);
      return core("verify_bytes", { name, bytes: toBase64(bytes) });
    }
    case "verify_dropped": {
      const { name, bytes } = takeDropped();
      return core("verify_bytes", { name, bytes: toBase64(bytes) });
    }
    case "save_agreement": {
      const saved = core("agreement_file");
      download(saved.file_name, saved.text, "application/json");
      return saved.view;
    }
    case "export_exemplars": {
      // Sealed right after signing here, else by the key and passphrase given (the window
      // asks for them when the core answers seal_key_needed).
      const files = core("exemplar_files", { key: args.key, passphrase: args.passphrase });
      for (const f of files) download(f.file_name, fromBase64(f.bytes), "application/pdf");
      return files.map((f) => f.file_name);
    }
    case "export_public_key": {
      const file = core("public_key_file", { fingerprint: args.fingerprint });
      download(file.file_name, file.text, "application/x-pem-file");
      return file.file_name;
    }
    case "save_key_file": {
      const file = core("secret_key_file", { fingerprint: args.fingerprint });
      download(file.file_name, file.text, "application/x-pem-file");
      unkeptKeys.delete(args.fingerprint);
      return file.file_name;
    }
    case "load_key_file": {
      const file = await pickFile(".pem,.key,*");
      if (!file) return null;
      const key = core("load_key_file", { text: await file.text(), passphrase: args.passphrase, name: args.name });
      persist();
      return key;
    }
    case "import_contact": {
      const file = await pickFile(".pem,.pub,.txt,*");
      if (!file) return null;
      const imported = core("import_contact_text", { text: await file.text(), name: args.name, organisation: args.organisation });
      persist();
      return imported;
    }
    case "create_key": {
      const key = core(command, args);
      persist();
      if (!KEEPS) unkeptKeys.add(key.fingerprint.hex);
      return key;
    }
    case "verify_contact":
    case "remember_signer": {
      const answer = core(command, args);
      persist();
      return answer;
    }
    case "app_info":
      // Where the keys and contacts are kept, for the window to say: `origin` (this
      // browser, for this address only) or `tab` (nowhere; they go with the tab).
      return { ...core("app_info"), storage: KEEPS ? "origin" : "tab" };
    case "quit":
      unsaved = false;
      window.close();
      return null;
    default:
      return core(command, args);
  }
}

/** Files dropped on the page, told to the window as the desktop app tells it. */
function watchDrops() {
  let depth = 0;
  document.addEventListener("dragenter", (e) => {
    e.preventDefault();
    if (depth++ === 0) emit("drag-hover", true);
  });
  document.addEventListener("dragover", (e) => e.preventDefault());
  document.addEventListener("dragleave", () => {
    if (--depth === 0) emit("drag-hover", false);
  });
  document.addEventListener("drop", async (e) => {
    e.preventDefault();
    depth = 0;
    emit("drag-hover", false);
    const file = e.dataTransfer && e.dataTransfer.files[0];
    if (!file) return;
    dropped = await fileBytes(file);
    emit("file-dropped", file.name);
  });
  // Leaving the page with changes not downloaded, or (where nothing is kept) with a key made
  // here whose file was not saved: the browser asks.
  window.addEventListener("beforeunload", (e) => {
    if (unsaved || unkeptKeys.size > 0) e.preventDefault();
  });
}

/**
 * What shows while the WebAssembly starts (scripts/web.py puts it first in the page, a line in
 * each language, for the first paint, before any script runs): from here on, one line in the
 * reader's language. ui/web.css hides it once the first screen is ready.
 */
function startingInOneLanguage() {
  const starting = document.getElementById("web-starting");
  if (!starting) return;
  const line = document.createElement("p");
  line.textContent = t("page_starting");
  starting.replaceChildren(line);
}

async function start() {
  startingInOneLanguage();
  // Compiled as it arrives: fetched in the static folder, decoded from the page in the
  // single file (see scripts/web.py).
  await init({ module_or_path: wasmSource() });
  // From disk, what the shared storage holds under STORAGE (an earlier version's keys, or what
  // another page wrote there) is neither read nor touched.
  const saved = KEEPS ? localStorage.getItem(STORAGE) || "" : "";
  try {
    desk = new Desk(saved);
  } catch {
    // What the browser kept cannot be read (changed by hand, or by another program): it is
    // kept aside, untouched, and the page starts without keys; a key file loads them again.
    localStorage.setItem(`${STORAGE}.unreadable.${Date.now()}`, saved);
    localStorage.removeItem(STORAGE);
    desk = new Desk("");
  }
  watchDrops();
  return { call, listen };
}

useWebBackend(start());
