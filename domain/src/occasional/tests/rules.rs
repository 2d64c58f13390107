//! The dated rule sets: the 2023 values of DOMAIN.md, choosing a set by date, ATECO codes.

use time::macros::date;

use super::*;
use crate::occasional::rules::{RuleSetError, sector_of};
use crate::occasional::worker::Category;

#[test]
fn law_2023_holds_exactly_the_values_of_domain_md_section_1() {
    let rules = rules();
    assert_eq!(rules.effective_from, date!(2023 - 01 - 01));
    // 1.1: limits on net pay, per calendar year.
    assert_eq!(rules.limits.worker, eur("5000"));
    assert_eq!(rules.limits.client, eur("10000"));
    assert_eq!(rules.limits.client_listed_sector, eur("15000"));
    assert_eq!(rules.limits.pair, eur("2500"));
    assert_eq!(rules.limits.presto_pair_hours, 280);
    assert_eq!(rules.limits.former_employer_months, 6);
    assert_eq!(rules.weighting, dec("0.75"));
    assert_eq!(
        rules.weighted_categories,
        [
            Category::Pensioner,
            Category::StudentUnder25,
            Category::Unemployed,
            Category::IncomeSupport
        ]
    );
    // 1.3: the Libretto Famiglia title and its split.
    assert_eq!(rules.title.gross, eur("10"));
    assert_eq!(rules.title.net, eur("8"));
    assert_eq!(rules.title.pension, eur("1.65"));
    assert_eq!(rules.title.inail, eur("0.25"));
    assert_eq!(rules.title.management, eur("0.10"));
    let split = [
        rules.title.pension,
        rules.title.inail,
        rules.title.management,
    ]
    .into_iter()
    .try_fold(rules.title.net, Money::checked_add)
    .unwrap();
    assert_eq!(split, rules.title.gross, "the split adds up to the title");
    assert_eq!(rules.libretto_report_day, 3);
    // 1.4: PrestO.
    assert_eq!(rules.presto.min_hourly_pay, eur("9"));
    assert_eq!(rules.presto.min_daily_pay, eur("36"));
    assert_eq!(rules.presto.pension_rate, dec("0.33"));
    assert_eq!(rules.presto.inail_rate, dec("0.035"));
    assert_eq!(rules.presto.management_rate, dec("0.01"));
    assert_eq!(rules.presto.notice_minutes, 60);
    assert_eq!(rules.presto.revocation_days, 3);
    // 1.2: employee thresholds and sectors.
    assert_eq!(rules.presto.max_employees, dec("10"));
    assert_eq!(rules.presto.max_employees_listed_sector, dec("25"));
    let codes = |sectors: &[crate::occasional::rules::Sector]| {
        sectors
            .iter()
            .map(|sector| sector.prefix.to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        codes(&rules.listed_sectors),
        ["82.30.00", "96.04.20", "93.21.01", "96.09.05"]
    );
    assert_eq!(
        codes(&rules.banned_sectors),
        [
            "01", "05", "06", "07", "08", "09", "23.70", "41", "42", "43"
        ]
    );
    // 1.5: payout fees.
    assert_eq!(rules.payout_fees.bonifico_domiciliato, eur("3.84"));
    assert_eq!(rules.payout_fees.other, eur("1.75"));
}

#[test]
fn the_book_chooses_the_set_in_force_on_a_date() {
    let mut raised = rules();
    raised.effective_from = date!(2027 - 01 - 01);
    raised.limits.worker = eur("6000");
    let book = RuleBook::new(vec![raised, rules()]).unwrap();
    assert_eq!(
        book.sets()[0].effective_from,
        date!(2023 - 01 - 01),
        "sorted"
    );
    assert_eq!(book.in_force_on(date!(2022 - 12 - 31)), None);
    let on = |date| book.in_force_on(date).unwrap().limits.worker;
    assert_eq!(on(date!(2023 - 01 - 01)), eur("5000"));
    assert_eq!(on(date!(2026 - 12 - 31)), eur("5000"));
    assert_eq!(on(date!(2027 - 01 - 01)), eur("6000"));
    assert_eq!(on(date!(2030 - 06 - 01)), eur("6000"));
}

#[test]
fn two_sets_may_not_start_on_the_same_day() {
    assert_eq!(
        RuleBook::new(vec![rules(), rules()]),
        Err(RuleSetError::DuplicateStart(date!(2023 - 01 - 01)))
    );
    assert_eq!(book().sets().len(), 1);
}

#[test]
fn impossible_rule_sets_are_refused() {
    assert_eq!(rules().validate(), Ok(()));
    let refused = |change: fn(&mut RuleSet)| {
        let mut set = rules();
        change(&mut set);
        match RuleBook::new(vec![set]) {
            Err(RuleSetError::Impossible { field, .. }) => field,
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(refused(|set| set.weighting = dec("1.5")), "weighting");
    assert_eq!(
        refused(|set| set.libretto_report_day = 31),
        "libretto_report_day"
    );
    assert_eq!(refused(|set| set.title.net = eur("8.01")), "title");
    assert_eq!(
        refused(|set| set.presto.inail_rate = dec("-0.01")),
        "presto rates"
    );
    assert_eq!(refused(|set| set.limits.pair = Money::zero()), "limits");
    assert_eq!(
        refused(|set| set.limits.client_listed_sector = eur("9999")),
        "limits"
    );
    assert_eq!(
        refused(|set| set.presto.max_employees_listed_sector = dec("9")),
        "employee thresholds"
    );
}

#[test]
fn a_rule_set_survives_json_so_the_database_can_store_it() {
    let json = serde_json::to_string(&rules()).unwrap();
    let back: RuleSet = serde_json::from_str(&json).unwrap();
    assert_eq!(back, rules());
}

#[test]
fn ateco_codes() {
    for (input, shown) in [
        ("82.30.00", "82.30.00"),
        ("823000", "82.30.00"),
        (" 01 ", "01"),
        ("23.70", "23.70"),
        ("23.7", "23.7"),
        ("41.20.0", "41.20.0"),
    ] {
        assert_eq!(
            AtecoCode::parse(input).unwrap().to_string(),
            shown,
            "{input}"
        );
    }
    for bad in [
        "",
        "1",
        "8",
        "82.",
        "8.230",
        "82..30",
        "82.30.00.1",
        "1234567",
        "82-30",
        "AB",
    ] {
        assert!(AtecoCode::parse(bad).is_err(), "{bad}");
    }
    let building = AtecoCode::parse("41").unwrap();
    assert!(building.covers(&AtecoCode::parse("41.20.00").unwrap()));
    assert!(!building.covers(&AtecoCode::parse("14.10.00").unwrap()));
    let rules = rules();
    let sector = sector_of(
        &rules.banned_sectors,
        &AtecoCode::parse("43.21.01").unwrap(),
    );
    assert_eq!(sector.unwrap().prefix.digits(), "43");
}
