//! Verification: from an agreement file alone, who signed what, and whether anything was
//! changed since.
//!
//! Each signature is checked on its own terms (the Ed25519 signature over its statement, and
//! the statement against the template and the text it claims), and then against the file as
//! it is now: every value a signature covers must still be there unchanged, every value
//! added since must have been left open by the signatures before it for the party that
//! filled it, and the signatures and the audit trail must still chain. The algorithm is
//! specified step by step in `docs/format.md`; the reasons below are its failure reasons.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::agreement::{audit_hash, Agreement, AuditEvent};
use crate::canonical::sha256_hex;
use crate::party::{Party, PARTIES};
use crate::render;
use crate::signature::SignatureRecord;

/// The overall verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Both parties signed, every signature is valid, every required blank is filled.
    Complete,
    /// Every signature is valid; the named party has yet to sign.
    AwaitingCountersignature,
    /// Nobody has signed.
    Unsigned,
    /// Something does not hold; the reasons say what.
    Invalid,
}

/// What was found about one signature.
#[derive(Debug, Clone, Serialize)]
pub struct SignatureCheck {
    /// Position, from 0.
    pub index: usize,
    /// The party signed for.
    pub role: Party,
    /// The signatory's name.
    pub name: String,
    /// The signatory's function.
    pub function: String,
    /// The organisation.
    pub organisation: String,
    /// When, as signed (RFC 3339).
    pub time: String,
    /// SHA-256 of the raw public key, hex (empty if the key is malformed).
    pub fingerprint: String,
    /// The public key, base64 as signed.
    pub public_key: String,
    /// Whether everything about this signature holds.
    pub valid: bool,
    /// What does not hold, in words.
    pub problems: Vec<String>,
}

/// The result of verifying an agreement.
#[derive(Debug, Clone, Serialize)]
pub struct Verification {
    /// The verdict.
    pub status: Status,
    /// Who must still sign, when awaiting.
    pub awaiting: Option<Party>,
    /// The template id.
    pub template: String,
    /// SHA-256 of the template's canonical text.
    pub template_sha256: String,
    /// SHA-256 of the agreement's canonical text as it is now.
    pub text_sha256: String,
    /// Per signature, in order.
    pub signatures: Vec<SignatureCheck>,
    /// Problems not tied to one signature (the audit trail, values nobody may have filled).
    pub problems: Vec<String>,
    /// Blanks filled since the last signature, by the party they were left open for, and not
    /// yet signed.
    pub unsigned_values: Vec<String>,
}

impl Verification {
    /// The first problem found, in words, if any.
    pub fn first_problem(&self) -> Option<String> {
        self.signatures
            .iter()
            .flat_map(|s| {
                s.problems
                    .iter()
                    .map(move |p| format!("signature of {} ({}): {p}", s.name, s.role))
            })
            .chain(self.problems.iter().cloned())
            .next()
    }

    /// One sentence for the verdict.
    pub fn summary(&self) -> String {
        match self.status {
            Status::Complete => {
                "authentic and complete: both parties signed, nothing was changed since".to_string()
            }
            Status::AwaitingCountersignature => format!(
                "authentic, awaiting countersignature by the {}",
                self.awaiting.map(Party::as_str).unwrap_or("other party")
            ),
            Status::Unsigned => "not signed by anyone".to_string(),
            Status::Invalid => format!(
                "INVALID: {}",
                self.first_problem()
                    .unwrap_or_else(|| "unknown problem".to_string())
            ),
        }
    }
}

/// Verifies an agreement that was read from a file.
pub fn verify(agreement: &Agreement) -> Verification {
    let template = agreement.template();
    let current: BTreeMap<&str, _> = agreement
        .values()
        .into_iter()
        .map(|f| (f.blank.as_str(), f))
        .collect();
    let records = agreement.signatures();
    let mut checks = Vec::with_capacity(records.len());
    let mut problems = Vec::new();
    let audit_problems = check_audit(agreement);
    let mut seen_roles: Vec<Party> = Vec::new();

    for (i, record) in records.iter().enumerate() {
        let st = &record.statement;
        let mut p = Vec::new();
        let fingerprint = st.fingerprint().map(hex::encode).unwrap_or_default();
        if let Err(e) = record.verify() {
            p.push(e.to_string());
        }
        if st.template_sha256 != template.sha256_hex() {
            p.push("it was made on another template (the template was swapped)".to_string());
        }
        if seen_roles.contains(&st.signer.role) {
            p.push(format!("the {} signed twice", st.signer.role));
        }
        seen_roles.push(st.signer.role);
        let expected_prev: Vec<String> = records[..i]
            .iter()
            .map(SignatureRecord::record_hash)
            .collect();
        if st.previous_signatures != expected_prev {
            p.push(if st.previous_signatures.len() != i {
                format!(
                    "it was made after {} signature(s), but {} stand before it (a signature was removed, added or moved)",
                    st.previous_signatures.len(),
                    i
                )
            } else {
                "the signatures before it are not the ones it signed (reordered or replaced)".to_string()
            });
        }
        // The statement must describe a real state of this template.
        let signed_values: BTreeMap<&str, _> =
            st.values.iter().map(|f| (f.blank.as_str(), f)).collect();
        let mut statement_ok = true;
        for f in &st.values {
            match template.blank(&f.blank) {
                None => {
                    statement_ok = false;
                    p.push(format!(
                        "it covers blank {}, which the template does not have",
                        f.blank
                    ));
                }
                Some(b) => {
                    if b.kind.normalize(&f.value).as_deref() != Ok(f.value.as_str()) {
                        statement_ok = false;
                        p.push(format!("it covers an invalid value for blank {}", f.blank));
                    }
                }
            }
        }
        if statement_ok {
            let text = render::render_text(template, |id| {
                signed_values.get(id).map(|f| f.value.as_str())
            });
            if sha256_hex(text.as_bytes()) != st.text_sha256 {
                p.push("the text it signed is not the text these values give".to_string());
            }
        }
        // The signer must be the signatory the agreement names.
        let details = template.party(st.signer.role);
        let named = |d: &crate::template::Detail| match d {
            crate::template::Detail::Fixed(s) => Some(s.clone()),
            crate::template::Detail::Blank(id) => {
                signed_values.get(id.as_str()).map(|f| f.value.clone())
            }
        };
        if named(&details.signatory_name).as_deref() != Some(st.signer.name.as_str())
            || named(&details.signatory_function).as_deref() != Some(st.signer.function.as_str())
            || named(&details.name).as_deref() != Some(st.signer.organisation.as_str())
        {
            p.push("the signer is not the signatory the signed values name".to_string());
        }
        // Every value it covers must still be there, unchanged.
        for f in &st.values {
            match current.get(f.blank.as_str()) {
                None => p.push(format!("blank {} was emptied after {} signed", f.blank, st.signer.name)),
                Some(now) if now.value != f.value => p.push(format!(
                    "blank {} was changed after {} signed",
                    f.blank, st.signer.name
                )),
                Some(now) if now.filled_by != f.filled_by => p.push(format!(
                    "blank {} is now said to be filled by the {}, but {} signed it as filled by the {}",
                    f.blank, now.filled_by, st.signer.name, f.filled_by
                )),
                Some(_) => {}
            }
        }
        // A later signature may only add values its party was left open.
        if i > 0 {
            let prev = &records[i - 1].statement;
            let prev_values: BTreeMap<&str, _> =
                prev.values.iter().map(|f| (f.blank.as_str(), f)).collect();
            for f in &st.values {
                if let Some(before) = prev_values.get(f.blank.as_str()) {
                    if before.value != f.value {
                        p.push(format!(
                            "it changed blank {}, which {} had signed",
                            f.blank, prev.signer.name
                        ));
                    }
                } else if !prev.open.iter().any(|o| {
                    o.blank == f.blank && o.party == st.signer.role && f.filled_by == st.signer.role
                }) {
                    p.push(format!(
                        "it filled blank {}, which {} had not left open for the {}",
                        f.blank, prev.signer.name, st.signer.role
                    ));
                }
            }
            for b in prev_values.keys() {
                if !signed_values.contains_key(b) {
                    p.push(format!(
                        "it dropped blank {b}, which {} had signed",
                        prev.signer.name
                    ));
                }
            }
        }
        checks.push(SignatureCheck {
            index: i,
            role: st.signer.role,
            name: st.signer.name.clone(),
            function: st.signer.function.clone(),
            organisation: st.signer.organisation.clone(),
            time: st.time.clone(),
            fingerprint,
            public_key: st.public_key.clone(),
            valid: p.is_empty(),
            problems: p,
        });
    }

    // Values filled after the last signature must have been left open for their filler.
    let mut unsigned_values = Vec::new();
    if let Some(last) = records.last() {
        let covered: Vec<&str> = last
            .statement
            .values
            .iter()
            .map(|f| f.blank.as_str())
            .collect();
        for f in current.values() {
            if covered.contains(&f.blank.as_str()) {
                continue;
            }
            let left_open = last
                .statement
                .open
                .iter()
                .any(|o| o.blank == f.blank && o.party == f.filled_by);
            if left_open && !seen_roles.contains(&f.filled_by) {
                unsigned_values.push(f.blank.clone());
            } else {
                problems.push(format!(
                    "blank {} was filled after {} signed, but was not left open for the {}",
                    f.blank, last.statement.signer.name, f.filled_by
                ));
            }
        }
    }
    problems.extend(audit_problems);

    let all_valid = checks.iter().all(|c| c.valid) && problems.is_empty();
    let signed: Vec<Party> = checks.iter().map(|c| c.role).collect();
    let (status, awaiting) = if !all_valid {
        (Status::Invalid, None)
    } else if checks.is_empty() {
        (Status::Unsigned, None)
    } else if PARTIES.iter().all(|p| signed.contains(p)) {
        if agreement.is_filled() && unsigned_values.is_empty() {
            (Status::Complete, None)
        } else {
            problems.push("both parties signed, but required blanks are empty".to_string());
            (Status::Invalid, None)
        }
    } else {
        let missing = PARTIES.into_iter().find(|p| !signed.contains(p));
        (Status::AwaitingCountersignature, missing)
    };

    Verification {
        status,
        awaiting,
        template: template.id().to_string(),
        template_sha256: template.sha256_hex(),
        text_sha256: agreement.text_sha256(),
        signatures: checks,
        problems,
        unsigned_values,
    }
}

/// Checks the audit trail: each entry's hash, the chain, and that every signature is
/// recorded where its statement says the trail stood.
fn check_audit(agreement: &Agreement) -> Vec<String> {
    let mut problems = Vec::new();
    let audit = agreement.audit();
    if audit.is_empty() {
        problems.push("the audit trail is missing".to_string());
        return problems;
    }
    let mut prev: Option<&str> = None;
    for (i, e) in audit.iter().enumerate() {
        if e.seq != i as u64 {
            problems.push(format!(
                "audit entry {i} is out of sequence (it says {})",
                e.seq
            ));
        }
        if e.hash != audit_hash(e) {
            problems.push(format!("audit entry {i} ({:?}) was altered", e.event));
        }
        if e.prev.as_deref() != prev {
            problems.push(format!(
                "audit entry {i} does not follow the entry before it"
            ));
        }
        prev = Some(e.hash.as_str());
    }
    let signed_entries: Vec<(usize, &str)> = audit
        .iter()
        .enumerate()
        .filter(|(_, e)| e.event == AuditEvent::Signed)
        .map(|(i, e)| (i, e.signature_sha256.as_deref().unwrap_or("")))
        .collect();
    let records = agreement.signatures();
    if signed_entries.len() != records.len() {
        problems.push(format!(
            "the audit trail records {} signature(s), the file holds {}",
            signed_entries.len(),
            records.len()
        ));
    }
    for (record, (at, hash)) in records.iter().zip(&signed_entries) {
        if record.record_hash() != *hash {
            problems.push(format!(
                "the audit trail's signature entry {at} does not match the signature of {}",
                record.statement.signer.name
            ));
        }
        let head = at
            .checked_sub(1)
            .and_then(|j| audit.get(j))
            .map(|e| e.hash.as_str());
        if head != Some(record.statement.audit_head.as_str()) {
            problems.push(format!(
                "the audit trail before the signature of {} is not the one it signed",
                record.statement.signer.name
            ));
        }
    }
    problems
}
