//! Integration tests: the real application, in-process, each test on its own database.

mod access;
mod attachments;
mod audit;
mod basics;
mod cli;
mod contract;
mod contributions;
mod delegation_acceptance;
mod delegation_lifecycle;
mod delegations;
mod demo;
mod employers;
mod employments;
mod guards;
mod hardening;
mod idempotency;
mod identity;
mod inquiry_answers;
mod inquiry_reading;
mod inquiry_sending;
mod inquiry_topics;
mod me;
mod payments;
mod payments_import;
mod prescription;
mod registry;
