//! Channel rules, amounts and deadlines at their edges, across summer time.

use time::macros::{date, datetime};

use super::*;
use crate::occasional::deadlines::{
    RevocationError, check_revocation, late_report, libretto_report_deadline, payout_due,
    presto_notice, revocation_deadline,
};
use crate::occasional::service::{Amounts, Channel, ServiceError, ServiceStatus, titles_for};
use crate::test_support::assert_names_round_trip;

#[test]
fn names_round_trip() {
    assert_names_round_trip(Channel::ALL, Channel::as_str);
    assert_names_round_trip(Activity::ALL, Activity::as_str);
    assert_names_round_trip(ServiceStatus::ALL, ServiceStatus::as_str);
}

#[test]
fn titles_are_hours_rounded_up() {
    assert_eq!(titles_for(1), 1);
    assert_eq!(titles_for(60), 1);
    assert_eq!(titles_for(61), 2);
    assert_eq!(titles_for(150), 3);
    assert_eq!(titles_for(24 * 60), 24);
}

#[test]
fn libretto_amounts_are_whole_titles() {
    let amounts = libretto(date!(2026 - 01 - 10), 150)
        .amounts(&rules())
        .unwrap();
    assert_eq!(
        amounts,
        Amounts {
            titles: Some(3),
            gross: eur("30"),
            net: eur("24"),
            pension: eur("4.95"),
            inail: eur("0.75"),
            management: eur("0.30"),
        }
    );
}

#[test]
fn libretto_pays_only_the_allowed_activities() {
    let rules = rules();
    for activity in [
        Activity::SmallDomesticJobs,
        Activity::HomeCare,
        Activity::PrivateTuition,
    ] {
        let draft = ServiceDraft {
            activity,
            ..libretto(date!(2026 - 01 - 10), 60)
        };
        assert!(draft.amounts(&rules).is_ok(), "{activity}");
    }
    let other = ServiceDraft {
        activity: Activity::Other,
        ..libretto(date!(2026 - 01 - 10), 60)
    };
    let error = other.amounts(&rules).unwrap_err();
    assert_eq!(error.rule(), "libretto_activity");
}

#[test]
fn a_service_lasts_at_least_a_minute_and_ends_by_midnight() {
    let rules = rules();
    let day = date!(2026 - 01 - 10);
    assert_eq!(
        libretto(day, 0).amounts(&rules),
        Err(ServiceError::InvalidDuration)
    );
    let late = ServiceDraft {
        start: time(23, 0),
        ..libretto(day, 60)
    };
    assert!(late.amounts(&rules).is_ok());
    let past_midnight = ServiceDraft {
        minutes: 61,
        ..late
    };
    assert_eq!(
        past_midnight.amounts(&rules),
        Err(ServiceError::InvalidDuration)
    );
    assert_eq!(
        libretto(day, u32::MAX).amounts(&rules),
        Err(ServiceError::InvalidDuration)
    );
}

#[test]
fn presto_pays_at_least_9_euro_an_hour() {
    let rules = rules();
    let day = date!(2026 - 01 - 10);
    assert!(presto(day, 300, "45.00").amounts(&rules).is_ok());
    assert_eq!(
        presto(day, 300, "44.99").amounts(&rules),
        Err(ServiceError::BelowHourlyMinimum {
            min_per_hour: eur("9"),
            min_pay: eur("45.00")
        })
    );
    // 5 h 10 min: 46.50.
    assert!(presto(day, 310, "46.50").amounts(&rules).is_ok());
    let error = presto(day, 310, "46.49").amounts(&rules).unwrap_err();
    assert_eq!(error.rule(), "presto_hourly_minimum");
}

#[test]
fn presto_pays_at_least_36_euro_a_day_even_for_shorter_work() {
    let rules = rules();
    let day = date!(2026 - 01 - 10);
    assert!(presto(day, 120, "36.00").amounts(&rules).is_ok());
    let error = presto(day, 120, "35.99").amounts(&rules).unwrap_err();
    assert_eq!(
        error,
        ServiceError::BelowDailyMinimum { min_pay: eur("36") }
    );
    assert_eq!(error.rule(), "presto_daily_minimum");
    assert!(presto(day, 1, "36.00").amounts(&rules).is_ok());
}

#[test]
fn presto_charges_are_on_top_and_rounded_half_away_from_zero() {
    let rules = rules();
    let day = date!(2026 - 01 - 10);
    let amounts = presto(day, 480, "100.00").amounts(&rules).unwrap();
    assert_eq!(
        amounts,
        Amounts {
            titles: None,
            gross: eur("137.50"),
            net: eur("100.00"),
            pension: eur("33.00"),
            inail: eur("3.50"),
            management: eur("1.00"),
        }
    );
    // 1 % of 36.50 is 0.365: 0.37, not the banker's 0.36; 33 % is 12.045: 12.05.
    let amounts = presto(day, 240, "36.50").amounts(&rules).unwrap();
    assert_eq!(amounts.management, eur("0.37"));
    assert_eq!(amounts.pension, eur("12.05"));
    assert_eq!(amounts.inail, eur("1.28"));
    assert_eq!(amounts.gross, eur("50.20"));
}

#[test]
fn presto_is_declared_at_least_one_hour_before_the_start() {
    let rules = rules();
    // 10 March 2026, 10:00 in Rome is 09:00 UTC.
    let draft = ServiceDraft {
        start: time(10, 0),
        ..presto(date!(2026 - 03 - 10), 240, "36")
    };
    assert_eq!(
        presto_notice(&draft, datetime!(2026-03-10 08:00 UTC), &rules),
        Ok(())
    );
    let error = presto_notice(&draft, datetime!(2026-03-10 08:00:01 UTC), &rules).unwrap_err();
    assert_eq!(
        error,
        ServiceError::LateDeclaration {
            deadline: datetime!(2026-03-10 08:00 UTC)
        }
    );
    assert_eq!(error.rule(), "presto_notice");
}

#[test]
fn the_notice_counts_real_time_across_the_summer_time_switch() {
    let rules = rules();
    // 29 March 2026: 03:30 CEST is 01:30 UTC, and one hour before is 00:30 UTC (01:30 CET).
    let draft = ServiceDraft {
        start: time(3, 30),
        ..presto(date!(2026 - 03 - 29), 240, "36")
    };
    assert_eq!(
        presto_notice(&draft, datetime!(2026-03-29 00:30 UTC), &rules),
        Ok(())
    );
    assert!(presto_notice(&draft, datetime!(2026-03-29 00:30:01 UTC), &rules).is_err());
}

#[test]
fn libretto_reports_are_due_by_the_3rd_of_the_next_month_and_late_ones_flagged() {
    let rules = rules();
    let day = date!(2026 - 01 - 31);
    assert_eq!(
        libretto_report_deadline(day, &rules),
        Some(date!(2026 - 02 - 03))
    );
    assert_eq!(
        libretto_report_deadline(date!(2026 - 12 - 15), &rules),
        Some(date!(2027 - 01 - 03))
    );
    // 3 February, 23:59 in Rome is 22:59 UTC: in time; midnight in Rome is late.
    assert_eq!(
        late_report(day, datetime!(2026-02-03 22:59:59 UTC), &rules),
        None
    );
    assert_eq!(
        late_report(day, datetime!(2026-02-03 23:00 UTC), &rules),
        Some(date!(2026 - 02 - 03))
    );
}

#[test]
fn inps_pays_by_the_15th_of_the_next_month() {
    assert_eq!(
        payout_due(date!(2026 - 01 - 31)),
        Some(date!(2026 - 02 - 15))
    );
    assert_eq!(
        payout_due(date!(2026 - 12 - 01)),
        Some(date!(2027 - 01 - 15))
    );
}

#[test]
fn presto_is_revocable_until_midnight_in_rome_at_the_end_of_the_third_day_after() {
    let rules = rules();
    let check =
        |date, now| check_revocation(Channel::Presto, date, ServiceStatus::Recorded, now, &rules);
    // Work on Thursday 12 March 2026: revocable until Sunday 15 March, 24:00 CET (23:00 UTC).
    let day = date!(2026 - 03 - 12);
    assert_eq!(
        revocation_deadline(Channel::Presto, day, &rules),
        Some(datetime!(2026-03-15 23:00 UTC))
    );
    assert_eq!(check(day, datetime!(2026-03-15 22:59:59 UTC)), Ok(()));
    assert_eq!(
        check(day, datetime!(2026-03-15 23:00 UTC)),
        Err(RevocationError::WindowClosed {
            deadline: datetime!(2026-03-15 23:00 UTC)
        })
    );
    // The window's last day is 29 March 2026, when summer time starts: midnight is 22:00 UTC.
    let day = date!(2026 - 03 - 26);
    assert_eq!(check(day, datetime!(2026-03-29 21:59:59 UTC)), Ok(()));
    assert!(check(day, datetime!(2026-03-29 22:00 UTC)).is_err());
    // The window's last day is 25 October 2026, when summer time ends: midnight is 23:00 UTC.
    let day = date!(2026 - 10 - 22);
    assert_eq!(check(day, datetime!(2026-10-25 22:59:59 UTC)), Ok(()));
    assert!(check(day, datetime!(2026-10-25 23:00 UTC)).is_err());
    // Before the work it is revocable too.
    assert_eq!(check(day, datetime!(2026-10-01 10:00 UTC)), Ok(()));
}

#[test]
fn libretto_is_revocable_until_the_end_of_its_reporting_deadline() {
    let rules = rules();
    assert_eq!(
        revocation_deadline(Channel::LibrettoFamiglia, date!(2026 - 01 - 20), &rules),
        Some(datetime!(2026-02-03 23:00 UTC))
    );
}

#[test]
fn revoked_and_paid_services_cannot_be_revoked() {
    let rules = rules();
    for status in [ServiceStatus::Revoked, ServiceStatus::Paid] {
        let error = check_revocation(
            Channel::Presto,
            date!(2026 - 03 - 12),
            status,
            datetime!(2026-03-12 10:00 UTC),
            &rules,
        )
        .unwrap_err();
        assert_eq!(error, RevocationError::NotOpen(status));
        assert_eq!(error.rule(), "service_not_open");
    }
}
