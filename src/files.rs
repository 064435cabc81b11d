//! What the `fs` feature adds to the core's values: an agreement read from a file
//! ([`Agreement::load`]) and written to one ([`Agreement::save`]), a template read from a file
//! ([`Template::load`]).
//!
//! Each is an inherent method of its type, defined here so that the feature gates this one
//! module; the types themselves, and everything that works on bytes and values, are the same
//! with and without it. Reading a file at all is [`crate::open::read_file`], and the bounded,
//! careful reads and writes are `crate::fsutil`'s.

use std::path::Path;

use crate::agreement::{Agreement, AgreementError};
use crate::fsutil::{read_limited, write_atomic};
use crate::open::{read_file, read_to_work_on, OpenError};
use crate::template::{Template, TemplateError, TemplateProblem, MAX_TEMPLATE_BYTES};

impl Agreement {
    /// Reads the agreement in the file at `path`, to work on it ([`read_to_work_on`]): an agreement file, or the one
    /// inside an exemplar PDF. Refused ([`OpenError::Refused`]) when the file is not a
    /// Tweevoud file, is damaged, or is a PDF whose visible document is not the agreement
    /// inside it. The agreement's own signatures are not judged here: filling in and signing
    /// refuse an agreement that is not intact (`crate::signing`), and verifying reports it.
    pub fn load(path: &Path) -> Result<Agreement, OpenError> {
        let bytes = read_file(path)?;
        let contents = read_to_work_on(&bytes).map_err(|r| OpenError::Refused {
            path: path.to_path_buf(),
            kind: r.kind,
            reason: r.reason,
        })?;
        Ok(contents.agreement)
    }

    /// Writes the agreement file, replacing `path` atomically.
    pub fn save(&self, path: &Path) -> Result<(), AgreementError> {
        write_atomic(path, self.to_json().as_bytes()).map_err(|source| AgreementError::Write {
            path: path.to_path_buf(),
            source,
        })
    }
}

impl Template {
    /// Reads and parses a template file.
    pub fn load(path: &Path) -> Result<Template, TemplateError> {
        let bytes = match read_limited(path, MAX_TEMPLATE_BYTES as u64) {
            Err(e) if e.kind() == std::io::ErrorKind::FileTooLarge => {
                return Err(TemplateError::InFile {
                    path: path.to_path_buf(),
                    source: Box::new(TemplateError::At {
                        line: 1,
                        problem: TemplateProblem::TooLarge,
                    }),
                })
            }
            other => other.map_err(|source| TemplateError::Read {
                path: path.to_path_buf(),
                source,
            })?,
        };
        let text = String::from_utf8(bytes).map_err(|e| TemplateError::Read {
            path: path.to_path_buf(),
            source: std::io::Error::new(std::io::ErrorKind::InvalidData, e),
        })?;
        Template::parse(&text).map_err(|e| TemplateError::InFile {
            path: path.to_path_buf(),
            source: Box::new(e),
        })
    }
}
