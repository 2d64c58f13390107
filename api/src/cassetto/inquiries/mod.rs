//! Inquiries (quesiti, comunicazione bidirezionale): topics with their answer deadline, sending
//! an inquiry about an employment with up to 3 attachments, reading them, and the office's
//! answer.
//!
//! - [`handlers`]: the HTTP operations (extract, call one use case, map);
//! - [`wire`]: the request and response bodies of the contract, with their examples;
//! - [`use_cases`]: topics, sending, listing, showing, downloading an attachment, answering.
//!
//! The rules are in `inps_domain::inquiry`: the answer deadline, eligibility for an appointment
//! (`eligibility_by`, and `eligibility_selection` to select eligible ones in a query), the
//! protocol number; texts are `inps_domain::text::clean_text`.

pub mod handlers;
pub mod use_cases;
pub mod wire;
