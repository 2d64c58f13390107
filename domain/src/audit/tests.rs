//! Tests for the audit chain: tampering of every kind is caught at the right record, and the
//! canonical encoding is pinned byte for byte.

use proptest::prelude::*;
use time::Duration;
use time::macros::datetime;

use super::*;

/// A record with every field distinct from the other records', optional fields alternating
/// between present and absent.
fn record(seq: i64) -> AuditRecord {
    let some_if = |present: bool, value: String| present.then_some(value);
    AuditRecord {
        seq,
        id: format!("rec-{seq}"),
        occurred_at: truncate_to_micros(
            datetime!(2026-03-15 10:00:00.123456 UTC) + Duration::seconds(seq),
        ),
        actor_tax_code: Some("RSSMRA85T10A562S".to_owned()),
        subject_tax_code: some_if(seq % 2 == 1, "RSSMRA45D25F205N".to_owned()),
        delegation_id: some_if(seq % 2 == 1, format!("del-{seq}")),
        action: "delegation.accept".to_owned(),
        resource: format!("delegation/del-{seq}"),
        outcome: "success".to_owned(),
        request_id: some_if(seq != 2, format!("req-{seq}")),
    }
}

/// A stored row: the record and its `prev_hash` and `hash` columns.
type Row = (AuditRecord, Vec<u8>, Vec<u8>);

fn chain(len: i64) -> Vec<Row> {
    let mut prev = GENESIS_HASH;
    (1..=len)
        .map(|seq| {
            let r = record(seq);
            let hash = chain_hash(&prev, &r);
            let row = (r, prev.to_vec(), hash.to_vec());
            prev = hash;
            row
        })
        .collect()
}

fn verify(rows: &[Row]) -> Result<u64, BrokenLink> {
    let mut verifier = ChainVerifier::new();
    for (r, prev, hash) in rows {
        verifier.check(r, prev, hash)?;
    }
    Ok(verifier.checked())
}

fn broken_at(seq: i64, reason: BrokenReason) -> Result<u64, BrokenLink> {
    Err(BrokenLink {
        seq,
        id: format!("rec-{seq}"),
        reason,
    })
}

#[test]
fn an_intact_chain_verifies() {
    assert_eq!(verify(&chain(5)), Ok(5));
    assert_eq!(verify(&[]), Ok(0));
    assert_eq!(ChainVerifier::default().checked(), 0);
}

/// A change made to a stored record.
type Alteration = fn(&mut AuditRecord);

#[test]
fn altering_any_field_of_record_3_is_caught_at_record_3() {
    let alterations: [(&str, Alteration); 14] = [
        ("seq", |r| r.seq = 33),
        ("id", |r| r.id.push('x')),
        ("occurred_at", |r| {
            r.occurred_at += Duration::microseconds(1)
        }),
        ("actor removed", |r| r.actor_tax_code = None),
        ("actor changed", |r| {
            r.actor_tax_code = Some("02121151001".into())
        }),
        ("subject changed", |r| r.subject_tax_code = Some("X".into())),
        ("subject emptied", |r| {
            r.subject_tax_code = Some(String::new())
        }),
        ("subject removed", |r| r.subject_tax_code = None),
        ("delegation removed", |r| r.delegation_id = None),
        ("action", |r| r.action = "delegation.reject".into()),
        ("resource", |r| r.resource.push('/')),
        ("outcome", |r| r.outcome = "denied".into()),
        ("request removed", |r| r.request_id = None),
        ("request changed", |r| r.request_id = Some("req-4".into())),
    ];
    for (field, alter) in alterations {
        let mut rows = chain(5);
        alter(&mut rows[2].0);
        let error = verify(&rows).unwrap_err();
        assert_eq!(error.id, rows[2].0.id, "{field}");
        assert_eq!(error.seq, rows[2].0.seq, "{field}");
        assert_eq!(error.reason, BrokenReason::HashMismatch, "{field}");
    }
}

#[test]
fn altering_a_record_and_its_hash_is_caught_at_the_next_record() {
    let mut rows = chain(5);
    rows[2].0.outcome = "denied".into();
    let prev: [u8; 32] = rows[1].2.clone().try_into().unwrap();
    rows[2].2 = chain_hash(&prev, &rows[2].0).to_vec();
    assert_eq!(verify(&rows), broken_at(4, BrokenReason::PrevHashMismatch));
}

#[test]
fn tampered_hash_columns_are_caught() {
    let mut rows = chain(5);
    rows[2].2[0] ^= 1;
    assert_eq!(verify(&rows), broken_at(3, BrokenReason::HashMismatch));

    let mut rows = chain(5);
    rows[2].1[31] ^= 1;
    assert_eq!(verify(&rows), broken_at(3, BrokenReason::PrevHashMismatch));

    let mut rows = chain(5);
    rows[2].2.push(0);
    assert_eq!(verify(&rows), broken_at(3, BrokenReason::HashMismatch));

    let mut rows = chain(5);
    rows[0].1.clear();
    assert_eq!(verify(&rows), broken_at(1, BrokenReason::PrevHashMismatch));
}

#[test]
fn deleting_record_3_is_caught_at_record_4() {
    let mut rows = chain(5);
    rows.remove(2);
    assert_eq!(verify(&rows), broken_at(4, BrokenReason::PrevHashMismatch));
}

#[test]
fn deleting_the_first_record_is_caught() {
    let mut rows = chain(5);
    rows.remove(0);
    assert_eq!(verify(&rows), broken_at(2, BrokenReason::PrevHashMismatch));
}

#[test]
fn reordering_is_caught() {
    let mut rows = chain(5);
    rows.swap(2, 3);
    assert_eq!(verify(&rows), broken_at(4, BrokenReason::PrevHashMismatch));

    let mut rows = chain(5);
    rows.reverse();
    assert_eq!(verify(&rows), broken_at(5, BrokenReason::PrevHashMismatch));
}

#[test]
fn the_verifier_stops_at_the_first_broken_link() {
    let rows = chain(5);
    let mut verifier = ChainVerifier::new();
    for (r, prev, hash) in &rows[..2] {
        verifier.check(r, prev, hash).unwrap();
    }
    let (r4, prev4, hash4) = &rows[3];
    assert!(verifier.check(r4, prev4, hash4).is_err());
    assert_eq!(verifier.checked(), 2);
    // The failed check left the verifier where it was: the genuine record 3 still fits.
    let (r3, prev3, hash3) = &rows[2];
    assert_eq!(verifier.check(r3, prev3, hash3), Ok(()));
    assert_eq!(verifier.checked(), 3);
}

/// SHA-256 of [`GENESIS_HASH`] followed by the pinned canonical bytes below.
const PINNED_HASH: &str = "11ddab25f3ac80dc0fc42f12e2806ceb34fc92fb8de20b63c3ca5a9e00694207";

#[test]
fn canonical_bytes_are_pinned() {
    let r = AuditRecord {
        seq: 42,
        id: "a\"b\\c".to_owned(),
        occurred_at: datetime!(2026-03-15 11:30:00.123456789 +01:00),
        actor_tax_code: Some("RSSMRA85T10A562S".to_owned()),
        subject_tax_code: None,
        delegation_id: Some("d\n1\r\t\u{8}\u{c}".to_owned()),
        action: "delegation.accept".to_owned(),
        resource: "delegation/è€😀\u{1}\u{1f}\u{7f}".to_owned(),
        outcome: "success".to_owned(),
        request_id: None,
    };
    let expected = concat!(
        r#"[42,"a\"b\\c","2026-03-15T10:30:00.123456Z","RSSMRA85T10A562S",null,"#,
        r#""d\n1\r\t\b\f","delegation.accept","delegation/è€😀\u0001\u001f"#,
        "\u{7f}",
        r#"","success",null]"#,
    );
    assert_eq!(String::from_utf8(canonical_bytes(&r)).unwrap(), expected);

    // Pinned independently (Python: sha256(bytes(32) + json.dumps(fields, separators=(",", ":"),
    // ensure_ascii=False).encode())), so a change of encoding or hash function cannot slip through.
    let hash: String = chain_hash(&GENESIS_HASH, &r)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(hash, PINNED_HASH);
}

#[test]
fn timestamps_are_utc_microseconds() {
    let mut r = record(1);
    r.occurred_at = datetime!(2026-01-01 00:59:59.5 +01:00);
    let text = String::from_utf8(canonical_bytes(&r)).unwrap();
    assert!(text.contains(r#""2025-12-31T23:59:59.500000Z""#), "{text}");

    r.occurred_at = datetime!(2026-06-30 18:00:00 -05:30);
    let text = String::from_utf8(canonical_bytes(&r)).unwrap();
    assert!(text.contains(r#""2026-06-30T23:30:00.000000Z""#), "{text}");
}

#[test]
fn truncation_and_offsets_do_not_change_the_encoding() {
    let precise = datetime!(2026-03-15 10:00:00.123456999 UTC);
    assert_eq!(
        truncate_to_micros(precise),
        datetime!(2026-03-15 10:00:00.123456 UTC)
    );
    assert_eq!(
        truncate_to_micros(truncate_to_micros(precise)),
        truncate_to_micros(precise)
    );

    let mut a = record(1);
    a.occurred_at = precise;
    let mut b = a.clone();
    b.occurred_at = truncate_to_micros(precise).to_offset(time::macros::offset!(+02:00));
    assert_eq!(canonical_bytes(&a), canonical_bytes(&b));
    assert_eq!(chain_hash(&GENESIS_HASH, &a), chain_hash(&GENESIS_HASH, &b));
}

#[test]
fn chain_hash_is_sha256_of_prev_then_bytes() {
    let r = record(7);
    let prev = [7u8; 32];
    let mut input = prev.to_vec();
    input.extend(canonical_bytes(&r));
    let expected: [u8; 32] = Sha256::digest(&input).into();
    assert_eq!(chain_hash(&prev, &r), expected);
    assert_ne!(chain_hash(&GENESIS_HASH, &r), expected);
}

#[test]
fn broken_link_message() {
    let error = BrokenLink {
        seq: 4,
        id: "rec-4".into(),
        reason: BrokenReason::PrevHashMismatch,
    };
    assert_eq!(
        error.to_string(),
        "audit chain broken at seq 4 (id rec-4): its previous hash does not match the preceding record"
    );
}

proptest! {
    /// The hand-written encoding equals serde_json's for any content, so the escaping is right.
    #[test]
    fn canonical_bytes_equal_serde_json(
        seq in any::<i64>(),
        id in any::<String>(),
        nanos in 0i64..4_000_000_000_000_000_000,
        actor in proptest::option::of(any::<String>()),
        subject in proptest::option::of(any::<String>()),
        delegation in proptest::option::of(any::<String>()),
        action in any::<String>(),
        resource in "[\\x00-\\x20\"\\\\a-z\u{80}-\u{10ffff}]{0,12}",
        outcome in any::<String>(),
        request in proptest::option::of(any::<String>()),
    ) {
        let occurred_at = OffsetDateTime::UNIX_EPOCH + Duration::nanoseconds(nanos);
        let r = AuditRecord {
            seq,
            id: id.clone(),
            occurred_at,
            actor_tax_code: actor.clone(),
            subject_tax_code: subject.clone(),
            delegation_id: delegation.clone(),
            action: action.clone(),
            resource: resource.clone(),
            outcome: outcome.clone(),
            request_id: request.clone(),
        };
        // time's own formatter, independent of the hand-written one.
        let timestamp = occurred_at
            .format(time::macros::format_description!(
                "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z"
            ))
            .unwrap();
        let json = serde_json::to_vec(&serde_json::json!([
            seq, id, timestamp, actor, subject, delegation, action, resource, outcome, request
        ]))
        .unwrap();
        prop_assert_eq!(canonical_bytes(&r), json);
    }
}

#[test]
fn sealed_records_verify_as_one_chain_in_any_batching() {
    let all: Vec<AuditRecord> = (0..7).map(|i| record(100 + i)).collect();
    for split in 0..=all.len() {
        let (mut first, mut second) = (all[..split].to_vec(), all[split..].to_vec());
        let mut links = seal(None, &mut first);
        let head = links.last().map(|l| ChainHead {
            seq: l.seq,
            hash: l.hash,
        });
        links.extend(seal(head, &mut second));
        let mut sealed = first;
        sealed.extend(second);
        let mut verifier = ChainVerifier::new();
        for (r, link) in sealed.iter().zip(&links) {
            assert_eq!(r.seq, link.seq);
            verifier.check(r, &link.prev_hash, &link.hash).unwrap();
        }
        assert_eq!(verifier.checked(), 7, "split at {split}");
        assert_eq!(
            links.iter().map(|l| l.seq).collect::<Vec<_>>(),
            (1..=7).collect::<Vec<_>>()
        );
    }
}

#[test]
fn sealing_continues_after_the_head() {
    let mut records = vec![record(0), record(0)];
    let head = ChainHead {
        seq: 41,
        hash: [7; 32],
    };
    let links = seal(Some(head), &mut records);
    assert_eq!(links[0].seq, 42);
    assert_eq!(links[0].prev_hash, [7; 32]);
    assert_eq!(links[1].prev_hash, links[0].hash);
    assert_eq!(records[1].seq, 43);
    assert!(seal(Some(head), &mut []).is_empty());
}
