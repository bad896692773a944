//! Phone numbers to E.164.

use crate::error::ValidationError;

/// Normalizes a phone number to E.164 (`+14155550100`).
///
/// Accepts spaces, dashes, dots and parentheses, a leading `+` or international `00`, and a
/// 10-digit number (taken as US/Canada `+1`, as the API docs say). `field` names the parameter in
/// the error.
pub fn normalize_e164(field: &str, input: &str) -> Result<String, ValidationError> {
    let trimmed = input.trim();
    let fail =
        |why: &str| ValidationError::new(field, format!("{why}; expected an E.164 phone number like +14155550100 (got {trimmed:?})"));
    if trimmed.is_empty() {
        return Err(fail("empty"));
    }
    let (international, rest) = match trimmed.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => match trimmed.strip_prefix("00") {
            Some(rest) => (true, rest),
            None => (false, trimmed),
        },
    };
    let mut digits = String::with_capacity(rest.len());
    for c in rest.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '-' | '.' | '(' | ')' | '\u{a0}' => {}
            other => return Err(fail(&format!("unexpected character {other:?}"))),
        }
    }
    let e164 = if international {
        digits
    } else {
        match digits.len() {
            10 => format!("1{digits}"),
            11 if digits.starts_with('1') => digits,
            _ => return Err(fail("without a leading +, only 10-digit US numbers are accepted")),
        }
    };
    if e164.starts_with('0') {
        return Err(fail("country codes do not start with 0"));
    }
    if !(8..=15).contains(&e164.len()) {
        return Err(fail("E.164 numbers have 8 to 15 digits"));
    }
    Ok(format!("+{e164}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_formats() {
        for input in ["+14155550100", "(415) 555-0100", "415.555.0100", "1-415-555-0100", "0014155550100", " +1 415 555 0100 "] {
            assert_eq!(normalize_e164("to_number", input).as_deref(), Ok("+14155550100"), "{input}");
        }
        assert_eq!(normalize_e164("to", "+44 20 7946 0958").as_deref(), Ok("+442079460958"));
    }

    #[test]
    fn clear_errors() {
        let err = normalize_e164("to_number", "555-0100").unwrap_err();
        assert_eq!(err.field, "to_number");
        assert!(err.problem.contains("10-digit"), "{}", err.problem);
        assert!(normalize_e164("to_number", "+1415555010x").unwrap_err().problem.contains("'x'"));
        assert!(normalize_e164("to_number", "").is_err());
        assert!(normalize_e164("to_number", "+1234567890123456").is_err());
        assert!(normalize_e164("to_number", "+0123456789").is_err());
    }
}
