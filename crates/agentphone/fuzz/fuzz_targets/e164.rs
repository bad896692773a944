//! Phone number normalization: any text gives an E.164 number (a `+`, no leading 0, 8 to 15
//! digits) that normalizes to itself, or an error naming the field; never a panic.
#![no_main]

use agentphone::normalize_e164;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    let Ok(text) = std::str::from_utf8(input) else { return };
    match normalize_e164("to_number", text) {
        Ok(number) => {
            let digits = number.strip_prefix('+').expect("starts with +");
            assert!(digits.bytes().all(|b| b.is_ascii_digit()), "{number}");
            assert!((8..=15).contains(&digits.len()) && !digits.starts_with('0'), "{number}");
            assert_eq!(normalize_e164("to_number", &number).as_deref(), Ok(number.as_str()));
        }
        Err(error) => assert_eq!(error.field, "to_number"),
    }
});
