//! Hearth: the engine's loop runs on a thread of a rayon pool of its own.
//!
//! candle's small CPU ops (RMSNorm, RoPE, softmax) are rayon `par_chunks` calls. Made from a
//! plain thread, each one is handed to rayon's global pool and waited for on a lock, even when
//! it is one row: about 390 thread hand-offs per generated token. Made from a rayon thread, a
//! one-row op runs inline, and larger ones still split across the pool.

/// Runs `work` on a thread of a new rayon pool sized like Hearth's kernel pool (without
/// starting that pool, which other CPUs than x86-64 do not use), and returns when it is done;
/// on the calling thread if the pool cannot be started. At least two threads: a batch of
/// sequences samples through `tokio_rayon::spawn` on this pool while the loop waits for it.
pub(crate) fn on_rayon_thread(work: impl FnOnce() + Send) {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(hearth_kernels::pool::configured_threads().max(2))
        .thread_name(|i| format!("mistralrs-engine-{i}"))
        .build();
    match pool {
        Ok(pool) => pool.install(work),
        Err(_) => work(),
    }
}
