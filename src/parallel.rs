//! Independent work side by side: on two threads where the machine has more than one core,
//! one after the other where it has one, or no threads at all (WebAssembly in a browser).
//! One code path for both: only [`join`] knows which it is.

/// Runs `a` and `b` and gives both results: `b` on a thread of its own while `a` runs here,
/// when the machine has cores to spare (native targets only); else `a`, then `b`. A panic in
/// either is raised again here.
pub(crate) fn join<A, B>(a: impl FnOnce() -> A, b: impl FnOnce() -> B + Send) -> (A, B)
where
    B: Send,
{
    #[cfg(not(target_arch = "wasm32"))]
    if cores() > 1 {
        return std::thread::scope(|scope| {
            let other = scope.spawn(b);
            let first = a();
            let second = other
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (first, second)
        });
    }
    (a(), b())
}

/// How many cores this process may use (asked once: the answer reads the system's files).
#[cfg(not(target_arch = "wasm32"))]
fn cores() -> usize {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}
