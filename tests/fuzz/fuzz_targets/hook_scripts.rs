//! Random Rhai source run as hooks in the sandbox: compiled, then its first
//! functions called, each within the time limit.
#![no_main]

#[path = "../harness.rs"]
mod harness;

/// Counts the bytes the process holds, as the `guidetree` binary does, so
/// calls are held to `script::MAX_CALL_MEMORY` here too.
#[global_allocator]
static ALLOCATOR: cap::Cap<std::alloc::System> = cap::Cap::new(std::alloc::System, usize::MAX);

libfuzzer_sys::fuzz_target!(
    init: {
        guidetree::script::set_memory_probe(|| ALLOCATOR.allocated());
    },
    |data: &[u8]| harness::hook_scripts(data)
);
