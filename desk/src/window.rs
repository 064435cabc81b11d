//! How a refusal reaches the window, the same from either edition: `{kind, message, params}`,
//! with `blank` and `problem` for an invalid value (so that the window can word it beside the
//! blank) and `reason` for a refused file or an agreement that is not intact (the core's
//! reason, worded by the window). `kind` is the core's stable code ([`Coded`]).

use serde::ser::SerializeMap;
use tweevoud::error::{params_map, Coded};
use tweevoud::verify::FirstProblem;
use tweevoud::{AgreementError, OpenError, Problem};

/// An edition's error, as the window is sent it.
pub trait WindowError: Coded + std::fmt::Display {
    /// The core's agreement error inside, if any: an invalid value is named from it.
    fn agreement_error(&self) -> Option<&AgreementError>;
    /// Why a file or an agreement is refused, as the core's reason, when there is one.
    fn reason(&self) -> Option<FirstProblem>;
}

/// The blank and the problem of an invalid value in `e`, looking through the file it was in.
pub fn invalid_value(mut e: &AgreementError) -> Option<(&str, &Problem)> {
    while let AgreementError::InFile { source, .. } = e {
        e = source;
    }
    match e {
        AgreementError::InvalidValue { blank, problem, .. } => Some((blank, problem)),
        _ => None,
    }
}

/// The reason a file was not opened, as a reason about the whole agreement.
pub fn open_reason(e: &OpenError) -> Option<FirstProblem> {
    e.reason().map(|reason| FirstProblem {
        signer: None,
        role: None,
        reason: reason.clone(),
    })
}

/// Writes `e` as the window reads it.
pub fn serialize<E: WindowError, S: serde::Serializer>(
    e: &E,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let invalid = e.agreement_error().and_then(invalid_value);
    let reason = e.reason();
    let len = 3 + 2 * usize::from(invalid.is_some()) + usize::from(reason.is_some());
    let mut s = serializer.serialize_map(Some(len))?;
    s.serialize_entry("kind", e.code())?;
    s.serialize_entry("message", &e.to_string())?;
    s.serialize_entry("params", &params_map(e))?;
    if let Some((blank, problem)) = invalid {
        s.serialize_entry("blank", blank)?;
        s.serialize_entry("problem", problem)?;
    }
    if let Some(reason) = reason {
        s.serialize_entry("reason", &reason)?;
    }
    s.end()
}
