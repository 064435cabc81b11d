//! Changing an agreement by the rules: filling in, clearing and signing, and what a party may
//! do next ([`Turn`]).
//!
//! These sit above [`mod@crate::verify`]: nothing is added to an agreement whose signatures do not
//! hold, so every change here first verifies what is there. The agreement's data, and the
//! rules that need no verification ([`Agreement::may_change`]), live in [`crate::agreement`].

use chrono::{DateTime, FixedOffset, SecondsFormat};
use serde::Serialize;

use crate::agreement::{Agreement, AgreementError};
use crate::error::{param, with_params, Coded, Params};
use crate::key::Fingerprint;
use crate::party::Party;
use crate::pdf::ExemplarCheck;
use crate::signature::{
    encode_public_key, Filled, OpenBlank, SignatureRecord, Signer, SignerInfo, Statement,
};
use crate::verify::{verify, FirstProblem, Status, Verification};

/// Filling in or signing was refused. Not `non_exhaustive`: the app words each case, and a
/// new one must make its match fail to compile.
#[derive(Debug, thiserror::Error)]
pub enum ChangeError {
    /// A rule of the agreement refuses it (a value, a blank not open, a signatory, ...).
    #[error(transparent)]
    Agreement(#[from] AgreementError),
    /// The existing signatures do not verify, so nothing may be added to the agreement.
    #[error("the agreement cannot be changed or signed, because it is not intact: {0}")]
    NotIntact(FirstProblem),
}

impl ChangeError {
    /// Every code of [`ChangeError`]'s own variants ([`ChangeError::Agreement`] gives
    /// [`AgreementError`]'s).
    pub const CODES: &'static [&'static str] = &["not_intact"];
}

/// Parameters: an agreement's as [`AgreementError`] gives them; for one not intact, the
/// [`Reason`](crate::verify::Reason)'s code as `reason`, its parameters following, and the
/// `signer` and `role` of the signature it concerns, if any.
impl Coded for ChangeError {
    fn code(&self) -> &'static str {
        match self {
            ChangeError::Agreement(e) => e.code(),
            ChangeError::NotIntact(_) => "not_intact",
        }
    }

    fn params(&self) -> Params {
        match self {
            ChangeError::Agreement(e) => e.params(),
            ChangeError::NotIntact(first) => {
                with_params(vec![param("reason", first.code())], first)
            }
        }
    }
}

/// What may be done with an agreement next, by whom: the one answer the CLI and the app both
/// follow (the app's window only reads these flags).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Turn {
    /// The party that fills in and signs next here: the one that has not signed yet, unless
    /// one of this profile's keys already signed the agreement (then the other side acts,
    /// elsewhere, with its own keys). `None` once both signed.
    pub acting: Option<Party>,
    /// Blanks the acting party may fill or clear now, in template order.
    pub editable: Vec<String>,
    /// Whether the acting party may sign now (its own empty required blanks aside: the
    /// signing preview lists them, and signing refuses until they are filled).
    pub may_sign: bool,
    /// What may be handed to the other party or kept.
    pub share: Share,
    /// Why nothing may be filled, signed or shared: the first problem of an agreement whose
    /// signatures do not hold.
    pub blocked: Option<FirstProblem>,
    /// Whether the signatures already on it must be looked at before anything is filled in.
    pub review: bool,
}

/// What an agreement may be shared as (see [`Turn::share`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Share {
    /// Nothing (unsigned, not intact, or this side has still to sign).
    None,
    /// The PDF to countersign, once this side signed.
    ToSign,
    /// Both exemplars, once both signed.
    Exemplars,
}

/// What signing would sign: see [`Agreement::signing_preview`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SigningPreview {
    /// The party signing.
    pub role: Party,
    /// The signatory's name the agreement names for the party, if it is filled in.
    pub name: Option<String>,
    /// The signatory's function, if filled in.
    pub function: Option<String>,
    /// The party's name, if filled in.
    pub organisation: Option<String>,
    /// SHA-256 of the text that would be signed (automatic blanks filled), hex.
    pub text_sha256: String,
    /// The values the signature would cover, in template order.
    pub values: Vec<Filled>,
    /// The signer's blanks that signing fills (with the signing date).
    pub automatic: Vec<String>,
    /// The signer's own required blanks still empty: signing is refused until they are filled.
    pub own_missing: Vec<String>,
    /// The blanks left open, each for the party that may fill it.
    pub open: Vec<OpenBlank>,
    /// The signing time, as it would be signed (RFC 3339).
    pub time: String,
}

impl SigningPreview {
    /// Whether a key stored under `key_owner` may sign this: it must be the signatory the
    /// agreement names (case, accents' composition and spacing aside), the rule
    /// [`Agreement::sign`] enforces. `false` while the signatory is not named yet.
    pub fn names_signatory(&self, key_owner: &str) -> bool {
        self.name
            .as_deref()
            .is_some_and(|name| same_person(key_owner, name))
    }
}

/// The first steps of signing, done on a copy.
struct Prepared {
    next: Agreement,
    automatic: Vec<String>,
    own_missing: Vec<String>,
    open: Vec<OpenBlank>,
}

impl Agreement {
    /// Refuses unless the agreement's signatures hold (an agreement nobody signed holds).
    pub fn check_intact(&self) -> Result<(), ChangeError> {
        if self.signatures().is_empty() {
            return Ok(());
        }
        match verify(self).first_reason() {
            Some(first) => Err(ChangeError::NotIntact(first)),
            None => Ok(()),
        }
    }

    /// Fills blanks as `party`: refused if the agreement is not intact, or by the rules of
    /// [`Agreement::may_change`] and of the blanks' kinds. Every value is checked first; if
    /// any is refused, nothing changes.
    pub fn fill(
        &mut self,
        party: Party,
        assignments: &[(String, String)],
        now: DateTime<FixedOffset>,
    ) -> Result<(), ChangeError> {
        self.check_intact()?;
        Ok(self.apply_fill(party, assignments, now)?)
    }

    /// Empties blanks again, as `party`, by the same rules as [`Agreement::fill`].
    pub fn clear(
        &mut self,
        party: Party,
        blanks: &[String],
        now: DateTime<FixedOffset>,
    ) -> Result<(), ChangeError> {
        self.check_intact()?;
        Ok(self.apply_clear(party, blanks, now)?)
    }

    /// What may be done next by the holder of the keys `own_keys`, given `verification` (this
    /// agreement's, from [`verify`]), the check of the exemplar PDF it was read from, if it
    /// was (a PDF that does not show the agreement inside blocks everything), and whether the
    /// signatures on it were looked at.
    pub fn turn(
        &self,
        verification: &Verification,
        pdf: Option<&ExemplarCheck>,
        own_keys: &[Fingerprint],
        reviewed: bool,
    ) -> Turn {
        let acting = self.acting_party(own_keys);
        let blocked = verification.first_reason().or_else(|| {
            let reason = pdf?.problems.first()?.clone();
            Some(FirstProblem {
                signer: None,
                role: None,
                reason,
            })
        });
        let review = !reviewed && !self.signatures().is_empty();
        let free = blocked.is_none() && !review;
        let share = match verification.status {
            _ if blocked.is_some() => Share::None,
            Status::Complete => Share::Exemplars,
            Status::AwaitingCountersignature if acting.is_none() => Share::ToSign,
            _ => Share::None,
        };
        Turn {
            acting,
            editable: match acting {
                Some(p) if free => self.editable(p),
                _ => Vec::new(),
            },
            may_sign: free && acting.is_some(),
            share,
            blocked,
            review,
        }
    }

    /// Signs as `role` with `signer`.
    ///
    /// The existing signatures must verify; the signer's own required blanks must be filled
    /// (a still-empty `auto = "signing_date"` blank of the signer gets today's date); the
    /// other party's empty required blanks are refused unless `leave_open_for` names that
    /// party, and then they are left open for it. `key_owner` is the name stored with the key:
    /// it must be the signatory the agreement names for `role`.
    pub fn sign(
        &mut self,
        signer: &dyn Signer,
        role: Party,
        key_owner: Option<&str>,
        leave_open_for: Option<Party>,
        now: DateTime<FixedOffset>,
    ) -> Result<&SignatureRecord, ChangeError> {
        let Prepared {
            mut next,
            own_missing,
            open,
            ..
        } = self.prepare(role, leave_open_for, now)?;
        if !own_missing.is_empty() {
            return Err(ChangeError::from(AgreementError::OwnBlanksMissing {
                party: role,
                blanks: own_missing,
            }));
        }
        let other = role.other();
        let other_missing: Vec<String> = next
            .template()
            .blanks()
            .iter()
            .filter(|b| {
                b.party == other && b.required && b.auto.is_none() && next.value(&b.id).is_none()
            })
            .map(|b| b.id.clone())
            .collect();
        if !other_missing.is_empty() && (next.has_signed(other) || leave_open_for != Some(other)) {
            return Err(ChangeError::from(AgreementError::MustLeaveOpen {
                party: other,
                blanks: other_missing,
            }));
        }
        let details = next.template().party(role).clone();
        let name = next
            .detail(&details.signatory_name)
            .ok_or(ChangeError::from(AgreementError::DetailMissing {
                party: role,
                detail: "signatory name",
            }))?;
        let function = next
            .detail(&details.signatory_function)
            .ok_or(ChangeError::from(AgreementError::DetailMissing {
                party: role,
                detail: "signatory function",
            }))?;
        let organisation =
            next.detail(&details.name)
                .ok_or(ChangeError::from(AgreementError::DetailMissing {
                    party: role,
                    detail: "name",
                }))?;
        if let Some(owner) = key_owner {
            if !same_person(owner, &name) {
                return Err(ChangeError::from(AgreementError::WrongSignatory {
                    party: role,
                    key_owner: owner.to_string(),
                    signatory: name,
                }));
            }
        }
        next.room_for_signature().map_err(ChangeError::from)?;
        let statement = Statement {
            template_sha256: next.template().sha256_hex(),
            text_sha256: next.text_sha256(),
            values: next.values().into_iter().cloned().collect(),
            open,
            signer: SignerInfo {
                role,
                name,
                function,
                organisation,
            },
            time: now.to_rfc3339_opts(SecondsFormat::Secs, false),
            public_key: encode_public_key(&signer.public_key_bytes()),
            previous_signatures: next
                .signatures()
                .iter()
                .map(SignatureRecord::record_hash)
                .collect(),
            audit_head: next
                .audit()
                .last()
                .map(|e| e.hash.clone())
                .unwrap_or_default(),
        };
        next.push_signature(SignatureRecord::sign(statement, signer), now);
        *self = next;
        Ok(self
            .signatures()
            .last()
            .expect("a signature was just pushed"))
    }

    /// What signing as `role` at `now` would sign, without signing: the text and its
    /// fingerprint with the signer's automatic blanks filled, the values covered, the blanks
    /// left open and for whom, the signatory the agreement names. The same refusals as
    /// [`Agreement::sign`] up to the key (already signed, not intact, a party that cannot be
    /// left blanks), except that the signer's own empty required blanks are listed in
    /// `own_missing` instead of refused, so that they can be shown.
    pub fn signing_preview(
        &self,
        role: Party,
        leave_open_for: Option<Party>,
        now: DateTime<FixedOffset>,
    ) -> Result<SigningPreview, ChangeError> {
        let Prepared {
            next,
            automatic,
            own_missing,
            open,
        } = self.prepare(role, leave_open_for, now)?;
        let details = next.template().party(role).clone();
        Ok(SigningPreview {
            role,
            name: next.detail(&details.signatory_name),
            function: next.detail(&details.signatory_function),
            organisation: next.detail(&details.name),
            text_sha256: next.text_sha256(),
            values: next.values().into_iter().cloned().collect(),
            automatic,
            own_missing,
            open,
            time: now.to_rfc3339_opts(SecondsFormat::Secs, false),
        })
    }

    /// The first steps of signing as `role`, on a copy: the checks that do not depend on the
    /// key, the signer's automatic blanks filled, what stays missing and what is left open.
    fn prepare(
        &self,
        role: Party,
        leave_open_for: Option<Party>,
        now: DateTime<FixedOffset>,
    ) -> Result<Prepared, ChangeError> {
        if self.has_signed(role) {
            return Err(ChangeError::from(AgreementError::AlreadySigned(role)));
        }
        self.check_intact()?;
        // The signing time is one verification accepts: a time, and not before the last
        // signature's (the rules `verify` applies to every signature).
        let time = crate::agreement::recorded_time(now)?;
        if let Some(last) = self.signatures().last() {
            let before = crate::time::parse_time(&last.statement.time);
            let at = crate::time::parse_time(&time);
            if before.zip(at).is_some_and(|(before, at)| at < before) {
                return Err(ChangeError::from(AgreementError::BeforePreviousSignature {
                    time,
                    previous: last.statement.time.clone(),
                }));
            }
        }
        let other = role.other();
        if leave_open_for.is_some_and(|p| p != other || self.has_signed(other)) {
            return Err(ChangeError::from(AgreementError::CannotLeaveOpen));
        }
        // Work on a copy, so that a refusal leaves the agreement as it was.
        let mut next = self.clone();
        let automatic: Vec<String> = next
            .template()
            .blanks()
            .iter()
            .filter(|b| b.party == role && b.auto.is_some() && next.value(&b.id).is_none())
            .map(|b| b.id.clone())
            .collect();
        let date = now.format("%Y-%m-%d").to_string();
        let auto: Vec<(String, String)> = automatic
            .iter()
            .map(|b| (b.clone(), date.clone()))
            .collect();
        next.apply_fill(role, &auto, now)?;
        let own_missing: Vec<String> = next
            .template()
            .blanks()
            .iter()
            .filter(|b| b.party == role && b.required && next.value(&b.id).is_none())
            .map(|b| b.id.clone())
            .collect();
        let open = next
            .template()
            .blanks()
            .iter()
            .filter(|b| next.value(&b.id).is_none() && b.party != role && !next.has_signed(b.party))
            .map(|b| OpenBlank {
                blank: b.id.clone(),
                party: b.party,
            })
            .collect();
        Ok(Prepared {
            next,
            automatic,
            own_missing,
            open,
        })
    }
}

/// Whether two spellings name the same person (case, accents' composition and spacing aside).
pub(crate) fn same_person(a: &str, b: &str) -> bool {
    use unicode_normalization::UnicodeNormalization;
    let norm = |s: &str| {
        s.nfc()
            .collect::<String>()
            .to_lowercase()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    norm(a) == norm(b)
}
