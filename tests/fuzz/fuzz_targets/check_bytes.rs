//! Arbitrary bytes as a tree, an include file and a hook script.
#![no_main]

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::check_bytes(data));
