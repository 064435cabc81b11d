//! Round trips that must hold for any input, not only the examples we thought of.

mod common;

use proptest::prelude::*;
use tweevoud::kind::ALL_KINDS;
use tweevoud::{Agreement, Kind, Language, Party};

proptest! {
    /// A normal form is a fixed point: normalizing it again changes nothing.
    #[test]
    fn normal_forms_are_fixed_points(raw in "\\PC{0,40}", k in 0usize..ALL_KINDS.len()) {
        let kind = ALL_KINDS[k];
        if let Ok(normal) = kind.normalize(&raw) {
            prop_assert_eq!(kind.normalize(&normal), Ok(normal.clone()));
            for lang in [Language::Nl, Language::Fr, Language::En] {
                let _ = kind.display(&normal, lang);
            }
        }
    }

    /// Every valid enterprise number, however it is written, is stored the same way.
    #[test]
    fn enterprise_numbers_in_any_written_form(base in 0u64..20_000_000, form in 0usize..5) {
        let check = 97 - base % 97;
        let digits = format!("{base:08}{check:02}");
        let written = match form {
            0 => digits.clone(),
            1 => format!("BE{digits}"),
            2 => format!("BE {}.{}.{}", &digits[..4], &digits[4..7], &digits[7..]),
            3 => format!("{}.{}.{}", &digits[..4], &digits[4..7], &digits[7..]),
            _ => format!("be{}", &digits),
        };
        let normal = Kind::EnterpriseNumber.normalize(&written).unwrap();
        prop_assert_eq!(normal.replace('.', ""), format!("BE{digits}"));
        // Any single changed check digit is caught.
        let wrong = format!("{}{}", &digits[..9], (digits.as_bytes()[9] - b'0' + 1) % 10);
        prop_assert!(Kind::EnterpriseNumber.normalize(&wrong).is_err());
    }

    /// fill -> save -> load gives the same agreement, the same text and the same bytes.
    #[test]
    fn fill_save_load_round_trip(name in "[A-Za-zÀ-ÿ0-9 .,&'-]{1,60}", street in "[A-Za-z ]{1,30}", nr in 1u32..999) {
        let mut a = Agreement::new(common::dpa(), Party::Provider, common::fixed_now());
        let filled = a.fill(
            Party::Customer,
            &[
                ("customer_name".into(), name.clone()),
                ("customer_address".into(), format!("{street} {nr}\n3600 Genk")),
            ],
            common::fixed_now(),
        );
        if filled.is_ok() {
            let back = Agreement::from_json(&a.to_json()).unwrap();
            prop_assert_eq!(back.to_json(), a.to_json());
            prop_assert_eq!(back.render_text(), a.render_text());
            prop_assert!(a.render_text().contains(back.value("customer_name").unwrap()));
        }
    }
}
