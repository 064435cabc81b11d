//! The judgement of the eID bindings that signatures carry: a signer whose key a binding that
//! holds names is confirmed by the state, under the name its certificate gives; a binding that
//! does not hold is a problem of its signature (`docs/format.md`, "The eID binding").

use std::fmt;

use serde::Serialize;

use super::JudgedTimestamp;
use crate::agreement::Agreement;
use crate::eid::{Confirmation, Confirmed, Revocation};
use crate::error::{param, Coded, Params};
use crate::verify::{Reason, SignatureCheck, Status, Verification};

/// What an eID binding that holds confirms of a signer, with what is to know about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JudgedBinding {
    /// What the binding says.
    #[serde(flatten)]
    pub confirmation: Confirmation,
    /// What the reader should weigh (a name that differs, revocation not checked).
    pub notes: Vec<EidNote>,
}

/// Something to know about a signer confirmed by eID; it does not change the verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EidNote {
    /// The statement's signatory name is not the certificate holder's: the name shown is the
    /// certificate's.
    NameDiffers {
        /// The name the agreement states.
        stated: String,
        /// The name the certificate gives.
        holder: String,
    },
    /// No OCSP answer was kept with the binding (or its responder did not know the
    /// certificate): whether the certificate was revoked was not checked.
    RevocationNotChecked {
        /// The holder.
        holder: String,
    },
}

impl EidNote {
    /// Every code of [`EidNote`].
    pub const CODES: &'static [&'static str] = &["eid_name_differs", "eid_revocation_not_checked"];
}

/// Parameters: `stated`, `holder` (names).
impl Coded for EidNote {
    fn code(&self) -> &'static str {
        match self {
            EidNote::NameDiffers { .. } => "eid_name_differs",
            EidNote::RevocationNotChecked { .. } => "eid_revocation_not_checked",
        }
    }

    fn params(&self) -> Params {
        match self {
            EidNote::NameDiffers { stated, holder } => {
                vec![param("stated", stated), param("holder", holder)]
            }
            EidNote::RevocationNotChecked { holder } => vec![param("holder", holder)],
        }
    }
}

impl fmt::Display for EidNote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EidNote::NameDiffers { stated, holder } => write!(
                f,
                "the agreement names the signatory {stated:?}, but the eID certificate is {holder}'s: the name shown is the certificate's"
            ),
            EidNote::RevocationNotChecked { holder } => write!(
                f,
                "revocation not checked: no OCSP answer about {holder}'s certificate was kept"
            ),
        }
    }
}

impl Serialize for EidNote {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        crate::error::CodedJson(self).serialize(serializer)
    }
}

/// The time a signature's certificate must have been valid at: the earliest time a trusted
/// timestamp attests, else the stated time.
fn signing_time(
    check: &SignatureCheck,
    attested: &[JudgedTimestamp],
) -> Option<chrono::DateTime<chrono::FixedOffset>> {
    attested
        .iter()
        .filter(|t| t.trusted)
        .filter_map(|t| crate::time::parse_time(&t.stamped.time))
        .min()
        .or_else(|| crate::time::parse_time(&check.time))
}

/// Judges the binding each signature's record carries (`None` for a signature without one,
/// or whose key or time cannot be read: verification reports those). A binding that does not
/// hold is folded into `verification` as a problem of its signature, which makes the
/// agreement invalid; one that holds is returned, with its notes.
pub(super) fn judge_bindings(
    agreement: &Agreement,
    verification: &mut Verification,
    attested: &[Vec<JudgedTimestamp>],
) -> Vec<Option<JudgedBinding>> {
    let mut anchors = None;
    let mut judged = Vec::with_capacity(verification.signatures.len());
    let mut failed = false;
    for (i, check) in verification.signatures.iter_mut().enumerate() {
        let binding = agreement
            .signatures()
            .get(check.index)
            .and_then(|r| r.eid_binding.as_ref());
        let key = agreement
            .signatures()
            .get(check.index)
            .and_then(|r| r.statement.public_key_bytes().ok());
        let at = signing_time(check, attested.get(i).map_or(&[][..], Vec::as_slice));
        let (Some(binding), Some(key), Some(at)) = (binding, key, at) else {
            judged.push(None);
            continue;
        };
        let anchors = anchors.get_or_insert_with(crate::eid::process_anchors);
        match binding.check(&key, at, anchors) {
            Ok(confirmed) => judged.push(Some(judged_binding(confirmed, &check.name))),
            Err(problem) => {
                failed = true;
                check.valid = false;
                check.problems.push(Reason::EidBinding {
                    signer: check.name.clone(),
                    holder: binding.claimed_holder(),
                    problem: Box::new(problem),
                });
                judged.push(None);
            }
        }
    }
    if failed {
        verification.status = Status::Invalid;
        verification.awaiting = None;
    }
    judged
}

fn judged_binding(confirmed: Confirmed, stated: &str) -> JudgedBinding {
    let c = confirmed.confirmation;
    let mut notes = Vec::new();
    if !crate::signing::same_person(stated, &c.holder) {
        notes.push(EidNote::NameDiffers {
            stated: stated.to_string(),
            holder: c.holder.clone(),
        });
    }
    if c.revocation == Revocation::NotChecked {
        notes.push(EidNote::RevocationNotChecked {
            holder: c.holder.clone(),
        });
    }
    JudgedBinding {
        confirmation: c,
        notes,
    }
}
