//! Test harness for the integration tests in `tests/api/`.
//!
//! Every test gets its own PostgreSQL database, cloned from a template that is migrated once per
//! migration set (`CREATE DATABASE ... TEMPLATE ...`, ~50 ms), and dropped when the test ends, so
//! tests run in parallel under `cargo test` and `cargo nextest run`. The server to use comes from
//! `DATABASE_URL`, with the same default as the application. The arrange steps the tests share
//! (an employer's employment, an inquiry, a delegation, row counts) are in [`fixtures`]; the
//! contract's operations, for tests that walk every one of them, in [`operations`].

pub mod app;
pub mod db;
pub mod fixtures;
pub mod operations;
pub mod personas;
pub mod problem_guard;
pub mod receiver;
pub mod sms;
pub mod smtp;

use std::sync::LazyLock;

use serde_json::Value;

pub use app::{TestApp, TestResponse};
pub use db::TestDb;
pub use personas::Persona;

static CONTRACT: LazyLock<Value> = LazyLock::new(inps_api::contract);

/// The contract generated from the code (`inps_api::contract()`), built once per test binary.
pub fn contract() -> &'static Value {
    &CONTRACT
}
