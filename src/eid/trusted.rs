//! The anchors a process trusts for the eID (feature `fs`: it may read a file).
//!
//! A release build trusts the Belgian roots alone ([`Anchors::belgian`]): the code that reads
//! the tests' roots is compiled only with `debug_assertions`, so a release binary holds neither
//! it nor the variable's name, whatever its environment says. A debug build (the tests') also
//! trusts the PEM certificates in the file `TWEEVOUD_TEST_EID_ROOTS` names, when it is set.

use super::pki::{Anchors, PathProblem};

/// The anchors this process trusts for the eID: the Belgian roots; in a debug build, also
/// the certificates of the PEM file `TWEEVOUD_TEST_EID_ROOTS` names, when set (an unreadable
/// file is `eid_certificate_unreadable`, naming the variable).
pub fn trusted_anchors() -> Result<Anchors, PathProblem> {
    #[cfg(debug_assertions)]
    {
        test::with_test_roots(std::env::var_os(test::VARIABLE).as_deref())
    }
    #[cfg(not(debug_assertions))]
    {
        Ok(Anchors::belgian())
    }
}

#[cfg(debug_assertions)]
mod test {
    use std::ffi::OsStr;
    use std::path::Path;

    use super::*;
    use crate::eid::pki::MAX_ANCHORS_BYTES;

    /// The variable that names the tests' roots.
    pub(super) const VARIABLE: &str = "TWEEVOUD_TEST_EID_ROOTS";

    /// The Belgian roots, and those of the PEM file at `path` when given.
    pub(super) fn with_test_roots(path: Option<&OsStr>) -> Result<Anchors, PathProblem> {
        let belgian = Anchors::belgian();
        let Some(path) = path.filter(|p| !p.is_empty()) else {
            return Ok(belgian);
        };
        let unreadable = |reason: String| PathProblem::Unreadable {
            reason: format!("{VARIABLE}: {reason}"),
        };
        let pem = crate::fsutil::read_limited(Path::new(path), MAX_ANCHORS_BYTES as u64)
            .map_err(|e| unreadable(e.to_string()))?;
        let test = Anchors::from_pem(&pem).map_err(|e| unreadable(e.reason().to_string()))?;
        Ok(belgian.with(&test))
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use crate::Coded;

        #[test]
        fn a_debug_build_adds_the_test_roots_when_named() {
            let pem = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/eid/root.pem");
            let anchors = with_test_roots(Some(pem.as_os_str())).unwrap();
            assert_eq!(anchors.len(), 6);
            assert_eq!(
                anchors.list()[5].0,
                "Tweevoud Test Belgium Root CA",
                "{anchors:?}"
            );
            assert_eq!(with_test_roots(None).unwrap().len(), 5);
            assert_eq!(with_test_roots(Some(OsStr::new(""))).unwrap().len(), 5);
            let der = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/eid/root.der");
            for bad in [der.as_os_str(), OsStr::new("/nonexistent/roots.pem")] {
                let e = with_test_roots(Some(bad)).unwrap_err();
                assert_eq!(e.code(), "eid_certificate_unreadable");
                assert!(e.to_string().contains(VARIABLE), "{e}");
            }
        }
    }
}

/// Run by `cargo test --release -p tweevoud --lib eid::trusted`: a release build ignores the
/// variable even when it names a readable file of roots.
#[cfg(all(test, not(debug_assertions)))]
mod release_tests {
    use super::*;

    #[test]
    fn a_release_build_trusts_the_belgian_roots_alone() {
        let pem =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/eid/root.pem");
        std::env::set_var("TWEEVOUD_TEST_EID_ROOTS", &pem);
        let anchors = trusted_anchors().unwrap();
        assert_eq!(anchors.list(), Anchors::belgian().list());
    }
}
