//! What a TSA's certificates must be beyond any certificate's rules ([`crate::x509`]): the
//! signing certificate for time-stamping, and its chain walked up to an [`Anchor`].

use der::asn1::ObjectIdentifier;
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

/// Walks from `signer` up through `carried` (the token's certificates) and `anchors`
/// ([`x509::walk`], at most [`MAX_CHAIN`] certificates, issuers checked for cA alone): Ok(true)
/// when an anchor is reached, Ok(false) when not, timestamp_chain when a link does not hold.
pub(super) fn walk(
    signer: &Cert,
    carried: &[Cert],
    anchors: &[Anchor],
    at: i64,
) -> Result<bool, TokenProblem> {
    let anchors: Vec<&Cert> = anchors.iter().map(|a| &a.cert).collect();
    let rules = Rules {
        max: MAX_CHAIN,
        constraints: false,
        when: WHEN,
        name: x509::readable_name,
    };
    match x509::walk(signer, carried, &anchors, at, &rules) {
        Ok(Walked::Anchored(_)) => Ok(true),
        Ok(Walked::Unanchored(_)) => Ok(false),
        Err(reason) => Err(TokenProblem::Chain { reason }),
    }
}
