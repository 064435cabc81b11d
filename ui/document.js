// Renders an agreement's text as a paper page: its blocks of lines, with each blank where it
// stands in the text — an input when the acting party may fill it, the value once filled, or
// the blank's label while it waits for the other party — marked with the party that fills it.
// Everything goes in through textContent: no markup from data is ever parsed.

import { t } from "./i18n.js";

const BLOCK_TAGS = {
  title: "h1",
  heading: "h2",
  subheading: "h3",
  paragraph: "p",
  bullet: "p",
};

let messageIds = 0;

/**
 * Fills `container` with the blocks of `view` (an AgreementView from the core). Blanks in
 * `editable` become inputs; `on.input(slot)` and `on.commit(slot)` are called as they are
 * typed in and left.
 */
export function renderDocument(container, view, editable, lang, on) {
  const ctx = {
    fields: new Map(view.summary.fields.map((f) => [f.id, f])),
    values: new Map(view.values.map((v) => [v.blank, v])),
    editable,
    on,
  };
  container.replaceChildren(...view.blocks.map((block) => renderBlock(block, ctx)));
  container.lang = view.summary.language;
  labelBlanks(container, ctx.fields, lang);
}

function renderBlock(block, ctx) {
  if (block.kind === "lines") {
    const el = document.createElement("div");
    el.className = "block block-lines";
    for (const line of block.lines) {
      const row = document.createElement("div");
      row.className = "line";
      row.append(...renderSpans(line, ctx));
      el.append(row);
    }
    return el;
  }
  const el = document.createElement(BLOCK_TAGS[block.kind] || "p");
  el.className = `block block-${block.kind}`;
  for (const line of block.lines) {
    el.append(...renderSpans(line, ctx));
  }
  return el;
}

function renderSpans(spans, ctx) {
  return spans.map((span) => {
    if (span.type === "blank") return renderBlank(span.id, ctx);
    return document.createTextNode(span.text);
  });
}

function renderBlank(id, ctx) {
  const field = ctx.fields.get(id);
  const value = ctx.values.get(id);
  const canEdit = field && ctx.editable.has(id);
  const el = document.createElement("span");
  el.dataset.testid = "blank";
  el.dataset.field = id;
  el.dataset.party = field ? field.party : "unknown";
  if (field) {
    el.dataset.kind = field.kind;
    if (field.required) el.dataset.required = "";
  }
  if (canEdit) {
    el.className = "blank-slot";
    const input = document.createElement(field.kind === "multiline" ? "textarea" : "input");
    input.className = "blank-input";
    input.dataset.testid = "blank-input";
    input.dataset.field = id;
    input.spellcheck = false;
    input.autocomplete = "off";
    input.value = value ? value.value : "";
    const message = document.createElement("span");
    message.className = "blank-message";
    message.dataset.testid = "blank-message";
    message.id = `blank-message-${++messageIds}`;
    message.setAttribute("role", "status");
    input.setAttribute("aria-describedby", message.id);
    el.dataset.state = value ? "filled" : "empty";
    el.append(input, message);
    input.addEventListener("input", () => {
      fitInput(input);
      ctx.on.input(el);
    });
    input.addEventListener("change", () => ctx.on.commit(el));
    if (input.tagName === "INPUT") {
      input.addEventListener("keydown", (e) => {
        if (e.key === "Enter") {
          e.preventDefault();
          ctx.on.commit(el);
        }
      });
    }
    return el;
  }
  el.className = "blank";
  if (value) {
    el.classList.add("filled");
    el.dataset.filled = "";
    el.textContent = value.display;
  }
  return el;
}

/** Writes every blank's label and description in `lang`, and sizes the inputs. */
export function labelBlanks(container, fields, lang) {
  for (const el of container.querySelectorAll("[data-testid='blank']")) {
    const field = fields.get(el.dataset.field);
    if (!field) {
      el.textContent = `{{${el.dataset.field}}}`;
      el.title = t(lang, "unknown_blank");
      continue;
    }
    const label = field.label[lang] || field.label.en;
    const description = describeField(field, lang);
    const input = el.querySelector(".blank-input");
    if (input) {
      input.placeholder = label;
      input.setAttribute("aria-label", `${label} (${description})`);
      input.title = description;
      fitInput(input);
    } else if (!el.hasAttribute("data-filled")) {
      el.textContent = label;
      el.title = description;
    } else {
      el.title = `${label} · ${description}`;
    }
  }
}

/** Sizes an input to its text or its label, whichever is longer, so the text flows around it. */
export function fitInput(input) {
  const text = input.value || input.placeholder || "";
  if (input.tagName === "TEXTAREA") {
    const lines = text.split("\n");
    input.rows = Math.max(2, lines.length);
    input.cols = Math.max(14, ...lines.map((l) => l.length + 2));
  } else {
    input.size = Math.max(6, text.length + 2);
  }
}

/** "Klant · ondernemingsnummer · verplicht": who, what, and whether it must be filled. */
export function describeField(field, lang) {
  const parts = [t(lang, `party_${field.party}`), t(lang, `kind_${field.kind}`)];
  if (field.auto === "signing_date") parts.push(t(lang, "auto_signing_date"));
  else parts.push(t(lang, field.required ? "required" : "optional"));
  if (field.default) parts.push(t(lang, "default_value", { value: field.default }));
  return parts.join(" · ");
}
