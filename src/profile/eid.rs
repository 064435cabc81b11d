//! The profile's eID setting (`eid.json` in the profile): the PKCS #11 module to load when
//! none is given, for a reader whose module is not the eID middleware's (OpenSC, a test
//! token). Without it, the middleware's usual install paths are searched
//! (`crate::eid::device::find_module`). docs/eid.md.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::Profile;
use crate::error::{param, Coded, Params};
use crate::fsutil::{create_private_dir, read_limited, write_atomic};

/// The largest `eid.json` read.
const MAX_SETTINGS_BYTES: u64 = 64 << 10;

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SettingsFile {
    /// The module's path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pkcs11_module: Option<PathBuf>,
}

/// The profile's eID setting could not be read or changed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EidSettingsError {
    /// Reading or writing `eid.json` failed.
    #[error("cannot use {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// `eid.json` is not the eID setting.
    #[error("{} is not the eID setting: {detail}", path.display())]
    Damaged {
        /// The file.
        path: PathBuf,
        /// Why, in English.
        detail: String,
    },
}

impl EidSettingsError {
    /// Every code of [`EidSettingsError`].
    pub const CODES: &'static [&'static str] = &["eid_settings_io", "eid_settings_damaged"];
}

/// Parameters: `path`, `detail`.
impl Coded for EidSettingsError {
    fn code(&self) -> &'static str {
        match self {
            EidSettingsError::Io { .. } => "eid_settings_io",
            EidSettingsError::Damaged { .. } => "eid_settings_damaged",
        }
    }

    fn params(&self) -> Params {
        match self {
            EidSettingsError::Io { path, source } => {
                vec![param("path", path.display()), param("detail", source)]
            }
            EidSettingsError::Damaged { path, detail } => {
                vec![param("path", path.display()), param("detail", detail)]
            }
        }
    }
}

/// The profile's eID setting.
pub struct EidSettings {
    path: PathBuf,
}

impl EidSettings {
    /// The profile's setting (`eid.json`; none set when the file does not exist).
    pub fn open(profile: &Profile) -> EidSettings {
        EidSettings {
            path: profile.root().join("eid.json"),
        }
    }

    fn read(&self) -> Result<SettingsFile, EidSettingsError> {
        let bytes = match read_limited(&self.path, MAX_SETTINGS_BYTES) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(SettingsFile::default())
            }
            Err(source) => {
                return Err(EidSettingsError::Io {
                    path: self.path.clone(),
                    source,
                })
            }
        };
        serde_json::from_slice(&bytes).map_err(|e| EidSettingsError::Damaged {
            path: self.path.clone(),
            detail: e.to_string(),
        })
    }

    /// The PKCS #11 module set, None when the usual paths are searched.
    pub fn module(&self) -> Result<Option<PathBuf>, EidSettingsError> {
        Ok(self.read()?.pkcs11_module)
    }

    /// Sets the module to `module`, or with None, goes back to the usual paths.
    pub fn set_module(&self, module: Option<&Path>) -> Result<(), EidSettingsError> {
        let mut file = self.read()?;
        file.pkcs11_module = module.map(Path::to_path_buf);
        let mut text = serde_json::to_string_pretty(&file).unwrap_or_default();
        text.push('\n');
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| EidSettingsError::Io { path, source }
        };
        if let Some(dir) = self.path.parent() {
            create_private_dir(dir).map_err(io(dir))?;
        }
        write_atomic(&self.path, text.as_bytes()).map_err(io(&self.path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_module_is_kept_and_cleared() {
        let dir = tempfile::TempDir::new().unwrap();
        let settings = EidSettings::open(&Profile::at(dir.path()));
        assert_eq!(settings.module().unwrap(), None);
        settings
            .set_module(Some(Path::new("/opt/x/libpkcs11.so")))
            .unwrap();
        assert_eq!(
            settings.module().unwrap().as_deref(),
            Some(Path::new("/opt/x/libpkcs11.so"))
        );
        settings.set_module(None).unwrap();
        assert_eq!(settings.module().unwrap(), None);
        std::fs::write(dir.path().join("eid.json"), b"{\"module\": 1}").unwrap();
        assert_eq!(
            settings.module().unwrap_err().code(),
            "eid_settings_damaged"
        );
    }
}
