//! What a key is for: the signer it stands for, as its `key.json` says.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use super::error::KeyError;
use super::fingerprint::Fingerprint;
use super::rfc3339;

/// What a stored key is for: the signer it stands for. This is `key.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyInfo {
    name: String,
    /// Absent when none (never `null`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::canonical::present"
    )]
    organisation: Option<String>,
    /// Absent when none (never `null`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::canonical::present"
    )]
    function: Option<String>,
    #[serde(with = "rfc3339")]
    created: DateTime<FixedOffset>,
    fingerprint: Fingerprint,
}

impl KeyInfo {
    /// What a key is for: `name` (trimmed; not empty), `organisation` and `function` (trimmed;
    /// empty is none), made at `created`, with `fingerprint`.
    pub(super) fn new(
        name: &str,
        organisation: Option<&str>,
        function: Option<&str>,
        created: DateTime<FixedOffset>,
        fingerprint: Fingerprint,
    ) -> Result<KeyInfo, KeyError> {
        Ok(KeyInfo {
            name: field(Some(name)).ok_or(KeyError::MissingName)?,
            organisation: field(organisation),
            function: field(function),
            created,
            fingerprint,
        })
    }

    /// The signer's name, e.g. "Tom Hendrix".
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The signer's organisation, e.g. "Xtreme Internet Solutions BV".
    pub fn organisation(&self) -> Option<&str> {
        self.organisation.as_deref()
    }

    /// The signer's function, e.g. "CEO".
    pub fn function(&self) -> Option<&str> {
        self.function.as_deref()
    }

    /// When the key was made or imported.
    pub fn created(&self) -> DateTime<FixedOffset> {
        self.created
    }

    /// The key's fingerprint.
    pub fn fingerprint(&self) -> &Fingerprint {
        &self.fingerprint
    }

    /// "Tom Hendrix (Xtreme Internet Solutions BV)", or just the name.
    pub fn display_name(&self) -> String {
        match &self.organisation {
            Some(org) => format!("{} ({org})", self.name),
            None => self.name.clone(),
        }
    }

    /// "key Tom Hendrix (3B6A 27BC CEB6 A42D)": for messages.
    pub(super) fn described(&self) -> String {
        format!("key {} ({})", self.name, self.fingerprint.short())
    }
}

/// Trims a text field; empty means absent.
pub(crate) fn field(value: Option<&str>) -> Option<String> {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(String::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// key.json's `organisation` and `function` are absent when there is none: `null` is
    /// refused, not read as absent (docs/format.md, "Keys and fingerprints").
    #[test]
    fn fail_key_info_with_null() {
        let info = serde_json::json!({
            "name": "Tom",
            "organisation": "XIS",
            "created": "2026-11-23T10:00:00+01:00",
            "fingerprint": "34750f98bd59fcfc946da45aaabe933be154a4b5094e1c4abf42866505f3c97e",
        });
        assert!(serde_json::from_value::<KeyInfo>(info.clone()).is_ok());
        for member in ["organisation", "function"] {
            let mut null = info.clone();
            null[member] = serde_json::Value::Null;
            assert!(serde_json::from_value::<KeyInfo>(null).is_err(), "{member}");
        }
    }
}
