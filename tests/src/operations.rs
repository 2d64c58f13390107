//! The operations of the contract ([`crate::contract`]) as tests walk them: their method and
//! path, what the contract says of them (security, operators only), their path filled in, a
//! request with the contract's example body, and a table of the answers that were not expected.

use std::fmt::Write as _;

use actix_web::test::TestRequest;
use serde_json::{Value, json};

use crate::app::{TestApp, TestResponse};

/// One operation of the contract.
#[derive(Debug)]
pub struct Operation {
    /// Lower case, as in the contract.
    pub method: String,
    /// The contract's path (under `/v1`).
    pub path: String,
    /// The operation object.
    pub op: &'static Value,
}

/// Every operation of the contract, in its order.
pub fn operations() -> Vec<Operation> {
    let paths = crate::contract()["paths"].as_object().expect("paths");
    let mut out = Vec::new();
    for (path, item) in paths {
        for (method, op) in item.as_object().expect("path item") {
            if matches!(method.as_str(), "get" | "put" | "post" | "delete" | "patch") {
                out.push(Operation {
                    method: method.clone(),
                    path: path.clone(),
                    op,
                });
            }
        }
    }
    assert!(!out.is_empty(), "the contract has no operations");
    out
}

/// A path parameter's value, and whether it names someone's data (a subject) or only picks from
/// a fixed list (a topic, a role).
#[derive(Debug)]
pub struct PathParam {
    /// The value put in the path.
    pub value: String,
    /// Whether it names someone's data.
    pub subject: bool,
}

/// A path parameter nobody could fill.
#[derive(Debug)]
pub struct UnknownParam {
    /// The parameter's name.
    pub name: String,
    /// The literal path segment before it.
    pub collection: String,
}

impl Operation {
    /// `GET`, `POST`, ...
    pub fn method_upper(&self) -> String {
        self.method.to_ascii_uppercase()
    }

    /// Whether the path has parameters.
    pub fn has_path_parameters(&self) -> bool {
        self.path.contains('{')
    }

    /// Whether the contract puts the operation behind the `bearer` scheme.
    pub fn needs_bearer(&self) -> bool {
        let security = self
            .op
            .get("security")
            .or_else(|| crate::contract().get("security"));
        security
            .and_then(Value::as_array)
            .is_some_and(|alternatives| alternatives.iter().any(|s| s.get("bearer").is_some()))
    }

    /// Whether the contract reserves the operation to operators ("Operators only" in its
    /// description, or "Not an operator." as its 403).
    pub fn operators_only(&self) -> bool {
        let said = format!(
            "{} {}",
            self.op["description"].as_str().unwrap_or(""),
            self.op["responses"]["403"]["description"]
                .as_str()
                .unwrap_or("")
        );
        said.contains("Operators only") || said.contains("Not an operator")
    }

    /// The full path (`/v1/...`) with each parameter filled by `value(collection, name)`
    /// (`collection` is the literal segment before it), and how many name a subject.
    pub fn fill_path(
        &self,
        mut value: impl FnMut(&str, &str) -> Option<PathParam>,
    ) -> Result<(String, usize), UnknownParam> {
        let mut uri = String::from("/v1");
        let mut subjects = 0;
        let mut collection = "";
        for segment in self.path.split('/').filter(|s| !s.is_empty()) {
            uri.push('/');
            let Some(name) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) else {
                uri.push_str(segment);
                collection = segment;
                continue;
            };
            let param = value(collection, name).ok_or_else(|| UnknownParam {
                name: name.to_owned(),
                collection: collection.to_owned(),
            })?;
            subjects += usize::from(param.subject);
            uri.push_str(&param.value);
            collection = "";
        }
        Ok((uri, subjects))
    }

    /// A request for the operation at `uri` as the holder of `token`, with the contract's
    /// example body in the declared media type (so an answer is about who asks, not a 415 or a
    /// 422 about the body).
    pub fn request(&self, uri: &str, token: Option<&str>) -> TestRequest {
        let mut req = TestRequest::default()
            .method(self.method_upper().parse().expect("method"))
            .uri(uri);
        if let Some(token) = token {
            req = req.insert_header(("Authorization", format!("Bearer {token}")));
        }
        let Some((media_type, content)) = self.op["requestBody"]["content"]
            .as_object()
            .and_then(|c| c.iter().next())
        else {
            return req;
        };
        let example = content
            .get("example")
            .or_else(|| resolve(&content["schema"]).get("example"))
            .cloned()
            .unwrap_or_else(|| json!({}));
        match media_type.as_str() {
            "multipart/form-data" => {
                let fields: Vec<(String, String)> = example
                    .as_object()
                    .map(|o| {
                        o.iter()
                            .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
                            .collect()
                    })
                    .unwrap_or_default();
                let fields: Vec<(&str, &str)> = fields
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                let (content_type, body) = TestApp::multipart_body(&fields, &[]);
                req.insert_header(("Content-Type", content_type))
                    .set_payload(body)
            }
            "application/json" => req.set_json(example),
            other => req
                .insert_header(("Content-Type", other.to_owned()))
                .set_payload(example.to_string()),
        }
    }
}

/// `$ref`s resolved against the contract's components.
fn resolve(schema: &Value) -> &Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let pointer = reference.strip_prefix('#').expect("local $ref");
            crate::contract()
                .pointer(pointer)
                .unwrap_or_else(|| panic!("{reference} is not in the contract"))
        }
        None => schema,
    }
}

/// The status and problem `type` of an answer, for a report.
pub fn status_and_type(res: &TestResponse) -> String {
    let problem_type = serde_json::from_slice::<Value>(&res.body)
        .ok()
        .and_then(|b| b["type"].as_str().map(str::to_owned))
        .unwrap_or_default();
    format!("{} {problem_type}", res.status.as_u16())
}

/// One answer that differs from what was expected.
#[derive(Debug)]
pub struct Offence {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The contract's path.
    pub path: String,
    /// Who asked.
    pub who: String,
    /// What was expected.
    pub expected: String,
    /// What came.
    pub got: String,
}

impl Offence {
    /// An offence of `operation`.
    pub fn of(operation: &Operation, who: &str, expected: &str, got: String) -> Self {
        Self {
            method: operation.method_upper(),
            path: operation.path.clone(),
            who: who.to_owned(),
            expected: expected.to_owned(),
            got,
        }
    }
}

/// Fails listing every offence at once, as a table.
pub fn assert_no_offences(what: &str, offences: &[Offence]) {
    if offences.is_empty() {
        return;
    }
    let mut table = format!(
        "{what}: {} offence(s)\n{:<7} {:<50} {:<34} {:<28} got\n",
        offences.len(),
        "method",
        "path",
        "who",
        "expected"
    );
    for o in offences {
        let _ = writeln!(
            table,
            "{:<7} {:<50} {:<34} {:<28} {}",
            o.method, o.path, o.who, o.expected, o.got
        );
    }
    panic!("{table}");
}
