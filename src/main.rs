/// Counts the bytes the program holds, so that a hook call can be held to
/// `script::MAX_CALL_MEMORY` (there is no limit on the program as a whole).
#[global_allocator]
static ALLOCATOR: cap::Cap<std::alloc::System> = cap::Cap::new(std::alloc::System, usize::MAX);

fn main() {
    guidetree::script::set_memory_probe(|| ALLOCATOR.allocated());
    std::process::exit(guidetree::cli::main());
}
