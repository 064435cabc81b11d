// The archive: every agreement stored, searchable by customer, enterprise number or text; one
// agreement's details, its audit trail and the archive's log; its exemplars opened in the
// system's PDF viewer.

import { call } from "./ipc.js";
import { fact } from "./signatures.js";
import { clearError, el, fingerprintNode, formatTime, notify, onLanguage, partyName, showError, store, t } from "./store.js";

const ui = {
  form: document.getElementById("archive-search"),
  query: document.getElementById("archive-query"),
  count: document.getElementById("archive-count"),
  list: document.getElementById("archive-list"),
  details: document.getElementById("archive-details"),
  title: document.getElementById("archive-title"),
  status: document.getElementById("archive-status"),
  facts: document.getElementById("archive-facts"),
  exemplars: document.getElementById("archive-exemplars"),
  signatures: document.getElementById("archive-signatures"),
  trail: document.getElementById("archive-trail"),
  log: document.getElementById("archive-log"),
};

let rows = [];
let searched = false;
let selected = null;
let details = null;

export function initArchive() {
  ui.form.addEventListener("submit", (e) => {
    e.preventDefault();
    load(ui.query.value);
  });
  onLanguage(() => {
    renderList();
    if (details) renderDetails();
  });
}

/** Shows the archive, freshly listed. */
export async function refreshArchive() {
  await load(ui.query.value);
}

async function load(query) {
  try {
    rows = await call("list_archive", { query: query.trim() ? query : null });
    searched = query.trim() !== "";
    clearError();
    renderList();
    if (rows.length && (!selected || !rows.some((r) => r.id === selected))) await select(rows[0].id);
    if (!rows.length) {
      selected = null;
      details = null;
      ui.details.hidden = true;
    }
  } catch (err) {
    showError(err);
  }
}

function renderList() {
  const n = rows.length;
  ui.count.textContent = n === 0 ? t(searched ? "archive_count_none" : "archive_empty") : n === 1 ? t("archive_count_one") : t("archive_count_many", { n });
  ui.list.replaceChildren(
    ...rows.map((r) => {
      const button = el(
        "button",
        { type: "button", class: "archive-row", "aria-current": r.id === selected ? "true" : "false", dataset: { testid: "archive-row", id: r.id } },
        el("span", { class: "archive-row-title", text: r.customer || r.title }),
        el("span", { class: "badge", dataset: { status: r.status }, text: t(`status_${r.status}`) }),
        el("span", { class: "archive-row-meta", text: [r.title, r.customer_enterprise_number, r.signed ? formatTime(r.signed) : null].filter(Boolean).join(" · ") }),
      );
      button.addEventListener("click", () => select(r.id));
      return el("li", {}, button);
    }),
  );
}

async function select(id) {
  try {
    details = await call("archive_details", { id });
    selected = id;
    renderList();
    renderDetails();
  } catch (err) {
    showError(err);
  }
}

function renderDetails() {
  const d = details;
  ui.details.hidden = false;
  ui.details.dataset.id = d.id;
  ui.title.textContent = [d.title, d.customer].filter(Boolean).join(" — ");
  ui.status.textContent = t(`status_${d.status}`);
  ui.status.dataset.status = d.status;
  const facts = [
    fact(t("customer"), d.customer || "—"),
    fact(t("enterprise_number"), d.customer_enterprise_number || "—"),
    fact(t("signed_on"), d.signed ? formatTime(d.signed) : "—"),
    fact(t("archived_on"), formatTime(d.archived)),
    fact(t("text_fingerprint"), el("span", { class: "fingerprint", text: d.text_sha256_grouped })),
    fact(t("archive_id"), el("span", { class: "fingerprint", text: d.id_grouped })),
  ];
  ui.facts.replaceChildren(...facts);
  ui.exemplars.replaceChildren(
    ...d.exemplars.map((x) => {
      const button = el("button", { type: "button", class: "button", dataset: { testid: "open-exemplar", exemplar: x.id }, text: t("open_in_viewer") });
      button.addEventListener("click", () => openExemplar(d.id, x.id));
      return el("li", { class: "exemplar-item" }, el("span", { text: x.label }), button);
    }),
  );
  ui.signatures.replaceChildren(
    ...d.signatures.map((s, i) =>
      el(
        "li",
        { class: "plain-item" },
        el("strong", { text: s.name }),
        ` — ${s.function}, ${s.organisation} (${partyName(s.role, true)}) · ${formatTime(s.time)}`,
        fingerprintNode(d.fingerprints_grouped[i]),
      ),
    ),
  );
  ui.trail.replaceChildren(
    ...d.audit.map((e) =>
      el(
        "li",
        { class: "trail-item" },
        el("span", { class: "trail-time", text: formatTime(e.time) }),
        el("span", { text: `${t(`event_${e.event}`)} ${t("by_party", { party: partyName(e.party, true) })}` }),
        e.blanks.length ? el("span", { class: "trail-detail", text: e.blanks.map((id) => label(d.labels, id)).join(", ") }) : null,
      ),
    ),
  );
  ui.log.replaceChildren(
    ...d.history.map((e) =>
      el(
        "li",
        { class: "trail-item" },
        el("span", { class: "trail-time", text: formatTime(e.time) }),
        el("span", { text: t(`event_${e.event}`) }),
        el("span", { class: "trail-detail", text: `#${e.seq} · ${e.hash.slice(0, 16)}…${e.signature ? " · Ed25519" : ""}` }),
      ),
    ),
  );
}

async function openExemplar(id, exemplar) {
  try {
    const file = await call("open_exemplar", { id, exemplar });
    notify("opened_in_viewer", { file });
  } catch (err) {
    showError(err);
  }
}

/** A blank's label in the UI language, or its id if the template has none. */
function label(labels, id) {
  const l = labels[id];
  return l ? l[store.lang] || l.en : id;
}
