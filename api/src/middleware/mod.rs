//! Cross-cutting HTTP behaviour applied to every response, outermost first:
//! [`security_headers`] → [`request_id`] → [`observe`] (logs, metrics) → [`problem`] (RFC 9457
//! bodies) → [`rate_limit`].

pub mod observe;
pub mod problem;
pub mod rate_limit;
pub mod request_id;
pub mod security_headers;
pub mod shared_limit;
