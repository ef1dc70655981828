//! One persistent pool of threads for every kernel of a forward pass.
//!
//! The calling thread takes part as thread 0, so a pool of `n` threads starts `n - 1`
//! workers, once. Between jobs a worker spins for a short while (the next matmul of a
//! token usually follows within microseconds) and then sleeps on a condition variable, so
//! an idle app burns no CPU. Nothing is allocated or started per call.

use std::cell::{Cell, UnsafeCell};
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// How long an idle worker spins before it sleeps.
const SPIN: Duration = Duration::from_micros(100);

type Job = dyn Fn(usize) + Sync;

struct Shared {
    /// The current job, its lifetime erased: `run` does not return before every worker is
    /// done with it.
    job: UnsafeCell<Option<*const Job>>,
    generation: AtomicUsize,
    pending: AtomicUsize,
    panicked: AtomicBool,
    /// Set when the pool is dropped: the workers end.
    stop: AtomicBool,
    sleepers: AtomicUsize,
    sleep: Mutex<()>,
    wake: Condvar,
}

// The job pointer is written only by the thread holding `Pool::caller`, before the
// generation is published, and read by workers only after they see that generation.
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
            generation: AtomicUsize::new(0),
            pending: AtomicUsize::new(0),
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
                .spawn(move || worker(&shared, index))
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

    /// Calls `job(i)` once on each thread `i` of the pool and returns when all are done.
    /// A job shares its work out itself (see `for_each`), so that on a pool of one, or when
    /// called from inside a job, `job(0)` alone does all of it.
    pub fn run(&self, job: &(dyn Fn(usize) + Sync)) {
        if self.threads == 1 || INSIDE.get() {
            return job(0);
        }
        let _turn = self.caller.lock().unwrap_or_else(|e| e.into_inner());
        let shared = &*self.shared;
        // SAFETY: only the erased lifetime changes; the pointer is dropped from the slot's use
        // before this function returns, as the wait below ensures.
        let job_ptr =
            unsafe { std::mem::transmute::<*const (dyn Fn(usize) + Sync + '_), *const Job>(job) };
        unsafe { *shared.job.get() = Some(job_ptr) };
        shared.panicked.store(false, Ordering::Relaxed);
        shared.pending.store(self.threads - 1, Ordering::Relaxed);
        // SeqCst with the `sleepers` handshake: either we see a sleeper, or it sees this job.
        shared.generation.fetch_add(1, Ordering::SeqCst);
        if shared.sleepers.load(Ordering::SeqCst) > 0 {
            let _guard = shared.sleep.lock().unwrap_or_else(|e| e.into_inner());
            shared.wake.notify_all();
        }
        INSIDE.set(true);
        let mine = catch_unwind(AssertUnwindSafe(|| job(0)));
        INSIDE.set(false);
        let mut spins = 0u32;
        while shared.pending.load(Ordering::Acquire) != 0 {
            spins = spins.saturating_add(1);
            if spins < 1 << 16 {
                std::hint::spin_loop();
            } else {
                std::thread::yield_now();
            }
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
        self.run(&|_| loop {
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
        self.shared.generation.fetch_add(1, Ordering::SeqCst);
        let _guard = self.shared.sleep.lock().unwrap_or_else(|e| e.into_inner());
        self.shared.wake.notify_all();
    }
}

fn worker(shared: &Shared, index: usize) {
    INSIDE.set(true);
    let mut seen = 0;
    loop {
        seen = wait_for_job(shared, seen);
        if shared.stop.load(Ordering::SeqCst) {
            return;
        }
        // SAFETY: published before `generation` (Release) and seen after it (Acquire); the
        // caller keeps the job alive until `pending` reaches zero.
        let job = unsafe { (*shared.job.get()).expect("a job is published with its generation") };
        if catch_unwind(AssertUnwindSafe(|| unsafe { (*job)(index) })).is_err() {
            shared.panicked.store(true, Ordering::Relaxed);
        }
        shared.pending.fetch_sub(1, Ordering::Release);
    }
}

/// Waits until the generation moves past `seen` and returns the new one.
fn wait_for_job(shared: &Shared, seen: usize) -> usize {
    let started = Instant::now();
    let mut spins = 0u32;
    loop {
        let now = shared.generation.load(Ordering::Acquire);
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
            .wait_while(guard, |_| shared.generation.load(Ordering::SeqCst) == seen)
            .unwrap_or_else(|e| e.into_inner());
        shared.sleepers.fetch_sub(1, Ordering::SeqCst);
        drop(guard);
        spins = 0;
    }
}

/// The pool the engine uses: one thread per physical core, or `HEARTH_THREADS`.
pub fn global() -> &'static Pool {
    static POOL: OnceLock<Pool> = OnceLock::new();
    POOL.get_or_init(|| {
        let threads = std::env::var("HEARTH_THREADS")
            .ok()
            .and_then(|t| t.parse().ok())
            .unwrap_or_else(num_cpus::get_physical);
        Pool::new(threads)
    })
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
