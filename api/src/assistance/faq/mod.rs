//! The FAQ (domande frequenti): entries per service and topic, in Italian and English, written
//! by operators and searched with PostgreSQL full-text search (the `italian` and `english`
//! configurations, so an inflected word finds its stem), ranked with `ts_rank`, with
//! `ts_headline` snippets.
//!
//! - [`handlers`]: search, create, replace;
//! - [`wire`]: the entry, the search and its results, the entry an operator writes;
//! - [`use_cases`]: `search_faq`, `create_faq_entry`, `replace_faq_entry`.

pub mod handlers;
pub mod use_cases;
pub mod wire;
