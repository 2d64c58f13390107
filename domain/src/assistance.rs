//! Assistance (Assistenza): who sees which manual, what a manual's bytes are, the support
//! ticket's states and the estimated time before a ticket is taken in charge.
//!
//! Sources: INPS message 2651 of 11-07-2019 (manuals "personalizzati per profilo utente",
//! downloadable in the section *Manuali e funzioni di utilità*) and the occasional-work portal's
//! *Assistenza* panel (manuals, FAQ, support channels, ticketing with the estimated time to take
//! a request in charge).

use std::fmt;
use std::str::FromStr;

use time::{Duration, OffsetDateTime, Time, Weekday};

use crate::calendar::is_national_holiday;
use crate::delegation::{Scope, Service};
use crate::identity::{ParseError, Role, parse_wire};
use crate::rome_time::{in_rome, rome_offset};

/// Whom a manual is written for: everyone (`public`, also anonymous callers) or the holders of
/// one role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ManualProfile {
    /// Anyone, signed in or not.
    Public,
    /// Datore di lavoro domestico.
    Employer,
    /// Intermediario abilitato.
    Intermediary,
    /// Prestatore.
    Worker,
    /// Utilizzatore.
    Client,
    /// Operatore INPS.
    Operator,
}

impl ManualProfile {
    /// Every variant, in declaration order.
    pub const ALL: [Self; 6] = [
        Self::Public,
        Self::Employer,
        Self::Intermediary,
        Self::Worker,
        Self::Client,
        Self::Operator,
    ];

    /// Stable wire and storage name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Public => "public",
            Self::Employer => "employer",
            Self::Intermediary => "intermediary",
            Self::Worker => "worker",
            Self::Client => "client",
            Self::Operator => "operator",
        }
    }

    /// The profile of the holders of `role`.
    pub fn of_role(role: Role) -> Self {
        match role {
            Role::Employer => Self::Employer,
            Role::Intermediary => Self::Intermediary,
            Role::Worker => Self::Worker,
            Role::Client => Self::Client,
            Role::Operator => Self::Operator,
        }
    }
}

impl FromStr for ManualProfile {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_wire(&Self::ALL, Self::as_str, "manual profile", s)
    }
}

impl fmt::Display for ManualProfile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The manual profiles a caller holding `roles` may see (anonymous callers hold none): the
/// public manuals and the profile of each role held. Operators see every profile, since they
/// publish the manuals and assist the holders of each; nobody else sees a profile they do not
/// hold, so a listing never reveals another profile's manuals.
pub fn visible_profiles(roles: &[Role]) -> Vec<ManualProfile> {
    if roles.contains(&Role::Operator) {
        return ManualProfile::ALL.to_vec();
    }
    let mut profiles = vec![ManualProfile::Public];
    for role in roles {
        let profile = ManualProfile::of_role(*role);
        if !profiles.contains(&profile) {
            profiles.push(profile);
        }
    }
    profiles
}

/// The formats a manual is accepted in, recognised from its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ManualFormat {
    /// PDF (the bytes start with `%PDF-`).
    Pdf,
    /// Markdown: valid UTF-8 text with no binary signature (no NUL nor other control character
    /// besides tab, line feed, carriage return and form feed).
    Markdown,
}

/// The signature PDF files start with.
const PDF_SIGNATURE: &[u8] = b"%PDF-";

impl ManualFormat {
    /// Every variant.
    pub const ALL: [Self; 2] = [Self::Pdf, Self::Markdown];

    /// Stable wire and storage name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pdf => "pdf",
            Self::Markdown => "markdown",
        }
    }

    /// The media type stored and served.
    pub fn media_type(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Markdown => "text/markdown",
        }
    }

    /// The usual file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Pdf => "pdf",
            Self::Markdown => "md",
        }
    }

    /// The format of a stored media type.
    pub fn of_media_type(media_type: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.media_type() == media_type)
    }

    /// What the first bytes already tell: PDF as soon as the signature is there, `None` while
    /// only the whole content can decide (Markdown is text to the last byte).
    pub fn sniff(prefix: &[u8]) -> Option<Self> {
        prefix.starts_with(PDF_SIGNATURE).then_some(Self::Pdf)
    }

    /// The format of the whole `content`, or `None` when it is neither PDF nor Markdown (empty,
    /// not UTF-8, or with binary control characters).
    pub fn recognise(content: &[u8]) -> Option<Self> {
        if content.starts_with(PDF_SIGNATURE) {
            return Some(Self::Pdf);
        }
        let text = std::str::from_utf8(content).ok()?;
        let binary = text
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{c}'));
        (!text.trim().is_empty() && !binary).then_some(Self::Markdown)
    }
}

impl FromStr for ManualFormat {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_wire(&Self::ALL, Self::as_str, "manual format", s)
    }
}

/// Whether `topic` names a FAQ topic: 1 to 32 lower-case ASCII letters, digits and `_`,
/// starting with a letter (`appointments`, `contributions`).
pub fn is_faq_topic(topic: &str) -> bool {
    topic.len() <= 32
        && topic.starts_with(|c: char| c.is_ascii_lowercase())
        && topic
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// What a support ticket is about, each with its service level: the working hours within which
/// the help desk takes a ticket of the category in charge when no queue is ahead of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TicketCategory {
    /// Logging in, SPID/CIE, sessions (4 working hours).
    Access,
    /// The application does not work as documented (8 working hours).
    Technical,
    /// Contributions and the cassetto (16 working hours).
    Contributions,
    /// Payments and occasional-work services (16 working hours).
    Payments,
    /// Anything else (24 working hours).
    Other,
}

impl TicketCategory {
    /// Every variant.
    pub const ALL: [Self; 5] = [
        Self::Access,
        Self::Technical,
        Self::Contributions,
        Self::Payments,
        Self::Other,
    ];

    /// Stable wire and storage name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Access => "access",
            Self::Technical => "technical",
            Self::Contributions => "contributions",
            Self::Payments => "payments",
            Self::Other => "other",
        }
    }

    /// The service level: working hours to take a ticket in charge with no queue ahead.
    pub fn service_level_hours(self) -> u32 {
        match self {
            Self::Access => 4,
            Self::Technical => 8,
            Self::Contributions | Self::Payments => 16,
            Self::Other => 24,
        }
    }
}

impl FromStr for TicketCategory {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_wire(&Self::ALL, Self::as_str, "ticket category", s)
    }
}

/// Where a support ticket stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TicketState {
    /// Aperto: waiting to be taken in charge.
    Open,
    /// Preso in carico by an operator.
    Taken,
    /// Chiuso.
    Closed,
}

impl TicketState {
    /// Every variant.
    pub const ALL: [Self; 3] = [Self::Open, Self::Taken, Self::Closed];

    /// Stable wire and storage name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Taken => "taken",
            Self::Closed => "closed",
        }
    }
}

impl FromStr for TicketState {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_wire(&Self::ALL, Self::as_str, "ticket state", s)
    }
}

/// A change of a ticket's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TicketAction {
    /// An operator takes it in charge (open → taken).
    Take,
    /// An operator closes it (open or taken → closed).
    Close,
    /// Someone writes in its thread (any state but closed; no change).
    Message,
}

/// Why a ticket cannot undergo an action: the state it is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a {} ticket cannot be changed that way", .0.as_str())]
pub struct TicketConflict(pub TicketState);

/// The state after `action` on a ticket in `state`: open → taken (once: a taken ticket is not
/// taken again), open or taken → closed, messages until it is closed. A closed ticket is final.
pub fn transition(state: TicketState, action: TicketAction) -> Result<TicketState, TicketConflict> {
    use TicketAction as A;
    use TicketState as S;
    match (state, action) {
        (S::Open, A::Take) => Ok(S::Taken),
        (S::Open | S::Taken, A::Close) => Ok(S::Closed),
        (S::Open | S::Taken, A::Message) => Ok(state),
        _ => Err(TicketConflict(state)),
    }
}

/// The delegation scope a delegate of a ticket's requester needs (a delegation from the
/// requester for the ticket's service, in force): `read` to follow the thread; to write in it,
/// the scope that covers requests to the office for that service, `inquiries` for domestic
/// work and `services` for occasional work (which has no inquiries scope).
pub fn ticket_scope(service: Service, writing: bool) -> Scope {
    match (service, writing) {
        (_, false) => Scope::Read,
        (Service::DomesticWork, true) => Scope::Inquiries,
        (Service::OccasionalWork, true) => Scope::Services,
    }
}

/// How many tickets of one category the help desk takes in charge within that category's
/// service level: the desk's capacity in the estimate below.
pub const DESK_CAPACITY: u32 = 5;

/// The help desk's hours: Monday to Friday, on Italian working days, 08:00 to 18:00 in Italian
/// civil time.
pub const DESK_OPENS: Time = time::macros::time!(08:00);
/// See [`DESK_OPENS`].
pub const DESK_CLOSES: Time = time::macros::time!(18:00);

/// The estimated time before a ticket is taken in charge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Estimate {
    /// Open tickets of the same category ahead of it.
    pub queue_ahead: u32,
    /// Working minutes of the desk until it is taken in charge.
    pub working_minutes: u32,
    /// The moment that falls on, counting only the desk's hours.
    pub by: OffsetDateTime,
}

/// **The estimate**: a ticket of `category` with `queue_ahead` open tickets of the same category
/// before it is taken in charge within
///
/// `service level × (1 + queue_ahead / DESK_CAPACITY)` working hours
///
/// (in minutes, rounded up), counted from `now` over the desk's hours only ([`DESK_OPENS`] to
/// [`DESK_CLOSES`], Monday to Friday, not on national holidays: `calendar`). So the estimate
/// grows with every ticket ahead and shrinks as the desk takes them.
pub fn estimate(category: TicketCategory, queue_ahead: u32, now: OffsetDateTime) -> Estimate {
    let level = u64::from(category.service_level_hours()) * 60;
    let capacity = u64::from(DESK_CAPACITY);
    let minutes = (level * (capacity + u64::from(queue_ahead))).div_ceil(capacity);
    let working_minutes = u32::try_from(minutes).unwrap_or(u32::MAX);
    Estimate {
        queue_ahead,
        working_minutes,
        by: after_working_minutes(now, working_minutes),
    }
}

/// Whether the desk works on the Italian calendar day of `local`.
fn desk_day(local: OffsetDateTime) -> bool {
    !matches!(local.weekday(), Weekday::Saturday | Weekday::Sunday)
        && !is_national_holiday(local.date())
}

/// The instant of `time` on the Italian calendar day of `local` (the offset of that moment:
/// summer time changes at 01:00 UTC, before the desk opens).
fn at(local: OffsetDateTime, time: Time) -> OffsetDateTime {
    let guess = local.date().with_time(time).assume_offset(local.offset());
    guess
        .replace_offset(rome_offset(guess))
        .to_offset(local.offset())
}

/// `from` plus `minutes` of the desk's working time.
pub fn after_working_minutes(from: OffsetDateTime, minutes: u32) -> OffsetDateTime {
    let mut left = Duration::minutes(i64::from(minutes));
    let mut cursor = in_rome(from);
    // At most a few years of desk days; the bound only guards against a bug looping forever.
    for _ in 0..5000 {
        if desk_day(cursor) {
            let start = cursor.max(at(cursor, DESK_OPENS));
            let end = at(cursor, DESK_CLOSES);
            if start < end {
                if end - start >= left {
                    return start + left;
                }
                left -= end - start;
            }
        }
        let next = cursor.date().next_day().unwrap_or(cursor.date());
        cursor = in_rome(at(
            next.with_time(Time::MIDNIGHT)
                .assume_offset(cursor.offset()),
            DESK_OPENS,
        ));
    }
    cursor
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    #[test]
    fn profiles_follow_the_roles_held() {
        assert_eq!(visible_profiles(&[]), vec![ManualProfile::Public]);
        assert_eq!(
            visible_profiles(&[Role::Employer]),
            vec![ManualProfile::Public, ManualProfile::Employer]
        );
        let both = visible_profiles(&[Role::Worker, Role::Client]);
        assert!(both.contains(&ManualProfile::Worker) && both.contains(&ManualProfile::Client));
        assert!(!both.contains(&ManualProfile::Employer));
        assert_eq!(visible_profiles(&[Role::Operator]).len(), 6);
    }

    #[test]
    fn formats_are_recognised_from_the_bytes() {
        assert_eq!(
            ManualFormat::recognise(b"%PDF-1.7\n..."),
            Some(ManualFormat::Pdf)
        );
        assert_eq!(
            ManualFormat::recognise("# Guida\n\nCiao è".as_bytes()),
            Some(ManualFormat::Markdown)
        );
        assert_eq!(ManualFormat::recognise(b"\x89PNG\r\n\x1a\n"), None);
        assert_eq!(ManualFormat::recognise(b"text\0with nul"), None);
        assert_eq!(ManualFormat::recognise(&[0xff, 0xfe, 0x41]), None);
        assert_eq!(ManualFormat::recognise(b"  \n"), None);
        assert_eq!(ManualFormat::sniff(b"%PDF-1"), Some(ManualFormat::Pdf));
        assert_eq!(ManualFormat::sniff(b"# Guida"), None);
    }

    #[test]
    fn faq_topics_are_short_snake_case_words() {
        assert!(is_faq_topic("appointments"));
        assert!(is_faq_topic("a1_b"));
        for bad in ["", "1abc", "Abc", "a-b", "a b", &"a".repeat(33)] {
            assert!(!is_faq_topic(bad), "{bad}");
        }
    }

    #[test]
    fn tickets_are_taken_once_and_closed_for_good() {
        use TicketAction as A;
        use TicketState as S;
        assert_eq!(transition(S::Open, A::Take), Ok(S::Taken));
        assert_eq!(transition(S::Taken, A::Take), Err(TicketConflict(S::Taken)));
        assert_eq!(transition(S::Open, A::Close), Ok(S::Closed));
        assert_eq!(transition(S::Taken, A::Close), Ok(S::Closed));
        assert_eq!(transition(S::Taken, A::Message), Ok(S::Taken));
        for action in [A::Take, A::Close, A::Message] {
            assert_eq!(
                transition(S::Closed, action),
                Err(TicketConflict(S::Closed))
            );
        }
    }

    #[test]
    fn the_estimate_grows_with_the_queue() {
        let now = datetime!(2026-03-02 09:00 UTC); // a Monday, 10:00 in Rome
        let alone = estimate(TicketCategory::Access, 0, now);
        assert_eq!(alone.working_minutes, 240);
        assert_eq!(alone.by, datetime!(2026-03-02 13:00 UTC));
        let behind_five = estimate(TicketCategory::Access, 5, now);
        assert_eq!(behind_five.working_minutes, 480);
        assert_eq!(
            behind_five.by,
            datetime!(2026-03-02 17:00 UTC) + Duration::ZERO
        );
        let mut last = 0;
        for ahead in 0..40 {
            let e = estimate(TicketCategory::Other, ahead, now);
            assert!(e.working_minutes > last);
            last = e.working_minutes;
        }
    }

    #[test]
    fn working_time_skips_nights_weekends_and_holidays() {
        // Friday 17:00 in Rome + 2 h: 1 h on Friday, then Monday 09:00.
        let friday = datetime!(2026-03-06 16:00 UTC);
        assert_eq!(
            after_working_minutes(friday, 120),
            datetime!(2026-03-09 08:00 UTC)
        );
        // Saturday night: starts Monday at 08:00.
        assert_eq!(
            after_working_minutes(datetime!(2026-03-07 22:00 UTC), 60),
            datetime!(2026-03-09 08:00 UTC)
        );
        // 24 April 2026 (Friday) + the weekend + Liberation Day is Saturday; 1 May (Friday) is a
        // holiday: Thursday 30 April 17:30 + 1 h → Monday 4 May 08:30 (CEST).
        assert_eq!(
            after_working_minutes(datetime!(2026-04-30 15:30 UTC), 60),
            datetime!(2026-05-04 06:30 UTC)
        );
    }
}
