//! The holder an eID Signature certificate names: the name to show, and the national register
//! number, which is only ever compared or shown masked.

use std::fmt;

use der::asn1::ObjectIdentifier;
use x509_cert::name::Name;

use crate::x509::directory_string;

const ID_AT_CN: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.3");
const ID_AT_SURNAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.4");
const ID_AT_SERIAL_NUMBER: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.5");
const ID_AT_GIVEN_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.42");

/// Longest name part kept, in characters (a name shown is cut there).
const MAX_NAME_CHARS: usize = 200;

/// A Belgian national register number (rijksregisternummer, numéro de registre national).
///
/// It is personal data: it is never shown in full, never put in a view, a log, an index or an
/// error. The type gives no way to read its digits: it only compares equal to the same number
/// (which tells whether two certificates are the same person's) and gives its masked form,
/// `••.••.••-•••.28` (the two check digits only). `Debug` gives the masked form; there is no
/// `Display` and no `Serialize`.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct NationalNumber([u8; 11]);

impl NationalNumber {
    /// Reads the eleven digits of a certificate's `serialNumber` attribute; None unless they
    /// are eleven ASCII digits whose check digits hold (for a birth before 2000, or, with a 2
    /// put before the first nine digits, from 2000).
    fn parse(text: &str) -> Option<NationalNumber> {
        let bytes: [u8; 11] = text.as_bytes().try_into().ok()?;
        if !bytes.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let number = |digits: &[u8]| {
            digits
                .iter()
                .fold(0u64, |acc, &d| acc * 10 + u64::from(d - b'0'))
        };
        let base = number(&bytes[..9]);
        let check = number(&bytes[9..]);
        let holds = |base: u64| 97 - base % 97 == check;
        (holds(base) || holds(2_000_000_000 + base)).then_some(NationalNumber(bytes))
    }

    /// The number masked but for its two check digits: `••.••.••-•••.28`.
    pub fn masked(&self) -> String {
        format!(
            "••.••.••-•••.{}{}",
            char::from(self.0[9]),
            char::from(self.0[10])
        )
    }
}

impl fmt::Debug for NationalNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NationalNumber({})", self.masked())
    }
}

/// The holder of an eID Signature certificate, as its subject names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    /// The given names (`givenName`), made safe to show; empty when the certificate has none.
    pub given_names: String,
    /// The surname (`surname`), made safe to show; empty when the certificate has none.
    pub surname: String,
    /// The name as shown: given names, a space, the surname; without them, the common name
    /// without its " (Signature)".
    pub name: String,
    /// The national register number: compared, or shown masked, never in full.
    pub number: NationalNumber,
}

impl Holder {
    /// The holder `subject` names; None when it names no one (no name at all) or carries no
    /// valid national register number.
    pub(crate) fn from_subject(subject: &Name) -> Option<Holder> {
        let find = |oid: ObjectIdentifier| {
            subject
                .0
                .iter()
                .flat_map(|rdn| rdn.0.iter())
                .find(|atv| atv.oid == oid)
                .and_then(|atv| directory_string(&atv.value))
        };
        let shown = |text: String| crate::shown::replaced(text.trim(), MAX_NAME_CHARS);
        let number = NationalNumber::parse(&find(ID_AT_SERIAL_NUMBER)?)?;
        let given_names = find(ID_AT_GIVEN_NAME).map(shown).unwrap_or_default();
        let surname = find(ID_AT_SURNAME).map(shown).unwrap_or_default();
        let name = if given_names.is_empty() || surname.is_empty() {
            let cn = find(ID_AT_CN).map(shown).unwrap_or_default();
            let cn = cn.strip_suffix(" (Signature)").unwrap_or(&cn).trim();
            if cn.is_empty() {
                format!("{given_names} {surname}").trim().to_string()
            } else {
                cn.to_string()
            }
        } else {
            format!("{given_names} {surname}")
        };
        if name.is_empty() {
            return None;
        }
        Some(Holder {
            given_names,
            surname,
            name,
            number,
        })
    }

    /// Whether `other` is the same person: the same national register number.
    pub fn same_person(&self, other: &Holder) -> bool {
        self.number == other.number
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    fn holder(subject: &str) -> Option<Holder> {
        Holder::from_subject(&Name::from_str(subject).unwrap())
    }

    #[test]
    fn names_and_numbers() {
        let tom = holder(
            "2.5.4.5=85073003328,2.5.4.42=Tom,2.5.4.4=Hendrix,CN=Tom Hendrix (Signature),C=BE",
        )
        .unwrap();
        assert_eq!(tom.name, "Tom Hendrix");
        assert_eq!(tom.given_names, "Tom");
        assert_eq!(tom.surname, "Hendrix");
        assert_eq!(tom.number.masked(), "••.••.••-•••.28");
        // Without given names and surname, the common name without " (Signature)".
        let cn = holder("2.5.4.5=85073003328,CN=Tom Hendrix (Signature),C=BE").unwrap();
        assert_eq!(cn.name, "Tom Hendrix");
        assert!(cn.same_person(&tom));
        // Born in 2000 or later: the check digits count a 2 before the nine digits.
        let young = holder("2.5.4.5=00010100105,CN=Jong (Signature)").unwrap();
        assert!(!young.same_person(&tom));
        assert_eq!(young.number.masked(), "••.••.••-•••.05");
    }

    #[test]
    fn no_valid_number_no_holder() {
        for number in [
            "85073003329",
            "8507300332",
            "850730033281",
            "8507300332x",
            "",
        ] {
            assert!(
                holder(&format!("2.5.4.5={number},CN=Tom Hendrix (Signature)")).is_none(),
                "{number}"
            );
        }
        assert!(holder("CN=Tom Hendrix (Signature)").is_none());
        assert!(holder("2.5.4.5=85073003328").is_none());
    }

    #[test]
    fn names_are_made_safe_to_show() {
        let h = holder("2.5.4.5=85073003328,2.5.4.42=Tom\u{202e},2.5.4.4=Hendrix").unwrap();
        assert!(!h.name.contains('\u{202e}'), "{:?}", h.name);
    }

    #[test]
    fn the_number_never_shows_in_full() {
        let tom = holder("2.5.4.5=85073003328,2.5.4.42=Tom,2.5.4.4=Hendrix").unwrap();
        let debug = format!("{tom:?} {:?} {tom:#?}", tom.number);
        assert!(!debug.contains("85073003328"), "{debug}");
        assert!(!debug.contains("850730"), "{debug}");
        assert!(debug.contains("••.••.••-•••.28"), "{debug}");
    }
}
