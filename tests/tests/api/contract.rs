//! The checked-in contract must be exactly what the code generates.

use std::path::Path;

#[test]
fn checked_in_contract_matches_the_code() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../openapi/openapi.json");
    let generated = serde_json::to_string_pretty(inps_tests::contract()).unwrap() + "\n";
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        current == generated,
        "openapi/openapi.json is out of date with the code.\n\
         Regenerate it with:  cargo run -p inps-api -- export-openapi"
    );
}

#[test]
fn every_operation_documents_rate_limits_and_problem_errors() {
    let contract = inps_tests::contract();
    for (path, item) in contract["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let responses = op["responses"].as_object().unwrap();
            assert!(responses.contains_key("429"), "{method} {path} lacks 429");
            for (status, response) in responses {
                let headers = response["headers"].as_object().unwrap();
                assert!(
                    headers.contains_key("X-RateLimit-Limit"),
                    "{method} {path} {status}"
                );
                if status.starts_with('4') || status.starts_with('5') {
                    assert!(
                        response["content"]
                            .get("application/problem+json")
                            .is_some(),
                        "{method} {path} {status} must be problem+json"
                    );
                }
            }
        }
    }
    assert!(
        contract["servers"][0]["url"]
            .as_str()
            .unwrap()
            .ends_with("/v1")
    );
}

fn collect_examples(
    value: &serde_json::Value,
    key: Option<&str>,
    suffix: &str,
    out: &mut Vec<String>,
) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                collect_examples(v, Some(k), suffix, out);
            }
        }
        serde_json::Value::Array(items) => {
            for v in items {
                collect_examples(v, key, suffix, out);
            }
        }
        serde_json::Value::String(s) if key.is_some_and(|k| k.ends_with(suffix)) => {
            out.push(s.clone());
        }
        _ => {}
    }
}

#[test]
fn tax_codes_in_the_contract_examples_are_valid() {
    let contract = inps_tests::contract();
    let mut codes = Vec::new();
    collect_examples(contract, None, "tax_code", &mut codes);
    assert!(!codes.is_empty());
    for code in codes {
        assert!(
            inps_domain::tax_code::TaxCode::parse(&code).is_ok(),
            "example tax code {code} is invalid"
        );
    }
}

#[test]
fn employment_codes_in_the_contract_examples_are_valid() {
    let contract = inps_tests::contract();
    let mut codes = Vec::new();
    collect_examples(contract, None, "employment_code", &mut codes);
    assert!(!codes.is_empty());
    for code in codes {
        assert!(
            inps_domain::employment::EmploymentCode::parse(&code).is_ok(),
            "example employment code {code} is invalid"
        );
    }
}
