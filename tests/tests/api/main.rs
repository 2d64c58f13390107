//! Integration tests: the real application, in-process, each test on its own database.

mod audit;
mod basics;
mod cli;
mod contract;
mod delegations;
mod idempotency;
mod identity;
mod me;
