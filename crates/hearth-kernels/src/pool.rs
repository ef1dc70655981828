//! One persistent pool of threads for every kernel of a forward pass.
//!
//! The calling thread takes part as thread 0, so a pool of `n` threads starts `n - 1`
//! workers, once. Between jobs a worker spins for a short while (the next matmul of a
//! token usually follows within microseconds) and then sleeps on a condition variable, so
//! an idle app burns no CPU. Nothing is allocated or started per call.
//!
//! The caller never waits for a worker that has not started: once the caller has done its
//! part (every item is then claimed), the job closes, and it waits only for the workers that
//! joined it while it was open. On a laptop the cores are shared with the webview and other
//! apps; a worker that the OS has not scheduled yet would otherwise hold up every matmul until
//! its next time slice (with one busy core beside it, two threads replied slower than one).

use std::cell::{Cell, UnsafeCell};
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// How long an idle worker spins before it sleeps.
const SPIN: Duration = Duration::from_micros(100);

type Job = dyn Fn() + Sync;

/// `Shared::state`: the job's generation in the high 32 bits, then whether it is closed to
/// new workers, then how many workers are running it.
const GENERATION: u64 = 1 << 32;
const CLOSED: u64 = 1 << 31;
const RUNNING: u64 = CLOSED - 1;

struct Shared {
    /// The current job, its lifetime erased: `run` does not return before every worker that
    /// joined it is done with it.
    job: UnsafeCell<Option<*const Job>>,
    state: AtomicU64,
    panicked: AtomicBool,
    /// Set when the pool is dropped: the workers end.
    stop: AtomicBool,
    sleepers: AtomicUsize,
    sleep: Mutex<()>,
    wake: Condvar,
}

// The job pointer is written only by the thread holding `Pool::caller`, before the new
// generation is published, and read by a worker only after it joined that generation.
unsafe impl Sync for Shared {}
unsafe impl Send for Shared {}

pub struct Pool {
    threads: usize,
    shared: Arc<Shared>,
    caller: Mutex<()>,
}

thread_local! {
    /// Set on pool threads while they run a job, so a kernel called from inside a job runs
    /// inline instead of waiting on the pool it is part of.
    static INSIDE: Cell<bool> = const { Cell::new(false) };
}

impl Pool {
    /// A pool of `threads` threads in all, the caller included.
    pub fn new(threads: usize) -> Pool {
        let threads = threads.max(1);
        let shared = Arc::new(Shared {
            job: UnsafeCell::new(None),
            state: AtomicU64::new(CLOSED),
            panicked: AtomicBool::new(false),
            stop: AtomicBool::new(false),
            sleepers: AtomicUsize::new(0),
            sleep: Mutex::new(()),
            wake: Condvar::new(),
        });
        for index in 1..threads {
            let shared = Arc::clone(&shared);
            std::thread::Builder::new()
                .name(format!("hearth-kernel-{index}"))
                .spawn(move || worker(&shared))
                .expect("the OS refused to start a kernel thread");
        }
        Pool {
            threads,
            shared,
            caller: Mutex::new(()),
        }
    }

    pub fn threads(&self) -> usize {
        self.threads
    }

    /// Runs `job` on the caller and on every worker that joins before the caller's own run
    /// returns, and returns when all of them are done. The job must share its work out itself
    /// (see `for_each`), so that the caller alone can do all of it.
    fn run(&self, job: &(dyn Fn() + Sync)) {
        if self.threads == 1 || INSIDE.get() {
            return job();
        }
        let _turn = self.caller.lock().unwrap_or_else(|e| e.into_inner());
        let shared = &*self.shared;
        // SAFETY: only the erased lifetime changes; no worker uses the pointer after the wait
        // below, which ends only when every worker that joined is done.
        let job_ptr =
            unsafe { std::mem::transmute::<*const (dyn Fn() + Sync + '_), *const Job>(job) };
        unsafe { *shared.job.get() = Some(job_ptr) };
        shared.panicked.store(false, Ordering::Relaxed);
        let generation =
            (shared.state.load(Ordering::Relaxed) & !(CLOSED | RUNNING)).wrapping_add(GENERATION);
        // SeqCst with the `sleepers` handshake: either we see a sleeper, or it sees this job.
        shared.state.store(generation, Ordering::SeqCst);
        if shared.sleepers.load(Ordering::SeqCst) > 0 {
            let _guard = shared.sleep.lock().unwrap_or_else(|e| e.into_inner());
            shared.wake.notify_all();
        }
        INSIDE.set(true);
        let mine = catch_unwind(AssertUnwindSafe(job));
        INSIDE.set(false);
        let mut state = shared.state.fetch_or(CLOSED, Ordering::AcqRel);
        let mut spins = 0u32;
        while state & RUNNING != 0 {
            spins = spins.saturating_add(1);
            if spins < 1 << 16 {
                std::hint::spin_loop();
            } else {
                std::thread::yield_now();
            }
            state = shared.state.load(Ordering::Acquire);
        }
        if let Err(panic) = mine {
            resume_unwind(panic);
        }
        if shared.panicked.load(Ordering::Relaxed) {
            panic!("a kernel thread panicked");
        }
    }

    /// Runs `work(item)` for every item in `0..items`, the items claimed in turn by the
    /// pool's threads.
    pub fn for_each(&self, items: usize, work: impl Fn(usize) + Sync) {
        if items == 1 || self.threads == 1 {
            return (0..items).for_each(work);
        }
        let next = AtomicUsize::new(0);
        self.run(&|| loop {
            let item = next.fetch_add(1, Ordering::Relaxed);
            if item >= items {
                break;
            }
            work(item);
        });
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        self.shared
            .state
            .fetch_add(GENERATION | CLOSED, Ordering::SeqCst);
        let _guard = self.shared.sleep.lock().unwrap_or_else(|e| e.into_inner());
        self.shared.wake.notify_all();
    }
}

fn worker(shared: &Shared) {
    INSIDE.set(true);
    let mut seen = shared.state.load(Ordering::Acquire) >> 32;
    loop {
        seen = wait_for_job(shared, seen);
        if shared.stop.load(Ordering::SeqCst) {
            return;
        }
        if !join(shared, seen) {
            continue;
        }
        // SAFETY: published before the generation that this worker joined; the caller keeps
        // the job alive until every worker that joined has left.
        let job = unsafe { (*shared.job.get()).expect("a job is published with its generation") };
        if catch_unwind(AssertUnwindSafe(|| unsafe { (*job)() })).is_err() {
            shared.panicked.store(true, Ordering::Relaxed);
        }
        shared.state.fetch_sub(1, Ordering::Release);
    }
}

/// Counts this worker in on `generation`'s job, unless it has closed (or moved on) already.
fn join(shared: &Shared, generation: u64) -> bool {
    let mut state = shared.state.load(Ordering::Acquire);
    loop {
        if state >> 32 != generation || state & CLOSED != 0 {
            return false;
        }
        match shared.state.compare_exchange_weak(
            state,
            state + 1,
            Ordering::AcqRel,
            Ordering::Acquire,
        ) {
            Ok(_) => return true,
            Err(now) => state = now,
        }
    }
}

/// Waits until the generation moves past `seen` and returns the new one.
fn wait_for_job(shared: &Shared, seen: u64) -> u64 {
    let generation = || shared.state.load(Ordering::SeqCst) >> 32;
    let started = Instant::now();
    let mut spins = 0u32;
    loop {
        let now = generation();
        if now != seen {
            return now;
        }
        spins += 1;
        if !spins.is_multiple_of(64) || started.elapsed() < SPIN {
            std::hint::spin_loop();
            continue;
        }
        let guard = shared.sleep.lock().unwrap_or_else(|e| e.into_inner());
        shared.sleepers.fetch_add(1, Ordering::SeqCst);
        let guard = shared
            .wake
            .wait_while(guard, |_| generation() == seen)
            .unwrap_or_else(|e| e.into_inner());
        shared.sleepers.fetch_sub(1, Ordering::SeqCst);
        drop(guard);
        spins = 0;
    }
}

/// The pool the engine uses: `configured_threads()` threads.
pub fn global() -> &'static Pool {
    static POOL: OnceLock<Pool> = OnceLock::new();
    POOL.get_or_init(|| Pool::new(configured_threads()))
}

/// One thread per physical core, or `HEARTH_THREADS`; read without starting the pool.
pub fn configured_threads() -> usize {
    std::env::var("HEARTH_THREADS")
        .ok()
        .and_then(|t| t.parse().ok())
        .unwrap_or_else(num_cpus::get_physical)
        .max(1)
}

/// A pointer that the pool's threads may share because each writes a part no other thread
/// touches.
#[derive(Clone, Copy)]
pub(crate) struct SharedMut<T>(pub(crate) *mut T);
unsafe impl<T> Sync for SharedMut<T> {}
unsafe impl<T> Send for SharedMut<T> {}

impl<T> SharedMut<T> {
    pub(crate) fn get(&self) -> *mut T {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_item_runs_once_across_many_jobs_and_nested_calls_run_inline() {
        let pool = Pool::new(3);
        for items in [0, 1, 2, 7, 1000] {
            let counts: Vec<AtomicUsize> = (0..items).map(|_| AtomicUsize::new(0)).collect();
            pool.for_each(items, |i| {
                counts[i].fetch_add(1, Ordering::Relaxed);
                // A kernel called from inside a job must not wait on its own pool.
                pool.for_each(2, |_| {});
            });
            assert!(
                counts.iter().all(|c| c.load(Ordering::Relaxed) == 1),
                "{items} items"
            );
        }
    }

    #[test]
    fn a_panic_in_a_job_reaches_the_caller_and_the_pool_still_works() {
        let pool = Pool::new(2);
        let caught = catch_unwind(AssertUnwindSafe(|| pool.for_each(64, |i| assert!(i != 40))));
        assert!(caught.is_err());
        let sum = AtomicUsize::new(0);
        pool.for_each(10, |i| {
            sum.fetch_add(i, Ordering::Relaxed);
        });
        assert_eq!(sum.load(Ordering::Relaxed), 45);
    }
}
