//! The template format: what it accepts, and every way a template can be wrong, each
//! refused with the line named.

mod common;

use tweevoud::template::{canonicalize, BlockKind, Span, TemplateProblem};
use tweevoud::{Kind, Problem, Template, TemplateError};

const MINIMAL: &str = r#"+++
format = "tweevoud-template/1"
id = "mini"
title = "Mini agreement"
language = "en"

[parties.provider]
name = "Provider Ltd"
designation = "the Provider"
enterprise_number = "0821.588.020"
signatory_name = { blank = "p_name" }
signatory_function = "Director"

[parties.customer]
name = { blank = "c_name" }
designation = "the Customer"
signatory_name = { blank = "c_sign" }
signatory_function = "Director"

[[blanks]]
id = "p_name"
kind = "person_name"
party = "provider"
label = { nl = "Naam", fr = "Nom", en = "Name" }

[[blanks]]
id = "c_name"
kind = "text"
party = "customer"
label = { nl = "Klant", fr = "Client", en = "Customer" }

[[blanks]]
id = "c_sign"
kind = "person_name"
party = "customer"
label = { nl = "Naam", fr = "Nom", en = "Name" }
+++
# Mini agreement

Between Provider Ltd and {{c_name}}.

| Signed: {{p_name}}
| Signed: {{c_sign}}
"#;

/// 1-based line of the first line containing `needle`.
fn line_of(src: &str, needle: &str) -> usize {
    src.lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle:?} not in the template"))
        + 1
}

/// Parses `src`, which must fail; returns the line and problem.
fn fail(src: &str) -> (usize, TemplateProblem) {
    match Template::parse(src) {
        Ok(t) => panic!("accepted a bad template {:?}", t.id()),
        Err(TemplateError::At { line, problem }) => (line, problem),
        Err(other) => panic!("unexpected error {other}"),
    }
}

#[test]
fn minimal_template_parses() {
    let t = Template::parse(MINIMAL).unwrap();
    assert_eq!(t.id(), "mini");
    assert_eq!(t.blanks().len(), 3);
    assert_eq!(t.blocks().len(), 3);
    assert_eq!(t.blocks()[2].kind, BlockKind::Lines);
    assert_eq!(t.blocks()[2].lines.len(), 2);
}

#[test]
fn identity_is_the_hash_of_canonical_bytes() {
    let a = Template::parse(MINIMAL).unwrap();
    let windows = format!("\u{feff}{}", MINIMAL.replace('\n', "  \r\n"));
    let b = Template::parse(&windows).unwrap();
    assert_eq!(a.sha256_hex(), b.sha256_hex());
    assert_eq!(canonicalize(&windows), a.canonical_text());
    let changed = Template::parse(&MINIMAL.replace("Between", "Among")).unwrap();
    assert_ne!(a.sha256_hex(), changed.sha256_hex());
    // A decomposed accent is the same template as a composed one.
    let e1 = Template::parse(&MINIMAL.replace("Between", "Entre \u{e9}")).unwrap();
    let e2 = Template::parse(&MINIMAL.replace("Between", "Entre e\u{301}")).unwrap();
    assert_eq!(e1.sha256_hex(), e2.sha256_hex());
}

/// Parsed templates are remembered by their text: parsing the same text again gives the same
/// template, and a text that differs in one character, or that is wrong, is never answered
/// from memory, however many templates were parsed in between.
#[test]
fn remembered_templates_are_the_ones_asked_for() {
    let first = Template::parse(MINIMAL).unwrap();
    for round in 0..3 {
        for i in 0..12 {
            let text = MINIMAL.replace("Between", &format!("Between {i}"));
            let t = Template::parse(&text).unwrap();
            assert_eq!(
                t.canonical_text(),
                canonicalize(&text),
                "round {round}, {i}"
            );
            let broken = text.replace("+++", "++");
            assert!(Template::parse(&broken).is_err(), "round {round}, {i}");
        }
        assert_eq!(Template::parse(MINIMAL).unwrap(), first);
        assert_eq!(
            Template::parse(MINIMAL).unwrap().canonical_text(),
            canonicalize(MINIMAL)
        );
    }
}

#[test]
fn structure_survives() {
    let src = MINIMAL.replace(
        "Between Provider Ltd and {{c_name}}.",
        "For {{c_name}}.\n\n## 1. Terms\n\n### 1.1 Detail\n\n1.1. A clause\nthat wraps   here.\n\n- first\n  continued\n- second\n\nA literal \\{{brace}} and a \\# hash.",
    );
    let t = Template::parse(&src).unwrap();
    let kinds: Vec<BlockKind> = t.blocks().iter().map(|b| b.kind).collect();
    assert_eq!(
        kinds,
        [
            BlockKind::Title,
            BlockKind::Paragraph,
            BlockKind::Heading,
            BlockKind::Subheading,
            BlockKind::Paragraph,
            BlockKind::Bullet,
            BlockKind::Bullet,
            BlockKind::Paragraph,
            BlockKind::Lines
        ]
    );
    let text = tweevoud::render::render_text(&t, |_| None);
    assert!(
        text.contains("\n\n1.1. A clause that wraps here.\n\n"),
        "{text}"
    );
    assert!(
        text.contains("\n\n• first continued\n\n• second\n\n"),
        "{text}"
    );
    assert!(text.contains("A literal {{brace}} and a # hash."), "{text}");
    assert!(text.contains("Signed: [Name]\nSigned: [Name]\n"), "{text}");
    assert!(matches!(&t.blocks()[8].lines[0][1], Span::Blank { id } if id == "p_name"));
}

#[test]
fn fail_unknown_blank_marker() {
    let src = MINIMAL.replace("and {{c_name}}.", "and {{c_name}} {{c_nmae}}.");
    let (line, problem) = fail(&src);
    assert_eq!(line, line_of(&src, "{{c_nmae}}"));
    assert_eq!(
        problem,
        TemplateProblem::UnknownPlaceholder("c_nmae".into())
    );
    assert_eq!(
        common::code_and(&problem, "blank"),
        ("template_unknown_placeholder", "c_nmae".to_string())
    );
}

#[test]
fn fail_malformed_blank_marker() {
    for bad in ["{{ c_name }}", "{{C_Name}}", "{{c_name}", "{{}}"] {
        let src = MINIMAL.replace("{{c_name}}.", &format!("{{{{c_name}}}} {bad}."));
        let (line, problem) = fail(&src);
        assert_eq!(line, line_of(&src, "Between"), "{bad}");
        assert!(
            matches!(problem, TemplateProblem::MalformedPlaceholder(_)),
            "{bad}: {problem}"
        );
    }
}

#[test]
fn fail_declared_blank_never_used() {
    let src = MINIMAL.replace(
        "+++\n# Mini",
        "\n[[blanks]]\nid = \"c_vat\"\nkind = \"text\"\nparty = \"customer\"\nlabel = { nl = \"a\", fr = \"b\", en = \"c\" }\n+++\n# Mini",
    );
    let (line, problem) = fail(&src);
    assert_eq!(line, line_of(&src, "id = \"c_vat\""));
    assert_eq!(problem, TemplateProblem::UnusedBlank("c_vat".into()));
}

#[test]
fn fail_duplicate_blank_id() {
    let src = MINIMAL.replace("id = \"c_sign\"", "id = \"c_name\"");
    let (line, problem) = fail(&src);
    assert_eq!(line, line_of(&src, "id = \"c_name\"") + 6);
    assert_eq!(
        problem,
        TemplateProblem::DuplicateBlank {
            id: "c_name".into(),
            first_line: line_of(&src, "id = \"c_name\"")
        }
    );
}

#[test]
fn fail_unknown_kind() {
    let src = MINIMAL.replace("kind = \"text\"", "kind = \"iban\"");
    let (line, problem) = fail(&src);
    assert_eq!(line, line_of(&src, "\"iban\""));
    assert!(matches!(problem, TemplateProblem::UnknownKind { ref found, .. } if found == "iban"));
}

#[test]
fn fail_unknown_party() {
    let src = MINIMAL.replace("party = \"customer\"", "party = \"klant\"");
    let (line, problem) = fail(&src);
    assert_eq!(line, line_of(&src, "\"klant\""));
    assert_eq!(problem, TemplateProblem::UnknownParty("klant".into()));

    let src = MINIMAL.replace("[parties.customer]", "[parties.controller]");
    let (_, problem) = fail(&src);
    assert_eq!(problem, TemplateProblem::UnknownParty("controller".into()));
}

#[test]
fn fail_missing_party() {
    let start = MINIMAL.find("[parties.customer]").unwrap();
    let end = MINIMAL.find("[[blanks]]").unwrap();
    let src = format!("{}{}", &MINIMAL[..start], &MINIMAL[end..]);
    let (_, problem) = fail(&src);
    // Without the customer, its blanks are still declared: the missing party is what is named.
    assert_eq!(
        problem,
        TemplateProblem::MissingParty(tweevoud::Party::Customer)
    );
}

#[test]
fn fail_malformed_header() {
    // No header at all.
    let (line, problem) = fail("# Just text\n");
    assert_eq!((line, problem), (1, TemplateProblem::NoHeader));
    // Never closed.
    let src = MINIMAL.replacen("+++\n# Mini", "# Mini", 1);
    assert_eq!(fail(&src).1, TemplateProblem::UnclosedHeader);
    // TOML syntax: an unterminated string.
    let src = MINIMAL.replace("title = \"Mini agreement\"", "title = \"Mini agreement");
    let (line, problem) = fail(&src);
    assert_eq!(line, line_of(&src, "title ="));
    assert!(matches!(problem, TemplateProblem::Header(_)), "{problem}");
    // An unknown key.
    let src = MINIMAL.replace("language = \"en\"", "language = \"en\"\nauthor = \"me\"");
    let (line, problem) = fail(&src);
    assert_eq!(line, line_of(&src, "author"));
    let (code, detail) = common::code_and(&problem, "detail");
    assert_eq!(code, "template_bad_header", "{problem}");
    assert!(
        detail.contains("author"),
        "the TOML reader's words name the key: {detail}"
    );
    // A label without French.
    let src = MINIMAL.replace(
        "{ nl = \"Klant\", fr = \"Client\", en = \"Customer\" }",
        "{ nl = \"Klant\", en = \"Customer\" }",
    );
    let (line, problem) = fail(&src);
    assert_eq!(line, line_of(&src, "nl = \"Klant\""));
    let (code, detail) = common::code_and(&problem, "detail");
    assert_eq!(code, "template_bad_header", "{problem}");
    assert!(
        detail.contains("`fr`"),
        "the TOML reader's words name the field: {detail}"
    );
    // Another format version.
    let src = MINIMAL.replace("tweevoud-template/1", "tweevoud-template/2");
    assert_eq!(
        fail(&src),
        (
            2,
            TemplateProblem::UnsupportedFormat {
                found: "tweevoud-template/2".into()
            }
        )
    );
    // A language Tweevoud does not speak.
    let src = MINIMAL.replace("language = \"en\"", "language = \"de\"");
    assert_eq!(
        fail(&src),
        (5, TemplateProblem::UnknownLanguage("de".into()))
    );
    // A bad id.
    let src = MINIMAL.replace("id = \"mini\"", "id = \"Mini Agreement\"");
    assert_eq!(
        fail(&src),
        (3, TemplateProblem::BadTemplateId("Mini Agreement".into()))
    );
}

#[test]
fn fail_bad_blank_ids_defaults_and_autos() {
    let src = MINIMAL
        .replace("id = \"c_sign\"", "id = \"c-sign\"")
        .replace("{{c_sign}}", "x");
    assert!(matches!(fail(&src).1, TemplateProblem::BadBlankId(_)));

    let src = MINIMAL.replace(
        "kind = \"text\"",
        "kind = \"enterprise_number\"\ndefault = \"0821.588.021\"",
    );
    let (line, problem) = fail(&src);
    assert_eq!(line, line_of(&src, "0821.588.021"));
    assert!(matches!(
        problem,
        TemplateProblem::BadDefault {
            problem: Problem::EnterpriseNumberCheck { .. },
            ..
        }
    ));

    let src = MINIMAL.replace(
        "kind = \"text\"",
        "kind = \"text\"\nauto = \"signing_date\"",
    );
    let (line, problem) = fail(&src);
    assert_eq!(line, line_of(&src, "auto ="));
    assert!(matches!(problem, TemplateProblem::BadAuto { .. }));
}

#[test]
fn fail_party_details() {
    let src = MINIMAL.replace(
        "name = { blank = \"c_name\" }",
        "name = { blank = \"nobody\" }",
    );
    assert!(matches!(
        fail(&src).1,
        TemplateProblem::DetailUnknownBlank { .. }
    ));

    let src = MINIMAL.replace(
        "signatory_name = { blank = \"p_name\" }",
        "signatory_name = { blank = \"c_sign\" }",
    );
    assert!(matches!(
        fail(&src).1,
        TemplateProblem::DetailWrongParty { .. }
    ));

    let src = MINIMAL.replace(
        "enterprise_number = \"0821.588.020\"",
        "enterprise_number = \"0821.588.021\"",
    );
    let (line, problem) = fail(&src);
    assert_eq!(line, line_of(&src, "designation = \"the Provider\""));
    assert!(matches!(
        problem,
        TemplateProblem::BadDetail {
            detail: "enterprise_number",
            ..
        }
    ));
}

#[test]
fn fail_body_problems() {
    let end = MINIMAL.find("# Mini").unwrap();
    let (_, problem) = fail(&MINIMAL[..end]);
    assert!(matches!(
        problem,
        TemplateProblem::UnusedBlank(_) | TemplateProblem::EmptyBody
    ));
    let src = MINIMAL.replace("# Mini agreement", "#");
    assert_eq!(fail(&src).1, TemplateProblem::EmptyHeading);
    let src = MINIMAL.replace("Between", "Bet\u{7}ween");
    let (line, problem) = fail(&src);
    assert_eq!(line, line_of(&src, "Bet\u{7}ween"));
    assert_eq!(problem, TemplateProblem::ControlCharacter(7));
}

#[test]
fn fail_too_large() {
    let src = format!("{MINIMAL}{}", "word ".repeat(300_000));
    assert_eq!(fail(&src).1, TemplateProblem::TooLarge);
}

#[test]
fn fail_file_errors_name_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("bad.tvt");
    std::fs::write(&p, MINIMAL.replace("kind = \"text\"", "kind = \"iban\"")).unwrap();
    let e = Template::load(&p).unwrap_err();
    assert!(
        e.to_string().starts_with(&format!("{}:line ", p.display())),
        "{e}"
    );
    assert_eq!(e.line(), Some(line_of(MINIMAL, "kind = \"text\"")));
    let missing = Template::load(&dir.path().join("none.tvt")).unwrap_err();
    assert!(matches!(missing, TemplateError::Read { .. }));
    std::fs::write(&p, b"+++\xff\xfe").unwrap();
    assert!(Template::load(&p).is_err());
}

#[test]
fn the_french_template_works_like_the_dpa() {
    let t = Template::load(&common::fixture("accord-confidentialite.tvt")).unwrap();
    assert_eq!(t.language(), tweevoud::Language::Fr);
    assert_eq!(t.blank("lieu").unwrap().kind, Kind::Place);
    assert_eq!(t.blank("prestataire_courriel").unwrap().kind, Kind::Email);
}

#[test]
fn every_builtin_template_parses() {
    let built = tweevoud::template::builtin();
    assert_eq!(built.len(), tweevoud::template::BUILTIN_SOURCES.len());
    assert_eq!(built[0].id(), "xis-verwerkersovereenkomst");
}

/// The problem a template text gets for `what`, if it is refused for its text.
fn bad_text(src: &str) -> (usize, String, Problem) {
    match fail(src) {
        (line, TemplateProblem::BadText { what, problem }) => (line, what, problem),
        (line, other) => panic!("line {line}: expected a text problem, got {other}"),
    }
}

#[test]
fn fail_bidi_controls_and_invisible_characters_in_template_text() {
    let rlo = Problem::InvisibleCharacter { found: '\u{202e}' };
    // In the body, with the line named.
    let src = MINIMAL.replace("Between Provider", "Between \u{202e}Provider");
    let line = line_of(&src, "Between");
    assert_eq!(bad_text(&src), (line, "the text".to_string(), rlo.clone()));
    // A soft hyphen, a tag character, a line separator in the body.
    for (c, problem) in [
        ('\u{ad}', Problem::InvisibleCharacter { found: '\u{ad}' }),
        (
            '\u{e0041}',
            Problem::InvisibleCharacter { found: '\u{e0041}' },
        ),
        ('\u{2028}', Problem::LineSeparator),
    ] {
        let src = MINIMAL.replace("Between", &format!("Be{c}tween"));
        assert_eq!(bad_text(&src).2, problem, "U+{:04X}", u32::from(c));
    }
    // In the header, written as a TOML escape the source check cannot see.
    let src = MINIMAL.replace(
        "title = \"Mini agreement\"",
        "title = \"Mini\\u202E agreement\"",
    );
    assert_eq!(bad_text(&src), (4, "the title".to_string(), rlo.clone()));
    let src = MINIMAL.replacen("en = \"Customer\"", "en = \"Cust\\u2066omer\"", 1);
    let (_, what, problem) = bad_text(&src);
    assert_eq!(what, "label.en of blank c_name");
    assert_eq!(problem, Problem::InvisibleCharacter { found: '\u{2066}' });
    let src = MINIMAL.replace("\"the Customer\"", "\"the\\u00ADCustomer\"");
    let (_, what, _) = bad_text(&src);
    assert_eq!(what, "the customer's designation");
    // A fixed party detail is checked by its kind, which holds to the same rules.
    let src = MINIMAL.replace("\"Provider Ltd\"", "\"Provider\\u200BLtd\"");
    assert!(matches!(
        fail(&src).1,
        TemplateProblem::BadDetail {
            problem: Problem::InvisibleCharacter { found: '\u{200b}' },
            ..
        }
    ));
    // A control character other than tab is still named as one.
    let src = MINIMAL.replace("Between", "Be\u{7}tween");
    assert_eq!(fail(&src).1, TemplateProblem::ControlCharacter(7));
}

#[test]
fn accented_and_non_latin_template_text_is_accepted() {
    let src = MINIMAL
        .replace(
            "Between Provider Ltd",
            "Entre «\u{a0}Ζωή\u{202f}» et 東京 — Provider Ltd",
        )
        .replace("title = \"Mini agreement\"", "title = \"Accord Ελληνικά\"");
    let t = Template::parse(&src).unwrap();
    assert_eq!(t.title(), "Accord Ελληνικά");
}

#[test]
fn block_markers_count_only_at_the_start_of_a_line() {
    let src = MINIMAL.replace(
        "Between Provider Ltd and {{c_name}}.",
        "Between Provider Ltd and {{c_name}}.\n\n  ## not a heading\n\n  - not a bullet\n\n- a bullet\n  - continued",
    );
    let t = Template::parse(&src).unwrap();
    let kinds: Vec<_> = t.blocks().iter().map(|b| b.kind).collect();
    assert_eq!(
        kinds[2..5],
        [
            BlockKind::Paragraph,
            BlockKind::Paragraph,
            BlockKind::Bullet
        ]
    );
    assert_eq!(
        t.blocks()[2].lines[0],
        vec![Span::Text {
            text: "## not a heading".into()
        }]
    );
    assert_eq!(
        t.blocks()[4].lines[0],
        vec![Span::Text {
            text: "a bullet - continued".into()
        }]
    );
}
