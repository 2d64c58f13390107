//! Agenda Appuntamenti: consultation points (opening hours, closures, office operators, free
//! slots) and appointments (draft, confirmation taking a seat atomically), including the
//! concurrency proofs: many confirmations at a slot with N seats, two confirmations of drafts
//! sharing a quesito.

use futures_util::future::join_all;
use inps_tests::fixtures::{
    APPOINTMENTS, Cassetto, FIRST_SLOT, POINTS, count, delegation_terms, draft_body, file_names,
    id_of, problem_type, weekdays,
};
use inps_tests::personas::{other_person, with_check_char};
use inps_tests::{Persona, TestApp};
use serde_json::{Value, json};

fn other_operator() -> Persona {
    Persona {
        tax_code: with_check_char("BNCLCU80A01H501"),
        given_name: "Luca",
        family_name: "Bianchi",
    }
}

#[actix_web::test]
async fn operators_manage_points_and_anyone_lists_the_free_slots() {
    let c = Cassetto::new().await;
    let id = c.app.consultation_point(&c.operator, 2).await;
    // A citizen sees the point but may not create one.
    let res = c.app.get_as(&c.employer, POINTS).await;
    assert_eq!(res.status, 200);
    assert_eq!(res.json()["items"][0]["id"], id.as_str());
    let res = c
        .app
        .post_as(&c.employer, POINTS, json!({"name": "X", "address": "Y"}))
        .await;
    assert_eq!(res.status, 403);
    // Monday 9 March: 8 slots of 30 minutes from 08:30 Rome time, 2 seats each.
    let monday = c
        .app
        .free_slots(&c.employer, &id, "2026-03-09", "2026-03-09")
        .await;
    assert_eq!(monday.len(), 8);
    assert_eq!(monday[0]["start"], FIRST_SLOT);
    assert_eq!(monday[0]["remaining"], 2);
    // Saturday and Sunday are closed; 2 June (Festa della Repubblica, a Tuesday) too.
    assert!(
        c.app
            .free_slots(&c.employer, &id, "2026-03-14", "2026-03-15")
            .await
            .is_empty()
    );
    assert!(
        c.app
            .free_slots(&c.employer, &id, "2026-06-02", "2026-06-02")
            .await
            .is_empty()
    );
    // A closure of some hours removes the slots touching them.
    let res = c
        .app
        .post_as(
            &c.operator,
            &format!("{POINTS}/{id}/closures"),
            json!({"date": "2026-03-10", "hours": {"start": "08:30", "end": "10:30"}, "reason": "Assemblea"}),
        )
        .await;
    assert_eq!(res.status, 201, "closure: {}", res.text());
    assert_eq!(
        c.app
            .free_slots(&c.employer, &id, "2026-03-10", "2026-03-10")
            .await
            .len(),
        4
    );
    // A range over 62 days is refused.
    let res = c
        .app
        .get_as(
            &c.employer,
            &format!("{POINTS}/{id}/slots?from=2026-03-09&to=2026-06-09"),
        )
        .await;
    assert_eq!(res.status, 422);
}

#[actix_web::test]
async fn a_plan_breaking_a_rule_is_refused_naming_it() {
    let c = Cassetto::new().await;
    let id = c.app.consultation_point(&c.operator, 2).await;
    let path = format!("{POINTS}/{id}/opening-hours");
    for (why, plan) in [
        (
            "slot does not divide",
            json!({"days": [{"weekday": "monday", "openings": [{"start": "08:30", "end": "12:30"}], "slot_minutes": 50, "seats": 1}]}),
        ),
        (
            "no seats",
            json!({"days": [{"weekday": "monday", "openings": [{"start": "08:30", "end": "12:30"}], "slot_minutes": 30, "seats": 0}]}),
        ),
        (
            "overlap",
            json!({"days": [{"weekday": "monday", "openings": [{"start": "08:30", "end": "12:30"}, {"start": "12:00", "end": "13:00"}], "slot_minutes": 30, "seats": 1}]}),
        ),
        (
            "weekday twice",
            json!({"days": [{"weekday": "monday", "openings": [{"start": "08:30", "end": "09:30"}], "slot_minutes": 30, "seats": 1}, {"weekday": "monday", "openings": [{"start": "10:30", "end": "11:30"}], "slot_minutes": 30, "seats": 1}]}),
        ),
    ] {
        let res = c.app.put_as(&c.operator, &path, plan).await;
        assert_eq!(res.status, 422, "{why}: {}", res.text());
        assert_eq!(res.json()["errors"][0]["field"], "opening_hours", "{why}");
    }
}

#[actix_web::test]
async fn an_office_operator_acts_on_their_points_only_and_only_central_operators_assign() {
    let c = Cassetto::new().await;
    let mine = c.app.consultation_point(&c.operator, 2).await;
    let other = c.app.consultation_point(&c.operator, 2).await;
    let office = other_operator();
    c.app.login(&office).await;
    // Only a person holding the operator role can be assigned.
    let path = format!("{POINTS}/{mine}/operators/{}", office.tax_code);
    let res = c.app.call("PUT", &path, Some(&c.operator), None).await;
    assert_eq!(res.status, 422, "{}", res.text());
    c.app.grant_role(&office, "operator").await;
    let res = c.app.call("PUT", &path, Some(&c.operator), None).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["operators"][0], office.tax_code.as_str());
    let token = c.app.login(&office).await;
    // Their own point's plan they change; another point's they may not.
    let res = c
        .app
        .put_as(
            &token,
            &format!("{POINTS}/{mine}/opening-hours"),
            weekdays(3),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let res = c
        .app
        .put_as(
            &token,
            &format!("{POINTS}/{other}/opening-hours"),
            weekdays(3),
        )
        .await;
    assert_eq!(res.status, 403, "{}", res.text());
    // An office operator neither creates points nor assigns operators.
    let res = c
        .app
        .post_as(&token, POINTS, json!({"name": "X", "address": "Y"}))
        .await;
    assert_eq!(res.status, 403);
    let res = c.app.call("DELETE", &path, Some(&token), None).await;
    assert_eq!(res.status, 403);
    // Removed, they are central again.
    let res = c.app.call("DELETE", &path, Some(&c.operator), None).await;
    assert_eq!(res.status, 200);
    let res = c.app.call("DELETE", &path, Some(&c.operator), None).await;
    assert_eq!(res.status, 404);
    let res = c
        .app
        .put_as(
            &token,
            &format!("{POINTS}/{other}/opening-hours"),
            weekdays(3),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
}

#[actix_web::test]
async fn a_draft_holds_no_seat_and_its_confirmation_takes_one() {
    let c = Cassetto::new().await;
    let id = c.app.consultation_point(&c.operator, 2).await;
    let inquiry = c.eligible_inquiry().await;
    let appointment = c.draft_about(&c.employer, &inquiry, &id, FIRST_SLOT).await;
    assert_eq!(remaining(&c, &id, FIRST_SLOT).await, Some(2));
    let res = c.app.confirm_appointment(&c.employer, &appointment).await;
    assert_eq!(res.status, 200, "{}", res.text());
    let body = res.json();
    assert_eq!(body["state"], "confirmed");
    assert_eq!(body["history"].as_array().map(Vec::len), Some(2));
    assert_eq!(remaining(&c, &id, FIRST_SLOT).await, Some(1));
    // Confirmed twice: 409, no second seat.
    let res = c.app.confirm_appointment(&c.employer, &appointment).await;
    assert_eq!(res.status, 409);
    assert_eq!(
        count(&c.app, "SELECT taken::bigint AS n FROM slot_seats"),
        1
    );
    // The quesito is now on a confirmed appointment: not eligible for another.
    let res = c
        .app
        .post_as(
            &c.employer,
            APPOINTMENTS,
            draft_body(&c.code, &[&inquiry], &id, FIRST_SLOT),
        )
        .await;
    assert_eq!(res.status, 409, "{}", res.text());
    assert_eq!(
        res.json()["type"],
        problem_type("inquiry-on-another-appointment")
    );
    let shown = c.app.show_inquiry(&c.employer, &inquiry).await;
    assert_eq!(shown["eligible_for_appointment"], false, "{shown}");
    assert_eq!(
        shown["eligibility_reason"], "already_on_appointment",
        "{shown}"
    );
    // The selection in the query agrees.
    let path = |eligible: bool| {
        format!(
            "/v1/employments/{}/inquiries?eligible_for_appointment={eligible}",
            c.code
        )
    };
    let eligible = c.app.items(&c.employer, &path(true)).await;
    let not_eligible = c.app.items(&c.employer, &path(false)).await;
    assert!(eligible.is_empty(), "{eligible:?}");
    assert_eq!(
        not_eligible.iter().map(id_of).collect::<Vec<_>>(),
        [inquiry.as_str()]
    );
    // Audited.
    let events = c.app.audit_events(&c.operator, "").await;
    let confirmed = events
        .iter()
        .filter(|e| e["action"] == "appointment.confirmed");
    assert_eq!(confirmed.count(), 1, "{events:?}");
}

#[actix_web::test]
async fn a_draft_breaking_a_rule_is_refused_naming_each_field() {
    let c = Cassetto::new().await;
    let id = c.app.consultation_point(&c.operator, 2).await;
    // Unanswered within its deadline: not eligible.
    let pending = id_of(&c.app.sent_inquiry(&c.employer, &c.code, "mav").await);
    let mut body = draft_body(&c.code, &[&pending], &id, FIRST_SLOT);
    body["note"] = json!("   ");
    body["notification_channels"] = json!(["sms"]);
    let res = c.app.post_as(&c.employer, APPOINTMENTS, body).await;
    assert_eq!(res.status, 422, "{}", res.text());
    let fields: Vec<String> = res.json()["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().unwrap_or("").to_owned())
        .collect();
    for field in ["inquiry_ids", "note", "notification_channels"] {
        assert!(fields.iter().any(|f| f == field), "{field} in {fields:?}");
    }
    // A time the point offers no slot at.
    let inquiry = c.eligible_inquiry().await;
    let res = c
        .app
        .post_as(
            &c.employer,
            APPOINTMENTS,
            draft_body(&c.code, &[&inquiry], &id, "2026-03-09T07:40:00Z"),
        )
        .await;
    assert_eq!(res.status, 422);
    assert_eq!(res.json()["errors"][0]["field"], "slot_start");
    // Operators do not book.
    let res = c
        .app
        .post_as(
            &c.operator,
            APPOINTMENTS,
            draft_body(&c.code, &[&inquiry], &id, FIRST_SLOT),
        )
        .await;
    assert_eq!(res.status, 403);
    assert_eq!(count(&c.app, "SELECT count(*) AS n FROM appointments"), 0);
}

#[actix_web::test]
async fn a_draft_expires_after_its_time_to_live() {
    let c = Cassetto::on(TestApp::with_env(&[(
        "APPOINTMENT_DRAFT_TTL_SECONDS",
        "3600",
    )]))
    .await;
    let id = c.app.consultation_point(&c.operator, 2).await;
    let appointment = c.drafted(&c.employer, &id, FIRST_SLOT).await;
    c.app.advance(time::Duration::minutes(61));
    let token = c.app.login(&inps_tests::personas::employer()).await;
    let res = c.app.confirm_appointment(&token, &appointment).await;
    assert_eq!(res.status, 409, "{}", res.text());
    assert_eq!(res.json()["type"], problem_type("state-conflict"));
    assert_eq!(count(&c.app, "SELECT count(*) AS n FROM slot_seats"), 0);
}

#[actix_web::test]
async fn a_delegate_with_the_appointments_scope_books_and_manages_the_appointment() {
    let c = Cassetto::new().await;
    let id = c.app.consultation_point(&c.operator, 2).await;
    let inquiry = c.eligible_inquiry().await;
    let (agent, agent_token, delegation) = c.delegate(&["read", "inquiries"]).await;
    let body = draft_body(&c.code, &[&inquiry], &id, FIRST_SLOT);
    let res = c
        .app
        .post_as(&agent_token, APPOINTMENTS, body.clone())
        .await;
    assert_eq!(res.status, 403, "{}", res.text());
    assert_eq!(res.json()["type"], problem_type("scope-not-granted"));
    // With the scope.
    let res = c
        .app
        .delegation_action(&c.employer, &delegation, "revoke", None)
        .await;
    assert_eq!(res.status, 200, "revoke: {}", res.text());
    let terms = delegation_terms(
        &agent.tax_code,
        "domestic_work",
        &["read", "appointments"],
        "2026-03-02",
        "2027-03-01",
    );
    c.app
        .active_delegation(&c.employer, &agent_token, terms)
        .await;
    let res = c.app.post_as(&agent_token, APPOINTMENTS, body).await;
    assert_eq!(res.status, 201, "{}", res.text());
    let booked = res.json();
    assert_eq!(booked["managed_by"], agent.tax_code.as_str());
    assert_eq!(
        booked["employer_tax_code"],
        inps_tests::personas::employer().tax_code.as_str()
    );
    // The draft is its author's: the employer does not see it yet.
    let path = format!("{APPOINTMENTS}/{}", id_of(&booked));
    assert_eq!(c.app.get_as(&c.employer, &path).await.status, 404);
    let res = c
        .app
        .confirm_appointment(&agent_token, &id_of(&booked))
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(c.app.get_as(&c.employer, &path).await.status, 200);
}

#[actix_web::test]
async fn fifty_concurrent_confirmations_at_a_slot_of_three_seats_take_exactly_three() {
    const SEATS: usize = 3;
    const DRAFTS: usize = 50;
    let c = Cassetto::new().await;
    let id = c.app.consultation_point(&c.operator, SEATS as u16).await;
    let mut drafts = Vec::new();
    for _ in 0..DRAFTS {
        let inquiry = c.eligible_inquiry().await;
        drafts.push(c.draft_about(&c.employer, &inquiry, &id, FIRST_SLOT).await);
    }
    let responses = join_all(
        drafts
            .iter()
            .map(|d| c.app.confirm_appointment(&c.employer, d)),
    )
    .await;
    let statuses: Vec<u16> = responses.iter().map(|r| r.status.as_u16()).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        SEATS,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| matches!(s, 200 | 409)),
        "{statuses:?}"
    );
    // Every refusal offers the nearest free slots, the full one not among them.
    for refused in responses.iter().filter(|r| r.status == 409) {
        let body = refused.json();
        assert_eq!(body["type"], problem_type("slot-unavailable"), "{body}");
        let nearest = body["nearest_free_slots"].as_array().expect("nearest");
        assert_eq!(nearest.len(), 3, "{body}");
        assert!(nearest.iter().all(|s| s["start"] != FIRST_SLOT), "{body}");
        assert_eq!(
            nearest[0],
            json!({"start": "2026-03-09T08:00:00Z", "end": "2026-03-09T08:30:00Z",
                   "date": "2026-03-09", "seats": SEATS, "remaining": SEATS}),
            "{body}"
        );
    }
    assert_eq!(
        count(&c.app, "SELECT taken::bigint AS n FROM slot_seats"),
        SEATS as i64
    );
    assert_eq!(
        count(
            &c.app,
            "SELECT count(*) AS n FROM appointments WHERE state = 'confirmed'"
        ),
        SEATS as i64
    );
    let first = c
        .app
        .free_slots(&c.employer, &id, "2026-03-09", "2026-03-09")
        .await;
    assert_ne!(
        first[0]["start"], FIRST_SLOT,
        "a full slot is not listed as free"
    );
}

#[actix_web::test]
async fn two_confirmations_of_drafts_sharing_a_quesito_confirm_one() {
    let c = Cassetto::new().await;
    let id = c.app.consultation_point(&c.operator, 5).await;
    for round in 0..5 {
        let inquiry = c.eligible_inquiry().await;
        let a = c.draft_about(&c.employer, &inquiry, &id, FIRST_SLOT).await;
        let b = c
            .draft_about(&c.employer, &inquiry, &id, "2026-03-09T08:00:00Z")
            .await;
        let responses = join_all([
            c.app.confirm_appointment(&c.employer, &a),
            c.app.confirm_appointment(&c.employer, &b),
        ])
        .await;
        let statuses: Vec<u16> = responses.iter().map(|r| r.status.as_u16()).collect();
        assert_eq!(
            statuses.iter().filter(|s| **s == 200).count(),
            1,
            "round {round}: {statuses:?}"
        );
        let refused = responses
            .iter()
            .find(|r| r.status == 409)
            .expect("one refused");
        assert_eq!(
            refused.json()["type"],
            problem_type("inquiry-on-another-appointment")
        );
    }
    assert_eq!(
        count(
            &c.app,
            "SELECT coalesce(sum(taken), 0)::bigint AS n FROM slot_seats"
        ),
        5
    );
}

async fn act(
    c: &Cassetto,
    token: &str,
    id: &str,
    action: &str,
    body: Option<Value>,
) -> inps_tests::TestResponse {
    c.app
        .call(
            "POST",
            &format!("{APPOINTMENTS}/{id}/{action}"),
            Some(token),
            body,
        )
        .await
}

/// Seats left in the slot of `point` starting at `start` on 9 March.
async fn remaining(c: &Cassetto, point: &str, start: &str) -> Option<i64> {
    c.app
        .free_slots(&c.employer, point, "2026-03-09", "2026-03-09")
        .await
        .iter()
        .find(|s| s["start"] == start)
        .map(|s| s["remaining"].as_i64().unwrap_or(-1))
}

#[actix_web::test]
async fn the_user_cancels_a_confirmed_appointment_before_it_starts_and_gets_the_seat_back() {
    let c = Cassetto::new().await;
    let (point, id) = c.booked().await;
    assert_eq!(remaining(&c, &point, FIRST_SLOT).await, Some(1));
    let res = act(
        &c,
        &c.employer,
        &id,
        "cancellation",
        Some(json!({"reason": "Impegno sopravvenuto."})),
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let body = res.json();
    assert_eq!(body["state"], "cancelled");
    assert_eq!(body["cancelled_by"], "user");
    assert_eq!(remaining(&c, &point, FIRST_SLOT).await, Some(2));
    // Once cancelled, never again; and the quesito is free for another appointment.
    let res = act(&c, &c.employer, &id, "cancellation", Some(json!({}))).await;
    assert_eq!(res.status, 409);
    // Once started, the user can no longer cancel.
    let later = c.confirmed(&point, "2026-03-09T08:00:00Z").await;
    c.app.advance(time::Duration::days(7));
    let token = c.app.login(&inps_tests::personas::employer()).await;
    let res = act(&c, &token, &later, "cancellation", Some(json!({}))).await;
    assert_eq!(res.status, 409, "{}", res.text());
    // The user does not close nor reschedule.
    assert_eq!(act(&c, &token, &later, "closure", None).await.status, 403);
}

#[actix_web::test]
async fn office_changes_need_a_reason_to_cancel_and_notify_the_employer_and_the_managing_intermediary()
 {
    let c = Cassetto::new().await;
    let point = c.app.consultation_point(&c.operator, 2).await;
    let (_, agent_token, _) = c.delegate(&["read", "appointments"]).await;
    let id = c.drafted(&agent_token, &point, FIRST_SLOT).await;
    assert_eq!(
        c.app.confirm_appointment(&agent_token, &id).await.status,
        200
    );
    let res = act(&c, &c.operator, &id, "cancellation", Some(json!({}))).await;
    assert_eq!(res.status, 422, "{}", res.text());
    assert_eq!(res.json()["errors"][0]["field"], "reason");
    let res = act(
        &c,
        &c.operator,
        &id,
        "cancellation",
        Some(json!({"reason": "Sede chiusa per sciopero."})),
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["cancelled_by"], "office");
    let history: Vec<Value> = res.json()["history"]
        .as_array()
        .expect("history")
        .iter()
        .map(|h| h["kind"].clone())
        .collect();
    assert_eq!(
        history,
        [
            json!("created"),
            json!("confirmed"),
            json!("cancelled_by_office")
        ]
    );
    for token in [&c.employer, &agent_token] {
        let seen = c
            .app
            .items(
                token,
                "/v1/notifications?type=appointment_cancelled_by_office",
            )
            .await;
        assert_eq!(seen.len(), 1, "{seen:?}");
    }
}

#[actix_web::test]
async fn the_office_closes_and_reschedules_within_its_reach() {
    let c = Cassetto::new().await;
    let point = c.app.consultation_point(&c.operator, 2).await;
    let elsewhere = c.app.consultation_point(&c.operator, 2).await;
    let id = c.confirmed(&point, FIRST_SLOT).await;
    // An office operator of another point does not see it.
    let office = other_operator();
    c.app.login(&office).await;
    c.app.grant_role(&office, "operator").await;
    let path = format!("{POINTS}/{elsewhere}/operators/{}", office.tax_code);
    assert_eq!(
        c.app
            .call("PUT", &path, Some(&c.operator), None)
            .await
            .status,
        200
    );
    let office_token = c.app.login(&office).await;
    assert_eq!(
        act(&c, &office_token, &id, "closure", None).await.status,
        404
    );
    assert_eq!(
        c.app
            .get_as(&office_token, &format!("{APPOINTMENTS}/{id}"))
            .await
            .status,
        404
    );
    // Rescheduled: the seat moves.
    let later = "2026-03-09T09:00:00Z";
    let res = act(
        &c,
        &c.operator,
        &id,
        "reschedule",
        Some(json!({"slot_start": later})),
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["slot_start"], later);
    assert_eq!(remaining(&c, &point, FIRST_SLOT).await, Some(2));
    assert_eq!(remaining(&c, &point, later).await, Some(1));
    // Into a time with no slot: 409 with the nearest free slots.
    let res = act(
        &c,
        &c.operator,
        &id,
        "reschedule",
        Some(json!({"slot_start": "2026-03-09T09:10:00Z"})),
    )
    .await;
    assert_eq!(res.status, 409, "{}", res.text());
    assert_eq!(res.json()["type"], problem_type("slot-unavailable"));
    assert_eq!(
        res.json()["nearest_free_slots"][0]["start"],
        "2026-03-09T09:00:00Z"
    );
    let res = act(&c, &c.operator, &id, "closure", None).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["state"], "closed_resolved");
    assert_eq!(act(&c, &c.operator, &id, "closure", None).await.status, 409);
    for kind in ["appointment_rescheduled", "appointment_closed"] {
        let seen = c
            .app
            .items(&c.employer, &format!("/v1/notifications?type={kind}"))
            .await;
        assert_eq!(seen.len(), 1, "{kind}: {seen:?}");
    }
}

#[actix_web::test]
async fn concurrent_reschedules_into_a_nearly_full_slot_take_its_last_seat_once() {
    const MOVES: usize = 20;
    let c = Cassetto::new().await;
    let point = c.app.consultation_point(&c.operator, 3).await;
    let target = "2026-03-10T07:30:00Z";
    // The target slot has 2 of 3 seats taken.
    for _ in 0..2 {
        c.confirmed(&point, target).await;
    }
    let mut moving = Vec::new();
    for i in 0..MOVES {
        // Spread over the Monday slots, 3 seats each.
        let start =
            time::OffsetDateTime::parse(FIRST_SLOT, &time::format_description::well_known::Rfc3339)
                .expect("start")
                + time::Duration::minutes(30 * (i / 3) as i64);
        let start = start
            .format(&time::format_description::well_known::Rfc3339)
            .expect("format");
        moving.push(c.confirmed(&point, &start).await);
    }
    let body = json!({"slot_start": target});
    let responses = join_all(
        moving
            .iter()
            .map(|id| act(&c, &c.operator, id, "reschedule", Some(body.clone()))),
    )
    .await;
    let statuses: Vec<u16> = responses.iter().map(|r| r.status.as_u16()).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| matches!(s, 200 | 409)),
        "{statuses:?}"
    );
    let taken = inps_tests::fixtures::count_with(
        &c.app,
        "SELECT taken::bigint AS n FROM slot_seats WHERE start = $1::timestamptz",
        target,
    );
    assert_eq!(taken, 3);
    assert_eq!(
        count(
            &c.app,
            "SELECT coalesce(sum(taken), 0)::bigint AS n FROM slot_seats"
        ),
        22
    );
}

#[actix_web::test]
async fn a_reminder_goes_out_24_hours_before_the_start() {
    let c = Cassetto::new().await;
    let point = c.app.consultation_point(&c.operator, 2).await;
    c.confirmed(&point, FIRST_SLOT).await;
    assert_eq!(c.app.run_reminders(), 0);
    // 8 March 07:29 UTC: not yet.
    c.app.advance(time::Duration::minutes(6 * 24 * 60 - 91));
    assert_eq!(c.app.run_reminders(), 0);
    c.app.advance(time::Duration::minutes(2));
    assert_eq!(c.app.run_reminders(), 1);
    assert_eq!(c.app.run_reminders(), 0, "once");
    let token = c.app.login(&inps_tests::personas::employer()).await;
    let seen = c
        .app
        .items(&token, "/v1/notifications?type=appointment_reminder")
        .await;
    assert_eq!(seen.len(), 1);
}

#[actix_web::test]
async fn appointments_are_searched_with_filters_and_keyset_pages_and_have_a_calendar_file() {
    let c = Cassetto::new().await;
    let point = c.app.consultation_point(&c.operator, 2).await;
    let first = c.confirmed(&point, FIRST_SLOT).await;
    let second = c.confirmed(&point, "2026-03-10T07:30:00Z").await;
    let pending = c.drafted(&c.employer, &point, "2026-03-09T08:00:00Z").await;
    let ids = |items: Vec<Value>| items.iter().map(id_of).collect::<Vec<_>>();
    assert_eq!(
        ids(c.app.items(&c.employer, APPOINTMENTS).await),
        [second.as_str(), pending.as_str(), first.as_str()]
    );
    assert_eq!(
        ids(c
            .app
            .items(
                &c.employer,
                &format!("{APPOINTMENTS}?state=confirmed&from=2026-03-10T00:00:00Z")
            )
            .await),
        [second.as_str()]
    );
    // The operator sees the confirmed ones, not the draft.
    assert_eq!(
        ids(c.app.items(&c.operator, APPOINTMENTS).await),
        [second.as_str(), first.as_str()]
    );
    // Pages of one.
    let res = c
        .app
        .get_as(
            &c.employer,
            &format!("{APPOINTMENTS}?limit=1&state=confirmed"),
        )
        .await;
    let cursor = res.json()["next_cursor"]
        .as_str()
        .expect("cursor")
        .to_owned();
    assert_eq!(
        ids(res.json()["items"].as_array().expect("items").clone()),
        [second.as_str()]
    );
    let next = c
        .app
        .items(
            &c.employer,
            &format!("{APPOINTMENTS}?limit=1&state=confirmed&cursor={cursor}"),
        )
        .await;
    assert_eq!(ids(next), [first.as_str()]);
    // The calendar file: stable UID, SEQUENCE growing with each change.
    let path = format!("{APPOINTMENTS}/{first}/calendar.ics");
    let res = c.app.get_as(&c.employer, &path).await;
    assert_eq!(res.status, 200);
    assert!(
        res.header("content-type")
            .is_some_and(|t| t.starts_with("text/calendar"))
    );
    let ics = res.text();
    assert!(
        ics.contains(&format!("UID:{first}@api.inps.example\r\n")),
        "{ics}"
    );
    assert!(ics.contains("SEQUENCE:1\r\n"), "{ics}");
    assert!(ics.contains("DTSTART:20260309T073000Z\r\n"), "{ics}");
    let res = act(
        &c,
        &c.operator,
        &first,
        "reschedule",
        Some(json!({"slot_start": "2026-03-09T08:00:00Z"})),
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let ics = c.app.get_as(&c.employer, &path).await.text();
    assert!(
        ics.contains("SEQUENCE:2\r\n") && ics.contains(&format!("UID:{first}@")),
        "{ics}"
    );
    assert_eq!(
        c.app
            .get_as(
                &c.employer,
                &format!("{APPOINTMENTS}/{pending}/calendar.ics")
            )
            .await
            .status,
        409
    );
}

#[actix_web::test]
async fn a_draft_takes_up_to_three_files_recognised_from_their_bytes_and_only_while_a_draft() {
    use inps_tests::fixtures::{pdf, pdf_of, png};
    let c = Cassetto::new().await;
    let point = c.app.consultation_point(&c.operator, 2).await;
    let id = c.drafted(&c.employer, &point, FIRST_SLOT).await;
    let path = format!("{APPOINTMENTS}/{id}/attachments");
    let (pdf, png) = (pdf(), png());
    let files: [(&str, &str, &[u8]); 2] = [
        ("attachments", "buste-paga.pdf", &pdf),
        ("attachments", "ricevuta.png", &png),
    ];
    let res = c.app.post_multipart(&c.employer, &path, &[], &files).await;
    assert_eq!(res.status, 201, "{}", res.text());
    let body = res.json();
    let attached = body["attachments"].as_array().expect("attachments").clone();
    assert_eq!(attached.len(), 2);
    // Byte for byte, with its media type.
    let by_type = |media_type: &str| {
        let found = attached.iter().find(|a| a["media_type"] == media_type);
        id_of(found.expect("attached"))
    };
    let (first, second) = (by_type("application/pdf"), by_type("image/png"));
    let res = c.app.get_as(&c.employer, &format!("{path}/{first}")).await;
    assert_eq!(res.status, 200);
    assert_eq!(res.body.as_ref(), pdf.as_slice());
    assert_eq!(res.header("content-type"), Some("application/pdf"));
    // No file: 422.
    let res = c.app.post_multipart(&c.employer, &path, &[], &[]).await;
    assert_eq!(res.status, 422, "{}", res.text());
    // Not a PDF whatever its name: 415; a fourth file: 422; over 3 MiB: 413. Nothing stored.
    let fake: [(&str, &str, &[u8]); 1] = [("attachments", "finto.pdf", b"not a pdf at all")];
    let res = c.app.post_multipart(&c.employer, &path, &[], &fake).await;
    assert_eq!(res.status, 415, "{}", res.text());
    let two: [(&str, &str, &[u8]); 2] = [
        ("attachments", "a.pdf", &pdf),
        ("attachments", "b.pdf", &pdf),
    ];
    let res = c.app.post_multipart(&c.employer, &path, &[], &two).await;
    assert_eq!(res.status, 422, "{}", res.text());
    assert_eq!(res.json()["type"], problem_type("too-many-attachments"));
    let big = pdf_of(3 * 1024 * 1024);
    let large: [(&str, &str, &[u8]); 1] = [("attachments", "grande.pdf", &big)];
    let res = c.app.post_multipart(&c.employer, &path, &[], &large).await;
    assert_eq!(res.status, 413, "{}", res.text());
    let stored = inps_tests::fixtures::count_with(
        &c.app,
        "SELECT count(*) AS n FROM attachments WHERE owner_id = $1::uuid",
        &id,
    );
    assert_eq!(stored, 2);
    // Removed while a draft; once confirmed, files no longer change.
    let res = c
        .app
        .call(
            "DELETE",
            &format!("{path}/{first}"),
            Some(&c.employer),
            None,
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["attachments"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        c.app.confirm_appointment(&c.employer, &id).await.status,
        200
    );
    let one: [(&str, &str, &[u8]); 1] = [("attachments", "c.pdf", &pdf)];
    let res = c.app.post_multipart(&c.employer, &path, &[], &one).await;
    assert_eq!(res.status, 409, "{}", res.text());
    // Others do not see them.
    let stranger = c.app.login(&inps_tests::personas::other_person()).await;
    assert_eq!(
        c.app
            .get_as(&stranger, &format!("{path}/{second}"))
            .await
            .status,
        404
    );
}

#[actix_web::test]
async fn draft_and_message_files_sent_in_one_request_keep_the_order_they_were_sent_in() {
    use inps_tests::fixtures::{jpeg, pdf, png};
    let c = Cassetto::new().await;
    let point = c.app.consultation_point(&c.operator, 2).await;
    let (pdf, png, jpeg) = (pdf(), png(), jpeg());
    // One request, one `created_at`; neither the names nor the media types are in upload order.
    let sent = ["c-zeta.png", "a-alfa.pdf", "b-beta.jpg"];
    let files: [(&str, &[u8]); 3] = [(sent[0], &png), (sent[1], &pdf), (sent[2], &jpeg)];
    let id = c.drafted(&c.employer, &point, FIRST_SLOT).await;
    let form: Vec<(&str, &str, &[u8])> = files
        .iter()
        .map(|(name, bytes)| ("attachments", *name, *bytes))
        .collect();
    let path = format!("{APPOINTMENTS}/{id}/attachments");
    let res = c.app.post_multipart(&c.employer, &path, &[], &form).await;
    assert_eq!(res.status, 201, "{}", res.text());
    assert_eq!(file_names(&res.json()["attachments"]), sent);
    let res = c
        .app
        .get_as(&c.employer, &format!("{APPOINTMENTS}/{id}"))
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(file_names(&res.json()["attachments"]), sent);
    // A message's files, in the appointment and in the thread.
    let id = c.confirmed(&point, FIRST_SLOT).await;
    let res = message_form(&c.app, &c.employer, &id, None, "Tre file.", &files).await;
    assert_eq!(res.status, 201, "{}", res.text());
    assert_eq!(file_names(&res.json()["messages"][0]["attachments"]), sent);
    let thread = c
        .app
        .items(&c.employer, &format!("{APPOINTMENTS}/{id}/messages"))
        .await;
    assert_eq!(file_names(&thread[0]["attachments"]), sent);
}

#[actix_web::test]
async fn slots_follow_the_clock_changes_and_skip_25_april_and_2_june() {
    let c = Cassetto::new().await;
    let id = c.app.consultation_point(&c.operator, 1).await;
    let night = |date: &str| {
        json!({"date": date, "openings": [{"start": "01:00", "end": "04:00"}],
               "slot_minutes": 60, "seats": 1})
    };
    let mut plan = weekdays(1);
    plan["days"].as_array_mut().expect("days").push(
        json!({"weekday": "saturday", "openings": [{"start": "09:00", "end": "10:00"}],
                     "slot_minutes": 60, "seats": 1}),
    );
    plan["exceptions"] = json!([night("2026-03-29"), night("2026-10-25")]);
    let res = c
        .app
        .put_as(&c.operator, &format!("{POINTS}/{id}/opening-hours"), plan)
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let starts = |slots: Vec<Value>| {
        slots
            .iter()
            .map(|s| s["start"].as_str().unwrap_or("").to_owned())
            .collect::<Vec<_>>()
    };
    // Last Sunday of March: 02:00-03:00 never happens, so 01:00 CET and 03:00 CEST.
    let march = c
        .app
        .free_slots(&c.employer, &id, "2026-03-29", "2026-03-29")
        .await;
    assert_eq!(
        starts(march),
        ["2026-03-29T00:00:00Z", "2026-03-29T01:00:00Z"]
    );
    // Last Sunday of October: 02:00-03:00 happens twice, each with its slot.
    let october = c
        .app
        .free_slots(&c.employer, &id, "2026-10-25", "2026-10-25")
        .await;
    assert_eq!(
        starts(october),
        [
            "2026-10-24T23:00:00Z",
            "2026-10-25T00:00:00Z",
            "2026-10-25T01:00:00Z",
            "2026-10-25T02:00:00Z"
        ]
    );
    // 25 April 2026 is a Saturday the point opens on, and a national holiday; so is 2 June.
    assert!(
        c.app
            .free_slots(&c.employer, &id, "2026-04-25", "2026-04-25")
            .await
            .is_empty()
    );
    assert_eq!(
        c.app
            .free_slots(&c.employer, &id, "2026-04-18", "2026-04-18")
            .await
            .len(),
        1
    );
    assert!(
        c.app
            .free_slots(&c.employer, &id, "2026-06-02", "2026-06-02")
            .await
            .is_empty()
    );
}

#[actix_web::test]
async fn crossing_reschedules_swap_seats_without_a_deadlock() {
    let c = Cassetto::new().await;
    let point = c.app.consultation_point(&c.operator, 1).await;
    let (early, late) = (FIRST_SLOT, "2026-03-09T08:00:00Z");
    for round in 0..5 {
        // Each slot has one seat, taken: the moves are refused or one of them succeeds, never a
        // server error, and the seats never go over.
        let a = c.confirmed(&point, early).await;
        let b = c.confirmed(&point, late).await;
        let responses = join_all([
            act(
                &c,
                &c.operator,
                &a,
                "reschedule",
                Some(json!({"slot_start": late})),
            ),
            act(
                &c,
                &c.operator,
                &b,
                "reschedule",
                Some(json!({"slot_start": early})),
            ),
        ])
        .await;
        let statuses: Vec<u16> = responses.iter().map(|r| r.status.as_u16()).collect();
        assert!(
            statuses.iter().all(|s| matches!(s, 200 | 409)),
            "round {round}: {statuses:?}"
        );
        assert_eq!(
            count(&c.app, "SELECT max(taken)::bigint AS n FROM slot_seats"),
            1,
            "round {round}"
        );
        for id in [&a, &b] {
            let res = act(
                &c,
                &c.operator,
                id,
                "cancellation",
                Some(json!({"reason": "Prova."})),
            )
            .await;
            assert_eq!(res.status, 200, "{}", res.text());
        }
    }
}

#[actix_web::test]
async fn the_user_and_the_office_write_about_a_confirmed_appointment() {
    let c = Cassetto::new().await;
    let (point, id) = c.booked().await;
    let res = act(
        &c,
        &c.employer,
        &id,
        "messages",
        Some(json!({"text": "Porterò le buste paga."})),
    )
    .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let res = act(
        &c,
        &c.operator,
        &id,
        "messages",
        Some(json!({"text": "Va bene, porti anche il contratto."})),
    )
    .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let messages = res.json()["messages"].clone();
    assert_eq!(messages[0]["by_office"], false);
    assert_eq!(messages[1]["by_office"], true);
    // The thread on its own: the same messages, oldest first, for the employer; 404 to others.
    let thread = format!("/v1/appointments/{id}/messages");
    let listed = c.app.items(&c.employer, &thread).await;
    assert_eq!(Value::Array(listed), messages);
    let stranger = c.app.login(&other_person()).await;
    assert_eq!(c.app.get_as(&stranger, &thread).await.status, 404);
    let seen = c
        .app
        .items(&c.employer, "/v1/notifications?type=appointment_message")
        .await;
    assert_eq!(seen.len(), 1, "only the office's message is notified");
    assert_eq!(
        act(
            &c,
            &c.employer,
            &id,
            "messages",
            Some(json!({"text": "   "}))
        )
        .await
        .status,
        422
    );
    let stranger = c.app.login(&inps_tests::personas::other_person()).await;
    assert_eq!(
        act(
            &c,
            &stranger,
            &id,
            "messages",
            Some(json!({"text": "Ciao."}))
        )
        .await
        .status,
        404
    );
    // Not on a draft.
    let pending = c.drafted(&c.employer, &point, FIRST_SLOT).await;
    let res = act(
        &c,
        &c.employer,
        &pending,
        "messages",
        Some(json!({"text": "Ciao."})),
    )
    .await;
    assert_eq!(res.status, 409, "{}", res.text());
}

// --- Messages with attachments ----------------------------------------------------------------

/// `POST /appointments/{id}/messages` as a multipart form with `text` and `files`
/// (`(file name, bytes)`), with an `Idempotency-Key` when given.
async fn message_form(
    app: &TestApp,
    token: &str,
    id: &str,
    key: Option<&str>,
    text: &str,
    files: &[(&str, &[u8])],
) -> inps_tests::TestResponse {
    let files: Vec<(&str, &str, &[u8])> = files
        .iter()
        .map(|(name, bytes)| ("attachments", *name, *bytes))
        .collect();
    let path = format!("{APPOINTMENTS}/{id}/messages");
    app.post_multipart_keyed(token, &path, key, &[("text", text)], &files)
        .await
}

/// The download path of the file of type `media_type` of the last message in `appointment`
/// (a body).
fn last_message_file(appointment: &Value, media_type: &str) -> String {
    let messages = appointment["messages"].as_array().expect("messages");
    let message = messages.last().expect("a message");
    let files = message["attachments"].as_array().expect("attachments");
    let file = files
        .iter()
        .find(|f| f["media_type"] == media_type)
        .expect("a file of that type");
    format!(
        "{APPOINTMENTS}/{}/messages/{}/attachments/{}",
        id_of(appointment),
        id_of(message),
        id_of(file)
    )
}

/// Messages and message files stored.
fn messages_stored(c: &Cassetto) -> (i64, i64) {
    (
        count(&c.app, "SELECT count(*) AS n FROM appointment_messages"),
        count(
            &c.app,
            "SELECT count(*) AS n FROM attachments WHERE owner_kind = 'message'",
        ),
    )
}

#[actix_web::test]
async fn messages_carry_pdf_jpeg_png_and_tiff_files_downloaded_byte_for_byte() {
    use inps_tests::fixtures::{jpeg, pdf, png, tiff};
    let c = Cassetto::new().await;
    let (_, id) = c.booked().await;
    let (pdf, jpeg, png, tiff) = (pdf(), jpeg(), png(), tiff());
    // The user: three files, one of them with a name that is not ASCII.
    let res = message_form(
        &c.app,
        &c.employer,
        &id,
        None,
        "Allego buste paga e ricevute.",
        &[
            ("buste paga è.pdf", &pdf),
            ("ricevuta.jpg", &jpeg),
            ("bonifico.png", &png),
        ],
    )
    .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let body = res.json();
    let message = &body["messages"][0];
    assert_eq!(message["text"], "Allego buste paga e ricevute.");
    assert_eq!(message["by_office"], false);
    assert_eq!(message["attachments"].as_array().map(Vec::len), Some(3));
    for (bytes, media_type) in [
        (&pdf, "application/pdf"),
        (&jpeg, "image/jpeg"),
        (&png, "image/png"),
    ] {
        let path = last_message_file(&body, media_type);
        let res = c.app.get_as(&c.employer, &path).await;
        assert_eq!(res.status, 200, "{path}: {}", res.text());
        assert_eq!(res.body.as_ref(), bytes.as_slice(), "{media_type}");
        assert_eq!(res.header("content-type"), Some(media_type));
        let disposition = res.header("content-disposition").expect("disposition");
        assert!(disposition.starts_with("attachment;"), "{disposition}");
        if media_type == "application/pdf" {
            assert!(
                disposition.contains("filename=\"buste paga _.pdf\""),
                "{disposition}"
            );
        }
        // The office sees them too.
        assert_eq!(c.app.get_as(&c.operator, &path).await.status, 200);
    }
    // The office answers with a TIFF: notified like a text message, and audited.
    let res = message_form(
        &c.app,
        &c.operator,
        &id,
        None,
        "Ecco il modulo compilato.",
        &[("modulo.tif", &tiff)],
    )
    .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let body = res.json();
    assert_eq!(body["messages"][1]["by_office"], true);
    let res = c
        .app
        .get_as(&c.employer, &last_message_file(&body, "image/tiff"))
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.body.as_ref(), tiff.as_slice());
    assert_eq!(res.header("content-type"), Some("image/tiff"));
    let seen = c
        .app
        .items(&c.employer, "/v1/notifications?type=appointment_message")
        .await;
    assert_eq!(seen.len(), 1, "the office's message is notified");
    let events = c.app.audit_events(&c.operator, "").await;
    let written = events
        .iter()
        .filter(|e| e["action"] == "appointment.message")
        .count();
    assert_eq!(written, 2, "{events:?}");
    // The thread lists the files; a text-only JSON message still works.
    let res = act(
        &c,
        &c.employer,
        &id,
        "messages",
        Some(json!({"text": "Grazie."})),
    )
    .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let thread = c
        .app
        .items(&c.employer, &format!("{APPOINTMENTS}/{id}/messages"))
        .await;
    let files: Vec<usize> = thread
        .iter()
        .map(|m| m["attachments"].as_array().map_or(0, Vec::len))
        .collect();
    assert_eq!(files, [3, 1, 0]);
    assert_eq!(messages_stored(&c), (3, 4));
}

#[actix_web::test]
async fn a_message_past_the_file_limits_or_with_a_disguised_file_is_refused_storing_nothing() {
    use inps_tests::fixtures::{MIB3, jpeg, pdf, pdf_of, png, tiff};
    let c = Cassetto::new().await;
    let (point, id) = c.booked().await;
    let (pdf, jpeg, png, tiff) = (pdf(), jpeg(), png(), tiff());
    // A fourth file.
    let res = message_form(
        &c.app,
        &c.employer,
        &id,
        None,
        "Quattro file.",
        &[
            ("a.pdf", &pdf),
            ("b.jpg", &jpeg),
            ("c.png", &png),
            ("d.tif", &tiff),
        ],
    )
    .await;
    assert_eq!(
        res.problem(422)["type"],
        problem_type("too-many-attachments")
    );
    // 3 MiB + 1 byte, in one file or in two.
    let over = pdf_of(MIB3 + 1);
    let res = message_form(
        &c.app,
        &c.employer,
        &id,
        None,
        "Grande.",
        &[("a.pdf", &over)],
    )
    .await;
    assert_eq!(
        res.problem(413)["type"],
        problem_type("attachments-too-large")
    );
    let (first, second) = (pdf_of(2_000_000), pdf_of(MIB3 + 1 - 2_000_000));
    let res = message_form(
        &c.app,
        &c.employer,
        &id,
        None,
        "Due grandi.",
        &[("a.pdf", &first), ("b.pdf", &second)],
    )
    .await;
    assert_eq!(
        res.problem(413)["type"],
        problem_type("attachments-too-large")
    );
    // A text file named like a PDF, after a good one.
    let res = message_form(
        &c.app,
        &c.employer,
        &id,
        None,
        "Travestito.",
        &[
            ("ok.pdf", &pdf),
            ("finto.pdf", b"just some text, not a PDF at all"),
        ],
    )
    .await;
    assert_eq!(
        res.problem(415)["type"],
        problem_type("unsupported-attachment-type")
    );
    assert_eq!(messages_stored(&c), (0, 0));
    // Exactly 3 MiB in three files is accepted.
    let exact = pdf_of(MIB3 - 2_000_000 - pdf.len());
    let res = message_form(
        &c.app,
        &c.employer,
        &id,
        None,
        "Al limite.",
        &[("a.pdf", &first), ("b.pdf", &exact), ("c.pdf", &pdf)],
    )
    .await;
    assert_eq!(res.status, 201, "{}", res.text());
    assert_eq!(messages_stored(&c), (1, 3));
    // Not on a draft, files or not; not for a stranger, who is refused before any file is read.
    let stranger = c.app.login(&other_person()).await;
    let res = message_form(&c.app, &stranger, &id, None, "Ciao.", &[("a.pdf", &pdf)]).await;
    res.problem(404);
    let pending = c.drafted(&c.employer, &point, FIRST_SLOT).await;
    let res = message_form(
        &c.app,
        &c.employer,
        &pending,
        None,
        "Ciao.",
        &[("a.pdf", &pdf)],
    )
    .await;
    res.problem(409);
    assert_eq!(messages_stored(&c), (1, 3));
}

#[actix_web::test]
async fn a_stalled_message_upload_times_out_storing_nothing_while_other_requests_are_served() {
    use actix_web::test::TestRequest;
    use futures_util::{StreamExt as _, stream};
    use inps_tests::fixtures::pdf;
    let c = Cassetto::on(TestApp::with_env(&[("BODY_READ_TIMEOUT_SECONDS", "3")])).await;
    let (_, id) = c.booked().await;
    let (content_type, body) = TestApp::multipart_body(
        &[("text", "Allego la ricevuta.")],
        &[("attachments", "ricevuta.pdf", &pdf())],
    );
    // Headers and part of the body, then nothing more.
    let first = actix_web::web::Bytes::from(body[..body.len() - 40].to_vec());
    let chunks =
        stream::iter([Ok::<_, actix_web::error::PayloadError>(first)]).chain(stream::pending());
    let stalled = c.app.send_with_payload(
        TestRequest::post()
            .uri(&format!("{APPOINTMENTS}/{id}/messages"))
            .insert_header(("Authorization", format!("Bearer {}", c.employer)))
            .insert_header(("Content-Type", content_type))
            .insert_header(("Content-Length", body.len().to_string())),
        actix_web::dev::Payload::Stream {
            payload: Box::pin(chunks),
        },
    );
    let started = std::time::Instant::now();
    let stalled = async {
        let res = stalled.await;
        (res, started.elapsed())
    };
    let other = async {
        let res = c
            .app
            .get_as(&c.employer, &format!("{APPOINTMENTS}/{id}"))
            .await;
        (res, started.elapsed())
    };
    let ((stalled, answered_after), (other, served_after)) = actix_web::rt::time::timeout(
        std::time::Duration::from_secs(30),
        futures_util::future::join(stalled, other),
    )
    .await
    .expect("the stalled upload is answered");
    assert_eq!(other.status, 200, "{}", other.text());
    assert!(
        served_after < answered_after,
        "served while the upload stalls: {served_after:?}, the upload answered after \
         {answered_after:?}"
    );
    assert_eq!(
        stalled.problem(408)["type"],
        problem_type("request-timeout")
    );
    assert!(answered_after >= std::time::Duration::from_secs(3));
    assert_eq!(messages_stored(&c), (0, 0));
}

#[actix_web::test]
async fn message_files_are_404_to_others_and_an_idempotency_key_stays_on_its_path() {
    use inps_tests::fixtures::pdf;
    let c = Cassetto::new().await;
    let (point, id) = c.booked().await;
    let other = c.confirmed(&point, "2026-03-09T08:00:00Z").await;
    let pdf = pdf();
    let res = message_form(
        &c.app,
        &c.employer,
        &id,
        Some("msg-1"),
        "Allego la ricevuta.",
        &[("ricevuta.pdf", &pdf)],
    )
    .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let body = res.json();
    let file = last_message_file(&body, "application/pdf");
    let message = id_of(&body["messages"][0]);
    let attachment = id_of(&body["messages"][0]["attachments"][0]);
    // Replayed on its path: the first answer, nothing new stored.
    let res = message_form(
        &c.app,
        &c.employer,
        &id,
        Some("msg-1"),
        "Allego la ricevuta.",
        &[("ricevuta.pdf", &pdf)],
    )
    .await;
    assert_eq!(res.status, 201, "{}", res.text());
    assert_eq!(res.header("idempotent-replayed"), Some("true"));
    assert_eq!(messages_stored(&c), (1, 1));
    // The same key on another appointment's messages: refused, not replayed, nothing stored.
    let res = message_form(
        &c.app,
        &c.employer,
        &other,
        Some("msg-1"),
        "Allego la ricevuta.",
        &[("ricevuta.pdf", &pdf)],
    )
    .await;
    assert_eq!(res.header("idempotent-replayed"), None);
    assert_eq!(
        res.problem(422)["type"],
        problem_type("idempotency-key-reused")
    );
    assert_eq!(messages_stored(&c), (1, 1));
    // Another person's ids: a stranger, an office operator of another point, the file under
    // another appointment or another message, an unknown file.
    let stranger = c.app.login(&other_person()).await;
    assert_eq!(c.app.get_as(&stranger, &file).await.status, 404);
    let elsewhere = c.app.consultation_point(&c.operator, 2).await;
    let office = other_operator();
    c.app.login(&office).await;
    c.app.grant_role(&office, "operator").await;
    let assign = format!("{POINTS}/{elsewhere}/operators/{}", office.tax_code);
    let res = c.app.call("PUT", &assign, Some(&c.operator), None).await;
    assert_eq!(res.status, 200, "{}", res.text());
    let office_token = c.app.login(&office).await;
    assert_eq!(c.app.get_as(&office_token, &file).await.status, 404);
    let res = act(
        &c,
        &c.employer,
        &other,
        "messages",
        Some(json!({"text": "Un altro messaggio."})),
    )
    .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let other_message = id_of(&res.json()["messages"][0]);
    for path in [
        format!("{APPOINTMENTS}/{other}/messages/{message}/attachments/{attachment}"),
        format!("{APPOINTMENTS}/{id}/messages/{other_message}/attachments/{attachment}"),
        format!(
            "{APPOINTMENTS}/{id}/messages/{message}/attachments/{}",
            uuid::Uuid::new_v4()
        ),
    ] {
        assert_eq!(c.app.get_as(&c.employer, &path).await.status, 404, "{path}");
    }
    assert_eq!(c.app.get_as(&c.employer, &file).await.status, 200);
}

#[actix_web::test]
async fn a_delegate_writes_with_files_until_revoked_and_then_sees_nothing() {
    use inps_tests::fixtures::pdf;
    let c = Cassetto::new().await;
    let (_, id) = c.booked().await;
    let (_, agent_token, delegation) = c.delegate(&["read", "appointments"]).await;
    let pdf = pdf();
    let res = message_form(
        &c.app,
        &agent_token,
        &id,
        None,
        "Per conto del datore di lavoro.",
        &[("delega.pdf", &pdf)],
    )
    .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let file = last_message_file(&res.json(), "application/pdf");
    let res = c.app.get_as(&agent_token, &file).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.body.as_ref(), pdf.as_slice());
    assert_eq!(c.app.get_as(&c.employer, &file).await.status, 200);
    let res = c
        .app
        .delegation_action(&c.employer, &delegation, "revoke", None)
        .await;
    assert_eq!(res.status, 200, "revoke: {}", res.text());
    assert_eq!(c.app.get_as(&agent_token, &file).await.status, 404);
    let res = message_form(
        &c.app,
        &agent_token,
        &id,
        None,
        "Ancora io.",
        &[("delega.pdf", &pdf)],
    )
    .await;
    res.problem(404);
    assert_eq!(messages_stored(&c), (1, 1));
}

#[actix_web::test]
async fn the_appointment_list_answers_each_caller_with_exactly_their_appointments() {
    let c = Cassetto::new().await;
    let (p1, p2) = (
        c.app.consultation_point(&c.operator, 2).await,
        c.app.consultation_point(&c.operator, 2).await,
    );
    let own = c.confirmed(&p1, FIRST_SLOT).await;
    // Booked by an intermediary through a delegation with the appointments scope.
    let (_, agent_token, _) = c.delegate(&["read", "appointments"]).await;
    let managed = c.drafted(&agent_token, &p2, "2026-03-10T07:30:00Z").await;
    assert_eq!(
        c.app
            .confirm_appointment(&agent_token, &managed)
            .await
            .status,
        200
    );
    let agents_draft = c.drafted(&agent_token, &p2, "2026-03-11T07:30:00Z").await;
    let ids = |items: Vec<Value>| items.iter().map(id_of).collect::<Vec<_>>();
    let list = |token: &str, query: &str| {
        let (app, path) = (&c.app, format!("{APPOINTMENTS}{query}"));
        let token = token.to_owned();
        async move { ids(app.items(&token, &path).await) }
    };
    // The employer: their own and those an intermediary manages, unless asked otherwise; never
    // another author's draft.
    assert_eq!(
        list(&c.employer, "").await,
        [managed.as_str(), own.as_str()]
    );
    assert_eq!(
        list(&c.employer, "?include_intermediary_managed=false").await,
        [own.as_str()]
    );
    assert_eq!(
        list(&c.employer, "?state=draft").await,
        Vec::<String>::new()
    );
    // The intermediary: those they manage (and their own draft); with the employment code,
    // the employment's.
    assert_eq!(
        list(&agent_token, "").await,
        [agents_draft.as_str(), managed.as_str()]
    );
    assert_eq!(
        list(&agent_token, "?state=draft").await,
        [agents_draft.as_str()]
    );
    assert_eq!(
        list(
            &agent_token,
            &format!("?employment_code={}&state=confirmed", c.code)
        )
        .await,
        [managed.as_str(), own.as_str()]
    );
    // An office operator assigned to the first point sees its appointments only; a central
    // operator sees every confirmed one.
    let office = other_operator();
    c.app.login(&office).await;
    c.app.grant_role(&office, "operator").await;
    let res = c
        .app
        .call(
            "PUT",
            &format!("{POINTS}/{p1}/operators/{}", office.tax_code),
            Some(&c.operator),
            None,
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let office_token = c.app.login(&office).await;
    assert_eq!(list(&office_token, "").await, [own.as_str()]);
    assert_eq!(
        list(&c.operator, "").await,
        [managed.as_str(), own.as_str()]
    );
    // Someone else: nothing of theirs, and the employment is not theirs to name.
    let outsider = c.app.login(&other_person()).await;
    assert_eq!(list(&outsider, "").await, Vec::<String>::new());
    let res = c
        .app
        .get_as(
            &outsider,
            &format!("{APPOINTMENTS}?employment_code={}", c.code),
        )
        .await;
    assert_eq!(res.status, 404, "{}", res.text());
}

#[actix_web::test]
async fn agenda_creations_retried_with_their_key_happen_once_and_a_key_elsewhere_is_refused() {
    use inps_tests::fixtures::{pdf, png};
    let c = Cassetto::new().await;
    let reused = problem_type("idempotency-key-reused");
    // A consultation point.
    let body = json!({"name": "INPS Milano", "address": "Via Melchiorre Gioia 22"});
    let first = c
        .app
        .post_keyed(&c.operator, POINTS, "point-1", body.clone())
        .await;
    assert_eq!(first.status, 201, "{}", first.text());
    let again = c.app.post_keyed(&c.operator, POINTS, "point-1", body).await;
    assert_eq!(again.status, 201, "{}", again.text());
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(id_of(&again.json()), id_of(&first.json()));
    let point = id_of(&first.json());
    assert_eq!(
        count(&c.app, "SELECT count(*) AS n FROM consultation_points"),
        1
    );
    // A closure; the point's key on the closures path is another request's key.
    let closures = format!("{POINTS}/{point}/closures");
    let closure = json!({"date": "2026-03-12", "reason": "Assemblea del personale"});
    for _ in 0..2 {
        let res = c
            .app
            .post_keyed(&c.operator, &closures, "closure-1", closure.clone())
            .await;
        assert_eq!(res.status, 201, "{}", res.text());
    }
    let res = c
        .app
        .post_keyed(
            &c.operator,
            &closures,
            "point-1",
            json!({"date": "2026-03-13"}),
        )
        .await;
    assert_eq!(res.status, 422, "{}", res.text());
    assert_eq!(res.json()["type"], reused);
    assert_eq!(
        count(
            &c.app,
            "SELECT count(*) AS n FROM consultation_point_closures"
        ),
        1
    );
    let res = c
        .app
        .put_as(
            &c.operator,
            &format!("{POINTS}/{point}/opening-hours"),
            weekdays(2),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    // A draft: once, however often it is sent; the same key with another body is refused.
    let inquiry = c.eligible_inquiry().await;
    let body = draft_body(&c.code, &[&inquiry], &point, FIRST_SLOT);
    let drafts: Vec<_> = join_all((0..4).map(|_| {
        c.app
            .post_keyed(&c.employer, APPOINTMENTS, "draft-1", body.clone())
    }))
    .await;
    assert!(
        drafts.iter().all(|r| r.status == 201),
        "{:?}",
        drafts.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    let id = id_of(&drafts[0].json());
    assert!(drafts.iter().all(|r| id_of(&r.json()) == id));
    let other = draft_body(&c.code, &[&inquiry], &point, "2026-03-10T07:30:00Z");
    let res = c
        .app
        .post_keyed(&c.employer, APPOINTMENTS, "draft-1", other)
        .await;
    assert_eq!(res.status, 422, "{}", res.text());
    assert_eq!(res.json()["type"], reused);
    assert_eq!(count(&c.app, "SELECT count(*) AS n FROM appointments"), 1);
    // Two files: a retry is replayed, not refused for the room its first upload took.
    let (pdf, png) = (pdf(), png());
    let files: [(&str, &str, &[u8]); 2] = [
        ("attachments", "buste-paga.pdf", &pdf),
        ("attachments", "ricevuta.png", &png),
    ];
    let path = format!("{APPOINTMENTS}/{id}/attachments");
    for _ in 0..2 {
        let res = c
            .app
            .post_multipart_keyed(&c.employer, &path, Some("files-1"), &[], &files)
            .await;
        assert_eq!(res.status, 201, "{}", res.text());
        assert_eq!(res.json()["attachments"].as_array().map(Vec::len), Some(2));
    }
    assert_eq!(
        count(
            &c.app,
            "SELECT count(*) AS n FROM attachments WHERE owner_kind = 'appointment'"
        ),
        2
    );
    // Without the key, the same two files are a new upload past the limit of three.
    let res = c.app.post_multipart(&c.employer, &path, &[], &files).await;
    assert_eq!(res.status, 422, "{}", res.text());
    assert_eq!(
        count(
            &c.app,
            "SELECT count(*) AS n FROM attachments WHERE owner_kind = 'appointment'"
        ),
        2
    );
}

/// `POST /appointments/{id}/{action}` by `token` with `If-Match: if_match`.
async fn act_if_match(
    c: &Cassetto,
    token: &str,
    id: &str,
    action: &str,
    body: Value,
    if_match: &str,
) -> inps_tests::TestResponse {
    c.app
        .send(
            actix_web::test::TestRequest::post()
                .uri(&format!("{APPOINTMENTS}/{id}/{action}"))
                .insert_header(("Authorization", format!("Bearer {token}")))
                .insert_header(("If-Match", if_match))
                .set_json(body),
        )
        .await
}

#[actix_web::test]
async fn a_state_change_sent_with_if_match_applies_only_to_the_version_it_names() {
    let c = Cassetto::new().await;
    let (_, id) = c.booked().await;
    let path = format!("{APPOINTMENTS}/{id}");
    // Booked (1), confirmed (2).
    let res = c.app.get_as(&c.employer, &path).await;
    assert_eq!(res.header("etag"), Some("\"v2\""));
    let later = "2026-03-10T07:30:00Z";
    let res = act_if_match(
        &c,
        &c.operator,
        &id,
        "reschedule",
        json!({"slot_start": later}),
        "\"v2\"",
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.header("etag"), Some("\"v3\""));
    // The employer's copy is stale: refused, and nothing changes (state, slot, seats, history).
    let seats = "SELECT coalesce(sum(taken), 0)::bigint AS n FROM slot_seats";
    let history = "SELECT count(*) AS n FROM appointment_history";
    let (seats_before, history_before) = (count(&c.app, seats), count(&c.app, history));
    let res = act_if_match(&c, &c.employer, &id, "cancellation", json!({}), "\"v2\"").await;
    assert_eq!(res.status, 412, "{}", res.text());
    assert_eq!(res.json()["type"], problem_type("precondition-failed"));
    let now = c.app.get_as(&c.employer, &path).await.json();
    assert_eq!(
        (now["state"].as_str(), now["slot_start"].as_str()),
        (Some("confirmed"), Some(later))
    );
    assert_eq!(
        (count(&c.app, seats), count(&c.app, history)),
        (seats_before, history_before)
    );
    // A stranger learns nothing from a precondition: 404 as without one.
    let outsider = c.app.login(&other_person()).await;
    let res = act_if_match(&c, &outsider, &id, "cancellation", json!({}), "\"v2\"").await;
    assert_eq!(res.status, 404, "{}", res.text());
    // A reason breaking its rule is refused as such, whatever the version.
    let long = json!({"reason": "x".repeat(1001)});
    let res = act_if_match(&c, &c.employer, &id, "cancellation", long, "\"v2\"").await;
    assert_eq!(res.status, 422, "{}", res.text());
    // The office's closure with a stale tag is refused too; with the current one the user cancels.
    let res = act_if_match(&c, &c.operator, &id, "closure", json!({}), "\"v1\"").await;
    assert_eq!(res.status, 412, "{}", res.text());
    let res = act_if_match(&c, &c.employer, &id, "cancellation", json!({}), "\"v3\"").await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.header("etag"), Some("\"v4\""));
    assert_eq!(res.json()["state"], "cancelled");
}
