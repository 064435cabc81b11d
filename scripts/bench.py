#!/usr/bin/env python3
"""Helpers of `make bench` (scripts/bench.sh): the desktop app's launch time and idle memory,
and the Markdown table of every result.

    bench.py app  --app BIN --bare BIN --out FILE.json [--runs N] [--idle S]
    bench.py web  --web DIR --pdf FILE --agreement FILE --secret KEY.pem --passphrase FILE
                  --out FILE.json [--runs N]
    bench.py web-start --web DIR --out FILE.json [--runs N]
    bench.py table --dir DIR            # reads DIR/*.json, prints the table, writes DIR/../bench.md

Launch to interactive is measured over WebDriver (tauri-driver + WebKitWebDriver, as the
end-to-end tests drive the app): t0 is the moment the new-session request is sent (the driver
then starts the app), t1 is when the page says it is ready, `document.body.dataset.ready ===
"true"` — the Tweevoud UI sets it once its first IPC round trips (app_info, list_templates,
list_keys) have answered and the home screen is drawn; the bare window's page sets it on
DOMContentLoaded. The page is polled every 10 ms and stamps the poll that sees it ready with
its own clock (performance.timeOrigin + performance.now()), so t1 is late by at most one poll.

Idle memory is the PSS (proportional set size: shared pages divided among the processes
sharing them) summed over the app process and all its descendants (WebKitWebProcess,
WebKitNetworkProcess, ...), from /proc/PID/smaps_rollup, after the window has been ready
and idle for a few seconds.

The browser edition (`bench.py web`) is measured in headless Chromium over chromedriver:
the size of what a browser loads (the WebAssembly, the scripts, the single file; raw and
gzip -9), and, in the page, the core's time to verify an exemplar and to make both exemplars,
called as the page calls it (`Desk.call`), from a measuring page served on 127.0.0.1 next to
the static folder (the product's own page takes no measurements).

Opening the browser edition (`bench.py web-start`): the single file from disk (file://) and the
static folder from a local web server, each opened `--runs` times in a fresh headless Chromium
tab: the first paint (the page's own `first-contentful-paint`: what shows while the
WebAssembly starts) and the first usable screen (`document.body.dataset.ready === "true"`, as
for the app), both on the page's clock from the start of navigation; the page is polled every
10 ms, so the second is late by at most one poll.

Only the standard library is used.
"""

import argparse
import glob
import http.client as http_client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request


# ---------------------------------------------------------------------------------------------
# The app: launch to interactive, idle PSS


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise SystemExit(f"bench: nothing listens on port {port} after {timeout} s")


def start_xvfb():
    for n in range(91, 140):
        if os.path.exists(f"/tmp/.X11-unix/X{n}") or os.path.exists(f"/tmp/.X{n}-lock"):
            continue
        proc = subprocess.Popen(
            ["Xvfb", f":{n}", "-screen", "0", "1440x1000x24", "-nolisten", "tcp"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(100):
            if os.path.exists(f"/tmp/.X11-unix/X{n}"):
                return f":{n}", proc
            if proc.poll() is not None:
                break
            time.sleep(0.05)
        proc.kill()
        proc.wait()
    raise SystemExit("bench: cannot start Xvfb (Debian: apt install xvfb)")


def http(method, url, body=None, timeout=60, tries=20):
    """A WebDriver request; a connection the driver drops is tried again, a few times."""
    data = None if body is None else json.dumps(body).encode()
    for attempt in range(tries):
        req = urllib.request.Request(url, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return json.loads(r.read() or b"{}")
        except urllib.error.HTTPError as e:
            return json.loads(e.read() or b"{}")
        except (ConnectionError, http_client.RemoteDisconnected, urllib.error.URLError):
            if attempt == tries - 1:
                raise
            time.sleep(0.1)


def children():
    """Map of pid -> list of child pids, from /proc."""
    kids = {}
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            with open(stat) as f:
                text = f.read()
        except OSError:
            continue
        pid = int(stat.split("/")[2])
        ppid = int(text[text.rindex(")") + 2:].split()[1])
        kids.setdefault(ppid, []).append(pid)
    return kids


def descendants(root):
    kids = children()
    out, todo = [], [root]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, []))
    return out


def exe(pid):
    try:
        return os.path.realpath(f"/proc/{pid}/exe")
    except OSError:
        return ""


def pss_kib(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def comm(pid):
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().strip()
    except OSError:
        return "?"


def one_launch(driver_url, driver_pid, binary, args, idle):
    """Starts `binary` over WebDriver; returns (launch ms, PSS KiB or None, processes)."""
    caps = {"capabilities": {"alwaysMatch": {
        "browserName": "wry",
        "tauri:options": {"application": binary, "args": args},
    }}}
    deadline = time.time() + 30
    while True:
        t0 = time.time() * 1000.0
        created = http("POST", f"{driver_url}/session", caps)
        sid = (created.get("value") or {}).get("sessionId")
        if sid:
            break
        # The session before may still be closing: WebKitWebDriver holds one at a time.
        if "Maximum number of active sessions" not in str(created) or time.time() > deadline:
            raise SystemExit(f"bench: WebDriver could not start {binary}: {created}")
        time.sleep(0.2)
    script = {"script": "return (document.body && document.body.dataset.ready === 'true')"
                        " ? performance.timeOrigin + performance.now() : null", "args": []}
    ready = None
    deadline = time.time() + 60
    try:
        while ready is None:
            if time.time() > deadline:
                raise SystemExit(f"bench: {binary} did not say it was ready within 60 s")
            answer = http("POST", f"{driver_url}/session/{sid}/execute/sync", script)
            value = answer.get("value")
            if isinstance(value, (int, float)):
                ready = value
            else:
                time.sleep(0.01)
        pss, procs = None, []
        if idle:
            time.sleep(idle)
            real = os.path.realpath(binary)
            apps = [p for p in descendants(driver_pid) if exe(p) == real]
            if len(apps) != 1:
                raise SystemExit(f"bench: expected one {binary} process under the driver, found {apps}")
            tree = descendants(apps[0])
            pss = sum(pss_kib(p) for p in tree)
            procs = sorted(f"{comm(p)} {pss_kib(p) / 1024:.1f} MiB" for p in tree)
        return ready - t0, pss, procs
    finally:
        try:
            http("DELETE", f"{driver_url}/session/{sid}")
        except OSError as e:
            print(f"bench: closing the WebDriver session of {binary} failed: {e}", file=sys.stderr)


def app(args):
    tauri_driver = shutil.which("tauri-driver") or os.path.expanduser("~/.cargo/bin/tauri-driver")
    native = os.environ.get("WEBKIT_WEBDRIVER", "/usr/bin/WebKitWebDriver")
    for tool in (tauri_driver, native):
        if not os.path.exists(tool):
            raise SystemExit(f"bench: {tool} is missing (scripts/setup.sh installs it)")
    env = dict(os.environ, NO_AT_BRIDGE="1")
    xvfb = None
    if not env.get("DISPLAY"):
        env["DISPLAY"], xvfb = start_xvfb()
    port, native_port = free_port(), free_port()
    driver = subprocess.Popen(
        [tauri_driver, "--port", str(port), "--native-port", str(native_port),
         "--native-driver", native],
        env=env, stdout=subprocess.DEVNULL, stderr=open(os.path.join(os.path.dirname(args.out) or ".", "tauri-driver.log"), "w"),
    )
    scratch = tempfile.mkdtemp(prefix="tweevoud-bench-app-")
    results = {"tweevoud": {"launch": [], "pss": [], "procs": []},
               "bare": {"launch": [], "pss": [], "procs": []}}
    try:
        wait_port(port)
        wait_port(native_port)
        # One launch of each first, not counted: the page cache and the font cache warm up.
        total = args.runs + 1
        for i in range(total):
            measure_pss = i >= total - args.pss_runs
            for name, binary in (("tweevoud", args.app), ("bare", args.bare)):
                extra = []
                if name == "tweevoud":
                    # A fresh, empty profile each time: a first start, as a new user has it.
                    extra = ["--data-dir", os.path.join(scratch, f"profile-{i}")]
                ms, pss, procs = one_launch(f"http://127.0.0.1:{port}", driver.pid, binary,
                                            extra, args.idle if measure_pss else 0)
                if i > 0:
                    results[name]["launch"].append(ms)
                if pss is not None:
                    results[name]["pss"].append(pss)
                    results[name]["procs"] = procs
                print(f"bench: app {name:8} launch {ms:7.1f} ms"
                      + (f", idle PSS {pss / 1024:.1f} MiB" if pss is not None else "")
                      + (" (warm-up, not counted)" if i == 0 else ""), file=sys.stderr)
                time.sleep(0.5)
    finally:
        driver.send_signal(signal.SIGTERM)
        try:
            driver.wait(10)
        except subprocess.TimeoutExpired:
            driver.kill()
        if xvfb:
            xvfb.terminate()
            xvfb.wait()
        shutil.rmtree(scratch, ignore_errors=True)
    out = {}
    for name, r in results.items():
        out[name] = {
            "launch_ms": statistics.median(r["launch"]),
            "launch_runs": r["launch"],
            "pss_kib": statistics.median(r["pss"]),
            "pss_runs": r["pss"],
            "processes": r["procs"],
        }
    with open(args.out, "w") as f:
        json.dump(out, f, indent=2)


# ---------------------------------------------------------------------------------------------
# The table


# ---------------------------------------------------------------------------------------------
# The browser edition: bundle size, verify and export in the page

WEB_BENCH_PAGE = """<!doctype html><meta charset="utf-8"><title>bench</title>
<script type="module">
import init, { Desk } from "./pkg/tweevoud_web.js";
import { wasmSource } from "./pkg/tweevoud_web_wasm.js";
const median = (xs) => { xs.sort((a, b) => a - b); return xs[Math.floor(xs.length / 2)]; };
window.bench = async (pdf, agreement, runs, secret, passphrase) => {
  let t = performance.now();
  await init({ module_or_path: wasmSource() });
  const init_ms = performance.now() - t;
  const desk = new Desk("");
  const time = (f) => {
    f();
    const xs = [];
    for (let i = 0; i < runs; i++) { const t0 = performance.now(); f(); xs.push(performance.now() - t0); }
    return median(xs);
  };
  const verdict = JSON.parse(desk.call("verify_bytes", JSON.stringify({ name: "exemplar.pdf", bytes: pdf })));
  const verify_ms = time(() => desk.call("verify_bytes", JSON.stringify({ name: "exemplar.pdf", bytes: pdf })));
  // The PDFs are sealed by the key that countersigned the agreement, loaded from its key file;
  // each export unlocks it (scrypt), as the desktop's `tweevoud export` does.
  const key = JSON.parse(desk.call("load_key_file", JSON.stringify({ text: secret, passphrase, name: "Anne-Marie D'Hondt" })));
  desk.call("open_bytes", JSON.stringify({ name: "signed.tweevoud", bytes: agreement }));
  const seal = JSON.stringify({ key: key.fingerprint.hex, passphrase });
  const export_ms = time(() => desk.call("exemplar_files", seal));
  return { init_ms, verify_ms, export_ms, verdict: verdict.verdict.code, runs };
};
document.title = "ready";
</script>
"""


def gzip_size(data):
    import gzip
    return len(gzip.compress(data, compresslevel=9))


def web(args):
    import functools
    import http.server as http_server
    import threading

    site = os.path.join(args.web, "site")
    single = os.path.join(args.web, "tweevoud.html")
    wasm = open(os.path.join(site, "pkg", "tweevoud_web_bg.wasm"), "rb").read()
    scripts = b"".join(open(f, "rb").read() for f in sorted(glob.glob(os.path.join(site, "*.js")))
                       + [os.path.join(site, "pkg", "tweevoud_web.js")])
    page = open(single, "rb").read()
    sizes = {"wasm": len(wasm), "wasm_gzip": gzip_size(wasm), "js": len(scripts),
             "js_gzip": gzip_size(scripts), "single": len(page), "single_gzip": gzip_size(page)}

    root = tempfile.mkdtemp(prefix="tweevoud-web-bench-")
    try:
        shutil.copytree(site, os.path.join(root, "site"))
        with open(os.path.join(root, "site", "bench.html"), "w") as f:
            f.write(WEB_BENCH_PAGE)
        class Quiet(http_server.SimpleHTTPRequestHandler):
            def log_message(self, *args):
                pass

        handler = functools.partial(Quiet, directory=os.path.join(root, "site"))
        server = http_server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        port = free_port()
        driver = subprocess.Popen(["chromedriver", f"--port={port}"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_port(port)
            base = f"http://127.0.0.1:{port}"
            caps = {"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         f"--user-data-dir={os.path.join(root, 'chromium')}"]}}}}
            sid = http("POST", f"{base}/session", caps)["value"]["sessionId"]
            try:
                http("POST", f"{base}/session/{sid}/url",
                     {"url": f"http://127.0.0.1:{server.server_address[1]}/bench.html"})
                for _ in range(200):
                    if http("GET", f"{base}/session/{sid}/title")["value"] == "ready":
                        break
                    time.sleep(0.05)
                import base64
                b64 = lambda path: base64.b64encode(open(path, "rb").read()).decode()  # noqa: E731
                http("POST", f"{base}/session/{sid}/timeouts", {"script": 600000})
                got = http("POST", f"{base}/session/{sid}/execute/async", {
                    "script": "const done = arguments[5]; window.bench(arguments[0], arguments[1], arguments[2], arguments[3], arguments[4]).then(done, (e) => done({error: String(e)}));",
                    "args": [b64(args.pdf), b64(args.agreement), args.runs,
                             open(args.secret).read(), open(args.passphrase).read().splitlines()[0]]},
                   timeout=900)["value"]
            finally:
                http("DELETE", f"{base}/session/{sid}")
        finally:
            driver.terminate()
            driver.wait()
            server.shutdown()
    finally:
        shutil.rmtree(root, ignore_errors=True)
    if not isinstance(got, dict) or "error" in got:
        raise SystemExit(f"bench: the browser edition's measurement failed: {got}")
    if got["verdict"] not in ("complete_unconfirmed", "authentic"):
        raise SystemExit(f"bench: the browser edition says {got['verdict']} of the exemplar")
    got.update(sizes)
    got["browser"] = subprocess.run(["chromium", "--version"], capture_output=True,
                                    text=True).stdout.strip()
    with open(args.out, "w") as f:
        json.dump(got, f)


def chromium_session(base, root):
    caps = {"capabilities": {"alwaysMatch": {
        "browserName": "chrome", "pageLoadStrategy": "none",
        "goog:chromeOptions": {
            "binary": "/usr/bin/chromium",
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     f"--user-data-dir={root}"]}}}}
    return http("POST", f"{base}/session", caps)["value"]["sessionId"]


READY_PROBE = """
const ready = document.body && document.body.dataset.ready === "true";
const paint = performance.getEntriesByName("first-contentful-paint")[0];
return { ready, now: performance.now(), paint: paint ? paint.startTime : null,
         starting: !!document.getElementById("web-starting") };
"""


def open_until_ready(url, root):
    """Opens `url` in a fresh Chromium; its first paint and first usable screen, in ms."""
    port = free_port()
    driver = subprocess.Popen(["chromedriver", f"--port={port}"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_port(port)
        base = f"http://127.0.0.1:{port}"
        sid = chromium_session(base, root)
        try:
            http("POST", f"{base}/session/{sid}/url", {"url": url})
            deadline = time.time() + 60
            while time.time() < deadline:
                got = http("POST", f"{base}/session/{sid}/execute/sync",
                           {"script": READY_PROBE, "args": []}).get("value")
                if isinstance(got, dict) and got.get("ready"):
                    if not got["starting"]:
                        raise SystemExit(f"bench: {url} shows nothing while it starts")
                    return {"paint_ms": got["paint"], "ready_ms": got["now"]}
                time.sleep(0.01)
            raise SystemExit(f"bench: {url} was not ready after 60 s")
        finally:
            http("DELETE", f"{base}/session/{sid}")
    finally:
        driver.terminate()
        driver.wait()


def web_start(args):
    """Opening the browser edition: first paint and first usable screen, single file and
    static folder (see the module's doc)."""
    import functools
    import http.server as http_server
    import threading

    class Quiet(http_server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=os.path.join(args.web, "site"))
    server = http_server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    single = "file://" + os.path.abspath(os.path.join(args.web, "tweevoud.html"))
    site = f"http://127.0.0.1:{server.server_address[1]}/index.html"
    got = {}
    try:
        for name, url in (("single", single), ("site", site)):
            runs = []
            for _ in range(args.runs):
                root = tempfile.mkdtemp(prefix="tweevoud-web-start-")
                try:
                    runs.append(open_until_ready(url, root))
                finally:
                    shutil.rmtree(root, ignore_errors=True)
            got[name] = {key: statistics.median(r[key] for r in runs if r[key] is not None)
                         for key in ("paint_ms", "ready_ms")}
    finally:
        server.shutdown()
    got["runs"] = args.runs
    with open(args.out, "w") as f:
        json.dump(got, f)


def web_rows(d, row):
    """The browser edition's size and start-up against the bounds of #22."""
    w = json.load(open(os.path.join(d, "web.json")))
    s = json.load(open(os.path.join(d, "web-start.json")))
    mb = lambda n: f"{n / 1e6:.2f} MB"  # noqa: E731
    row(f"browser edition: the single file tweevoud.html, gzip -9 ({mb(w['single'])} raw)",
        w["single_gzip"], "the bound of #22", 1.5e6, "within", 1, unit=mb)
    row("browser edition: open the single file (file://) to its first usable screen "
        f"(first paint at {fmt_ms(s['single']['paint_ms'])}; Chromium, headless, median of "
        f"{s['runs']})", s["single"]["ready_ms"], "the bound of #22", 1000.0, "within", 1)
    row("browser edition: open the static folder (local server, the WebAssembly streamed) to "
        f"its first usable screen (first paint at {fmt_ms(s['site']['paint_ms'])})",
        s["site"]["ready_ms"], "the bound of #22", 1000.0, "within", 1)


def hyperfine_median(path):
    """Median wall time in ms of the single command in a hyperfine JSON export."""
    with open(path) as f:
        return json.load(f)["results"][0]["median"] * 1000.0


def fmt_ms(ms):
    if ms >= 1000:
        return f"{ms / 1000:.2f} s"
    if ms >= 10:
        return f"{ms:.1f} ms"
    if ms >= 0.1:
        return f"{ms:.2f} ms"
    return f"{ms * 1000:.1f} µs"


def verify_fast_rows(ops, export_whole, soffice):
    """The rows of verifying an exemplar in process and of exporting with the key unlocked
    (benches/ops.rs), the unlock on its own row: table lines."""
    def line(op, ours, anchor, theirs, shown, target, met):
        return f"| {op} | {fmt_ms(ours)} | {anchor} | {theirs} | {shown} | {target} | {met} |"

    def faster(r):
        return f"{r:.1f}× faster" if r >= 1 else f"{1 / r:.1f}× slower"

    ratio = soffice / ops["export"]
    return [
        line("verify a sealed, timestamped exemplar (in process: read, verify, re-render, "
             "compare, check the seal and its timestamp, judge)", ops["verify_pdf"],
             "— (an absolute bound)", "—", "—", "≤ 8 ms",
             "yes" if ops["verify_pdf"] <= 8 else "**no**"),
        line("export both exemplars of the DPA, sealed and timestamped (in process, key "
             "already unlocked)", ops["export"],
             "`soffice --headless --convert-to pdf` of the same text (`tweevoud render`, .txt)",
             fmt_ms(soffice), faster(ratio), "≥ 40× faster",
             "yes" if ratio >= 40 else "**no**"),
        line("unlock the key (scrypt, in process, once)", ops["unlock"], "—", "—", "—", "—", "—"),
        line("export both exemplars (whole process: starting, the scrypt unlock, export)",
             export_whole, "`soffice --headless --convert-to pdf`, as above", fmt_ms(soffice),
             faster(soffice / export_whole), "—", "—"),
    ]


def table(args):
    d = args.dir
    load = lambda name: json.load(open(os.path.join(d, name)))  # noqa: E731
    rows = []

    def row(op, ours, anchor, theirs, kind, target=None, unit=fmt_ms, note=""):
        """kind 'faster': ratio = theirs / ours (higher is better); 'within': ours / theirs."""
        if kind == "faster":
            ratio = theirs / ours
            shown = f"{ratio:.1f}× faster" if ratio >= 1 else f"{1 / ratio:.1f}× slower"
            met = "—" if target is None else ("yes" if ratio >= target else "**no**")
            tgt = "—" if target is None else f"≥ {target:g}× faster"
        else:
            ratio = ours / theirs
            shown = f"{ratio:.2f}× the anchor"
            met = "—" if target is None else ("yes" if ratio <= target else "**no**")
            tgt = "—" if target is None else f"≤ {target:g}× the anchor"
        rows.append(f"| {op} | {unit(ours)} | {anchor} | {unit(theirs)} | {shown} | {tgt} | {met} |")
        if note:
            notes.append(note)

    notes = []
    h = lambda name: hyperfine_median(os.path.join(d, f"{name}.json"))  # noqa: E731
    meta = load("meta.json")

    verify_pdf = h("verify-pdf")
    row("verify one signed exemplar PDF (whole process)", verify_pdf,
        "`pyhanko sign validate --trust-replace --trust CERT` on the same exemplar with an Ed25519 "
        "signature by pyHanko beside its seal (both certificates trusted)",
        h("pyhanko-validate"), "faster", 50)
    row("verify a sealed, timestamped (PAdES B-T) exemplar (whole process)", verify_pdf,
        "`pyhanko sign validate --trust-replace --trust SEAL-CERT --trust TSA-CA` on the same "
        "sealed exemplar, trusting the certificate in its seal and its TSA's",
        h("pyhanko-validate-seal"), "faster", 50)
    row("verify one signed exemplar PDF (whole process)", verify_pdf,
        f"`minisign -Vm` on the same {meta['pdf_bytes'] // 1000} kB PDF (floor)",
        h("minisign-verify-pdf"), "within", 3)
    ops = load("ops.json")
    rows.extend(verify_fast_rows(ops, h("export"), h("soffice-convert")))
    row("sign the agreement file (whole process, **includes the scrypt unlock**)",
        h("sign"), "`minisign -S` with an unencrypted key (no KDF)", h("minisign-sign"), "within")
    row("sign the agreement file (in process, key unlocked)", ops["sign"],
        "one Ed25519 signature over the same statement (floor)", ops["sign_floor"], "within")
    row("verify the agreement file (whole process)", h("verify-file"),
        f"`minisign -Vm` on the same {meta['file_bytes'] // 1000} kB file (floor)",
        h("minisign-verify-file"), "within")
    row("verify the agreement file (in process)", ops["verify_file"],
        "SHA-256 of the file + 2 Ed25519 verifications (floor)", ops["verify_file_floor"],
        "within")

    ar = load("archive.json")
    n = ar["n"]
    per = lambda s: 1000.0 * s / n  # noqa: E731  seconds for n -> ms each
    row(f"archive: add {n:,} agreements, per agreement ({n / ar['add_s']:.0f}/s)",
        per(ar["add_s"]),
        "hashing its 4 stored files + verifying its 2 signatures (floor)",
        per(ar["add_floor_s"]), "within")
    row(f"archive: search among {n:,} (median of {len(ar['searches'])} queries)",
        ar["search_ms"], f"scanning the {n:,} agreement files in memory for the query",
        ar["scan_ms"], "faster")
    row(f"archive verify, {n:,} agreements ({ar['objects']:,} objects, "
        f"{ar['signatures']:,} signatures)", 1000.0 * ar["verify_s"],
        f"hashing the same {ar['object_mb']:.0f} MB + {ar['signatures']:,} Ed25519 "
        f"verifications on {ar['threads']} threads (floor)",
        1000.0 * ar["floor_s"], "within", 3)

    tm = load("team.json")
    tper = lambda s: 1000.0 * s / tm["n"]  # noqa: E731
    row(f"team archive (PostgreSQL, fsync on; moto's S3 server): add {tm['n']:,} agreements, "
        f"per agreement ({tm['n'] / tm['add_s']:.0f}/s)", tper(tm["add_s"]),
        "the local archive, the same agreements (above)", per(ar["add_s"]), "within")
    row(f"team archive: search among {tm['n']:,} (median of {len(tm['searches'])} queries)",
        tm["search_ms"], "the local archive, the same queries (above)", ar["search_ms"], "within")
    row(f"team archive verify, {tm['n']:,} agreements ({tm['objects']:,} objects read back "
        f"from the bucket, {tm['signatures']:,} signatures)", 1000.0 * tm["verify_s"],
        "the local archive's verify (above)", 1000.0 * ar["verify_s"], "within")
    differ = [f"{t['query']!r} (team {t['found']}, local {l['found']})"
              for t, l in zip(tm["searches"], ar["searches"]) if t["found"] != l["found"]]
    notes.append("Team and local archive found the same agreements for every query."
                 if not differ else "**Team and local archive found different numbers**: "
                 + ", ".join(differ) + ".")
    together = tm["writers"] * tm["each"]
    row(f"team archive: {tm['writers']} members add {together} agreements at once (a thread "
        f"each, with its own connection, key and cache), per agreement "
        f"({together / tm['together_s']:.0f}/s)", 1000.0 * tm["together_s"] / together,
        "one member adding alone (above)", tper(tm["add_s"]), "within")

    a = load("app.json")
    row("app: launch to interactive (WebDriver, Xvfb)", a["tweevoud"]["launch_ms"],
        "bare Tauri window (benches/bare-tauri), same way", a["bare"]["launch_ms"], "within", 1.5)
    mib = lambda kib: f"{kib / 1024:.1f} MiB"  # noqa: E731
    row("app: idle memory, PSS of all its processes", a["tweevoud"]["pss_kib"],
        "bare Tauri window, same way", a["bare"]["pss_kib"], "within", 1.2, unit=mib)

    web_rows(d, row)
    w = load("web.json")
    row("browser edition: verify one exemplar PDF (in the page, WebAssembly)", w["verify_ms"],
        "the desktop's core, in process (benches/ops.rs)", ops["verify_pdf"], "within")
    row("browser edition: make both exemplars, sealed (in the page, WebAssembly, **includes the scrypt unlock**, which the anchor does not)", w["export_ms"],
        "the desktop's core, in process (benches/ops.rs)", ops["export"], "within")
    kb = lambda n: f"{n / 1024:.0f} KiB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.2f} MiB"  # noqa: E731

    lines = [
        "| operation | Tweevoud median | anchor | anchor median | ratio | target | met? |",
        "|---|---|---|---|---|---|---|",
        *rows,
        "",
        f"Measured {meta['date']} on {meta['machine']}, all in one run "
        f"(load average {meta['load_before']} before, {meta['load_after']} after); "
        f"whole-process medians by hyperfine ({meta['hyperfine']}), in-process medians by "
        f"benches/ops.rs, benches/archive.rs and benches/team.rs; tools: {meta['tools']}.",
        f"In process: unlocking the key (scrypt) {fmt_ms(ops['unlock'])} once; verifying "
        f"exemplar 1 sealed and timestamped {fmt_ms(ops['verify_pdf'])} (sealed without a "
        f"timestamp {fmt_ms(ops['verify_pdf_unstamped'])}); exporting both exemplars, the key "
        f"unlocked, {fmt_ms(ops['export'])}. Archive searches: "
        + ", ".join(f"{q['query']!r} {fmt_ms(q['ms'])} ({q['found']} found)"
                    for q in ar["searches"]) + ". Team archive searches: "
        + ", ".join(f"{q['query']!r} {fmt_ms(q['ms'])} ({q['found']} found)"
                    for q in tm["searches"]) + ".",
        "App processes at idle: Tweevoud " + "; ".join(a["tweevoud"]["processes"])
        + " — bare " + "; ".join(a["bare"]["processes"]) + ".",
        f"Browser edition ({w['browser']}, headless): the WebAssembly {kb(w['wasm'])} "
        f"({kb(w['wasm_gzip'])} gzip), the scripts {kb(w['js'])} ({kb(w['js_gzip'])} gzip), "
        f"the single file tweevoud.html {kb(w['single'])} ({kb(w['single_gzip'])} gzip; the "
        f"WebAssembly inside gzip-compressed, as base64); compiling and starting the WebAssembly "
        f"{fmt_ms(w['init_ms'])}; medians of {w['runs']} runs in the page.",
        *notes,
    ]
    text = "\n".join(lines) + "\n"
    sys.stdout.write(text)
    with open(args.md, "w") as f:
        f.write(text)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    a = sub.add_parser("app")
    a.add_argument("--app", required=True)
    a.add_argument("--bare", required=True)
    a.add_argument("--out", required=True)
    a.add_argument("--runs", type=int, default=10)
    a.add_argument("--pss-runs", type=int, default=3)
    a.add_argument("--idle", type=float, default=5.0)
    w = sub.add_parser("web")
    w.add_argument("--web", required=True, help="what make web wrote (target/web)")
    w.add_argument("--pdf", required=True)
    w.add_argument("--agreement", required=True)
    w.add_argument("--secret", required=True, help="the key file of the key that signed it")
    w.add_argument("--passphrase", required=True, help="a file whose first line is its passphrase")
    w.add_argument("--out", required=True)
    w.add_argument("--runs", type=int, default=20)
    ws = sub.add_parser("web-start")
    ws.add_argument("--web", required=True, help="what make web wrote (target/web)")
    ws.add_argument("--out", required=True)
    ws.add_argument("--runs", type=int, default=5)
    t = sub.add_parser("table")
    t.add_argument("--dir", required=True)
    t.add_argument("--md", required=True)
    args = p.parse_args()
    {"app": app, "web": web, "web-start": web_start, "table": table}[args.cmd](args)


if __name__ == "__main__":
    main()
