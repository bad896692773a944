//! Client-side checks that the argument checker (`arguments.rs`) applies with the table's limits.
//! Each failure names the parameter and what was allowed.

use std::fmt::Display;

use crate::error::ValidationError;

/// A number within `min..=max` (either bound optional).
pub fn range<T: PartialOrd + Display + Copy>(field: &str, value: T, min: Option<T>, max: Option<T>) -> Result<(), ValidationError> {
    let below = min.is_some_and(|min| value < min);
    let above = max.is_some_and(|max| value > max);
    if below || above {
        return Err(ValidationError::new(field, format!("{value} is out of range; allowed: {}", bounds(min, max))));
    }
    Ok(())
}

/// A float must also be a real number.
pub fn float_range(field: &str, value: f64, min: Option<f64>, max: Option<f64>) -> Result<(), ValidationError> {
    if !value.is_finite() {
        return Err(ValidationError::new(field, format!("{value} is not a finite number")));
    }
    range(field, value, min, max)
}

/// A string's length in characters.
pub fn str_len(field: &str, value: &str, min: Option<usize>, max: Option<usize>) -> Result<(), ValidationError> {
    let len = value.chars().count();
    if min.is_some_and(|min| len < min) || max.is_some_and(|max| len > max) {
        let what = if len == 0 { "empty".to_owned() } else { format!("{len} characters long") };
        return Err(ValidationError::new(field, format!("is {what}; allowed length: {}", bounds(min, max))));
    }
    Ok(())
}

/// A list's number of items.
pub fn list_len(field: &str, len: usize, min: Option<usize>, max: Option<usize>) -> Result<(), ValidationError> {
    if min.is_some_and(|min| len < min) || max.is_some_and(|max| len > max) {
        return Err(ValidationError::new(field, format!("has {len} items; allowed: {}", bounds(min, max))));
    }
    Ok(())
}

/// A value of an enum the server validates strictly must be one it knows.
pub fn known_value(field: &str, value: &str, is_known: bool, known: &[&str]) -> Result<(), ValidationError> {
    if is_known {
        return Ok(());
    }
    Err(ValidationError::new(field, format!("{value:?} is not allowed; expected one of: {}", known.join(", "))))
}

/// Exactly one of a group of alternative parameters is set.
pub fn exactly_one(given: &[bool], names: &[&str]) -> Result<(), ValidationError> {
    let count = given.iter().filter(|g| **g).count();
    if count == 1 {
        return Ok(());
    }
    let what = if count == 0 { "none was given" } else { "more than one was given" };
    Err(ValidationError::new(names.join(" | "), format!("give exactly one of {}; {what}", names.join(", "))))
}

/// Parameters that exclude each other: at most one of them may be given.
pub fn at_most_one(given: &[bool], names: &[&str]) -> Result<(), ValidationError> {
    let chosen: Vec<&str> = names.iter().zip(given).filter(|(_, given)| **given).map(|(name, _)| *name).collect();
    if chosen.len() <= 1 {
        return Ok(());
    }
    Err(ValidationError::new(
        chosen.join(" | "),
        format!("{} exclude each other: give at most one of {}", chosen.join(" and "), names.join(", ")),
    ))
}

/// An HTTPS URL; plain `http` only to a loopback host (the local sandbox and test receivers).
pub fn url(field: &str, value: &str) -> Result<(), ValidationError> {
    let parsed =
        url::Url::parse(value).map_err(|e| ValidationError::new(field, format!("{value:?} is not a URL ({e}); expected https://...")))?;
    match parsed.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(&parsed) => Ok(()),
        other => Err(ValidationError::new(
            field,
            format!("scheme {other:?} is not allowed; expected an https:// URL (http:// only to localhost)"),
        )),
    }
}

/// A path parameter: an id, never empty.
pub fn path_param(field: &str, value: &str) -> Result<(), ValidationError> {
    if value.trim().is_empty() {
        return Err(ValidationError::new(field, "is empty; expected an id"));
    }
    // URL parsers resolve these (even percent-encoded) and the request would hit another route.
    if matches!(value, "." | "..") {
        return Err(ValidationError::new(field, format!("{value:?} is not an id")));
    }
    Ok(())
}

pub(crate) fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

fn bounds<T: Display>(min: Option<T>, max: Option<T>) -> String {
    match (min, max) {
        (Some(min), Some(max)) => format!("{min} to {max}"),
        (Some(min), None) => format!("at least {min}"),
        (None, Some(max)) => format!("at most {max}"),
        (None, None) => "any".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_field_and_allowed_range() {
        let err = range("limit", 500, Some(1), Some(100)).unwrap_err();
        assert_eq!(err.to_string(), "invalid `limit`: 500 is out of range; allowed: 1 to 100");
        assert!(float_range("voice_speed", f64::NAN, Some(0.5), Some(2.0)).is_err());
        assert!(str_len("name", "", Some(1), None).unwrap_err().problem.contains("empty"));
        assert!(list_len("media_urls", 21, None, Some(20)).unwrap_err().problem.contains("at most 20"));
        let err = known_value("voice_mode", "robot", false, &["webhook", "hosted"]).unwrap_err();
        assert!(err.problem.contains("webhook, hosted"));
    }

    #[test]
    fn urls() {
        assert!(url("url", "https://example.com/hook").is_ok());
        assert!(url("url", "http://127.0.0.1:8080/hook").is_ok());
        assert!(url("url", "http://localhost/hook").is_ok());
        assert!(url("url", "http://example.com/hook").is_err());
        assert!(url("url", "not a url").is_err());
    }
}
