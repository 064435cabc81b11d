//! The two sides of an agreement. Tweevoud's agreements are bilateral: a provider (the
//! processor, who usually prepares and signs first) and a customer.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{param, Coded, Params};

/// One side of the agreement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Party {
    /// The party that provides the service (in the DPA: XIS, the processor).
    Provider,
    /// The party that buys it (in the DPA: the customer, the controller).
    Customer,
}

/// Both parties, in the order a template lists them and they usually sign.
pub const PARTIES: [Party; 2] = [Party::Provider, Party::Customer];

impl Party {
    /// `"provider"` or `"customer"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Party::Provider => "provider",
            Party::Customer => "customer",
        }
    }

    /// The number of the party's own exemplar: 1 for the provider, 2 for the customer.
    pub fn exemplar(self) -> u32 {
        match self {
            Party::Provider => 1,
            Party::Customer => 2,
        }
    }

    /// The other side.
    pub fn other(self) -> Party {
        match self {
            Party::Provider => Party::Customer,
            Party::Customer => Party::Provider,
        }
    }
}

impl fmt::Display for Party {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The name is neither `provider` nor `customer`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown party {0:?}: a party is \"provider\" or \"customer\"")]
pub struct UnknownParty(pub String);

impl Coded for UnknownParty {
    fn code(&self) -> &'static str {
        "unknown_party"
    }

    fn params(&self) -> Params {
        vec![param("found", &self.0)]
    }
}

impl FromStr for Party {
    type Err = UnknownParty;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "provider" => Ok(Party::Provider),
            "customer" => Ok(Party::Customer),
            other => Err(UnknownParty(other.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for p in PARTIES {
            assert_eq!(p.as_str().parse::<Party>(), Ok(p));
            assert_eq!(p.other().other(), p);
        }
        assert_eq!(
            "klant".parse::<Party>(),
            Err(UnknownParty("klant".to_string()))
        );
    }
}
