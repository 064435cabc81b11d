//! The IPC commands, one module per domain. Each is a few lines that call the core.

pub mod agreement;
pub mod archive;
pub mod contacts;
#[cfg(feature = "e2e-hooks")]
pub mod e2e;
pub mod exemplars;
pub mod keys;
pub mod profile;
pub mod templates;
pub mod verify;
