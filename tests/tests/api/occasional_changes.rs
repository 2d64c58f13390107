//! Occasional work: a rettifica is a new version (merge patch with `If-Match`) judged again by
//! every limit, keeping the old ones; a duplicate is judged like a new service.

use inps_tests::TestApp;
use inps_tests::fixtures::{PrestoParties, eur, problem_type};
use serde_json::json;

const DAY: &str = "2026-03-03";

#[actix_web::test]
async fn a_rectification_is_a_new_version_that_keeps_the_old_one() {
    let app = TestApp::new();
    let p = PrestoParties::on(&app).await;
    let created = p.record(&app, (DAY, "09:00", 240), "36.00").await.json();
    let path = format!(
        "/v1/services/{}",
        created["service"]["id"].as_str().unwrap()
    );
    let patch = json!({"duration_minutes": 300, "pay": eur("45.00")});

    let res = app.merge_patch(&p.client, &path, patch.clone(), None).await;
    assert_eq!(
        res.problem(428)["type"],
        problem_type("precondition-required")
    );
    let res = app
        .merge_patch(&p.client, &path, patch.clone(), Some("\"v0\""))
        .await;
    assert_eq!(
        res.problem(412)["type"],
        problem_type("precondition-failed")
    );
    let res = app
        .merge_patch(&p.client, &path, patch.clone(), Some("\"v1\""))
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.header("etag"), Some("\"v2\""));
    let service = res.json()["service"].clone();
    assert_eq!(service["status"], "rectified");
    assert_eq!(service["duration_minutes"], 300);
    assert_eq!(service["amounts"]["net"], eur("45.00"));
    let wallet = app
        .get_as(&p.client, &format!("/v1/clients/{}/wallet", p.client_id))
        .await
        .json();
    assert_eq!(
        wallet["committed"], service["amounts"]["gross"],
        "the difference is committed"
    );

    let versions = app.items(&p.worker, &format!("{path}/versions")).await;
    let summary: Vec<_> = versions
        .iter()
        .map(|v| (v["version"].clone(), v["amounts"]["net"]["amount"].clone()))
        .collect();
    assert_eq!(
        summary,
        [(json!(2), json!("45.00")), (json!(1), json!("36.00"))]
    );
    let same = app
        .merge_patch(
            &p.client,
            &path,
            json!({"duration_minutes": 300}),
            Some("\"v2\""),
        )
        .await;
    assert_eq!(same.problem(422)["rule"], "nothing_changed");
}

#[actix_web::test]
async fn a_rectification_is_held_to_the_limits_with_the_old_version_released() {
    let app = TestApp::new();
    let p = PrestoParties::on(&app).await;
    let big = p.record(&app, (DAY, "09:00", 480), "2464.00").await.json();
    assert_eq!(
        p.record(&app, ("2026-03-04", "09:00", 240), "36.00")
            .await
            .status,
        201
    );
    let path = format!("/v1/services/{}", big["service"]["id"].as_str().unwrap());
    // At the pair limit: one cent more is refused, the same total rearranged is accepted.
    let over = app
        .merge_patch(&p.client, &path, json!({"pay": eur("2464.01")}), Some("*"))
        .await;
    assert_eq!(over.problem(422)["rule"], "pair_limit");
    let down = app
        .merge_patch(&p.client, &path, json!({"pay": eur("2400.00")}), Some("*"))
        .await;
    assert_eq!(down.status, 200, "{}", down.text());
    assert_eq!(down.json()["residual"]["pair"], eur("64.00"));
}

#[actix_web::test]
async fn a_duplicate_is_judged_like_a_new_service() {
    let app = TestApp::new();
    let p = PrestoParties::on(&app).await;
    let source = p.record(&app, (DAY, "09:00", 480), "1250.00").await.json();
    let path = format!(
        "/v1/services/{}/duplicate",
        source["service"]["id"].as_str().unwrap()
    );
    let res = app
        .post_as(&p.client, &path, json!({"date": "2026-03-10"}))
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let copy = res.json()["service"].clone();
    assert_eq!(
        (copy["date"].clone(), copy["start_time"].clone()),
        (json!("2026-03-10"), json!("09:00"))
    );
    assert_ne!(copy["id"], source["service"]["id"]);
    // A third copy would pass the pair limit of 2,500.
    let res = app
        .post_as(
            &p.client,
            &path,
            json!({"date": "2026-03-11", "start_time": "10:00"}),
        )
        .await;
    assert_eq!(res.problem(422)["rule"], "pair_limit");
    let by_worker = app
        .post_as(&p.worker, &path, json!({"date": "2026-03-12"}))
        .await;
    assert_eq!(
        by_worker.status, 403,
        "the worker sees the service but does not record"
    );
}
