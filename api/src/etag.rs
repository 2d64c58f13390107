//! `ETag` / `If-Match` for mutable resources: a strong ETag from the row version, 412 when the
//! client's copy is stale (or the header names no entity tag at all: such a precondition can
//! never hold), 400 for an oversized header, 428 when an action requires `If-Match` and none
//! was sent.

use actix_web::HttpRequest;
use actix_web::http::header;

use crate::error::{ApiError, Problem};
use crate::refusal::Refusal;

/// Longest `If-Match` accepted (the contract's `maxLength`).
pub const MAX_IF_MATCH_LEN: usize = 256;

/// The ETag of version `version` of a resource.
pub fn etag(version: i32) -> String {
    format!("\"v{version}\"")
}

/// A parsed `If-Match`: `*` or a list of entity tags (RFC 9110 §13.1.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IfMatch {
    /// `*`: any current version.
    Any,
    /// The listed tags (weak tags never match: `If-Match` uses strong comparison).
    Tags(Vec<String>),
}

fn malformed() -> ApiError {
    ApiError::new(Problem::MalformedRequest).with_detail(
        "Intestazione If-Match troppo lunga o non testuale.",
        "If-Match header too long or not text.",
    )
}

impl IfMatch {
    /// The request's `If-Match`, if sent; 400 when it is not well-formed.
    pub fn from_request(req: &HttpRequest) -> Result<Option<Self>, ApiError> {
        let Some(value) = req.headers().get(header::IF_MATCH) else {
            return Ok(None);
        };
        let text = value.to_str().map_err(|_| malformed())?.trim();
        if text.len() > MAX_IF_MATCH_LEN {
            return Err(malformed());
        }
        if text == "*" {
            return Ok(Some(Self::Any));
        }
        let mut tags = Vec::new();
        for item in text.split(',') {
            let item = item.trim();
            let strong = item.strip_prefix("W/").is_none();
            let quoted = item.trim_start_matches("W/");
            let well_formed = quoted.len() >= 2
                && quoted.starts_with('"')
                && quoted.ends_with('"')
                && !quoted[1..quoted.len() - 1].contains('"');
            // Something that is not an entity tag matches no version: the precondition fails.
            if strong && well_formed {
                tags.push(quoted.to_owned());
            }
        }
        Ok(Some(Self::Tags(tags)))
    }

    /// 412 unless this matches the current `version`.
    pub fn check(&self, version: i32) -> Result<(), ApiError> {
        let current = etag(version);
        match self {
            Self::Any => Ok(()),
            Self::Tags(tags) if tags.contains(&current) => Ok(()),
            Self::Tags(_) => Err(ApiError::new(Problem::PreconditionFailed).with_detail(
                "La risorsa è cambiata: rileggerla e riprovare.",
                "The resource has changed: read it again and retry.",
            )),
        }
    }
}

/// Checks the request's `If-Match` against `version`. With `required`, a missing header is 428.
pub fn check_if_match(req: &HttpRequest, version: i32, required: bool) -> Result<(), ApiError> {
    Ok(precondition(req, required)?(version)?)
}

/// The request's `If-Match` as a check for a use case to run on the version it reads once it
/// holds the resource (locked, and known visible to the caller: a stranger gets 404, never
/// 412 or 428). With `required`, a request without the header is refused 428.
pub fn precondition(
    req: &HttpRequest,
    required: bool,
) -> Result<impl FnOnce(i32) -> Result<(), Refusal> + Send + 'static, ApiError> {
    let if_match = IfMatch::from_request(req)?;
    Ok(move |version| match if_match {
        Some(m) => m.check(version).map_err(|e| e.refusal),
        None if required => Err(Refusal::new(Problem::PreconditionRequired).with_detail(
            "Inviare If-Match con l'ETag letto in precedenza.",
            "Send If-Match with the ETag read before.",
        )),
        None => Ok(()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn with(value: &str) -> HttpRequest {
        TestRequest::default()
            .insert_header((header::IF_MATCH, value))
            .to_http_request()
    }

    #[test]
    fn missing_is_428_only_when_required() {
        let req = TestRequest::default().to_http_request();
        assert!(check_if_match(&req, 3, false).is_ok());
        let err = check_if_match(&req, 3, true).unwrap_err();
        assert_eq!(err.problem(), Problem::PreconditionRequired);
    }

    #[test]
    fn stale_is_412_and_current_or_star_pass() {
        let err = check_if_match(&with("\"v2\""), 3, true).unwrap_err();
        assert_eq!(err.problem(), Problem::PreconditionFailed);
        for ok in ["\"v3\"", "\"v1\", \"v3\"", "*"] {
            assert!(check_if_match(&with(ok), 3, true).is_ok(), "{ok}");
        }
    }

    #[test]
    fn weak_tags_never_match() {
        let err = check_if_match(&with("W/\"v3\""), 3, true).unwrap_err();
        assert_eq!(err.problem(), Problem::PreconditionFailed);
    }

    #[test]
    fn values_that_are_not_entity_tags_never_match() {
        for bad in ["v3", "null", "0", "\"v3", "\"a\"b\""] {
            let err = check_if_match(&with(bad), 3, false).unwrap_err();
            assert_eq!(err.problem(), Problem::PreconditionFailed, "{bad}");
        }
    }

    #[test]
    fn oversized_headers_are_400() {
        let err = check_if_match(&with(&format!("\"{}\"", "x".repeat(300))), 3, false).unwrap_err();
        assert_eq!(err.problem(), Problem::MalformedRequest);
    }
}
