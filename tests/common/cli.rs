//! The steps of the two-party story through the `tweevoud` binary, written once: make a key,
//! start the DPA, sign, fill the customer's blanks and countersign. Each step takes the
//! command its test made (which sets the profile, the passphrase and the time) and adds the
//! step's arguments; the test adds what its case needs and asserts. Included by the tests
//! that run the binary (`#[path = "common/cli.rs"] mod cli;`): the app's tests share
//! `tests/common` without `assert_cmd`.
#![allow(dead_code)]

use std::path::Path;

use assert_cmd::Command;

/// Someone who signs in the story, as `key new` records them.
pub struct Signatory {
    /// The key's name, by which `sign --key` finds it.
    pub name: &'static str,
    /// The organisation signed for.
    pub org: &'static str,
    /// The signatory's function.
    pub function: &'static str,
    /// The party signed for, as `sign --as` takes it.
    pub party: &'static str,
}

/// The provider's CEO.
pub const TOM: Signatory = Signatory {
    name: "Tom Hendrix",
    org: "Xtreme Internet Solutions BV",
    function: "CEO",
    party: "provider",
};

/// The customer's manager.
pub const ANNE: Signatory = Signatory {
    name: "Anne-Marie D'Hondt",
    org: "Brouwerij De Zwarte Kat BV",
    function: "Zaakvoerder",
    party: "customer",
};

/// The template of the story.
pub const DPA: &str = "xis-verwerkersovereenkomst";

/// The customer's values, as `fill --set` takes them.
pub const CUSTOMER_VALUES: [&str; 5] = [
    "customer_name=Brouwerij De Zwarte Kat BV",
    "customer_address=Kerkstraat 12\n3600 Genk",
    "customer_enterprise_number=BE 0403.170.701",
    "customer_signatory_name=Anne-Marie D'Hondt",
    "customer_signatory_function=Zaakvoerder",
];

fn s(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 path")
}

/// `key new --name N --org O --function F`: `who`'s key in the profile.
pub fn make_key(mut cmd: Command, who: &Signatory) -> Command {
    cmd.args(["key", "new", "--name", who.name, "--org", who.org])
        .args(["--function", who.function]);
    cmd
}

/// `new --template DPA -o OUT`: a draft of the DPA.
pub fn new_dpa(mut cmd: Command, out: &Path) -> Command {
    cmd.args(["new", "--template", DPA, "-o", s(out)]);
    cmd
}

/// `sign FILE --key N --as P`: `who` signs `file` for its party.
pub fn sign(mut cmd: Command, file: &Path, who: &Signatory) -> Command {
    cmd.args(["sign", s(file), "--key", who.name, "--as", who.party]);
    cmd
}

/// `fill FILE --set ...`: the customer's values filled in.
pub fn fill_customer(mut cmd: Command, file: &Path) -> Command {
    cmd.args(["fill", s(file)]);
    for value in CUSTOMER_VALUES {
        cmd.args(["--set", value]);
    }
    cmd
}

/// The core's code of the error the binary reported, from its line `tweevoud: error[CODE]:
/// WORDS` on standard error, or a refusal's `tweevoud: WHAT[CODE]: WORDS` (`invalid
/// template`, `not exported`; README, "Exit codes"); `None` when no line says a code (an
/// error the core has no code for, or no error).
pub fn error_code(stderr: &[u8]) -> Option<String> {
    String::from_utf8_lossy(stderr).lines().find_map(|line| {
        let (head, _words) = line.strip_prefix("tweevoud: ")?.split_once("]: ")?;
        let (what, code) = head.split_once('[')?;
        let is_code = !code.is_empty()
            && code
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        (!what.contains(':') && is_code).then(|| code.to_string())
    })
}

/// Standard error reports an error with the core's code `code` ([`error_code`]), for
/// `assert().stderr(...)`.
pub fn says_code(code: &'static str) -> impl predicates::Predicate<str> {
    predicates::function::function(move |stderr: &str| {
        error_code(stderr.as_bytes()).as_deref() == Some(code)
    })
}
