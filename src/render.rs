//! The canonical text of an agreement: the template's body with the values put in.
//!
//! This text is what a signer sees and what its SHA-256 commits to, so it is defined to the
//! byte (see `docs/templates.md`, "Rendering"):
//!
//! - blocks are separated by one empty line (`"\n\n"`), and the text ends with one `"\n"`;
//! - a title, heading, sub-heading or paragraph is its one line of text;
//! - a bullet is `"• "` followed by its text;
//! - a group of kept lines is its lines joined by `"\n"`;
//! - a filled blank shows its value as [`Kind::display`](crate::Kind::display) words it in the
//!   template's language; an open blank shows as `"[label]"`, the label in that language.
//!
//! The template text is NFC and values are NFC, so the result is NFC.

use crate::template::{Block, BlockKind, Span, Template};

/// Where a blank stands in a rendered line: its value, or nothing yet.
pub(crate) fn blank_text(template: &Template, id: &str, value: Option<&str>) -> String {
    let language = template.language();
    match (template.blank(id), value) {
        (Some(blank), Some(v)) => blank.kind.display(v, language),
        (Some(blank), None) => format!("[{}]", blank.label.get(language)),
        // Templates are checked: every blank marker names a declared blank.
        (None, Some(v)) => v.to_string(),
        (None, None) => format!("[{id}]"),
    }
}

/// One line of a block, with the values looked up by `value_of`.
pub(crate) fn render_line<'v>(
    template: &Template,
    spans: &[Span],
    value_of: &impl Fn(&str) -> Option<&'v str>,
) -> String {
    let mut out = String::new();
    for span in spans {
        match span {
            Span::Text { text } => out.push_str(text),
            Span::Blank { id } => out.push_str(&blank_text(template, id, value_of(id))),
        }
    }
    out
}

/// One block as text (without the separating empty line).
pub(crate) fn render_block<'v>(
    template: &Template,
    block: &Block,
    value_of: &impl Fn(&str) -> Option<&'v str>,
) -> String {
    let lines: Vec<String> = block
        .lines
        .iter()
        .map(|l| render_line(template, l, value_of))
        .collect();
    match block.kind {
        BlockKind::Bullet => format!("• {}", lines.join(" ")),
        BlockKind::Lines => lines.join("\n"),
        _ => lines.join(" "),
    }
}

/// The whole canonical text.
pub fn render_text<'v>(template: &Template, value_of: impl Fn(&str) -> Option<&'v str>) -> String {
    let mut out = String::new();
    for (i, block) in template.blocks().iter().enumerate() {
        if i > 0 {
            out.push_str("\n\n");
        }
        out.push_str(&render_block(template, block, &value_of));
    }
    out.push('\n');
    out
}
