//! Occasional work, lists: the worker-name filter, a worker's services, the CSV/JSON exports
//! (read back and compared with the list), and an intermediary's portfolio.

use inps_tests::fixtures::{
    PrestoParties, count_with, delegation_terms, presto_service, problem_type,
};
use inps_tests::personas::{intermediary, intermediary2, with_check_char};
use inps_tests::{Persona, TestApp, TestResponse};
use serde_json::{Value, json};
use time::Duration;

/// A worker with an accented name.
fn nicolo() -> Persona {
    Persona {
        tax_code: with_check_char("FRRNCL80A01H501"),
        given_name: "Nicolò",
        family_name: "Ferrè",
    }
}

/// The PrestO parties (the worker is Maria Rossini) and a second worker, Nicolò Ferrè, with
/// `maria` services of Maria's (from 3 March 2026, one a day) and `nico` of Nicolò's (from 10
/// March) at the same client.
struct Scene {
    p: PrestoParties,
    nicolo: String,
    nicolo_tax_code: String,
}

impl Scene {
    async fn on(app: &TestApp, maria: u32, nico: u32) -> Self {
        let p = PrestoParties::on(app).await;
        let person = nicolo();
        let nicolo = app.worker(&person).await;
        for day in 0..maria {
            let date = format!("2026-03-{:02}", 3 + day);
            let res = p.record(app, (&date, "09:00", 240), "40.00").await;
            assert_eq!(res.status, 201, "{}", res.text());
        }
        for day in 0..nico {
            let date = format!("2026-03-{:02}", 10 + day);
            let body = presto_service(
                &p.client_id,
                &person.tax_code,
                (&date, "09:00", 240),
                "40.00",
            );
            let res = app.post_as(&p.client, "/v1/services", body).await;
            assert_eq!(res.status, 201, "{}", res.text());
        }
        Self {
            p,
            nicolo,
            nicolo_tax_code: person.tax_code,
        }
    }
}

/// Every item of `path` (which has a query), following `next_cursor` with pages of `limit`.
async fn all_pages(app: &TestApp, token: &str, path: &str, limit: u32) -> Vec<Value> {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..50 {
        let mut uri = format!("{path}&limit={limit}");
        if let Some(c) = &cursor {
            uri.push_str(&format!("&cursor={c}"));
        }
        let res = app.get_as(token, &uri).await;
        assert_eq!(res.status, 200, "{uri}: {}", res.text());
        let page = res.json();
        let got = page["items"].as_array().expect("items").clone();
        assert!(got.len() <= limit as usize);
        items.extend(got);
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => return items,
        }
    }
    panic!("more than 50 pages");
}

fn workers_of(items: &[Value]) -> Vec<&str> {
    items
        .iter()
        .map(|i| i["worker_tax_code"].as_str().expect("worker"))
        .collect()
}

fn ids(items: &[Value]) -> Vec<&str> {
    items
        .iter()
        .map(|i| i["id"].as_str().expect("id"))
        .collect()
}

/// Latest date first, then the greater id: the keyset order.
fn assert_keyset_order(items: &[Value]) {
    for pair in items.windows(2) {
        let a = (pair[0]["date"].as_str(), pair[0]["id"].as_str());
        let b = (pair[1]["date"].as_str(), pair[1]["id"].as_str());
        assert!(a > b, "not in keyset order: {a:?} then {b:?}");
    }
}

#[actix_web::test]
async fn the_worker_name_filter_ignores_case_and_accents_and_pages_through() {
    let app = TestApp::new();
    let s = Scene::on(&app, 5, 3).await;
    let maria = s.p.worker_tax_code.clone();
    let operator = app.login_operator().await;

    for query in [
        "NICOLO",
        "nicol%C3%B2",
        "ferr%C3%A8%20nic",
        "ferre",
        "COL%C3%92%20%20FERRE",
    ] {
        let items = app
            .items(&operator, &format!("/v1/services?worker_name={query}"))
            .await;
        assert_eq!(items.len(), 3, "{query}");
        assert!(workers_of(&items).iter().all(|w| *w == s.nicolo_tax_code));
    }
    // Every word must match: one that matches nobody empties the list.
    assert!(
        app.items(&operator, "/v1/services?worker_name=nicolo%20rossini")
            .await
            .is_empty()
    );
    // LIKE wildcards are matched literally.
    assert!(
        app.items(&operator, "/v1/services?worker_name=a%25")
            .await
            .is_empty()
    );
    assert!(
        app.items(&operator, "/v1/services?worker_name=r_ssini")
            .await
            .is_empty()
    );

    // Paging through with the filter, pages of 2: every one of Maria's, once, in order.
    let paged = all_pages(&app, &operator, "/v1/services?worker_name=rossini", 2).await;
    assert_eq!(paged.len(), 5);
    assert!(workers_of(&paged).iter().all(|w| *w == maria));
    assert_keyset_order(&paged);
    let mut unique = ids(&paged);
    unique.dedup();
    assert_eq!(unique.len(), 5);
    // With another filter beside it.
    let paged = all_pages(
        &app,
        &operator,
        "/v1/services?worker_name=maria&from=2026-03-04&to=2026-03-06",
        1,
    )
    .await;
    assert_eq!(paged.len(), 3);
    assert_keyset_order(&paged);

    // The client side sees its workers by name; the worker Nicolò never sees Maria's.
    let client_side = app
        .items(&s.p.client, "/v1/services?worker_name=nicol")
        .await;
    assert_eq!(client_side.len(), 3);
    assert!(
        app.items(&s.nicolo, "/v1/services?worker_name=rossini")
            .await
            .is_empty()
    );
    let stranger = app.login(&intermediary2()).await;
    assert!(
        app.items(&stranger, "/v1/services?worker_name=nicolo")
            .await
            .is_empty()
    );

    for bad in ["x", "a%20b%20c%20d%20e%20f", "%20%20"] {
        let res = app
            .get_as(&operator, &format!("/v1/services?worker_name={bad}"))
            .await;
        assert_eq!(res.status, 422, "{bad}: {}", res.text());
    }
}

#[actix_web::test]
async fn a_worker_lists_their_services_with_the_filters_and_pages() {
    let app = TestApp::new();
    let s = Scene::on(&app, 4, 2).await;
    let maria = s.p.worker_tax_code.clone();
    let path = format!("/v1/workers/{maria}/services?status=recorded");
    let paged = all_pages(&app, &s.p.worker, &path, 3).await;
    assert_eq!(paged.len(), 4);
    assert!(workers_of(&paged).iter().all(|w| *w == maria));
    assert_keyset_order(&paged);
    let filtered = app
        .items(
            &s.p.worker,
            &format!("/v1/workers/{maria}/services?from=2026-03-05&activity=other"),
        )
        .await;
    assert_eq!(filtered.len(), 2);
    assert!(
        app.items(
            &s.p.worker,
            &format!("/v1/workers/{maria}/services?status=revoked")
        )
        .await
        .is_empty()
    );

    // The other worker, a stranger: 404. The client side names its client id.
    let other = format!("/v1/workers/{maria}/services");
    assert_eq!(app.get_as(&s.nicolo, &other).await.status, 404);
    let stranger = app.login(&intermediary2()).await;
    assert_eq!(app.get_as(&stranger, &other).await.status, 404);
    let as_client = app
        .items(
            &s.p.client,
            &format!("/v1/workers/{maria}/services?client_id={}", s.p.client_id),
        )
        .await;
    assert_eq!(as_client.len(), 4);
    // A tax code that is not a registered worker.
    let operator = app.login_operator().await;
    let nobody = with_check_char("BNCGNN60A01H501");
    let res = app
        .get_as(&operator, &format!("/v1/workers/{nobody}/services"))
        .await;
    assert_eq!(res.status, 404);
}

/// The rows of a CSV export, header first.
fn csv_rows(res: &TestResponse) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(res.body.as_ref());
    reader
        .records()
        .map(|r| r.expect("csv record").iter().map(str::to_owned).collect())
        .collect()
}

/// The cell `column` of each data row.
fn column(rows: &[Vec<String>], column: &str) -> Vec<String> {
    let at = rows[0]
        .iter()
        .position(|h| h == column)
        .unwrap_or_else(|| panic!("no column {column}"));
    rows[1..].iter().map(|r| r[at].clone()).collect()
}

#[actix_web::test]
async fn exports_carry_every_row_of_the_list_in_csv_and_json() {
    let app = TestApp::new();
    let s = Scene::on(&app, 6, 1).await;
    let maria = s.p.worker_tax_code.clone();
    let listed = app
        .items(&s.p.worker, &format!("/v1/workers/{maria}/services"))
        .await;
    assert_eq!(listed.len(), 6);

    let path = format!("/v1/workers/{maria}/services/export");
    let res = app.get_as(&s.p.worker, &format!("{path}?format=csv")).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.header("content-type"), Some("text/csv; charset=utf-8"));
    assert_eq!(
        res.header("content-disposition"),
        Some(
            format!("attachment; filename=\"services_{maria}_2026-01-01_2026-12-31.csv\"").as_str()
        )
    );
    assert!(res.text().contains("\r\n"), "RFC 4180 line ends");
    let rows = csv_rows(&res);
    assert_eq!(
        rows[0][..4],
        ["id", "channel", "client_id", "worker_tax_code"]
    );
    assert_eq!(rows.len(), 7, "a header and every service");
    assert_eq!(column(&rows, "id"), ids(&listed));
    for (i, item) in listed.iter().enumerate() {
        let row = &rows[i + 1];
        let cell = |name: &str| column(&rows, name)[i].clone();
        assert_eq!(row.len(), rows[0].len());
        assert_eq!(cell("date"), item["date"].as_str().unwrap());
        assert_eq!(cell("status"), item["status"].as_str().unwrap());
        assert_eq!(
            cell("gross"),
            item["amounts"]["gross"]["amount"].as_str().unwrap()
        );
        assert_eq!(
            cell("net"),
            item["amounts"]["net"]["amount"].as_str().unwrap()
        );
        assert_eq!(
            cell("duration_minutes"),
            item["duration_minutes"].to_string()
        );
        assert_eq!(cell("recorded_at"), item["recorded_at"].as_str().unwrap());
        assert_eq!(cell("place"), "");
    }

    let res = app
        .get_as(&s.p.worker, &format!("{path}?format=json"))
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.header("content-type"), Some("application/json"));
    assert!(
        res.header("content-disposition")
            .is_some_and(|d| d.starts_with("attachment; filename=") && d.ends_with(".json\""))
    );
    assert_eq!(res.json(), Value::Array(listed.clone()));

    // The filters and the period narrow it.
    let res = app
        .get_as(
            &s.p.worker,
            &format!("{path}?format=json&from=2026-03-04&to=2026-03-05"),
        )
        .await;
    assert_eq!(res.json().as_array().map(Vec::len), Some(2));
    let res = app
        .get_as(&s.p.worker, &format!("{path}?format=json&status=revoked"))
        .await;
    assert_eq!(res.json(), json!([]));
    let res = app
        .get_as(&s.p.worker, &format!("{path}?format=json&from=2025-03-01"))
        .await;
    assert_eq!(
        res.json(),
        json!([]),
        "from 2025-03-01 a year: to 2026-03-01"
    );

    // Unknown format, a period over 366 days, reversed: 422 naming the field.
    for (query, field) in [
        ("format=xml", "format"),
        ("format=CSV", "format"),
        ("from=2026-01-01&to=2027-01-02", "to"),
        ("from=2026-03-05&to=2026-03-04", "to"),
    ] {
        let res = app.get_as(&s.p.worker, &format!("{path}?{query}")).await;
        let problem = res.problem(422);
        assert_eq!(
            problem["type"],
            problem_type("validation-failed"),
            "{query}"
        );
        assert!(problem.to_string().contains(field), "{query}: {problem}");
    }
    // 366 days, both ends included, is accepted.
    let res = app
        .get_as(
            &s.p.worker,
            &format!("{path}?from=2026-01-01&to=2027-01-01"),
        )
        .await;
    assert_eq!(res.status, 200);

    // Another worker, a stranger: 404 (nothing exported).
    assert_eq!(app.get_as(&s.nicolo, &path).await.status, 404);
    let stranger = app.login(&intermediary2()).await;
    assert_eq!(app.get_as(&stranger, &path).await.status, 404);

    // The client's export: every worker's, or those named.
    let client_path = format!("/v1/clients/{}/services/export", s.p.client_id);
    let res = app.get_as(&s.p.client, &client_path).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(csv_rows(&res).len(), 8);
    let res = app
        .get_as(
            &s.p.client,
            &format!("{client_path}?format=json&worker_name=ferre"),
        )
        .await;
    let only = res.json();
    assert_eq!(only.as_array().map(Vec::len), Some(1));
    assert_eq!(only[0]["worker_tax_code"], s.nicolo_tax_code);
    assert_eq!(app.get_as(&s.p.worker, &client_path).await.status, 404);
}

#[actix_web::test]
async fn csv_cells_that_a_spreadsheet_would_run_are_defused() {
    let app = TestApp::new();
    let p = PrestoParties::on(&app).await;
    let places = [
        "=HYPERLINK(\"http://x.example\",\"a\")",
        "+39 06 1234",
        "-2+3",
        "@SUM(A1)",
        "Via \"Roma\", 1\nscala B",
        "Piazza Navona",
    ];
    for (i, place) in places.iter().enumerate() {
        let date = format!("2026-03-{:02}", 3 + i);
        let mut body = presto_service(
            &p.client_id,
            &p.worker_tax_code,
            (&date, "09:00", 240),
            "40.00",
        );
        body["place"] = json!(place);
        let res = app.post_as(&p.client, "/v1/services", body).await;
        assert_eq!(res.status, 201, "{place}: {}", res.text());
    }
    let path = format!("/v1/workers/{}/services/export", p.worker_tax_code);
    let res = app.get_as(&p.worker, &path).await;
    assert_eq!(res.status, 200, "{}", res.text());
    let rows = csv_rows(&res);
    let mut got = column(&rows, "place");
    got.reverse(); // latest date first
    assert_eq!(
        got,
        [
            "'=HYPERLINK(\"http://x.example\",\"a\")",
            "'+39 06 1234",
            "'-2+3",
            "'@SUM(A1)",
            "Via \"Roma\", 1\nscala B",
            "Piazza Navona",
        ]
    );
    // JSON carries the text as it is.
    let res = app.get_as(&p.worker, &format!("{path}?format=json")).await;
    assert_eq!(res.json()[5]["place"], places[0]);
}

/// An occasional-work delegation from the holder of `delegator` to the intermediary persona,
/// with `scopes`, until `until`; its id.
async fn delegate(
    app: &TestApp,
    delegator: &str,
    agent: &str,
    scopes: &[&str],
    until: &str,
) -> String {
    let terms = delegation_terms(
        &intermediary().tax_code,
        "occasional_work",
        scopes,
        "2026-03-02",
        until,
    );
    app.active_delegation(delegator, agent, terms).await
}

fn portfolio_reads(app: &TestApp, subject: &str) -> i64 {
    count_with(
        app,
        "SELECT count(*) AS n FROM audit_events WHERE action = 'portfolio.services.read' \
         AND subject_tax_code = $1 AND delegation_id IS NOT NULL",
        subject,
    )
}

#[actix_web::test]
async fn the_portfolio_shows_the_services_of_whoever_delegated_and_drops_them_on_revocation() {
    let app = TestApp::new();
    let s = Scene::on(&app, 3, 2).await;
    let maria = s.p.worker_tax_code.clone();
    app.register_intermediary(&intermediary()).await;
    let agent = app.login(&intermediary()).await;
    assert!(
        app.items(&agent, "/v1/portfolio/services?")
            .await
            .is_empty()
    );

    let delegation = delegate(&app, &s.p.worker, &agent, &["services"], "2027-03-01").await;
    // Nicolò delegated only `payments`: not in the portfolio.
    delegate(&app, &s.nicolo, &agent, &["payments"], "2027-03-01").await;

    let paged = all_pages(&app, &agent, "/v1/portfolio/services?", 2).await;
    assert_eq!(paged.len(), 3);
    assert!(workers_of(&paged).iter().all(|w| *w == maria));
    assert_keyset_order(&paged);
    assert!(portfolio_reads(&app, &maria) >= 2, "each page audited");
    assert_eq!(portfolio_reads(&app, &s.nicolo_tax_code), 0);

    // The filters.
    let q = |query: &str| format!("/v1/portfolio/services?{query}");
    assert_eq!(
        app.items(&agent, &q(&format!("tax_code={maria}")))
            .await
            .len(),
        3
    );
    assert!(
        app.items(&agent, &q(&format!("tax_code={}", s.nicolo_tax_code)))
            .await
            .is_empty(),
        "a subject who did not delegate: empty, as one without services"
    );
    assert_eq!(
        app.items(&agent, &q("from=2026-03-04&to=2026-03-04"))
            .await
            .len(),
        1
    );
    assert_eq!(
        app.items(&agent, &q("status=recorded&activity=other"))
            .await
            .len(),
        3
    );
    assert!(app.items(&agent, &q("status=revoked")).await.is_empty());
    assert!(
        app.items(&agent, &q("activity=private_tuition"))
            .await
            .is_empty()
    );
    assert_eq!(
        app.items(&agent, &q("payment_method=iban_transfer"))
            .await
            .len(),
        3
    );
    assert!(
        app.items(&agent, &q("payment_method=post_office_mandate"))
            .await
            .is_empty()
    );

    // The export, CSV and JSON, equals the list.
    let res = app
        .get_as(&agent, "/v1/portfolio/services/export?format=json")
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json(), Value::Array(paged.clone()));
    let res = app.get_as(&agent, "/v1/portfolio/services/export").await;
    assert_eq!(column(&csv_rows(&res), "id"), ids(&paged));
    assert_eq!(
        count_with(
            &app,
            "SELECT count(*) AS n FROM audit_events WHERE action = 'portfolio.services.export' \
             AND subject_tax_code = $1",
            &maria,
        ),
        2
    );

    // Revoked: dropped at once, from the list and the export.
    let res = app
        .delegation_action(&s.p.worker, &delegation, "revoke", None)
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert!(
        app.items(&agent, "/v1/portfolio/services?")
            .await
            .is_empty()
    );
    let res = app
        .get_as(&agent, "/v1/portfolio/services/export?format=json")
        .await;
    assert_eq!(res.json(), json!([]));
}

#[actix_web::test]
async fn an_expired_delegation_leaves_the_portfolio_the_day_after_its_last() {
    let app = TestApp::new();
    let s = Scene::on(&app, 2, 0).await;
    app.register_intermediary(&intermediary()).await;
    let agent = app.login(&intermediary()).await;
    delegate(
        &app,
        &s.p.worker,
        &agent,
        &["read", "services"],
        "2026-03-04",
    )
    .await;
    assert_eq!(app.items(&agent, "/v1/portfolio/services?").await.len(), 2);
    app.advance(Duration::days(2)); // 4 March, 10:00 in Rome: the last day
    let agent = app.login(&intermediary()).await; // the session expired meanwhile
    assert_eq!(app.items(&agent, "/v1/portfolio/services?").await.len(), 2);
    app.advance(Duration::days(1));
    let agent = app.login(&intermediary()).await;
    assert!(
        app.items(&agent, "/v1/portfolio/services?")
            .await
            .is_empty()
    );
}

#[actix_web::test]
async fn the_portfolio_is_for_intermediaries_only() {
    let app = TestApp::new();
    let s = Scene::on(&app, 2, 1).await;
    // Non-intermediaries: 403, whoever they are.
    for token in [&s.p.worker, &s.p.client, &app.login_operator().await] {
        let res = app.get_as(token, "/v1/portfolio/services").await;
        assert_eq!(res.problem(403)["type"], problem_type("forbidden"));
        let res = app.get_as(token, "/v1/portfolio/services/export").await;
        assert_eq!(res.status, 403);
    }
    // A registered intermediary nobody delegated: empty.
    app.register_intermediary(&intermediary2()).await;
    let idle = app.login(&intermediary2()).await;
    assert!(app.items(&idle, "/v1/portfolio/services?").await.is_empty());
    let res = app
        .get_as(&idle, "/v1/portfolio/services/export?format=json")
        .await;
    assert_eq!(res.json(), json!([]));
}
