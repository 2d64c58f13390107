//! Rectification with the old version released, duplication, weekly recurring rules.

use std::collections::BTreeMap;

use proptest::prelude::*;
use time::Weekday;
use time::macros::{date, datetime};

use super::*;
use crate::occasional::admission::{Facts, admit};
use crate::occasional::changes::{
    CurrentVersion, Field, RectificationError, RecurrenceError, WeeklyRule, WeeklyWork,
    changed_fields, duplicate, plan, rectify,
};
use crate::occasional::limits::{PairHistory, Usage, YearTotals};
use crate::occasional::service::ServiceStatus;
use crate::occasional::worker::SelfDeclaration;

struct Pair {
    client: Client,
    worker: TaxCode,
    declaration: SelfDeclaration,
}

impl Pair {
    fn household() -> Self {
        Self {
            client: household(),
            worker: person("RSSMRA85T10A562"),
            declaration: SelfDeclaration::Other,
        }
    }

    fn shop() -> Self {
        Self {
            client: Client::Business(business("56.10.11", "4")),
            ..Self::household()
        }
    }

    /// What `draft`, recorded alone at `at`, adds to the totals.
    fn usage_of(&self, draft: &ServiceDraft, at: time::OffsetDateTime) -> Usage {
        admit(draft, &self.facts(YearTotals::ZERO, at), &book())
            .unwrap()
            .usage
    }

    fn facts(&self, totals: YearTotals, recorded_at: time::OffsetDateTime) -> Facts<'_> {
        Facts {
            client: &self.client,
            worker: &self.worker,
            declaration: &self.declaration,
            history: PairHistory::default(),
            totals,
            recorded_at,
        }
    }
}

#[test]
fn the_changed_fields_are_listed() {
    let old = presto(date!(2026 - 03 - 12), 240, "40");
    let new = ServiceDraft {
        minutes: 300,
        terms: Terms::Presto { pay: eur("50") },
        ..old
    };
    assert_eq!(changed_fields(&old, &new), [Field::Minutes, Field::Pay]);
    assert_eq!(changed_fields(&old, &old), []);
}

#[test]
fn a_rectification_is_checked_with_the_old_version_released() {
    let pair = Pair::household();
    let old = libretto(date!(2026 - 05 - 04), 120);
    let old_usage = pair.usage_of(&old, datetime!(2026-05-04 18:00 UTC));
    // The pair limit is used to the cent, this service included.
    let totals = YearTotals {
        pair: eur("2500"),
        worker: eur("2500"),
        client: eur("2500"),
        ..YearTotals::ZERO
    };
    let current = CurrentVersion {
        number: 1,
        draft: &old,
        usage: &old_usage,
        status: ServiceStatus::Recorded,
    };
    let at = datetime!(2026-05-10 10:00 UTC);
    let shorter = libretto(date!(2026 - 05 - 04), 60);
    let rectification = rectify(&current, &shorter, &pair.facts(totals, at), &book()).unwrap();
    assert_eq!(rectification.version, 2);
    assert_eq!(rectification.changes, [Field::Minutes]);
    assert_eq!(rectification.admission.limits.totals.pair, eur("2492"));
    let other_activity = ServiceDraft {
        activity: Activity::PrivateTuition,
        ..old
    };
    assert!(rectify(&current, &other_activity, &pair.facts(totals, at), &book()).is_ok());
    let longer = libretto(date!(2026 - 05 - 04), 180);
    let error = rectify(&current, &longer, &pair.facts(totals, at), &book()).unwrap_err();
    assert_eq!(error.rule(), "pair_limit");
}

#[test]
fn a_rectification_needs_an_open_service_the_same_channel_and_a_change() {
    let pair = Pair::household();
    let old = libretto(date!(2026 - 05 - 04), 120);
    let usage = pair.usage_of(&old, datetime!(2026-05-04 18:00 UTC));
    let at = datetime!(2026-05-10 10:00 UTC);
    let facts = pair.facts(YearTotals::ZERO, at);
    let current = |status| CurrentVersion {
        number: 1,
        draft: &old,
        usage: &usage,
        status,
    };
    let shorter = libretto(old.date, 60);
    for status in [ServiceStatus::Revoked, ServiceStatus::Paid] {
        assert_eq!(
            rectify(&current(status), &shorter, &facts, &book()),
            Err(RectificationError::NotOpen(status))
        );
    }
    assert!(rectify(&current(ServiceStatus::Disputed), &shorter, &facts, &book()).is_ok());
    let presto_version = presto(old.date, 120, "36");
    assert_eq!(
        rectify(
            &current(ServiceStatus::Recorded),
            &presto_version,
            &facts,
            &book()
        ),
        Err(RectificationError::ChannelChanged)
    );
    assert_eq!(
        rectify(&current(ServiceStatus::Recorded), &old, &facts, &book()),
        Err(RectificationError::NothingChanged)
    );
}

#[test]
fn a_past_presto_service_is_corrected_without_notice_but_moving_it_needs_one() {
    let pair = Pair::shop();
    let old = presto(date!(2026 - 03 - 12), 240, "40");
    let usage = pair.usage_of(&old, datetime!(2026-03-11 10:00 UTC));
    let current = CurrentVersion {
        number: 3,
        draft: &old,
        usage: &usage,
        status: ServiceStatus::Rectified,
    };
    // After the work: more pay for the same start is fine.
    let at = datetime!(2026-03-13 10:00 UTC);
    let more_pay = presto(old.date, 240, "48");
    let done = rectify(
        &current,
        &more_pay,
        &pair.facts(usage_totals(&usage), at),
        &book(),
    )
    .unwrap();
    assert_eq!(done.version, 4);
    assert_eq!(done.admission.limits.totals.pair, eur("48"));
    // Moving the start to 30 minutes from now is refused.
    let moved = ServiceDraft {
        date: date!(2026 - 03 - 13),
        start: time(11, 30),
        ..old
    };
    let error = rectify(
        &current,
        &moved,
        &pair.facts(usage_totals(&usage), at),
        &book(),
    )
    .unwrap_err();
    assert_eq!(error.rule(), "presto_notice");
}

fn usage_totals(usage: &Usage) -> YearTotals {
    YearTotals::ZERO.add(usage).unwrap()
}

#[test]
fn a_duplicate_is_the_same_work_on_another_day() {
    let source = presto(date!(2026 - 03 - 12), 240, "40");
    let copy = duplicate(&source, date!(2026 - 03 - 19), None);
    assert_eq!(copy.date, date!(2026 - 03 - 19));
    assert_eq!(
        (copy.start, copy.minutes, copy.terms),
        (source.start, source.minutes, source.terms)
    );
    assert_eq!(
        duplicate(&source, date!(2026 - 03 - 19), Some(time(14, 0))).start,
        time(14, 0)
    );
}

fn weekly(
    first_day: Date,
    last_day: Option<Date>,
    weekdays: Vec<Weekday>,
) -> Result<WeeklyRule, RecurrenceError> {
    WeeklyRule::new(
        first_day,
        last_day,
        weekdays,
        WeeklyWork {
            start: time(9, 0),
            minutes: 240,
            activity: Activity::Other,
            terms: Terms::Presto { pay: eur("40") },
        },
    )
}

#[test]
fn weekly_rules_give_the_dates_in_a_horizon() {
    // Monday 2 March 2026.
    let rule = weekly(
        date!(2026 - 03 - 04),
        Some(date!(2026 - 03 - 16)),
        vec![Weekday::Wednesday, Weekday::Monday, Weekday::Monday],
    )
    .unwrap();
    assert_eq!(rule.weekdays(), [Weekday::Monday, Weekday::Wednesday]);
    assert_eq!(
        rule.occurrences(date!(2026 - 03 - 01), date!(2026 - 03 - 31))
            .unwrap(),
        [
            date!(2026 - 03 - 04),
            date!(2026 - 03 - 09),
            date!(2026 - 03 - 11),
            date!(2026 - 03 - 16)
        ]
    );
    assert_eq!(
        rule.occurrences(date!(2026 - 03 - 10), date!(2026 - 03 - 10))
            .unwrap(),
        []
    );
    assert_eq!(
        rule.occurrences(date!(2026 - 03 - 01), date!(2027 - 03 - 03)),
        Err(RecurrenceError::HorizonTooLong)
    );
    assert_eq!(
        rule.occurrences(date!(2026 - 03 - 02), date!(2026 - 03 - 01)),
        Err(RecurrenceError::HorizonTooLong)
    );
    assert_eq!(
        weekly(date!(2026 - 03 - 04), None, vec![]),
        Err(RecurrenceError::NoWeekday)
    );
    assert_eq!(
        weekly(
            date!(2026 - 03 - 04),
            Some(date!(2026 - 03 - 03)),
            vec![Weekday::Monday]
        ),
        Err(RecurrenceError::EndsBeforeStart)
    );
}

#[test]
fn each_occurrence_is_judged_like_a_new_service_and_the_breaking_ones_reported() {
    let pair = Pair::shop();
    let rule = weekly(date!(2026 - 12 - 01), None, vec![Weekday::Monday]).unwrap();
    // Mondays 7, 14, 21, 28 December 2026 and 4 January 2027; 40 EUR each.
    let mut totals = BTreeMap::new();
    totals.insert(
        2026,
        YearTotals {
            pair: eur("2420"),
            ..YearTotals::ZERO
        },
    );
    let now = datetime!(2026-12-07 07:30 UTC);
    let plan = plan(
        &rule,
        date!(2026 - 12 - 07),
        date!(2027 - 01 - 04),
        &pair.facts(YearTotals::ZERO, now),
        &totals,
        &book(),
    )
    .unwrap();
    let admitted: Vec<Date> = plan.admitted.iter().map(|(draft, _)| draft.date).collect();
    assert_eq!(
        admitted,
        [
            date!(2026 - 12 - 14),
            date!(2026 - 12 - 21),
            date!(2027 - 01 - 04)
        ]
    );
    let refused: Vec<(Date, &str)> = plan
        .refused
        .iter()
        .map(|(date, refusal)| (*date, refusal.rule()))
        .collect();
    // 7 December starts at 09:00 in Rome, 08:00 UTC: half an hour is not enough notice. The
    // pair reaches 2,500 on 21 December, so 28 December is refused; 2027 starts afresh.
    assert_eq!(
        refused,
        [
            (date!(2026 - 12 - 07), "presto_notice"),
            (date!(2026 - 12 - 28), "pair_limit")
        ]
    );
    assert_eq!(plan.admitted[1].1.limits.totals.pair, eur("2500"));
    assert_eq!(plan.admitted[2].1.limits.totals.pair, eur("40"));
}

proptest! {
    #[test]
    fn a_plan_never_pushes_the_pair_past_its_limits(
        used_cents in 0i64..=250_000,
        used_minutes in 0u32..=16_800,
        pay_cents in 3_600i64..=60_000,
        weeks in 1i64..=52,
    ) {
        let pair = Pair::shop();
        let rule = WeeklyRule::new(
            date!(2026 - 01 - 05),
            None,
            vec![Weekday::Monday, Weekday::Thursday],
            WeeklyWork {
                start: time(9, 0),
                minutes: 240,
                activity: Activity::Other,
                terms: Terms::Presto { pay: Money::from_cents(pay_cents).unwrap() },
            },
        )
        .unwrap();
        let from = date!(2026 - 01 - 05);
        let to = from + time::Duration::weeks(weeks);
        let start = YearTotals {
            pair: Money::from_cents(used_cents).unwrap(),
            worker: Money::from_cents(used_cents).unwrap(),
            client: Money::from_cents(used_cents).unwrap(),
            presto_pair_minutes: used_minutes,
        };
        let totals = BTreeMap::from([(2026, start)]);
        let now = datetime!(2026-01-01 10:00 UTC);
        let plan = plan(&rule, from, to, &pair.facts(YearTotals::ZERO, now), &totals, &book()).unwrap();
        let occurrences = rule.occurrences(from, to).unwrap().len();
        prop_assert_eq!(plan.admitted.len() + plan.refused.len(), occurrences);
        for (_, admission) in &plan.admitted {
            prop_assert!(admission.limits.totals.pair <= eur("2500"));
            prop_assert!(admission.limits.totals.presto_pair_minutes <= 280 * 60);
        }
    }
}
