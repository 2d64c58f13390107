//! Employments (rapporti di lavoro domestico): the employer's list, the detail, and the back
//! office's recording (operators, `inps-api import employments`, the demo seeder).
//!
//! - [`handlers`]: the HTTP operations (extract, call one use case, map);
//! - [`wire`]: the request and response bodies of the contract, with their examples;
//! - [`use_cases`]: recording, listing and showing employments, and the access check every
//!   employment resource shares ([`use_cases::visible_employment`]).
//!
//! The rules are in `inps_domain::employment` (`RecordEmployment::checked`: names, address,
//! plausible dates, weekly hours, hourly pay, period).

pub mod handlers;
pub mod use_cases;
pub mod wire;
