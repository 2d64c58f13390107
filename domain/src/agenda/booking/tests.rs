//! Tests for the rules of a draft, one per rule, and for expiry, attachments and the reminder.

use proptest::prelude::*;
use time::macros::{date, datetime};

use super::*;
use crate::inquiry::InquiryOutcome;

const NOW: OffsetDateTime = datetime!(2026-05-11 10:00 UTC);
const SLOT: OffsetDateTime = datetime!(2026-05-12 08:00 UTC);

fn code(text: &str) -> EmploymentCode {
    EmploymentCode::parse(text).unwrap()
}

fn ours() -> EmploymentCode {
    code("1234567897")
}

/// An inquiry answered negatively, about our employment, on no appointment.
fn negative(id: u32) -> InquiryOnDraft<u32> {
    InquiryOnDraft {
        id,
        employment_code: ours(),
        facts: InquiryFacts {
            sent_at: datetime!(2026-04-01 09:00 UTC),
            answer: Some((InquiryOutcome::Negative, datetime!(2026-04-10 09:00 UTC))),
            on_active_appointment: false,
        },
        answer_deadline: date!(2026 - 05 - 01),
    }
}

fn verified_email() -> Contacts {
    Contacts {
        email: Some("anna@example.it".to_owned()),
        email_verified: true,
        ..Contacts::default()
    }
}

/// What a draft request borrows: our employment, the inquiries found, the contacts on file.
struct Fixture {
    employment: EmploymentCode,
    found: Vec<InquiryOnDraft<u32>>,
    contacts: Contacts,
}

impl Fixture {
    fn new(found: Vec<InquiryOnDraft<u32>>) -> Self {
        Self {
            employment: ours(),
            found,
            contacts: verified_email(),
        }
    }

    /// A valid request for inquiry 1 when `found` holds it.
    fn request(&self) -> DraftRequest<'_, u32> {
        DraftRequest {
            employment_code: &self.employment,
            requested: &[1],
            found: &self.found,
            note: "Contributi non accreditati",
            channels: &[Channel::Email],
            contacts: &self.contacts,
            slot_start: SLOT,
        }
    }
}

/// Checks a draft naming `requested` among `found`, otherwise valid.
fn check(
    requested: &[u32],
    found: &[InquiryOnDraft<u32>],
) -> Result<ValidDraft<u32>, Vec<DraftError<u32>>> {
    let fixture = Fixture::new(found.to_vec());
    validate_draft(
        &DraftRequest {
            requested,
            ..fixture.request()
        },
        NOW,
    )
}

#[test]
fn a_valid_draft_is_normalised() {
    let fixture = Fixture::new(vec![negative(1), negative(2)]);
    let draft = validate_draft(
        &DraftRequest {
            requested: &[2, 1, 2],
            note: "  Contributi non accreditati \n",
            channels: &[Channel::Email, Channel::Inbox, Channel::Email],
            ..fixture.request()
        },
        NOW,
    );
    assert_eq!(
        draft,
        Ok(ValidDraft {
            inquiries: vec![2, 1],
            note: "Contributi non accreditati".to_owned(),
            channels: vec![Channel::Inbox, Channel::Email],
        })
    );
}

#[test]
fn an_unanswered_inquiry_past_its_deadline_is_eligible() {
    let mut late = negative(1);
    late.facts.answer = None;
    late.answer_deadline = date!(2026 - 05 - 10);
    assert!(check(&[1], &[late]).is_ok());
}

#[test]
fn at_least_one_inquiry() {
    assert_eq!(check(&[], &[]), Err(vec![DraftError::NoInquiries]));
}

#[test]
fn at_most_twenty_inquiries() {
    let ids: Vec<u32> = (0..=20).collect();
    // Not found, but too many first: no verdict on each.
    assert_eq!(
        check(&ids, &[]),
        Err(vec![DraftError::TooManyInquiries { found: 21 }])
    );
    let found: Vec<_> = ids.iter().map(|&id| negative(id)).collect();
    assert_eq!(
        check(&ids, &found),
        Err(vec![DraftError::TooManyInquiries { found: 21 }])
    );
    assert!(check(&ids[..20], &found).is_ok());
}

#[test]
fn every_inquiry_must_be_known() {
    assert_eq!(
        check(&[1, 7, 8], &[negative(1)]),
        Err(vec![DraftError::UnknownInquiries { ids: vec![7, 8] }])
    );
}

#[test]
fn every_inquiry_must_be_about_the_same_employment() {
    let mut other = negative(2);
    other.employment_code = code("0000000000");
    assert_eq!(
        check(&[1, 2], &[negative(1), other]),
        Err(vec![DraftError::OtherEmployment { ids: vec![2] }])
    );
}

#[test]
fn every_inquiry_must_be_eligible() {
    let mut positive = negative(2);
    positive.facts.answer = Some((InquiryOutcome::Positive, datetime!(2026-04-10 09:00 UTC)));
    let mut waiting = negative(3);
    waiting.facts.answer = None;
    waiting.answer_deadline = date!(2026 - 05 - 11);
    assert_eq!(
        check(&[1, 2, 3], &[negative(1), positive, waiting]),
        Err(vec![DraftError::NotEligible {
            inquiries: vec![
                (2, NotEligibleBecause::PositiveAnswer),
                (
                    3,
                    NotEligibleBecause::AwaitingAnswer {
                        deadline: date!(2026 - 05 - 11)
                    }
                ),
            ]
        }])
    );
}

#[test]
fn no_inquiry_may_be_on_another_confirmed_appointment() {
    let mut taken = negative(2);
    taken.facts.on_active_appointment = true;
    assert_eq!(
        check(&[1, 2], &[negative(1), taken]),
        Err(vec![DraftError::OnAnotherAppointment { ids: vec![2] }])
    );
}

fn with_note(note: &str) -> Result<ValidDraft<u32>, Vec<DraftError<u32>>> {
    let fixture = Fixture::new(vec![negative(1)]);
    validate_draft(
        &DraftRequest {
            note,
            channels: &[],
            ..fixture.request()
        },
        NOW,
    )
}

#[test]
fn the_note_is_required_and_bounded() {
    assert_eq!(
        with_note(" \t\n"),
        Err(vec![DraftError::Note(TextError::Blank)])
    );
    assert_eq!(
        with_note("a\0b"),
        Err(vec![DraftError::Note(TextError::Nul)])
    );
    let long = "è".repeat(MAX_NOTE_CHARS + 1);
    assert_eq!(
        with_note(&long),
        Err(vec![DraftError::Note(TextError::TooLong {
            max: MAX_NOTE_CHARS,
            found: MAX_NOTE_CHARS + 1
        })])
    );
    assert_eq!(
        with_note(&"è".repeat(MAX_NOTE_CHARS)).unwrap().channels,
        vec![Channel::Inbox]
    );
}

#[test]
fn channels_need_a_verified_contact_on_file() {
    let mut fixture = Fixture::new(vec![negative(1)]);
    fixture.contacts.pec = Some("anna@pec.it".to_owned());
    let result = validate_draft(
        &DraftRequest {
            channels: &[Channel::Email, Channel::Pec, Channel::Sms, Channel::Pec],
            ..fixture.request()
        },
        NOW,
    );
    assert_eq!(
        result,
        Err(vec![DraftError::UnreachableChannels {
            channels: vec![Channel::Pec, Channel::Sms]
        }])
    );
}

#[test]
fn the_slot_must_start_in_the_future() {
    let fixture = Fixture::new(vec![negative(1)]);
    for start in [NOW, NOW - Duration::minutes(30)] {
        let result = validate_draft(
            &DraftRequest {
                slot_start: start,
                ..fixture.request()
            },
            NOW,
        );
        assert_eq!(result, Err(vec![DraftError::SlotInPast { start }]));
    }
}

#[test]
fn every_broken_rule_is_reported_in_order() {
    let mut other = negative(2);
    other.employment_code = code("0000000000");
    other.facts.on_active_appointment = true;
    let fixture = Fixture::new(vec![other]);
    let result = validate_draft(
        &DraftRequest {
            requested: &[9, 2],
            note: "",
            channels: &[Channel::Sms],
            slot_start: NOW,
            ..fixture.request()
        },
        NOW,
    );
    assert_eq!(
        result,
        Err(vec![
            DraftError::UnknownInquiries { ids: vec![9] },
            DraftError::OtherEmployment { ids: vec![2] },
            DraftError::OnAnotherAppointment { ids: vec![2] },
            DraftError::Note(TextError::Blank),
            DraftError::UnreachableChannels {
                channels: vec![Channel::Sms]
            },
            DraftError::SlotInPast { start: NOW },
        ])
    );
}

#[test]
fn a_draft_expires_after_its_time_to_live() {
    let created = datetime!(2026-03-28 12:00 UTC);
    // Elapsed time: 24 hours even across the spring clock change.
    assert_eq!(
        draft_expires_at(created, DEFAULT_DRAFT_TTL),
        datetime!(2026-03-29 12:00 UTC)
    );
    assert_eq!(
        draft_expires_at(created, Duration::minutes(30)),
        datetime!(2026-03-28 12:30 UTC)
    );
}

#[test]
fn the_reminder_comes_a_day_of_elapsed_time_before_the_start() {
    assert_eq!(reminder_at(SLOT), datetime!(2026-05-11 08:00 UTC));
    // 10:00 CEST on Sunday 29 March is reminded at 09:00 CET on Saturday: 24 elapsed hours.
    assert_eq!(
        reminder_at(datetime!(2026-03-29 10:00 +2)),
        datetime!(2026-03-28 09:00 +1)
    );
}

#[test]
fn attachments_change_only_on_a_draft_within_the_limits() {
    assert_eq!(
        check_attachment_upload(AppointmentState::Draft, 2, 1_000, 3_145_728 - 1_000),
        Ok(())
    );
    for state in [
        AppointmentState::Confirmed,
        AppointmentState::ClosedResolved,
        AppointmentState::Cancelled,
    ] {
        assert_eq!(
            check_attachment_upload(state, 0, 0, 1),
            Err(AttachmentRefusal::NotDraft { state })
        );
        assert_eq!(
            check_attachments_editable(state),
            Err(AttachmentRefusal::NotDraft { state })
        );
    }
    assert_eq!(
        check_attachment_upload(AppointmentState::Draft, 3, 10, 1),
        Err(AttachmentRefusal::Attachment(AttachmentError::TooMany {
            max: 3
        }))
    );
    assert_eq!(
        check_attachment_upload(AppointmentState::Draft, 1, 3_000_000, 145_729),
        Err(AttachmentRefusal::Attachment(AttachmentError::TooLarge {
            max_bytes: 3_145_728,
            total: 3_145_729
        }))
    );
}

proptest! {
    #[test]
    fn a_draft_is_valid_exactly_when_no_rule_is_broken(
        negatives in prop::collection::vec(any::<bool>(), 1..6),
        note_blank in any::<bool>(),
        past in any::<bool>(),
    ) {
        // Inquiries answered negatively or positively; any positive one must be reported.
        let found: Vec<_> = negatives
            .iter()
            .enumerate()
            .map(|(i, &neg)| {
                let mut inquiry = negative(u32::try_from(i).unwrap());
                if !neg {
                    inquiry.facts.answer = Some((InquiryOutcome::Positive, NOW));
                }
                inquiry
            })
            .collect();
        let ids: Vec<u32> = found.iter().map(|i| i.id).collect();
        let fixture = Fixture::new(found);
        let result = validate_draft(
            &DraftRequest {
                requested: &ids,
                note: if note_blank { " " } else { "nota" },
                slot_start: if past { NOW } else { SLOT },
                ..fixture.request()
            },
            NOW,
        );
        let broken = negatives.iter().any(|n| !n) || note_blank || past;
        prop_assert_eq!(result.is_err(), broken);
        if let Err(errors) = result {
            prop_assert!(!errors.is_empty());
            let positives = negatives.iter().filter(|n| !**n).count();
            let reported = errors.iter().find_map(|e| match e {
                DraftError::NotEligible { inquiries } => Some(inquiries.len()),
                _ => None,
            });
            prop_assert_eq!(reported.unwrap_or(0), positives);
        }
    }
}
