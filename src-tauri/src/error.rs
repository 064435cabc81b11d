//! The one error type at the IPC edge.
//!
//! It wraps the core's errors unchanged and reaches the front-end as `{kind, message}`: `kind`
//! is a stable code the UI can branch on and word in its own language, `message` is the
//! error's English text for when it cannot.

use std::path::PathBuf;

use serde::ser::SerializeStruct;
use tweevoud::template::TemplateError;

/// Anything a command can fail with.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The profile directory could not be created or opened.
    #[error("cannot use the profile directory {}: {source}", path.display())]
    DataDir {
        /// The directory.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A template was not found or is not well-formed.
    #[error(transparent)]
    Template(#[from] TemplateError),
}

impl Error {
    /// The stable code sent as `kind`.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::DataDir { .. } => "data_dir",
            Error::Template(TemplateError::NotFound(_)) => "template_not_found",
            Error::Template(_) => "template_invalid",
        }
    }
}

impl serde::Serialize for Error {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Error", 2)?;
        s.serialize_field("kind", self.kind())?;
        s.serialize_field("message", &self.to_string())?;
        s.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_as_kind_and_message() {
        let e = Error::from(TemplateError::NotFound("nope".into()));
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["kind"], "template_not_found");
        assert!(json["message"].as_str().unwrap().contains("nope"));
        assert_eq!(json.as_object().unwrap().len(), 2);
    }
}
