//! The built-in DPA must reproduce the seed agreement word for word.
//!
//! The seed (`tests/fixtures/verwerkersovereenkomst-smstools.txt`) is the text extracted from
//! the original PDF: it has hard line breaks, a running
//! header "www.smstools.be", a stray URL line, and dot leaders where the blanks are. Those are
//! removed; every other word and punctuation mark must come out of the template, in order,
//! with the blanks' values where the dot leaders stood.

mod common;

use common::{dpa_filled, tokens, DOT_LEADER};

fn seed_tokens() -> Vec<String> {
    let seed =
        std::fs::read_to_string(common::seed_path()).expect("the seed agreement is readable");
    let mut text = String::new();
    for line in seed.lines() {
        let l = line.trim();
        if l == "www.smstools.be" || l == "http://www.smstools.be/" {
            continue; // the running header and the stray URL line
        }
        // A word split by a hyphen at the end of a line is one word ("AVG-" + "conforme").
        if text.ends_with('-') {
            text.push_str(l);
        } else {
            text.push(' ');
            text.push_str(l);
        }
    }
    tokens(&text)
}

#[test]
fn dpa_reproduces_the_seed_word_for_word() {
    let agreement = dpa_filled();
    let rendered = agreement.render_text();
    let got = tokens(&rendered);

    // Where the seed has dot leaders, the filled DPA has these values, in this order.
    let t = agreement.template();
    let in_order = [
        "customer_name",
        "customer_address",
        "customer_enterprise_number",
        "date",
        "customer_signatory_name",
        "customer_signatory_function",
    ];
    let mut values = in_order.iter().map(|id| {
        let blank = t.blank(id).unwrap();
        tokens(
            &blank
                .kind
                .display(agreement.value(id).unwrap(), t.language()),
        )
    });
    let mut expected = Vec::new();
    for tok in seed_tokens() {
        if tok == DOT_LEADER {
            expected.extend(values.next().expect("no more dot leaders than blanks"));
        } else {
            expected.push(tok);
        }
    }
    assert!(
        values.next().is_none(),
        "every blank stands where the seed has dot leaders"
    );

    let first_difference = expected.iter().zip(&got).position(|(a, b)| a != b);
    if let Some(i) = first_difference {
        let from = i.saturating_sub(8);
        panic!(
            "word {i} differs.\n seed:     {:?}\n rendered: {:?}",
            &expected[from..(i + 8).min(expected.len())],
            &got[from..(i + 8).min(got.len())]
        );
    }
    assert_eq!(
        expected.len(),
        got.len(),
        "the rendered text has as many words as the seed"
    );
    assert!(
        got.len() > 900,
        "the whole agreement is there ({} tokens)",
        got.len()
    );
}

#[test]
fn rendered_dpa_keeps_its_structure() {
    let text = dpa_filled().render_text();
    assert!(text.starts_with("VERWERKERSOVEREENKOMST\n\n"));
    for heading in [
        "\n\n1. Definities\n\n",
        "\n\n6. Verplichtingen van XIS\n\n",
        "\n\n9. Algemene bepalingen\n\n",
    ] {
        assert!(text.contains(heading), "{heading:?}");
    }
    assert!(text.contains("\n\n• Ontvangst en structurering van Gegevens;\n\n"));
    assert!(text.contains("AVG-conforme garanties"));
    assert!(text.contains(
        "Voor Xtreme Internet Solutions BV:\nNaam: Tom Hendrix\nFunctie: CEO\nHandtekening:"
    ));
    assert!(text.contains("Opgemaakt te Dilsen-Stokkem op 23 november 2026, in twee exemplaren"));
    assert!(!text.contains("smstools.be/"), "the stray URL line is gone");
    assert_eq!(
        text.matches("www.smstools.be").count(),
        1,
        "only the URL in clause 1 remains"
    );
    assert!(text.ends_with("Handtekening:\n") && !text.ends_with("\n\n"));
}
