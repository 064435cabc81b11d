//! `tweevoud new`, `fill`, `check`, `render`: agreements before they are signed.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;
use serde::Serialize;
use tweevoud::agreement::parse_assignment;
use tweevoud::{Agreement, Missing, Party, Template};

use super::{now, print_json, safe, shown, Outcome};

#[derive(Args)]
pub struct NewArgs {
    /// A built-in template id, or a template file.
    #[arg(long)]
    template: String,
    /// Where to write the agreement file.
    #[arg(short, long)]
    output: PathBuf,
    /// Fill a blank: BLANK=VALUE (repeatable).
    #[arg(long = "set", value_name = "BLANK=VALUE")]
    set: Vec<String>,
    /// The party preparing the agreement.
    #[arg(long = "as", value_name = "PARTY", default_value = "provider")]
    party: Party,
    /// Replace OUTPUT if it exists.
    #[arg(long)]
    force: bool,
}

#[derive(Args)]
pub struct FillArgs {
    /// The agreement file.
    file: PathBuf,
    /// Fill a blank: BLANK=VALUE (repeatable).
    #[arg(long = "set", value_name = "BLANK=VALUE")]
    set: Vec<String>,
    /// Empty a blank again (repeatable).
    #[arg(long = "unset", value_name = "BLANK")]
    unset: Vec<String>,
    /// Who is filling in [default: the first party that has not signed]
    #[arg(long = "as", value_name = "PARTY")]
    party: Option<Party>,
    /// Write the result here instead of changing FILE.
    #[arg(short, long)]
    output: Option<PathBuf>,
}

#[derive(Args)]
pub struct CheckArgs {
    /// The agreement file.
    file: PathBuf,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct RenderArgs {
    /// The agreement file.
    file: PathBuf,
}

fn assignments(set: &[String]) -> Result<Vec<(String, String)>> {
    set.iter()
        .map(|s| parse_assignment(s).map_err(Into::into))
        .collect()
}

pub fn new(a: NewArgs) -> Result<Outcome> {
    if a.output.exists() && !a.force {
        anyhow::bail!(
            "{} exists; choose another name or pass --force to replace it",
            shown(&a.output)
        );
    }
    let template = Template::resolve(&a.template)?;
    let now = now()?;
    let mut agreement = Agreement::new(template, a.party, now);
    agreement.fill(a.party, &assignments(&a.set)?, now)?;
    agreement.save(&a.output)?;
    outln!(
        "{}: new agreement from template {:?}",
        shown(&a.output),
        safe(agreement.template().id())
    );
    print_missing(&agreement);
    Ok(Outcome::Ok)
}

pub fn fill(a: FillArgs) -> Result<Outcome> {
    if a.set.is_empty() && a.unset.is_empty() {
        anyhow::bail!("nothing to do: give --set BLANK=VALUE or --unset BLANK");
    }
    let mut agreement = Agreement::load(&a.file)?;
    let out = super::export::output_path(&a.file, a.output.as_deref())?;
    let party = match a.party.or_else(|| agreement.next_signer()) {
        Some(p) => p,
        None => anyhow::bail!("both parties have signed: the agreement can no longer change"),
    };
    let now = now()?;
    agreement.fill(party, &assignments(&a.set)?, now)?;
    agreement.clear(party, &a.unset, now)?;
    agreement
        .save(&out)
        .with_context(|| "the agreement was not changed")?;
    outln!("{}: filled as {party}", shown(&out));
    print_missing(&agreement);
    Ok(Outcome::Ok)
}

#[derive(Serialize)]
struct CheckReport<'a> {
    template: &'a str,
    template_sha256: String,
    filled: bool,
    parties: Vec<Missing>,
}

pub fn check(a: CheckArgs) -> Result<Outcome> {
    let agreement = Agreement::load(&a.file)?;
    let filled = agreement.is_filled();
    if a.json {
        print_json(&CheckReport {
            template: agreement.template().id(),
            template_sha256: agreement.template().sha256_hex(),
            filled,
            parties: agreement.missing(),
        })?;
    } else {
        outln!(
            "{}: template {:?}",
            shown(&a.file),
            safe(agreement.template().id())
        );
        print_missing(&agreement);
    }
    Ok(if filled {
        Outcome::Ok
    } else {
        Outcome::Negative
    })
}

pub fn render(a: RenderArgs) -> Result<Outcome> {
    let agreement = Agreement::load(&a.file)?;
    // Many lines: its line feeds and tabs are kept, any other control is escaped as in
    // everything written (`terminal::clean_output`).
    out!("{}", agreement.render_text());
    Ok(Outcome::Ok)
}

fn print_missing(agreement: &Agreement) {
    let t = agreement.template();
    let label = |id: &str| {
        t.blank(id)
            .map(|b| safe(&format!("{id} ({})", b.label.get(t.language()))))
            .unwrap_or_else(|| safe(id))
    };
    for m in agreement.missing() {
        let mut parts = Vec::new();
        if !m.required.is_empty() {
            parts.push(format!(
                "missing {}",
                m.required
                    .iter()
                    .map(|s| label(s))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if !m.automatic.is_empty() {
            parts.push(format!(
                "filled when the {} signs: {}",
                m.party,
                m.automatic
                    .iter()
                    .map(|s| label(s))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if !m.optional.is_empty() {
            parts.push(format!(
                "optional, open: {}",
                m.optional
                    .iter()
                    .map(|s| label(s))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if parts.is_empty() {
            parts.push("everything filled".to_string());
        }
        outln!("  {}: {}", m.party, parts.join("; "));
    }
}
