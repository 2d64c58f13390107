//! Every problem the application answers in a test must be a row of the problem registry and
//! must be listed by the contract for the operation that answered it (`x-problem-types`).
//! [`crate::TestApp::send`] checks each response, so an undocumented problem type fails the
//! test that provoked it, whatever that test asserts.

use inps_api::problems::Problem;
use serde_json::Value;

/// The contract path template (relative to `/v1`) matching `uri`, if any.
fn template_of(uri: &str) -> Option<String> {
    let path = uri.split('?').next().unwrap_or(uri);
    let path = path.strip_prefix("/v1")?;
    let segments: Vec<&str> = path.split('/').collect();
    crate::contract()["paths"]
        .as_object()?
        .keys()
        .filter(|template| {
            let parts: Vec<&str> = template.split('/').collect();
            parts.len() == segments.len()
                && parts
                    .iter()
                    .zip(&segments)
                    .all(|(t, s)| t == s || (t.starts_with('{') && !s.is_empty()))
        })
        // A literal segment beats a parameter (`/sessions/current` over `/sessions/{id}`).
        .max_by_key(|template| template.matches('{').count() == 0)
        .cloned()
}

/// Panics when `body` (a problem answered to `method uri`) has a type outside the registry, or
/// one the contract does not list for that operation.
pub fn check(method: &str, uri: &str, status: u16, body: &[u8]) {
    let Ok(problem) = serde_json::from_slice::<Value>(body) else {
        return;
    };
    let Some(type_uri) = problem.get("type").and_then(Value::as_str) else {
        return;
    };
    let slug = type_uri.rsplit('/').next().unwrap_or("");
    let row = Problem::from_slug(slug)
        .unwrap_or_else(|| panic!("{method} {uri} answered {type_uri}, not in the registry"));
    assert_eq!(
        row.spec().status,
        status,
        "{method} {uri}: {slug} answered with another status"
    );
    // A bug can surface anywhere: a 500 is never "documented", and its test fails on its own.
    if row == Problem::Internal {
        return;
    }
    let Some(template) = template_of(uri) else {
        return;
    };
    if crate::contract()["paths"][&template]
        .get(method.to_ascii_lowercase())
        .is_none()
    {
        return;
    }
    let listed = inps_api::contract_problems::listed(crate::contract(), method, &template);
    assert!(
        listed.iter().any(|l| l == type_uri),
        "{method} {uri} answered {slug} ({status}), which the contract does not list for \
         {method} {template}: add it to api/src/contract_problems.rs"
    );
}
