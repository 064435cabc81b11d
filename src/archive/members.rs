//! Who may write an archive's log ([`Writers`]): the profile's own keys for a local
//! archive, and the members of a team archive, at each place in its log ([`Members`]).
//!
//! A team archive's log starts with a `members` entry, signed by the archive's creator and
//! listing the members' keys (the creator's among them). Each later `members` entry, signed
//! by the creator, replaces the list from the entry after it on. An entry is acted on when
//! its signer was a member at its place in the log; a `members` entry signed by anyone but
//! the creator changes nothing. The creator is the key the member's profile pinned when it
//! connected ([`super::Trust::creator`]): a log whose first entry another key signed is not
//! this team's archive.

use super::id::Sha256Hex;
use super::log::{entry_hash, Line, LogEntry, LogEvent};
use crate::key::Fingerprint;

/// What a signer was, at an entry's place in a team archive's log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Standing {
    /// A member (for a `members` entry: the creator).
    Member,
    /// Not a member at that place.
    NotMember,
    /// A member, but the entry changes the members and only the creator may.
    NotCreator,
    /// The log was not begun by the creator the profile pinned (or not by a `members` entry).
    NotThisTeam,
}

/// The member lists of a team archive's log, as its creator signed them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Members {
    /// The creator's key the profile pinned.
    pinned: Option<Sha256Hex>,
    /// The pinned creator's key, when the log's first entry is its `members` entry.
    creator: Option<Sha256Hex>,
    /// Each list in force, from the entry after the `members` entry at this `seq` on.
    lists: Vec<(u64, Vec<Sha256Hex>)>,
}

/// The entries of `lines` up to the first that is not an entry or breaks the chain.
fn chained(lines: &[Line]) -> impl Iterator<Item = &LogEntry> {
    let mut prev: Option<&Sha256Hex> = None;
    lines.iter().enumerate().map_while(move |(i, line)| {
        let e = line.entry.as_ref().ok()?;
        (e.seq == i as u64 && e.prev.as_ref() == prev).then(|| {
            prev = Some(&e.hash);
            e
        })
    })
}

fn hex(fp: &Fingerprint) -> Sha256Hex {
    Sha256Hex::from_bytes(fp.as_bytes())
}

impl Members {
    /// The same, read again from `entries` with the same pinned creator.
    pub(crate) fn again<'a>(&self, entries: impl IntoIterator<Item = &'a LogEntry>) -> Members {
        Members::pinned(entries, self.pinned.clone())
    }

    /// The member lists the log's `entries` hold (in order, from the first, up to the first
    /// break in the chain: the caller checks the chain), with `pinned` the creator's key the
    /// profile pinned. Only `members` entries whose hash holds and that the creator validly
    /// signed count.
    fn pinned<'a>(
        entries: impl IntoIterator<Item = &'a LogEntry>,
        pinned: Option<Sha256Hex>,
    ) -> Members {
        let none = Members {
            pinned: pinned.clone(),
            creator: None,
            lists: Vec::new(),
        };
        let Some(creator) = pinned else {
            return none;
        };
        let by_creator = |e: &LogEntry| {
            e.event == LogEvent::Members
                && entry_hash(e) == e.hash
                && matches!(e.check_signature(), Ok(Some(fp)) if hex(&fp) == creator)
        };
        let mut entries = entries.into_iter();
        let Some(first) = entries.next().filter(|e| e.seq == 0 && by_creator(e)) else {
            return none;
        };
        let mut lists = vec![(0, first.members.clone())];
        lists.extend(
            entries
                .filter(|e| by_creator(e))
                .map(|e| (e.seq, e.members.clone())),
        );
        Members {
            pinned: Some(creator.clone()),
            creator: Some(creator),
            lists,
        }
    }

    /// The member lists of the log's `lines`, up to the first line that is not an entry or
    /// breaks the chain.
    pub(crate) fn of_lines(lines: &[Line], creator: Option<&Fingerprint>) -> Members {
        Members::pinned(chained(lines), creator.map(hex))
    }

    /// The same, read again from `lines` with the same pinned creator.
    pub(crate) fn again_lines(&self, lines: &[Line]) -> Members {
        Members::pinned(chained(lines), self.pinned.clone())
    }

    /// What `signer` was at `entry`'s place.
    pub(crate) fn standing(&self, entry: &LogEntry, signer: &Fingerprint) -> Standing {
        let Some(creator) = &self.creator else {
            return Standing::NotThisTeam;
        };
        let signer = hex(signer);
        if entry.seq == 0 {
            return if signer == *creator && entry.event == LogEvent::Members {
                Standing::Member
            } else {
                Standing::NotThisTeam
            };
        }
        let in_force = self
            .lists
            .iter()
            .rev()
            .find(|(seq, _)| *seq < entry.seq)
            .map_or(&[][..], |(_, list)| &list[..]);
        if !in_force.contains(&signer) {
            Standing::NotMember
        } else if entry.event == LogEvent::Members && signer != *creator {
            Standing::NotCreator
        } else {
            Standing::Member
        }
    }

    /// Whether `key` is a member now (after the last list).
    pub(crate) fn now(&self, key: &Fingerprint) -> bool {
        self.creator.is_some()
            && self
                .lists
                .last()
                .is_some_and(|(_, list)| list.contains(&hex(key)))
    }

    /// The members now.
    pub fn current(&self) -> Vec<Sha256Hex> {
        self.lists
            .last()
            .map(|(_, list)| list.clone())
            .unwrap_or_default()
    }

    /// Whether the log was begun by the pinned creator's `members` entry.
    pub fn begun(&self) -> bool {
        self.creator.is_some()
    }

    /// Whether `key` is the pinned creator's.
    #[cfg(feature = "team")]
    pub(crate) fn is_creator(&self, key: &Fingerprint) -> bool {
        self.pinned.as_ref() == Some(&hex(key))
    }
}

/// Which keys may write an archive's log: the log entries an archive acts on are those signed
/// by one of them.
#[derive(Debug, Clone, Copy)]
pub enum Writers<'a> {
    /// Any key whose signature holds (an archive used without a profile, by the library).
    AnySigned,
    /// Only these keys (the profile's own).
    Keys(&'a [Fingerprint]),
    /// A team archive's members, each at its place in the log.
    Members(&'a Members),
}

impl Writers<'_> {
    /// Whether `entry`, taken alone, is authenticated: its content matches its hash and it is
    /// validly signed by a key that may write. (Its place in the chain is the reader's to
    /// check.)
    pub fn authenticate(&self, entry: &LogEntry) -> bool {
        entry_hash(entry) == entry.hash && self.signed(entry)
    }

    /// Whether `entry`'s signature holds and is by a key that may write it, at its place
    /// (its hash unchecked).
    pub fn signed(&self, entry: &LogEntry) -> bool {
        match (entry.check_signature(), self) {
            (Ok(Some(fp)), Writers::Members(m)) => m.standing(entry, &fp) == Standing::Member,
            (Ok(Some(fp)), _) => self.allows(&fp),
            _ => false,
        }
    }

    /// Whether this key may write (now, for a team archive's members).
    pub fn allows(&self, fp: &Fingerprint) -> bool {
        match self {
            Writers::AnySigned => true,
            Writers::Keys(keys) => keys.contains(fp),
            Writers::Members(m) => m.now(fp),
        }
    }
}
