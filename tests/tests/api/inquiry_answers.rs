//! The office's answer (operators only, once) and the eligibility for an appointment: after a
//! negative answer, or unanswered on the Italian day after the deadline; the list's filter.

use inps_tests::fixtures::{Cassetto, id_of, inquiries_path};
use inps_tests::personas::employer;
use time::macros::datetime;

#[actix_web::test]
async fn the_operator_answers_once_and_only_operators_answer() {
    let s = Cassetto::new().await;
    let app = &s.app;
    let negative = id_of(&app.sent_inquiry(&s.employer, &s.code, "mav").await);
    let positive = id_of(&app.sent_inquiry(&s.employer, &s.code, "notices").await);

    app.answer_inquiry(&s.employer, &negative, "positive")
        .await
        .problem(403);
    assert_eq!(
        app.show_inquiry(&s.employer, &negative).await["state"],
        "awaiting_answer"
    );

    app.advance(time::Duration::hours(2));
    let operator = app.login_operator().await;
    let res = app.answer_inquiry(&operator, &negative, "negative").await;
    assert_eq!(res.status, 200, "{}", res.text());
    let body = res.json();
    assert_eq!(body["state"], "answered_negative");
    assert_eq!(body["outcome"], "negative");
    assert_eq!(body["answer_text"], "Risposta dell'ufficio.");
    assert_eq!(body["answered_at"], "2026-03-02T11:00:00Z");
    assert_eq!(body["eligible_for_appointment"], true);
    assert_eq!(body["eligibility_reason"], "negative_answer");

    // Answered once: a second answer, even with the other outcome, is a conflict.
    app.answer_inquiry(&operator, &negative, "positive")
        .await
        .problem(409);
    let employer = app.login(&employer()).await;
    let shown = app.show_inquiry(&employer, &negative).await;
    assert_eq!(shown["state"], "answered_negative");
    assert_eq!(shown["outcome"], "negative");

    let res = app.answer_inquiry(&operator, &positive, "positive").await;
    assert_eq!(res.status, 200, "{}", res.text());
    let body = res.json();
    assert_eq!(body["state"], "answered_positive");
    assert_eq!(body["eligible_for_appointment"], false);
    assert_eq!(body["eligibility_reason"], "positive_answer");

    // An unknown inquiry.
    app.answer_inquiry(
        &operator,
        "00000000-0000-4000-8000-000000000000",
        "negative",
    )
    .await
    .problem(404);
}

#[actix_web::test]
async fn an_unanswered_inquiry_becomes_eligible_on_the_italian_day_after_its_deadline() {
    let s = Cassetto::new().await;
    let app = &s.app;
    // Sent Monday 2 March 2026 at 10:00 in Rome; 30 days: deadline 1 April.
    let inquiry = app.sent_inquiry(&s.employer, &s.code, "mav").await;
    assert_eq!(inquiry["answer_deadline"], "2026-04-01");
    let id = id_of(&inquiry);
    let awaiting = (false, "awaiting_answer".to_owned());
    let late = (true, "no_answer_in_time".to_owned());

    app.clock.set(datetime!(2026-03-31 12:00 UTC));
    assert_eq!(app.eligibility(&id).await, awaiting);
    app.clock.set(datetime!(2026-04-01 09:00 UTC));
    assert_eq!(app.eligibility(&id).await, awaiting);
    // 23:59 on 1 April in Rome (CEST): still the deadline day.
    app.clock.set(datetime!(2026-04-01 21:59 UTC));
    assert_eq!(app.eligibility(&id).await, awaiting);
    // 00:30 on 2 April in Rome, still 1 April in UTC.
    app.clock.set(datetime!(2026-04-01 22:30 UTC));
    assert_eq!(app.eligibility(&id).await, late);
    app.clock.set(datetime!(2026-04-02 12:00 UTC));
    assert_eq!(app.eligibility(&id).await, late);
    // The deadline shown does not move with the clock.
    let token = app.login(&employer()).await;
    assert_eq!(
        app.show_inquiry(&token, &id).await["answer_deadline"],
        "2026-04-01"
    );
}

#[actix_web::test]
async fn the_eligibility_filter_lists_exactly_the_negative_and_the_late_inquiries() {
    let s = Cassetto::new().await;
    let app = &s.app;
    let late = id_of(&app.sent_inquiry(&s.employer, &s.code, "mav").await);
    let negative = id_of(&app.sent_inquiry(&s.employer, &s.code, "notices").await);
    let positive = id_of(
        &app.sent_inquiry(&s.employer, &s.code, "registry_data")
            .await,
    );
    // Sent on 20 March: deadline 19 April.
    app.clock.set(datetime!(2026-03-20 09:00 UTC));
    let employer_token = app.login(&employer()).await;
    let recent = id_of(
        &app.sent_inquiry(&employer_token, &s.code, "contributions")
            .await,
    );
    let operator = app.login_operator().await;
    let res = app.answer_inquiry(&operator, &negative, "negative").await;
    assert_eq!(res.status, 200, "{}", res.text());
    let res = app.answer_inquiry(&operator, &positive, "positive").await;
    assert_eq!(res.status, 200, "{}", res.text());

    app.clock.set(datetime!(2026-04-02 09:00 UTC));
    let token = app.login(&employer()).await;
    let list = |query: &'static str| {
        let token = token.clone();
        let path = format!("{}{query}", inquiries_path(&s.code));
        async move {
            let res = app.get_as(&token, &path).await;
            assert_eq!(res.status, 200, "{}", res.text());
            let body = res.json();
            let mut ids: Vec<String> = body["items"]
                .as_array()
                .expect("items")
                .iter()
                .map(id_of)
                .collect();
            ids.sort();
            (ids, body)
        }
    };
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };

    let (all, body) = list("").await;
    assert_eq!(
        all,
        sorted(vec![
            late.clone(),
            negative.clone(),
            positive.clone(),
            recent.clone()
        ])
    );
    let reasons: Vec<(String, String)> = body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| {
            (
                id_of(i),
                i["eligibility_reason"].as_str().expect("reason").to_owned(),
            )
        })
        .collect();
    for (id, reason) in [
        (&late, "no_answer_in_time"),
        (&negative, "negative_answer"),
        (&positive, "positive_answer"),
        (&recent, "awaiting_answer"),
    ] {
        assert!(
            reasons.contains(&(id.clone(), reason.to_owned())),
            "{id} {reason}: {reasons:?}"
        );
    }
    // Newest first.
    assert_eq!(id_of(&body["items"][0]), recent);

    let (eligible, _) = list("?eligible_for_appointment=true").await;
    assert_eq!(eligible, sorted(vec![late.clone(), negative.clone()]));
    let (not_eligible, _) = list("?eligible_for_appointment=false").await;
    assert_eq!(not_eligible, sorted(vec![positive, recent]));
}
