//! Integration tests: the real application, in-process, each test on its own database.

mod basics;
mod contract;
