//! Digests: a person who chose a `daily` or `weekly` frequency for an event type gets its
//! events of the period grouped into one message per channel instead of one message each.
//!
//! The periods are Italian civil ones (Europe/Rome): a **daily** digest holds the events of one
//! Italian calendar day and is due at [`DIGEST_HOUR`] (08:00) Rome time the next morning; a
//! **weekly** digest holds the events of one Monday-to-Sunday week and is due at 08:00 on the
//! Monday after. Each event's delivery expires its type's time-to-live after the digest is due
//! ([`delivery_schedule`]), so a digest that cannot be sent is not sent days late.

use time::{Date, Duration, OffsetDateTime, Time};

use super::{EventType, Frequency};
use crate::rome_time::{rome_date, rome_instant};

/// The Italian civil time digests are sent at.
pub const DIGEST_HOUR: Time = match Time::from_hms(8, 0, 0) {
    Ok(t) => t,
    Err(_) => Time::MIDNIGHT,
};

/// The Italian day a digest of `frequency` holding an event of Italian day `day` is sent on:
/// the next day (daily), the Monday after the week (weekly); `None` for `immediate`.
fn digest_day(frequency: Frequency, day: Date) -> Option<Date> {
    match frequency {
        Frequency::Immediate => None,
        Frequency::Daily => day.next_day(),
        Frequency::Weekly => {
            let days_to_monday = 7 - i64::from(day.weekday().number_days_from_monday());
            day.checked_add(Duration::days(days_to_monday))
        }
    }
}

/// When the digest holding an event written at `created_at` is due, for a recipient who wants
/// its type at `frequency`: 08:00 Rome time the day after its Italian day (`daily`), 08:00 Rome
/// time on the Monday after its Monday-to-Sunday week (`weekly`); `None` for `immediate` (sent
/// at once, no digest).
pub fn digest_due(frequency: Frequency, created_at: OffsetDateTime) -> Option<OffsetDateTime> {
    digest_day(frequency, rome_date(created_at)).map(|day| rome_instant(day, DIGEST_HOUR))
}

/// When a delivery of an event of `event_type` written at `created_at` with `frequency` is
/// first due (`None`: at once) and past when it is not sent: the type's time-to-live
/// ([`EventType::delivery_ttl`]) after the event for an immediate delivery, after its digest is
/// due for a digest.
pub fn delivery_schedule(
    event_type: EventType,
    frequency: Frequency,
    created_at: OffsetDateTime,
) -> (Option<OffsetDateTime>, OffsetDateTime) {
    let due = digest_due(frequency, created_at);
    (due, due.unwrap_or(created_at) + event_type.delivery_ttl())
}

/// The message of a digest of `frequency` listing `events` (each an event type and its link, a
/// path under `/v1`, joined to `base_url`), oldest first: one line per event in Italian and in
/// English with its link; the SMS names how many there are and links the inbox.
pub fn digest_message(
    frequency: Frequency,
    base_url: &str,
    events: &[(EventType, &str)],
) -> super::Message {
    let base = base_url.trim_end_matches('/');
    let (it, en) = match frequency {
        Frequency::Weekly => ("Riepilogo settimanale", "Weekly digest"),
        _ => ("Riepilogo giornaliero", "Daily digest"),
    };
    let n = events.len();
    let mut body = format!("{it}: {n} notifiche. / {en}: {n} notifications.\r\n\r\n");
    for (event_type, link) in events {
        let (t_it, t_en) = event_type.titles();
        body.push_str(&format!("- {t_it} / {t_en}\r\n  {base}{link}\r\n"));
    }
    body.push_str(
        "\r\nMessaggio automatico, non rispondere. / Automatic message, do not reply.\r\n",
    );
    super::Message {
        subject: format!("INPS: {it} ({n}) / {en} ({n})"),
        body,
        short: format!("INPS: {it}, {n} notifiche. {base}/v1/notifications"),
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    #[test]
    fn a_daily_digest_is_due_at_eight_in_rome_the_next_italian_day() {
        // Winter (UTC+1): an event on Tuesday 3 March, any hour of the Italian day.
        for at in [
            datetime!(2026-03-02 23:00 UTC), // 00:00 on the 3rd in Rome
            datetime!(2026-03-03 12:00 UTC),
            datetime!(2026-03-03 22:59:59 UTC), // 23:59:59 in Rome
        ] {
            assert_eq!(
                digest_due(Frequency::Daily, at),
                Some(datetime!(2026-03-04 07:00 UTC)),
                "{at}"
            );
        }
        // 23:30 UTC is already the next Italian day.
        assert_eq!(
            digest_due(Frequency::Daily, datetime!(2026-03-03 23:30 UTC)),
            Some(datetime!(2026-03-05 07:00 UTC))
        );
        // Summer (UTC+2).
        assert_eq!(
            digest_due(Frequency::Daily, datetime!(2026-07-10 21:59 UTC)),
            Some(datetime!(2026-07-11 06:00 UTC))
        );
        assert_eq!(
            digest_due(Frequency::Immediate, datetime!(2026-07-10 21:59 UTC)),
            None
        );
    }

    #[test]
    fn across_the_change_to_summer_time_eight_stays_eight() {
        // Saturday 28 March 2026 (CET) → Sunday 29 (the switch, at 02:00) → Monday 30 (CEST).
        assert_eq!(
            digest_due(Frequency::Daily, datetime!(2026-03-28 12:00 UTC)),
            Some(datetime!(2026-03-29 06:00 UTC)),
            "08:00 on the day of the switch is already summer time"
        );
        assert_eq!(
            digest_due(Frequency::Daily, datetime!(2026-03-27 12:00 UTC)),
            Some(datetime!(2026-03-28 07:00 UTC))
        );
        // The Italian day of the switch has 23 hours: 23:00 UTC on the 28th to 22:00 UTC on the 29th.
        assert_eq!(
            digest_due(Frequency::Daily, datetime!(2026-03-29 21:59 UTC)),
            Some(datetime!(2026-03-30 06:00 UTC))
        );
        assert_eq!(
            digest_due(Frequency::Daily, datetime!(2026-03-29 22:00 UTC)),
            Some(datetime!(2026-03-31 06:00 UTC))
        );
    }

    #[test]
    fn across_the_change_back_to_winter_time_eight_stays_eight() {
        // Sunday 25 October 2026 has 25 hours: 22:00 UTC on the 24th to 23:00 UTC on the 25th.
        for at in [
            datetime!(2026-10-24 22:00 UTC),
            datetime!(2026-10-25 22:59 UTC),
        ] {
            assert_eq!(
                digest_due(Frequency::Daily, at),
                Some(datetime!(2026-10-26 07:00 UTC)),
                "{at}"
            );
        }
        assert_eq!(
            digest_due(Frequency::Daily, datetime!(2026-10-24 21:59 UTC)),
            Some(datetime!(2026-10-25 07:00 UTC)),
            "08:00 on the day of the switch is already winter time"
        );
    }

    #[test]
    fn a_weekly_digest_is_due_on_the_monday_after_its_week_at_eight_in_rome() {
        // The week of Monday 23 March to Sunday 29 March 2026, across the switch to summer time.
        for at in [
            datetime!(2026-03-22 23:00 UTC), // Monday 00:00 in Rome
            datetime!(2026-03-25 10:00 UTC),
            datetime!(2026-03-29 21:59 UTC), // Sunday 23:59 in Rome (CEST)
        ] {
            assert_eq!(
                digest_due(Frequency::Weekly, at),
                Some(datetime!(2026-03-30 06:00 UTC)),
                "{at}"
            );
        }
        // Sunday 22 March 23:30 in Rome is still the week before.
        assert_eq!(
            digest_due(Frequency::Weekly, datetime!(2026-03-22 22:30 UTC)),
            Some(datetime!(2026-03-23 07:00 UTC))
        );
        // The week of the switch back: due on Monday 26 October, in winter time.
        assert_eq!(
            digest_due(Frequency::Weekly, datetime!(2026-10-20 10:00 UTC)),
            Some(datetime!(2026-10-26 07:00 UTC))
        );
    }

    #[test]
    fn a_delivery_expires_its_time_to_live_after_it_is_due() {
        let at = datetime!(2026-03-03 12:00 UTC);
        let ttl = EventType::InquiryAnswered.delivery_ttl();
        assert_eq!(
            delivery_schedule(EventType::InquiryAnswered, Frequency::Immediate, at),
            (None, at + ttl)
        );
        let due = datetime!(2026-03-04 07:00 UTC);
        assert_eq!(
            delivery_schedule(EventType::InquiryAnswered, Frequency::Daily, at),
            (Some(due), due + ttl)
        );
    }

    #[test]
    fn a_digest_lists_every_event_with_its_link() {
        let m = digest_message(
            Frequency::Daily,
            "https://inps.example/",
            &[
                (EventType::InquiryAnswered, "/v1/inquiries/a"),
                (EventType::DelegationRequested, "/v1/delegations/b"),
            ],
        );
        assert!(m.subject.contains("giornaliero (2)") && m.subject.contains("Daily digest (2)"));
        for needle in [
            "https://inps.example/v1/inquiries/a",
            "https://inps.example/v1/delegations/b",
            "ricevuto risposta",
            "You were given a delegation",
        ] {
            assert!(m.body.contains(needle), "{needle}: {}", m.body);
        }
        assert!(m.short.contains("2 notifiche") && m.short.contains("/v1/notifications"));
        let weekly = digest_message(Frequency::Weekly, "", &[]);
        assert!(weekly.subject.contains("settimanale (0)"));
    }
}
