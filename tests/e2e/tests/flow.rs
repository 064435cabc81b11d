//! The two-party story in the real app, with two profiles (two launches, two `--data-dir`s):
//!
//! 1. The provider (Dutch UI) makes a key, exports the public key, starts the DPA, signs it
//!    (a wrong passphrase first: a clear message, nothing lost), saves the agreement file and
//!    exports the PDF to send, both through the real GTK save dialog, typed into with xdotool.
//! 2. The customer (French UI) makes a key, imports and verifies the provider's key, opens the
//!    PDF it was sent through the real GTK open dialog, sees the provider's valid signature before
//!    anything can be filled, fills in (an invalid enterprise number first: a clear message,
//!    nothing lost; a corrupt file dropped meanwhile: a clear message, nothing lost),
//!    countersigns (archived at once), saves both exemplars and the agreement file; the archive
//!    finds it by customer and enterprise number and opens an exemplar in the PDF viewer;
//!    verifying the result says complete, an altered copy says altered, a file that is no
//!    agreement says so.
//! 3. The provider, launched again on the same profile, gets exemplar 1 back, sees it
//!    complete, archives it and finds it; an edited copy of the PDF is reported altered; the
//!    verify screen lists the exemplar's seal; the customer's signature gets a trusted
//!    timestamp; exporting the PDFs asks for the key that seals them, and the CLI accepts them.
//!
//! The provider's profile names a real time-stamping authority (scripts/tsa.py), the
//! customer's none: the provider's signature carries a trusted timestamp, the customer's none.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};

use thirtyfour::prelude::*;
use tweevoud_e2e::page::*;
use tweevoud_e2e::Session;

const DPA: &str = "xis-verwerkersovereenkomst";
const PROVIDER_PASSPHRASE: &str = "zeven paarden drinken uit de Maas";
const CUSTOMER_PASSPHRASE: &str = "quatre chevaux boivent dans la Meuse";
/// A well-formed Belgian enterprise number whose mod-97 check fails (it should end in 20).
const BAD_NUMBER: &str = "0821.588.021";
/// A valid one.
const GOOD_NUMBER: &str = "1234.567.894";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn provider_signs_customer_countersigns_anyone_verifies() {
    let files = tempfile::Builder::new()
        .prefix("tweevoud-e2e-files-")
        .tempdir()
        .expect("a temporary directory for the exchanged files");
    let dir = files.path().to_path_buf();
    let provider_profile = dir.join("provider-profile");
    // The provider's profile trusts a TSA (its CA's certificate) and asks it when signing.
    let tsa = Tsa::start(&dir.join("tsa"));
    let ca = tsa.dir.join("ca.pem");
    tweevoud_e2e::cli(
        &provider_profile,
        &["tsa", "add", &tsa.url, "--cert", ca.to_str().unwrap()],
    );
    let (d1, d2, d3) = (dir.clone(), dir.clone(), dir);
    tweevoud_e2e::run_in("provider", Some(&provider_profile), move |s| {
        Box::pin(provider(s, d1))
    })
    .await;
    tweevoud_e2e::run("customer", move |s| Box::pin(customer(s, d2))).await;
    tweevoud_e2e::run_in("provider-again", Some(&provider_profile), move |s| {
        Box::pin(provider_gets_exemplar(s, d3))
    })
    .await;
    // What the app archived, at signing and by hand, is in a log signed by the profile's own
    // key that reaches the profile's checkpoint: the CLI's trusted check agrees.
    let out = std::process::Command::new(tweevoud_e2e::cli_binary())
        .arg("--data-dir")
        .arg(&provider_profile)
        .args(["archive", "verify"])
        .output()
        .expect("the CLI runs");
    assert!(
        out.status.success(),
        "archive verify of the app's archive: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The PDF the provider sends for countersignature.
const TO_SIGN_PDF: &str = "verwerkersovereenkomst-te-ondertekenen.pdf";
/// Why a PDF with bytes appended is altered, in Dutch.
const FOREIGN_UPDATE_NL: &str = "De PDF werd gewijzigd nadat Tweevoud hem schreef";
/// The name of the test TSA (its certificate's subject).
const TSA_NAME: &str = "Tweevoud Test TSA";

/// A real RFC 3161 time-stamping authority (scripts/tsa.py over `openssl ts`), on a free port
/// of 127.0.0.1; stopped when dropped.
struct Tsa {
    child: Child,
    /// Kept open: the TSA's standard output.
    _out: BufReader<ChildStdout>,
    url: String,
    /// Its CA (ca.pem) and keys.
    dir: PathBuf,
}

impl Tsa {
    fn start(dir: &Path) -> Tsa {
        let mut child = Command::new("python3")
            .arg(tweevoud_e2e::workspace_dir().join("scripts/tsa.py"))
            .arg("--dir")
            .arg(dir)
            .args(["--port", "0"])
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 runs scripts/tsa.py");
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        out.read_line(&mut line)
            .expect("the TSA says where it listens");
        let url = line
            .trim()
            .strip_prefix("listening ")
            .unwrap_or_else(|| panic!("the TSA did not start: {line:?}"))
            .to_string();
        Tsa {
            child,
            _out: out,
            url,
            dir: dir.to_path_buf(),
        }
    }
}

impl Drop for Tsa {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn provider(s: &Session, dir: PathBuf) -> WebDriverResult<()> {
    let d = s.driver();
    d.query(By::Css("body[data-ready='true']")).first().await?;
    choose_language(d, "nl").await?;

    // First run: the key comes first.
    displayed(d, "[data-testid='view-welcome']").await?;
    s.shot("welcome").await;
    create_key(
        s,
        ("Tom Hendrix", "Xtreme Internet Solutions BV", "CEO"),
        PROVIDER_PASSPHRASE,
        ("Te kort", "verschillen"),
    )
    .await?;

    // The public key goes where the user says (test hook for this dialog).
    let public = dir.join("tom-hendrix.pub.pem");
    answer_next_dialog(d, &public).await?;
    click(d, "[data-testid='key-created-export']").await?;
    wait_text(d, "[data-testid='notice']", "tom-hendrix.pub.pem").await?;
    let pem = std::fs::read_to_string(&public).expect("the exported public key");
    assert!(pem.starts_with("-----BEGIN PUBLIC KEY-----"), "{pem}");
    click(d, "[data-testid='key-created-done']").await?;

    // A new agreement: the provider's defaults are in, the customer's blanks are open.
    click(
        d,
        &format!("[data-testid='template-item'][data-template-id='{DPA}']"),
    )
    .await?;
    displayed(d, "[data-testid='template-view']").await?;
    assert_eq!(
        input_value(d, "provider_signatory_name").await?,
        "Tom Hendrix"
    );
    assert_eq!(input_value(d, "provider_signatory_function").await?, "CEO");
    attr_is(d, "[data-testid='missing-customer']", "data-count", "5").await?;
    attr_is(d, "[data-testid='missing-provider']", "data-count", "0").await?;
    s.shot("new-agreement").await;

    // Sign: the summary says what is signed and what is left open for the customer.
    click(d, "[data-testid='sign-button']").await?;
    displayed(d, "[data-testid='sign-dialog']").await?;
    wait_text(d, "[data-testid='sum-open']", "Naam van de Klant").await?;
    wait_text(d, "[data-testid='sum-signatory']", "Tom Hendrix, CEO").await?;
    let text_fp = text_of(d, "[data-testid='sum-text']").await?;
    assert_eq!(text_fp.split(' ').count(), 16, "grouped: {text_fp}");
    s.shot("sign-summary").await;

    // A wrong passphrase: said plainly, the dialog stays, nothing is lost.
    type_into(d, "[data-testid='sign-passphrase']", "verkeerde wachtzin").await?;
    click(d, "[data-testid='sign-submit']").await?;
    attr_is(
        d,
        "[data-testid='sign-error']",
        "data-kind",
        "wrong_passphrase",
    )
    .await?;
    wait_text(d, "[data-testid='sign-error']", "Verkeerde wachtzin").await?;
    assert!(shown(d, "[data-testid='sign-dialog']").await?);
    s.shot("wrong-passphrase").await;
    click(d, "[data-testid='sign-cancel']").await?;
    attr_is(d, "[data-testid='doc-status']", "data-status", "unsigned").await?;
    assert_eq!(
        input_value(d, "provider_signatory_name").await?,
        "Tom Hendrix"
    );
    assert!(!shown(d, "[data-testid='signature-block']").await?);

    // The right one: signed, shown as the signature block.
    click(d, "[data-testid='sign-button']").await?;
    type_into(d, "[data-testid='sign-passphrase']", PROVIDER_PASSPHRASE).await?;
    click(d, "[data-testid='sign-submit']").await?;
    attr_is(
        d,
        "[data-testid='doc-status']",
        "data-status",
        "awaiting_countersignature",
    )
    .await?;
    let card = d
        .query(By::Css(
            "[data-testid='signature-block'] [data-testid='signature-card']",
        ))
        .and_displayed()
        .first()
        .await?;
    assert_eq!(attr(&card, "data-valid").await?, "true");
    assert_eq!(attr(&card, "data-trust").await?, "own_key");
    assert!(card.text().await?.contains("Tom Hendrix"));
    // Timestamped at signing by the profile's TSA, which it trusts.
    let stamp = card
        .query(By::Css("[data-testid='signature-timestamp']"))
        .first()
        .await?;
    assert_eq!(attr(&stamp, "data-trusted").await?, "true");
    let words = stamp.text().await?;
    assert!(words.contains(TSA_NAME), "{words}");
    assert!(words.contains("Vertrouwde tijdstempeldienst"), "{words}");
    assert!(!shown(d, "[data-testid='timestamp-button']").await?);
    // Signed blanks are text now, not inputs.
    assert!(d
        .find_all(By::Css("[data-testid='blank-input']"))
        .await?
        .is_empty());
    s.shot("signed").await;
    for lang in ["fr", "en"] {
        choose_language(d, lang).await?;
        s.shot(&format!("signed-{lang}")).await;
    }
    choose_language(d, "nl").await?;

    // Save through the real GTK dialog: xdotool types the path.
    let file = dir.join("verwerkersovereenkomst.tweevoud");
    click(d, "[data-testid='save-button']").await?;
    s.answer_dialog("Overeenkomst opslaan", &file, true, "save-dialog")
        .await;
    wait_text(
        d,
        "[data-testid='notice']",
        "Opgeslagen als verwerkersovereenkomst.tweevoud",
    )
    .await?;
    assert!(file.is_file(), "not saved: {}", file.display());
    attr_is(d, "[data-testid='doc-saved']", "data-saved", "true").await?;
    // What was signed is in the archive already.
    attr_is(d, "[data-testid='archived-note']", "data-archived", "true").await?;
    s.shot("saved").await;

    // A corrupt file opened: a clear message, and the signed agreement stays on the desk.
    let corrupt = dir.join("kapot-geopend.tweevoud");
    std::fs::write(
        &corrupt,
        "{\"format\": \"tweevoud-agreement/1\", \"values\": [",
    )
    .unwrap();
    answer_next_dialog(d, &corrupt).await?;
    click(d, "[data-testid='open-agreement']").await?;
    attr_is(d, "[data-testid='error']", "data-kind", "not_an_agreement").await?;
    wait_text(
        d,
        "[data-testid='error']",
        "Dit is geen Tweevoud-overeenkomst",
    )
    .await?;
    attr_is(
        d,
        "[data-testid='doc-status']",
        "data-status",
        "awaiting_countersignature",
    )
    .await?;
    s.shot("corrupt-open").await;
    click(d, "[data-testid='error'] .toast-close").await?;

    // Share: the PDF to send, through the real GTK save dialog again. It was sealed when
    // signing: no second passphrase.
    let pdf = dir.join(TO_SIGN_PDF);
    click(d, "[data-testid='export-button']").await?;
    s.answer_dialog("PDF opslaan", &pdf, true, "export-dialog")
        .await;
    wait_text(d, "[data-testid='notice']", TO_SIGN_PDF).await?;
    assert!(!shown(d, "[data-testid='key-dialog']").await?);
    let bytes = std::fs::read(&pdf).expect("the exported PDF");
    assert!(bytes.starts_with(b"%PDF-"), "not a PDF");
    s.shot("exported").await;
    assert_no_error(d).await
}

async fn customer(s: &Session, dir: PathBuf) -> WebDriverResult<()> {
    let d = s.driver();
    d.query(By::Css("body[data-ready='true']")).first().await?;
    choose_language(d, "fr").await?;
    displayed(d, "[data-testid='view-welcome']").await?;
    create_key(
        s,
        ("Marie Dubois", "Acme NV", "Gérante"),
        CUSTOMER_PASSPHRASE,
        ("Trop courte", "diffèrent"),
    )
    .await?;
    click(d, "[data-testid='key-created-done']").await?;

    // The provider's public key, imported and then marked verified.
    click(d, "[data-testid='nav-keys']").await?;
    displayed(d, "[data-testid='view-keys']").await?;
    type_into(d, "[data-testid='import-name']", "Tom Hendrix").await?;
    type_into(
        d,
        "[data-testid='import-organisation']",
        "Xtreme Internet Solutions BV",
    )
    .await?;
    answer_next_dialog(d, &dir.join("tom-hendrix.pub.pem")).await?;
    click(d, "[data-testid='import-submit']").await?;
    wait_text(d, "[data-testid='contact-status']", "non vérifiée").await?;
    s.shot("contact-imported").await;
    click(d, "[data-testid='mark-verified']").await?;
    displayed(d, "[data-testid='trust-dialog']").await?;
    s.shot("mark-verified").await;
    click(d, "[data-testid='trust-confirm']").await?;
    wait_text(d, "[data-testid='contact-status']", "vérifiée le").await?;
    s.shot("contact-verified").await;

    // Open the PDF the provider sent, through the real GTK dialog.
    click(d, "[data-testid='open-agreement']").await?;
    s.answer_dialog(
        "Ouvrir un accord",
        &dir.join(TO_SIGN_PDF),
        false,
        "open-dialog",
    )
    .await;

    // The signature on it is checked and shown before anything can be filled.
    displayed(d, "[data-testid='review']").await?;
    let card = d
        .query(By::Css(
            "[data-testid='review'] [data-testid='signature-card']",
        ))
        .first()
        .await?;
    assert_eq!(attr(&card, "data-valid").await?, "true");
    assert_eq!(attr(&card, "data-trust").await?, "verified_contact");
    let text = card.text().await?;
    assert!(text.contains("Signature valide"), "{text}");
    assert!(text.contains("Tom Hendrix"), "{text}");
    // Timestamped, by a TSA this profile does not trust: named, its time not attested.
    assert!(text.contains(TSA_NAME), "{text}");
    assert!(text.contains("l'heure n'est pas attestée"), "{text}");
    assert!(d
        .find_all(By::Css("[data-testid='blank-input']"))
        .await?
        .is_empty());
    s.shot("review").await;
    click(d, "[data-testid='review-continue']").await?;

    // Now the customer's blanks, and only those, are inputs; Tab goes from one to the next.
    let name = input(d, "customer_name").await?;
    assert!(d
        .find_all(By::Css(
            "[data-field='provider_signatory_name'] [data-testid='blank-input']"
        ))
        .await?
        .is_empty());
    name.send_keys("Acme NV").await?;
    name.send_keys(Key::Tab).await?;
    assert_eq!(focused_field(d).await?, "customer_address");
    let address = input(d, "customer_address").await?;
    address.send_keys("Kerkstraat 1").await?;
    address.send_keys(Key::Enter).await?;
    address.send_keys("3600 Genk").await?;
    address.send_keys(Key::Tab).await?;
    assert_eq!(focused_field(d).await?, "customer_enterprise_number");
    attr_is(d, "[data-testid='missing-customer']", "data-count", "3").await?;

    // An invalid enterprise number: the core's verdict in French, beside the blank.
    let number = input(d, "customer_enterprise_number").await?;
    number.send_keys(BAD_NUMBER).await?;
    let message = format!(
        "{} [data-testid='blank-message']",
        blank("customer_enterprise_number")
    );
    wait_text(d, &message, "chiffres de contrôle").await?;
    attr_is(
        d,
        blank("customer_enterprise_number").as_str(),
        "data-state",
        "invalid",
    )
    .await?;
    s.shot("invalid-number").await;
    number.send_keys(Key::Tab).await?;
    // Refused, not lost: the text stays as typed, still marked, still missing.
    wait_text(d, &message, "chiffres de contrôle").await?;
    assert_eq!(
        input_value(d, "customer_enterprise_number").await?,
        BAD_NUMBER
    );
    attr_is(d, "[data-testid='missing-customer']", "data-count", "3").await?;
    assert!(
        !d.find(By::Css("[data-testid='sign-button']"))
            .await?
            .is_enabled()
            .await?
    );

    // A corrupt file dropped on the window: a clear message, and the agreement stays.
    let corrupt = dir.join("kapot.tweevoud");
    std::fs::write(&corrupt, b"PK\x03\x04 not an agreement at all").unwrap();
    hook(d, "e2e_drop", &corrupt).await?;
    // Unsaved changes: the window asks first.
    displayed(d, "[data-testid='discard-dialog']").await?;
    s.shot("unsaved-changes").await;
    click(d, "[data-testid='discard-confirm']").await?;
    attr_is(d, "[data-testid='error']", "data-kind", "not_an_agreement").await?;
    wait_text(
        d,
        "[data-testid='error']",
        "Ce n'est pas un accord Tweevoud",
    )
    .await?;
    assert_eq!(input_value(d, "customer_name").await?, "Acme NV");
    assert_eq!(
        input_value(d, "customer_enterprise_number").await?,
        BAD_NUMBER
    );
    s.shot("corrupt-drop").await;
    click(d, "[data-testid='error'] .toast-close").await?;

    // Corrected, then the signatory.
    number.clear().await?;
    number.send_keys(GOOD_NUMBER).await?;
    number.send_keys(Key::Tab).await?;
    d.query(By::Css(format!(
        "{}[data-state='filled']",
        blank("customer_enterprise_number")
    )))
    .first()
    .await?;
    let signer = input(d, "customer_signatory_name").await?;
    signer.send_keys("Marie Dubois").await?;
    signer.send_keys(Key::Tab).await?;
    let function = input(d, "customer_signatory_function").await?;
    function.send_keys("Gérante").await?;
    function.send_keys(Key::Tab).await?;
    attr_is(d, "[data-testid='missing-customer']", "data-count", "0").await?;
    s.shot("filled").await;

    // Countersign: the date is filled in on signing.
    click(d, "[data-testid='sign-button']").await?;
    displayed(d, "[data-testid='sign-dialog']").await?;
    wait_text(d, "[data-testid='sum-auto']", "Date").await?;
    wait_text(
        d,
        "[data-testid='sum-signatory']",
        "Marie Dubois, Gérante, Acme NV",
    )
    .await?;
    s.shot("countersign-summary").await;
    type_into(d, "[data-testid='sign-passphrase']", CUSTOMER_PASSPHRASE).await?;
    click(d, "[data-testid='sign-submit']").await?;
    attr_is(d, "[data-testid='doc-status']", "data-status", "complete").await?;
    let cards = d
        .find_all(By::Css(
            "[data-testid='signature-block'] [data-testid='signature-card'][data-valid='true']",
        ))
        .await?;
    assert_eq!(cards.len(), 2, "two valid signatures");
    wait_text(
        d,
        "[data-testid='signature-block'] [data-role='customer'] [data-testid='signature-timestamp'][data-state='none']",
        "Aucun horodatage obtenu",
    )
    .await?;
    s.shot("countersigned").await;
    // This profile names no TSA: asking for timestamps says so, and changes nothing.
    click(d, "[data-testid='timestamp-button']").await?;
    attr_is(d, "[data-testid='error']", "data-kind", "no_timestamp").await?;
    wait_text(
        d,
        "[data-testid='error']",
        "ne nomme encore aucune autorité d'horodatage",
    )
    .await?;
    s.shot("no-tsa").await;
    click(d, "[data-testid='error'] .toast-close").await?;
    assert!(shown(d, "[data-testid='timestamp-button']").await?);

    attr_is(d, "[data-testid='archived-note']", "data-archived", "true").await?;

    // Both exemplars, into a folder; and the agreement file.
    let folder = dir.join("exemplaren");
    std::fs::create_dir(&folder).unwrap();
    answer_next_dialog(d, &folder).await?;
    wait_text(d, "[data-testid='export-button']", "les exemplaires").await?;
    click(d, "[data-testid='export-button']").await?;
    wait_text(d, "[data-testid='notice']", ".pdf").await?;
    let mut exemplars: Vec<PathBuf> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    exemplars.sort();
    assert_eq!(exemplars.len(), 2, "{exemplars:?}");
    for e in &exemplars {
        assert!(std::fs::read(e).unwrap().starts_with(b"%PDF-"));
    }
    std::fs::copy(&exemplars[0], dir.join("exemplaar-1.pdf")).unwrap();
    let signed = dir.join("verwerkersovereenkomst-getekend.tweevoud");
    answer_next_dialog(d, &signed).await?;
    click(d, "[data-testid='save-button']").await?;
    wait_text(
        d,
        "[data-testid='notice']",
        "verwerkersovereenkomst-getekend.tweevoud",
    )
    .await?;
    assert!(signed.is_file());

    // The archive finds it by customer, by enterprise number, and shows its history.
    click(d, "[data-testid='nav-archive']").await?;
    displayed(d, "[data-testid='view-archive']").await?;
    attr_is(
        d,
        "[data-testid='archive-status']",
        "data-status",
        "complete",
    )
    .await?;
    for query in ["Acme", GOOD_NUMBER] {
        search_archive(d, query).await?;
        wait_text(d, "[data-testid='archive-count']", "1 accord").await?;
        wait_text(d, "[data-testid='archive-row']", "Acme NV").await?;
    }
    search_archive(d, "Zanzibar").await?;
    wait_text(d, "[data-testid='archive-count']", "Aucun résultat").await?;
    search_archive(d, "Acme").await?;
    displayed(d, "[data-testid='archive-details']").await?;
    wait_text(d, "[data-testid='archive-trail']", "signé").await?;
    s.shot("archive").await;
    click(d, "[data-testid='open-exemplar'][data-exemplar='1']").await?;
    wait_text(d, "[data-testid='notice']", ".pdf").await?;
    // The notice comes once the app has started the viewer; the viewer (the test's stand-in,
    // a process of its own) writes what it opened a moment later, seconds under load.
    let asked = std::time::Instant::now();
    let mut opened = s.opened_in_viewer();
    while opened.is_empty() && asked.elapsed() < std::time::Duration::from_secs(20) {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        opened = s.opened_in_viewer();
    }
    assert_eq!(opened.len(), 1, "{opened:?}");
    assert!(std::fs::read(&opened[0]).unwrap().starts_with(b"%PDF-"));
    s.shot("archive-opened").await;

    // Verify: complete.
    click(d, "[data-testid='nav-verify']").await?;
    displayed(d, "[data-testid='view-verify']").await?;
    answer_next_dialog(d, &signed).await?;
    click(d, "[data-testid='verify-pick']").await?;
    // Both keys are confirmed here: the customer's own, and the provider's, verified.
    attr_is(d, "[data-testid='verdict']", "data-verdict", "authentic").await?;
    wait_text(d, "[data-testid='verdict-title']", "Authentique et complet").await?;
    s.shot("verify-complete").await;
    for (lang, title) in [("en", "Authentic and complete"), ("nl", "Echt en volledig")] {
        choose_language(d, lang).await?;
        wait_text(d, "[data-testid='verdict-title']", title).await?;
        s.shot(&format!("verify-complete-{lang}")).await;
    }
    choose_language(d, "fr").await?;

    // Another countersignature of the same PDF, with another address, made with the CLI:
    // valid and complete, but not the version this archive holds.
    let other = dir.join("andere-versie.tweevoud");
    let cli_profile = dir.join("cli-customer");
    let to_sign = dir.join(TO_SIGN_PDF);
    let number = format!("customer_enterprise_number={GOOD_NUMBER}");
    let path = |p: &Path| p.to_str().expect("a UTF-8 temporary path").to_string();
    let cli = |args: &[&str]| tweevoud_e2e::cli(&cli_profile, args);
    cli(&["key", "new", "--name", "Marie Dubois", "--org", "Acme NV"]);
    cli(&[
        "fill",
        &path(&to_sign),
        "--as",
        "customer",
        "--set",
        "customer_name=Acme NV",
        "--set",
        "customer_address=Kerkstraat 2\n3600 Genk",
        "--set",
        &number,
        "--set",
        "customer_signatory_name=Marie Dubois",
        "--set",
        "customer_signatory_function=Zaakvoerder",
        "--output",
        &path(&other),
    ]);
    cli(&[
        "sign",
        &path(&other),
        "--as",
        "customer",
        "--key",
        "Marie Dubois",
    ]);
    answer_next_dialog(d, &other).await?;
    click(d, "[data-testid='verify-pick']").await?;
    attr_is(
        d,
        "[data-testid='verdict']",
        "data-verdict",
        "archive_mismatch",
    )
    .await?;
    wait_text(d, "[data-testid='verdict-archive']", "Acme NV").await?;
    s.shot("verify-archive-mismatch").await;

    // An altered copy, dropped on the verify screen: altered, with the reason.
    let altered = dir.join("gewijzigd.tweevoud");
    let json = std::fs::read_to_string(&signed).unwrap();
    assert!(json.contains("\"Acme NV\""));
    std::fs::write(&altered, json.replace("\"Acme NV\"", "\"Acme BV\"")).unwrap();
    hook(d, "e2e_drop", &altered).await?;
    attr_is(d, "[data-testid='verdict']", "data-verdict", "altered").await?;
    wait_text(d, "[data-testid='verdict-title']", "Altéré").await?;
    wait_text(d, "[data-testid='verdict-reason']", "Marie Dubois").await?;
    // The reason is the core's, worded in the UI language: French, then Dutch, never English.
    attr_is(
        d,
        "[data-testid='verdict-reason']",
        "data-code",
        "signature_mismatch",
    )
    .await?;
    wait_text(
        d,
        "[data-testid='verdict-reason']",
        "Signature apposée par Marie Dubois (le client) : la signature ne correspond pas à ce qui a été signé",
    )
    .await?;
    wait_text(
        d,
        "[data-testid='signature-problem'][data-code='signature_mismatch']",
        "La signature ne correspond pas",
    )
    .await?;
    s.shot("verify-altered").await;
    choose_language(d, "nl").await?;
    wait_text(
        d,
        "[data-testid='verdict-reason']",
        "Handtekening van Marie Dubois (de klant): de handtekening klopt niet met wat ondertekend werd",
    )
    .await?;
    let reason = text_of(d, "[data-testid='verdict-reason']").await?;
    assert!(!reason.contains("does not match"), "English in: {reason}");
    s.shot("verify-altered-nl").await;
    choose_language(d, "fr").await?;

    // And a file that is no agreement at all.
    hook(d, "e2e_drop", &corrupt).await?;
    attr_is(d, "[data-testid='verdict']", "data-verdict", "not_tweevoud").await?;
    wait_text(
        d,
        "[data-testid='verdict-title']",
        "Pas un fichier Tweevoud",
    )
    .await?;
    s.shot("verify-not-an-agreement").await;

    // A PDF that carries no agreement: said so, in French.
    let letter = dir.join("brief.pdf");
    std::fs::write(&letter, b"%PDF-1.4\n%%EOF\n").unwrap();
    hook(d, "e2e_drop", &letter).await?;
    attr_is(
        d,
        "[data-testid='verdict-reason']",
        "data-code",
        "pdf_without_agreement",
    )
    .await?;
    wait_text(
        d,
        "[data-testid='verdict-reason']",
        "Ce PDF ne contient pas d'accord Tweevoud",
    )
    .await?;
    s.shot("verify-other-pdf").await;
    assert_no_error(d).await
}

/// The provider, in a second launch of the same profile, gets exemplar 1 back: opens it (a
/// drop), sees it complete, archives it, finds it in the archive; an edited copy of the PDF
/// is reported altered.
async fn provider_gets_exemplar(s: &Session, dir: PathBuf) -> WebDriverResult<()> {
    let d = s.driver();
    d.query(By::Css("body[data-ready='true']")).first().await?;
    choose_language(d, "en").await?;
    // The key is there: no first-run screen this time.
    displayed(d, "[data-testid='empty-state']").await?;
    let exemplar = dir.join("exemplaar-1.pdf");
    hook(d, "e2e_drop", &exemplar).await?;
    displayed(d, "[data-testid='review']").await?;
    attr_is(d, "[data-testid='doc-status']", "data-status", "complete").await?;
    let cards = d
        .find_all(By::Css(
            "[data-testid='review'] [data-testid='signature-card'][data-valid='true']",
        ))
        .await?;
    assert_eq!(cards.len(), 2);
    s.shot("exemplar-returned").await;
    // The customer's key is unknown here: remember it as a contact from the signature.
    click(d, "[data-testid='review'] [data-testid='remember-signer']").await?;
    attr_is(
        d,
        "[data-testid='review'] [data-testid='signature-card'][data-role='customer']",
        "data-trust",
        "unverified_contact",
    )
    .await?;
    click(d, "[data-testid='review-continue']").await?;
    // Archiving signs the archive's log entry: the key's passphrase is asked for, and a
    // wrong one stores nothing.
    click(d, "[data-testid='archive-button']").await?;
    displayed(d, "[data-testid='key-dialog'][data-purpose='archive']").await?;
    type_into(
        d,
        "[data-testid='key-dialog-passphrase']",
        "not the passphrase",
    )
    .await?;
    click(d, "[data-testid='key-dialog-submit']").await?;
    attr_is(
        d,
        "[data-testid='key-dialog-error']",
        "data-kind",
        "wrong_passphrase",
    )
    .await?;
    attr_is(d, "[data-testid='archived-note']", "data-archived", "false").await?;
    s.shot("archive-passphrase").await;
    type_into(
        d,
        "[data-testid='key-dialog-passphrase']",
        PROVIDER_PASSPHRASE,
    )
    .await?;
    click(d, "[data-testid='key-dialog-submit']").await?;
    attr_is(d, "[data-testid='archived-note']", "data-archived", "true").await?;
    s.shot("exemplar-archived").await;

    click(d, "[data-testid='nav-archive']").await?;
    search_archive(d, "Acme").await?;
    wait_text(d, "[data-testid='archive-count']", "1 agreement").await?;
    attr_is(
        d,
        "[data-testid='archive-status']",
        "data-status",
        "complete",
    )
    .await?;
    s.shot("archive").await;
    for lang in ["nl", "fr"] {
        choose_language(d, lang).await?;
        s.shot(&format!("archive-{lang}")).await;
    }
    choose_language(d, "en").await?;

    // A copy of the PDF with bytes added: an update after the PDF Tweevoud wrote that is not
    // a Tweevoud seal.
    let mut bytes = std::fs::read(&exemplar).unwrap();
    bytes.extend_from_slice(b"\n% edited\n");
    let edited = dir.join("exemplaar-1-edited.pdf");
    std::fs::write(&edited, bytes).unwrap();
    click(d, "[data-testid='nav-verify']").await?;
    hook(d, "e2e_drop", &edited).await?;
    attr_is(d, "[data-testid='verdict']", "data-verdict", "altered").await?;
    wait_text(d, "[data-testid='verdict-reason']", "not a Tweevoud seal").await?;
    s.shot("verify-edited-pdf").await;
    // The same verdict in Dutch and French: the reason in that language, not in English.
    attr_is(
        d,
        "[data-testid='verdict-reason']",
        "data-code",
        "foreign_update",
    )
    .await?;
    for (lang, words) in [
        ("nl", FOREIGN_UPDATE_NL),
        ("fr", "Le PDF a été modifié après que Tweevoud l'a écrit"),
    ] {
        choose_language(d, lang).await?;
        wait_text(d, "[data-testid='verdict-reason']", words).await?;
        let reason = text_of(d, "[data-testid='verdict-reason']").await?;
        assert!(!reason.contains("Tweevoud seal"), "{lang}: {reason}");
        s.shot(&format!("verify-edited-pdf-{lang}")).await;
    }
    choose_language(d, "en").await?;
    wait_text(
        d,
        "[data-testid='verdict-archive']",
        "differs from the stored exemplars",
    )
    .await?;
    hook(d, "e2e_drop", &exemplar).await?;
    // The customer's key was remembered, never verified: valid, but not "authentic".
    attr_is(
        d,
        "[data-testid='verdict']",
        "data-verdict",
        "complete_unconfirmed",
    )
    .await?;
    wait_text(
        d,
        "[data-testid='verdict-title']",
        "Complete, signer not confirmed",
    )
    .await?;
    wait_text(
        d,
        "[data-testid='verdict-archive']",
        // Not byte for byte: the archive keeps the exemplars this profile sealed, and the
        // customer sealed this one.
        "The same agreement as in your archive",
    )
    .await?;
    // The provider's signature timestamped by the TSA this profile trusts, the customer's not
    // at all; the PDF sealed by the customer, whose profile names no TSA.
    wait_text(
        d,
        "[data-testid='verdict'] [data-role='provider'] [data-testid='signature-timestamp'][data-trusted='true']",
        TSA_NAME,
    )
    .await?;
    wait_text(
        d,
        "[data-testid='verdict'] [data-role='customer'] [data-testid='signature-timestamp'][data-state='none']",
        "No timestamp obtained",
    )
    .await?;
    wait_text(
        d,
        "[data-testid='seal'][data-number='1'][data-role='customer']",
        "Seal 1: sealed by Marie Dubois (the customer)",
    )
    .await?;
    wait_text(
        d,
        "[data-testid='seal'] [data-testid='seal-timestamp'][data-state='none']",
        "No timestamp on this seal",
    )
    .await?;
    assert_eq!(d.find_all(By::Css("[data-testid='seal']")).await?.len(), 1);
    // The seals are below the signatures: in sight for the screenshots.
    d.execute(
        "document.querySelector(\"[data-testid='verdict-seals']\").scrollIntoView({block: 'end'})",
        vec![],
    )
    .await?;
    s.shot("verify-exemplar").await;
    for lang in ["nl", "fr"] {
        choose_language(d, lang).await?;
        s.shot(&format!("verify-exemplar-{lang}")).await;
    }
    choose_language(d, "en").await?;

    // Opened rather than verified, the edited PDF is refused, with the reason in Dutch, and
    // the agreement on the desk stays.
    choose_language(d, "nl").await?;
    click(d, "[data-testid='nav-keys']").await?;
    hook(d, "e2e_drop", &edited).await?;
    attr_is(d, "[data-testid='error']", "data-kind", "altered").await?;
    wait_text(d, "[data-testid='error-reason']", FOREIGN_UPDATE_NL).await?;
    s.shot("open-edited-pdf-nl").await;
    click(d, "[data-testid='nav-agreement']").await?;
    wait_text(d, "[data-testid='nav-desk-title']", "exemplaar-1.pdf").await?;
    attr_is(d, "[data-testid='doc-status']", "data-status", "complete").await?;
    choose_language(d, "en").await?;

    // The customer's signature has no timestamp: this profile's TSA adds one.
    let customer_stamp = "[data-testid='signature-block'] [data-role='customer'] [data-testid='signature-timestamp']";
    attr_is(d, customer_stamp, "data-state", "none").await?;
    s.shot("timestamp-missing").await;
    click(d, "[data-testid='timestamp-button']").await?;
    wait_text(d, "[data-testid='notice']", "Trusted timestamps added").await?;
    attr_is(d, customer_stamp, "data-trusted", "true").await?;
    wait_text(d, customer_stamp, TSA_NAME).await?;
    assert!(!shown(d, "[data-testid='timestamp-button']").await?);
    s.shot("timestamp-added").await;

    // Exporting an agreement opened here asks for the key that seals the PDFs (one that signed
    // it): a wrong passphrase writes nothing, the right one both exemplars.
    // In Dutch first (the language cannot change while the dialog is open), then cancelled.
    choose_language(d, "nl").await?;
    click(d, "[data-testid='export-button']").await?;
    displayed(d, "[data-testid='key-dialog'][data-purpose='seal']").await?;
    wait_text(d, "[data-testid='key-dialog-title']", "De PDF's verzegelen").await?;
    s.shot("seal-key-nl").await;
    click(d, "[data-testid='key-dialog-cancel']").await?;
    assert!(!shown(d, "[data-testid='key-dialog']").await?);
    choose_language(d, "en").await?;
    click(d, "[data-testid='export-button']").await?;
    displayed(d, "[data-testid='key-dialog'][data-purpose='seal']").await?;
    wait_text(d, "[data-testid='key-dialog-title']", "Seal the PDFs").await?;
    let options = d
        .find_all(By::Css("[data-testid='key-dialog-key'] option"))
        .await?;
    assert_eq!(options.len(), 1, "only the key that signed");
    assert!(options[0].text().await?.contains("Tom Hendrix"));
    type_into(
        d,
        "[data-testid='key-dialog-passphrase']",
        "not the passphrase",
    )
    .await?;
    click(d, "[data-testid='key-dialog-submit']").await?;
    attr_is(
        d,
        "[data-testid='key-dialog-error']",
        "data-kind",
        "wrong_passphrase",
    )
    .await?;
    s.shot("seal-key").await;
    let folder = dir.join("provider-exemplars");
    std::fs::create_dir(&folder).unwrap();
    answer_next_dialog(d, &folder).await?;
    type_into(
        d,
        "[data-testid='key-dialog-passphrase']",
        PROVIDER_PASSPHRASE,
    )
    .await?;
    click(d, "[data-testid='key-dialog-submit']").await?;
    wait_text(d, "[data-testid='notice']", ".pdf").await?;
    assert!(!shown(d, "[data-testid='key-dialog']").await?);
    let pdfs: Vec<PathBuf> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(pdfs.len(), 2, "{pdfs:?}");
    // The CLI accepts them, for anyone who trusts the same TSA (not this profile: its archive
    // holds the version before the timestamp): complete, sealed by the provider, the seal
    // timestamped.
    let anyone = dir.join("anyone");
    let ca = dir.join("tsa").join("ca.pem");
    tweevoud_e2e::cli(
        &anyone,
        &[
            "tsa",
            "add",
            "http://127.0.0.1:9/",
            "--cert",
            ca.to_str().unwrap(),
        ],
    );
    for pdf in &pdfs {
        let out = Command::new(tweevoud_e2e::cli_binary())
            .arg("verify")
            .arg("--json")
            .arg(pdf)
            .env("TWEEVOUD_DATA_DIR", &anyone)
            .output()
            .expect("the CLI runs");
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        // 3: valid, but neither key is known there.
        assert_eq!(out.status.code(), Some(3), "{json}");
        assert_eq!(json["verdict"]["code"], "complete_unconfirmed", "{json}");
        assert_eq!(json["problems"], serde_json::json!([]), "{json}");
        let seals = json["seals"].as_array().expect("seals");
        assert_eq!(seals.len(), 1, "{json}");
        assert_eq!(seals[0]["role"], "provider", "{json}");
        assert_eq!(seals[0]["timestamp"]["trusted"], true, "{json}");
        for sig in json["signatures"].as_array().unwrap() {
            assert_eq!(sig["timestamps"][0]["trusted"], true, "{json}");
        }
        validators_accept(pdf, &ca);
    }
    assert_no_error(d).await
}

/// Validators no one here wrote accept a PDF the app sealed: poppler's `pdfsig` (the seal
/// valid and covering the whole document) and pyHanko (trusting the seal's certificate and
/// the TSA's CA: intact, trusted, its signature timestamp sound and trusted).
fn validators_accept(pdf: &Path, tsa_ca: &Path) {
    let out = Command::new("pdfsig")
        .arg(pdf)
        .output()
        .expect("pdfsig (poppler-utils) runs");
    let words = String::from_utf8_lossy(&out.stdout);
    assert!(words.contains("Signature is Valid."), "pdfsig: {words}");
    assert!(words.contains("Total document signed"), "pdfsig: {words}");
    // The seal's certificate, read by openssl from the seal's own bytes.
    let bytes = std::fs::read(pdf).unwrap();
    let start = bytes.windows(10).position(|w| w == b"/Contents<").unwrap() + 10;
    let end = start + bytes[start..].iter().position(|b| *b == b'>').unwrap();
    let all: Vec<u8> = bytes[start..end]
        .chunks(2)
        .map(|p| u8::from_str_radix(std::str::from_utf8(p).unwrap(), 16).unwrap())
        .collect();
    let len = match all[1] {
        n if n < 0x80 => 2 + usize::from(n),
        0x81 => 3 + usize::from(all[2]),
        _ => 4 + (usize::from(all[2]) << 8 | usize::from(all[3])),
    };
    let der = pdf.with_extension("seal.der");
    std::fs::write(&der, &all[..len]).unwrap();
    let printed = Command::new("openssl")
        .args(["pkcs7", "-inform", "DER", "-print_certs", "-in"])
        .arg(&der)
        .output()
        .expect("openssl runs");
    let text = String::from_utf8_lossy(&printed.stdout);
    let begin = text
        .find("-----BEGIN CERTIFICATE-----")
        .expect("the seal's certificate");
    let cert = pdf.with_extension("seal.pem");
    std::fs::write(&cert, &text[begin..]).unwrap();
    let venv = std::env::var_os("TWEEVOUD_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/pyenv"));
    let pyhanko = venv.join("bin/pyhanko");
    assert!(
        pyhanko.is_file(),
        "pyHanko is not installed at {}: scripts/setup.sh installs it",
        pyhanko.display()
    );
    let out = Command::new(&pyhanko)
        .args([
            "sign",
            "validate",
            "--pretty-print",
            "--trust-replace",
            "--trust",
        ])
        .arg(&cert)
        .arg("--trust")
        .arg(tsa_ca)
        .arg(pdf)
        .output()
        .expect("pyHanko runs");
    let words = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "pyHanko: {words}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for said in [
        "The signer's certificate is trusted.",
        "The signature is cryptographically sound.",
        "The timestamp token is cryptographically sound.",
        "The TSA certificate is trusted.",
    ] {
        assert!(
            words.contains(said),
            "pyHanko does not say {said:?}: {words}"
        );
    }
}

async fn search_archive(d: &WebDriver, query: &str) -> WebDriverResult<()> {
    let input = d.find(By::Css("[data-testid='archive-query']")).await?;
    input.clear().await?;
    input.send_keys(query).await?;
    input.send_keys(Key::Enter).await?;
    // Let the list answer this query.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    Ok(())
}

/// Fills in the key form (first a passphrase that is too short, then a confirmation that
/// differs, each answered in words), creates the key and checks its fingerprint is shown.
async fn create_key(
    s: &Session,
    (name, organisation, function): (&str, &str, &str),
    passphrase: &str,
    (too_short, differs): (&str, &str),
) -> WebDriverResult<()> {
    let d = s.driver();
    type_into(d, "[data-testid='key-name']", name).await?;
    type_into(d, "[data-testid='key-organisation']", organisation).await?;
    type_into(d, "[data-testid='key-function']", function).await?;
    type_into(d, "[data-testid='key-passphrase']", "kort").await?;
    attr_is(d, "[data-testid='strength']", "data-level", "weak").await?;
    wait_text(d, "[data-testid='strength']", too_short).await?;
    let field = d.find(By::Css("[data-testid='key-passphrase']")).await?;
    field.clear().await?;
    field.send_keys(passphrase).await?;
    attr_is(d, "[data-testid='strength']", "data-level", "strong").await?;
    type_into(d, "[data-testid='key-confirm']", &format!("{passphrase}!")).await?;
    wait_text(d, "[data-testid='confirm-message']", differs).await?;
    s.shot("key-form").await;
    click(d, "[data-testid='key-submit']").await?;
    attr_is(
        d,
        "[data-testid='key-error']",
        "data-kind",
        "passphrases_differ",
    )
    .await?;
    let confirm = d.find(By::Css("[data-testid='key-confirm']")).await?;
    confirm.clear().await?;
    confirm.send_keys(passphrase).await?;
    click(d, "[data-testid='key-submit']").await?;
    displayed(d, "[data-testid='key-created']").await?;
    let fingerprint = text_of(d, "#key-created-card .fingerprint").await?;
    let groups: Vec<&str> = fingerprint.split_whitespace().collect();
    assert_eq!(groups.len(), 16, "fingerprint in groups: {fingerprint:?}");
    assert!(groups
        .iter()
        .all(|g| g.len() == 4 && g.chars().all(|c| c.is_ascii_hexdigit())));
    wait_text(d, "#key-created-card", name).await?;
    s.shot("key-created").await;
    Ok(())
}
