//! Running the real binary on a hostile input in a child process held to a CPU-time and a
//! memory limit (bash's `ulimit`), and reading back the CPU time it used: the worst-case
//! tests of every reader (`docs/format.md`, "Limits") are judged by this, not by a wall clock.

use std::ffi::OsStr;
use std::path::Path;
use std::process::Command;

/// What a limited run did.
#[derive(Debug)]
pub struct Limited {
    /// The exit code, or `None` when a signal ended it (SIGXCPU past the CPU limit, SIGKILL).
    pub code: Option<i32>,
    /// User + system CPU seconds the child used (as bash's `times` reports its children).
    pub cpu_seconds: f64,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `program args` with at most `cpu_seconds` of CPU time (then SIGXCPU / SIGKILL) and
/// `memory_mib` MiB of address space, in `dir`, with `envs` added to the environment.
pub fn run_limited(
    program: &Path,
    args: &[&OsStr],
    envs: &[(&str, &OsStr)],
    dir: &Path,
    cpu_seconds: u64,
    memory_mib: u64,
) -> Limited {
    // `times` prints two lines: the shell's own, then its children's `Xm Y.YYYs Xm Y.YYYs`.
    let script = format!(
        "ulimit -t {cpu_seconds}; ulimit -v {}; \"$@\" </dev/null; rc=$?; times >&2; exit $rc",
        memory_mib * 1024
    );
    let mut cmd = Command::new("bash");
    cmd.arg("-c").arg(script).arg("limited").arg(program);
    cmd.args(args).current_dir(dir);
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("bash runs");
    let mut stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let times_line = stderr.lines().last().unwrap_or("").to_string();
    let cpu_seconds = times_line
        .split_whitespace()
        .map(parse_minutes_seconds)
        .sum::<f64>();
    if let Some(cut) = stderr.trim_end().rfind('\n') {
        // Drop the two `times` lines from what the program said.
        let head = &stderr[..cut];
        let cut2 = head.rfind('\n').map_or(0, |i| i + 1);
        stderr = stderr[..cut2].to_string();
    }
    // bash reports a child killed by a signal as 128 + the signal.
    let code = out.status.code().filter(|c| *c < 128);
    Limited {
        code,
        cpu_seconds,
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr,
    }
}

/// `1m2.345s` -> 62.345.
fn parse_minutes_seconds(field: &str) -> f64 {
    let Some((m, s)) = field.strip_suffix('s').and_then(|f| f.split_once('m')) else {
        return 0.0;
    };
    m.parse::<f64>().unwrap_or(0.0) * 60.0 + s.parse::<f64>().unwrap_or(0.0)
}
