//! The agreement on the desk.

use std::path::PathBuf;

use chrono::{DateTime, FixedOffset};
use tweevoud::judgement::judge_agreement;
use tweevoud::pdf::{self, ExemplarCheck, ExemplarPdf, Sealer};
use tweevoud::{Agreement, Context, Judgement, Party, Turn, UnlockedKey};

use crate::{DeskError, Place};

/// An agreement read from a file.
#[derive(Debug)]
pub struct Opened {
    /// The agreement.
    pub agreement: Agreement,
    /// For an exemplar PDF: what it says it is (the core's check, which found that it shows
    /// the agreement inside).
    pub pdf: Option<ExemplarCheck>,
}

impl Opened {
    /// The agreement in `bytes`, to work on (the core's [`tweevoud::open::read_to_work_on`]):
    /// an agreement file, or the one inside an exemplar PDF that shows it; a PDF whose visible
    /// document is not the agreement inside is refused, as every command refuses it.
    pub fn read(bytes: &[u8]) -> Result<Opened, tweevoud::open::Refusal> {
        let contents = tweevoud::open::read_to_work_on(bytes)?;
        Ok(Opened {
            agreement: contents.agreement,
            pdf: contents.pdf,
        })
    }
}

/// The agreement on the desk: made from a template here, or opened from a file.
#[derive(Debug)]
pub struct Work {
    /// The agreement as it stands now.
    pub agreement: Agreement,
    /// The party filling in and signing now (`None` once both have signed).
    pub acting: Option<Party>,
    /// The file it was opened from or last saved to.
    pub file: Option<PathBuf>,
    /// Whether nothing would be lost by closing it: everything done is saved in `file`.
    pub saved: bool,
    /// Whether the user has seen the existing signatures (always true for a new agreement):
    /// nothing can be filled in before.
    pub reviewed: bool,
    /// For an agreement opened from an exemplar PDF: the core's check of the PDF itself (its
    /// label, and whether it shows the agreement inside).
    pub pdf: Option<ExemplarCheck>,
    /// The archive id, once this version is in the place's archive.
    pub archived: Option<String>,
    /// Why archiving it failed, if it did (the signature stands all the same), as the error
    /// the window is sent (`{kind, message, ...}`), so that it can word it.
    pub archive_error: Option<serde_json::Value>,
    /// The PDFs sealed when this place signed, with the agreement file they were made of:
    /// saving them right after signing needs no second passphrase.
    pub sealed: Option<(String, Vec<ExemplarPdf>)>,
}

/// Where trusted timestamps come from (RFC 3161): for a profile on disk, its TSAs
/// (`tweevoud::tsa::TsaList`).
pub trait Stamps: Sync {
    /// A token over a signature's 64 bytes, if a TSA gives one.
    fn signature(&self, signature: &[u8]) -> Option<Vec<u8>>;
    /// A token over a seal's signature value, if one is kept or a TSA gives one.
    fn seal(&self, signature: &[u8]) -> Option<Vec<u8>>;
    /// How many authorities are named to ask.
    fn authorities(&self) -> usize;
}

#[cfg(feature = "fs")]
impl Stamps for tweevoud::tsa::TsaList {
    fn signature(&self, signature: &[u8]) -> Option<Vec<u8>> {
        self.stamp(signature).ok()
    }

    fn seal(&self, signature: &[u8]) -> Option<Vec<u8>> {
        self.seal_stamp(signature)
    }

    fn authorities(&self) -> usize {
        self.list().map(|l| l.len()).unwrap_or(0)
    }
}

impl Work {
    /// A new agreement, started here by the provider. Nothing is lost if it is left as it is,
    /// so it counts as saved until something is filled in.
    pub fn new(agreement: Agreement) -> Work {
        Work {
            acting: agreement.next_signer(),
            agreement,
            file: None,
            saved: true,
            reviewed: true,
            pdf: None,
            archived: None,
            archive_error: None,
            sealed: None,
        }
    }

    /// An agreement read from `file`: the party that has not signed yet fills in next, after
    /// looking at the signatures already on it.
    pub fn opened(place: &dyn Place, opened: Opened, file: PathBuf) -> Work {
        let agreement = opened.agreement;
        let unsigned = agreement.signatures().is_empty();
        Work {
            acting: agreement.acting_party(&place.own_keys()),
            archived: place.archived(&agreement),
            agreement,
            file: Some(file),
            saved: true,
            reviewed: unsigned,
            pdf: opened.pdf,
            archive_error: None,
            sealed: None,
        }
    }

    /// Signs as the acting party with `key` (whose owner is `owner`), leaving the other
    /// party's empty blanks open for it. Nothing changes if it is refused.
    pub fn sign(
        &mut self,
        place: &dyn Place,
        key: &UnlockedKey,
        owner: &str,
        now: DateTime<FixedOffset>,
        stamps: Option<&dyn Stamps>,
    ) -> Result<(), DeskError> {
        let role = self.filler(place)?;
        let leave_open = self.leave_open_for(role);
        self.agreement
            .sign(key, role, Some(owner), leave_open, now)?;
        self.acting = self.agreement.acting_party(&place.own_keys());
        self.saved = false;
        self.archived = None;
        self.archive_error = None;
        // A trusted timestamp of the signature, if a TSA gives one: the signature stands
        // without (it can be added later, `timestamp`).
        if let Some(stamps) = stamps {
            let index = self.agreement.signatures().len() - 1;
            self.stamp_signature(index, stamps);
        }
        // The PDFs, sealed with the key just unlocked (`None` if there are none to make).
        self.sealed = self
            .seal(key, stamps)
            .ok()
            .map(|pdfs| (self.agreement.to_json(), pdfs));
        Ok(())
    }

    /// Asks for a timestamp of signature `index` if it has none; whether it has one after.
    fn stamp_signature(&mut self, index: usize, stamps: &dyn Stamps) -> bool {
        let Some(record) = self.agreement.signatures().get(index) else {
            return false;
        };
        if !record.timestamps.is_empty() {
            return true;
        }
        let Some(bytes) = record.signature_bytes() else {
            return false;
        };
        let added = stamps
            .signature(&bytes)
            .is_some_and(|token| self.agreement.add_timestamp(index, &token).is_ok());
        if added {
            self.saved = false;
            self.archived = None;
        }
        added
    }

    /// Asks for a timestamp of every signature that has none (signed offline, or when no TSA
    /// answered). Returns how many are still without one.
    pub fn timestamp(&mut self, stamps: &dyn Stamps) -> usize {
        (0..self.agreement.signatures().len())
            .filter(|&i| !self.stamp_signature(i, stamps))
            .count()
    }

    /// How many signatures have no trusted timestamp.
    pub fn unstamped(&self) -> usize {
        self.agreement
            .signatures()
            .iter()
            .filter(|s| s.timestamps.is_empty())
            .count()
    }

    /// The name the agreement file is offered under, in both editions: after where the
    /// agreement stands now ([`pdf::agreement_file_name`]), not the name of the file it came
    /// from, which named it as it stood then (a PDF "to sign" the customer has signed since).
    pub fn file_name(&self) -> String {
        pdf::agreement_file_name(&self.agreement)
    }

    /// The PDFs of the agreement as it stands (the one to send, or both exemplars), sealed by
    /// `key`, which must have signed it; `stamps` gives each seal a timestamp if it can.
    pub fn seal(
        &self,
        key: &UnlockedKey,
        stamps: Option<&dyn Stamps>,
    ) -> Result<Vec<ExemplarPdf>, DeskError> {
        let seal_stamp = |signature: &[u8]| stamps.and_then(|s| s.seal(signature));
        let sealer = Sealer::new(&self.agreement, key, Some(&seal_stamp))?;
        Ok(pdf::exemplars(&self.agreement, &sealer)?)
    }

    /// The PDFs to save without unlocking a key: those sealed when this place signed, if the
    /// agreement has not changed since. Otherwise why not: the agreement has no PDFs (nobody
    /// signed it, or it does not verify), or they must be sealed with a key that signed it
    /// ([`DeskError::SealKeyNeeded`]).
    pub fn sealed_pdfs(&self) -> Result<Vec<ExemplarPdf>, DeskError> {
        if let Some(pdfs) = self.sealed() {
            return Ok(pdfs.to_vec());
        }
        let report = tweevoud::verify(&self.agreement);
        match report.status {
            tweevoud::Status::Unsigned => Err(pdf::PdfError::Unsigned.into()),
            tweevoud::Status::Invalid => {
                Err(pdf::PdfError::Invalid(report.first_problem().unwrap_or_default()).into())
            }
            _ => Err(DeskError::SealKeyNeeded),
        }
    }

    /// The PDFs sealed when this place signed, if the agreement has not changed since.
    pub fn sealed(&self) -> Option<&[ExemplarPdf]> {
        match &self.sealed {
            Some((json, pdfs)) if *json == self.agreement.to_json() => Some(pdfs),
            _ => None,
        }
    }

    /// The party `role` leaves its empty blanks open for when it signs: the other party, until
    /// it signed.
    pub fn leave_open_for(&self, role: Party) -> Option<Party> {
        let other = role.other();
        (!self.agreement.has_signed(other)).then_some(other)
    }

    /// The core's answer to what may be done next here ([`Agreement::turn`]).
    pub fn turn(&self, place: &dyn Place) -> Turn {
        self.agreement.turn(
            &tweevoud::verify(&self.agreement),
            self.pdf.as_ref(),
            &place.own_keys(),
            self.reviewed,
        )
    }

    /// The core's judgement of the agreement as it stands, as if read from its file.
    pub fn judgement(&self, place: &dyn Place) -> Judgement {
        // Not looked up in an archive: the file is the one on the desk.
        let ctx = Context::known_by(place.keyring());
        judge_agreement(&self.agreement, self.pdf.as_ref(), &ctx)
    }

    /// The party that may fill in and sign now: after the signatures were looked at, while
    /// someone has still to sign, and only in an agreement (and PDF) that holds.
    pub fn filler(&self, place: &dyn Place) -> Result<Party, DeskError> {
        let turn = self.turn(place);
        if let Some(first) = turn.blocked {
            return Err(DeskError::NotIntact(first));
        }
        if turn.review {
            return Err(DeskError::NotReviewed);
        }
        turn.acting.ok_or(DeskError::Finished)
    }
}
