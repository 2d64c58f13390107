//! The HTTP SMS gateway of the delivery tests: an [`HttpReceiver`] on loopback answering `200`
//! and keeping the JSON bodies (`{"to", "text"}`) it accepted.

pub use crate::receiver::HttpReceiver as SmsGateway;
