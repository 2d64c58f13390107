//! The annual limits at their edges, the 75 % weighting, warnings, and a property: accepted
//! services never push a total past its limit.

use proptest::prelude::*;
use time::macros::date;

use super::*;
use crate::occasional::limits::{
    Ceilings, LimitBreach, LimitKind, PairHistory, Usage, Warning, YearTotals, check_limits,
};
use crate::occasional::service::Channel;
use crate::occasional::worker::Category;
use crate::test_support::assert_names_round_trip;

const DAY: Date = time::macros::date!(2026 - 06 - 10);

fn ceilings() -> Ceilings {
    Ceilings::new(&rules(), &household())
}

fn usage(net: &str, category: Category) -> Usage {
    Usage::of(Channel::LibrettoFamiglia, eur(net), 60, category, &rules()).unwrap()
}

fn totals(worker: &str, client: &str, pair: &str) -> YearTotals {
    YearTotals {
        worker: eur(worker),
        client: eur(client),
        pair: eur(pair),
        presto_pair_minutes: 0,
    }
}

fn check(totals: &YearTotals, usage: &Usage) -> Result<Vec<Warning>, LimitBreach> {
    check_limits(totals, usage, &PairHistory::default(), DAY, &ceilings()).map(|r| r.warnings)
}

fn broken(result: Result<Vec<Warning>, LimitBreach>) -> Vec<LimitKind> {
    result.unwrap_err().broken
}

#[test]
fn names_round_trip() {
    assert_names_round_trip(LimitKind::ALL, LimitKind::as_str);
}

#[test]
fn the_worker_limit_is_reached_exactly_and_not_passed_by_a_cent() {
    let used = totals("4900", "0", "0");
    assert!(check(&used, &usage("100.00", Category::Other)).is_ok());
    let breach = check(&used, &usage("100.01", Category::Other)).unwrap_err();
    assert_eq!(breach.broken, [LimitKind::Worker]);
    assert_eq!(breach.residual.worker, eur("100"));
    assert_eq!(breach.residual.client, eur("10000"));
    assert_eq!(breach.residual.pair, eur("2500"));
}

#[test]
fn the_pair_limit_is_reached_exactly_and_not_passed_by_a_cent() {
    let used = totals("2400", "2400", "2400");
    assert!(check(&used, &usage("100.00", Category::Other)).is_ok());
    let breach = check(&used, &usage("100.01", Category::Other)).unwrap_err();
    assert_eq!(breach.broken, [LimitKind::Pair]);
    assert_eq!(breach.residual.pair, eur("100"));
}

#[test]
fn the_client_limit_is_reached_exactly_and_not_passed_by_a_cent() {
    let used = totals("0", "9900", "0");
    assert!(check(&used, &usage("100.00", Category::Other)).is_ok());
    assert_eq!(
        broken(check(&used, &usage("100.01", Category::Other))),
        [LimitKind::Client]
    );
    let fair = Ceilings::new(&rules(), &Client::Business(business("82.30.00", "3")));
    let used = totals("0", "14900", "0");
    let ok = check_limits(
        &used,
        &usage("100", Category::Other),
        &PairHistory::default(),
        DAY,
        &fair,
    );
    assert!(ok.is_ok());
    let over = check_limits(
        &used,
        &usage("100.01", Category::Other),
        &PairHistory::default(),
        DAY,
        &fair,
    );
    assert_eq!(over.unwrap_err().broken, [LimitKind::Client]);
}

#[test]
fn special_categories_count_at_75_percent_against_the_client_limit_only() {
    // DOMAIN.md 1.1: 10,000 EUR of pay to students counts as 7,500.
    let student = Usage::of(
        Channel::Presto,
        eur("10000"),
        60,
        Category::StudentUnder25,
        &rules(),
    )
    .unwrap();
    assert_eq!(student.weighted, eur("7500"));
    assert_eq!(student.net, eur("10000"));
    for category in [
        Category::Pensioner,
        Category::Unemployed,
        Category::IncomeSupport,
    ] {
        assert_eq!(usage("100", category).weighted, eur("75"), "{category}");
    }
    assert_eq!(usage("100", Category::Other).weighted, eur("100"));
    // 9,250 used + 75 % of 1,000 = 10,000 exactly: accepted.
    let used = totals("0", "9250", "0");
    assert!(check(&used, &usage("1000", Category::Pensioner)).is_ok());
    // One more weighted cent is refused: 9,250.01 + 750.
    let used = totals("0", "9250.01", "0");
    assert_eq!(
        broken(check(&used, &usage("1000", Category::Pensioner))),
        [LimitKind::Client]
    );
    // 75 % of 1,000.01 is 750.0075, rounded to 750.01: one cent over.
    let used = totals("0", "9250", "0");
    assert_eq!(
        usage("1000.01", Category::Pensioner).weighted,
        eur("750.01")
    );
    assert_eq!(
        broken(check(&used, &usage("1000.01", Category::Pensioner))),
        [LimitKind::Client]
    );
    // The worker and pair limits count the full amount.
    let used = totals("4000", "0", "1500");
    assert!(check(&used, &usage("1000", Category::StudentUnder25)).is_ok());
    assert_eq!(
        broken(check(&used, &usage("1000.01", Category::StudentUnder25))),
        [LimitKind::Worker, LimitKind::Pair]
    );
}

#[test]
fn presto_pair_hours_stop_at_280() {
    let rules = rules();
    let ceilings = Ceilings::new(&rules, &Client::Business(business("56.10.11", "3")));
    let used = YearTotals {
        presto_pair_minutes: 279 * 60,
        ..YearTotals::ZERO
    };
    let hour = Usage::of(Channel::Presto, eur("36"), 60, Category::Other, &rules).unwrap();
    let report = check_limits(&used, &hour, &PairHistory::default(), DAY, &ceilings).unwrap();
    assert_eq!(report.totals.presto_pair_minutes, 280 * 60);
    assert_eq!(report.residual.presto_pair_minutes, 0);
    let more = Usage::of(Channel::Presto, eur("36"), 61, Category::Other, &rules).unwrap();
    let breach = check_limits(&used, &more, &PairHistory::default(), DAY, &ceilings).unwrap_err();
    assert_eq!(breach.broken, [LimitKind::PrestoPairHours]);
    assert_eq!(breach.residual.presto_pair_minutes, 60);
    // Libretto Famiglia hours do not count.
    let libretto = Usage::of(
        Channel::LibrettoFamiglia,
        eur("8"),
        61,
        Category::Other,
        &rules,
    )
    .unwrap();
    assert_eq!(libretto.presto_minutes, 0);
}

#[test]
fn no_work_for_a_former_employer_within_six_months() {
    let history = PairHistory {
        last_employment_day: Some(date!(2026 - 01 - 31)),
    };
    let run = |date| {
        check_limits(
            &YearTotals::ZERO,
            &usage("8", Category::Other),
            &history,
            date,
            &ceilings(),
        )
    };
    let breach = run(date!(2026 - 07 - 31)).unwrap_err();
    assert_eq!(breach.broken, [LimitKind::FormerEmployer]);
    assert_eq!(breach.former_employment_until, Some(date!(2026 - 01 - 31)));
    assert!(run(date!(2026 - 08 - 01)).is_ok());
    // An employment still running (last day = the work day) bars the work.
    let running = PairHistory {
        last_employment_day: Some(DAY),
    };
    assert!(
        check_limits(
            &YearTotals::ZERO,
            &usage("8", Category::Other),
            &running,
            DAY,
            &ceilings()
        )
        .is_err()
    );
}

#[test]
fn a_refusal_names_every_broken_limit() {
    let used = totals("5000", "10000", "2500");
    let history = PairHistory {
        last_employment_day: Some(DAY),
    };
    let breach = check_limits(
        &used,
        &usage("0.01", Category::Other),
        &history,
        DAY,
        &ceilings(),
    )
    .unwrap_err();
    assert_eq!(
        breach.broken,
        [
            LimitKind::Worker,
            LimitKind::Client,
            LimitKind::Pair,
            LimitKind::FormerEmployer
        ]
    );
    assert_eq!(
        breach.to_string(),
        "the service would break these limits: worker, client, pair, former_employer"
    );
}

#[test]
fn warnings_at_80_and_95_percent() {
    // The pair limit is 2,500: 80 % is 2,000 and 95 % is 2,375.
    let warnings = check(
        &totals("0", "0", "1999.99"),
        &usage("0.01", Category::Other),
    )
    .unwrap();
    assert_eq!(
        warnings,
        [Warning {
            limit: LimitKind::Pair,
            threshold: 80,
            newly_reached: true
        }]
    );
    let warnings = check(&totals("0", "0", "1998"), &usage("1", Category::Other)).unwrap();
    assert_eq!(warnings, []);
    let warnings = check(&totals("0", "0", "2100"), &usage("8", Category::Other)).unwrap();
    assert_eq!(
        warnings,
        [Warning {
            limit: LimitKind::Pair,
            threshold: 80,
            newly_reached: false
        }]
    );
    // 4,750 of 5,000 is 95 % of the worker limit, 2,375 of 2,500 of the pair one.
    let warnings = check(&totals("4742", "0", "2367"), &usage("8", Category::Other)).unwrap();
    assert_eq!(
        warnings,
        [
            Warning {
                limit: LimitKind::Worker,
                threshold: 95,
                newly_reached: true
            },
            Warning {
                limit: LimitKind::Pair,
                threshold: 95,
                newly_reached: true
            }
        ]
    );
}

#[test]
fn releasing_never_goes_below_zero() {
    let used = totals("10", "5", "10");
    let released = used.release(&usage("16", Category::Pensioner));
    assert_eq!(released, YearTotals::ZERO);
    let added = used.add(&usage("8", Category::Pensioner)).unwrap();
    assert_eq!(added.release(&usage("8", Category::Pensioner)), used);
}

#[test]
fn residuals_are_zero_past_a_lowered_limit() {
    let residual = ceilings().residual(&totals("6000", "0", "0"));
    assert_eq!(residual.worker, Money::zero());
}

fn category() -> impl Strategy<Value = Category> {
    prop::sample::select(Category::ALL.to_vec())
}

proptest! {
    #[test]
    fn accepted_services_never_push_a_total_past_its_limit(
        services in prop::collection::vec((1i64..=150_000, 1u32..=600, category(), any::<bool>()), 1..80)
    ) {
        let rules = rules();
        let ceilings = Ceilings::new(&rules, &Client::Business(business("56.10.11", "3")));
        let mut totals = YearTotals::ZERO;
        for (cents, minutes, category, presto) in services {
            let channel = if presto { Channel::Presto } else { Channel::LibrettoFamiglia };
            let usage = Usage::of(channel, Money::from_cents(cents).unwrap(), minutes, category, &rules).unwrap();
            match check_limits(&totals, &usage, &PairHistory::default(), DAY, &ceilings) {
                Ok(report) => {
                    prop_assert_eq!(report.totals, totals.add(&usage).unwrap());
                    totals = report.totals;
                }
                Err(breach) => {
                    prop_assert!(!breach.broken.is_empty());
                    let after = totals.add(&usage).unwrap();
                    let over = after.worker > ceilings.worker
                        || after.client > ceilings.client
                        || after.pair > ceilings.pair
                        || after.presto_pair_minutes > ceilings.presto_pair_minutes;
                    prop_assert!(over, "refused within every limit");
                }
            }
            prop_assert!(totals.worker <= ceilings.worker);
            prop_assert!(totals.client <= ceilings.client);
            prop_assert!(totals.pair <= ceilings.pair);
            prop_assert!(totals.presto_pair_minutes <= ceilings.presto_pair_minutes);
        }
    }
}
