//! Arrange steps and helpers the API tests share, so each test file says only what it tests:
//! row counts on the test's database, problem types, JSON bodies, the accountability log, and
//! (in the submodules) employments and contributions, inquiries and their files, delegations,
//! the agenda's points and appointments.

mod agenda;
mod delegations;
mod employments;
mod inquiries;
mod occasional;

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use serde_json::Value;

pub use self::agenda::*;
pub use self::delegations::*;
pub use self::employments::*;
pub use self::inquiries::*;
pub use self::occasional::*;
use crate::app::{TestApp, TestResponse};

/// The `type` URI of the problem named `slug`.
pub fn problem_type(slug: &str) -> String {
    format!("{}{slug}", inps_api::error::PROBLEM_TYPE_BASE)
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// The bigint `n` of `sql` (e.g. `SELECT count(*) AS n FROM ...`) on the test's own database.
pub fn count(app: &TestApp, sql: &str) -> i64 {
    let mut conn = app.db.as_ref().expect("database").connect();
    diesel::sql_query(sql)
        .get_result::<Count>(&mut conn)
        .expect("count")
        .n
}

/// As [`count`], with one text parameter `$1`.
pub fn count_with(app: &TestApp, sql: &str, arg: &str) -> i64 {
    let mut conn = app.db.as_ref().expect("database").connect();
    diesel::sql_query(sql)
        .bind::<Text, _>(arg)
        .get_result::<Count>(&mut conn)
        .expect("count")
        .n
}

/// Runs `sql` (statements without parameters) on the test's own database: to set up a fact
/// no endpoint sets yet (e.g. a verified contact).
pub fn execute(app: &TestApp, sql: &str) {
    let mut conn = app.db.as_ref().expect("database").connect();
    diesel::connection::SimpleConnection::batch_execute(&mut conn, sql).expect("execute");
}

/// The rows of `table`.
pub fn rows(app: &TestApp, table: &str) -> i64 {
    count(app, &format!("SELECT count(*) AS n FROM {table}"))
}

/// `body` with `pointer` (a JSON pointer) set to `value`, added when missing.
pub fn with(mut body: Value, pointer: &str, value: Value) -> Value {
    let (parent, key) = pointer.rsplit_once('/').expect("pointer");
    body.pointer_mut(parent).expect("parent")[key] = value;
    body
}

/// The `id` of a resource as text.
pub fn id_of(resource: &Value) -> String {
    resource["id"].as_str().expect("id").to_owned()
}

/// The ids of a page's `items`, in order.
pub fn item_ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(id_of)
        .collect()
}

impl TestApp {
    /// `POST path` with `body` as the holder of `token`, with `Idempotency-Key: key`.
    pub async fn post_keyed(
        &self,
        token: &str,
        path: &str,
        key: &str,
        body: Value,
    ) -> TestResponse {
        self.send(
            actix_web::test::TestRequest::post()
                .uri(path)
                .insert_header(("Authorization", format!("Bearer {token}")))
                .insert_header(("Idempotency-Key", key))
                .set_json(body),
        )
        .await
    }

    /// The refused (`denied`) attempts of `actor_tax_code` in the accountability log, as an
    /// operator reads it: `(action, resource)`, sorted.
    pub async fn denied_attempts(&self, actor_tax_code: &str) -> Vec<(String, String)> {
        let operator = self.login_operator().await;
        let query = format!("&actor_tax_code={actor_tax_code}");
        let mut denied: Vec<(String, String)> = self
            .audit_events(&operator, &query)
            .await
            .iter()
            .filter(|e| e["outcome"] == "denied")
            .map(|e| {
                let text = |k: &str| e[k].as_str().expect(k).to_owned();
                (text("action"), text("resource"))
            })
            .collect();
        denied.sort();
        denied
    }

    /// The `items` of `GET path` as the holder of `token` (asserting 200).
    pub async fn items(&self, token: &str, path: &str) -> Vec<Value> {
        let res = self.get_as(token, path).await;
        assert_eq!(res.status, 200, "{path}: {}", res.text());
        res.json()["items"].as_array().expect("items").clone()
    }

    /// Up to 200 accountability-log events visible to `token`, filtered by `query` (`&a=b...`).
    pub async fn audit_events(&self, token: &str, query: &str) -> Vec<Value> {
        self.items(token, &format!("/v1/audit-events?limit=200{query}"))
            .await
    }
}

/// The `file_name` of each element of `attachments` (an array of attachment metadata), in order.
pub fn file_names(attachments: &Value) -> Vec<&str> {
    attachments
        .as_array()
        .expect("attachments")
        .iter()
        .map(|a| a["file_name"].as_str().expect("file_name"))
        .collect()
}
