//! The codes of what only the `fs` feature has: a path that names no regular file, the
//! archive's errors and problems, the profile's errors, and their messages.

use super::{assert_no_cli_advice, coded, io, open_errors, path, s};
use crate::agreement::AgreementError;
use crate::archive::{ArchiveError, BadHex, CheckpointError, LineError, SignatureProblem};
use crate::error::{assert_codes, params_map, Coded};
use crate::fsutil::NotAFile;
use crate::open::OpenError;
use crate::pdf::PdfError;
use crate::profile::ProfileError;

#[test]
fn open_errors_of_files() {
    let mut all = open_errors();
    all.push(OpenError::Read {
        path: path(),
        source: std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            NotAFile {
                what: "a named pipe (FIFO)",
            },
        ),
    });
    assert_codes(&coded(&all), OpenError::CODES);
}

#[test]
fn archive_errors() {
    let all = [
        ArchiveError::Io {
            path: path(),
            source: io(),
        },
        ArchiveError::Index {
            path: path(),
            source: rusqlite::Error::InvalidQuery,
        },
        ArchiveError::IndexMissing { path: path() },
        ArchiveError::IndexSchema {
            path: path(),
            found: s(),
        },
        ArchiveError::LogMismatch {
            path: path(),
            reason: s(),
        },
        ArchiveError::Lock {
            path: path(),
            source: io(),
        },
        ArchiveError::Invalid(s()),
        ArchiveError::BadObject {
            sha256: s(),
            problem: s(),
        },
        ArchiveError::NotFound(s()),
        ArchiveError::Ambiguous {
            prefix: s(),
            matches: vec![],
        },
        ArchiveError::BadId(s()),
        ArchiveError::NoArchive { path: path() },
        ArchiveError::EmptyQuery(s()),
        ArchiveError::NoExemplar { id: s(), number: 2 },
        ArchiveError::BadReason,
        ArchiveError::Checkpoint {
            path: path(),
            problem: s(),
        },
        ArchiveError::LogBroken {
            path: path(),
            problem: s(),
        },
        ArchiveError::Linked {
            path: path(),
            target: path(),
        },
        ArchiveError::UnsignedErasure,
        ArchiveError::TeamBegun,
        ArchiveError::TeamNotBegun,
        ArchiveError::NotCreator,
        ArchiveError::Secrets { problem: s() },
        ArchiveError::TeamConnection { problem: s() },
        ArchiveError::NotAnExemplar {
            id: s(),
            number: 1,
            sha256: s(),
            problem: s(),
        },
    ];
    assert_codes(&coded(&all), ArchiveError::CODES);
    let e = ArchiveError::Agreement(AgreementError::Json(s()));
    assert_eq!(e.code(), "not_an_agreement");
    let e = ArchiveError::Pdf(PdfError::NotPdf);
    assert_eq!(e.code(), "not_pdf");
}

#[test]
fn archive_log_and_checkpoint_problems() {
    let all = [
        LineError::TooLong(5),
        LineError::NotUtf8,
        LineError::BadHash {
            member: s(),
            value: BadHex(s()),
        },
        LineError::TooManyObjects(5),
        LineError::NotAnEntry(s()),
    ];
    assert_codes(&coded(&all), LineError::CODES);
    let all = [
        SignatureProblem::Unnamed,
        SignatureProblem::Removed,
        SignatureProblem::BadKey,
        SignatureProblem::OtherKey,
        SignatureProblem::Malformed,
        SignatureProblem::Mismatch,
    ];
    assert_codes(&coded(&all), SignatureProblem::CODES);
    let all = [
        CheckpointError::Io(io()),
        CheckpointError::Malformed(s()),
        CheckpointError::Signature(SignatureProblem::Removed),
    ];
    assert_codes(&coded(&all), CheckpointError::CODES);
    assert_eq!(params_map(&all[2])["cause"], "log_signature_removed");
}

#[test]
fn profile_errors() {
    assert_codes(&coded(&[ProfileError::NoDataDir]), ProfileError::CODES);
    use crate::profile::eid::EidSettingsError;
    let all = [
        EidSettingsError::Io {
            path: path(),
            source: io(),
        },
        EidSettingsError::Damaged {
            path: path(),
            detail: s(),
        },
    ];
    assert_codes(&coded(&all), EidSettingsError::CODES);
}

#[test]
fn ocsp_fetch_errors() {
    use crate::eid::ocsp_fetch::OcspFetchError;
    let all = [
        OcspFetchError::NoResponder { reason: s() },
        OcspFetchError::Url {
            url: s(),
            reason: s(),
        },
        OcspFetchError::Unreachable { reason: s() },
        OcspFetchError::Timeout { seconds: 10 },
        OcspFetchError::HttpStatus { status: 500 },
        OcspFetchError::TooLarge { max: 1 },
        OcspFetchError::BadReply { reason: s() },
    ];
    assert_codes(&coded(&all), OcspFetchError::CODES);
}

/// No message of the profile or the archive tells the user to run a command or pass an
/// option (see `messages_carry_no_cli_advice`).
#[test]
fn messages_carry_no_cli_advice() {
    assert_no_cli_advice([
        ProfileError::NoDataDir.to_string(),
        ArchiveError::IndexMissing { path: path() }.to_string(),
        ArchiveError::IndexSchema {
            path: path(),
            found: s(),
        }
        .to_string(),
        ArchiveError::LogMismatch {
            path: path(),
            reason: s(),
        }
        .to_string(),
        ArchiveError::Checkpoint {
            path: path(),
            problem: s(),
        }
        .to_string(),
    ]);
}
