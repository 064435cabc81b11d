#!/usr/bin/env python3
"""Lays out the browser edition from ui/ and the core compiled to WebAssembly (`make web`).

    scripts/web.py PKG_DIR OUT_DIR

PKG_DIR holds wasm-bindgen's output for the crate tweevoud-web (`--target web`):
tweevoud_web.js and tweevoud_web_bg.wasm. Writes two deliveries of the same page:

- OUT_DIR/site/: a static folder for any web host (index.html, the ES modules, the styles,
  the WebAssembly inside a module as base64);
- OUT_DIR/tweevoud.html: one self-contained file that works opened from disk (file://),
  offline: the styles, every module (bundled into one script) and the WebAssembly inline.

Both pages carry the words of every language (ui/words/*.json) inline, as JSON data blocks
that ui/i18n.js reads, so that neither asks for them.

Both pages carry a content security policy that lets nothing leave the page: no request of
any kind (`connect-src 'none'`, no remote scripts, styles, fonts or images), scripts only
from the page itself (the single file's script by its SHA-256) and the WebAssembly compiled
from the bytes it carries.

The bundler knows exactly the module syntax ui/ and wasm-bindgen's glue use (named and
default imports and exports of relative modules); anything else stops it with a message
rather than producing a page that would break.
"""

import base64
import hashlib
import html
import json
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UI = ROOT / "ui"

# What the page may do. No request leaves it; the WebAssembly is compiled from bytes it holds.
POLICY = {
    "default-src": "'none'",
    "script-src": "{scripts} 'wasm-unsafe-eval'",
    "style-src": "{styles}",
    "img-src": "{images}",
    "connect-src": "'none'",
    "font-src": "'none'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'none'",
}


def policy(scripts, styles, images):
    parts = []
    for name, value in POLICY.items():
        parts.append(f"{name} " + value.format(scripts=scripts, styles=styles, images=images))
    return "; ".join(parts)


def wasm_module(pkg):
    """The WebAssembly as an ES module exporting its bytes in base64 (no fetch needed)."""
    wasm = (pkg / "tweevoud_web_bg.wasm").read_bytes()
    encoded = base64.b64encode(wasm).decode("ascii")
    return (
        "// The core compiled to WebAssembly (crate tweevoud-web), as base64: the page needs\n"
        "// no request to load it. Made by scripts/web.py.\n"
        f'export const WASM_BASE64 = "{encoded}";\n'
    )


def with_words(page):
    """The page with the words of each language (ui/words/<lang>.json) as a JSON data block
    `<script type="application/json" id="words-<lang>">`, which ui/i18n.js reads. A data block
    is not run, so the content security policy needs no room for it."""
    blocks = []
    for path in sorted((UI / "words").glob("*.json")):
        words = json.loads(path.read_text(encoding="utf-8"))
        # "<" escaped, so that no word can end the element ("</script") or open a comment.
        data = json.dumps(words, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")
        blocks.append(f'<script type="application/json" id="words-{path.stem}">{data}</script>')
    if not blocks:
        sys.exit("web.py: ui/words/ holds no words")
    if "</head>" not in page:
        sys.exit("web.py: ui/index.html has no </head>")
    return page.replace("</head>", "  " + "\n  ".join(blocks) + "\n</head>", 1)


def web_index(page, csp):
    """ui/index.html as the browser edition's page: its entry, its words, its policy."""
    page = page.replace(
        '<script type="module" src="app.js"></script>',
        '<script type="module" src="web-main.js"></script>',
    )
    if "web-main.js" not in page:
        sys.exit("web.py: ui/index.html no longer loads app.js the way this script expects")
    page = re.sub(r'\s*<link rel="modulepreload" href="[^"]+">', "", page)
    page = with_words(page)
    meta = f'<meta http-equiv="Content-Security-Policy" content="{html.escape(csp, quote=False)}">'
    return page.replace('<meta charset="utf-8">', '<meta charset="utf-8">\n  ' + meta, 1)


# ---- the bundler ----

IMPORT = re.compile(
    r'^import\s+(?:(?P<default>[A-Za-z_$][\w$]*)\s*,?\s*)?(?:\{(?P<names>[^}]*)\}\s*)?'
    r'(?:from\s+)?"(?P<path>[^"]+)";?[ \t]*$',
    re.M | re.S,
)
EXPORT_DECL = re.compile(
    r"^export\s+(?P<kw>(?:async\s+)?function\*?|class|const|let|var)\s+(?P<name>[A-Za-z_$][\w$]*)",
    re.M,
)
EXPORT_LIST = re.compile(r"^export\s*\{(?P<names>[^}]*)\};?[ \t]*$", re.M)
EXPORT_DEFAULT = re.compile(r"^export\s+default\s+(?P<name>[A-Za-z_$][\w$]*);?[ \t]*$", re.M)


def resolve(base, spec):
    if not spec.startswith("./"):
        sys.exit(f"web.py: {base.name} imports {spec!r}, not a module of the page")
    return (base.parent / spec).resolve()


def names(text):
    """`a, b as c` -> [("a", "a"), ("b", "c")]"""
    pairs = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        if " as " in part:
            original, local = (p.strip() for p in part.split(" as "))
        else:
            original = local = part
        pairs.append((original, local))
    return pairs


def transform(path, key_of):
    """One module as a function body that returns its exports; its imports from `key_of`."""
    source = path.read_text(encoding="utf-8")
    deps = []

    def on_import(m):
        dep = resolve(path, m.group("path"))
        deps.append(dep)
        key = key_of(dep)
        lines = []
        if m.group("default"):
            lines.append(f"const {m.group('default')} = __modules[{key!r}].default;")
        if m.group("names") is not None:
            bound = ", ".join(o if o == l else f"{o}: {l}" for o, l in names(m.group("names")))
            lines.append(f"const {{ {bound} }} = __modules[{key!r}];")
        return "\n".join(lines)

    body = IMPORT.sub(on_import, source)
    exports = []

    def on_decl(m):
        exports.append((m.group("name"), m.group("name")))
        return m.group("kw") + " " + m.group("name")

    body = EXPORT_DECL.sub(on_decl, body)

    def on_list(m):
        exports.extend((local, exported) for local, exported in names(m.group("names")))
        return ""

    body = EXPORT_LIST.sub(on_list, body)

    def on_default(m):
        exports.append((m.group("name"), "default"))
        return ""

    body = EXPORT_DEFAULT.sub(on_default, body)
    if re.search(r"^\s*(import|export)\b", body, re.M):
        line = re.search(r"^\s*(import|export)\b.*$", body, re.M).group(0)
        sys.exit(f"web.py: {path.name}: a module statement this bundler does not know: {line}")
    # wasm-bindgen's glue finds its .wasm next to itself when given no bytes; the page always
    # gives them, and a classic script has no import.meta.
    body = body.replace("import.meta.url", "undefined")
    returned = ", ".join(f"{exported}: {local}" for local, exported in exports)
    return body, deps, returned


def bundle(entry, aliases):
    """Every module reachable from `entry`, dependencies first, as one classic script. Each
    module runs as an async function awaited before the next, so that a module may await at
    its top level (ui/i18n.js does) and the modules that import it wait for it, as they would
    as ES modules."""
    order, seen, chunks = [], set(), {}

    def key_of(path):
        return aliases.get(path, path).name

    def visit(path, trail):
        path = aliases.get(path, path)
        if path in trail:
            sys.exit(f"web.py: an import cycle through {path.name}")
        if path in seen:
            return
        body, deps, returned = transform(path, key_of)
        for dep in deps:
            visit(dep, trail | {path})
        seen.add(path)
        order.append(path)
        chunks[path] = (body, returned)

    visit(entry.resolve(), frozenset())
    out = ['"use strict";', "(async () => {", "const __modules = {};"]
    for path in order:
        body, returned = chunks[path]
        out.append(f"// ---- {path.name} ----")
        out.append(f"__modules[{path.name!r}] = await (async () => {{\n{body}\nreturn {{ {returned} }};\n}})();")
    out.append("})();")
    return "\n".join(out) + "\n"


def sha256(text):
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def single_file(page, pkg, work):
    """The page with everything inline, and a policy naming exactly its script and style."""
    aliases = {
        (UI / "pkg" / "tweevoud_web.js").resolve(): (pkg / "tweevoud_web.js").resolve(),
        (UI / "pkg" / "tweevoud_web_wasm.js").resolve(): (work / "tweevoud_web_wasm.js").resolve(),
    }
    script = bundle(UI / "web-main.js", aliases)
    if "</script" in script.lower():
        sys.exit("web.py: the bundled script contains </script and cannot be inlined")
    style = (UI / "styles.css").read_text(encoding="utf-8")
    icon = base64.b64encode((UI / "icon.svg").read_bytes()).decode("ascii")
    page = page.replace('src="icon.svg"', f'src="data:image/svg+xml;base64,{icon}"')
    page = page.replace('<link rel="stylesheet" href="styles.css">', f"<style>{style}</style>")
    page = page.replace('<script type="module" src="app.js"></script>', "")
    page = re.sub(r'\s*<link rel="modulepreload" href="[^"]+">', "", page)
    if "</body>" not in page:
        sys.exit("web.py: ui/index.html has no </body>")
    page = page.replace("</body>", f"<script>{script}</script>\n</body>", 1)
    page = with_words(page)
    csp = policy(sha256(script), sha256(style), "data:")
    meta = f'<meta http-equiv="Content-Security-Policy" content="{html.escape(csp, quote=False)}">'
    return page.replace('<meta charset="utf-8">', '<meta charset="utf-8">\n  ' + meta, 1)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    pkg, out = Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve()
    site = out / "site"
    if site.exists():
        shutil.rmtree(site)
    (site / "pkg").mkdir(parents=True)
    work = out / "work"
    work.mkdir(parents=True, exist_ok=True)
    module = wasm_module(pkg)
    (work / "tweevoud_web_wasm.js").write_text(module, encoding="utf-8")

    page = (UI / "index.html").read_text(encoding="utf-8")
    for f in UI.iterdir():
        if f.suffix in (".js", ".css", ".svg"):
            shutil.copy2(f, site / f.name)
    shutil.copy2(pkg / "tweevoud_web.js", site / "pkg" / "tweevoud_web.js")
    (site / "pkg" / "tweevoud_web_wasm.js").write_text(module, encoding="utf-8")
    csp = policy("'self'", "'self'", "'self' data:")
    (site / "index.html").write_text(web_index(page, csp), encoding="utf-8")

    single = out / "tweevoud.html"
    single.write_text(single_file(page, pkg, work), encoding="utf-8")
    print(site)
    print(single)


if __name__ == "__main__":
    main()
