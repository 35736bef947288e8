//! The allocator's one setting: memory freed goes back to the system at once.
//!
//! mimalloc keeps freed pages for 10 ms before returning them, so that a program that frees and
//! allocates again soon does not pay for it twice. An import frees every chunk on one thread
//! while others allocate the next ones, and the pages waiting out their delay added 50–70 MiB
//! to its peak memory (measured with `MIMALLOC_PURGE_DELAY=0`: 187 MiB instead of 230–255 MiB,
//! at the same speed); the memory budget is 256 MiB.

/// `mi_option_purge_delay` in the `mi_option_t` of the mimalloc that `libmimalloc-sys` bundles
/// (v3; the same number in v2).
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Sets the purge delay to 0, unless `MIMALLOC_PURGE_DELAY` says otherwise.
pub(crate) fn return_freed_memory_at_once() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
        return;
    }
    // SAFETY: `mi_option_set` takes an option number and a value, touches only mimalloc's
    // option table, and may be called at any time; `PURGE_DELAY` is a valid option number for
    // the bundled mimalloc, and 0 a valid delay.
    #[allow(unsafe_code)]
    unsafe {
        libmimalloc_sys::mi_option_set(PURGE_DELAY, 0);
    }
}
