//! Occasional work: the rules of art. 54-bis are dated rows (`occasional_rule_sets`), read into a
//! `RuleBook`; the seed is exactly `RuleSet::law_2023`, and a service is judged by the row in
//! force on its own date.

use inps_domain::money::Money;
use inps_domain::occasional::admission::{Facts, Refusal, admit};
use inps_domain::occasional::client::{Business, Client};
use inps_domain::occasional::limits::{PairHistory, YearTotals};
use inps_domain::occasional::rules::{AtecoCode, RuleBook, RuleSet};
use inps_domain::occasional::service::{Activity, ServiceDraft, Terms};
use inps_domain::occasional::worker::SelfDeclaration;
use inps_domain::tax_code::TaxCode;
use inps_persistence::occasional::{RuleSetRow, insert_rule_set, rule_book};
use inps_tests::TestApp;
use inps_tests::personas::{employer, other_person};
use time::macros::{date, datetime, time};

#[test]
fn the_seeded_rule_set_is_the_law_of_2023() {
    let app = TestApp::new();
    let mut conn = app.db.as_ref().expect("database").connect();
    let book = rule_book(&mut conn).expect("rule book");
    assert_eq!(book, RuleBook::seed().expect("seed"));
}

#[test]
fn a_service_is_judged_by_the_rules_in_force_on_its_date() {
    let app = TestApp::new();
    let mut conn = app.db.as_ref().expect("database").connect();
    // A new law from 2027: PrestO pays at least 10 EUR an hour.
    let mut law_2027 = RuleSet::law_2023().expect("law");
    law_2027.effective_from = date!(2027 - 01 - 01);
    law_2027.presto.min_hourly_pay = Money::from_cents(1_000).expect("amount");
    insert_rule_set(&mut conn, &RuleSetRow::of(&law_2027).expect("row")).expect("insert");
    let book = rule_book(&mut conn).expect("rule book");

    let rep = TaxCode::parse(&employer().tax_code).expect("tax code");
    let business = Business::new(
        TaxCode::parse("12345678903").expect("business tax code"),
        rep,
        AtecoCode::parse("56.10.11").expect("ateco"),
        3.into(),
    )
    .expect("business");
    let client = Client::Business(business);
    let worker = TaxCode::parse(&other_person().tax_code).expect("tax code");
    let facts = Facts {
        client: &client,
        worker: &worker,
        declaration: &SelfDeclaration::Other,
        history: PairHistory::default(),
        totals: YearTotals::ZERO,
        recorded_at: datetime!(2026-12-01 09:00 UTC),
    };
    // Four hours at 36 EUR: 9 EUR an hour.
    let on = |date| ServiceDraft {
        date,
        start: time!(9:00),
        minutes: 240,
        activity: Activity::Other,
        terms: Terms::Presto {
            pay: Money::from_cents(3_600).expect("pay"),
        },
    };
    let last_day = admit(&on(date!(2026 - 12 - 31)), &facts, &book).expect("2026 rules");
    assert_eq!(last_day.rules_effective_from, date!(2023 - 01 - 01));
    let refused = admit(&on(date!(2027 - 01 - 01)), &facts, &book).expect_err("2027 rules");
    assert_eq!(refused.rule(), "presto_hourly_minimum");
    assert!(matches!(refused, Refusal::Service(_)));
}
