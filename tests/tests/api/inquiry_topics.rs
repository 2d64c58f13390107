//! Inquiry topics: five, 30 days to answer by default; an operator changes a topic's deadline
//! (with `If-Match`), new inquiries get the new one and a sent inquiry keeps its own.

use actix_web::test::TestRequest;
use inps_tests::fixtures::{Cassetto, id_of};
use inps_tests::personas::employer;
use serde_json::json;
use time::macros::datetime;

#[actix_web::test]
async fn the_five_topics_start_at_30_days_and_only_an_operator_changes_one_with_if_match() {
    let s = Cassetto::new().await;
    let app = &s.app;
    let res = app.get_as(&s.employer, "/v1/inquiry-topics").await;
    assert_eq!(res.status, 200, "{}", res.text());
    let topics = res.json()["items"].as_array().expect("items").clone();
    let mut codes: Vec<&str> = topics
        .iter()
        .map(|t| t["code"].as_str().expect("code"))
        .collect();
    codes.sort_unstable();
    assert_eq!(
        codes,
        [
            "contributions",
            "employment_status",
            "mav",
            "notices",
            "registry_data"
        ]
    );
    assert!(
        topics.iter().all(|t| t["answer_deadline_days"] == 30),
        "{topics:?}"
    );
    assert!(
        topics
            .iter()
            .all(|t| t["title_it"].as_str().is_some_and(|x| !x.is_empty())
                && t["title_en"].as_str().is_some_and(|x| !x.is_empty()))
    );

    // A non-operator may not change it.
    app.put_as(
        &s.employer,
        "/v1/inquiry-topics/contributions",
        json!({"answer_deadline_days": 45}),
    )
    .await
    .problem(403);

    let res = app
        .put_as(
            &s.operator,
            "/v1/inquiry-topics/contributions",
            json!({"answer_deadline_days": 45}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["answer_deadline_days"], 45);
    let etag = res.header("etag").expect("ETag").to_owned();
    assert_eq!(etag, "\"v2\"");

    let listed = app.get_as(&s.employer, "/v1/inquiry-topics").await.json();
    for t in listed["items"].as_array().expect("items") {
        let days = if t["code"] == "contributions" { 45 } else { 30 };
        assert_eq!(t["answer_deadline_days"], days, "{t}");
    }

    // A stale If-Match is refused and changes nothing; the current one is accepted.
    let put = |tag: &str, days: i32| {
        TestRequest::put()
            .uri("/v1/inquiry-topics/contributions")
            .insert_header(("Authorization", format!("Bearer {}", s.operator)))
            .insert_header(("If-Match", tag.to_owned()))
            .set_json(json!({"answer_deadline_days": days}))
    };
    app.send(put("\"v1\"", 60)).await.problem(412);
    let listed = app.get_as(&s.employer, "/v1/inquiry-topics").await.json();
    assert!(
        listed["items"]
            .as_array()
            .expect("items")
            .iter()
            .any(|t| t["code"] == "contributions" && t["answer_deadline_days"] == 45)
    );
    let res = app.send(put(&etag, 60)).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.header("etag"), Some("\"v3\""));
    assert_eq!(res.json()["answer_deadline_days"], 60);

    // A new inquiry on the topic gets the new deadline: 2 March + 60 days.
    let inquiry = app
        .sent_inquiry(&s.employer, &s.code, "contributions")
        .await;
    assert_eq!(inquiry["answer_deadline"], "2026-05-01");
    let other = app.sent_inquiry(&s.employer, &s.code, "mav").await;
    assert_eq!(other["answer_deadline"], "2026-04-01");
}

#[actix_web::test]
async fn an_inquiry_keeps_the_deadline_it_was_sent_with_when_its_topic_changes() {
    let s = Cassetto::new().await;
    let app = &s.app;
    let inquiry = app.sent_inquiry(&s.employer, &s.code, "mav").await;
    assert_eq!(inquiry["answer_deadline"], "2026-04-01");
    let id = id_of(&inquiry);
    let res = app
        .put_as(
            &s.operator,
            "/v1/inquiry-topics/mav",
            json!({"answer_deadline_days": 90}),
        )
        .await;
    assert_eq!(res.status, 200);
    app.clock.set(datetime!(2026-04-02 12:00 UTC));
    let employer_token = app.login(&employer()).await;
    let body = app.show_inquiry(&employer_token, &id).await;
    assert_eq!(
        body["answer_deadline"], "2026-04-01",
        "the deadline promised when sent"
    );
    assert_eq!(
        app.eligibility(&id).await,
        (true, "no_answer_in_time".to_owned()),
        "eligibility follows the same deadline"
    );
    // A new inquiry on the topic gets the new deadline.
    let later = app.sent_inquiry(&employer_token, &s.code, "mav").await;
    assert_eq!(later["answer_deadline"], "2026-07-01");
}
