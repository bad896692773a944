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
        let national = match digits.len() {
            10 => digits.as_str(),
            11 if digits.starts_with('1') => &digits[1..],
            _ => return Err(fail("without a leading +, only 10-digit US numbers are accepted")),
        };
        // Completed with +1 only when it is a real NANP number: NXX-NXX-XXXX, N being 2 to 9.
        let bytes = national.as_bytes();
        if !(b'2'..=b'9').contains(&bytes[0]) || !(b'2'..=b'9').contains(&bytes[3]) {
            return Err(fail(
                "not a valid US/Canada number (area code and exchange start with 2 to 9); give it with its + and country code",
            ));
        }
        format!("1{national}")
    };
    if e164.starts_with('0') {
        return Err(fail("country codes do not start with 0"));
    }
    if !(8..=15).contains(&e164.len()) {
        return Err(fail("E.164 numbers have 8 to 15 digits"));
    }
    Ok(format!("+{e164}"))
}

/// Whom a message goes to: a `grp_` group id, an email address (iMessage) and a short code (5 or
/// 6 digits) go as they are; anything else must be a phone number, sent in E.164.
pub(crate) fn recipient(field: &str, input: &str) -> Result<String, ValidationError> {
    let trimmed = input.trim();
    let short_code = (5..=6).contains(&trimmed.len()) && trimmed.bytes().all(|b| b.is_ascii_digit());
    if trimmed.starts_with("grp_") || short_code || (trimmed.contains('@') && !trimmed.contains(char::is_whitespace)) {
        return Ok(trimmed.to_owned());
    }
    normalize_e164(field, trimmed)
        .map_err(|e| ValidationError::new(field, format!("{}; or a short code, an email address (iMessage) or a grp_ group id", e.problem)))
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

    #[test]
    fn national_numbers_are_completed_only_when_they_are_nanp() {
        for bad in ["0415555010", "1415555010", "4150555010", "415-555-010", "4155550100x", "41555501001234567"] {
            assert_eq!(normalize_e164("to_number", bad).map_err(|e| e.field), Err("to_number".to_owned()), "{bad}");
        }
        assert_eq!(normalize_e164("to", "212 555 0190").as_deref(), Ok("+12125550190"));
    }

    #[test]
    fn recipients_are_phone_numbers_unless_they_are_something_else() {
        assert_eq!(recipient("to_number", "(415) 555-0100").as_deref(), Ok("+14155550100"));
        for as_is in ["grp_1", "ava@example.com", "72345", "898211"] {
            assert_eq!(recipient("to_number", as_is).as_deref(), Ok(as_is));
        }
        for bad in ["415-555-010", "4155550100x", "12345678901234567", "0415555010"] {
            assert_eq!(recipient("to_number", bad).map_err(|e| e.field), Err("to_number".to_owned()), "{bad}");
        }
    }
}
