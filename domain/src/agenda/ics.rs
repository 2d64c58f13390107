//! The calendar file of an appointment (`GET /v1/appointments/{id}/calendar.ics`): one
//! VCALENDAR with one VEVENT, per RFC 5545, hand-written because it is small and the rules that
//! matter are easy to get subtly wrong in a generic builder:
//!
//! - every line ends with CRLF, and a line longer than 75 octets is folded (CRLF and one space)
//!   without ever splitting a UTF-8 character (3.1);
//! - TEXT values escape `\`, `;`, `,` and newlines (3.3.11); other control characters, which TEXT
//!   does not allow, are dropped;
//! - times are UTC (`19970714T173000Z`, 3.3.5 form 2), so no VTIMEZONE is needed and calendar
//!   clients show them in the reader's own zone;
//! - the UID is `<appointment-id>@<host>` and never changes, while SEQUENCE grows with every
//!   change (the number of history entries after creation), so a client that imported the file
//!   replaces its copy instead of adding a second event; a cancelled appointment keeps its UID
//!   with `STATUS:CANCELLED`.

use time::{OffsetDateTime, UtcOffset};

use super::lifecycle::AppointmentState;

/// The longest line, in octets, CRLF excluded (RFC 5545 3.1).
const MAX_LINE_OCTETS: usize = 75;

/// The product identifier written in every calendar.
pub const PRODUCT_ID: &str = "-//INPS//Agenda Appuntamenti//IT";

/// The STATUS of an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventStatus {
    /// `CONFIRMED`: a confirmed or closed appointment.
    Confirmed,
    /// `CANCELLED`.
    Cancelled,
}

impl EventStatus {
    /// The status of an appointment in `state`, or `None` for a draft, which has no calendar.
    pub fn of(state: AppointmentState) -> Option<Self> {
        match state {
            AppointmentState::Draft => None,
            AppointmentState::Confirmed | AppointmentState::ClosedResolved => Some(Self::Confirmed),
            AppointmentState::Cancelled => Some(Self::Cancelled),
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Self::Confirmed => "CONFIRMED",
            Self::Cancelled => "CANCELLED",
        }
    }
}

/// What the calendar file of an appointment shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CalendarEvent<'a> {
    /// The appointment's identifier, the left part of the UID.
    pub appointment_id: &'a str,
    /// The service's host name, the right part of the UID.
    pub host: &'a str,
    /// How many changes the appointment went through since it was created.
    pub sequence: u32,
    /// When the file is produced (DTSTAMP).
    pub stamp: OffsetDateTime,
    /// Start of the slot.
    pub start: OffsetDateTime,
    /// End of the slot.
    pub end: OffsetDateTime,
    /// Title.
    pub summary: &'a str,
    /// Longer text (the note, the quesiti), if any.
    pub description: Option<&'a str>,
    /// The consultation point's name and address, if any.
    pub location: Option<&'a str>,
    /// Confirmed or cancelled.
    pub status: EventStatus,
}

/// The SEQUENCE of an appointment with `history_entries` entries in its history (creation
/// included): the number of changes since creation.
pub fn sequence(history_entries: usize) -> u32 {
    u32::try_from(history_entries.saturating_sub(1)).unwrap_or(u32::MAX)
}

/// The calendar file of `event`.
pub fn render(event: &CalendarEvent<'_>) -> String {
    let mut out = String::new();
    let mut line = |name: &str, value: &str| fold_into(&mut out, &format!("{name}:{value}"));
    line("BEGIN", "VCALENDAR");
    line("VERSION", "2.0");
    line("PRODID", PRODUCT_ID);
    line("CALSCALE", "GREGORIAN");
    line("METHOD", "PUBLISH");
    line("BEGIN", "VEVENT");
    line(
        "UID",
        &escape_text(&format!("{}@{}", event.appointment_id, event.host)),
    );
    line("SEQUENCE", &event.sequence.to_string());
    line("DTSTAMP", &utc(event.stamp));
    line("DTSTART", &utc(event.start));
    line("DTEND", &utc(event.end));
    line("STATUS", event.status.as_str());
    line("SUMMARY", &escape_text(event.summary));
    if let Some(description) = event.description {
        line("DESCRIPTION", &escape_text(description));
    }
    if let Some(location) = event.location {
        line("LOCATION", &escape_text(location));
    }
    line("END", "VEVENT");
    line("END", "VCALENDAR");
    out
}

/// `instant` as an RFC 5545 UTC date-time, `YYYYMMDDTHHMMSSZ` (fractions of a second dropped).
fn utc(instant: OffsetDateTime) -> String {
    // Only an instant at the very ends of the representable range has no UTC form; it keeps
    // its own offset rather than panicking.
    let t = instant.checked_to_offset(UtcOffset::UTC).unwrap_or(instant);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// `text` escaped as an RFC 5545 TEXT value: `\` `;` `,` escaped, every newline (CRLF, LF or CR)
/// written `\n`, other control characters but tab dropped.
pub fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                chars.next_if_eq(&'\n');
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            '\t' => out.push('\t'),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends `line` to `out` folded at [`MAX_LINE_OCTETS`] octets (a continuation line starts
/// with a space, which counts), never inside a UTF-8 character, each piece ending with CRLF.
fn fold_into(out: &mut String, line: &str) {
    let mut room = MAX_LINE_OCTETS;
    let mut used = 0;
    for c in line.chars() {
        if used + c.len_utf8() > room {
            out.push_str("\r\n ");
            room = MAX_LINE_OCTETS - 1;
            used = 0;
        }
        out.push(c);
        used += c.len_utf8();
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests;
