//! Tweevoud in a browser: the core and the desk in WebAssembly, behind one JavaScript class.
//!
//! The page (ui/web.js) makes one [`Desk`] with what it kept from the last visit (the
//! browser's keys, their secrets only ever encrypted, and its contacts; kept only when the page
//! is served from an origin of its own, never from disk) and sends it the
//! desktop app's commands by name, with JSON arguments; the answers are the app's JSON, the
//! same views of [`tweevoud_desk::view`], so one window (ui/) shows both editions. Where the
//! app shows a file dialog, the browser's commands take and give the files' contents instead.
//! Every command, its arguments and its answer are listed in web/README.md.
//!
//! The work is the core's, on the same code paths as the desktop: the one judgement of a file
//! ([`tweevoud::judge`]), the same validation, signing and rendering, so that an exemplar PDF
//! made here is byte for byte the desktop's of the same agreement.
//!
//! [`WebDesk`] is the desk in plain Rust (the native tests drive it); [`Desk`] is its
//! wasm-bindgen face, which turns a refusal into a thrown JavaScript `Error` whose message is
//! the refusal's JSON ([`WebError`]).

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod clock;
mod commands;
mod error;
mod store;

pub use commands::{WebDesk, WEB_ONLY};
pub use error::WebError;

use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

/// The browser's desk, as JavaScript sees it:
///
/// ```js
/// const desk = new Desk(localStorage.getItem("tweevoud") ?? "");
/// const view = JSON.parse(desk.call("new_agreement", JSON.stringify({ template: "dpa" })));
/// localStorage.setItem("tweevoud", desk.saved());
/// ```
#[wasm_bindgen]
#[derive(Debug)]
pub struct Desk {
    desk: WebDesk,
}

/// A refusal as a JavaScript `Error` whose message is its JSON (`{kind, message, params, ...}`).
fn thrown(e: WebError) -> JsError {
    JsError::new(&e.to_json())
}

#[wasm_bindgen]
impl Desk {
    /// The desk, with the keys and contacts `saved` holds: `""`, or what [`Desk::saved`] gave.
    /// Throws (`saved_unreadable`) if they cannot be read.
    #[wasm_bindgen(constructor)]
    pub fn new(saved: &str) -> Result<Desk, JsError> {
        WebDesk::new(saved)
            .map(|desk| Desk { desk })
            .map_err(thrown)
    }

    /// Runs `command` with `args` (a JSON object): its answer as JSON. Throws an `Error` whose
    /// message is the refusal as JSON. The arguments, which may hold a passphrase, are wiped
    /// from memory after.
    pub fn call(&mut self, command: &str, args: String) -> Result<String, JsError> {
        let args = Zeroizing::new(args);
        self.desk.call(command, &args).map_err(thrown)
    }

    /// What to keep for the next visit: the keys (their secrets as encrypted PKCS#8 PEM, never
    /// in the clear, no passphrase) and the contacts, as JSON.
    pub fn saved(&self) -> String {
        self.desk.saved()
    }
}
