//! TLS to a team archive's servers (feature `team`; `docs/archive-team.md`, "TLS"): the
//! database and the bucket are reached over TLS (rustls, its `ring` provider, TLS 1.2 and
//! 1.3), their certificates checked against the trust the profile recorded: the certificate
//! authorities given to `archive connect --ca` (then only those), or else the system's store.
//! In clear only on this machine: a database or bucket elsewhere without TLS is refused
//! before anything is sent.

use std::net::IpAddr;
use std::sync::{Arc, OnceLock};

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use rustls::{ClientConfig, RootCertStore};

/// The largest file of certificate authorities `archive connect --ca` takes, in bytes.
pub const MAX_CA_BYTES: u64 = 64 * 1024;

/// Most certificates in that file.
const MAX_CA_CERTIFICATES: usize = 32;

/// Whether `host` (a host name or an IP address, an IPv6 address in brackets or not) is this
/// machine: `localhost` or a loopback address. A name is not resolved: only `localhost`
/// counts, as a name that resolves to a loopback address today may not tomorrow.
pub(crate) fn is_local(host: &str) -> bool {
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// The certificates of a PEM text of certificate authorities; why it cannot be used, when
/// it cannot: not PEM, no certificate in it, more than [`MAX_CA_CERTIFICATES`], or a
/// certificate that cannot be a trust anchor.
pub(crate) fn parse_ca(pem: &str) -> Result<Vec<CertificateDer<'static>>, String> {
    if pem.len() as u64 > MAX_CA_BYTES {
        return Err(format!(
            "the certificate authorities' file is larger than {MAX_CA_BYTES} bytes"
        ));
    }
    let mut certs = Vec::new();
    for cert in CertificateDer::pem_slice_iter(pem.as_bytes()) {
        let cert = cert.map_err(|e| {
            format!("the certificate authorities' file is not PEM certificates: {e}")
        })?;
        if certs.len() == MAX_CA_CERTIFICATES {
            return Err(format!(
                "the certificate authorities' file holds more than {MAX_CA_CERTIFICATES} certificates"
            ));
        }
        certs.push(cert);
    }
    if certs.is_empty() {
        return Err(
            "the certificate authorities' file holds no certificate (-----BEGIN CERTIFICATE-----)"
                .to_string(),
        );
    }
    let mut roots = RootCertStore::empty();
    for cert in &certs {
        roots.add(cert.clone()).map_err(|e| {
            format!("a certificate in the certificate authorities' file cannot be trusted: {e}")
        })?;
    }
    Ok(certs)
}

/// The system's certificate authorities, read once per process (`SSL_CERT_FILE` and
/// `SSL_CERT_DIR` as OpenSSL reads them, else the system's store).
fn system_roots() -> &'static [CertificateDer<'static>] {
    static ROOTS: OnceLock<Vec<CertificateDer<'static>>> = OnceLock::new();
    ROOTS.get_or_init(|| rustls_native_certs::load_native_certs().certs)
}

/// The TLS client configuration that trusts `ca` (a PEM text, see [`parse_ca`]) alone, or the
/// system's certificate authorities when there is none.
pub(crate) fn client_config(ca: Option<&str>) -> Result<Arc<ClientConfig>, String> {
    let mut roots = RootCertStore::empty();
    match ca {
        Some(pem) => {
            for cert in parse_ca(pem)? {
                roots.add(cert).map_err(|e| e.to_string())?;
            }
        }
        None => {
            roots.add_parsable_certificates(system_roots().iter().cloned());
            if roots.is_empty() {
                return Err(
                    "this system has no certificate authorities to check the servers' certificates with: give the one that signed them (archive connect --ca FILE)"
                        .to_string(),
                );
            }
        }
    }
    // rustls 0.23.48 deprecates its ring provider for lacking post-quantum key exchange,
    // which only its aws-lc-rs provider has (a large C library built with cmake, in every
    // build of the CLI and its tests). Classical ECDHE (X25519, P-256, P-384) is what the
    // database and bucket servers offer today; the choice is to be revisited with them.
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_this_machine_is_local() {
        for local in [
            "localhost",
            "LOCALHOST",
            "127.0.0.1",
            "127.8.9.10",
            "::1",
            "[::1]",
        ] {
            assert!(is_local(local), "{local}");
        }
        for far in [
            "db.example.com",
            "localhost.example.com",
            "10.0.0.1",
            "192.168.1.2",
            "::2",
            "[fe80::1]",
            "",
            "127.0.0.1.nip.io",
        ] {
            assert!(!is_local(far), "{far}");
        }
    }

    #[test]
    fn a_ca_file_must_hold_certificates() {
        for (pem, why) in [
            ("", "no certificate"),
            ("not pem at all", "no certificate"),
            (
                "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n",
                "no certificate",
            ),
            (
                "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n",
                "not PEM",
            ),
            (
                "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
                "cannot be trusted",
            ),
        ] {
            let e = parse_ca(pem).unwrap_err();
            assert!(e.contains(why), "{pem:?}: {e}");
        }
        let big = "x".repeat(MAX_CA_BYTES as usize + 1);
        assert!(parse_ca(&big).unwrap_err().contains("larger"));
    }
}
