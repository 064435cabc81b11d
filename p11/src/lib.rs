//! The one PKCS#11 call that the `cryptoki` crate does not offer, kept apart because it needs
//! `unsafe` (every other crate of Tweevoud forbids it).
//!
//! A key with `CKA_ALWAYS_AUTHENTICATE` (a PIN for each use, as a smart card's signature key
//! asks) is used in three calls that must follow each other on one session: `C_SignInit`,
//! `C_Login(CKU_CONTEXT_SPECIFIC)`, `C_Sign` (PKCS#11 v2.40 section 4.9, "Private key
//! objects"). `cryptoki` offers `C_SignInit` alone (`Session::sign_init`) and
//! `C_Login`, but its `C_Sign` only together with a new `C_SignInit` (`Session::sign`), which a
//! token refuses while the operation begun is active. [`Signer::sign`] is that `C_Sign`: on a
//! session `cryptoki` opened and on which it began the operation.
//!
//! The module is looked up again by its path: the operating system hands back the library
//! `cryptoki` loaded (one copy per process, loaded once), and its `C_GetFunctionList` gives
//! the same function table that `cryptoki` calls through.

#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]

use std::ffi::OsStr;

use cryptoki_sys::{CKR_OK, CK_FUNCTION_LIST, CK_RV, CK_SESSION_HANDLE, CK_ULONG};

/// The largest signature accepted: 16,384 bits of RSA, far above any card's key.
pub const MAX_SIGNATURE_BYTES: usize = 2048;

/// `C_Sign` of a loaded PKCS#11 module.
pub struct Signer {
    // Kept loaded for as long as `list` is used.
    _library: cryptoki_sys::Pkcs11,
    list: *const CK_FUNCTION_LIST,
}

// SAFETY: the function table is the module's static data, read only; the module is
// initialized by `cryptoki` with `CKF_OS_LOCKING_OK`, under which PKCS #11 functions may be
// called from any thread (as `cryptoki`'s own context is `Send` and `Sync`).
unsafe impl Send for Signer {}
// SAFETY: as above; `sign` takes `&self` and changes nothing in it.
unsafe impl Sync for Signer {}

/// Why [`Signer`] could not be made or [`Signer::sign`] failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The module cannot be loaded, or gives no function table.
    Load(String),
    /// The module's `C_Sign` returned this `CK_RV`.
    Rv(CK_RV),
    /// The signature the module gives is larger than [`MAX_SIGNATURE_BYTES`].
    TooLarge,
}

impl Signer {
    /// The `C_Sign` of the module at `path`, which `cryptoki` loaded (and initialized) already.
    pub fn load(path: impl AsRef<OsStr>) -> Result<Signer, Error> {
        // SAFETY: loading a PKCS#11 module runs its initialisers; the caller has loaded this
        // very module with `cryptoki` already, so the library is the one in the process, and
        // this adds a reference to it.
        let library = unsafe { cryptoki_sys::Pkcs11::new(path.as_ref()) }
            .map_err(|e| Error::Load(e.to_string()))?;
        let get = library
            .C_GetFunctionList
            .as_ref()
            .map_err(|e| Error::Load(e.to_string()))?;
        let mut list: *mut CK_FUNCTION_LIST = std::ptr::null_mut();
        // SAFETY: `C_GetFunctionList` writes a pointer to the module's static function table.
        let rv = unsafe { get(&mut list) };
        if rv != CKR_OK || list.is_null() {
            return Err(Error::Load(format!(
                "C_GetFunctionList returned {rv:#x} and no table"
            )));
        }
        Ok(Signer {
            _library: library,
            list,
        })
    }

    /// `C_Sign` over `data` on `session`, whose signing operation was begun (`C_SignInit`,
    /// and for a key that asks it, `C_Login(CKU_CONTEXT_SPECIFIC)`). The operation ends with
    /// this call, whatever it returns.
    pub fn sign(&self, session: CK_SESSION_HANDLE, data: &[u8]) -> Result<Vec<u8>, Error> {
        // SAFETY: `list` points to the module's function table, which lives as long as the
        // library, which `self` holds.
        let sign = unsafe { (*self.list).C_Sign }
            .ok_or(Error::Rv(cryptoki_sys::CKR_FUNCTION_NOT_SUPPORTED))?;
        let data_len = CK_ULONG::try_from(data.len()).map_err(|_| Error::TooLarge)?;
        let mut signature = vec![0u8; MAX_SIGNATURE_BYTES];
        let mut len = MAX_SIGNATURE_BYTES as CK_ULONG;
        // SAFETY: `data` is read for `data_len` bytes (the module takes a mutable pointer
        // but does not write through it); `signature` has room for `len` bytes, and the module
        // writes at most `len` and sets `len` to what it wrote. A buffer this large is given
        // at once, so that the single-part operation ends in this one call (asking the length
        // first with a null buffer would keep it open, and a second call is what some modules
        // refuse after a context-specific login).
        let rv = unsafe {
            sign(
                session,
                data.as_ptr() as *mut u8,
                data_len,
                signature.as_mut_ptr(),
                &mut len,
            )
        };
        if rv != CKR_OK {
            return Err(Error::Rv(rv));
        }
        let len = usize::try_from(len).map_err(|_| Error::TooLarge)?;
        if len > MAX_SIGNATURE_BYTES {
            return Err(Error::TooLarge);
        }
        signature.truncate(len);
        Ok(signature)
    }
}
