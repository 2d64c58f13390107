//! Tests for the calendar file: the whole output, folding, escaping, status and sequence.

use proptest::prelude::*;
use time::macros::datetime;

use super::*;

fn event<'a>() -> CalendarEvent<'a> {
    CalendarEvent {
        appointment_id: "5f0c6a1e-2b7d-4c1a-9d3e-1a2b3c4d5e6f",
        host: "servizi.inps.example",
        sequence: 2,
        stamp: datetime!(2026-05-11 10:00:30.5 UTC),
        start: datetime!(2026-05-12 09:30 +2),
        end: datetime!(2026-05-12 10:00 +2),
        summary: "Appuntamento INPS",
        description: None,
        location: Some("Sede di Roma Tuscolano, Via Tuscolana 1"),
        status: EventStatus::Confirmed,
    }
}

#[test]
fn renders_a_whole_calendar() {
    assert_eq!(
        render(&event()),
        [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//INPS//Agenda Appuntamenti//IT",
            "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH",
            "BEGIN:VEVENT",
            "UID:5f0c6a1e-2b7d-4c1a-9d3e-1a2b3c4d5e6f@servizi.inps.example",
            "SEQUENCE:2",
            "DTSTAMP:20260511T100030Z",
            "DTSTART:20260512T073000Z",
            "DTEND:20260512T080000Z",
            "STATUS:CONFIRMED",
            "SUMMARY:Appuntamento INPS",
            "LOCATION:Sede di Roma Tuscolano\\, Via Tuscolana 1",
            "END:VEVENT",
            "END:VCALENDAR",
            "",
        ]
        .join("\r\n")
    );
}

#[test]
fn a_cancelled_appointment_keeps_its_uid_with_a_higher_sequence() {
    let before = render(&event());
    let after = render(&CalendarEvent {
        sequence: 3,
        status: EventStatus::Cancelled,
        ..event()
    });
    let uid = |text: &str| {
        text.lines()
            .find(|l| l.starts_with("UID:"))
            .map(str::to_owned)
    };
    assert_eq!(uid(&before), uid(&after));
    assert!(after.contains("\r\nSTATUS:CANCELLED\r\n"));
    assert!(after.contains("\r\nSEQUENCE:3\r\n"));
}

#[test]
fn the_status_follows_the_state() {
    assert_eq!(EventStatus::of(AppointmentState::Draft), None);
    assert_eq!(
        EventStatus::of(AppointmentState::Confirmed),
        Some(EventStatus::Confirmed)
    );
    assert_eq!(
        EventStatus::of(AppointmentState::ClosedResolved),
        Some(EventStatus::Confirmed)
    );
    assert_eq!(
        EventStatus::of(AppointmentState::Cancelled),
        Some(EventStatus::Cancelled)
    );
}

#[test]
fn the_sequence_counts_the_changes_after_creation() {
    assert_eq!(sequence(0), 0);
    assert_eq!(sequence(1), 0);
    assert_eq!(sequence(4), 3);
    assert_eq!(sequence(usize::MAX), u32::MAX);
}

#[test]
fn text_escapes_backslash_semicolon_comma_and_newlines() {
    assert_eq!(
        escape_text("a\\b;c,d\ne\r\nf\rg\th\u{7}i"),
        "a\\\\b\\;c\\,d\\ne\\nf\\ng\thi"
    );
    let rendered = render(&CalendarEvent {
        description: Some("Quesiti: MAV; contributi,\nnota"),
        ..event()
    });
    assert!(rendered.contains("\r\nDESCRIPTION:Quesiti: MAV\\; contributi\\,\\nnota\r\n"));
}

#[test]
fn long_lines_fold_at_75_octets_without_splitting_a_character() {
    // "è" is two octets: 80 of them cannot split evenly at 75.
    let text = "è".repeat(80);
    let rendered = render(&CalendarEvent {
        description: Some(&text),
        ..event()
    });
    let start = rendered.find("DESCRIPTION:").unwrap();
    let end = rendered[start..].find("\r\nLOCATION").unwrap() + start;
    let folded = &rendered[start..end];
    let lines: Vec<&str> = folded.split("\r\n").collect();
    assert!(lines.len() > 1);
    assert!(lines[1..].iter().all(|l| l.starts_with(' ')));
    assert!(lines.iter().all(|l| l.len() <= 75));
    // "DESCRIPTION:" is 12 octets: 31 characters fit in the first line (74 octets).
    assert_eq!(lines[0].len(), 74);
    let unfolded = folded.replace("\r\n ", "");
    assert_eq!(unfolded, format!("DESCRIPTION:{text}"));
}

proptest! {
    #[test]
    fn every_line_fits_and_unfolds_to_the_escaped_text(text in "\\PC{0,300}") {
        let rendered = render(&CalendarEvent { description: Some(&text), summary: &text, ..event() });
        prop_assert!(rendered.ends_with("\r\n"));
        for line in rendered.split("\r\n") {
            prop_assert!(line.len() <= 75, "{} octets", line.len());
            prop_assert!(!line.contains('\n') && !line.contains('\r'));
        }
        let unfolded = rendered.replace("\r\n ", "");
        let expected = format!("\r\nDESCRIPTION:{}\r\n", escape_text(&text));
        prop_assert!(unfolded.contains(&expected));
    }

    #[test]
    fn escaped_text_has_no_line_breaks_and_no_bare_separators(text in any::<String>()) {
        let escaped = escape_text(&text);
        prop_assert!(!escaped.contains('\n') && !escaped.contains('\r'));
        // Every `;` and `,` is preceded by an odd run of backslashes.
        let bytes = escaped.as_bytes();
        for (i, b) in bytes.iter().enumerate() {
            if *b == b';' || *b == b',' {
                let run = bytes[..i].iter().rev().take_while(|c| **c == b'\\').count();
                prop_assert!(run % 2 == 1);
            }
        }
    }
}
