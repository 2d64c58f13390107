//! Sending an inquiry: a multipart form with attachments that read back byte for byte, a
//! protocol number, the malformed forms refused with nothing stored, and an intermediary
//! sending under a delegation with the inquiries scope (named in the accountability log).

use inps_tests::fixtures::{
    Cassetto, id_of, inquiries_path, inquiries_stored, jpeg, pdf, png, tiff,
};
use inps_tests::personas::{employer, intermediary, other_person};
use serde_json::{Value, json};

#[actix_web::test]
async fn the_employer_sends_an_inquiry_with_attachments_that_read_back_byte_for_byte() {
    let s = Cassetto::new().await;
    let app = &s.app;
    let (pdf, png, jpeg, tiff) = (pdf(), png(), jpeg(), tiff());
    let res = app
        .send_inquiry(
            &s.employer,
            &s.code,
            "contributions",
            "  Ho versato il primo trimestre ma non risulta.  ",
            &[
                ("ricevuta.pdf", &pdf),
                ("scansione.png", &png),
                ("foto.jpg", &jpeg),
            ],
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let body = res.json();
    let id = id_of(&body);
    assert_eq!(
        res.header("location"),
        Some(format!("/v1/inquiries/{id}").as_str())
    );
    let protocol = body["protocol_number"].as_str().expect("protocol");
    let sequence = protocol
        .strip_prefix("INPS.DL.2026.")
        .unwrap_or_else(|| panic!("{protocol}"));
    assert!(
        sequence.len() == 7 && sequence.bytes().all(|b| b.is_ascii_digit()),
        "{protocol}"
    );
    assert_eq!(body["employment_code"], s.code);
    assert_eq!(body["topic"], "contributions");
    assert_eq!(
        body["text"],
        "Ho versato il primo trimestre ma non risulta."
    );
    assert_eq!(body["sent_by"], employer().tax_code);
    assert_eq!(body["sent_at"], "2026-03-02T09:00:00Z");
    assert_eq!(body["state"], "awaiting_answer");
    assert_eq!(body["answer_deadline"], "2026-04-01");
    assert_eq!(body["outcome"], Value::Null);
    assert_eq!(body["eligible_for_appointment"], false);
    assert_eq!(body["eligibility_reason"], "awaiting_answer");

    let attachments = body["attachments"].as_array().expect("attachments").clone();
    assert_eq!(attachments.len(), 3);
    let expected = [
        ("ricevuta.pdf", "application/pdf", &pdf),
        ("scansione.png", "image/png", &png),
        ("foto.jpg", "image/jpeg", &jpeg),
    ];
    for (file_name, media_type, bytes) in expected {
        let meta = attachments
            .iter()
            .find(|a| a["file_name"] == file_name)
            .unwrap_or_else(|| panic!("{file_name} in {attachments:?}"));
        assert_eq!(meta["media_type"], media_type);
        assert_eq!(meta["size_bytes"], bytes.len());
        let res = app
            .get_as(
                &s.employer,
                &format!(
                    "/v1/inquiries/{id}/attachments/{}",
                    meta["id"].as_str().expect("id")
                ),
            )
            .await;
        assert_eq!(res.status, 200, "{}", res.text());
        assert_eq!(res.header("content-type"), Some(media_type));
        assert_eq!(res.body.as_ref(), bytes.as_slice(), "{file_name}");
    }
    assert_eq!(inquiries_stored(app), (1, 3));

    // A second inquiry (with a TIFF) gets another protocol number.
    let res = app
        .send_inquiry(
            &s.employer,
            &s.code,
            "mav",
            "Il MAV non è stampabile.",
            &[("mav.tif", &tiff)],
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let second = res.json();
    assert!(
        second["protocol_number"]
            .as_str()
            .is_some_and(|p| p.starts_with("INPS.DL.2026.") && p != protocol),
        "{second}"
    );
    let meta = &second["attachments"][0];
    assert_eq!(meta["media_type"], "image/tiff");
    let res = app
        .get_as(
            &s.employer,
            &format!(
                "/v1/inquiries/{}/attachments/{}",
                id_of(&second),
                meta["id"].as_str().expect("id")
            ),
        )
        .await;
    assert_eq!(res.status, 200);
    assert_eq!(res.header("content-type"), Some("image/tiff"));
    assert_eq!(res.body.as_ref(), tiff.as_slice());
    // An attachment is reachable only under its own inquiry.
    app.get_as(
        &s.employer,
        &format!(
            "/v1/inquiries/{id}/attachments/{}",
            meta["id"].as_str().expect("id")
        ),
    )
    .await
    .problem(404);
    assert_eq!(inquiries_stored(app), (2, 4));
}

#[actix_web::test]
async fn malformed_inquiries_are_refused_and_nothing_is_stored() {
    let s = Cassetto::new().await;
    let app = &s.app;
    let path = inquiries_path(&s.code);

    // JSON instead of a multipart form.
    let res = app
        .post_as(
            &s.employer,
            &path,
            json!({"topic": "mav", "text": "Domanda"}),
        )
        .await;
    res.problem(415);

    let res = app
        .send_inquiry(&s.employer, &s.code, "pensions", "Domanda", &[])
        .await;
    assert_eq!(res.problem(422)["errors"][0]["field"], "topic");

    for empty in ["", "   \n  "] {
        let res = app
            .send_inquiry(&s.employer, &s.code, "mav", empty, &[])
            .await;
        assert_eq!(res.problem(422)["errors"][0]["field"], "text", "{empty:?}");
    }
    let long = "a".repeat(4001);
    let res = app
        .send_inquiry(&s.employer, &s.code, "mav", &long, &[])
        .await;
    assert_eq!(res.problem(422)["errors"][0]["field"], "text");

    // Operators answer inquiries; they do not send them.
    let res = app
        .send_inquiry(&s.operator, &s.code, "mav", "Domanda", &[])
        .await;
    res.problem(403);

    assert_eq!(inquiries_stored(app), (0, 0));
    // A well-formed one passes, so the refusals above were about their defects.
    app.sent_inquiry(&s.employer, &s.code, "mav").await;
    assert_eq!(inquiries_stored(app), (1, 0));
}

#[actix_web::test]
async fn an_intermediary_sends_only_under_a_delegation_with_the_inquiries_scope_and_the_log_names_it()
 {
    let s = Cassetto::new().await;
    let app = &s.app;
    app.register_intermediary(&intermediary()).await;
    let agent = app.login(&intermediary()).await;
    let stranger = app.login(&other_person()).await;

    let res = app
        .send_inquiry(&agent, &s.code, "mav", "Domanda", &[])
        .await;
    res.problem(404);
    let res = app
        .send_inquiry(&stranger, &s.code, "mav", "Domanda", &[])
        .await;
    res.problem(404);

    app.delegate_domestic_work(&s.employer, &agent, &["read"])
        .await;
    // The delegate sees the employment but may not send: 403 naming the missing scope.
    let res = app
        .send_inquiry(&agent, &s.code, "mav", "Domanda", &[])
        .await;
    let problem = res.problem(403);
    assert_eq!(
        problem["type"],
        "https://inps.example/problems/scope-not-granted"
    );
    assert_eq!(problem["missing_scope"], "inquiries");
    assert_eq!(inquiries_stored(app), (0, 0));

    // A delegation with the inquiries scope replaces the first.
    let delegation = app
        .delegate_domestic_work(&s.employer, &agent, &["inquiries"])
        .await;
    let png = png();
    let res = app
        .send_inquiry(
            &agent,
            &s.code,
            "mav",
            "Domanda per conto del datore di lavoro.",
            &[("mav.png", &png)],
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let inquiry = res.json();
    assert_eq!(inquiry["sent_by"], intermediary().tax_code);
    assert_eq!(inquiries_stored(app), (1, 1));

    let events = app
        .audit_events(
            &s.operator,
            &format!("&actor_tax_code={}", intermediary().tax_code),
        )
        .await;
    // The creation (and the delegated access that led to it) carry the delegation.
    let created: Vec<&Value> = events
        .iter()
        .filter(|e| e["action"] == "inquiry.create" && e["outcome"] == "success")
        .collect();
    assert_eq!(created.len(), 1, "{events:?}");
    // The two refused attempts (before any delegation, and without the scope) are on record.
    let refused = events
        .iter()
        .filter(|e| e["action"] == "inquiry.create" && e["outcome"] == "denied")
        .count();
    assert_eq!(refused, 2, "{events:?}");
    for event in &created {
        assert_eq!(event["delegation_id"], delegation, "{event}");
        assert_eq!(event["subject_tax_code"], employer().tax_code);
    }
    let resource = format!("/v1/inquiries/{}", id_of(&inquiry));
    assert_eq!(
        created.iter().filter(|e| e["resource"] == resource).count(),
        1,
        "{created:?}"
    );

    // The employer's own inquiry carries no delegation.
    let own = app.sent_inquiry(&s.employer, &s.code, "notices").await;
    let events = app
        .audit_events(
            &s.operator,
            &format!("&actor_tax_code={}", employer().tax_code),
        )
        .await;
    let event = events
        .iter()
        .find(|e| e["action"] == "inquiry.create")
        .unwrap_or_else(|| panic!("{events:?}"));
    assert_eq!(event["resource"], format!("/v1/inquiries/{}", id_of(&own)));
    assert_eq!(event["delegation_id"], Value::Null);
}

#[actix_web::test]
async fn a_topic_with_a_nul_byte_is_an_unknown_topic_not_a_server_error() {
    let c = inps_tests::fixtures::Cassetto::new().await;
    let res = c
        .app
        .send_inquiry(&c.employer, &c.code, "ma\0v", "Il MAV non è arrivato.", &[])
        .await;
    assert_eq!(res.status, 422, "{}", res.text());
    assert_eq!(res.json()["errors"][0]["field"], "topic");
}
