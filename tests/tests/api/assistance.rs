//! Assistance: manuals per profile, the FAQ's full-text search, a help page per problem type,
//! support tickets with the estimated time to be taken in charge.

use inps_api::problems::Problem;
use inps_tests::fixtures::{count, delegation_terms, domestic, id_of, pdf, png, problem_type};
use inps_tests::personas::{employer, intermediary, intermediary2, other_person};
use inps_tests::{TestApp, TestResponse};
use serde_json::{Value, json};

const MANUALS: &str = "/v1/help/manuals";
const TICKETS: &str = "/v1/support-tickets";

fn profiles(list: &TestResponse) -> Vec<String> {
    assert_eq!(list.status, 200, "{}", list.text());
    let mut found: Vec<String> = list.json()["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|m| m["profile"].as_str().expect("profile").to_owned())
        .collect();
    found.sort();
    found
}

async fn manual_of(app: &TestApp, profile: &str) -> Value {
    let operator = app.login_operator().await;
    let list = app
        .get_as(&operator, &format!("{MANUALS}?profile={profile}"))
        .await;
    list.json()["items"][0].clone()
}

async fn publish(app: &TestApp, token: &str, profile: &str, file: (&str, &[u8])) -> TestResponse {
    app.post_multipart(
        token,
        MANUALS,
        &[
            ("profile", profile),
            ("service", "domestic_work"),
            ("title", "Manuale"),
        ],
        &[("document", file.0, file.1)],
    )
    .await
}

#[actix_web::test]
async fn manuals_are_visible_only_for_the_profiles_the_caller_holds() {
    let app = TestApp::new();
    // Anonymous: the public manual only.
    assert_eq!(profiles(&app.get(MANUALS).await), vec!["public"]);
    // An employer: the public one and the employer's.
    let boss = app.login(&employer()).await;
    app.grant_role(&employer(), "employer").await;
    assert_eq!(
        profiles(&app.get_as(&boss, MANUALS).await),
        vec!["employer", "public"]
    );
    // Asking for a profile not held lists nothing.
    assert!(
        profiles(
            &app.get_as(&boss, &format!("{MANUALS}?profile=operator"))
                .await
        )
        .is_empty()
    );
    // The operator sees every profile, a first manual for each on a fresh database.
    let operator = app.login_operator().await;
    assert_eq!(
        profiles(&app.get_as(&operator, MANUALS).await),
        vec![
            "client",
            "employer",
            "intermediary",
            "operator",
            "public",
            "worker"
        ]
    );
    // Downloading another profile's manual is 404, as for an unknown one.
    let operators_manual = manual_of(&app, "operator").await;
    let url = operators_manual["content_url"].as_str().expect("url");
    assert_eq!(app.get_as(&boss, url).await.status, 404);
    assert_eq!(app.get(url).await.status, 404);
    let html = operators_manual["html_url"].as_str().expect("html");
    assert_eq!(app.get_as(&boss, html).await.status, 404);
    assert_eq!(app.get_as(&operator, url).await.status, 200);
    // The employer's own downloads; a stale token is 401, not a quiet anonymous answer.
    let own = manual_of(&app, "employer").await;
    let res = app
        .get_as(&boss, own["content_url"].as_str().expect("url"))
        .await;
    assert_eq!(res.status, 200);
    assert_eq!(
        res.header("content-type"),
        Some("text/markdown; charset=utf-8")
    );
    assert!(res.text().contains("cassetto"));
    assert_eq!(app.get_as("not-a-session", MANUALS).await.status, 401);
}

#[actix_web::test]
async fn a_download_equals_the_upload_byte_for_byte() {
    let app = TestApp::new();
    let operator = app.login_operator().await;
    let mut document = pdf();
    document.extend((0..=255u8).cycle().take(5000));
    let res = publish(&app, &operator, "employer", ("guida è.pdf", &document)).await;
    assert_eq!(res.status, 201, "{}", res.text());
    let manual = res.json();
    assert_eq!(manual["format"], "pdf");
    assert_eq!(manual["version"], 2, "the seeded manual is version 1");
    assert_eq!(manual["html_url"], Value::Null);
    let download = app
        .get_as(&operator, manual["content_url"].as_str().expect("url"))
        .await;
    assert_eq!(download.status, 200);
    assert_eq!(download.body.as_ref(), document.as_slice());
    assert_eq!(download.header("content-type"), Some("application/pdf"));
    let disposition = download.header("content-disposition").expect("disposition");
    assert!(disposition.starts_with("attachment"), "{disposition}");
    assert!(
        disposition.contains("filename=\"guida _.pdf\""),
        "{disposition}"
    );
    assert!(
        disposition.contains("UTF-8''guida%20%C3%A8.pdf"),
        "{disposition}"
    );
    // The listing shows the newest version; the employer reads it.
    let boss = app.login(&employer()).await;
    app.grant_role(&employer(), "employer").await;
    let listed = app
        .get_as(
            &boss,
            &format!("{MANUALS}?profile=employer&service=domestic_work"),
        )
        .await
        .json();
    assert_eq!(listed["items"][0]["id"], manual["id"]);
    // Neither PDF nor Markdown: 415; not an operator: 403.
    let res = publish(&app, &operator, "employer", ("a.md", &png())).await;
    assert_eq!(
        res.problem(415)["type"],
        Problem::UnsupportedManualFormat.spec().type_uri()
    );
    let res = publish(&app, &operator, "employer", ("a.md", b"bin\0ary")).await;
    assert_eq!(res.status, 415);
    assert_eq!(
        publish(&app, &boss, "employer", ("a.pdf", &pdf()))
            .await
            .status,
        403
    );
}

#[actix_web::test]
async fn markdown_with_a_script_tag_is_served_sanitized() {
    let app = TestApp::new();
    let operator = app.login_operator().await;
    let markdown = "# Guida\n\n<script>alert('x')</script>\n\n[link](javascript:alert(1))\n\n<img src=x onerror=alert(1)>\n\nTesto **importante**.\n";
    let res = publish(&app, &operator, "public", ("guida.md", markdown.as_bytes())).await;
    assert_eq!(res.status, 201, "{}", res.text());
    let manual = res.json();
    assert_eq!(manual["format"], "markdown");
    let page = app.get(manual["html_url"].as_str().expect("html")).await;
    assert_eq!(page.status, 200);
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    let html = page.text();
    assert!(html.contains("<h1>Guida</h1>"), "{html}");
    assert!(html.contains("<strong>importante</strong>"), "{html}");
    for bad in ["<script", "alert('x')", "javascript:", "onerror"] {
        assert!(!html.contains(bad), "{bad} survived: {html}");
    }
    // The download is still the document as written.
    let raw = app.get(manual["content_url"].as_str().expect("url")).await;
    assert_eq!(raw.text(), markdown);
}

#[actix_web::test]
async fn faq_search_finds_an_entry_by_an_inflected_italian_word() {
    let app = TestApp::new();
    // The seeded entry says "appuntamenti"; the query says "appuntamento".
    let res = app.get("/v1/help/faq?q=appuntamento").await;
    assert_eq!(res.status, 200, "{}", res.text());
    let items = res.json()["items"].as_array().expect("items").clone();
    assert!(!items.is_empty());
    assert_eq!(items[0]["topic"], "appointments");
    assert!(items[0]["rank"].as_f64().expect("rank") > 0.0);
    assert!(
        items[0]["snippet_it"]
            .as_str()
            .expect("snippet")
            .contains("**appuntamenti**"),
        "{}",
        items[0]
    );
    // An operator writes an entry; its inflected words are found at once, in both languages.
    let operator = app.login_operator().await;
    let entry = json!({
        "service": "domestic_work", "topic": "payments",
        "question_it": "Cosa succede ai versamenti tardivi?",
        "answer_it": "I versamenti effettuati dopo la scadenza sono accettati con le sanzioni civili.",
        "question_en": "What happens to late payments?",
        "answer_en": "Payments made after the deadline are accepted with civil penalties."
    });
    let res = app.post_as(&operator, "/v1/help/faq", entry.clone()).await;
    assert_eq!(res.status, 201, "{}", res.text());
    let id = id_of(&res.json());
    for q in ["versamento%20tardivo", "payment", "scadenze"] {
        let found = app.get(&format!("/v1/help/faq?q={q}")).await.json();
        let ids: Vec<&str> = found["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter_map(|i| i["id"].as_str())
            .collect();
        assert!(ids.contains(&id.as_str()), "{q}: {found}");
    }
    // Words it does not contain do not find it; the topic filter narrows.
    let none = app.get("/v1/help/faq?q=badante%20convivente").await.json();
    assert!(
        none["items"]
            .as_array()
            .expect("items")
            .iter()
            .all(|i| i["id"] != id.as_str())
    );
    let topic = app.get("/v1/help/faq?topic=payments").await.json();
    assert_eq!(topic["items"].as_array().expect("items").len(), 1);
    // Replaced by an operator (If-Match), never by anyone else.
    let changed = json!({"answer_it": "Sono accettati con sanzioni e interessi."});
    let mut body = entry.clone();
    body["answer_it"] = changed["answer_it"].clone();
    let res = app
        .put_as(&operator, &format!("/v1/help/faq/{id}"), body.clone())
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["version"], 2);
    let boss = app.login(&employer()).await;
    assert_eq!(
        app.put_as(&boss, &format!("/v1/help/faq/{id}"), body)
            .await
            .status,
        403
    );
    assert_eq!(app.post_as(&boss, "/v1/help/faq", entry).await.status, 403);
    let found = app.get("/v1/help/faq?q=interessi").await.json();
    assert_eq!(found["items"][0]["id"], id.as_str());
}

#[actix_web::test]
async fn every_slug_of_the_problem_registry_has_a_help_page() {
    let app = TestApp::new();
    for problem in Problem::ALL {
        let spec = problem.spec();
        let res = app.get(&format!("/v1/help/problems/{}", spec.slug)).await;
        assert_eq!(res.status, 200, "{}: {}", spec.slug, res.text());
        let page = res.json();
        assert_eq!(page["type"], spec.type_uri());
        assert_eq!(page["status"], spec.status);
        assert_eq!(page["title_it"], spec.title_it);
        assert_eq!(page["explanation_en"], spec.explanation_en);
        // The type URI's path resolves to the page.
        let res = app.get(&format!("/problems/{}", spec.slug)).await;
        assert_eq!(res.status, 308);
        assert_eq!(
            res.header("location"),
            Some(format!("/v1/help/problems/{}", spec.slug).as_str())
        );
    }
    assert_eq!(app.get("/v1/help/problems/no-such-rule").await.status, 404);
    assert_eq!(app.get("/problems/no-such-rule").await.status, 404);
}

/// Opens a ticket of `category` a minute after the previous one.
async fn open(app: &TestApp, token: &str, category: &str) -> Value {
    app.advance(time::Duration::minutes(1));
    let res = app
        .post_multipart(
            token,
            TICKETS,
            &[
                ("service", "domestic_work"),
                ("category", category),
                ("subject", "Versamento non visibile"),
                ("text", "Ho pagato il trimestre ma risulta da pagare."),
                (
                    "related_resource",
                    "/v1/employments/1000000016/contributions",
                ),
            ],
            &[],
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    res.json()
}

fn queue(ticket: &Value) -> (i64, i64) {
    (
        ticket["estimate"]["queue_ahead"].as_i64().expect("queue"),
        ticket["estimate"]["working_minutes"]
            .as_i64()
            .expect("minutes"),
    )
}

#[actix_web::test]
async fn the_estimated_handling_time_moves_with_the_queue() {
    let app = TestApp::new();
    let boss = app.login(&employer()).await;
    let other = app.login(&other_person()).await;
    let first = open(&app, &boss, "access").await;
    assert_eq!(queue(&first), (0, 240), "4 working hours with no queue");
    assert_eq!(first["state"], "open");
    for _ in 0..4 {
        open(&app, &other, "access").await;
    }
    let sixth = open(&app, &other, "access").await;
    assert_eq!(
        queue(&sixth),
        (5, 480),
        "five ahead: twice the service level"
    );
    // Another category has its own queue.
    assert_eq!(queue(&open(&app, &other, "other").await), (0, 1440));
    // The desk takes the first two: the sixth moves up.
    let operator = app.login_operator().await;
    let taken = app
        .call(
            "POST",
            &format!("{TICKETS}/{}/assignment", id_of(&first)),
            Some(&operator),
            None,
        )
        .await;
    assert_eq!(taken.status, 200, "{}", taken.text());
    assert_eq!(taken.json()["estimate"], Value::Null);
    let queue_now = app
        .items(&operator, &format!("{TICKETS}?state=open&limit=200"))
        .await;
    let second = queue_now
        .iter()
        .rfind(|t| t["category"] == "access")
        .expect("the oldest open");
    let closed = app
        .call(
            "POST",
            &format!("{TICKETS}/{}/closure", id_of(second)),
            Some(&operator),
            None,
        )
        .await;
    assert_eq!(closed.status, 200);
    let now = app
        .get_as(&other, &format!("{TICKETS}/{}", id_of(&sixth)))
        .await
        .json();
    assert_eq!(queue(&now), (3, 384));
}

#[actix_web::test]
async fn another_persons_ticket_answers_404_and_a_delegate_follows_the_thread() {
    let app = TestApp::new();
    let boss = app.login(&employer()).await;
    app.grant_role(&employer(), "employer").await;
    let res = app
        .post_multipart(
            &boss,
            TICKETS,
            &[
                ("service", "domestic_work"),
                ("category", "contributions"),
                ("subject", "Ricevuta"),
                ("text", "Allego la ricevuta."),
            ],
            &[("attachments", "ricevuta.pdf", &pdf())],
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let ticket = res.json();
    let id = id_of(&ticket);
    let path = format!("{TICKETS}/{id}");
    let file = format!("{path}/attachments/{}", id_of(&ticket["attachments"][0]));
    assert_eq!(
        app.get_as(&boss, &file).await.body.as_ref(),
        pdf().as_slice()
    );

    // A stranger: 404 everywhere, nothing in their list.
    let stranger = app.login(&other_person()).await;
    assert_eq!(app.get_as(&stranger, &path).await.status, 404);
    assert_eq!(app.get_as(&stranger, &file).await.status, 404);
    let message = json!({"text": "Posso vedere?"});
    let res = app
        .post_as(&stranger, &format!("{path}/messages"), message.clone())
        .await;
    assert_eq!(res.status, 404);
    assert!(app.items(&stranger, TICKETS).await.is_empty());
    let theirs = format!("{TICKETS}?requester={}", employer().tax_code);
    assert_eq!(app.get_as(&stranger, &theirs).await.status, 404);

    // The employer's domestic-work delegate follows and writes; an occasional-work one does not.
    app.register_intermediary(&intermediary()).await;
    let agent = app.login(&intermediary()).await;
    app.active_delegation(&boss, &agent, domestic(&intermediary()))
        .await;
    assert_eq!(app.get_as(&agent, &path).await.status, 200);
    // ... and finds it in the list of the person they act for.
    let listed = app.items(&agent, &theirs).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(id_of(&listed[0]), id);
    let res = app
        .post_as(&agent, &format!("{path}/messages"), message.clone())
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    app.grant_role(&employer(), "client").await;
    app.register_intermediary(&intermediary2()).await;
    let other_agent = app.login(&intermediary2()).await;
    let terms = delegation_terms(
        &intermediary2().tax_code,
        "occasional_work",
        &["read", "services"],
        "2026-03-02",
        "2027-03-01",
    );
    app.active_delegation(&boss, &other_agent, terms).await;
    assert_eq!(app.get_as(&other_agent, &path).await.status, 404);
    // An occasional-work delegate lists only occasional-work tickets: none here.
    assert!(app.items(&other_agent, &theirs).await.is_empty());

    // The office answers, takes and closes; each is notified to the requester.
    let operator = app.login_operator().await;
    app.advance(time::Duration::minutes(5));
    let answer = json!({"text": "Il versamento è stato abbinato."});
    let res = app
        .post_as(&operator, &format!("{path}/messages"), answer)
        .await;
    assert_eq!(res.status, 201);
    let thread = res.json()["messages"].clone();
    assert_eq!(thread.as_array().expect("thread").len(), 2);
    assert_eq!(thread[1]["by_office"], true);
    for action in ["assignment", "closure"] {
        let res = app
            .call("POST", &format!("{path}/{action}"), Some(&operator), None)
            .await;
        assert_eq!(res.status, 200, "{action}: {}", res.text());
    }
    assert_eq!(app.get_as(&boss, &path).await.json()["state"], "closed");
    for event in [
        "support_ticket_answered",
        "support_ticket_taken",
        "support_ticket_closed",
    ] {
        let inbox = app
            .items(&boss, &format!("/v1/notifications?type={event}"))
            .await;
        assert_eq!(inbox.len(), 1, "{event}");
    }
    // Closed for good; taken once.
    let res = app
        .post_as(&boss, &format!("{path}/messages"), message)
        .await;
    assert_eq!(res.status, 409);
    let res = app
        .call("POST", &format!("{path}/assignment"), Some(&operator), None)
        .await;
    assert_eq!(res.status, 409);
    let res = app
        .call("POST", &format!("{path}/closure"), Some(&boss), None)
        .await;
    assert_eq!(res.status, 403);
}

#[actix_web::test]
async fn concurrent_takings_of_a_ticket_take_it_once() {
    let app = TestApp::new();
    let boss = app.login(&employer()).await;
    let operator = app.login_operator().await;
    for round in 0..5 {
        let id = id_of(&open(&app, &boss, "technical").await);
        let path = format!("{TICKETS}/{id}/assignment");
        let responses = futures_util::future::join_all(
            (0..8).map(|_| app.call("POST", &path, Some(&operator), None)),
        )
        .await;
        let statuses: Vec<u16> = responses.iter().map(|r| r.status.as_u16()).collect();
        assert_eq!(
            statuses.iter().filter(|s| **s == 200).count(),
            1,
            "round {round}: {statuses:?}"
        );
        assert!(
            statuses.iter().all(|s| matches!(s, 200 | 409)),
            "{statuses:?}"
        );
    }
    let taken = app
        .items(&boss, "/v1/notifications?type=support_ticket_taken")
        .await;
    assert_eq!(taken.len(), 5, "one notification per ticket taken");
}

#[actix_web::test]
async fn a_message_retried_with_its_key_is_written_once() {
    let app = TestApp::new();
    let boss = app.login(&employer()).await;
    app.grant_role(&employer(), "employer").await;
    let res = app
        .post_multipart(
            &boss,
            TICKETS,
            &[
                ("service", "domestic_work"),
                ("category", "contributions"),
                ("subject", "Ricevuta"),
                ("text", "Una domanda."),
            ],
            &[],
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let path = format!("{TICKETS}/{}/messages", id_of(&res.json()));
    let written = "SELECT count(*) AS n FROM support_ticket_messages";
    let before = count(&app, written);
    let message = json!({"text": "Aggiungo un dettaglio."});
    let sent: Vec<_> = futures_util::future::join_all(
        (0..3).map(|_| app.post_keyed(&boss, &path, "message-1", message.clone())),
    )
    .await;
    assert!(
        sent.iter().all(|r| r.status == 201),
        "{:?}",
        sent.iter().map(|r| r.text()).collect::<Vec<_>>()
    );
    let thread = sent[0].json()["messages"].clone();
    assert!(sent.iter().all(|r| r.json()["messages"] == thread));
    let res = app
        .post_keyed(&boss, &path, "message-1", json!({"text": "Un altro."}))
        .await;
    assert_eq!(
        res.problem(422)["type"],
        problem_type("idempotency-key-reused")
    );
    assert_eq!(count(&app, written), before + 1);
}
