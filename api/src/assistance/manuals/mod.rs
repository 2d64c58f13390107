//! Manuals (Manuali e funzioni di utilità, msg. INPS 2651/2019): documents per profile and
//! service, versioned, stored byte for byte; Markdown ones are also served as sanitized HTML.
//!
//! - [`handlers`]: list, download, HTML, publish a version;
//! - [`wire`]: the manual, the list and its filters, the upload form;
//! - [`use_cases`]: `manuals`, `manual_content`, `manual_html`, `publish_manual`.
//!
//! Who sees which profile: `inps_domain::assistance::visible_profiles`.

pub mod handlers;
pub mod use_cases;
pub mod wire;
