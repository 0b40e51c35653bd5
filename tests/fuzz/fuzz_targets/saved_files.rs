//! Answers files (JSON and TOML) and saved sessions: parsed, then applied
//! to a real tree.
#![no_main]

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::saved_files(data));
