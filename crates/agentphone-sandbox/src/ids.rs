//! Ids: a prefix and random hex, unique across every project of the sandbox (so that an id of one
//! project can never name something in another).

pub(crate) fn new_id(prefix: &str) -> String {
    format!("{prefix}_{:016x}", fastrand::u64(..))
}

/// A webhook secret.
pub(crate) fn secret() -> String {
    format!("whsec_{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..))
}
