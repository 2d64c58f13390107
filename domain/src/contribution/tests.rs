//! Tests for the quarterly contribution rules: quarters, due windows, paid weeks, bands and
//! rates, amounts, prescription and status.

use proptest::prelude::*;
use time::Weekday;
use time::macros::date;

use super::*;
use crate::calendar::is_working_day;
use crate::test_support::assert_names_round_trip;

fn d(text: &str) -> Decimal {
    text.parse().unwrap()
}

fn eur(text: &str) -> Money {
    Money::eur(d(text)).unwrap()
}

fn band(open_cuaf: &str, open_no_cuaf: &str, fixed_cuaf: &str, fixed_no_cuaf: &str) -> RateBand {
    RateBand {
        rate_open_ended_cuaf: d(open_cuaf),
        rate_open_ended_no_cuaf: d(open_no_cuaf),
        rate_fixed_term_cuaf: d(fixed_cuaf),
        rate_fixed_term_no_cuaf: d(fixed_no_cuaf),
    }
}

/// 2026 table, INPS circ. 9 of 3/2/2026 (DOMAIN.md 2.4). The rates marked "n/a" in the source
/// (band 3 fixed-term without CUAF, over 24 hours without CUAF) take the value of the
/// corresponding rate with CUAF.
fn rates_2026() -> YearRates {
    YearRates {
        year: 2026,
        band1_max_pay: d("9.61"),
        band2_max_pay: d("11.70"),
        band1: band("1.70", "1.71", "1.82", "1.83"),
        band2: band("1.92", "1.93", "2.05", "2.06"),
        band3: band("2.34", "2.34", "2.50", "2.50"),
        over_24_hours: band("1.24", "1.24", "1.32", "1.32"),
    }
}

/// 2025 table, INPS circ. 29 of 30/1/2025 (DOMAIN.md 2.4). Only the open-ended rates with CUAF
/// are published in the sources read; the other variants are [`derived_rate`] of them, checked
/// by `the_2025_fixture_follows_derived_rate`.
fn rates_2025() -> YearRates {
    YearRates {
        year: 2025,
        band1_max_pay: d("9.48"),
        band2_max_pay: d("11.54"),
        band1: band("1.68", "1.69", "1.80", "1.81"),
        band2: band("1.89", "1.90", "2.02", "2.03"),
        band3: band("2.30", "2.31", "2.46", "2.48"),
        over_24_hours: band("1.22", "1.23", "1.31", "1.31"),
    }
}

fn rates(year: i32) -> Option<YearRates> {
    match year {
        2025 => Some(rates_2025()),
        2026 => Some(rates_2026()),
        _ => None,
    }
}

fn terms(start: Date, end: Option<Date>, weekly_hours: &str, hourly_pay: &str) -> EmploymentTerms {
    EmploymentTerms {
        start,
        end,
        weekly_hours: d(weekly_hours),
        hourly_pay: d(hourly_pay),
        fixed_term: false,
        cuaf: true,
    }
}

fn ongoing() -> EmploymentTerms {
    terms(date!(2020 - 01 - 01), None, "20", "10.00")
}

const Q1_2026: QuarterId = QuarterId::new(2026, Quarter::Q1);

#[test]
fn names_round_trip() {
    assert_names_round_trip(&ContributionStatus::ALL, ContributionStatus::as_str);
    assert_names_round_trip(&BandKind::ALL, BandKind::as_str);
    assert_names_round_trip(&RateVariant::ALL, RateVariant::as_str);
    assert_names_round_trip(&Quarter::ALL, Quarter::as_str);
    let statuses: Vec<_> = ContributionStatus::ALL.iter().map(|s| s.as_str()).collect();
    assert_eq!(
        statuses,
        ["paid", "due", "overdue", "partial", "prescribed"]
    );
    assert_eq!(ContributionStatus::Partial.to_string(), "partial");
    assert_eq!(BandKind::Over24Hours.as_str(), "over_24_hours");
}

#[test]
fn quarter_numbers() {
    for quarter in Quarter::ALL {
        assert_eq!(Quarter::from_number(quarter.number()), Some(quarter));
    }
    assert_eq!(Quarter::Q3.number(), 3);
    assert_eq!(Quarter::from_number(0), None);
    assert_eq!(Quarter::from_number(5), None);
    assert_eq!(Quarter::Q2.to_string(), "Q2");
}

#[test]
fn quarter_id_text() {
    assert_eq!(Q1_2026.to_string(), "2026-Q1");
    assert_eq!("2026-Q4".parse(), Ok(QuarterId::new(2026, Quarter::Q4)));
    for bad in [
        "2026-Q5", "2026-Q0", "2026-q1", "26-Q1", "2026Q1", "2026-", "-2026-Q1", "+026-Q1",
    ] {
        let error = bad.parse::<QuarterId>().unwrap_err();
        assert_eq!(error.kind, "quarter");
        assert_eq!(error.value, bad);
    }
    let json = serde_json::to_string(&Q1_2026).unwrap();
    assert_eq!(json, "\"2026-Q1\"");
    assert_eq!(serde_json::from_str::<QuarterId>(&json).unwrap(), Q1_2026);
    assert!(serde_json::from_str::<QuarterId>("\"2026-Q9\"").is_err());
}

#[test]
fn quarter_id_calendar() {
    assert_eq!(Q1_2026.first_day(), date!(2026 - 01 - 01));
    assert_eq!(Q1_2026.last_day(), date!(2026 - 03 - 31));
    let q4 = QuarterId::new(2024, Quarter::Q4);
    assert_eq!(q4.last_day(), date!(2024 - 12 - 31));
    assert_eq!(q4.next(), QuarterId::new(2025, Quarter::Q1));
    assert_eq!(
        QuarterId::new(2024, Quarter::Q2).last_day(),
        date!(2024 - 06 - 30)
    );
    assert_eq!(
        QuarterId::containing(date!(2026 - 09 - 30)),
        QuarterId::new(2026, Quarter::Q3)
    );
    assert_eq!(
        QuarterId::containing(date!(2026 - 10 - 01)),
        QuarterId::new(2026, Quarter::Q4)
    );
    assert!(QuarterId::new(2025, Quarter::Q4) < Q1_2026);
    assert!(Q1_2026 < QuarterId::new(2026, Quarter::Q2));
    // Out of `time`'s range: saturates instead of panicking.
    assert_eq!(QuarterId::new(20_000, Quarter::Q1).first_day(), Date::MAX);
    assert_eq!(QuarterId::new(-20_000, Quarter::Q4).last_day(), Date::MIN);
}

#[test]
fn ordinary_due_windows() {
    let t = ongoing();
    assert_eq!(
        due_window(Q1_2026, &t),
        (date!(2026 - 04 - 01), date!(2026 - 04 - 10))
    );
    assert_eq!(
        due_window(QuarterId::new(2026, Quarter::Q2), &t),
        (date!(2026 - 07 - 01), date!(2026 - 07 - 10))
    );
    // 10 October 2026 is a Saturday: a working day, the deadline stays.
    assert_eq!(date!(2026 - 10 - 10).weekday(), Weekday::Saturday);
    assert_eq!(
        due_window(QuarterId::new(2026, Quarter::Q3), &t),
        (date!(2026 - 10 - 01), date!(2026 - 10 - 10))
    );
}

#[test]
fn q4_is_due_in_january_of_the_next_year_and_sunday_moves_to_monday() {
    assert_eq!(date!(2027 - 01 - 10).weekday(), Weekday::Sunday);
    assert_eq!(
        due_window(QuarterId::new(2026, Quarter::Q4), &ongoing()),
        (date!(2027 - 01 - 01), date!(2027 - 01 - 11))
    );
    // The Sole 24 Ore example of DOMAIN.md: Q1 2022 due on Monday 11 April 2022.
    assert_eq!(
        due_window(QuarterId::new(2022, Quarter::Q1), &ongoing()).1,
        date!(2022 - 04 - 11)
    );
}

#[test]
fn a_tenth_on_a_holiday_moves_to_the_next_working_day() {
    // Easter Monday 10 April 2023.
    assert_eq!(
        due_window(QuarterId::new(2023, Quarter::Q1), &ongoing()).1,
        date!(2023 - 04 - 11)
    );
    // Easter Sunday 10 April 2039, then Easter Monday: two days later.
    assert_eq!(
        due_window(QuarterId::new(2039, Quarter::Q1), &ongoing()).1,
        date!(2039 - 04 - 12)
    );
}

#[test]
fn end_of_employment_is_due_within_ten_days() {
    let t = terms(
        date!(2025 - 06 - 01),
        Some(date!(2026 - 01 - 14)),
        "20",
        "10.00",
    );
    // 24 January 2026 is a Saturday: not moved.
    assert_eq!(
        due_window(Q1_2026, &t),
        (date!(2026 - 01 - 15), date!(2026 - 01 - 24))
    );
    let c = quarter_contribution(&t, Q1_2026, rates).unwrap();
    assert!(c.final_quarter);
    assert_eq!(
        (c.due_from, c.due_by),
        (date!(2026 - 01 - 15), date!(2026 - 01 - 24))
    );
    // The quarters before the last one keep the ordinary window.
    let q4 = quarter_contribution(&t, QuarterId::new(2025, Quarter::Q4), rates).unwrap();
    assert!(!q4.final_quarter);
    assert_eq!(
        (q4.due_from, q4.due_by),
        (date!(2026 - 01 - 01), date!(2026 - 01 - 10))
    );
}

#[test]
fn end_of_employment_deadline_on_easter_monday_moves() {
    // 27 March + 10 days = Easter Monday 6 April 2026.
    let t = terms(
        date!(2025 - 06 - 01),
        Some(date!(2026 - 03 - 27)),
        "20",
        "10.00",
    );
    assert_eq!(
        due_window(Q1_2026, &t),
        (date!(2026 - 03 - 28), date!(2026 - 04 - 07))
    );
}

#[test]
fn employment_starting_on_the_first_day_of_a_quarter() {
    let t = terms(date!(2026 - 01 - 01), None, "20", "10.00");
    assert_eq!(paid_weeks(&t, Q1_2026), 13);
    assert_eq!(quarters_of(&t, date!(2026 - 01 - 01)), vec![Q1_2026]);
    let before = QuarterId::new(2025, Quarter::Q4);
    assert_eq!(paid_weeks(&t, before), 0);
    assert_eq!(
        quarter_contribution(&t, before, rates),
        Err(ContributionError::OutsideEmployment { quarter: before })
    );
}

#[test]
fn employment_ending_on_the_last_day_of_a_quarter() {
    // 30 September 2028 is a Saturday and the quarter has 14 of them (1 July is one too).
    let q3 = QuarterId::new(2028, Quarter::Q3);
    let t = terms(
        date!(2028 - 01 - 01),
        Some(date!(2028 - 09 - 30)),
        "20",
        "10.00",
    );
    assert_eq!(paid_weeks(&t, q3), 14);
    assert_eq!(
        due_window(q3, &t),
        (date!(2028 - 10 - 01), date!(2028 - 10 - 10))
    );
    assert_eq!(quarters_of(&t, date!(2030 - 01 - 01)).last(), Some(&q3));
    let q4 = q3.next();
    assert_eq!(paid_weeks(&t, q4), 0);
    assert_eq!(
        quarter_contribution(&t, q4, rates),
        Err(ContributionError::OutsideEmployment { quarter: q4 })
    );
}

#[test]
fn the_week_of_the_end_counts_in_the_last_quarter() {
    // Ends on Tuesday 31 March 2026: the week 29 March - 4 April counts in Q1, nothing in Q2.
    let t = terms(
        date!(2025 - 06 - 01),
        Some(date!(2026 - 03 - 31)),
        "20",
        "10.00",
    );
    assert_eq!(paid_weeks(&t, Q1_2026), 14);
    assert_eq!(paid_weeks(&t, Q1_2026.next()), 0);
    // Ends on Wednesday 14 January 2026: Saturdays 3, 10 and 17 January.
    let t = terms(
        date!(2025 - 06 - 01),
        Some(date!(2026 - 01 - 14)),
        "20",
        "10.00",
    );
    assert_eq!(paid_weeks(&t, Q1_2026), 3);
}

#[test]
fn paid_weeks_count_saturdays() {
    // Q1 2026: Saturdays from 3 January to 28 March.
    assert_eq!(paid_weeks(&ongoing(), Q1_2026), 13);
    // A quarter of 90 days starting on a Sunday has only 12: Q1 2023, 7 January to 25 March.
    assert_eq!(date!(2023 - 01 - 01).weekday(), Weekday::Sunday);
    assert_eq!(
        paid_weeks(&ongoing(), QuarterId::new(2023, Quarter::Q1)),
        12
    );
    // Starting on Saturday 3 January still counts that week; starting the next day does not.
    assert_eq!(
        paid_weeks(&terms(date!(2026 - 01 - 03), None, "20", "10"), Q1_2026),
        13
    );
    assert_eq!(
        paid_weeks(&terms(date!(2026 - 01 - 04), None, "20", "10"), Q1_2026),
        12
    );
    // Starting on Tuesday 31 March: its week ends on 4 April, in Q2.
    let late = terms(date!(2026 - 03 - 31), None, "20", "10");
    assert_eq!(paid_weeks(&late, Q1_2026), 0);
    assert_eq!(paid_weeks(&late, Q1_2026.next()), 13);
}

#[test]
fn quarters_of_an_employment() {
    let t = terms(date!(2025 - 11 - 15), None, "20", "10");
    let q4 = QuarterId::new(2025, Quarter::Q4);
    assert_eq!(
        quarters_of(&t, date!(2026 - 04 - 20)),
        vec![q4, Q1_2026, Q1_2026.next()]
    );
    let ended = EmploymentTerms {
        end: Some(date!(2026 - 02 - 10)),
        ..t.clone()
    };
    assert_eq!(
        quarters_of(&ended, date!(2026 - 04 - 20)),
        vec![q4, Q1_2026]
    );
    assert_eq!(quarters_of(&t, date!(2025 - 11 - 14)), Vec::new());
}

fn band_of(rates: &YearRates, weekly_hours: &str, hourly_pay: &str) -> BandKind {
    hourly_rate(
        rates,
        &terms(date!(2025 - 01 - 01), None, weekly_hours, hourly_pay),
    )
    .0
}

#[test]
fn band_boundaries_2026() {
    let r = rates_2026();
    assert_eq!(band_of(&r, "20", "9.61"), BandKind::UpToFirst);
    assert_eq!(band_of(&r, "20", "9.62"), BandKind::UpToSecond);
    assert_eq!(band_of(&r, "20", "11.70"), BandKind::UpToSecond);
    assert_eq!(band_of(&r, "20", "11.71"), BandKind::AboveSecond);
    assert_eq!(band_of(&r, "24", "9.61"), BandKind::UpToFirst);
    assert_eq!(band_of(&r, "24.5", "9.61"), BandKind::Over24Hours);
    assert_eq!(band_of(&r, "24.5", "20.00"), BandKind::Over24Hours);
    let rate = |hours, pay| hourly_rate(&r, &terms(date!(2025 - 01 - 01), None, hours, pay)).1;
    assert_eq!(rate("20", "9.61"), d("1.70"));
    assert_eq!(rate("20", "11.70"), d("1.92"));
    assert_eq!(rate("20", "11.71"), d("2.34"));
    assert_eq!(rate("24.5", "11.71"), d("1.24"));
}

#[test]
fn band_boundaries_2025() {
    let r = rates_2025();
    assert_eq!(band_of(&r, "20", "9.48"), BandKind::UpToFirst);
    assert_eq!(band_of(&r, "20", "9.49"), BandKind::UpToSecond);
    assert_eq!(band_of(&r, "20", "11.54"), BandKind::UpToSecond);
    assert_eq!(band_of(&r, "20", "11.55"), BandKind::AboveSecond);
    assert_eq!(band_of(&r, "24", "11.55"), BandKind::AboveSecond);
    assert_eq!(band_of(&r, "24.5", "11.55"), BandKind::Over24Hours);
}

#[test]
fn variants_pick_their_rate() {
    let r = rates_2026();
    let mut t = terms(date!(2026 - 01 - 01), None, "20", "9.00");
    let mut rate = |fixed_term, cuaf| {
        t.fixed_term = fixed_term;
        t.cuaf = cuaf;
        hourly_rate(&r, &t)
    };
    assert_eq!(rate(false, true), (BandKind::UpToFirst, d("1.70")));
    assert_eq!(rate(false, false), (BandKind::UpToFirst, d("1.71")));
    assert_eq!(rate(true, true), (BandKind::UpToFirst, d("1.82")));
    assert_eq!(rate(true, false), (BandKind::UpToFirst, d("1.83")));
}

#[test]
fn a_year_without_rates_is_an_error() {
    let t = ongoing();
    let q = QuarterId::new(2027, Quarter::Q1);
    assert_eq!(
        quarter_contribution(&t, q, rates),
        Err(ContributionError::NoRatesForYear { year: 2027 })
    );
    // A table labelled with another year is not used either.
    assert_eq!(
        quarter_contribution(&t, q, |_| Some(rates_2026())),
        Err(ContributionError::NoRatesForYear { year: 2027 })
    );
    // The quarter's own year is asked, not the year of the due date (Q4 2025 is due in 2026).
    let q4 = QuarterId::new(2025, Quarter::Q4);
    let c = quarter_contribution(&t, q4, rates).unwrap();
    assert_eq!(c.hourly_rate, d("1.89"));
}

#[test]
fn amounts_end_to_end() {
    // 25 hours is over 24: the over-24 band whatever the pay. 1.24 × 25 × 13.
    let t = terms(date!(2025 - 01 - 01), None, "25", "10.00");
    let c = quarter_contribution(&t, Q1_2026, rates).unwrap();
    assert_eq!(c.weeks, 13);
    assert_eq!(c.hours, d("325"));
    assert_eq!(c.band, BandKind::Over24Hours);
    assert_eq!(c.hourly_rate, d("1.24"));
    assert_eq!(c.amount, eur("403.00"));
    assert_eq!(
        (c.due_from, c.due_by),
        (date!(2026 - 04 - 01), date!(2026 - 04 - 10))
    );
    assert!(!c.final_quarter);
    // 20 hours at 10.00 EUR: band 2, 1.92 × 20 × 13.
    let t = terms(date!(2025 - 01 - 01), None, "20", "10.00");
    let c = quarter_contribution(&t, Q1_2026, rates).unwrap();
    assert_eq!((c.band, c.amount), (BandKind::UpToSecond, eur("499.20")));
}

#[test]
fn amounts_round_half_up() {
    // 7.5 × 13 = 97.5 hours × 1.71 = 166.725: half-up gives .73 (banker's rounding .72).
    let t = EmploymentTerms {
        cuaf: false,
        ..terms(date!(2025 - 01 - 01), None, "7.5", "9.00")
    };
    let c = quarter_contribution(&t, Q1_2026, rates).unwrap();
    assert_eq!(c.amount, eur("166.73"));
    // Negative hours cannot become money.
    let t = terms(date!(2025 - 01 - 01), None, "-1", "9.00");
    assert_eq!(
        quarter_contribution(&t, Q1_2026, rates),
        Err(ContributionError::Amount(MoneyError::Negative))
    );
}

#[test]
fn the_2025_fixture_follows_derived_rate() {
    let r = rates_2025();
    for b in [r.band1, r.band2, r.band3, r.over_24_hours] {
        for variant in RateVariant::ALL {
            assert_eq!(
                b.rate(variant),
                derived_rate(b.rate_open_ended_cuaf, variant)
            );
        }
    }
    assert_eq!(
        derived_rate(d("1.68"), RateVariant::OpenEndedNoCuaf),
        d("1.69")
    );
    assert_eq!(
        derived_rate(d("2.30"), RateVariant::FixedTermNoCuaf),
        d("2.48")
    );
}

#[test]
fn derived_rate_against_the_published_2026_rates() {
    let r = rates_2026();
    let derive = |b: RateBand, v| derived_rate(b.rate_open_ended_cuaf, v);
    // Matches where published...
    for v in RateVariant::ALL {
        assert_eq!(derive(r.band1, v), r.band1.rate(v));
    }
    assert_eq!(derive(r.band2, RateVariant::FixedTermCuaf), d("2.05"));
    assert_eq!(derive(r.band3, RateVariant::FixedTermCuaf), d("2.50"));
    // ... except three rates, one cent high (see the documentation of `derived_rate`).
    assert_eq!(derive(r.band2, RateVariant::FixedTermNoCuaf), d("2.07"));
    assert_eq!(derive(r.band3, RateVariant::OpenEndedNoCuaf), d("2.35"));
    assert_eq!(
        derive(r.over_24_hours, RateVariant::FixedTermCuaf),
        d("1.33")
    );
}

#[test]
fn prescription_boundary() {
    let due_by = date!(2026 - 04 - 10);
    assert_eq!(prescription_date(due_by), date!(2031 - 04 - 10));
    assert!(can_still_be_paid(due_by, date!(2031 - 04 - 10)));
    assert!(!can_still_be_paid(due_by, date!(2031 - 04 - 11)));
    let amount = eur("100.00");
    assert_eq!(
        status(amount, Money::zero(), due_by, date!(2031 - 04 - 10)),
        ContributionStatus::Overdue
    );
    assert_eq!(
        status(amount, Money::zero(), due_by, date!(2031 - 04 - 11)),
        ContributionStatus::Prescribed
    );
    assert_eq!(
        status(amount, eur("40.00"), due_by, date!(2031 - 04 - 11)),
        ContributionStatus::Prescribed
    );
    // Paid in full stays paid forever.
    assert_eq!(
        status(amount, amount, due_by, date!(2099 - 01 - 01)),
        ContributionStatus::Paid
    );
    assert_eq!(
        prescription_date(date!(2028 - 02 - 29)),
        date!(2033 - 02 - 28)
    );
    assert_eq!(prescription_date(date!(9998 - 01 - 11)), Date::MAX);
}

#[test]
fn statuses() {
    let due_by = date!(2026 - 04 - 10);
    let amount = eur("100.00");
    let at = |paid: &str, today| status(amount, eur(paid), due_by, today);
    assert_eq!(at("0", date!(2026 - 04 - 01)), ContributionStatus::Due);
    assert_eq!(at("0", date!(2026 - 04 - 10)), ContributionStatus::Due);
    assert_eq!(at("0", date!(2026 - 04 - 11)), ContributionStatus::Overdue);
    assert_eq!(
        at("0.01", date!(2026 - 04 - 01)),
        ContributionStatus::Partial
    );
    assert_eq!(
        at("99.99", date!(2027 - 01 - 01)),
        ContributionStatus::Partial
    );
    assert_eq!(at("100", date!(2026 - 04 - 01)), ContributionStatus::Paid);
    assert_eq!(at("150", date!(2026 - 04 - 01)), ContributionStatus::Paid);
    // Paid late is still paid.
    assert_eq!(at("100", date!(2027 - 01 - 01)), ContributionStatus::Paid);
    // A quarter with no paid weeks owes nothing.
    assert_eq!(
        status(Money::zero(), Money::zero(), due_by, date!(2040 - 01 - 01)),
        ContributionStatus::Paid
    );
}

fn any_date() -> impl Strategy<Value = Date> {
    (date!(2000 - 01 - 01).to_julian_day()..=date!(2100 - 12 - 31).to_julian_day())
        .prop_map(|julian| Date::from_julian_day(julian).unwrap())
}

fn any_quarter() -> impl Strategy<Value = QuarterId> {
    (2000..=2100i32, 1..=4u8)
        .prop_map(|(year, n)| QuarterId::new(year, Quarter::from_number(n).unwrap()))
}

/// Terms in 2025-2026 (the years of the fixture), ongoing or ended.
fn any_terms() -> impl Strategy<Value = EmploymentTerms> {
    let day = date!(2025 - 01 - 01).to_julian_day()..=date!(2026 - 12 - 31).to_julian_day();
    (
        day.clone(),
        proptest::option::of(0..=400i32),
        1..=100u32,
        500..=2000i64,
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(start, length, half_hours, pay_cents, fixed_term, cuaf)| {
            let start = Date::from_julian_day(start).unwrap();
            EmploymentTerms {
                start,
                end: length.map(|days| start + Duration::days(i64::from(days))),
                weekly_hours: Decimal::new(i64::from(half_hours) * 5, 1),
                hourly_pay: Decimal::new(pay_cents, 2),
                fixed_term,
                cuaf,
            }
        })
}

proptest! {
    #[test]
    fn ordinary_due_by_is_a_working_day_from_the_tenth(quarter in any_quarter()) {
        let (from, by) = due_window(quarter, &ongoing());
        let next = quarter.next();
        prop_assert_eq!(from, next.first_day());
        prop_assert!(is_working_day(by));
        prop_assert_eq!((by.year(), by.month()), (next.year, next.quarter.first_month()));
        prop_assert!((10..=14).contains(&by.day()));
    }

    #[test]
    fn end_of_employment_due_by_is_ten_days_after_the_end(end in any_date()) {
        let t = terms(date!(1999 - 01 - 01), Some(end), "20", "10");
        let quarter = QuarterId::containing(end);
        let (from, by) = due_window(quarter, &t);
        prop_assert_eq!(from, end + Duration::days(1));
        prop_assert!(is_working_day(by));
        prop_assert!((10..=14).contains(&(by - end).whole_days()));
        // Never later than the ordinary deadline of the same quarter.
        prop_assert!(by <= due_window(quarter, &ongoing()).1);
    }

    #[test]
    fn amount_is_rounded_hours_times_rate(t in any_terms(), offset in 0..8usize) {
        let quarters = quarters_of(&t, date!(2026 - 12 - 31));
        prop_assume!(!quarters.is_empty());
        let quarter = quarters[offset % quarters.len()];
        let c = quarter_contribution(&t, quarter, rates).unwrap();
        prop_assert!(c.weeks <= 14);
        prop_assert_eq!(c.hours, t.weekly_hours * Decimal::from(c.weeks));
        prop_assert_eq!(c.hourly_rate, hourly_rate(&rates(quarter.year).unwrap(), &t).1);
        let expected = (c.hours * c.hourly_rate)
            .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
        prop_assert_eq!(c.amount.amount(), expected);
    }

    #[test]
    fn every_week_is_counted_once(t in any_terms()) {
        let end = t.end.unwrap_or(date!(2026 - 12 - 31));
        let counted: u32 = quarters_of(&t, end).into_iter().map(|q| paid_weeks(&t, q)).sum();
        let last_saturday = saturday_on_or_after(end).unwrap();
        let expected = if t.end.is_some() {
            saturdays_between(t.start, last_saturday)
        } else {
            saturdays_between(t.start, QuarterId::containing(end).last_day())
        };
        prop_assert_eq!(counted, expected);
    }

    #[test]
    fn a_full_quarter_has_12_to_14_weeks(quarter in any_quarter()) {
        let weeks = paid_weeks(&terms(date!(1999 - 01 - 01), None, "20", "10"), quarter);
        prop_assert!((12..=14).contains(&weeks));
    }

    #[test]
    fn status_is_monotone_in_time(
        amount_cents in 0..100_000i64,
        paid_cents in 0..100_000i64,
        due_by in any_date(),
        first in any_date(),
        days in 0..4000i64,
    ) {
        let amount = Money::from_cents(amount_cents).unwrap();
        let paid = Money::from_cents(paid_cents).unwrap();
        let later = first + Duration::days(days);
        let before = status(amount, paid, due_by, first);
        let after = status(amount, paid, due_by, later);
        let rank = |s| match s {
            ContributionStatus::Due => 0,
            ContributionStatus::Overdue | ContributionStatus::Partial => 1,
            ContributionStatus::Paid | ContributionStatus::Prescribed => 2,
        };
        prop_assert!(rank(after) >= rank(before), "{before} then {after}");
        if matches!(before, ContributionStatus::Paid | ContributionStatus::Prescribed) {
            prop_assert_eq!(after, before);
        }
        if before == ContributionStatus::Partial {
            prop_assert!(matches!(after, ContributionStatus::Partial | ContributionStatus::Prescribed));
        }
    }

    #[test]
    fn quarter_ids_round_trip_and_follow_each_other(quarter in any_quarter()) {
        prop_assert_eq!(quarter.to_string().parse::<QuarterId>(), Ok(quarter));
        let next = quarter.next();
        prop_assert!(next > quarter);
        prop_assert_eq!(quarter.last_day().next_day(), Some(next.first_day()));
        prop_assert_eq!(QuarterId::containing(quarter.first_day()), quarter);
        prop_assert_eq!(QuarterId::containing(quarter.last_day()), quarter);
    }
}

#[test]
fn an_unknown_amount_is_never_taken_as_paid_without_payments() {
    let due_by = date!(2021 - 04 - 10);
    let zero = Money::zero();
    assert_eq!(
        status_of_unknown_amount(zero, due_by, date!(2021 - 04 - 10)),
        ContributionStatus::Due
    );
    assert_eq!(
        status_of_unknown_amount(zero, due_by, date!(2021 - 04 - 11)),
        ContributionStatus::Overdue
    );
    assert_eq!(
        status_of_unknown_amount(zero, due_by, date!(2026 - 04 - 10)),
        ContributionStatus::Overdue
    );
    assert_eq!(
        status_of_unknown_amount(zero, due_by, date!(2026 - 04 - 11)),
        ContributionStatus::Prescribed
    );
    let some = Money::from_cents(12_000).unwrap();
    assert_eq!(
        status_of_unknown_amount(some, due_by, date!(2030 - 01 - 01)),
        ContributionStatus::Paid
    );
}
