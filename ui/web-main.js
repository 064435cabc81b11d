// The browser edition's entry: first the door to the core in WebAssembly (web.js), then the
// same window as the desktop app's (app.js). The desktop app's index.html loads app.js alone.

import "./web.js";
import "./app.js";
