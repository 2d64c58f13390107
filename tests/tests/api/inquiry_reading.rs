//! Reading inquiries: an inquiry and its attachments (with their SHA-256) are the employer's
//! only; an employment's inquiries come in keyset pages, newest first.

use inps_tests::fixtures::{Cassetto, id_of, inquiries_path, item_ids, jpeg, pdf};
use inps_tests::personas::{intermediary, other_person};
use sha2::{Digest, Sha256};

#[actix_web::test]
async fn an_inquiry_and_its_attachments_are_visible_to_the_employer_only() {
    let s = Cassetto::new().await;
    let app = &s.app;
    app.register_intermediary(&intermediary()).await;
    let agent = app.login(&intermediary()).await;
    let stranger = app.login(&other_person()).await;
    let pdf = pdf();
    let jpeg = jpeg();
    let res = app
        .send_inquiry(
            &s.employer,
            &s.code,
            "registry_data",
            "Il mio indirizzo è cambiato.",
            &[("../../etc/documento.pdf", &pdf), ("foto.jpeg", &jpeg)],
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let id = id_of(&res.json());

    let body = app.show_inquiry(&s.employer, &id).await;
    assert_eq!(body["id"], id);
    assert_eq!(body["text"], "Il mio indirizzo è cambiato.");
    let attachments = body["attachments"].as_array().expect("attachments");
    assert_eq!(attachments.len(), 2);
    for (file_name, media_type, bytes) in [
        ("documento.pdf", "application/pdf", &pdf),
        ("foto.jpeg", "image/jpeg", &jpeg),
    ] {
        let meta = attachments
            .iter()
            .find(|a| a["file_name"] == file_name)
            .unwrap_or_else(|| panic!("{file_name} in {attachments:?}"));
        assert_eq!(meta["media_type"], media_type);
        assert_eq!(meta["size_bytes"], bytes.len());
        assert_eq!(meta["sha256"], hex::encode(Sha256::digest(bytes)));
        let download = format!(
            "/v1/inquiries/{id}/attachments/{}",
            meta["id"].as_str().expect("id")
        );
        app.get_as(&stranger, &download).await.problem(404);
        app.get_as(&agent, &download).await.problem(404);
    }

    for token in [&stranger, &agent] {
        app.get_as(token, &format!("/v1/inquiries/{id}"))
            .await
            .problem(404);
        app.get_as(token, &inquiries_path(&s.code))
            .await
            .problem(404);
    }
    app.get_as(
        &s.employer,
        "/v1/inquiries/00000000-0000-4000-8000-000000000000",
    )
    .await
    .problem(404);
}

#[actix_web::test]
async fn inquiries_come_in_keyset_pages_newest_first() {
    let s = Cassetto::new().await;
    let app = &s.app;
    let mut sent_ids = Vec::new();
    for _ in 0..3 {
        sent_ids.push(id_of(&app.sent_inquiry(&s.employer, &s.code, "mav").await));
        app.advance(time::Duration::minutes(1));
    }
    let first = app
        .get_as(&s.employer, &format!("{}?limit=2", inquiries_path(&s.code)))
        .await
        .json();
    assert_eq!(item_ids(&first), [sent_ids[2].clone(), sent_ids[1].clone()]);
    let cursor = first["next_cursor"].as_str().expect("a next page");
    let second = app
        .get_as(
            &s.employer,
            &format!("{}?limit=2&cursor={cursor}", inquiries_path(&s.code)),
        )
        .await
        .json();
    assert_eq!(item_ids(&second), [sent_ids[0].clone()]);
    assert!(second["next_cursor"].is_null());
    let bad = app
        .get_as(
            &s.employer,
            &format!("{}?cursor=bm9wZQ", inquiries_path(&s.code)),
        )
        .await;
    assert_eq!(bad.problem(422)["errors"][0]["field"], "cursor");
}
