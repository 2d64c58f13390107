//! Pending one-time codes verifying a contact (`contact_verifications`): one per person and
//! channel, holding only a keyed hash of the code.

use diesel::prelude::*;
use diesel::query_dsl::methods::FilterDsl as _;
use inps_domain::person::verification::{ContactChannel, PendingCode};
use time::OffsetDateTime;

use crate::schema::contact_verifications as cv;

/// A code to keep: whose, on which channel, sent where, its keyed hash and expiry.
#[derive(Debug, Clone)]
pub struct NewCode<'a> {
    /// The person.
    pub tax_code: &'a str,
    /// The channel.
    pub channel: ContactChannel,
    /// The address it is sent to.
    pub address: &'a str,
    /// Its keyed hash.
    pub code_hash: &'a [u8],
    /// When.
    pub now: OffsetDateTime,
    /// When it stops being valid.
    pub expires_at: OffsetDateTime,
}

/// Keeps `code`, replacing the code pending for the same person and channel (its wrong tries
/// start again at zero) only when that one was sent at or before `sent_by`: `Err(sent_at)`,
/// keeping nothing, when a newer one is pending. One statement, so two requests at once cannot
/// both replace it (the second waits for the first to commit, then sees its code).
pub fn replace_if_sent_by(
    conn: &mut PgConnection,
    code: &NewCode<'_>,
    sent_by: OffsetDateTime,
) -> QueryResult<Result<(), OffsetDateTime>> {
    let values = (
        cv::address.eq(code.address),
        cv::code_hash.eq(code.code_hash),
        cv::created_at.eq(code.now),
        cv::expires_at.eq(code.expires_at),
        cv::failed_attempts.eq(0),
    );
    let replaced = diesel::insert_into(cv::table)
        .values((
            cv::tax_code.eq(code.tax_code),
            cv::channel.eq(code.channel.as_str()),
            values,
        ))
        .on_conflict((cv::tax_code, cv::channel))
        .do_update()
        .set(values)
        .filter(cv::created_at.le(sent_by))
        .execute(conn)?;
    if replaced == 1 {
        return Ok(Ok(()));
    }
    let sent_at = cv::table
        .find((code.tax_code, code.channel.as_str()))
        .select(cv::created_at)
        .first(conn)?;
    Ok(Err(sent_at))
}

/// The code pending for `tax_code` on `channel` and its keyed hash, locked until the end of the
/// transaction (so concurrent tries count one by one).
pub fn pending(
    conn: &mut PgConnection,
    tax_code: &str,
    channel: ContactChannel,
) -> QueryResult<Option<(PendingCode, Vec<u8>)>> {
    let row: Option<(String, OffsetDateTime, i32, Vec<u8>)> = cv::table
        .find((tax_code, channel.as_str()))
        .select((
            cv::address,
            cv::expires_at,
            cv::failed_attempts,
            cv::code_hash,
        ))
        .for_update()
        .first(conn)
        .optional()?;
    Ok(row.map(|(address, expires_at, failed_attempts, hash)| {
        (
            PendingCode {
                address,
                expires_at,
                failed_attempts,
            },
            hash,
        )
    }))
}

/// Counts a wrong try of the code pending for `tax_code` on `channel`.
pub fn count_failed_attempt(
    conn: &mut PgConnection,
    tax_code: &str,
    channel: ContactChannel,
) -> QueryResult<()> {
    diesel::update(cv::table.find((tax_code, channel.as_str())))
        .set(cv::failed_attempts.eq(cv::failed_attempts + 1))
        .execute(conn)
        .map(drop)
}

/// Removes the code pending for `tax_code` on `channel` (it was used).
pub fn remove(conn: &mut PgConnection, tax_code: &str, channel: ContactChannel) -> QueryResult<()> {
    diesel::delete(cv::table.find((tax_code, channel.as_str())))
        .execute(conn)
        .map(drop)
}
