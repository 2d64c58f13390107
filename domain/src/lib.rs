//! Pure rules and types of the INPS services.
//!
//! Nothing here performs I/O or reads the clock: time is always a parameter. Types parse once at
//! the edge ("parse, don't validate") and everything past the edge trusts them.

pub mod agenda;
pub mod assistance;
pub mod attachment;
pub mod audit;
pub mod authorization;
pub mod calendar;
mod check_tables;
pub mod contribution;
pub mod dates;
pub mod delegation;
pub mod employment;
pub mod iban;
pub mod identity;
pub mod inquiry;
pub mod money;
pub mod notification;
pub mod occasional;
pub mod person;
pub mod rome_time;
pub mod tax_code;
pub mod text;
pub mod webhook;

#[cfg(test)]
mod test_support;
