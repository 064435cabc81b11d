// The one door to the Rust side. Commands answer with data or fail with
// `{kind, message, params}` (see src-tauri/src/error.rs): `kind` is the core's stable code,
// worded by i18n.js as `error_<kind>` with `params`; both arrive here as a CommandError.

export class CommandError extends Error {
  constructor(command, raw) {
    const kind = raw && typeof raw === "object" && raw.kind ? String(raw.kind) : "unknown";
    const message = raw && typeof raw === "object" && raw.message ? String(raw.message) : String(raw);
    super(message);
    this.name = "CommandError";
    this.command = command;
    this.kind = kind;
    // An invalid value also names its blank and the core's problem (code and parameters).
    this.params = {};
    if (raw && typeof raw === "object") {
      if (raw.params && typeof raw.params === "object") this.params = raw.params;
      if (raw.blank) this.blank = String(raw.blank);
      if (raw.problem && typeof raw.problem === "object") this.problem = raw.problem;
      // A refused file or an agreement that is not intact carries the core's reason.
      if (raw.reason && typeof raw.reason === "object" && raw.reason.reason) this.reason = raw.reason;
    }
  }
}

/** Calls the Rust command `command` with `args`. */
export async function call(command, args = {}) {
  const core = window.__TAURI__ && window.__TAURI__.core;
  if (!core) throw new CommandError(command, { kind: "no_ipc", message: "not running inside Tweevoud" });
  try {
    return await core.invoke(command, args);
  } catch (raw) {
    throw new CommandError(command, raw);
  }
}
