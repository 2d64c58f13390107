//! Notifications: the outbox written with its change (and only then), each event type in the
//! right inbox with its link, the inbox order, filters and pages, privacy, delegates within
//! their scope, preferences per event type.

use inps_api::clock::Clock as _;
use inps_tests::TestApp;
use inps_tests::fixtures::{
    Cassetto, Parties, count, count_with, delegation_terms, domestic, execute, id_of, wrong_code,
};
use inps_tests::personas::{employer, intermediary, intermediary2, other_person};
use serde_json::{Value, json};

const EMPLOYER: &str = "RSSMRA85T10A562S";

/// The caller's notifications (up to 200) of `query` (`&type=...`), asserting 200.
async fn inbox(app: &TestApp, token: &str, query: &str) -> Vec<Value> {
    app.items(token, &format!("/v1/notifications?limit=200{query}"))
        .await
}

/// The one notification of `event_type` in the inbox of `token` (asserting there is one).
async fn only(app: &TestApp, token: &str, event_type: &str) -> Value {
    let found = inbox(app, token, &format!("&type={event_type}")).await;
    assert_eq!(found.len(), 1, "{event_type}: {found:?}");
    found[0].clone()
}

fn events_of(app: &TestApp, event_type: &str) -> i64 {
    count_with(
        app,
        "SELECT count(*) AS n FROM notification_events WHERE event_type = $1",
        event_type,
    )
}

fn notifications_of(app: &TestApp, event_type: &str) -> i64 {
    count_with(
        app,
        "SELECT count(*) AS n FROM notifications WHERE event_type = $1",
        event_type,
    )
}

/// The employer of [`Cassetto`] with the `employer` role and the labour consultant registered
/// and logged in.
async fn cassetto_with_delegate() -> (Cassetto, String) {
    let s = Cassetto::new().await;
    s.app.register_intermediary(&intermediary()).await;
    s.app.grant_role(&employer(), "employer").await;
    let delegate = s.app.login(&intermediary()).await;
    (s, delegate)
}

#[actix_web::test]
async fn an_answer_writes_one_event_per_recipient_and_a_failed_change_writes_none() {
    let (s, delegate) = cassetto_with_delegate().await;
    let app = &s.app;
    app.delegate_domestic_work(&s.employer, &delegate, &["read", "inquiries"])
        .await;
    let id = id_of(&app.sent_inquiry(&s.employer, &s.code, "mav").await);
    let res = app.answer_inquiry(&s.operator, &id, "negative").await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(events_of(app, "inquiry_answered"), 1);
    // The employer and the delegate, once each.
    assert_eq!(notifications_of(app, "inquiry_answered"), 2);
    assert_eq!(
        count(
            app,
            "SELECT count(DISTINCT recipient_tax_code) AS n FROM notifications \
             WHERE event_type = 'inquiry_answered'"
        ),
        2
    );

    // A second answer is refused: its transaction leaves no event.
    app.answer_inquiry(&s.operator, &id, "positive")
        .await
        .problem(409);
    assert_eq!(events_of(app, "inquiry_answered"), 1);
    assert_eq!(notifications_of(app, "inquiry_answered"), 2);
}

#[actix_web::test]
async fn a_refused_acceptance_writes_no_event() {
    let app = TestApp::new();
    let p = Parties::on(&app).await;
    let (id, code) = app
        .create_delegation(&p.employer, domestic(&intermediary()))
        .await;
    let res = app
        .accept_delegation(&p.delegate, &id, &wrong_code(&code))
        .await;
    res.problem(422);
    // Someone who is not the delegate: 404, nothing either.
    app.accept_delegation(&p.delegate2, &id, &code)
        .await
        .problem(404);
    assert_eq!(events_of(&app, "delegation_accepted"), 0);
    assert!(
        inbox(&app, &p.employer, "&type=delegation_accepted")
            .await
            .is_empty()
    );

    let res = app.accept_delegation(&p.delegate, &id, &code).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(events_of(&app, "delegation_accepted"), 1);
}

#[actix_web::test]
async fn each_delegation_event_reaches_the_other_party_with_its_link() {
    let app = TestApp::new();
    let p = Parties::on(&app).await;

    // Requested: to the delegate. Accepted: to the delegator.
    let (id, code) = app
        .create_delegation(&p.employer, domestic(&intermediary()))
        .await;
    let link = format!("/v1/delegations/{id}");
    let requested = only(&app, &p.delegate, "delegation_requested").await;
    assert_eq!(requested["link"], link);
    assert_eq!(requested["subject_tax_code"], EMPLOYER);
    assert_eq!(requested["payload"]["delegation_id"], id.as_str());
    assert_eq!(requested["read"], false);
    assert!(
        inbox(&app, &p.employer, "&type=delegation_requested")
            .await
            .is_empty()
    );
    assert_eq!(
        app.accept_delegation(&p.delegate, &id, &code).await.status,
        200
    );
    assert_eq!(
        only(&app, &p.employer, "delegation_accepted").await["link"],
        link
    );
    assert!(
        inbox(&app, &p.delegate, "&type=delegation_accepted")
            .await
            .is_empty()
    );

    // Revoked by the delegator: to the delegate.
    let res = app
        .delegation_action(&p.employer, &id, "revoke", None)
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(
        only(&app, &p.delegate, "delegation_revoked").await["link"],
        link
    );
    assert!(
        inbox(&app, &p.employer, "&type=delegation_revoked")
            .await
            .is_empty()
    );

    // Rejected by the delegate: to the delegator.
    let (other, _) = app
        .create_delegation(&p.employer, domestic(&intermediary2()))
        .await;
    let res = app
        .delegation_action(&p.delegate2, &other, "reject", None)
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(
        only(&app, &p.employer, "delegation_rejected").await["link"],
        format!("/v1/delegations/{other}")
    );

    // Nobody else heard of any of it.
    assert!(inbox(&app, &p.other, "").await.is_empty());
}

#[actix_web::test]
async fn a_superseded_delegation_tells_its_delegate() {
    let app = TestApp::new();
    let p = Parties::on(&app).await;
    let first = app
        .active_delegation(&p.employer, &p.delegate, domestic(&intermediary()))
        .await;
    app.active_delegation(&p.employer, &p.delegate2, domestic(&intermediary2()))
        .await;
    let revoked = only(&app, &p.delegate, "delegation_revoked").await;
    assert_eq!(revoked["link"], format!("/v1/delegations/{first}"));
}

#[actix_web::test]
async fn roles_contacts_and_answers_reach_the_person_concerned() {
    let (s, _) = cassetto_with_delegate().await;
    let app = &s.app;
    // Role granted and revoked: to the person, linking to their profile.
    app.grant_role(&employer(), "client").await;
    let granted = only(app, &s.employer, "role_granted").await;
    assert_eq!(granted["payload"], json!({"role": "client"}));
    assert_eq!(granted["link"], "/v1/me");
    assert_eq!(granted["subject_tax_code"], EMPLOYER);
    let res = app
        .call(
            "DELETE",
            &format!("/v1/persons/{EMPLOYER}/roles/client"),
            Some(&s.operator),
            None,
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(
        only(app, &s.employer, "role_revoked").await["link"],
        "/v1/me"
    );
    // Granting a role held already changes nothing and tells nobody.
    app.grant_role(&intermediary(), "intermediary").await;
    let delegate = app.login(&intermediary()).await;
    assert!(inbox(app, &delegate, "&type=role_granted").await.is_empty());

    // Contacts changed: a security notice with the old and the new addresses.
    app.put_as(
        &s.employer,
        "/v1/me/contacts",
        json!({"email": "old@example.it"}),
    )
    .await;
    app.advance(time::Duration::minutes(1));
    app.put_as(
        &s.employer,
        "/v1/me/contacts",
        json!({"email": "new@example.it"}),
    )
    .await;
    let changes = inbox(app, &s.employer, "&type=contacts_changed").await;
    assert_eq!(changes.len(), 2);
    assert_eq!(changes[0]["payload"]["old"]["email"], "old@example.it");
    assert_eq!(changes[0]["payload"]["new"]["email"], "new@example.it");
    assert_eq!(changes[0]["link"], "/v1/me");
    // The same contacts again: no change, no notice.
    app.put_as(
        &s.employer,
        "/v1/me/contacts",
        json!({"email": "new@example.it"}),
    )
    .await;
    assert_eq!(
        inbox(app, &s.employer, "&type=contacts_changed")
            .await
            .len(),
        2
    );

    // Inquiry answered: to the employer, linking to the inquiry.
    let id = id_of(&app.sent_inquiry(&s.employer, &s.code, "mav").await);
    app.answer_inquiry(&s.operator, &id, "negative").await;
    let answered = only(app, &s.employer, "inquiry_answered").await;
    assert_eq!(answered["link"], format!("/v1/inquiries/{id}"));
    assert_eq!(answered["payload"]["outcome"], "negative");
    assert_eq!(answered["payload"]["employment_code"], s.code.as_str());
}

#[actix_web::test]
async fn a_delegate_sees_the_answer_only_with_the_inquiries_scope() {
    let (s, delegate) = cassetto_with_delegate().await;
    let app = &s.app;
    app.register_intermediary(&intermediary2()).await;
    let delegate2 = app.login(&intermediary2()).await;

    // Read only: the delegate is not told of answers.
    app.delegate_domestic_work(&s.employer, &delegate, &["read"])
        .await;
    let first = id_of(&app.sent_inquiry(&s.employer, &s.code, "mav").await);
    app.answer_inquiry(&s.operator, &first, "negative").await;
    assert!(
        inbox(app, &delegate, "&type=inquiry_answered")
            .await
            .is_empty()
    );

    // A delegation with the scope (it replaces the first): its delegate is told.
    let terms = delegation_terms(
        &intermediary2().tax_code,
        "domestic_work",
        &["read", "inquiries"],
        "2026-03-02",
        "2027-03-01",
    );
    app.active_delegation(&s.employer, &delegate2, terms).await;
    let second = id_of(&app.sent_inquiry(&s.employer, &s.code, "mav").await);
    app.answer_inquiry(&s.operator, &second, "positive").await;
    let seen = only(app, &delegate2, "inquiry_answered").await;
    assert_eq!(seen["link"], format!("/v1/inquiries/{second}"));
    assert_eq!(seen["subject_tax_code"], EMPLOYER);
    assert!(
        inbox(app, &delegate, "&type=inquiry_answered")
            .await
            .is_empty()
    );
    assert_eq!(
        inbox(app, &s.employer, "&type=inquiry_answered")
            .await
            .len(),
        2
    );
}

/// Changes the caller's e-mail `n` times, ten minutes apart (within the session): `n` contacts_changed notifications.
async fn contact_changes(app: &TestApp, token: &str, n: usize) {
    for i in 0..n {
        app.advance(time::Duration::minutes(10));
        let res = app
            .put_as(
                token,
                "/v1/me/contacts",
                json!({"email": format!("m{i}@example.it")}),
            )
            .await;
        assert_eq!(res.status, 200, "{}", res.text());
    }
}

#[actix_web::test]
async fn the_inbox_lists_unread_first_then_newest_filters_and_pages() {
    let app = TestApp::new();
    let token = app.login(&employer()).await;
    contact_changes(&app, &token, 5).await;
    let all = inbox(&app, &token, "").await;
    let ids: Vec<String> = all.iter().map(id_of).collect();
    assert_eq!(ids.len(), 5);
    // Newest first while all are unread.
    let times: Vec<&str> = all
        .iter()
        .map(|n| n["created_at"].as_str().unwrap())
        .collect();
    let mut sorted = times.clone();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(times, sorted);

    // Read the newest and the third: they go after the unread ones, newest first.
    for id in [&ids[0], &ids[2]] {
        let res = app
            .post_as(&token, &format!("/v1/notifications/{id}/read"), json!({}))
            .await;
        assert_eq!(res.status, 200, "{}", res.text());
        assert_eq!(res.json()["read"], true);
    }
    let expected = vec![
        ids[1].clone(),
        ids[3].clone(),
        ids[4].clone(),
        ids[0].clone(),
        ids[2].clone(),
    ];
    let listed: Vec<String> = inbox(&app, &token, "").await.iter().map(id_of).collect();
    assert_eq!(listed, expected);

    // Keyset pages of 2 walk the same order, across the unread/read boundary.
    let mut paged = Vec::new();
    let mut path = "/v1/notifications?limit=2".to_owned();
    for _ in 0..5 {
        let page = app.get_as(&token, &path).await.json();
        paged.extend(page["items"].as_array().unwrap().iter().map(id_of));
        match page["next_cursor"].as_str() {
            Some(c) => path = format!("/v1/notifications?limit=2&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(paged, expected);
    // A filtered page: the cursor keeps the filter's order.
    let page = app
        .get_as(&token, "/v1/notifications?limit=1&read=true")
        .await
        .json();
    assert_eq!(page["items"][0]["id"], ids[0].as_str());
    let next = page["next_cursor"].as_str().unwrap();
    let page = app
        .get_as(
            &token,
            &format!("/v1/notifications?limit=1&read=true&cursor={next}"),
        )
        .await
        .json();
    assert_eq!(page["items"][0]["id"], ids[2].as_str());
    assert_eq!(page["next_cursor"], Value::Null);

    // Filters: read state and type.
    let unread: Vec<String> = inbox(&app, &token, "&read=false")
        .await
        .iter()
        .map(id_of)
        .collect();
    assert_eq!(unread, expected[..3]);
    let read: Vec<String> = inbox(&app, &token, "&read=true")
        .await
        .iter()
        .map(id_of)
        .collect();
    assert_eq!(read, expected[3..]);
    assert_eq!(inbox(&app, &token, "&type=contacts_changed").await.len(), 5);
    assert!(inbox(&app, &token, "&type=role_granted").await.is_empty());
    app.get_as(&token, "/v1/notifications?type=nope")
        .await
        .problem(400);
    app.get_as(&token, "/v1/notifications?cursor=bm9wZQ")
        .await
        .problem(422);
}

#[actix_web::test]
async fn someone_elses_notification_is_not_found_and_bulk_read_marks_only_mine() {
    let app = TestApp::new();
    let mine = app.login(&employer()).await;
    let theirs = app.login(&other_person()).await;
    contact_changes(&app, &mine, 2).await;
    contact_changes(&app, &theirs, 2).await;
    let their_ids: Vec<String> = inbox(&app, &theirs, "").await.iter().map(id_of).collect();
    let my_ids: Vec<String> = inbox(&app, &mine, "").await.iter().map(id_of).collect();
    assert!(my_ids.iter().all(|id| !their_ids.contains(id)));

    app.post_as(
        &mine,
        &format!("/v1/notifications/{}/read", their_ids[0]),
        json!({}),
    )
    .await
    .problem(404);
    app.post_as(
        &mine,
        "/v1/notifications/00000000-0000-4000-8000-000000000000/read",
        json!({}),
    )
    .await
    .problem(404);

    // Bulk by ids, mine and theirs mixed: only mine change.
    let mixed = json!({"ids": [my_ids[0], their_ids[0], their_ids[1]]});
    let res = app.post_as(&mine, "/v1/notifications/read", mixed).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["marked"], 1);
    assert_eq!(inbox(&app, &theirs, "&read=true").await.len(), 0);

    // Bulk up to now: all mine, none of theirs.
    let now = app
        .clock
        .now()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let res = app
        .post_as(&mine, "/v1/notifications/read", json!({"up_to": now}))
        .await;
    assert_eq!(res.json()["marked"], 1);
    assert_eq!(inbox(&app, &mine, "&read=false").await.len(), 0);
    assert_eq!(inbox(&app, &theirs, "&read=false").await.len(), 2);

    // Up to a time before everything: nothing.
    let res = app
        .post_as(
            &theirs,
            "/v1/notifications/read",
            json!({"up_to": "2020-01-01T00:00:00Z"}),
        )
        .await;
    assert_eq!(res.json()["marked"], 0);
    // Neither, or both: 422.
    app.post_as(&mine, "/v1/notifications/read", json!({}))
        .await
        .problem(422);
    app.post_as(
        &mine,
        "/v1/notifications/read",
        json!({"ids": [my_ids[0]], "up_to": now}),
    )
    .await
    .problem(422);
}

#[actix_web::test]
async fn preferences_need_verified_channels_keep_the_inbox_and_shape_new_notifications() {
    let app = TestApp::new();
    let token = app.login(&employer()).await;
    let put = |channels: Value, frequency: &str| json!({"items": [{"event_type": "contacts_changed", "channels": channels, "frequency": frequency}]});
    // No mobile on file: 422 naming the channel.
    let res = app
        .put_as(
            &token,
            "/v1/me/notification-preferences",
            put(json!(["sms"]), "daily"),
        )
        .await;
    let problem = res.problem(422);
    assert_eq!(problem["errors"][0]["field"], "items[0].channels");
    assert!(
        problem["errors"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("sms")
    );
    // An e-mail on file but not verified: 422 naming e-mail.
    app.put_as(&token, "/v1/me/contacts", json!({"email": "m@example.it"}))
        .await;
    let res = app
        .put_as(
            &token,
            "/v1/me/notification-preferences",
            put(json!(["email"]), "daily"),
        )
        .await;
    assert!(
        res.problem(422)["errors"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("email")
    );

    // Verified: kept, with the frequency; the inbox cannot be left out.
    execute(&app, "UPDATE contacts SET email_verified = true");
    let res = app
        .put_as(
            &token,
            "/v1/me/notification-preferences",
            put(json!(["email"]), "weekly"),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(
        res.json()["items"],
        json!([{"event_type": "contacts_changed", "channels": ["inbox", "email"], "frequency": "weekly"}])
    );
    // The next notification of that type carries the channels, and its e-mail to the address on
    // file is queued; a security notice goes at once whatever the frequency chosen.
    app.advance(time::Duration::minutes(1));
    app.put_as(
        &token,
        "/v1/me/contacts",
        json!({"email": "m@example.it", "pec": "m@pec.it"}),
    )
    .await;
    let newest = &inbox(&app, &token, "&type=contacts_changed").await[0];
    assert_eq!(newest["channels"], json!(["inbox", "email"]));
    assert_eq!(newest["frequency"], "immediate");
    assert_eq!(
        count(
            &app,
            "SELECT count(*) AS n FROM notification_deliveries \
             WHERE channel = 'email' AND status = 'queued' AND address IS NULL"
        ),
        1
    );

    // No channel asked: the inbox stays, and notifications still reach it.
    let res = app
        .put_as(
            &token,
            "/v1/me/notification-preferences",
            put(json!([]), "daily"),
        )
        .await;
    assert_eq!(res.json()["items"][0]["channels"], json!(["inbox"]));
    app.advance(time::Duration::minutes(1));
    app.put_as(&token, "/v1/me/contacts", json!({"email": "n@example.it"}))
        .await;
    let newest = &inbox(&app, &token, "&type=contacts_changed").await[0];
    assert_eq!(newest["channels"], json!(["inbox"]));
    assert_eq!(newest["frequency"], "immediate");
    assert_eq!(newest["payload"]["new"]["email"], "n@example.it");
}

#[actix_web::test]
async fn an_operator_revocation_tells_both_parties() {
    let app = TestApp::new();
    let p = Parties::on(&app).await;
    let id = app
        .active_delegation(&p.employer, &p.delegate, domestic(&intermediary()))
        .await;
    let operator = app.login_operator().await;
    let res = app.delegation_action(&operator, &id, "revoke", None).await;
    assert_eq!(res.status, 200, "{}", res.text());
    for party in [&p.employer, &p.delegate] {
        let revoked = only(&app, party, "delegation_revoked").await;
        assert_eq!(revoked["link"], format!("/v1/delegations/{id}"));
    }
    assert!(
        inbox(&app, &operator, "&type=delegation_revoked")
            .await
            .is_empty()
    );
}
