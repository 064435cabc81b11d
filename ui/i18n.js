// The words of the user interface in the three languages Tweevoud speaks (ui/words/*.json),
// and how they are put together. The agreement text itself is never translated here: it is
// shown in the language its template is written in; only the labels of its blanks follow the
// UI language (the core provides them).

export const LANGUAGES = ["nl", "fr", "en"];

/**
 * The words, by language: key -> string, from ui/words/<lang>.json. The browser edition's
 * pages carry them inline (`<script type="application/json" id="words-<lang>">`, written by
 * scripts/web.py: the single file asks for nothing); the desktop app fetches them from its
 * own files. Every module that words anything imports this one, so nothing is drawn before
 * they are in.
 */
const STRINGS = Object.fromEntries(
  await Promise.all(LANGUAGES.map(async (lang) => [lang, await loadWords(lang)])),
);

/** The words of `lang`: from the page when it carries them, else from words/<lang>.json. */
async function loadWords(lang) {
  const inline = document.getElementById(`words-${lang}`);
  if (inline) return JSON.parse(inline.textContent);
  const response = await fetch(`words/${lang}.json`);
  if (!response.ok) throw new Error(`words/${lang}.json: ${response.status}`);
  return response.json();
}

/** The UI language to start in: the first of the user's languages that Tweevoud speaks. */
export function preferredLanguage(languages) {
  for (const tag of languages || []) {
    const base = String(tag).toLowerCase().split(/[-_]/)[0];
    if (LANGUAGES.includes(base)) return base;
  }
  return "en";
}

/** The string `key` in `lang`, with its `{name}` parameters filled from `params`. */
export function t(lang, key, params = {}) {
  const table = STRINGS[lang] || STRINGS.en;
  const text = table[key] ?? STRINGS.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
}

/** Whether `key` has a string. */
export function has(key) {
  return key in STRINGS.en;
}

/** "1 field" or "n fields". */
export function fieldCount(lang, n) {
  return n === 1 ? t(lang, "fields_one") : t(lang, "fields_many", { n });
}

/**
 * What is wrong with a value, from the core's problem `{code, params, message}` (params:
 * `max`, `digits`, `expected`, `found`).
 */
export function problemText(lang, problem) {
  const key = `problem_${problem.code}`;
  return has(key) ? t(lang, key, problem.params || {}) : t(lang, "error_invalid_value");
}

/** `text` quoted the way `lang` quotes. */
function quoted(lang, text) {
  if (lang === "nl") return `„${text}”`;
  if (lang === "fr") return `« ${text} »`;
  return `“${text}”`;
}

function upperFirst(text) {
  return text.charAt(0).toLocaleUpperCase() + text.slice(1);
}

function lowerFirst(text) {
  return text.charAt(0).toLocaleLowerCase() + text.slice(1);
}

/**
 * Why verification fails, in words: the core's reason `{code, params, message}`. Parties are
 * named in `lang`, a blank by its label (`labels`: blank id -> `{nl, fr, en}`), an entry of
 * the agreement's history counted from 1. A code this UI does not know gives the core's
 * English words.
 */
export function reasonText(lang, reason, labels = {}) {
  const key = `reason_${reason.code}`;
  if (!has(key)) return reason.message || t(lang, "error_unknown");
  const params = { ...(reason.params || {}) };
  for (const name of ["party", "now", "signed_as"]) {
    if (params[name]) params[name] = t(lang, `party_${params[name]}_lower`);
  }
  if (params.blank) {
    const label = labels[params.blank];
    params.blank = quoted(lang, label ? label[lang] || label.en : params.blank);
  }
  if (params.entry !== undefined) params.n = Number(params.entry) + 1;
  if (params.state) params.state = t(lang, `reason_state_${params.state}`);
  // A timestamp that does not hold is a signature's or a seal's: named as such.
  if (reason.code.startsWith("timestamp_")) {
    params.of = params.seal !== undefined ? t(lang, "ts_of_seal", params) : t(lang, "ts_of_signature", params);
  }
  return upperFirst(t(lang, key, params));
}

/** The first problem `{signer, role, reason}` in words, naming the signature it concerns. */
export function firstProblemText(lang, first, labels = {}) {
  const reason = reasonText(lang, first.reason, labels);
  if (!first.signer) return reason;
  const party = t(lang, `party_${first.role}_lower`);
  return t(lang, "reason_signature_of", { name: first.signer, party, reason: lowerFirst(reason) });
}

/**
 * The reader's own words behind a refused file (English), when the reason has them: shown
 * below the reason as a technical detail.
 */
export function reasonDetail(first) {
  return (first && first.reason && first.reason.params && first.reason.params.detail) || "";
}

/** How strong a passphrase looks, from the core's `{level, reason: {code, params}}`. */
export function strengthText(lang, strength) {
  const key = `strength_reason_${strength.reason.code}`;
  return has(key) ? t(lang, key, strength.reason.params) : t(lang, `strength_${strength.level}`);
}

/**
 * A command error in words: the problem for an invalid value, else the sentence for its
 * `kind` (the core's code) with its `params`.
 */
export function errorText(lang, err) {
  if (err.kind === "invalid_value" && err.problem) return problemText(lang, err.problem);
  if (err.kind === "no_timestamp" && String((err.params || {}).tsas) === "0") return t(lang, "no_tsa_configured");
  const key = `error_${err.kind}`;
  if (has(key)) return t(lang, key, err.params || {});
  // A certificate's or a binding's problem (the eID) is worded as the reason it is elsewhere.
  if (has(`reason_${err.kind}`)) return reasonText(lang, { code: err.kind, params: err.params, message: err.message });
  return t(lang, "error_unknown");
}

/** Sets the text of every `[data-i18n]` element and the label of every `[data-i18n-aria]`. */
export function translateStatic(root, lang) {
  for (const el of root.querySelectorAll("[data-i18n]")) {
    el.textContent = t(lang, el.dataset.i18n);
  }
  for (const el of root.querySelectorAll("[data-i18n-aria]")) {
    el.setAttribute("aria-label", t(lang, el.dataset.i18nAria));
  }
  for (const el of root.querySelectorAll("[data-i18n-placeholder]")) {
    el.placeholder = t(lang, el.dataset.i18nPlaceholder);
  }
}
