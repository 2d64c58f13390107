//! Integration tests: the real application, in-process, each test on its own database.

mod audit;
mod basics;
mod cassetto;
mod cli;
mod contract;
mod delegations;
mod demo;
mod hardening;
mod idempotency;
mod identity;
mod inquiries;
mod me;
mod payments_import;
