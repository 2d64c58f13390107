//! Helpers shared by the domain's tests.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::identity::ParseError;

/// `as_str`, `FromStr` and serde must agree on every variant's name, or the database and the
/// API would disagree; and an unknown name must be refused.
pub(crate) fn assert_names_round_trip<T>(all: &[T], as_str: fn(T) -> &'static str)
where
    T: Copy + fmt::Debug + PartialEq + FromStr<Err = ParseError> + Serialize,
    T: for<'de> Deserialize<'de>,
{
    for &variant in all {
        let name = as_str(variant);
        assert_eq!(name.parse::<T>(), Ok(variant));
        let json = serde_json::to_string(&variant).unwrap();
        assert_eq!(json, format!("\"{name}\""));
        assert_eq!(serde_json::from_str::<T>(&json).unwrap(), variant);
    }
    assert!("nope".parse::<T>().is_err());
}
