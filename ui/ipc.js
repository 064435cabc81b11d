// The one door to the Rust side: the desktop app's IPC (Tauri), or in the browser edition the
// core compiled to WebAssembly (web.js); nothing else in the screens knows which. Commands
// answer with data or fail with `{kind, message, params}` (desk/src/window.rs): `kind` is the
// core's stable code, worded by i18n.js as `error_<kind>` with `params`; both arrive here as
// a CommandError.

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

/** The browser edition's backend (ui/web.js: the core in WebAssembly), once one is set. */
let web = null;

/** Makes `backend` (a promise of `{call, listen}`) the door to Rust: the browser edition. */
export function useWebBackend(backend) {
  web = backend;
}

/** The desktop app's IPC (Tauri), or the browser edition's backend, or null. */
async function backend() {
  if (window.__TAURI__ && window.__TAURI__.core) return { call: window.__TAURI__.core.invoke, listen: window.__TAURI__.event.listen };
  return web ? await web : null;
}

/** Calls the Rust command `command` with `args`. */
export async function call(command, args = {}) {
  const door = await backend();
  if (!door) throw new CommandError(command, { kind: "no_ipc", message: "not running inside Tweevoud" });
  try {
    return await door.call(command, args);
  } catch (raw) {
    throw new CommandError(command, raw);
  }
}

/** Listens to the Rust side's event `name` (a dropped file, work going on, ...). */
export async function listen(name, handler) {
  const door = await backend();
  if (door) await door.listen(name, handler);
}
