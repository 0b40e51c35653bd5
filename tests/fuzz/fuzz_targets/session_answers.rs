//! Valid trees driven by arbitrary answers, `back` and `restart`.
#![no_main]

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::session_answers(data));
