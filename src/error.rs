//! Stable codes for everything that can go wrong, so that a user interface can say it in its
//! own language.
//!
//! Every public error of the core, and every reason a verification gives, implements
//! [`Coded`]: a stable snake_case code and the parameters to word it with. `Display` stays the
//! English words for a log or a terminal; they carry no advice that only the CLI can follow
//! (the CLI adds that itself, by code).
//!
//! Each implementation matches its enum exhaustively, so a new variant does not compile until
//! it has a code. A variant that only wraps another error with context (a path, a line) gives
//! the inner error's code and parameters, with its own parameters added; a variant that gives
//! the inner error another meaning (an embedded template that does not parse makes the
//! agreement file damaged) has its own code, and names the inner code as the parameter
//! `cause`. Each type lists the codes of its own variants as `CODES`, so that a user
//! interface can check that it words them all.
//!
//! This module depends on no other module of the crate.

use std::collections::BTreeMap;
use std::fmt;

use serde::ser::SerializeMap;

/// Parameters of a code, by name, as text (numbers in decimal).
pub type Params = Vec<(&'static str, String)>;

/// An error or a problem with a stable code and parameters.
pub trait Coded {
    /// The stable snake_case code: a user interface words the error from it and
    /// [`Coded::params`].
    fn code(&self) -> &'static str;

    /// The parameters, by name. Empty when the code says everything.
    fn params(&self) -> Params;
}

impl<T: Coded + ?Sized> Coded for Box<T> {
    fn code(&self) -> &'static str {
        (**self).code()
    }

    fn params(&self) -> Params {
        (**self).params()
    }
}

/// A coded value serialized as `{code, params, message}`: `params` an object of strings,
/// `message` the English words of its `Display`.
pub struct CodedJson<'a, T: ?Sized>(pub &'a T);

impl<T: Coded + fmt::Display + ?Sized> serde::Serialize for CodedJson<'_, T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut m = serializer.serialize_map(Some(3))?;
        m.serialize_entry("code", self.0.code())?;
        m.serialize_entry("params", &params_map(self.0))?;
        m.serialize_entry("message", &self.0.to_string())?;
        m.end()
    }
}

/// The parameters of `coded` as a map, for JSON.
pub fn params_map<T: Coded + ?Sized>(coded: &T) -> BTreeMap<&'static str, String> {
    coded.params().into_iter().collect()
}

/// The parameter `name` with the text of `value`.
pub(crate) fn param(name: &'static str, value: impl fmt::Display) -> (&'static str, String) {
    (name, value.to_string())
}

/// The inner error's parameters with `own` added before them: what a wrapping variant gives.
pub(crate) fn with_params<T: Coded + ?Sized>(own: Params, inner: &T) -> Params {
    let mut params = own;
    params.extend(inner.params());
    params
}

/// Whether `code` is a stable code: lower-case ASCII words joined by single underscores.
pub fn is_snake_case(code: &str) -> bool {
    !code.is_empty()
        && code.split('_').all(|w| {
            !w.is_empty()
                && w.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
        && code.as_bytes()[0].is_ascii_lowercase()
}

/// Checks a type's codes, for its tests: `examples` holds one value of each of its own
/// (non-wrapping) variants; their codes must be snake_case, differ from one another, and be
/// exactly `listed`. Panics with what is wrong.
pub fn assert_codes(examples: &[&dyn Coded], listed: &[&str]) {
    let mut codes: Vec<&str> = examples.iter().map(|e| e.code()).collect();
    for code in &codes {
        assert!(is_snake_case(code), "{code:?} is not snake_case");
    }
    codes.sort_unstable();
    let before = codes.len();
    codes.dedup();
    assert_eq!(codes.len(), before, "two variants share a code: {codes:?}");
    let mut listed = listed.to_vec();
    listed.sort_unstable();
    assert_eq!(
        codes, listed,
        "CODES lists every code of the type's own variants once"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case() {
        for good in ["empty", "too_long", "log_line_too_long", "utf8_text"] {
            assert!(is_snake_case(good), "{good}");
        }
        for bad in ["", "Empty", "too-long", "_x", "x_", "a__b", "9lives", "é"] {
            assert!(!is_snake_case(bad), "{bad}");
        }
    }
}
