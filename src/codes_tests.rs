//! Every error type's codes: one value of each of its own variants gives a distinct,
//! snake_case code, and its `CODES` lists exactly those; a wrapping variant gives its inner
//! error's code and parameters.

#[cfg(feature = "fs")]
mod on_disk;

use std::io;
use std::path::PathBuf;

use crate::agreement::AgreementError;
use crate::error::{assert_codes, params_map, Coded};
use crate::file_kind::FileKind;
use crate::key::KeyError;
use crate::kind::Problem;
use crate::open::OpenError;
use crate::party::Party;
use crate::pdf::PdfError;
use crate::seal::qualified::QualifiedSealError;
use crate::signature::SignatureError;
use crate::signing::ChangeError;
use crate::template::{TemplateError, TemplateProblem};
use crate::verify::{FirstProblem, Reason};

fn io() -> io::Error {
    io::Error::other("disk on fire")
}

fn path() -> PathBuf {
    PathBuf::from("x")
}

fn s() -> String {
    "x".to_string()
}

fn coded<T: Coded>(values: &[T]) -> Vec<&dyn Coded> {
    values.iter().map(|v| v as &dyn Coded).collect()
}

/// No message tells the user to run a command or pass an option.
fn assert_no_cli_advice(messages: impl IntoIterator<Item = String>) {
    for m in messages {
        assert!(
            !m.contains("--") && !m.contains('`') && !m.contains("tweevoud "),
            "{m}"
        );
    }
}

#[test]
fn key_errors() {
    let all = [
        KeyError::WrongPassphrase { what: s() },
        KeyError::WeakPassphrase { reason: s() },
        KeyError::NotFound {
            selector: s(),
            dir: path(),
        },
        KeyError::Ambiguous {
            selector: s(),
            candidates: vec![s()],
        },
        KeyError::NoKey { dir: path() },
        KeyError::KeyToChoose {
            candidates: vec![s()],
        },
        KeyError::NotEd25519 { algorithm: s() },
        KeyError::NotEncrypted,
        KeyError::UnsupportedEncryption { reason: s() },
        KeyError::KdfTooCostly { reason: s() },
        KeyError::Malformed { reason: s() },
        KeyError::Corrupt {
            path: path(),
            reason: s(),
        },
        KeyError::Io {
            path: path(),
            source: io(),
        },
        KeyError::MissingName,
        KeyError::AlreadyExists { existing: s() },
        KeyError::Randomness(s()),
    ];
    assert_codes(&coded(&all), KeyError::CODES);
}

#[test]
fn contact_errors() {
    use crate::contact::ContactError;
    let all = [
        ContactError::OwnKey {
            name: s(),
            fingerprint: s(),
        },
        ContactError::NotFound {
            selector: s(),
            dir: path(),
        },
        ContactError::Ambiguous {
            selector: s(),
            candidates: vec![],
        },
        ContactError::MissingName,
        ContactError::Corrupt {
            path: path(),
            reason: s(),
        },
        ContactError::Io {
            path: path(),
            source: io(),
        },
    ];
    assert_codes(&coded(&all), ContactError::CODES);
    let key = ContactError::Key(KeyError::WrongPassphrase { what: s() });
    assert_eq!(key.code(), "wrong_passphrase");
    assert_eq!(params_map(&key)["what"], "x");
}

#[test]
fn template_errors_and_problems() {
    let all = [
        TemplateError::Read {
            path: path(),
            source: io(),
        },
        TemplateError::NotFound(s()),
    ];
    assert_codes(&coded(&all), TemplateError::CODES);
    let problem = || Problem::BadCharacter { found: '<' };
    let party = Party::Provider;
    let all = [
        TemplateProblem::TooLarge,
        TemplateProblem::TooManyBlanks { found: 300 },
        TemplateProblem::TextTooLong { found: 300_000 },
        TemplateProblem::ControlCharacter(7),
        TemplateProblem::BadText {
            what: s(),
            problem: problem(),
        },
        TemplateProblem::NoHeader,
        TemplateProblem::UnclosedHeader,
        TemplateProblem::Header(s()),
        TemplateProblem::UnsupportedFormat { found: s() },
        TemplateProblem::BadTemplateId(s()),
        TemplateProblem::Empty("title"),
        TemplateProblem::UnknownLanguage(s()),
        TemplateProblem::UnknownParty(s()),
        TemplateProblem::MissingParty(party),
        TemplateProblem::BadBlankId(s()),
        TemplateProblem::DuplicateBlank {
            id: s(),
            first_line: 3,
        },
        TemplateProblem::UnknownKind {
            blank: s(),
            found: s(),
        },
        TemplateProblem::BadDefault {
            blank: s(),
            problem: problem(),
        },
        TemplateProblem::BadAuto {
            blank: s(),
            found: s(),
        },
        TemplateProblem::DetailUnknownBlank {
            party,
            detail: "name",
            blank: s(),
        },
        TemplateProblem::DetailWrongParty {
            party,
            detail: "name",
            blank: s(),
            owner: Party::Customer,
        },
        TemplateProblem::BadDetail {
            party,
            detail: "name",
            problem: problem(),
        },
        TemplateProblem::UnknownPlaceholder(s()),
        TemplateProblem::MalformedPlaceholder(s()),
        TemplateProblem::UnusedBlank(s()),
        TemplateProblem::EmptyBody,
        TemplateProblem::EmptyHeading,
    ];
    assert_codes(&coded(&all), TemplateProblem::CODES);
    // A problem at a line of a file gives the problem's code, with where it is.
    let e = TemplateError::InFile {
        path: path(),
        source: Box::new(TemplateError::At {
            line: 4,
            problem: TemplateProblem::BadDefault {
                blank: "start".into(),
                problem: Problem::NoSuchDate,
            },
        }),
    };
    assert_eq!(e.code(), "template_bad_default");
    let params = params_map(&e);
    assert_eq!(params["path"], "x");
    assert_eq!(params["line"], "4");
    assert_eq!(params["blank"], "start");
    assert_eq!(params["cause"], "no_such_date");
}

#[test]
fn agreement_errors() {
    let party = Party::Customer;
    let all = [
        AgreementError::Read {
            path: path(),
            source: io(),
        },
        AgreementError::Write {
            path: path(),
            source: io(),
        },
        AgreementError::TooLarge,
        AgreementError::Json(s()),
        AgreementError::UnsupportedFormat(s()),
        AgreementError::TemplateHash {
            recorded: s(),
            actual: s(),
        },
        AgreementError::TemplateId {
            recorded: s(),
            actual: s(),
        },
        AgreementError::Template(TemplateError::NotFound(s())),
        AgreementError::UnknownBlank {
            blank: s(),
            template: s(),
        },
        AgreementError::DuplicateValue(s()),
        AgreementError::InvalidValue {
            blank: s(),
            label: s(),
            value: s(),
            problem: Problem::TooLong { max: 3 },
        },
        AgreementError::BadAssignment(s()),
        AgreementError::Signed {
            blank: s(),
            signer: s(),
        },
        AgreementError::NotOpen { blank: s(), party },
        AgreementError::AlreadySigned(party),
        AgreementError::OwnBlanksMissing {
            party,
            blanks: vec![s()],
        },
        AgreementError::MustLeaveOpen {
            party,
            blanks: vec![s()],
        },
        AgreementError::CannotLeaveOpen,
        AgreementError::WrongSignatory {
            party,
            key_owner: s(),
            signatory: s(),
        },
        AgreementError::DetailMissing {
            party,
            detail: "function",
        },
        AgreementError::TooManyTimestamps {
            signer: s(),
            max: 4,
        },
        AgreementError::BadTime(s()),
        AgreementError::BeforePreviousSignature {
            time: s(),
            previous: s(),
        },
        AgreementError::TooMany {
            what: "values",
            found: 300,
            max: 256,
        },
    ];
    assert_codes(&coded(&all), AgreementError::CODES);
    // A timestamp refused gives the token's problem, with the signer.
    let e = AgreementError::Timestamp {
        signer: s(),
        problem: crate::timestamp::TokenProblem::Imprint { reason: s() },
    };
    assert_eq!(e.code(), "timestamp_imprint");
    assert!(params_map(&e).contains_key("signer"));
    let invalid = &all[10];
    let params = params_map(invalid);
    assert_eq!(params["problem"], "too_long");
    assert_eq!(params["max"], "3");
    let e = AgreementError::InFile {
        path: path(),
        source: Box::new(AgreementError::AlreadySigned(party)),
    };
    assert_eq!(e.code(), "already_signed");
    assert_eq!(params_map(&e)["party"], "customer");
    // An embedded template that does not parse makes the file damaged, not "no template".
    let e = &all[7];
    assert_eq!(e.code(), "embedded_template_invalid");
    assert_eq!(params_map(e)["cause"], "template_not_found");
}

#[test]
fn pdf_errors() {
    let all = [
        PdfError::TooLarge,
        PdfError::NotPdf,
        PdfError::Malformed(s()),
        PdfError::NoAgreement,
        PdfError::SeveralAgreements(2),
        PdfError::Attachment(s()),
        PdfError::EmbeddedAgreement(Box::new(AgreementError::TooLarge)),
        PdfError::Unsigned,
        PdfError::Invalid(s()),
        PdfError::MissingGlyph { ch: 'é' },
        PdfError::Font(s()),
        PdfError::NotASigner,
        PdfError::NotSealable,
        PdfError::AlreadySealedTwice,
        PdfError::AlreadySealedBy(s()),
        PdfError::QualifiedSeal(QualifiedSealError::Unreadable(s())),
        PdfError::QualifiedSeal(QualifiedSealError::TooLarge { max: 1 }),
        PdfError::Card(crate::eid::CardError::PinWrong {
            tries_left: Some(2),
        }),
    ];
    assert_codes(&coded(&all), PdfError::CODES);
    assert_codes(&coded(&all[15..17]), QualifiedSealError::CODES);
    assert_eq!(params_map(&all[17])["cause"], "eid_pin_wrong");
    assert_eq!(params_map(&all[17])["tries_left"], "2");
    assert_eq!(params_map(&all[9])["code_point"], "U+00E9");
}

fn refused(kind: FileKind) -> OpenError {
    OpenError::Refused {
        path: path(),
        kind,
        reason: Reason::Unreadable { kind, detail: s() },
    }
}

/// An [`OpenError`] of each code but `not_a_file`, which only a reader of files finds.
fn open_errors() -> Vec<OpenError> {
    vec![
        OpenError::Read {
            path: path(),
            source: io(),
        },
        refused(FileKind::Exemplar),
        refused(FileKind::OtherPdf),
    ]
}

#[test]
fn open_and_change_errors() {
    let all = open_errors();
    assert_eq!(params_map(&all[2])["reason"], "pdf_without_agreement");
    // Only a reader of files can find a path that names no regular file (`on_disk`).
    let listed: Vec<&str> = OpenError::CODES
        .iter()
        .copied()
        .filter(|c| *c != "not_a_file")
        .collect();
    assert_codes(&coded(&all), &listed);
    assert_eq!(refused(FileKind::AgreementFile).code(), "altered");
    assert_eq!(refused(FileKind::Other).code(), "not_an_agreement");

    let first = FirstProblem {
        signer: Some("Tom Hendrix".into()),
        role: Some(Party::Provider),
        reason: Reason::TextMismatch,
    };
    let all = [ChangeError::NotIntact(first)];
    assert_codes(&coded(&all), ChangeError::CODES);
    let params = params_map(&all[0]);
    assert_eq!(params["reason"], "text_mismatch");
    assert_eq!(params["signer"], "Tom Hendrix");
    assert_eq!(params["role"], "provider");
    let e = ChangeError::Agreement(AgreementError::CannotLeaveOpen);
    assert_eq!(e.code(), "cannot_leave_open");
}

#[test]
fn the_smaller_ones() {
    let all = [
        SignatureError::BadPublicKey,
        SignatureError::BadSignatureEncoding,
        SignatureError::Mismatch,
    ];
    assert_codes(&coded(&all), SignatureError::CODES);
    for e in &all {
        assert_eq!(Reason::Signature(e.clone()).code(), e.code());
    }
}

/// No message of the core tells the user to run a command or pass an option: the app shows
/// these words too, and the CLI adds its own advice.
#[test]
fn messages_carry_no_cli_advice() {
    assert_no_cli_advice([
        KeyError::NotFound {
            selector: s(),
            dir: path(),
        }
        .to_string(),
        KeyError::NotEd25519 { algorithm: s() }.to_string(),
        KeyError::MissingName.to_string(),
        crate::contact::ContactError::MissingName.to_string(),
        crate::contact::ContactError::NotFound {
            selector: s(),
            dir: path(),
        }
        .to_string(),
        AgreementError::MustLeaveOpen {
            party: Party::Customer,
            blanks: vec![s()],
        }
        .to_string(),
    ]);
}

#[test]
fn seal_problems() {
    use crate::seal::SealProblem;
    let all = [
        SealProblem::Unreadable(s()),
        SealProblem::NotASigner,
        SealProblem::Certificate { name: s() },
        SealProblem::Binding { name: s() },
        SealProblem::Signature,
        SealProblem::EidUnreadable(s()),
        SealProblem::EidSignature(s()),
        SealProblem::EidChain(s()),
        SealProblem::EidExpired(s()),
        SealProblem::EidNotSignatureCertificate(s()),
        SealProblem::EidRevoked(s()),
        SealProblem::EidOcsp(s()),
        SealProblem::EidNotSigner { holder: s() },
    ];
    assert_codes(&coded(&all), SealProblem::CODES);
}

#[test]
fn cms_problems() {
    use crate::cms_check::CmsProblem;
    let problems = [
        CmsProblem::Unreadable { reason: s() },
        CmsProblem::Signature { reason: s() },
        CmsProblem::Certificate { reason: s() },
    ];
    assert_codes(&coded(&problems), CmsProblem::CODES);
}

#[test]
fn timestamp_errors() {
    use crate::timestamp::{AnchorError, TokenProblem, TsaError};
    let problems = [
        TokenProblem::Unreadable { reason: s() },
        TokenProblem::Imprint { reason: s() },
        TokenProblem::Signature { reason: s() },
        TokenProblem::Certificate { reason: s() },
        TokenProblem::Chain { reason: s() },
    ];
    assert_codes(&coded(&problems), TokenProblem::CODES);
    let tsa = [
        TsaError::Url {
            url: s(),
            reason: s(),
        },
        TsaError::Unreachable { reason: s() },
        TsaError::Timeout { seconds: 1 },
        TsaError::HttpStatus { status: 500 },
        TsaError::ReplyTooLarge { max: 1 },
        TsaError::Refused {
            status: 2,
            text: s(),
        },
        TsaError::BadReply { reason: s() },
        TsaError::Randomness { reason: s() },
    ];
    assert_codes(&coded(&tsa), TsaError::CODES);
    let anchors = [AnchorError::Unreadable { reason: s() }];
    assert_codes(&coded(&anchors), AnchorError::CODES);
    assert_no_cli_advice(
        problems
            .iter()
            .map(ToString::to_string)
            .chain(tsa.iter().map(ToString::to_string)),
    );
}

#[test]
fn eid_errors() {
    use crate::eid::{CardError, OcspProblem, PathProblem};
    let card = [
        CardError::NoModule { reason: s() },
        CardError::ModuleUnloadable {
            path: s(),
            reason: s(),
        },
        CardError::NoCard,
        CardError::OtherTokens { tokens: s() },
        CardError::CardRemoved,
        CardError::PinWrong {
            tries_left: Some(2),
        },
        CardError::PinBlocked,
        CardError::PinCancelled,
        CardError::CardFailed { reason: s() },
    ];
    assert_codes(&coded(&card), CardError::CODES);
    let path = [
        PathProblem::Unreadable { reason: s() },
        PathProblem::NotSignature { reason: s() },
        PathProblem::Expired { reason: s() },
        PathProblem::Chain { reason: s() },
        PathProblem::Untrusted { reason: s() },
    ];
    assert_codes(&coded(&path), PathProblem::CODES);
    let ocsp = [
        OcspProblem::Unreadable { reason: s() },
        OcspProblem::Refused {
            status: 3,
            meaning: s(),
        },
        OcspProblem::Signature { reason: s() },
        OcspProblem::Responder { reason: s() },
        OcspProblem::OtherCertificate,
        OcspProblem::NotCurrent { reason: s() },
        OcspProblem::Revoked { time: s() },
        OcspProblem::Unknown,
    ];
    assert_codes(&coded(&ocsp), OcspProblem::CODES);
    assert_no_cli_advice(
        card.iter()
            .map(ToString::to_string)
            .chain(path.iter().map(ToString::to_string))
            .chain(ocsp.iter().map(ToString::to_string)),
    );
}

#[test]
fn eid_binding_errors() {
    use crate::eid::{BindError, BindingProblem, CardError, OcspProblem, PathProblem};
    use crate::judgement::EidNote;
    let own = [
        BindingProblem::Unreadable { reason: s() },
        BindingProblem::OtherKey { reason: s() },
        BindingProblem::EidSignature { reason: s() },
    ];
    assert_codes(&coded(&own), BindingProblem::CODES);
    // The wrapping variants give the wrapped check's code and parameters.
    let path = PathProblem::Untrusted { reason: s() };
    let wrapped = BindingProblem::Path(path.clone());
    assert_eq!(wrapped.code(), path.code());
    assert_eq!(params_map(&wrapped), params_map(&path));
    let revoked = OcspProblem::Revoked { time: s() };
    assert_eq!(
        BindingProblem::Ocsp(revoked.clone()).code(),
        "eid_certificate_revoked"
    );
    assert_eq!(
        params_map(&BindingProblem::Ocsp(revoked.clone())),
        params_map(&revoked)
    );
    let bind = [BindError::NoCompanion];
    assert_codes(&coded(&bind), BindError::CODES);
    assert_eq!(BindError::Card(CardError::NoCard).code(), "eid_no_card");
    assert_eq!(
        BindError::Made(BindingProblem::OtherKey { reason: s() }).code(),
        "eid_binding_key"
    );
    let notes = [
        EidNote::NameDiffers {
            stated: s(),
            holder: s(),
        },
        EidNote::RevocationNotChecked { holder: s() },
    ];
    assert_codes(&coded(&notes), EidNote::CODES);
    assert_no_cli_advice(
        own.iter()
            .map(ToString::to_string)
            .chain(bind.iter().map(ToString::to_string))
            .chain(notes.iter().map(ToString::to_string)),
    );
}
