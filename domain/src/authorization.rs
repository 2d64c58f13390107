//! The single access rule every handler applies before touching a subject's data: may this
//! caller do this (service, scope) for this subject today, and on what basis?
//!
//! Keeping the rule in one pure function means it is tested once, exhaustively, and handlers
//! cannot drift apart. The basis it returns ([`Access`]) is what the accountability log records.

use crate::delegation::{DelegationStatus, Scope, Service, is_in_force};
use crate::identity::Role;
use crate::tax_code::TaxCode;
use time::Date;

/// What the edge knows about the authenticated caller.
#[derive(Debug, Clone, Copy)]
pub struct CallerFacts<'a> {
    /// The caller's own tax code, from the identity provider.
    pub tax_code: &'a TaxCode,
    /// The roles the caller holds.
    pub roles: &'a [Role],
    /// Subjects (e.g. businesses) the caller is the legal representative of.
    pub represents: &'a [TaxCode],
    /// Whether the caller has an active entry in the register of qualified intermediaries
    /// (circ. INPS 49/2011). Together with the `intermediary` role it is what every delegation
    /// requires of its delegate, for as long as the delegate uses it.
    pub registered_intermediary: bool,
}

impl CallerFacts<'_> {
    /// Whether the caller may act as a delegate today: they hold the `intermediary` role and
    /// their register entry is active. Losing either ends every delegated access at once.
    pub fn qualified_delegate(&self) -> bool {
        self.registered_intermediary && self.roles.contains(&Role::Intermediary)
    }
}

/// A stored delegation, as loaded for an authorization decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DelegationFact {
    /// The delegation's identifier, recorded in the audit log when it grants access.
    pub id: String,
    /// The subject who granted it.
    pub delegator: TaxCode,
    /// The person it was granted to.
    pub delegate: TaxCode,
    /// The service it covers.
    pub service: Service,
    /// The scopes it grants.
    pub scopes: Vec<Scope>,
    /// The stored status (not the effective one: [`is_in_force`] handles expiry).
    pub status: DelegationStatus,
    /// First day of validity.
    pub valid_from: Date,
    /// Last day of validity (inclusive).
    pub valid_until: Date,
}

/// On what basis access was granted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Access {
    /// The caller is the subject.
    OwnData,
    /// The caller is the subject's legal representative.
    LegalRepresentative,
    /// The caller acts under the delegation with this id.
    Delegation {
        /// The delegation that granted access.
        id: String,
    },
    /// The caller is INPS staff.
    Operator,
}

impl Access {
    /// The delegation used, if access is delegated.
    pub fn delegation_id(&self) -> Option<&str> {
        match self {
            Self::Delegation { id } => Some(id),
            Self::OwnData | Self::LegalRepresentative | Self::Operator => None,
        }
    }

    /// Whether the caller acts for someone else under a delegation.
    pub fn is_delegated(&self) -> bool {
        matches!(self, Self::Delegation { .. })
    }

    /// Stable name of the basis, for logs and the audit trail.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::OwnData => "own_data",
            Self::LegalRepresentative => "legal_representative",
            Self::Delegation { .. } => "delegation",
            Self::Operator => "operator",
        }
    }
}

/// Why access was refused.
///
/// All variants become the same 404 at the edge, so that a caller cannot probe which subjects
/// exist or have delegated to them; the distinction is kept for the audit log and the tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum Denied {
    /// No own data, representation, delegation or operator role connects caller and subject.
    #[error("no relationship between caller and subject")]
    NoRelationship,
    /// A delegation for the service is in force but does not grant the scope.
    #[error("the delegation does not grant this scope")]
    DelegationOutOfScope,
    /// A delegation for the service exists but is not in force today (pending, rejected,
    /// revoked, expired or not yet started).
    #[error("the delegation is not in force")]
    DelegationNotInForce,
    /// A delegation in force exists, but the delegate no longer holds the `intermediary` role
    /// or an active register entry.
    #[error("the delegate is no longer a qualified intermediary")]
    DelegateNotQualified,
}

impl Denied {
    /// Stable name of the reason, for logs and the audit trail.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NoRelationship => "no_relationship",
            Self::DelegationOutOfScope => "delegation_out_of_scope",
            Self::DelegationNotInForce => "delegation_not_in_force",
            Self::DelegateNotQualified => "delegate_not_qualified",
        }
    }

    /// Whether the refusal may say that the resource exists: only to a delegate who sees the
    /// subject's data (a delegation in force, from a qualified delegate) but lacks the scope
    /// (403). Every other refusal looks like an unknown resource (404).
    pub fn reveals_resource(self) -> bool {
        matches!(self, Self::DelegationOutOfScope)
    }
}

/// Whether deciding `caller`'s access to `subject`'s data needs the delegations between them:
/// not when the caller is the subject, represents it or is an operator (the hot path of every
/// read skips that lookup).
pub fn needs_delegations(caller: &CallerFacts<'_>, subject: &TaxCode) -> bool {
    caller.tax_code != subject
        && !caller.represents.contains(subject)
        && !caller.roles.contains(&Role::Operator)
}

/// Decides whether `caller` may use `scope` of `service` on `subject`'s data on `today`.
///
/// The bases are tried in this order, and the first that applies is returned: the caller is the
/// subject; the caller represents the subject; the caller is an operator; a delegation from the
/// subject to the caller for the service, in force today and granting the scope (the first such
/// in `delegations`). What the caller may do anyway is never attributed to a delegation, so
/// the delegations need not even be loaded then ([`needs_delegations`]).
///
/// `delegations` may contain anything: those from another subject, to another delegate or for
/// another service are ignored. When nothing applies, the refusal names the most informative
/// reason: a delegation in force without the scope, else a delegation not in force, else none.
/// A delegation is used only while the caller is a qualified delegate
/// ([`CallerFacts::qualified_delegate`]); otherwise one in force is refused as
/// [`Denied::DelegateNotQualified`].
pub fn authorize(
    caller: &CallerFacts<'_>,
    subject: &TaxCode,
    service: Service,
    scope: Scope,
    delegations: &[DelegationFact],
    today: Date,
) -> Result<Access, Denied> {
    if caller.tax_code == subject {
        return Ok(Access::OwnData);
    }
    if caller.represents.contains(subject) {
        return Ok(Access::LegalRepresentative);
    }
    if caller.roles.contains(&Role::Operator) {
        return Ok(Access::Operator);
    }
    let relevant = || {
        delegations.iter().filter(|d| {
            &d.delegator == subject && &d.delegate == caller.tax_code && d.service == service
        })
    };
    let in_force = |d: &&DelegationFact| is_in_force(d.status, d.valid_from, d.valid_until, today);
    let qualified = caller.qualified_delegate();
    if let Some(granting) = relevant()
        .filter(|_| qualified)
        .filter(in_force)
        .find(|d| d.scopes.contains(&scope))
    {
        return Ok(Access::Delegation {
            id: granting.id.clone(),
        });
    }
    if relevant().any(|d| in_force(&d)) {
        Err(if qualified {
            Denied::DelegationOutOfScope
        } else {
            Denied::DelegateNotQualified
        })
    } else if relevant().next().is_some() {
        Err(Denied::DelegationNotInForce)
    } else {
        Err(Denied::NoRelationship)
    }
}

#[cfg(test)]
mod tests;
