//! The hash chain of the accountability log: who did what on whose data, and on what basis.
//!
//! Each record's hash covers the previous record's hash and a canonical encoding of the record,
//! so deleting, reordering or editing a stored record breaks every later link. The chain proves
//! integrity only relative to its last hash: someone able to rewrite the whole tail can recompute
//! it, which is why the last hash should also be copied somewhere the database writer cannot
//! change (that is the operators' job, not this module's).

use std::fmt::Write as _;

use sha2::{Digest, Sha256};
use time::{OffsetDateTime, UtcOffset};

/// The `prev_hash` of the first record of a chain.
pub const GENESIS_HASH: [u8; 32] = [0; 32];

/// One entry of the accountability log, exactly as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    /// Position in the chain, from the database sequence. Gaps are possible (a rolled-back
    /// insert consumes a value); the chain, not the numbering, proves nothing is missing.
    pub seq: i64,
    /// Unique identifier of the record.
    pub id: String,
    /// When the action happened; store [`truncate_to_micros`] of it.
    pub occurred_at: OffsetDateTime,
    /// Tax code of who acted, if authenticated.
    pub actor_tax_code: Option<String>,
    /// Tax code of whose data was touched, if any.
    pub subject_tax_code: Option<String>,
    /// Delegation the actor used, if any.
    pub delegation_id: Option<String>,
    /// What was done, e.g. `delegation.accept`.
    pub action: String,
    /// What it was done to, e.g. `delegation/<id>`.
    pub resource: String,
    /// How it ended, e.g. `success` or `denied`.
    pub outcome: String,
    /// Correlation id of the HTTP request, if any.
    pub request_id: Option<String>,
}

/// `t` without its sub-microsecond part.
///
/// PostgreSQL's `timestamptz` keeps microseconds, so a record must be hashed with the instant it
/// will read back: callers truncate first, then hash and store the same value.
pub fn truncate_to_micros(t: OffsetDateTime) -> OffsetDateTime {
    // Cannot fail: the microsecond comes from `t` itself, so it is always in range.
    t.replace_microsecond(t.microsecond()).unwrap_or(t)
}

/// The deterministic byte encoding of `r` that the hash covers.
///
/// A JSON array, without spaces: `[seq, id, occurred_at, actor_tax_code, subject_tax_code,
/// delegation_id, action, resource, outcome, request_id]`, `null` for absent values, strings
/// escaped as JSON requires (quote, backslash and control characters; other characters as raw
/// UTF-8). A positional array is used rather than an object so that no key order question can
/// ever arise, and JSON so that an auditor can recompute a hash with any language.
///
/// `occurred_at` is written in UTC as RFC 3339 with exactly six fractional digits, the precision
/// of PostgreSQL `timestamptz`: a finer instant would not survive a round trip through the
/// database, and the same instant in another offset must encode identically.
pub fn canonical_bytes(r: &AuditRecord) -> Vec<u8> {
    let mut out = String::with_capacity(256);
    out.push('[');
    out.push_str(&r.seq.to_string());
    out.push(',');
    push_json_string(&mut out, &r.id);
    out.push(',');
    push_json_string(&mut out, &rfc3339_micros(r.occurred_at));
    for field in [&r.actor_tax_code, &r.subject_tax_code, &r.delegation_id] {
        out.push(',');
        push_optional(&mut out, field.as_deref());
    }
    for field in [&r.action, &r.resource, &r.outcome] {
        out.push(',');
        push_json_string(&mut out, field);
    }
    out.push(',');
    push_optional(&mut out, r.request_id.as_deref());
    out.push(']');
    out.into_bytes()
}

/// The hash of `r` in a chain whose previous hash is `prev`: SHA-256 of `prev` followed by
/// [`canonical_bytes`] of `r`.
pub fn chain_hash(prev: &[u8; 32], r: &AuditRecord) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(prev);
    hasher.update(canonical_bytes(r));
    hasher.finalize().into()
}

/// Why a record does not continue the chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BrokenReason {
    /// The stored previous hash is not the hash of the record checked before: a record was
    /// deleted, inserted or moved.
    #[error("its previous hash does not match the preceding record")]
    PrevHashMismatch,
    /// The stored hash does not match the record's content: the record was altered.
    #[error("its hash does not match its content")]
    HashMismatch,
}

/// The first record at which a chain fails verification.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("audit chain broken at seq {seq} (id {id}): {reason}")]
pub struct BrokenLink {
    /// Sequence number of the failing record.
    pub seq: i64,
    /// Identifier of the failing record.
    pub id: String,
    /// What is wrong with it.
    pub reason: BrokenReason,
}

/// Walks a chain record by record, in `seq` order from the first record, without holding it in
/// memory.
#[derive(Debug, Clone)]
pub struct ChainVerifier {
    prev: [u8; 32],
    checked: u64,
}

impl ChainVerifier {
    /// A verifier expecting the first record of a chain (previous hash [`GENESIS_HASH`]).
    pub fn new() -> Self {
        Self {
            prev: GENESIS_HASH,
            checked: 0,
        }
    }

    /// Checks the next record and its stored `prev_hash` and `hash` columns.
    ///
    /// The stored hashes are byte slices because that is how they come out of the database; a
    /// slice of the wrong length simply does not match. After an error the verifier is left
    /// unchanged: stop at the first broken link, as every later one is suspect.
    pub fn check(
        &mut self,
        r: &AuditRecord,
        stored_prev: &[u8],
        stored_hash: &[u8],
    ) -> Result<(), BrokenLink> {
        let broken = |reason| BrokenLink {
            seq: r.seq,
            id: r.id.clone(),
            reason,
        };
        if stored_prev != self.prev {
            return Err(broken(BrokenReason::PrevHashMismatch));
        }
        let hash = chain_hash(&self.prev, r);
        if stored_hash != hash {
            return Err(broken(BrokenReason::HashMismatch));
        }
        self.prev = hash;
        self.checked += 1;
        Ok(())
    }

    /// How many records have verified so far.
    pub fn checked(&self) -> u64 {
        self.checked
    }
}

impl Default for ChainVerifier {
    fn default() -> Self {
        Self::new()
    }
}

/// The head of the chain: the last sealed record's `seq` and hash (`None` before the first).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChainHead {
    /// Sequence number of the last sealed record.
    pub seq: i64,
    /// Its hash.
    pub hash: [u8; 32],
}

/// The links a sealer writes for one record: its place in the chain and its hashes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seal {
    /// Position in the chain.
    pub seq: i64,
    /// Hash of the record before it.
    pub prev_hash: [u8; 32],
    /// Its own hash.
    pub hash: [u8; 32],
}

/// Chains `records` (unsealed, in the order they are to be sealed; their `seq` is ignored and
/// assigned here) onto `head`: consecutive numbers after the head, each hash over the previous
/// one. Sealing a batch then the next one gives the same chain as sealing both at once.
pub fn seal(head: Option<ChainHead>, records: &mut [AuditRecord]) -> Vec<Seal> {
    let (mut seq, mut prev) = head.map_or((0, GENESIS_HASH), |h| (h.seq, h.hash));
    records
        .iter_mut()
        .map(|record| {
            seq += 1;
            record.seq = seq;
            let hash = chain_hash(&prev, record);
            let link = Seal {
                seq,
                prev_hash: prev,
                hash,
            };
            prev = hash;
            link
        })
        .collect()
}

/// `t` in UTC as `YYYY-MM-DDTHH:MM:SS.ffffffZ`, truncated to microseconds.
fn rfc3339_micros(t: OffsetDateTime) -> String {
    // Converting can only fail within a day of the limits of `time`'s calendar; the original
    // offset is then written instead, which is still RFC 3339 and still deterministic.
    let (t, offset) = match t.checked_to_offset(UtcOffset::UTC) {
        Some(utc) => (utc, String::from("Z")),
        None => {
            let (hours, minutes, _) = t.offset().as_hms();
            let sign = if t.offset().is_negative() { '-' } else { '+' };
            let offset = format!(
                "{sign}{:02}:{:02}",
                hours.unsigned_abs(),
                minutes.unsigned_abs()
            );
            (t, offset)
        }
    };
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}{offset}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.microsecond(),
    )
}

/// Appends `value` as a JSON string, or `null`.
fn push_optional(out: &mut String, value: Option<&str>) {
    match value {
        Some(value) => push_json_string(out, value),
        None => out.push_str("null"),
    }
}

/// Appends `value` as a JSON string literal (RFC 8259), escaping exactly what `serde_json` does:
/// the short escapes where JSON has one, `\u00xx` (lowercase hex) for other control characters,
/// everything else as raw UTF-8. An auditor's tool must match this choice to recompute a hash
/// (Python's `json.dumps(fields, separators=(",", ":"), ensure_ascii=False)` does).
fn push_json_string(out: &mut String, value: &str) {
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0C}' => out.push_str("\\f"),
            c if u32::from(c) < 0x20 => {
                // Writing to a String cannot fail.
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests;
