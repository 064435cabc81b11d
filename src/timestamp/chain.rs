//! What a TSA's certificates must be beyond any certificate's rules ([`crate::x509`]): the
//! signing certificate for time-stamping, and its chain walked up to an [`Anchor`]: once when
//! the token is checked, and again against the anchors that decide whether it is trusted.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use der::asn1::ObjectIdentifier;
use sha2::Digest;
use x509_cert::Certificate;

use super::{Anchor, TokenProblem, MAX_CHAIN};
use crate::x509::{self, extended_key_usage, oid_name, Cert, Rules, Walked};

const ID_KP_TIME_STAMPING: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.8");

/// The time a token's certificates are checked at, in the words.
pub(super) const WHEN: &str = "the timestamp's time";

/// Whether `cert` is for time-stamping as RFC 3161 requires: an extended key usage extension,
/// critical, whose only purpose is `id-kp-timeStamping`.
pub(super) fn check_time_stamping(cert: &Certificate) -> Result<(), String> {
    let (purposes, critical) = extended_key_usage(cert)?
        .ok_or("it has no extended key usage (time stamping is required)")?;
    if purposes != [ID_KP_TIME_STAMPING] {
        let names: Vec<String> = purposes.iter().map(oid_name).collect();
        return Err(format!(
            "its extended key usage is {}, not time stamping alone",
            names.join(", ")
        ));
    }
    if !critical {
        return Err("its extended key usage is not marked critical".into());
    }
    Ok(())
}

/// The certificates of a token, as it was checked: what deciding whether an anchor vouches
/// for it takes, without reading the token or checking its signature again (verification
/// checks a token without anchors; `crate::judgement` then decides the trust in a token that
/// holds against the profile's anchors, with [`TokenChain::trusted_by`]). The links between two certificates checked by one walk are remembered, so
/// that the walk up to an anchor does not check again a signature the first walk checked.
#[derive(Clone)]
pub struct TokenChain(Arc<Parts>);

struct Parts {
    /// The certificates the token carries; `signer` is the index of its signing certificate.
    certs: Vec<Cert>,
    signer: usize,
    /// The token's time, seconds since the Unix epoch: when the chain must hold.
    at: i64,
    /// Each pair of certificates checked, and whether the issuer's key made the
    /// certificate's signature.
    links: Mutex<Vec<Link>>,
}

/// A certificate and its issuer (the SHA-256 of each one's DER), and whether the issuer's key
/// made the certificate's signature (why not, in words).
type Link = ([u8; 32], [u8; 32], Result<(), String>);

impl TokenChain {
    /// The chain of a token whose signing certificate is `certs[signer]`, at `at` (not walked
    /// yet).
    pub(super) fn new(certs: Vec<Cert>, signer: usize, at: i64) -> TokenChain {
        TokenChain(Arc::new(Parts {
            certs,
            signer,
            at,
            links: Mutex::new(Vec::new()),
        }))
    }

    /// The TSA's signing certificate.
    pub(super) fn signer(&self) -> &Cert {
        &self.0.certs[self.0.signer]
    }

    /// Whether the chain reaches one of `anchors`: walked from the signing certificate up
    /// through the certificates the token carries and `anchors`, no link failing (with no
    /// anchor, never): what [`check_token`](super::check_token) with `anchors` says in
    /// `trusted` of a token that holds.
    pub fn trusted_by(&self, anchors: &[Anchor]) -> bool {
        !anchors.is_empty() && self.walk(anchors).unwrap_or(false)
    }

    /// Walks from the signing certificate up through the carried certificates and `anchors`
    /// ([`x509::walk`], at most [`MAX_CHAIN`] certificates, issuers checked for cA alone):
    /// Ok(true) when an anchor is reached, Ok(false) when not, timestamp_chain when a link
    /// does not hold.
    pub(super) fn walk(&self, anchors: &[Anchor]) -> Result<bool, TokenProblem> {
        let parts = &*self.0;
        let anchors: Vec<&Cert> = anchors.iter().map(|a| &a.cert).collect();
        let rules = Rules {
            max: MAX_CHAIN,
            constraints: false,
            when: WHEN,
            name: x509::readable_name,
        };
        let issued_by = |cert: &Cert, issuer: &Cert| {
            let key = (sha256(&cert.der), sha256(&issuer.der));
            let mut links = parts.links.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some((_, _, known)) = links.iter().find(|(c, i, _)| (*c, *i) == key) {
                return known.clone();
            }
            let checked = x509::check_issued_by(&cert.cert, &cert.der, &issuer.cert);
            links.push((key.0, key.1, checked.clone()));
            checked
        };
        match x509::walk_checking(
            self.signer(),
            &parts.certs,
            &anchors,
            parts.at,
            &rules,
            &issued_by,
        ) {
            Ok(Walked::Anchored(_)) => Ok(true),
            Ok(Walked::Unanchored(_)) => Ok(false),
            Err(reason) => Err(TokenProblem::Chain { reason }),
        }
    }
}

fn sha256(bytes: &[u8]) -> [u8; 32] {
    sha2::Sha256::digest(bytes).into()
}

/// Two chains are the same when they hold the same certificates, signed by the same one, at
/// the same time.
impl PartialEq for TokenChain {
    fn eq(&self, other: &TokenChain) -> bool {
        let (a, b) = (&*self.0, &*other.0);
        a.signer == b.signer
            && a.at == b.at
            && a.certs.len() == b.certs.len()
            && a.certs.iter().zip(&b.certs).all(|(x, y)| x.der == y.der)
    }
}

impl Eq for TokenChain {}

impl fmt::Debug for TokenChain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenChain")
            .field("signer", &self.signer().subject())
            .field("certificates", &self.0.certs.len())
            .field("at", &self.0.at)
            .finish()
    }
}
