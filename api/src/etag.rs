//! `ETag` / `If-Match` for mutable resources: a strong ETag from the row version, 412 when the
//! client's copy is stale, 428 when an action requires `If-Match` and none was sent.

use actix_web::HttpRequest;
use actix_web::http::header;

use crate::error::{ApiError, ErrorCode};

/// The ETag of version `version` of a resource.
pub fn etag(version: i32) -> String {
    format!("\"v{version}\"")
}

/// Checks `If-Match` against the current `version`. With `required`, a missing header is 428.
pub fn check_if_match(req: &HttpRequest, version: i32, required: bool) -> Result<(), ApiError> {
    let Some(value) = req.headers().get(header::IF_MATCH) else {
        return if required {
            Err(ApiError::new(ErrorCode::PreconditionRequired).with_detail(
                "Inviare If-Match con l'ETag letto in precedenza.",
                "Send If-Match with the ETag read before.",
            ))
        } else {
            Ok(())
        };
    };
    let current = etag(version);
    let matches = value.to_str().is_ok_and(|v| {
        v.split(',')
            .map(str::trim)
            .any(|tag| tag == "*" || tag == current)
    });
    if matches {
        Ok(())
    } else {
        Err(ApiError::new(ErrorCode::PreconditionFailed).with_detail(
            "La risorsa è cambiata: rileggerla e riprovare.",
            "The resource has changed: read it again and retry.",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn missing_is_428_only_when_required() {
        let req = TestRequest::default().to_http_request();
        assert!(check_if_match(&req, 3, false).is_ok());
        let err = check_if_match(&req, 3, true).unwrap_err();
        assert_eq!(err.code, ErrorCode::PreconditionRequired);
    }

    #[test]
    fn stale_is_412_and_current_or_star_pass() {
        let stale = TestRequest::default()
            .insert_header((header::IF_MATCH, "\"v2\""))
            .to_http_request();
        assert_eq!(
            check_if_match(&stale, 3, true).unwrap_err().code,
            ErrorCode::PreconditionFailed
        );
        for ok in ["\"v3\"", "\"v1\", \"v3\"", "*"] {
            let req = TestRequest::default()
                .insert_header((header::IF_MATCH, ok))
                .to_http_request();
            assert!(check_if_match(&req, 3, true).is_ok(), "{ok}");
        }
    }
}
