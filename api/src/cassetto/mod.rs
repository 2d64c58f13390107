//! Cassetto previdenziale lavoro domestico: employers, their employments, the contribution
//! statement and payments, inquiries (quesiti) to INPS with attachments.
//!
//! One folder per resource, each split the same way: `handlers.rs` (the HTTP operations:
//! extract, call one use case in one transaction, map to the response), `wire.rs` (the request
//! and response bodies of the contract, with their examples and `From` conversions) and
//! `use_cases.rs` (one function per use case: domain commands and an `Actor` in, domain results
//! or a typed `Refusal` out, authorization included). The HTTP handlers, the CLI imports and the
//! demo seeder call the same use cases. The rules themselves live in `inps_domain`.

pub mod contributions;
pub mod employers;
pub mod employments;
pub mod inquiries;

/// Mounts the cassetto context's operations.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig<'_>) {
    use self::{contributions::handlers as c, employers::handlers as r};
    use self::{employments::handlers as e, inquiries::handlers as i};
    cfg.service(r::show_employer)
        .service(e::create_employment)
        .service(e::list_employer_employments)
        .service(e::show_employment)
        .service(c::list_contributions)
        .service(c::record_contribution_payment)
        .service(i::list_inquiry_topics)
        .service(i::change_inquiry_topic)
        .service(i::send_inquiry_endpoint)
        .service(i::list_inquiries)
        .service(i::show_inquiry)
        .service(i::download_inquiry_attachment)
        .service(i::answer_inquiry_endpoint);
}
