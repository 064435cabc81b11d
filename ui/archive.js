// The archive: every agreement stored, searchable by customer, enterprise number or text; one
// agreement's details, its audit trail and the archive's log; its exemplars opened in the
// system's PDF viewer; the whole archive verified. It says which archive it is: the profile's
// own, or the team archive the profile is connected to (the desk opens whichever it is).

import { errorText } from "./i18n.js";
import { call } from "./ipc.js";
import { fact } from "./signatures.js";
import { busy, clearError, el, fingerprintNode, formatTime, notify, onLanguage, partyName, showError, store, t } from "./store.js";

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
  where: document.getElementById("archive-where"),
  problem: document.getElementById("archive-problem"),
  verify: document.getElementById("archive-verify"),
  report: document.getElementById("archive-report"),
  grid: document.getElementById("archive-grid"),
};

let rows = [];
let searched = false;
let selected = null;
let details = null;
/** Which archive this is (`{kind: "local", dir}` or `{kind: "team", database, objects, pinned}`). */
let where = null;
/** Why the archive cannot be shown, if it cannot: the command's error. */
let problem = null;
/** The last verification's report. */
let report = null;

export function initArchive() {
  ui.form.addEventListener("submit", (e) => {
    e.preventDefault();
    load(ui.query.value);
  });
  ui.verify.addEventListener("click", verifyArchive);
  onLanguage(() => {
    renderWhere();
    renderProblem();
    renderReport();
    renderList();
    if (details) renderDetails();
  });
}

/** Shows the archive, freshly listed, and which archive it is (an earlier verification's
 * report is put away: the archive may have changed since). */
export async function refreshArchive() {
  report = null;
  renderReport();
  await Promise.all([loadWhere(), load(ui.query.value)]);
}

async function loadWhere() {
  try {
    where = await call("archive_place");
  } catch (err) {
    // The profile's record of its team archive cannot be read: said where the list would be.
    where = null;
    problem = err;
    renderProblem();
  }
  renderWhere();
}

function renderWhere() {
  ui.where.hidden = !where;
  if (!where) return;
  ui.where.dataset.kind = where.kind;
  if (where.kind === "team") {
    const address = (text) => el("span", { class: "archive-where-address", text });
    ui.where.replaceChildren(
      el("strong", { text: t("archive_team") }),
      ` — ${t("archive_team_database")} `,
      address(where.database),
      `, ${t("archive_team_bucket")} `,
      address(where.objects),
      `. ${t(where.pinned ? "archive_team_shared" : "archive_team_unpinned")}`,
    );
  } else {
    ui.where.replaceChildren(`${t("archive_local")} `, el("span", { class: "archive-where-address", text: where.dir }));
  }
}

async function load(query) {
  try {
    rows = await call("list_archive", { query: query.trim() ? query : null });
    searched = query.trim() !== "";
    problem = null;
    renderProblem();
    clearError();
    renderList();
    if (rows.length && (!selected || !rows.some((r) => r.id === selected))) await select(rows[0].id);
    if (!rows.length) {
      selected = null;
      details = null;
      ui.details.hidden = true;
    }
  } catch (err) {
    // Said on this screen, in place of a list (and a report) that cannot be had; the rest of
    // the app goes on.
    rows = [];
    selected = null;
    details = null;
    ui.details.hidden = true;
    report = null;
    renderReport();
    problem = err;
    renderProblem();
  }
}

function renderProblem() {
  ui.problem.hidden = !problem;
  ui.grid.hidden = Boolean(problem);
  if (!problem) return;
  ui.problem.dataset.kind = problem.kind || "";
  const parts = [el("strong", { text: t("archive_unavailable") }), " ", errorText(store.lang, problem)];
  // The core's own words (English), naming the place without any secret.
  if (problem.message) parts.push(el("span", { class: "archive-problem-detail", text: t("labelled", { label: t("reason_detail"), text: problem.message }) }));
  ui.problem.replaceChildren(...parts);
}

async function verifyArchive() {
  try {
    report = await busy(ui.verify, () => call("verify_archive"), "archive_verifying");
    clearError();
  } catch (err) {
    report = null;
    showError(err);
  }
  renderReport();
}

function renderReport() {
  ui.report.hidden = !report;
  if (!report) return;
  const sound = report.problems.length === 0;
  ui.report.dataset.sound = String(sound);
  const title = sound
    ? t("archive_verify_sound", { agreements: report.agreements, objects: report.objects, signatures: report.signatures, entries: report.log_entries })
    : t("archive_verify_problems", { n: report.problems.length });
  const parts = [el("p", { class: "archive-report-title", dataset: { testid: "archive-report-title" }, text: title })];
  // Each problem by its code, with the core's sentence (English); notes are not problems.
  if (report.problems.length) parts.push(el("ul", {}, ...report.problems.map((p) => el("li", { dataset: { code: p.code }, text: `${p.code}: ${p.message}` }))));
  if (report.notes.length) parts.push(el("ul", { class: "archive-report-notes" }, ...report.notes.map((n) => el("li", { text: n }))));
  ui.report.replaceChildren(...parts);
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
