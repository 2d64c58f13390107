//! Which problem types each operation can answer, written into the contract: every error
//! response of an operation lists its registry rows in `x-problem-types` (type URIs) and in its
//! description, so a client knows every `type` it may have to handle, and the test harness
//! checks each problem it receives against that list.
//!
//! Most types follow from the operation's shape (authenticated, has a path subject, takes a
//! body, accepts `Idempotency-Key` or `If-Match`); the rule-specific ones are declared per
//! operation in [`DECLARED`].

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::problems::Problem;

/// The rule-specific problem types of each operation, by `operationId`.
pub const DECLARED: &[(&str, &[Problem])] = &[
    (
        "create_session",
        &[
            Problem::AssertionMalformed,
            Problem::AssertionUnsupportedAlgorithm,
            Problem::AssertionUnknownKey,
            Problem::AssertionBadSignature,
            Problem::AssertionWrongIssuer,
            Problem::AssertionWrongAudience,
            Problem::AssertionExpired,
            Problem::AssertionNotYetValid,
            Problem::AssertionStale,
            Problem::AssertionInsufficientLevel,
            Problem::AssertionReplayed,
            Problem::AssertionInvalidSubject,
            Problem::ConcurrentUpdate,
        ],
    ),
    ("create_sandbox_assertion", &[Problem::NotFound]),
    (
        "create_delegation",
        &[Problem::DelegateNotQualified, Problem::DelegatorNotEligible],
    ),
    (
        "accept_delegation",
        &[
            Problem::WrongVerificationCode,
            Problem::StateConflict,
            Problem::DelegationAlreadyActive,
            Problem::ConcurrentUpdate,
        ],
    ),
    ("reject_delegation", &[Problem::StateConflict]),
    ("revoke_delegation", &[Problem::StateConflict]),
    ("register_intermediary", &[Problem::StateConflict]),
    (
        "record_contribution_payment",
        &[
            Problem::ContributionPrescribed,
            Problem::PaymentAlreadyRecorded,
        ],
    ),
    (
        "send_inquiry",
        &[
            Problem::ScopeNotGranted,
            Problem::AttachmentsTooLarge,
            Problem::TooManyAttachments,
            Problem::UnsupportedAttachmentType,
        ],
    ),
    ("answer_inquiry", &[Problem::StateConflict]),
    ("create_webhook_subscription", &[Problem::WebhookUrlRefused]),
    ("retry_webhook_delivery", &[Problem::StateConflict]),
    ("replay_webhook_events", &[Problem::StateConflict]),
    (
        "request_contact_verification",
        &[Problem::StateConflict, Problem::ContactCodeTooSoon],
    ),
    (
        "confirm_contact_verification",
        &[
            Problem::ContactCodeWrong,
            Problem::ContactCodeExpired,
            Problem::ContactCodeExhausted,
        ],
    ),
    ("list_manuals", &[Problem::Unauthenticated]),
    (
        "download_manual",
        &[Problem::Unauthenticated, Problem::NotFound],
    ),
    (
        "show_manual_html",
        &[Problem::Unauthenticated, Problem::NotFound],
    ),
    (
        "publish_manual",
        &[
            Problem::AttachmentsTooLarge,
            Problem::UnsupportedManualFormat,
            Problem::ConcurrentUpdate,
        ],
    ),
    ("show_problem_page", &[Problem::NotFound]),
    (
        "open_support_ticket",
        &[
            Problem::AttachmentsTooLarge,
            Problem::TooManyAttachments,
            Problem::UnsupportedAttachmentType,
        ],
    ),
    (
        "post_support_ticket_message",
        &[Problem::ScopeNotGranted, Problem::StateConflict],
    ),
    ("list_support_tickets", &[Problem::NotFound]),
    ("take_support_ticket", &[Problem::StateConflict]),
    (
        "create_appointment",
        &[
            Problem::ScopeNotGranted,
            Problem::InquiryOnAnotherAppointment,
        ],
    ),
    (
        "confirm_appointment",
        &[
            Problem::ScopeNotGranted,
            Problem::StateConflict,
            Problem::SlotUnavailable,
            Problem::InquiryOnAnotherAppointment,
        ],
    ),
    (
        "cancel_appointment",
        &[Problem::ScopeNotGranted, Problem::StateConflict],
    ),
    ("close_appointment", &[Problem::StateConflict]),
    ("list_appointments", &[Problem::NotFound]),
    (
        "add_appointment_attachments",
        &[
            Problem::ScopeNotGranted,
            Problem::StateConflict,
            Problem::AttachmentsTooLarge,
            Problem::TooManyAttachments,
            Problem::UnsupportedAttachmentType,
        ],
    ),
    (
        "post_appointment_message",
        &[
            Problem::ScopeNotGranted,
            Problem::StateConflict,
            Problem::AttachmentsTooLarge,
            Problem::TooManyAttachments,
            Problem::UnsupportedAttachmentType,
        ],
    ),
    (
        "remove_appointment_attachment",
        &[Problem::ScopeNotGranted, Problem::StateConflict],
    ),
    (
        "reschedule_appointment",
        &[Problem::StateConflict, Problem::SlotUnavailable],
    ),
    ("download_appointment_calendar", &[Problem::StateConflict]),
    ("close_support_ticket", &[Problem::StateConflict]),
    (
        "register_worker",
        &[
            Problem::NotFound,
            Problem::ScopeNotGranted,
            Problem::OnboardingIncomplete,
            Problem::StateConflict,
        ],
    ),
    ("replace_self_declaration", &[Problem::ScopeNotGranted]),
    ("request_funding", &[Problem::ScopeNotGranted]),
    ("settle_funding", &[Problem::StateConflict]),
    (
        "record_service",
        &[
            Problem::NotFound,
            Problem::ScopeNotGranted,
            Problem::OccasionalRuleBroken,
            Problem::OccasionalLimitExceeded,
            Problem::PrestoNotAllowed,
            Problem::InsufficientFunds,
        ],
    ),
    (
        "revoke_service",
        &[
            Problem::ScopeNotGranted,
            Problem::OccasionalRuleBroken,
            Problem::StateConflict,
        ],
    ),
    ("list_services", &[Problem::NotFound]),
    (
        "rectify_service",
        &[
            Problem::ScopeNotGranted,
            Problem::PreconditionRequired,
            Problem::StateConflict,
            Problem::OccasionalRuleBroken,
            Problem::OccasionalLimitExceeded,
            Problem::PrestoNotAllowed,
            Problem::InsufficientFunds,
        ],
    ),
    (
        "open_dispute",
        &[
            Problem::ScopeNotGranted,
            Problem::Forbidden,
            Problem::StateConflict,
        ],
    ),
    ("record_recurring_service", &[Problem::ScopeNotGranted]),
    (
        "stop_recurring_service",
        &[Problem::ScopeNotGranted, Problem::StateConflict],
    ),
    (
        "close_dispute",
        &[
            Problem::ScopeNotGranted,
            Problem::Forbidden,
            Problem::StateConflict,
        ],
    ),
    (
        "reopen_dispute",
        &[
            Problem::ScopeNotGranted,
            Problem::Forbidden,
            Problem::StateConflict,
        ],
    ),
    (
        "reply_to_dispute",
        &[
            Problem::ScopeNotGranted,
            Problem::Forbidden,
            Problem::StateConflict,
            Problem::OccasionalRuleBroken,
            Problem::OccasionalLimitExceeded,
            Problem::PrestoNotAllowed,
            Problem::InsufficientFunds,
        ],
    ),
    (
        "duplicate_service",
        &[
            Problem::ScopeNotGranted,
            Problem::OccasionalRuleBroken,
            Problem::OccasionalLimitExceeded,
            Problem::PrestoNotAllowed,
            Problem::InsufficientFunds,
        ],
    ),
    ("replace_payment_method", &[Problem::ScopeNotGranted]),
    (
        "record_client",
        &[
            Problem::NotFound,
            Problem::ScopeNotGranted,
            Problem::PrestoNotAllowed,
            Problem::StateConflict,
        ],
    ),
    ("show_payment", &[Problem::ScopeNotGranted]),
    ("list_worker_payments", &[Problem::ScopeNotGranted]),
    (
        "download_payment_receipt",
        &[Problem::ScopeNotGranted, Problem::StateConflict],
    ),
    (
        "record_payment_outcome",
        &[Problem::StateConflict, Problem::PreconditionFailed],
    ),
];

/// Rows answered outside any operation (unknown routes, wrong methods, content negotiation) or
/// by plumbing no operation uses yet: they are in the registry without being in an operation.
pub const OUTSIDE_OPERATIONS: &[Problem] = &[
    Problem::MethodNotAllowed,
    Problem::NotAcceptable,
    Problem::PreconditionRequired,
    Problem::Internal,
];

fn has_parameter(op: &Value, name: &str) -> bool {
    op.get("parameters")
        .and_then(Value::as_array)
        .is_some_and(|ps| {
            ps.iter()
                .any(|p| p.get("name").and_then(Value::as_str) == Some(name))
        })
}

fn is_protected(op: &Value) -> bool {
    op.get("security")
        .and_then(Value::as_array)
        .is_some_and(|reqs| reqs.iter().any(|r| r.get("bearer").is_some()))
}

/// Every problem type `op` (at `path`, relative to `/v1`) can answer.
pub fn problems_of(op: &Value, path: &str) -> Vec<Problem> {
    let mut problems = vec![Problem::RateLimited, Problem::ServiceUnavailable];
    let has_body = op.get("requestBody").is_some();
    let has_params = op
        .get("parameters")
        .and_then(Value::as_array)
        .is_some_and(|p| !p.is_empty());
    if is_protected(op) {
        problems.extend([Problem::Unauthenticated, Problem::Forbidden]);
        if path.contains('{') {
            problems.push(Problem::NotFound);
        }
    }
    if has_body || has_params {
        problems.extend([Problem::MalformedRequest, Problem::ValidationFailed]);
    }
    if has_body {
        problems.extend([
            Problem::UnsupportedMediaType,
            Problem::PayloadTooLarge,
            Problem::RequestTimeout,
        ]);
    }
    if has_parameter(op, "Idempotency-Key") {
        problems.push(Problem::IdempotencyKeyReused);
    }
    if has_parameter(op, "If-Match") {
        problems.push(Problem::PreconditionFailed);
    }
    let id = op.get("operationId").and_then(Value::as_str).unwrap_or("");
    if let Some((_, declared)) = DECLARED.iter().find(|(op_id, _)| *op_id == id) {
        problems.extend(declared.iter().copied());
    }
    let mut seen = std::collections::HashSet::new();
    problems.retain(|p| seen.insert(*p));
    problems
}

/// Lists the problem types of `op` on its error responses, adding a response for a status that
/// one of its types has and the handler did not list.
pub fn document(op: &mut Value, path: &str, standard_response: impl Fn(u16) -> Value) {
    let mut by_status: BTreeMap<u16, Vec<Problem>> = BTreeMap::new();
    for problem in problems_of(op, path) {
        by_status
            .entry(problem.spec().status)
            .or_default()
            .push(problem);
    }
    let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else {
        return;
    };
    for (status, problems) in by_status {
        let response = responses
            .entry(status.to_string())
            .or_insert_with(|| standard_response(status));
        let Some(response) = response.as_object_mut() else {
            continue;
        };
        let slugs: Vec<String> = problems
            .iter()
            .map(|p| format!("`{}`", p.spec().slug))
            .collect();
        let description = response
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or("")
            .trim_end()
            .to_owned();
        response.insert(
            "description".into(),
            json!(format!(
                "{description}\n\nProblem types: {}.",
                slugs.join(", ")
            )),
        );
        response.insert(
            "x-problem-types".into(),
            json!(
                problems
                    .iter()
                    .map(|p| p.spec().type_uri())
                    .collect::<Vec<_>>()
            ),
        );
    }
}

/// The problem types a finalized contract lists for the operation `method path`.
pub fn listed(contract: &Value, method: &str, path: &str) -> Vec<String> {
    let Some(op) = contract
        .get("paths")
        .and_then(|p| p.get(path))
        .and_then(|item| item.get(method.to_ascii_lowercase()))
    else {
        return Vec::new();
    };
    op.get("responses")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|responses| responses.values())
        .filter_map(|r| r.get("x-problem-types").and_then(Value::as_array))
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    fn operations(contract: &Value) -> Vec<(String, String, Value)> {
        let mut out = Vec::new();
        for (path, item) in contract["paths"].as_object().into_iter().flatten() {
            for (method, op) in item.as_object().into_iter().flatten() {
                out.push((method.clone(), path.clone(), op.clone()));
            }
        }
        out
    }

    #[test]
    fn every_registry_row_is_answered_by_some_operation_or_outside_them() {
        let contract = crate::contract();
        let mut documented: HashSet<String> = HashSet::new();
        for (method, path, _) in operations(&contract) {
            documented.extend(listed(&contract, &method, &path));
        }
        for problem in Problem::ALL {
            let uri = problem.spec().type_uri();
            assert!(
                documented.contains(&uri) || OUTSIDE_OPERATIONS.contains(problem),
                "registry row `{}` is in no operation of the contract",
                problem.spec().slug
            );
        }
        // And nothing the contract lists is missing from the registry.
        for uri in &documented {
            let slug = uri.rsplit('/').next().unwrap_or("");
            assert!(Problem::from_slug(slug).is_some(), "unlisted slug {uri}");
        }
    }

    #[test]
    fn every_declared_operation_exists_and_every_listed_status_has_a_response() {
        let contract = crate::contract();
        let ops = operations(&contract);
        for (id, _) in DECLARED {
            assert!(
                ops.iter().any(|(_, _, op)| op["operationId"] == *id),
                "DECLARED names unknown operation {id}"
            );
        }
        for (method, path, op) in &ops {
            for problem in problems_of(op, path) {
                let status = problem.spec().status.to_string();
                let response = &op["responses"][&status];
                assert!(
                    response["x-problem-types"]
                        .as_array()
                        .is_some_and(|l| l.contains(&json!(problem.spec().type_uri()))),
                    "{method} {path}: {status} does not list {}",
                    problem.spec().slug
                );
            }
        }
    }
}
