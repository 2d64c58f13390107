//! Integration tests: the real application, in-process, each test on its own database.

mod audit;
mod basics;
mod contract;
mod delegations;
mod idempotency;
mod identity;
mod me;
