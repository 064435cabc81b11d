// Renders a template's text as a paper page: its blocks of lines, with each blank shown
// inline where it stands, marked with the party that fills it and labelled in the UI language.
// Everything goes in through textContent: no markup from data is ever parsed.

import { t } from "./i18n.js";

const BLOCK_TAGS = {
  title: "h1",
  heading: "h2",
  subheading: "h3",
  paragraph: "p",
  bullet: "p",
};

/**
 * Fills `container` with the blocks of `document`; `fields` maps blank ids to the field
 * summaries of the template (label, party, kind, required, default, auto).
 */
export function renderDocument(container, document, fields, lang) {
  const page = [];
  for (const block of document.blocks) {
    page.push(renderBlock(block, fields));
  }
  container.replaceChildren(...page);
  labelBlanks(container, fields, lang);
}

function renderBlock(block, fields) {
  if (block.kind === "lines") {
    const el = document.createElement("div");
    el.className = "block block-lines";
    for (const line of block.lines) {
      const row = document.createElement("div");
      row.className = "line";
      row.append(...renderSpans(line, fields));
      el.append(row);
    }
    return el;
  }
  const el = document.createElement(BLOCK_TAGS[block.kind] || "p");
  el.className = `block block-${block.kind}`;
  for (const line of block.lines) {
    el.append(...renderSpans(line, fields));
  }
  return el;
}

function renderSpans(spans, fields) {
  return spans.map((span) => {
    if (span.type === "blank") return renderBlank(span.id, fields.get(span.id));
    return document.createTextNode(span.text);
  });
}

function renderBlank(id, field) {
  const el = document.createElement("span");
  el.className = "blank";
  el.dataset.testid = "blank";
  el.dataset.field = id;
  if (field) {
    el.dataset.party = field.party;
    el.dataset.kind = field.kind;
    if (field.required) el.dataset.required = "";
  } else {
    el.dataset.party = "unknown";
  }
  return el;
}

/** Writes every blank's label and description in `lang`. */
export function labelBlanks(container, fields, lang) {
  for (const el of container.querySelectorAll(".blank")) {
    const field = fields.get(el.dataset.field);
    if (!field) {
      el.textContent = `{{${el.dataset.field}}}`;
      el.title = t(lang, "unknown_blank");
      continue;
    }
    el.textContent = field.label[lang] || field.label.en;
    el.title = describeField(field, lang);
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
