//! The typed refusal of a use case: which registry row ([`Problem`]), with the occurrence's
//! detail, invalid fields and extension members. Use cases return it and never see HTTP; the
//! edge turns it into a response in one place (`impl From<Refusal> for ApiError`).
//!
//! Database errors become refusals here too: a named constraint maps to its registry row
//! ([`CONSTRAINTS`]), so a race that a constraint settles is a 409 or 422, never a 500.

use std::borrow::Cow;

use crate::problems::{Problem, Text};

/// One invalid field of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// JSON path of the field (`note`, `inquiry_ids[1]`), or the parameter name.
    pub field: String,
    /// Why it was refused.
    pub reason: Text,
}

/// A domain value a refusal offers the caller as a way forward. It stays typed here so that a
/// use case never builds a wire type: the edge renders it as an extension member in its wire
/// form (`ApiError::to_problem`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Offer {
    /// The free slots nearest to the one asked for (`nearest_free_slots`).
    NearestFreeSlots(Vec<inps_domain::agenda::FreeSlot>),
}

/// Why a use case did not do what was asked.
#[derive(Debug)]
pub struct Refusal(Box<Details>);

/// The parts of a [`Refusal`].
#[derive(Debug)]
pub struct Details {
    /// The registry row.
    pub problem: Problem,
    /// Explanation for this occurrence.
    pub detail: Option<Text>,
    /// Invalid fields, for validation errors.
    pub errors: Vec<FieldError>,
    /// Extension members of the problem (e.g. the missing scope, the residual amounts).
    pub extensions: serde_json::Map<String, serde_json::Value>,
    /// Domain values offered as a way forward, rendered as extension members by the edge.
    pub offers: Vec<Offer>,
    /// Internal cause, logged and never sent.
    pub cause: Option<String>,
    /// The accountability-log event of a refused attempt: written after the use case's
    /// transaction rolls back, so the refusal is on record although nothing else is.
    pub audit: Option<inps_persistence::audit::NewAuditEvent>,
}

impl Refusal {
    /// A refusal of row `problem`, with no detail.
    pub fn new(problem: Problem) -> Self {
        Self(Box::new(Details {
            problem,
            detail: None,
            errors: Vec::new(),
            extensions: serde_json::Map::new(),
            offers: Vec::new(),
            cause: None,
            audit: None,
        }))
    }

    /// The parts.
    pub fn details(&self) -> &Details {
        &self.0
    }

    /// The registry row.
    pub fn problem(&self) -> Problem {
        self.0.problem
    }

    /// Adds a detail.
    #[must_use]
    pub fn with_detail(
        mut self,
        it: impl Into<Cow<'static, str>>,
        en: impl Into<Cow<'static, str>>,
    ) -> Self {
        self.0.detail = Some(Text::new(it, en));
        self
    }

    /// Adds an invalid field.
    #[must_use]
    pub fn with_field(mut self, field: impl Into<String>, reason: Text) -> Self {
        self.0.errors.push(FieldError {
            field: field.into(),
            reason,
        });
        self
    }

    /// Adds an extension member.
    #[must_use]
    pub fn with_extension(mut self, name: &str, value: serde_json::Value) -> Self {
        self.0.extensions.insert(name.to_owned(), value);
        self
    }

    /// Adds an offer (see [`Offer`]).
    #[must_use]
    pub fn with_offer(mut self, offer: Offer) -> Self {
        self.0.offers.push(offer);
        self
    }

    /// Records the internal cause (logged, never sent).
    #[must_use]
    pub fn with_cause(mut self, cause: impl std::fmt::Display) -> Self {
        self.0.cause = Some(cause.to_string());
        self
    }

    /// Records the refused attempt in the accountability log (see [`Details::audit`]).
    #[must_use]
    pub fn with_audit(mut self, event: inps_persistence::audit::NewAuditEvent) -> Self {
        self.0.audit = Some(event);
        self
    }

    /// Takes the refused attempt's event, to write it.
    pub fn take_audit(&mut self) -> Option<inps_persistence::audit::NewAuditEvent> {
        self.0.audit.take()
    }

    /// 404 in the standard wording: never says whether the resource exists for someone else.
    pub fn not_found() -> Self {
        Self::new(Problem::NotFound)
    }

    /// 422 for one field.
    pub fn invalid_field(field: impl Into<String>, reason: Text) -> Self {
        Self::new(Problem::ValidationFailed).with_field(field, reason)
    }

    /// 500 carrying its cause to the log.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        Self::new(Problem::Internal).with_cause(cause)
    }

    /// 503 (the edge adds `Retry-After`).
    pub fn unavailable(cause: impl std::fmt::Display) -> Self {
        Self::new(Problem::ServiceUnavailable).with_cause(cause)
    }

    /// 403 for an operation reserved to INPS operators.
    pub fn operators_only() -> Self {
        Self::new(Problem::Forbidden).with_detail(
            "Operazione riservata agli operatori INPS.",
            "Reserved to INPS operators.",
        )
    }

    /// Splits into its parts.
    pub fn into_details(self) -> Details {
        *self.0
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let spec = self.0.problem.spec();
        write!(f, "{} {}", spec.status, spec.slug)?;
        if let Some(cause) = &self.0.cause {
            write!(f, ": {cause}")?;
        }
        Ok(())
    }
}

/// Named database constraints and the registry row a violation of each means. A violation of
/// a constraint not listed here is still no 500: a unique or foreign-key race is a 409
/// (`state-conflict`), a check is a 422 (`validation-failed`), with the cause logged.
pub const CONSTRAINTS: &[(&str, Problem)] = &[
    (
        "delegations_one_active_domestic",
        Problem::DelegationAlreadyActive,
    ),
    (
        "contribution_payments_pagopa_notice_number_key",
        Problem::PaymentAlreadyRecorded,
    ),
    ("pending_actions_open_once", Problem::ConcurrentUpdate),
    ("manuals_one_version", Problem::ConcurrentUpdate),
    (
        "appointment_inquiries_one_confirmed",
        Problem::InquiryOnAnotherAppointment,
    ),
];

/// The row of a named constraint, if listed.
pub fn on_constraint(name: &str) -> Option<Problem> {
    CONSTRAINTS
        .iter()
        .find(|(constraint, _)| *constraint == name)
        .map(|(_, problem)| *problem)
}

/// CHECK constraints over values a request supplies, and the request field each guards. The
/// edge validates these fields first; should a value still reach the constraint, the 422 names
/// the field instead of saying nothing (and never quotes the database). Names are PostgreSQL's
/// own (`<table>_<column>_check`, or `<table>_check` for a check over several columns); the
/// integration tests check that each still exists.
pub const CHECK_FIELDS: &[(&str, &str)] = &[
    ("consultation_points_name_check", "name"),
    ("consultation_points_address_check", "address"),
    (
        "employers_address_postal_code_check",
        "employer_address.postal_code",
    ),
    (
        "employers_address_province_check",
        "employer_address.province",
    ),
    ("employments_check", "end_date"),
    ("employments_weekly_hours_check", "weekly_hours"),
    ("employments_hourly_pay_check", "hourly_pay"),
    ("delegations_check", "valid_until"),
    (
        "inquiry_topics_answer_deadline_days_check",
        "answer_deadline_days",
    ),
    ("manuals_title_check", "title"),
    ("occasional_clients_employees_check", "employees"),
    (
        "occasional_recurring_rules_minutes_check",
        "duration_minutes",
    ),
    ("occasional_recurring_rules_check", "last_date"),
    ("webhook_subscriptions_url_check", "url"),
];

/// The request field a CHECK constraint guards, if listed in [`CHECK_FIELDS`].
pub fn check_field(constraint: &str) -> Option<&'static str> {
    CHECK_FIELDS
        .iter()
        .find(|(name, _)| *name == constraint)
        .map(|(_, field)| *field)
}

/// The 422 of a CHECK (or NOT NULL) violation no registry row claims: it names the field when
/// the constraint is listed in [`CHECK_FIELDS`], and otherwise says that a value breaks a rule of
/// the stored data, without naming anything of the database.
fn stored_data_rule(constraint: Option<&str>) -> Refusal {
    match constraint.and_then(check_field) {
        Some(field) => {
            Refusal::invalid_field(field, Text::new("valore non ammesso", "value not allowed"))
                .with_detail(
                    format!("Il valore del campo {field} non è ammesso."),
                    format!("The value of field {field} is not allowed."),
                )
        }
        None => Refusal::new(Problem::ValidationFailed).with_detail(
            "Un valore della richiesta non rispetta le regole dei dati registrati.",
            "A value of the request breaks a rule of the stored data.",
        ),
    }
}

impl From<diesel::result::Error> for Refusal {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind as Kind, Error};
        let problem = match &e {
            Error::NotFound => return Self::not_found(),
            Error::DatabaseError(Kind::ClosedConnection, _) => Problem::ServiceUnavailable,
            Error::DatabaseError(Kind::SerializationFailure, _) => Problem::ConcurrentUpdate,
            Error::DatabaseError(_, info) if info.message().contains("statement timeout") => {
                Problem::ServiceUnavailable
            }
            Error::DatabaseError(
                kind @ (Kind::UniqueViolation
                | Kind::ForeignKeyViolation
                | Kind::CheckViolation
                | Kind::NotNullViolation),
                info,
            ) => match info.constraint_name().and_then(on_constraint) {
                Some(problem) => problem,
                None if matches!(kind, Kind::UniqueViolation | Kind::ForeignKeyViolation) => {
                    Problem::StateConflict
                }
                None => return stored_data_rule(info.constraint_name()).with_cause(e),
            },
            _ => Problem::Internal,
        };
        Self::new(problem).with_cause(e)
    }
}

impl From<diesel::r2d2::PoolError> for Refusal {
    fn from(e: diesel::r2d2::PoolError) -> Self {
        Self::unavailable(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_constraint_maps_to_a_client_error() {
        for (name, problem) in CONSTRAINTS {
            let status = problem.spec().status;
            assert!(
                status == 409 || status == 422,
                "{name} maps to {status}: a constraint race must be 409 or 422"
            );
            assert_eq!(on_constraint(name), Some(*problem));
        }
        assert_eq!(on_constraint("no_such_constraint"), None);
    }

    /// A database error as PostgreSQL reports it (message and constraint only).
    struct Violation(Option<&'static str>);

    impl diesel::result::DatabaseErrorInformation for Violation {
        fn message(&self) -> &str {
            "new row for relation \"consultation_points\" violates check constraint"
        }
        fn details(&self) -> Option<&str> {
            Some("Failing row contains (secret, ...).")
        }
        fn hint(&self) -> Option<&str> {
            None
        }
        fn table_name(&self) -> Option<&str> {
            Some("consultation_points")
        }
        fn column_name(&self) -> Option<&str> {
            None
        }
        fn constraint_name(&self) -> Option<&str> {
            self.0
        }
        fn statement_position(&self) -> Option<i32> {
            None
        }
    }

    fn violation(
        kind: diesel::result::DatabaseErrorKind,
        constraint: Option<&'static str>,
    ) -> Refusal {
        diesel::result::Error::DatabaseError(kind, Box::new(Violation(constraint))).into()
    }

    #[test]
    fn a_check_violation_is_a_422_naming_the_field_it_guards_and_nothing_of_the_database() {
        use diesel::result::DatabaseErrorKind::CheckViolation;
        let refusal = violation(CheckViolation, Some("consultation_points_name_check"));
        let d = refusal.details();
        assert_eq!(d.problem, Problem::ValidationFailed);
        assert_eq!(d.errors.len(), 1);
        assert_eq!(d.errors[0].field, "name");
        let detail = d.detail.as_ref().expect("detail");
        assert_eq!(detail.en, "The value of field name is not allowed.");
        assert!(d.cause.as_deref().is_some_and(|c| c.contains("violates")));
        // Unlisted (or unnamed): still a 422 with a detail, quoting nothing of the database.
        for constraint in [Some("occasional_clients_wallet"), None] {
            let refusal = violation(CheckViolation, constraint);
            let d = refusal.details();
            assert_eq!(d.problem, Problem::ValidationFailed);
            assert!(d.errors.is_empty());
            let detail = d.detail.as_ref().expect("detail");
            for text in [&detail.it, &detail.en] {
                assert!(
                    !text.contains("wallet") && !text.contains("violates"),
                    "{text}"
                );
                assert!(
                    !text.contains("secret") && !text.contains("relation"),
                    "{text}"
                );
            }
        }
        // A listed constraint keeps its registry row; a unique race stays a 409 without detail.
        let refusal = violation(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            Some("manuals_one_version"),
        );
        assert_eq!(refusal.problem(), Problem::ConcurrentUpdate);
        let refusal = violation(diesel::result::DatabaseErrorKind::UniqueViolation, None);
        assert_eq!(refusal.problem(), Problem::StateConflict);
    }
}
