//! The agreements the archive benches store (benches/archive.rs, benches/team.rs): the DPA,
//! signed by the provider and countersigned by a customer of its own, each with its own name,
//! address, enterprise number and signatory; and the searches both benches time on them.

use std::time::Duration;

use chrono::{DateTime, FixedOffset};
use tweevoud::{Agreement, Party, Template};

pub fn at(hour: u32, minute: u32) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(&format!("2026-11-23T{hour:02}:{minute:02}:00+01:00")).unwrap()
}

/// A valid Belgian enterprise number made from `n`.
pub fn enterprise_number(n: u32) -> String {
    let base = 10_000_000 + n;
    let check = 97 - base % 97;
    let d = format!("{base:08}{check:02}");
    format!("{}.{}.{}", &d[..4], &d[4..7], &d[7..])
}

/// Letters for a number, so that names stay names: 12 -> "Bc".
pub fn letters(n: u32) -> String {
    let s: String = n
        .to_string()
        .bytes()
        .map(|d| (b'a' + (d - b'0')) as char)
        .collect();
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
        .unwrap_or_default()
}

const CITIES: [&str; 6] = ["Hasselt", "Genk", "Gent", "Leuven", "Namen", "Brugge"];

/// Agreement `n`: the DPA signed by the provider (seed 1) and countersigned by a customer of
/// its own (seed 2), with its own name, address, number and signatory.
pub fn agreement(template: &Template, n: u32) -> Agreement {
    let provider = ed25519_dalek::SigningKey::from_bytes(&[1; 32]);
    let customer = ed25519_dalek::SigningKey::from_bytes(&[2; 32]);
    let minute = n % 60;
    let mut a = Agreement::new(template.clone(), Party::Provider, at(9, minute));
    a.sign(
        &provider,
        Party::Provider,
        None,
        Some(Party::Customer),
        at(10, minute),
    )
    .unwrap();
    let set = |k: &str, v: String| (k.to_string(), v);
    a.fill(
        Party::Customer,
        &[
            set("customer_name", format!("Klant {} {n} BV", letters(n))),
            set(
                "customer_address",
                format!("Markt {}\n3500 {}", n % 200 + 1, CITIES[n as usize % 6]),
            ),
            set("customer_enterprise_number", enterprise_number(n)),
            set("customer_signatory_name", format!("Persoon {}", letters(n))),
            set("customer_signatory_function", "Zaakvoerder".into()),
        ],
        at(14, minute),
    )
    .unwrap();
    a.sign(&customer, Party::Customer, None, None, at(15, minute))
        .unwrap();
    a
}

/// The agreement files of agreements `from..to`, as `archive add` reads them.
pub fn files(template: &Template, from: u32, to: u32) -> Vec<Vec<u8>> {
    (from..to)
        .map(|i| agreement(template, i).to_json().into_bytes())
        .collect()
}

/// What the benches search for among `n` agreements whose ids are `ids`: a customer's name,
/// its number in three written forms, its signatory, an id's beginning, a city (a sixth of
/// them) and the provider's number (all of them).
pub fn queries(n: u32, ids: &[String]) -> Vec<String> {
    let probe = n / 2;
    vec![
        format!("Klant {} {probe} BV", letters(probe)),
        enterprise_number(probe),
        format!("BE {}", enterprise_number(probe).replace('.', "")),
        format!("Persoon {}", letters(probe)),
        ids[probe as usize][..12].to_string(),
        "Brugge".to_string(),
        "0821.588.020".to_string(),
    ]
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The median of a list of milliseconds.
pub fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// The number of agreements the benches store (`TWEEVOUD_BENCH_N`, default 10,000).
pub fn count() -> u32 {
    std::env::var("TWEEVOUD_BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000)
        .max(2)
}
