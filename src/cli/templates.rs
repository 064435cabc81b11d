//! `tweevoud template ...`

use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, Subcommand};
use tweevoud::template::{self, Detail, Template};
use tweevoud::{Coded, Language};

use super::{print_json, safe, shown, Outcome};

#[derive(Subcommand)]
pub enum TemplateCommand {
    /// List the built-in templates.
    List(ListArgs),
    /// Show a template: its parties, blanks and text.
    Show(ShowArgs),
    /// Check a template file (exit 1 if it is not valid).
    Check(CheckArgs),
}

#[derive(Args)]
pub struct ListArgs {
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct ShowArgs {
    /// A built-in template id, or a template file.
    template: String,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct CheckArgs {
    /// The template file.
    file: PathBuf,
}

pub fn run(cmd: TemplateCommand) -> Result<Outcome> {
    match cmd {
        TemplateCommand::List(a) => {
            let all = template::builtin();
            if a.json {
                print_json(&all.iter().map(Template::summary).collect::<Vec<_>>())?;
            } else {
                for t in &all {
                    outln!(
                        "{}\t{}\t{}\t{}",
                        safe(t.id()),
                        t.language(),
                        safe(t.title()),
                        &t.sha256_hex()[..16]
                    );
                }
            }
            Ok(Outcome::Ok)
        }
        TemplateCommand::Show(a) => {
            let t = Template::resolve(&a.template)?;
            if a.json {
                print_json(&t.summary())?;
            } else {
                out!("{}", describe(&t));
            }
            Ok(Outcome::Ok)
        }
        TemplateCommand::Check(a) => match Template::load(&a.file) {
            Ok(t) => {
                outln!(
                    "{}: valid template {:?} ({}), {} blanks, sha256 {}",
                    shown(&a.file),
                    safe(t.id()),
                    t.language(),
                    t.blanks().len(),
                    t.sha256_hex()
                );
                Ok(Outcome::Ok)
            }
            Err(e @ template::TemplateError::Read { .. }) => Err(e.into()),
            Err(e) => {
                errln!("tweevoud: invalid template[{}]: {}", e.code(), safe(&e));
                Ok(Outcome::Negative)
            }
        },
    }
}

fn detail(t: &Template, d: &Detail) -> String {
    match d {
        Detail::Fixed(s) => safe(&s.replace('\n', ", ")),
        Detail::Blank(id) => {
            let label = t
                .blank(id)
                .map(|b| b.label.get(Language::En).to_string())
                .unwrap_or_default();
            safe(&format!("{{{{{id}}}}} ({label})"))
        }
    }
}

fn describe(t: &Template) -> String {
    let mut out = String::new();
    out.push_str(&format!("id:       {}\n", safe(t.id())));
    out.push_str(&format!("title:    {}\n", safe(t.title())));
    out.push_str(&format!("language: {}\n", t.language()));
    out.push_str(&format!("sha256:   {}\n\nparties:\n", t.sha256_hex()));
    for p in t.parties() {
        out.push_str(&format!(
            "  {} ({}): {}\n",
            p.party,
            safe(&p.designation),
            detail(t, &p.name)
        ));
        if let Some(a) = &p.address {
            out.push_str(&format!("    address:           {}\n", detail(t, a)));
        }
        if let Some(n) = &p.enterprise_number {
            out.push_str(&format!("    enterprise number: {}\n", detail(t, n)));
        }
        out.push_str(&format!(
            "    signs:             {}, {}\n",
            detail(t, &p.signatory_name),
            detail(t, &p.signatory_function)
        ));
    }
    out.push_str("\nblanks:\n");
    for b in t.blanks() {
        let mut notes = vec![b.kind.to_string(), b.party.to_string()];
        notes.push(if b.required { "required" } else { "optional" }.to_string());
        if let Some(d) = &b.default {
            notes.push(format!("default {:?}", safe(d)));
        }
        if b.auto.is_some() {
            notes.push("filled with the signing date".to_string());
        }
        out.push_str(&format!(
            "  {:<30} {} [{}]\n",
            safe(&b.id),
            safe(b.label.get(Language::En)),
            notes.join(", ")
        ));
    }
    out.push_str("\ntext:\n\n");
    out.push_str(&tweevoud::render::render_text(t, |_| None));
    out
}
