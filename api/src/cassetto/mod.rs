//! Cassetto previdenziale lavoro domestico: employers, their employments, the contribution
//! statement and payments, inquiries (quesiti) to INPS with attachments.

pub mod contributions;
pub mod employers;
pub mod employments;
pub mod inquiries;

/// Mounts the cassetto context's operations.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig<'_>) {
    cfg.service(employers::show_employer)
        .service(employments::create_employment)
        .service(employments::list_employer_employments)
        .service(employments::show_employment)
        .service(contributions::list_contributions)
        .service(contributions::record_contribution_payment)
        .service(inquiries::list_inquiry_topics)
        .service(inquiries::change_inquiry_topic)
        .service(inquiries::send_inquiry_endpoint)
        .service(inquiries::list_inquiries)
        .service(inquiries::show_inquiry)
        .service(inquiries::download_inquiry_attachment)
        .service(inquiries::answer_inquiry_endpoint);
}
