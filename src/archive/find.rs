//! Finding agreements: what a query means, decided once, over either kind of index.
//!
//! A local archive answers from its SQLite index, a team archive from the index in its
//! PostgreSQL database. Both are a [`Lookups`]: a handful of plain lookups (by id, by
//! enterprise number, by key fingerprint, by terms), each with the same order and limit.
//! What a query asks for (an enterprise number in any form, an id or fingerprint, words) is
//! worked out here, for both, so that the same query gives the same answer from either.

use std::path::PathBuf;

use super::id::AgreementId;
use super::index::{Index, Summary};
use super::{words, ArchiveError, SEARCH_LIMIT};
use crate::kind::Kind;
use crate::verify::Status;

/// The lookups a search is made of. Every list of agreements is ordered by the time their
/// current version was stored (`updated`), then by id, both compared byte by byte.
pub(crate) trait Lookups {
    /// The agreement with this id.
    fn get(&self, id: &str) -> Result<Option<Summary>, ArchiveError>;

    /// Ids that start with `prefix` (lower-case hex), at most 10, in order.
    fn ids_starting(&self, prefix: &str) -> Result<Vec<AgreementId>, ArchiveError>;

    /// Every agreement, or those of one status.
    fn list(&self, status: Option<Status>) -> Result<Vec<Summary>, ArchiveError>;

    /// Agreements either of whose parties has this enterprise number, in its normal form
    /// (`BE0821.588.020`) or the form earlier versions stored (`0821.588.020`): the `limit`
    /// most recently updated.
    fn by_enterprise_number(&self, number: &str, limit: u32) -> Result<Vec<Summary>, ArchiveError>;

    /// Agreements signed with a key whose fingerprint starts with `prefix` (lower-case
    /// hex): the `limit` most recently updated.
    fn by_fingerprint(&self, prefix: &str, limit: u32) -> Result<Vec<Summary>, ArchiveError>;

    /// Agreements that hold, for each of `terms`, a word of theirs that begins with it: the
    /// `limit` most recently updated.
    fn by_terms(&self, terms: &[String], limit: u32) -> Result<Vec<Summary>, ArchiveError>;
}

/// A local archive's SQLite index, as [`Lookups`].
pub(crate) struct Local<'a> {
    pub index: &'a Index,
    /// The index's file, as errors name it.
    pub path: PathBuf,
}

impl Local<'_> {
    fn err(&self) -> impl FnOnce(rusqlite::Error) -> ArchiveError + '_ {
        move |source| ArchiveError::Index {
            path: self.path.clone(),
            source,
        }
    }
}

impl Lookups for Local<'_> {
    fn get(&self, id: &str) -> Result<Option<Summary>, ArchiveError> {
        self.index.get(id).map_err(self.err())
    }

    fn ids_starting(&self, prefix: &str) -> Result<Vec<AgreementId>, ArchiveError> {
        self.index.ids_starting(prefix).map_err(self.err())
    }

    fn list(&self, status: Option<Status>) -> Result<Vec<Summary>, ArchiveError> {
        self.index.list(status).map_err(self.err())
    }

    fn by_enterprise_number(&self, number: &str, limit: u32) -> Result<Vec<Summary>, ArchiveError> {
        self.index
            .by_enterprise_number(number, limit)
            .map_err(self.err())
    }

    fn by_fingerprint(&self, prefix: &str, limit: u32) -> Result<Vec<Summary>, ArchiveError> {
        self.index.by_fingerprint(prefix, limit).map_err(self.err())
    }

    fn by_terms(&self, terms: &[String], limit: u32) -> Result<Vec<Summary>, ArchiveError> {
        self.index.by_terms(terms, limit).map_err(self.err())
    }
}

/// The terms a query's words make ([`words::terms`], each once): a query of no word makes
/// none.
pub(crate) fn query_terms(query: &str) -> Result<Vec<String>, ArchiveError> {
    words::terms(&[query]).map_err(|source| ArchiveError::Index {
        path: PathBuf::from("the search's words"),
        source,
    })
}

/// Finds agreements (see [`super::Archive::search`]) in `index`: by either party's
/// enterprise number in any accepted form, by an id or key fingerprint (8 or more hex
/// digits), or by words; at most [`SEARCH_LIMIT`].
pub(crate) fn search(index: &dyn Lookups, query: &str) -> Result<Vec<Summary>, ArchiveError> {
    let q = query.trim();
    if let Ok(number) = Kind::EnterpriseNumber.normalize(q) {
        return index.by_enterprise_number(&number, SEARCH_LIMIT);
    }
    let hex: String = q.chars().filter(|c| !c.is_whitespace()).collect();
    if hex.len() >= 8 && hex.chars().all(|c| c.is_ascii_hexdigit()) {
        let hex = hex.to_ascii_lowercase();
        let mut found = Vec::new();
        for id in index.ids_starting(&hex)? {
            if let Some(s) = index.get(id.as_str())? {
                found.push(s);
            }
        }
        for s in index.by_fingerprint(&hex, SEARCH_LIMIT)? {
            if !found.iter().any(|f: &Summary| f.id == s.id) {
                found.push(s);
            }
        }
        if !found.is_empty() {
            found.truncate(SEARCH_LIMIT as usize);
            return Ok(found);
        }
    }
    let terms = query_terms(q)?;
    if terms.is_empty() {
        return Err(ArchiveError::EmptyQuery(query.to_string()));
    }
    index.by_terms(&terms, SEARCH_LIMIT)
}
