//! How the delegation rules' refusals read: each domain error of `inps_domain::delegation`
//! as a row of the problem registry, with its detail or invalid field.

use inps_domain::delegation::{self as rules, Service};

use crate::problems::{Problem, Text};
use crate::refusal::Refusal;

/// Invalid terms: 422 naming the field.
pub(super) fn terms_refusal(e: &rules::TermsError) -> Refusal {
    let (field, it, en) = match e {
        rules::TermsError::NoScopes => ("scopes", "almeno un ambito", "at least one scope"),
        rules::TermsError::ScopeNotAllowed { .. } => (
            "scopes",
            "ambito non previsto per il servizio",
            "scope not allowed for the service",
        ),
        rules::TermsError::StartsInThePast => (
            "valid_from",
            "non può essere nel passato",
            "cannot be in the past",
        ),
        rules::TermsError::EndsBeforeStart => (
            "valid_until",
            "deve seguire valid_from",
            "must not precede valid_from",
        ),
        rules::TermsError::TooLong { .. } => (
            "valid_until",
            "durata oltre il massimo consentito",
            "longer than the maximum allowed",
        ),
        rules::TermsError::SelfDelegation => (
            "delegate_tax_code",
            "non ci si può delegare da sé",
            "you cannot delegate yourself",
        ),
    };
    Refusal::invalid_field(field, Text::new(it, format!("{en} ({e})")))
}

/// The actor holds no position that can delegate `service`: 403.
pub(super) fn not_eligible(service: Service) -> Refusal {
    let roles = service
        .delegating_roles()
        .iter()
        .map(|r| r.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    Refusal::new(Problem::DelegatorNotEligible)
        .with_detail(
            format!("Solo chi ha uno dei ruoli {roles} può delegare il servizio {service}."),
            format!(
                "Only a holder of one of the roles {roles} can delegate the service {service}."
            ),
        )
        .with_extension("service", serde_json::json!(service.as_str()))
}

/// An action the party may not take (403) or the status does not allow (409).
pub(super) fn transition_refusal(e: &rules::TransitionError) -> Refusal {
    match e {
        rules::TransitionError::NotAllowed { .. } => Refusal::new(Problem::Forbidden).with_detail(
            "Solo l'intermediario delegato può accettare o rifiutare la delega.",
            "Only the delegated intermediary can accept or reject the delegation.",
        ),
        rules::TransitionError::WrongState { .. } => Refusal::new(Problem::StateConflict)
            .with_detail(
                format!("La delega non consente questa operazione: {e}."),
                format!("The delegation does not allow this action: {e}."),
            ),
    }
}
