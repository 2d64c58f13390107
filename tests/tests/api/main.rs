//! Integration tests: the real application, in-process, each test on its own database.

mod access;
mod audit;
mod basics;
mod cassetto;
mod cli;
mod contract;
mod delegation_rules;
mod delegations;
mod demo;
mod idempotency;
mod identity;
mod inquiries;
mod me;
mod payments_import;
