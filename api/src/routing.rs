//! Answers for requests no route takes: `405` with `Allow` when the path exists under another
//! method, `404` otherwise. The table is derived from the contract, so it cannot drift from it.

use actix_web::dev::ResourceDef;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, web};
use serde_json::Value;

use crate::error::{ApiError, Problem};

/// Known paths and the methods each accepts.
#[derive(Debug)]
pub struct RouteTable {
    routes: Vec<(ResourceDef, Vec<String>)>,
}

impl RouteTable {
    /// Builds the table from the finalized contract plus the routes outside it.
    pub fn from_contract(contract: &Value, extra: &[(&str, &[&str])]) -> Self {
        let mut routes = Vec::new();
        if let Some(paths) = contract.get("paths").and_then(Value::as_object) {
            for (path, item) in paths {
                let methods = item
                    .as_object()
                    .map(|ops| {
                        ops.keys()
                            .filter(|m| {
                                matches!(m.as_str(), "get" | "put" | "post" | "delete" | "patch")
                            })
                            .map(|m| m.to_ascii_uppercase())
                            .collect()
                    })
                    .unwrap_or_default();
                routes.push((ResourceDef::new(format!("/v1{path}")), methods));
            }
        }
        for (path, methods) in extra {
            routes.push((
                ResourceDef::new(*path),
                methods.iter().map(|m| (*m).to_owned()).collect(),
            ));
        }
        Self { routes }
    }

    /// The methods accepted at `path`, if the path is known.
    pub fn allowed(&self, path: &str) -> Option<Vec<String>> {
        let mut found: Option<Vec<String>> = None;
        for (def, methods) in &self.routes {
            if def.is_match(path) {
                let list = found.get_or_insert_with(Vec::new);
                list.extend(methods.iter().cloned());
            }
        }
        found.map(|mut list| {
            list.sort();
            list.dedup();
            list
        })
    }
}

/// The default service.
pub async fn fallback(
    req: HttpRequest,
    table: web::Data<RouteTable>,
) -> Result<actix_web::HttpResponse, ApiError> {
    Err(match table.allowed(req.path()) {
        Some(methods) if !methods.is_empty() => {
            let allow = methods.join(", ");
            let mut error = ApiError::new(Problem::MethodNotAllowed).with_detail(
                format!("Metodi consentiti: {allow}."),
                format!("Allowed methods: {allow}."),
            );
            if let Ok(value) = HeaderValue::from_str(&allow) {
                error = error.with_header(header::ALLOW, value);
            }
            error
        }
        _ => ApiError::not_found(),
    })
}
