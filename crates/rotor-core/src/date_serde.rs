//! Serde helpers for configuration dates: a date may be written as a string
//! (`"2013-01-01"`) or, in TOML, as a date literal (`2013-01-01`), which TOML
//! deserialisers hand over as a one-entry map. Anything else is an error that says what
//! was expected. Use with `#[serde(deserialize_with = "rotor_core::date_serde::date")]`
//! (or `opt_date` for `Option<NaiveDate>`, together with `#[serde(default)]`).

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer};
use std::collections::BTreeMap;

#[derive(Deserialize)]
#[serde(untagged)]
enum Repr {
    Text(String),
    Literal(BTreeMap<String, String>),
}

fn to_date<E: serde::de::Error>(r: Repr) -> Result<NaiveDate, E> {
    let s = match r {
        Repr::Text(s) => s,
        Repr::Literal(m) if m.len() == 1 => m.into_values().next().unwrap_or_default(),
        Repr::Literal(_) => String::new(),
    };
    NaiveDate::parse_from_str(&s, "%Y-%m-%d")
        .map_err(|_| E::custom(format!("expected a date YYYY-MM-DD, found `{s}`")))
}

/// A date from a string or a TOML date literal.
pub fn date<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    let r =
        Repr::deserialize(d).map_err(|_| serde::de::Error::custom("expected a date YYYY-MM-DD"))?;
    to_date(r)
}

/// An optional date (see [`date`]).
pub fn opt_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    let r = Option::<Repr>::deserialize(d)
        .map_err(|_| serde::de::Error::custom("expected a date YYYY-MM-DD"))?;
    r.map(to_date).transpose()
}
