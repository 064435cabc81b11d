#!/usr/bin/env python3
"""The test binaries of `make test`: built once, listed, then run side by side.

    scripts/tests.py build LIST -- CARGO_TEST_ARGS...
        Runs `cargo test --no-run --message-format=json-render-diagnostics CARGO_TEST_ARGS...`
        and writes the test binaries it built (path, package, target, source) to LIST.
    scripts/tests.py run LIST [--jobs N] [--package P]... [--skip-package P]... [-- TEST_ARGS...]
        Runs the binaries of LIST (those of the packages named, or all but the skipped ones),
        N at a time (default: the number of cores), each in its package's folder as cargo
        test would, and prints one line per binary as it ends: its time, its result and the
        counts of its tests. A failing binary's whole output is printed. Exits 1 if any failed.

Why not `cargo test`: cargo runs test binaries one after the other, and excluding a package
(`--exclude`) changes which features the rest are built with, so that every later build
(the app, the end-to-end test) compiles hundreds of crates again. Here every build of `make
test` selects the whole workspace, and the choice of what to run is made afterwards.
Doc tests are not binaries: `cargo test --doc` runs them.
"""
import json
import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed


def build(list_path, cargo_args):
    cargo = os.environ.get("CARGO", "cargo")
    cmd = [cargo, "test", "--no-run", "--message-format=json-render-diagnostics"] + cargo_args
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    binaries = []
    for line in proc.stdout:
        try:
            msg = json.loads(line)
        except ValueError:
            sys.stdout.write(line)
            continue
        if msg.get("reason") == "compiler-message":
            rendered = msg.get("message", {}).get("rendered")
            if rendered:
                sys.stderr.write(rendered)
        if msg.get("reason") != "compiler-artifact" or not msg.get("executable"):
            continue
        if not msg.get("profile", {}).get("test"):
            continue
        target = msg["target"]
        # Benches are built to be linted (`--all-targets`, as `cargo clippy` checks them);
        # `make bench` runs them.
        if "bench" in target["kind"]:
            continue
        binaries.append({
            "path": msg["executable"],
            "package": package_name(msg["package_id"]),
            "dir": os.path.dirname(msg["manifest_path"]),
            "target": target["name"],
            "kind": target["kind"][0],
            "src": os.path.relpath(target["src_path"], os.path.dirname(msg["manifest_path"])),
        })
    if proc.wait() != 0:
        sys.exit(proc.returncode)
    with open(list_path, "w") as f:
        json.dump(binaries, f, indent=1)
    print(f"tests: {len(binaries)} test binaries built", file=sys.stderr)


def package_name(package_id):
    # "path+file:///x/src-tauri#tweevoud-app@0.1.0" or "registry+...#name@1.0" or the older
    # "name 0.1.0 (path+file:///x)".
    m = re.search(r"#([^@]+)@", package_id)
    if m:
        return m.group(1)
    m = re.search(r"/([^/#]+)#[0-9]", package_id)
    if m:
        return m.group(1)
    return package_id.split(" ")[0]


COUNTS = re.compile(r"test result: (\w+)\. (\d+) passed; (\d+) failed; (\d+) ignored")


def run_one(binary, test_args):
    started = time.monotonic()
    proc = subprocess.run([binary["path"]] + test_args, cwd=binary["dir"],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = proc.stdout.decode("utf-8", "replace")
    passed = failed = ignored = 0
    for m in COUNTS.finditer(out):
        passed += int(m.group(2))
        failed += int(m.group(3))
        ignored += int(m.group(4))
    return proc.returncode, time.monotonic() - started, out, (passed, failed, ignored)


def run(list_path, jobs, packages, skip, test_args):
    with open(list_path) as f:
        binaries = json.load(f)
    chosen = [b for b in binaries
              if (not packages or b["package"] in packages) and b["package"] not in skip]
    if not chosen:
        print("tests: no test binary was chosen", file=sys.stderr)
        return 1
    # The longest first (one binary that starts last and runs long would leave the other
    # cores idle at the end), by the times of the last run here, else by those of a quiet run
    # kept next to this script (a new binary, unknown to both, goes last).
    times_path = os.path.join(os.path.dirname(list_path), "test-times.json")
    last = {}
    for path in (os.path.join(os.path.dirname(os.path.abspath(__file__)), "test-times.json"),
                 times_path):
        try:
            with open(path) as f:
                last.update(json.load(f))
        except (OSError, ValueError):
            pass
    key = lambda b: f'{b["package"]} {b["src"]}'
    chosen.sort(key=lambda b: -last.get(key(b), 0.0))
    failures = []
    totals = [0, 0, 0]
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(run_one, b, test_args): b for b in chosen}
        for fut in as_completed(futures):
            b = futures[fut]
            code, took, out, counts = fut.result()
            last[key(b)] = round(took, 2)
            for i in range(3):
                totals[i] += counts[i]
            status = "ok" if code == 0 else f"FAILED (exit {code})"
            print(f"{took:7.1f} s  {status:6}  {b['package']} {b['src']}  "
                  f"({counts[0]} passed, {counts[1]} failed, {counts[2]} ignored)", flush=True)
            if code != 0:
                failures.append(b)
                print(out, flush=True)
    try:
        with open(times_path, "w") as f:
            json.dump(last, f, indent=1, sort_keys=True)
    except OSError:
        pass
    print(f"tests: {len(chosen)} binaries, {totals[0]} passed, {totals[1]} failed, "
          f"{totals[2]} ignored in {time.monotonic() - started:.1f} s", flush=True)
    for b in failures:
        print(f"tests: FAILED {b['package']} {b['src']}", flush=True)
    return 1 if failures else 0


def main(argv):
    if len(argv) < 2 or argv[0] not in ("build", "run"):
        print(__doc__, file=sys.stderr)
        return 2
    verb, list_path, rest = argv[0], argv[1], argv[2:]
    extra = []
    if "--" in rest:
        i = rest.index("--")
        rest, extra = rest[:i], rest[i + 1:]
    if verb == "build":
        if rest:
            print(f"tests: unknown arguments {rest}", file=sys.stderr)
            return 2
        build(list_path, extra)
        return 0
    jobs = os.cpu_count() or 1
    packages, skip = set(), set()
    it = iter(rest)
    for arg in it:
        if arg == "--jobs":
            jobs = int(next(it))
        elif arg == "--package":
            packages.add(next(it))
        elif arg == "--skip-package":
            skip.add(next(it))
        else:
            print(f"tests: unknown argument {arg}", file=sys.stderr)
            return 2
    return run(list_path, jobs, packages, skip, extra)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
