//! PKCS#11 test tokens laid out as the Belgian eID: SoftHSM2 tokens made with its own
//! `softhsm2-util` and OpenSC's `pkcs11-tool` (Debian packages scripts/setup.sh installs),
//! each in a temporary directory with its own `SOFTHSM2_CONF`, so that tests never share one.
//!
//! The layout is the middleware's (`libbeidpkcs11`): token label `BELPIC`; the certificates
//! `Authentication` (id 02), `Signature` (id 03), `CA` (id 04) and `Root` (id 06); the private
//! keys `Authentication` (id 02) and `Signature` (id 03, `CKA_ALWAYS_AUTHENTICATE`: a login for
//! each operation, as the card asks its PIN for every signature). The keys and certificates
//! are tests/fixtures/eid's (tests/eid/make-pki.sh): Tom Hendrix's card has RSA-2048 keys
//! (applet 1.7), Anne-Marie D'Hondt's ECDSA P-384 (applet 1.8).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use tempfile::TempDir;

/// The user PIN of every test token.
pub const PIN: &str = "1234";
/// `CKF_USER_PIN_FINAL_TRY`: one more wrong PIN blocks it.
pub const CKF_USER_PIN_FINAL_TRY: u64 = 0x0002_0000;
/// `CKF_USER_PIN_LOCKED`: the PIN is blocked.
pub const CKF_USER_PIN_LOCKED: u64 = 0x0004_0000;
/// The security officer's PIN of every test token.
const SO_PIN: &str = "12345678";

/// Which card a token stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardKind {
    /// Tom Hendrix's card: RSA-2048 keys under `ca-rsa`.
    Rsa,
    /// Anne-Marie D'Hondt's card: ECDSA P-384 keys under `ca-ec`.
    Ec,
}

impl CardKind {
    /// The fixtures' prefix of its keys and certificates, and its CA's.
    fn names(self) -> (&'static str, &'static str) {
        match self {
            CardKind::Rsa => ("rsa", "ca-rsa"),
            CardKind::Ec => ("ec", "ca-ec"),
        }
    }

    /// The holder's name, as the Signature certificate gives it.
    pub fn holder(self) -> &'static str {
        match self {
            CardKind::Rsa => "Tom Hendrix",
            CardKind::Ec => "Anne-Marie D'Hondt",
        }
    }
}

/// SoftHSM2's PKCS#11 module, where Debian installs it.
pub fn softhsm_module() -> PathBuf {
    let candidates = [
        "/usr/lib/softhsm/libsofthsm2.so",
        "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
        "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
        "/usr/local/lib/softhsm/libsofthsm2.so",
    ];
    candidates
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_file())
        .unwrap_or_else(|| {
            panic!("SoftHSM2 is not installed (none of {candidates:?}): run scripts/setup.sh")
        })
}

/// The fixtures of the test PKI.
pub fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/eid")
}

/// A SoftHSM2 configuration in its own directory, with no token yet (its one slot holds an
/// uninitialized token: what a reader without a card looks like to a test).
pub struct SoftHsm {
    dir: TempDir,
    conf: PathBuf,
}

impl SoftHsm {
    /// An empty SoftHSM2 store.
    pub fn empty() -> SoftHsm {
        let dir = TempDir::new().unwrap();
        let tokens = dir.path().join("tokens");
        std::fs::create_dir(&tokens).unwrap();
        let conf = dir.path().join("softhsm2.conf");
        std::fs::write(
            &conf,
            format!(
                "directories.tokendir = {}\nobjectstore.backend = file\nlog.level = ERROR\n",
                tokens.display()
            ),
        )
        .unwrap();
        SoftHsm { dir, conf }
    }

    /// The value `SOFTHSM2_CONF` must have for a process to see this store.
    pub fn conf(&self) -> &Path {
        &self.conf
    }

    /// The PKCS#11 module to load (SoftHSM2's).
    pub fn module(&self) -> PathBuf {
        softhsm_module()
    }

    /// A temporary directory that lives as long as the store.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// `program` set to see this store.
    fn command(&self, program: &str) -> Command {
        let mut cmd = Command::new(program);
        cmd.env("SOFTHSM2_CONF", &self.conf);
        cmd
    }

    fn run(&self, mut cmd: Command) {
        let out = cmd.output().expect("the SoftHSM2 and OpenSC tools run");
        assert!(
            out.status.success(),
            "{cmd:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// A token labelled `label` with the user PIN [`PIN`], and no objects.
    fn init_token(&self, label: &str) {
        let mut cmd = self.command("softhsm2-util");
        cmd.args(["--init-token", "--free", "--label", label])
            .args(["--pin", PIN, "--so-pin", SO_PIN]);
        self.run(cmd);
    }

    /// `pkcs11-tool` on the token labelled `label`, logged in with the user PIN.
    fn tool(&self, label: &str) -> Command {
        let mut cmd = self.command("pkcs11-tool");
        cmd.arg("--module").arg(self.module()).args([
            "--token-label",
            label,
            "--login",
            "--pin",
            PIN,
        ]);
        cmd
    }

    /// Writes the DER object `file` of `kind` ("cert" or "privkey") with `id` and `label`.
    fn write(&self, token: &str, file: &Path, kind: &str, id: &str, label: &str, extra: &[&str]) {
        let mut cmd = self.tool(token);
        cmd.arg("--write-object")
            .arg(file)
            .args(["--type", kind, "--id", id, "--label", label])
            .args(extra);
        self.run(cmd);
    }

    /// A token laid out as the eID of `card`, labelled `BELPIC`, from the committed fixtures.
    pub fn card(card: CardKind) -> SoftHsm {
        SoftHsm::card_from(&fixtures(), card)
    }

    /// A token laid out as the eID of `card`, labelled `BELPIC`, with the keys and
    /// certificates of the PKI `make-pki.sh` made in `pki`.
    pub fn card_from(pki: &Path, card: CardKind) -> SoftHsm {
        let hsm = SoftHsm::empty();
        hsm.add_card(pki, "BELPIC", card);
        hsm
    }

    /// Adds a token labelled `label` laid out as the eID of `card`, from the PKI in `pki`.
    pub fn add_card(&self, pki: &Path, label: &str, card: CardKind) {
        let (prefix, ca) = card.names();
        let f = pki;
        self.init_token(label);
        for (name, id, label_) in [
            ("auth", "02", "Authentication"),
            ("sign", "03", "Signature"),
        ] {
            self.write(
                label,
                &f.join(format!("{prefix}-{name}.der")),
                "cert",
                id,
                label_,
                &[],
            );
            let mut extra = vec!["--usage-sign", "--private", "--sensitive"];
            if name == "sign" {
                extra.push("--always-auth");
            }
            self.write(
                label,
                &f.join(format!("{prefix}-{name}.key.der")),
                "privkey",
                id,
                label_,
                &extra,
            );
        }
        self.write(label, &f.join(format!("{ca}.der")), "cert", "04", "CA", &[]);
        self.write(label, &f.join("root.der"), "cert", "06", "Root", &[]);
    }

    /// Sets `flags` among the token's flags (as `C_GetTokenInfo` gives them), in SoftHSM2's
    /// own store of the token labelled `label`: SoftHSM2 never blocks a PIN, nor counts its
    /// tries, so a test that needs a token to say so (`CKF_USER_PIN_FINAL_TRY`,
    /// `CKF_USER_PIN_LOCKED`) writes it there. Seen by the next process that loads the module.
    pub fn set_token_flags(&self, label: &str, flags: u64) {
        // SoftHSM2's file store: each attribute is its type (8 bytes, big-endian), the kind
        // of its value (8 bytes: 2 is an unsigned long) and the value; the token's flags are
        // its vendor attribute CKA_OS_TOKENFLAGS (0x8000534b).
        let mut key = vec![0, 0, 0, 0, 0x80, 0x00, 0x53, 0x4b];
        key.extend_from_slice(&2u64.to_be_bytes());
        let mut padded = label.as_bytes().to_vec();
        padded.resize(32, b' ');
        for entry in std::fs::read_dir(self.dir.path().join("tokens")).unwrap() {
            let file = entry.unwrap().path().join("token.object");
            let Ok(mut bytes) = std::fs::read(&file) else {
                continue;
            };
            if !bytes.windows(32).any(|w| w == padded.as_slice()) {
                continue;
            }
            let at = bytes
                .windows(key.len())
                .position(|w| w == key.as_slice())
                .expect("the token's flags in SoftHSM2's store")
                + key.len();
            let old = u64::from_be_bytes(bytes[at..at + 8].try_into().unwrap());
            bytes[at..at + 8].copy_from_slice(&(old | flags).to_be_bytes());
            std::fs::write(&file, bytes).unwrap();
            return;
        }
        panic!("no token labelled {label}");
    }

    /// A token of another kind (not laid out as the eID): labelled `label`, with no objects.
    pub fn add_other_token(&self, label: &str) {
        self.init_token(label);
    }

    /// The objects of the token labelled `label`, as `pkcs11-tool --list-objects` prints them.
    pub fn list_objects(&self, label: &str) -> String {
        let out = self
            .tool(label)
            .arg("--list-objects")
            .output()
            .expect("pkcs11-tool runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// `pkcs11-tool` on the token labelled `label` (logged in with [`PIN`]), for a test's own
    /// checks.
    pub fn pkcs11_tool(&self, label: &str) -> Command {
        self.tool(label)
    }
}
