//! Contextual help: the page each problem `type` URI points to. Every row of the problem
//! registry (`crate::problems`) has one, built from the row itself (status, titles, the rule
//! explained in Italian and English with its legal source), so a new row has its page at once.
//!
//! - [`handlers`]: `GET /v1/help/problems/{slug}`;
//! - [`wire`]: the page.

pub mod handlers;
pub mod wire;
