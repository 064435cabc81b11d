//! The IPC commands, one module per domain. Each is a few lines that call the core.

pub mod profile;
pub mod templates;
