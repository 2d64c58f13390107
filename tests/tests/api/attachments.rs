//! Attachments: recognised from their bytes (415 otherwise), at most 3 and 3 MiB in total
//! (413, from `Content-Length` before reading), every refusal storing nothing; listed in the
//! order they were sent, under the name the client chose.

use actix_web::test::TestRequest;
use inps_tests::TestApp;
use inps_tests::fixtures::{
    Cassetto, MIB3, file_names, inquiries_path, inquiries_stored, jpeg, pdf, pdf_of, png,
    problem_type, tiff,
};

#[actix_web::test]
async fn a_file_whose_bytes_are_not_pdf_is_refused_whatever_its_name_and_nothing_is_stored() {
    let s = Cassetto::new().await;
    let app = &s.app;
    let res = app
        .send_inquiry(
            &s.employer,
            &s.code,
            "mav",
            "Domanda",
            &[
                ("ok.pdf", &pdf()),
                ("x.pdf", b"just some text, not a PDF at all"),
            ],
        )
        .await;
    let problem = res.problem(415);
    assert_eq!(problem["type"], problem_type("unsupported-attachment-type"));
    assert_eq!(inquiries_stored(app), (0, 0));
}

#[actix_web::test]
async fn attachments_over_3_mib_in_total_are_refused_and_exactly_3_mib_is_accepted() {
    let s = Cassetto::new().await;
    let app = &s.app;
    let first = pdf_of(2_000_000);
    let over = pdf_of(MIB3 + 1 - 2_000_000);
    let res = app
        .send_inquiry(
            &s.employer,
            &s.code,
            "mav",
            "Domanda",
            &[("a.pdf", &first), ("b.pdf", &over)],
        )
        .await;
    let problem = res.problem(413);
    assert_eq!(problem["type"], problem_type("attachments-too-large"));
    assert_eq!(inquiries_stored(app), (0, 0));

    let exact = pdf_of(MIB3 - 2_000_000);
    let res = app
        .send_inquiry(
            &s.employer,
            &s.code,
            "mav",
            "Domanda",
            &[("a.pdf", &first), ("b.pdf", &exact)],
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let sizes: i64 = res.json()["attachments"]
        .as_array()
        .expect("attachments")
        .iter()
        .map(|a| a["size_bytes"].as_i64().expect("size"))
        .sum();
    assert_eq!(sizes, 3_145_728);
    assert_eq!(inquiries_stored(app), (1, 2));
}

#[actix_web::test]
async fn a_fourth_attachment_is_refused_and_nothing_is_stored() {
    let s = Cassetto::new().await;
    let app = &s.app;
    let (a, b, c, d) = (pdf(), png(), jpeg(), tiff());
    let res = app
        .send_inquiry(
            &s.employer,
            &s.code,
            "mav",
            "Domanda",
            &[("a.pdf", &a), ("b.png", &b), ("c.jpg", &c), ("d.tif", &d)],
        )
        .await;
    let problem = res.problem(422);
    assert_eq!(problem["type"], problem_type("too-many-attachments"));
    assert_eq!(inquiries_stored(app), (0, 0));
}

#[actix_web::test]
async fn a_declared_content_length_over_the_limit_is_refused_before_the_body_is_read() {
    let s = Cassetto::new().await;
    let app = &s.app;
    // A small, valid form that announces 3 MiB + 64 KiB + 1 byte.
    let (content_type, body) =
        TestApp::multipart_body(&[("topic", "mav"), ("text", "Domanda")], &[]);
    let res = app
        .send(
            TestRequest::post()
                .uri(&inquiries_path(&s.code))
                .insert_header(("Authorization", format!("Bearer {}", s.employer)))
                .insert_header(("Content-Type", content_type.clone()))
                .set_payload(body.clone())
                .insert_header(("Content-Length", (MIB3 + 64 * 1024 + 1).to_string())),
        )
        .await;
    assert_eq!(
        res.problem(413)["type"],
        problem_type("attachments-too-large")
    );
    assert_eq!(inquiries_stored(app), (0, 0));

    // A single 4 MiB file is refused too.
    let big = pdf_of(4 * 1024 * 1024);
    let res = app
        .send_inquiry(&s.employer, &s.code, "mav", "Domanda", &[("big.pdf", &big)])
        .await;
    res.problem(413);
    assert_eq!(inquiries_stored(app), (0, 0));

    // The same small form with its true length is accepted.
    let res = app
        .send(
            TestRequest::post()
                .uri(&inquiries_path(&s.code))
                .insert_header(("Authorization", format!("Bearer {}", s.employer)))
                .insert_header(("Content-Type", content_type))
                .set_payload(body),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
}

#[actix_web::test]
async fn files_sent_in_one_request_are_listed_in_the_order_they_were_sent() {
    let s = Cassetto::new().await;
    let app = &s.app;
    // One request, one `created_at`; neither the names nor the media types are in upload order.
    let sent = ["c-zeta.png", "a-alfa.pdf", "b-beta.jpg"];
    let (png, pdf, jpeg) = (png(), pdf(), jpeg());
    let res = app
        .send_inquiry(
            &s.employer,
            &s.code,
            "mav",
            "Domanda",
            &[(sent[0], &png), (sent[1], &pdf), (sent[2], &jpeg)],
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let created = res.json();
    assert_eq!(file_names(&created["attachments"]), sent);
    let id = inps_tests::fixtures::id_of(&created);
    assert_eq!(
        file_names(&app.show_inquiry(&s.employer, &id).await["attachments"]),
        sent
    );
    let listed = app.items(&s.employer, &inquiries_path(&s.code)).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(file_names(&listed[0]["attachments"]), sent);
}

#[actix_web::test]
async fn a_file_name_with_quotes_is_stored_as_chosen_and_one_with_a_line_break_is_refused() {
    let s = Cassetto::new().await;
    let app = &s.app;
    let pdf = pdf();
    // The helper writes `"` as `%22` in the part header, as browsers do (RFC 7578).
    let name = "verbale \"firmato\" è.pdf";
    let res = app
        .send_inquiry(&s.employer, &s.code, "mav", "Domanda", &[(name, &pdf)])
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let created = res.json();
    assert_eq!(file_names(&created["attachments"]), [name]);
    let id = inps_tests::fixtures::id_of(&created);
    assert_eq!(
        file_names(&app.show_inquiry(&s.employer, &id).await["attachments"]),
        [name]
    );
    // The download names it exactly in `filename*`, and in `filename` without the quotes.
    let file = inps_tests::fixtures::id_of(&created["attachments"][0]);
    let res = app
        .get_as(
            &s.employer,
            &format!("/v1/inquiries/{id}/attachments/{file}"),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(
        res.header("content-disposition"),
        Some(
            "attachment; filename=\"verbale _firmato_ _.pdf\"; \
             filename*=UTF-8''verbale%20%22firmato%22%20%C3%A8.pdf"
        )
    );
    // CR and LF (`%0D`, `%0A` on the wire) cannot smuggle a header: refused, nothing stored.
    let res = app
        .send_inquiry(
            &s.employer,
            &s.code,
            "mav",
            "Domanda",
            &[("a.pdf\r\nContent-Type: text/html", &pdf)],
        )
        .await;
    let problem = res.problem(422);
    assert_eq!(problem["errors"][0]["field"], "attachments", "{problem}");
    assert_eq!(inquiries_stored(app), (1, 1));
}
