#!/usr/bin/env python3
"""Lays out the browser edition from ui/ and the core compiled to WebAssembly (`make web`).

    scripts/web.py PKG_DIR OUT_DIR

PKG_DIR holds wasm-bindgen's output for the crate tweevoud-web (`--target web`):
tweevoud_web.js and tweevoud_web_bg.wasm. Writes two deliveries of the same page:

- OUT_DIR/site/: a static folder for any web host (index.html, the ES modules, the styles,
  the WebAssembly as pkg/tweevoud_web_bg.wasm, fetched and compiled as it arrives:
  `WebAssembly.instantiateStreaming`, which wants it served as `application/wasm`; a host
  that serves it otherwise still works, compiling it once it is whole);
- OUT_DIR/tweevoud.html: one self-contained file that works opened from disk (file://),
  offline: the styles, every module (bundled into one script) and the WebAssembly inline,
  LZMA-compressed and in base64, in a data block the script reads: scripts/web-lzma.js
  decodes it a piece at a time and the browser compiles each piece as it comes.

Both show, from the first paint and before any script runs, that Tweevoud is starting (a line
in each language, from ui/words; ui/web.js keeps the reader's once the scripts run), drawn by
HTML and ui/web.css alone, until the first screen is ready (`body[data-ready]`).

Both pages carry the words of every language (ui/words/*.json) inline, as JSON data blocks
that ui/i18n.js reads, so that neither asks for them.

Both pages carry a content security policy that lets nothing leave the page: no request of
any kind other than the folder's own WebAssembly (the single file: `connect-src 'none'`; the
folder: `connect-src 'self'`, for pkg/tweevoud_web_bg.wasm; no remote scripts, styles, fonts
or images), scripts only from the page itself (the single file's script by its SHA-256) and
the WebAssembly compiled from the bytes it carries.

The bundler knows exactly the module syntax ui/ and wasm-bindgen's glue use (named and
default imports and exports of relative modules); anything else stops it with a message
rather than producing a page that would break.
"""

import base64
import hashlib
import html
import json
import lzma
import re
import shutil
import subprocess
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
    "connect-src": "{connect}",
    "font-src": "'none'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'none'",
}


def policy(scripts, styles, images, connect):
    parts = []
    for name, value in POLICY.items():
        parts.append(
            f"{name} "
            + value.format(scripts=scripts, styles=styles, images=images, connect=connect)
        )
    return "; ".join(parts)


# ui/web.js's source of the WebAssembly (`./pkg/tweevoud_web_wasm.js`, `wasmSource()`): what
# wasm-bindgen's `init` takes, a promise of a Response that the browser compiles as it arrives.
SITE_WASM_MODULE = """\
// Where the page gets the core compiled to WebAssembly (crate tweevoud-web): fetched from
// beside this module and compiled as it arrives. Made by scripts/web.py.
export function wasmSource() {
  return fetch(new URL("tweevoud_web_bg.wasm", import.meta.url));
}
"""

# The single file's: the WebAssembly it carries, LZMA-compressed and in base64, in the data
# block WASM_BLOCK (a data block is not run, nor parsed as script), its decoded size in the
# block's data-size. LZMA takes more than a quarter off gzip's size (2.06 MB to 1.47 MB); browsers inflate
# only gzip and deflate, so the page decodes it (scripts/web-lzma.js), a piece at a time,
# compiling each piece as it comes.
WASM_BLOCK = "tweevoud-wasm"
LZMA_JS = "web-lzma.js"
# LZMA1's literal context bits, literal position bits and position bits; the dictionary holds
# the whole WebAssembly (the decoder keeps all it decodes).
LZMA_LC, LZMA_LP, LZMA_PB = 3, 0, 2
LZMA_DICT = 1 << 24
# How much the page decodes before handing a piece to the compiler.
LZMA_PIECE = 1 << 20
SINGLE_WASM_MODULE = f"""\
// Where the page gets the core compiled to WebAssembly (crate tweevoud-web): from the data
// block #{WASM_BLOCK} of the page, LZMA in base64, decoded a piece at a time as it is compiled.
// Made by scripts/web.py.
import {{ lzmaStream }} from "./{LZMA_JS}";

export function wasmSource() {{
  const block = document.getElementById("{WASM_BLOCK}");
  const text = atob(block.textContent);
  const packed = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) packed[i] = text.charCodeAt(i);
  const size = Number(block.dataset.size);
  const wasm = lzmaStream(packed, size, {LZMA_LC}, {LZMA_LP}, {LZMA_PB}, {LZMA_PIECE});
  return Promise.resolve(new Response(wasm, {{ headers: {{ "Content-Type": "application/wasm" }} }}));
}}
"""


_PACKAGES = {}


def crate_dirs(name):
    """Where the versions of the crate `name` that Cargo.lock names have their source (cargo
    metadata)."""
    if not _PACKAGES:
        # Not --offline: on a new machine the crates of the workspace's other members (the
        # end-to-end test's) may not be downloaded yet when the browser edition is built, and
        # cargo metadata resolves the whole workspace. --locked: Cargo.lock is never changed.
        meta = subprocess.run(
            ["cargo", "metadata", "--format-version", "1", "--locked",
             "--filter-platform", "wasm32-unknown-unknown"],
            cwd=ROOT, capture_output=True, text=True,
        )
        if meta.returncode != 0:
            sys.exit(f"web.py: cargo metadata failed:\n{meta.stderr}")
        for package in json.loads(meta.stdout)["packages"]:
            _PACKAGES.setdefault(package["name"], []).append(Path(package["manifest_path"]).parent)
    return _PACKAGES.get(name, [])


def crate_dir(name):
    """Where the one version of the crate `name` that Cargo.lock names has its source."""
    dirs = crate_dirs(name)
    if len(dirs) != 1:
        sys.exit(f"web.py: {name} is not among the dependencies exactly once")
    return dirs[0]


def rust_arrays(source, first_line=1):
    """The `static NAME: [T; N] = [...];` arrays of integers in a Rust source, from its line
    `first_line` on, as (name, bytes laid out as in WebAssembly's memory: little-endian)."""
    width = {"u8": 1, "[u8; 2]": 1, "u16": 2, "u32": 4}
    start = sum(len(line) for line in source.splitlines(keepends=True)[:first_line - 1])
    head = re.compile(r"static (\w+): \[(u8|u16|u32|\[u8; 2\]); \d+\] =\s*\[")
    for m in head.finditer(source, start):
        end = source.index("];", m.end())
        numbers = [int(n, 0) for n in re.findall(r"0x[0-9a-fA-F]+|\d+", source[m.end():end])]
        size = width[m.group(2)]
        yield m.group(1), b"".join(n.to_bytes(size, "little") for n in numbers)


def sfnt_tables(font):
    """The tables of a TrueType font: tag to bytes."""
    count = int.from_bytes(font[4:6], "big")
    tables = {}
    for i in range(count):
        record = font[12 + 16 * i:28 + 16 * i]
        offset, length = int.from_bytes(record[8:12], "big"), int.from_bytes(record[12:16], "big")
        tables[record[:4]] = font[offset:offset + length]
    return tables


def the_fonts_read_no_legacy_encoding():
    """The only fonts the page parses are the two DejaVu Sans faces (src/pdf/layout.rs,
    `Fonts`): TrueType, not WOFF2 (so the brotli decoder never runs), and with no Big5 cmap
    subtable (platform 3, encoding 4: the only font data allsorts decodes with a CJK encoding;
    names it decodes as UTF-16BE or Mac Roman)."""
    ttf = crate_dir("dejavu") / "assets" / "dejavu-fonts-ttf-2.37" / "ttf"
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"):
        font = (ttf / name).read_bytes()
        if font[:4] != b"\x00\x01\x00\x00":
            sys.exit(f"web.py: {name} is not a TrueType font")
        cmap = sfnt_tables(font)[b"cmap"]
        for i in range(int.from_bytes(cmap[2:4], "big")):
            if cmap[4 + 8 * i:8 + 8 * i] == b"\x00\x03\x00\x04":
                sys.exit(f"web.py: {name} has a Big5 cmap subtable")


def unread_data():
    """Data in the WebAssembly that its code never reads, and why, as (what, bytes, whether
    it must be there).

    - printpdf's writer (`to_lopdf_doc`) holds the CMYK colour profile Coated FOGRA39 (654 kB,
      src/res/CoatedFOGRA39.icc) and its licence, embedded only in a document whose
      conformance asks for a colour profile (PDF/X and PDF/A). Every document Tweevoud makes
      has printpdf's default conformance, `Custom` without a colour profile (src/pdf/write.rs
      sets no other; the page reaches no other printpdf entry: scripts/wasm-ld.sh), so that
      code never runs.
    - brotli-decompressor's dictionary (122 kB), read only when a brotli stream is decoded:
      allsorts decodes one only in a WOFF2 font.
    - encoding_rs's tables of the legacy Chinese, Japanese and Korean encodings (Big5, EUC-JP,
      ISO-2022-JP, Shift_JIS, EUC-KR, GBK, gb18030: 114 kB), read only when text in one of
      them is decoded: allsorts decodes font names as UTF-16BE or Mac Roman and a cmap as Big5
      only in a Big5 subtable; lopdf decodes UTF-16BE. An `Encoding` is chosen at run time,
      so the linker keeps every decoder and what it reads.

    The only fonts parsed are the two DejaVu faces, neither WOFF2 nor with a Big5 cmap
    (`the_fonts_read_no_legacy_encoding`). An exemplar made otherwise would not be the
    desktop's, byte for byte: the e2e test compares them (tests/e2e/tests/web.rs)."""
    the_fonts_read_no_legacy_encoding()
    res = crate_dir("printpdf") / "src" / "res"
    yield "printpdf's colour profile", (res / "CoatedFOGRA39.icc").read_bytes(), True
    yield "its licence", (res / "CoatedFOGRA39.icc.LICENSE.txt").read_bytes(), True
    # Every version holds the same dictionary, the one brotli's format defines (RFC 7932).
    dictionaries = {
        data
        for crate in crate_dirs("brotli-decompressor")
        for name, data in rust_arrays(
            (crate / "src" / "dictionary" / "mod.rs").read_text(encoding="utf-8"))
        if name == "kBrotliDictionary"
    }
    if len(dictionaries) != 1:
        sys.exit("web.py: brotli-decompressor's dictionary is not found once")
    yield "the brotli dictionary", dictionaries.pop(), True
    data_rs = crate_dir("encoding_rs") / "src" / "data.rs"
    source = data_rs.read_text(encoding="utf-8")
    # The single-byte encodings' data (Mac Roman among them) comes first, the CJK tables after.
    cjk = source[:source.index("static BIG5_ASTRALNESS")].count("\n") + 1
    for name, data in rust_arrays(source, cjk):
        # The short tables are left: too short to be sure that where they match is them.
        if len(data) >= 256:
            yield f"encoding_rs's {name}", data, False


def without_unread_data(wasm):
    """The WebAssembly with the data its code never reads (`unread_data`) cleared to zeros,
    which compress to nothing. The build fails if data that must be there is not there exactly
    once; a table the linker left out is passed over, as is one found more than once."""
    for what, data, required in unread_data():
        at = wasm.find(data)
        once = at >= 0 and wasm.find(data, at + 1) < 0
        if not once:
            if required:
                sys.exit(f"web.py: {what} is not in the WebAssembly exactly once")
            continue
        wasm = wasm[:at] + bytes(len(data)) + wasm[at + len(data):]
    return wasm


def wasm_block(wasm):
    """The WebAssembly as the single file's data block: raw LZMA1 (the same bytes every build
    with the same liblzma) in base64, which the HTML parser passes over as text."""
    filters = [{
        "id": lzma.FILTER_LZMA1, "preset": 9,
        "lc": LZMA_LC, "lp": LZMA_LP, "pb": LZMA_PB, "dict_size": LZMA_DICT,
    }]
    if len(wasm) > LZMA_DICT:
        sys.exit("web.py: the WebAssembly is larger than the LZMA dictionary")
    packed = lzma.compress(wasm, format=lzma.FORMAT_RAW, filters=filters)
    encoded = base64.b64encode(packed).decode("ascii")
    return (f'<script type="application/octet-stream" id="{WASM_BLOCK}" '
            f'data-size="{len(wasm)}">{encoded}</script>')


def with_starting(page):
    """The page with what shows while the WebAssembly starts, first thing in its body: a line
    in each language (the word `page_starting` of ui/words/<lang>.json), the page's own first,
    drawn by HTML and ui/web.css before any script runs."""
    lines = []
    page_lang = re.search(r'<html lang="([a-z]+)"', page)
    if not page_lang:
        sys.exit("web.py: ui/index.html names no language (<html lang=...>)")
    # The page's own language first.
    paths = sorted((UI / "words").glob("*.json"), key=lambda p: (p.stem != page_lang[1], p.stem))
    for path in paths:
        words = json.loads(path.read_text(encoding="utf-8"))
        if "page_starting" not in words:
            sys.exit(f"web.py: {path.name} has no page_starting")
        text = html.escape(words["page_starting"], quote=False)
        lines.append(f'<p lang="{path.stem}">{text}</p>')
    block = (
        '<div class="web-starting" id="web-starting" role="status" data-testid="web-starting">'
        + "".join(lines)
        + "</div>"
    )
    if "<body>" not in page:
        sys.exit("web.py: ui/index.html has no <body>")
    return page.replace("<body>", "<body>\n  " + block, 1)


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
    page = page.replace(
        '<link rel="stylesheet" href="styles.css">',
        '<link rel="stylesheet" href="styles.css">\n  <link rel="stylesheet" href="web.css">',
        1,
    )
    page = with_starting(with_words(page))
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


def single_file(page, pkg, wasm, work):
    """The page with everything inline, and a policy naming exactly its script and style."""
    aliases = {
        (UI / "pkg" / "tweevoud_web.js").resolve(): (pkg / "tweevoud_web.js").resolve(),
        (UI / "pkg" / "tweevoud_web_wasm.js").resolve(): (work / "tweevoud_web_wasm.js").resolve(),
    }
    script = bundle(UI / "web-main.js", aliases)
    if "</script" in script.lower():
        sys.exit("web.py: the bundled script contains </script and cannot be inlined")
    style = (UI / "styles.css").read_text(encoding="utf-8") + (UI / "web.css").read_text(encoding="utf-8")
    icon = base64.b64encode((UI / "icon.svg").read_bytes()).decode("ascii")
    page = page.replace('src="icon.svg"', f'src="data:image/svg+xml;base64,{icon}"')
    page = page.replace('<link rel="stylesheet" href="styles.css">', f"<style>{style}</style>")
    page = page.replace('<script type="module" src="app.js"></script>', "")
    page = re.sub(r'\s*<link rel="modulepreload" href="[^"]+">', "", page)
    if "</body>" not in page:
        sys.exit("web.py: ui/index.html has no </body>")
    page = page.replace(
        "</body>", f"{wasm_block(wasm)}\n<script>{script}</script>\n</body>", 1
    )
    page = with_starting(with_words(page))
    csp = policy(sha256(script), sha256(style), "data:", "'none'")
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
    (work / "tweevoud_web_wasm.js").write_text(SINGLE_WASM_MODULE, encoding="utf-8")
    shutil.copy2(ROOT / "scripts" / LZMA_JS, work / LZMA_JS)

    page = (UI / "index.html").read_text(encoding="utf-8")
    for f in UI.iterdir():
        if f.suffix in (".js", ".css", ".svg"):
            shutil.copy2(f, site / f.name)
    shutil.copy2(pkg / "tweevoud_web.js", site / "pkg" / "tweevoud_web.js")
    wasm = without_unread_data((pkg / "tweevoud_web_bg.wasm").read_bytes())
    (site / "pkg" / "tweevoud_web_bg.wasm").write_bytes(wasm)
    (site / "pkg" / "tweevoud_web_wasm.js").write_text(SITE_WASM_MODULE, encoding="utf-8")
    csp = policy("'self'", "'self'", "'self' data:", "'self'")
    (site / "index.html").write_text(web_index(page, csp), encoding="utf-8")

    single = out / "tweevoud.html"
    single.write_text(single_file(page, pkg, wasm, work), encoding="utf-8")
    print(site)
    print(single)


if __name__ == "__main__":
    main()
