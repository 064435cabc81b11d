//! The words an exemplar adds to the agreement's text, in the template's language: labels,
//! page numbers, the signature block, file names.

use chrono::{DateTime, FixedOffset, Timelike};
use unicode_normalization::UnicodeNormalization;

use super::Exemplar;
use crate::agreement::Agreement;
use crate::language::Language;
use crate::party::Party;
use crate::template::Detail;

/// The fixed words of one language.
pub(crate) struct Words {
    pub copy: &'static str,
    pub of: &'static str,
    pub for_: &'static str,
    pub to_sign_by: &'static str,
    pub page: &'static str,
    pub text_fingerprint: &'static str,
    pub signatures: &'static str,
    pub attached: &'static str,
    pub name: &'static str,
    pub function: &'static str,
    pub signed_on: &'static str,
    pub at: &'static str,
    pub with_ed25519: &'static str,
    pub key_fingerprint: &'static str,
    pub signature: &'static str,
    pub pending: &'static str,
    pub file_copy: &'static str,
    pub file_of: &'static str,
    pub file_to_sign: &'static str,
    /// What names the agreement file once every party signed: "ondertekend".
    pub file_signed: &'static str,
    /// The label of a signature's trusted timestamp (renderer 3 on).
    pub timestamp: &'static str,
    /// How the time a TSA attests is said to be attested by it: "door", "par", "by".
    pub by: &'static str,
    /// What a signature without a trusted timestamp says (renderer 3 on).
    pub no_timestamp: &'static str,
    /// What ends a label: ":" (French sets a no-break space before it).
    pub colon: &'static str,
}

impl Words {
    /// A label and its colon: "Naam:", "Nom :".
    pub(crate) fn labelled(&self, label: &str) -> String {
        format!("{label}{}", self.colon)
    }
}

pub(crate) fn words(language: Language) -> &'static Words {
    match language {
        Language::Nl => &Words {
            copy: "Exemplaar",
            of: "van",
            for_: "voor",
            to_sign_by: "Ter ondertekening door",
            page: "Pagina",
            text_fingerprint: "Vingerafdruk van de tekst",
            signatures: "Digitale handtekeningen",
            attached: "Het ondertekende overeenkomstbestand zit als bijlage in deze PDF; \
                       controleer het met tweevoud verify.",
            name: "Naam",
            function: "Functie",
            signed_on: "Ondertekend op",
            at: "om",
            with_ed25519: "digitaal ondertekend met Ed25519",
            key_fingerprint: "Vingerafdruk van de sleutel",
            signature: "Handtekening (base64)",
            pending: "nog te ondertekenen",
            file_copy: "exemplaar",
            file_of: "van",
            file_to_sign: "ter-ondertekening",
            file_signed: "ondertekend",
            timestamp: "Tijdstempel",
            by: "door",
            no_timestamp:
                "geen vertrouwde tijdstempel verkregen: het tijdstip is dat van de ondertekenaar",
            colon: ":",
        },
        Language::Fr => &Words {
            copy: "Exemplaire",
            of: "sur",
            for_: "pour",
            to_sign_by: "À signer par",
            page: "Page",
            text_fingerprint: "Empreinte du texte",
            signatures: "Signatures numériques",
            attached: "Le fichier signé de l'accord est joint à ce PDF ; \
                       vérifiez-le avec tweevoud verify.",
            name: "Nom",
            function: "Fonction",
            signed_on: "Signé le",
            at: "à",
            with_ed25519: "signé numériquement avec Ed25519",
            key_fingerprint: "Empreinte de la clé",
            signature: "Signature (base64)",
            pending: "reste à signer",
            file_copy: "exemplaire",
            file_of: "sur",
            file_to_sign: "a-signer",
            file_signed: "signe",
            timestamp: "Horodatage",
            by: "par",
            no_timestamp: "aucun horodatage de confiance obtenu : l'heure est celle du signataire",
            colon: "\u{a0}:",
        },
        Language::En => &Words {
            copy: "Copy",
            of: "of",
            for_: "for",
            to_sign_by: "To be signed by",
            page: "Page",
            text_fingerprint: "Text fingerprint",
            signatures: "Digital signatures",
            attached: "The signed agreement file is attached to this PDF; \
                       check it with tweevoud verify.",
            name: "Name",
            function: "Function",
            signed_on: "Signed on",
            at: "at",
            with_ed25519: "digitally signed with Ed25519",
            key_fingerprint: "Key fingerprint",
            signature: "Signature (base64)",
            pending: "still to be signed",
            file_copy: "copy",
            file_of: "of",
            file_to_sign: "to-sign",
            file_signed: "signed",
            timestamp: "Timestamp",
            by: "by",
            no_timestamp: "no trusted timestamp obtained: the time is the signer's own",
            colon: ":",
        },
    }
}

/// The party an exemplar is labelled for or awaits.
fn party_of(exemplar: Exemplar, agreement: &Agreement) -> Party {
    match exemplar {
        Exemplar::Copy(p) => p,
        Exemplar::ToSign => agreement.next_signer().unwrap_or(Party::Customer),
    }
}

pub(crate) fn label(exemplar: Exemplar, agreement: &Agreement) -> String {
    let t = agreement.template();
    let w = words(t.language());
    let designation = &t.party(party_of(exemplar, agreement)).designation;
    match exemplar {
        Exemplar::Copy(p) => format!(
            "{} {} {} 2 — {} {designation}",
            w.copy,
            p.exemplar(),
            w.of,
            w.for_
        ),
        Exemplar::ToSign => format!("{} {designation}", w.to_sign_by),
    }
}

/// "Pagina 2 van 5".
pub(crate) fn page(language: Language, n: usize, of: usize) -> String {
    let w = words(language);
    format!("{} {n} {} {of}", w.page, w.of)
}

/// A party detail as the agreement states it now.
pub(crate) fn detail(agreement: &Agreement, d: &Detail) -> Option<String> {
    match d {
        Detail::Fixed(s) => Some(s.clone()),
        Detail::Blank(id) => agreement.value(id).map(str::to_string),
    }
}

/// Lower-case ASCII words joined by `-`: "Brouwerij De Zwarte Kat BV" → "brouwerij-de-zwarte-kat-bv".
pub(crate) fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.nfd() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if (c.is_ascii() || c.is_whitespace()) && !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
        // Combining marks and other non-ASCII characters are dropped: "é" → "e".
    }
    let mut s = out.trim_end_matches('-').to_string();
    if s.len() > 60 {
        s.truncate(60);
        s = s.trim_end_matches('-').to_string();
    }
    s
}

/// What every file name of the agreement begins with: its title, and the customer's name once
/// it is known.
fn name_parts(agreement: &Agreement) -> Vec<String> {
    let t = agreement.template();
    let mut parts = vec![match slug(t.title()) {
        s if s.is_empty() => t.id().to_string(),
        s => s,
    }];
    if let Some(customer) = detail(agreement, &t.party(Party::Customer).name) {
        let s = slug(&customer);
        if !s.is_empty() {
            parts.push(s);
        }
    }
    parts
}

pub(crate) fn file_name(exemplar: Exemplar, agreement: &Agreement) -> String {
    let w = words(agreement.template().language());
    let mut parts = name_parts(agreement);
    parts.push(match exemplar {
        Exemplar::Copy(p) => format!("{}-{}-{}-2", w.file_copy, p.exemplar(), w.file_of),
        Exemplar::ToSign => w.file_to_sign.to_string(),
    });
    format!("{}.pdf", parts.join("-"))
}

/// The name the agreement file is offered under, after where it stands: nobody signed yet
/// (the title, and the customer), a party still to sign ("…-ter-ondertekening"), or signed by
/// both ("…-ondertekend").
pub(crate) fn agreement_file_name(agreement: &Agreement) -> String {
    let w = words(agreement.template().language());
    let mut parts = name_parts(agreement);
    if !agreement.signatures().is_empty() {
        parts.push(match agreement.next_signer() {
            Some(_) => w.file_to_sign.to_string(),
            None => w.file_signed.to_string(),
        });
    }
    format!("{}.tweevoud", parts.join("-"))
}

/// "23 november 2026 om 10:00:00 (UTC+01:00)", or the time as recorded if it is not RFC 3339.
pub(crate) fn signing_time(language: Language, rfc3339: &str) -> String {
    use chrono::Datelike;
    let w = words(language);
    match DateTime::<FixedOffset>::parse_from_rfc3339(rfc3339) {
        Ok(t) => format!(
            "{} {} {:02}:{:02}:{:02} (UTC{})",
            language.long_date(t.day(), t.month(), t.year()),
            w.at,
            t.hour(),
            t.minute(),
            t.second(),
            t.offset()
        ),
        Err(_) => rfc3339.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(
            slug("Brouwerij De Zwarte Kat BV"),
            "brouwerij-de-zwarte-kat-bv"
        );
        assert_eq!(
            slug("Accord de confidentialité"),
            "accord-de-confidentialite"
        );
        assert_eq!(slug("  D'Hondt & Zonen  "), "d-hondt-zonen");
        assert_eq!(slug("日本"), "");
        assert!(slug(&"a".repeat(100)).len() <= 60);
    }

    #[test]
    fn signing_times() {
        assert_eq!(
            signing_time(Language::Nl, "2026-11-23T15:00:00+01:00"),
            "23 november 2026 om 15:00:00 (UTC+01:00)"
        );
        assert_eq!(
            signing_time(Language::Fr, "2027-02-01T09:05:07+01:00"),
            "1er février 2027 à 09:05:07 (UTC+01:00)"
        );
        assert_eq!(signing_time(Language::En, "yesterday"), "yesterday");
    }
}
