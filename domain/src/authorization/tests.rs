//! Tests for the access rule: a readable truth table, then properties over random callers,
//! subjects and delegations checked against a plainly written oracle.

use proptest::prelude::*;
use time::Duration;
use time::macros::date;

use super::*;

const TODAY: Date = date!(2026 - 03 - 15);
const LAST_MONTH: Date = date!(2026 - 02 - 15);
const NEXT_MONTH: Date = date!(2026 - 04 - 15);

/// Three valid tax codes: two people and a business.
fn pool() -> [TaxCode; 3] {
    [
        TaxCode::parse("RSSMRA85T10A562S").unwrap(),
        TaxCode::parse("RSSMRA45D25F205N").unwrap(),
        TaxCode::parse("02121151001").unwrap(),
    ]
}

#[expect(
    clippy::too_many_arguments,
    reason = "one positional call per delegation keeps the truth table on one line per row"
)]
fn fact(
    id: &str,
    delegator: &TaxCode,
    delegate: &TaxCode,
    service: Service,
    scopes: &[Scope],
    status: DelegationStatus,
    valid_from: Date,
    valid_until: Date,
) -> DelegationFact {
    DelegationFact {
        id: id.to_owned(),
        delegator: delegator.clone(),
        delegate: delegate.clone(),
        service,
        scopes: scopes.to_vec(),
        status,
        valid_from,
        valid_until,
    }
}

#[test]
fn access_helpers() {
    let delegated = Access::Delegation { id: "d1".into() };
    assert_eq!(delegated.delegation_id(), Some("d1"));
    assert!(delegated.is_delegated());
    assert_eq!(delegated.as_str(), "delegation");
    for access in [
        Access::OwnData,
        Access::LegalRepresentative,
        Access::Operator,
    ] {
        assert_eq!(access.delegation_id(), None);
        assert!(!access.is_delegated());
    }
    assert_eq!(
        Denied::DelegationOutOfScope.as_str(),
        "delegation_out_of_scope"
    );
}

/// (case, caller, roles, represents, subject, service, scope, delegations, expected)
type Row<'a> = (
    &'a str,
    &'a TaxCode,
    &'a [Role],
    &'a [TaxCode],
    &'a TaxCode,
    Service,
    Scope,
    Vec<DelegationFact>,
    Result<Access, Denied>,
);

#[test]
fn truth_table() {
    use DelegationStatus::{Active, Expired, Pending, Rejected, Revoked};
    use Scope::{Inquiries, Payments, Read};
    use Service::{DomesticWork as Dom, OccasionalWork as Occ};
    let [mario, anna, firm] = pool();
    let none: &[Role] = &[];
    let operator: &[Role] = &[Role::Operator];
    let intermediary: &[Role] = &[Role::Intermediary];
    let nobody: &[TaxCode] = &[];
    let the_firm = std::slice::from_ref(&firm);
    let granted = |id: &str| Ok(Access::Delegation { id: id.into() });
    // Anna delegates domestic-work reading to Mario ("d1"); `live` is in force today.
    let a2m = |status, from, until| fact("d1", &anna, &mario, Dom, &[Read], status, from, until);
    let live = || vec![a2m(Active, LAST_MONTH, NEXT_MONTH)];
    let (past, next) = (LAST_MONTH, NEXT_MONTH);
    // A revoked delegation listed before `live`, granting more.
    let dead_then_live = || {
        vec![
            fact(
                "d0",
                &anna,
                &mario,
                Dom,
                &[Read, Inquiries],
                Revoked,
                past,
                next,
            ),
            a2m(Active, past, next),
        ]
    };

    #[rustfmt::skip]
    let table: Vec<Row<'_>> = vec![
        // case                                caller   roles         represents subject service scope   delegations  expected
        ("own data",                           &mario, none,         nobody,   &mario, Dom, Read,      vec![],   Ok(Access::OwnData)),
        ("own data beats everything",          &mario, operator,     the_firm, &mario, Occ, Payments,  live(),   Ok(Access::OwnData)),
        ("legal representative",               &mario, none,         the_firm, &firm,  Occ, Payments,  vec![],   Ok(Access::LegalRepresentative)),
        ("represents someone else",            &mario, none,         the_firm, &anna,  Dom, Read,      vec![],   Err(Denied::NoRelationship)),
        ("delegation in force, in scope",      &mario, none,         nobody,   &anna,  Dom, Read,      live(),   granted("d1")),
        ("delegation in force, out of scope",  &mario, none,         nobody,   &anna,  Dom, Inquiries, live(),   Err(Denied::DelegationOutOfScope)),
        ("delegation for another service",     &mario, none,         nobody,   &anna,  Occ, Read,      live(),   Err(Denied::NoRelationship)),
        ("delegation pending",                 &mario, none,         nobody,   &anna,  Dom, Read,      vec![a2m(Pending, past, next)],  Err(Denied::DelegationNotInForce)),
        ("delegation revoked",                 &mario, none,         nobody,   &anna,  Dom, Read,      vec![a2m(Revoked, past, next)],  Err(Denied::DelegationNotInForce)),
        ("delegation rejected",                &mario, none,         nobody,   &anna,  Dom, Read,      vec![a2m(Rejected, past, next)], Err(Denied::DelegationNotInForce)),
        ("delegation stored as expired",       &mario, none,         nobody,   &anna,  Dom, Read,      vec![a2m(Expired, past, next)],  Err(Denied::DelegationNotInForce)),
        ("active but past its last day",       &mario, none,         nobody,   &anna,  Dom, Read,      vec![a2m(Active, past, date!(2026 - 03 - 14))], Err(Denied::DelegationNotInForce)),
        ("active but not started yet",         &mario, none,         nobody,   &anna,  Dom, Read,      vec![a2m(Active, date!(2026 - 03 - 16), next)], Err(Denied::DelegationNotInForce)),
        ("first and last day both count",      &mario, none,         nobody,   &anna,  Dom, Read,      vec![a2m(Active, TODAY, TODAY)], granted("d1")),
        ("delegation to someone else",         &firm,  none,         nobody,   &anna,  Dom, Read,      live(),   Err(Denied::NoRelationship)),
        ("delegation from someone else",       &mario, none,         nobody,   &firm,  Dom, Read,      live(),   Err(Denied::NoRelationship)),
        ("reverse direction",                  &anna,  none,         nobody,   &mario, Dom, Read,      live(),   Err(Denied::NoRelationship)),
        ("intermediary role alone",            &mario, intermediary, nobody,   &anna,  Dom, Read,      vec![],   Err(Denied::NoRelationship)),
        ("operator",                           &mario, operator,     nobody,   &anna,  Dom, Inquiries, vec![],   Ok(Access::Operator)),
        ("an operator delegate is an operator", &mario, operator,     nobody,   &anna,  Dom, Read,      live(),   Ok(Access::Operator)),
        ("operator beyond the delegation",     &mario, operator,     nobody,   &anna,  Dom, Inquiries, live(),   Ok(Access::Operator)),
        ("out of scope beats not in force",    &mario, none,         nobody,   &anna,  Dom, Inquiries, dead_then_live(), Err(Denied::DelegationOutOfScope)),
        ("a live delegation after a dead one", &mario, none,         nobody,   &anna,  Dom, Read,      dead_then_live(), granted("d1")),
    ];
    for (case, caller, roles, represents, subject, service, scope, delegations, expected) in table {
        // Every caller of the table is a qualified delegate; `unqualified_delegates` covers
        // the others.
        let roles: Vec<Role> = roles.iter().copied().chain([Role::Intermediary]).collect();
        let facts = CallerFacts {
            tax_code: caller,
            roles: &roles,
            represents,
            registered_intermediary: true,
        };
        assert_eq!(
            authorize(&facts, subject, service, scope, &delegations, TODAY),
            expected,
            "{case}"
        );
    }
}

#[test]
fn unqualified_delegates() {
    use Scope::{Inquiries, Read};
    let [mario, anna, _] = pool();
    let live = vec![fact(
        "d1",
        &anna,
        &mario,
        Service::DomesticWork,
        &[Read],
        DelegationStatus::Active,
        LAST_MONTH,
        NEXT_MONTH,
    )];
    let decide = |roles: &[Role], registered: bool, scope: Scope| {
        let facts = CallerFacts {
            tax_code: &mario,
            roles,
            represents: &[],
            registered_intermediary: registered,
        };
        authorize(&facts, &anna, Service::DomesticWork, scope, &live, TODAY)
    };
    let intermediary = [Role::Intermediary];
    assert_eq!(
        decide(&intermediary, true, Read),
        Ok(Access::Delegation { id: "d1".into() })
    );
    // The role was revoked, or the register entry deactivated: the delegation is unusable.
    assert_eq!(decide(&[], true, Read), Err(Denied::DelegateNotQualified));
    assert_eq!(
        decide(&intermediary, false, Read),
        Err(Denied::DelegateNotQualified)
    );
    // Not even the scope it lacks is revealed.
    assert_eq!(
        decide(&intermediary, false, Inquiries),
        Err(Denied::DelegateNotQualified)
    );
    assert!(!Denied::DelegateNotQualified.reveals_resource());
    assert!(Denied::DelegationOutOfScope.reveals_resource());
    // An operator still reads as an operator.
    assert_eq!(decide(&[Role::Operator], false, Read), Ok(Access::Operator));
}

/// The rule written out once more, as plainly as possible, without the helpers the
/// implementation uses.
fn oracle(w: &World) -> Result<Access, Denied> {
    let pool = pool();
    let caller = &pool[w.caller];
    let subject = &pool[w.subject];
    let (service, scope, today) = (w.service, w.scope, w.today);
    let qualified = w.registered && w.roles.contains(&Role::Intermediary);
    let mut live_without_scope = false;
    let mut live_any = false;
    let mut dead = false;
    let mut granting = None;
    for d in &w.delegations {
        if d.delegator != *subject || d.delegate != *caller || d.service != service {
            continue;
        }
        let live =
            d.status == DelegationStatus::Active && d.valid_from <= today && today <= d.valid_until;
        live_any |= live;
        if !live {
            dead = true;
        } else if !d.scopes.contains(&scope) {
            live_without_scope = true;
        } else if granting.is_none() {
            granting = Some(d.id.clone());
        }
    }
    if caller == subject {
        Ok(Access::OwnData)
    } else if w.represents.iter().any(|&i| pool[i] == *subject) {
        Ok(Access::LegalRepresentative)
    } else if w.roles.contains(&Role::Operator) {
        Ok(Access::Operator)
    } else if let Some(id) = granting.filter(|_| qualified) {
        Ok(Access::Delegation { id })
    } else if live_any && !qualified {
        Err(Denied::DelegateNotQualified)
    } else if live_without_scope {
        Err(Denied::DelegationOutOfScope)
    } else if dead {
        Err(Denied::DelegationNotInForce)
    } else {
        Err(Denied::NoRelationship)
    }
}

#[derive(Debug, Clone)]
struct World {
    caller: usize,
    subject: usize,
    roles: Vec<Role>,
    represents: Vec<usize>,
    registered: bool,
    service: Service,
    scope: Scope,
    delegations: Vec<DelegationFact>,
    today: Date,
}

impl World {
    fn decide(&self, delegations: &[DelegationFact]) -> Result<Access, Denied> {
        let pool = pool();
        let represents: Vec<TaxCode> = self.represents.iter().map(|&i| pool[i].clone()).collect();
        let caller = CallerFacts {
            tax_code: &pool[self.caller],
            roles: &self.roles,
            represents: &represents,
            registered_intermediary: self.registered,
        };
        authorize(
            &caller,
            &pool[self.subject],
            self.service,
            self.scope,
            delegations,
            self.today,
        )
    }
}

fn any_fact(index: usize, today: Date) -> impl Strategy<Value = DelegationFact> {
    (
        0..3usize,
        0..3usize,
        proptest::sample::select(Service::ALL.to_vec()),
        proptest::sample::subsequence(Scope::ALL.to_vec(), 0..=Scope::ALL.len()),
        proptest::sample::select(DelegationStatus::ALL.to_vec()),
        -5i64..5,
        -5i64..5,
    )
        .prop_map(move |(from, to, service, scopes, status, start, end)| {
            let pool = pool();
            DelegationFact {
                id: format!("d{index}"),
                delegator: pool[from].clone(),
                delegate: pool[to].clone(),
                service,
                scopes,
                status,
                valid_from: today + Duration::days(start),
                valid_until: today + Duration::days(end),
            }
        })
}

fn any_world() -> impl Strategy<Value = World> {
    (0i64..800, 0..6usize).prop_flat_map(|(day, count)| {
        let today = date!(2025 - 01 - 01) + Duration::days(day);
        let facts: Vec<_> = (0..count).map(|i| any_fact(i, today)).collect();
        (
            0..3usize,
            0..3usize,
            proptest::sample::subsequence(Role::ALL.to_vec(), 0..=Role::ALL.len()),
            proptest::sample::subsequence(vec![0usize, 1, 2], 0..=3),
            proptest::bool::weighted(0.8),
            proptest::sample::select(Service::ALL.to_vec()),
            proptest::sample::select(Scope::ALL.to_vec()),
            facts,
        )
            .prop_map(
                move |(
                    caller,
                    subject,
                    roles,
                    represents,
                    registered,
                    service,
                    scope,
                    delegations,
                )| World {
                    caller,
                    subject,
                    roles,
                    represents,
                    registered,
                    service,
                    scope,
                    delegations,
                    today,
                },
            )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn matches_the_oracle(w in any_world()) {
        prop_assert_eq!(w.decide(&w.delegations), oracle(&w));
    }

    #[test]
    fn the_subject_is_never_denied(w in any_world()) {
        let w = World { caller: w.subject, ..w };
        prop_assert_eq!(w.decide(&w.delegations), Ok(Access::OwnData));
    }

    #[test]
    fn a_grant_names_a_live_matching_delegation_with_the_scope(w in any_world()) {
        let pool = pool();
        if let Ok(Access::Delegation { id }) = w.decide(&w.delegations) {
            let used = w.delegations.iter().find(|d| d.id == id).unwrap();
            prop_assert_eq!(&used.delegator, &pool[w.subject]);
            prop_assert_eq!(&used.delegate, &pool[w.caller]);
            prop_assert_eq!(used.service, w.service);
            prop_assert!(used.scopes.contains(&w.scope));
            prop_assert_eq!(used.status, DelegationStatus::Active);
            prop_assert!(used.valid_from <= w.today && w.today <= used.valid_until);
        }
    }

    #[test]
    fn a_delegation_never_grants_a_scope_it_lacks(w in any_world()) {
        let without: Vec<DelegationFact> = w.delegations.iter().cloned().map(|mut d| {
            d.scopes.retain(|&s| s != w.scope);
            d
        }).collect();
        prop_assert!(!w.decide(&without).is_ok_and(|a| a.is_delegated()));
    }

    #[test]
    fn only_active_delegations_grant(w in any_world()) {
        for status in [
            DelegationStatus::Pending,
            DelegationStatus::Rejected,
            DelegationStatus::Revoked,
            DelegationStatus::Expired,
        ] {
            let dead: Vec<DelegationFact> = w.delegations.iter().cloned().map(|mut d| {
                d.status = status;
                d
            }).collect();
            prop_assert!(!w.decide(&dead).is_ok_and(|a| a.is_delegated()));
        }
        // Nor does an active delegation outside its dates.
        let outside: Vec<DelegationFact> = w.delegations.iter().cloned().map(|mut d| {
            d.valid_until = w.today - Duration::days(1);
            d
        }).collect();
        prop_assert!(!w.decide(&outside).is_ok_and(|a| a.is_delegated()));
    }

    #[test]
    fn unrelated_delegations_are_ignored(w in any_world()) {
        let pool = pool();
        let relevant: Vec<DelegationFact> = w.delegations.iter().filter(|d| {
            d.delegator == pool[w.subject] && d.delegate == pool[w.caller] && d.service == w.service
        }).cloned().collect();
        prop_assert_eq!(w.decide(&w.delegations), w.decide(&relevant));
    }
}

proptest! {
    #[test]
    fn the_delegations_are_needed_only_when_they_can_decide(w in any_world()) {
        let pool = pool();
        let represents: Vec<TaxCode> = w.represents.iter().map(|&i| pool[i].clone()).collect();
        let caller = CallerFacts {
            tax_code: &pool[w.caller],
            roles: &w.roles,
            represents: &represents,
            registered_intermediary: w.registered,
        };
        if !needs_delegations(&caller, &pool[w.subject]) {
            // Without loading them, the decision is the same.
            prop_assert_eq!(w.decide(&[]), w.decide(&w.delegations));
        }
    }
}
