//! Guards derived from the contract, so an operation added later is covered without touching
//! this file: every operation behind `bearer` refuses a missing, a forged and a logged-out token
//! with 401; every operation on someone's data refuses an unrelated person (404, or 403 where
//! the contract says "Operators only" / "Not an operator") and never answers them 2xx, also when
//! the path mixes the caller's own data with someone else's. Path parameters are filled from
//! real, seeded data by their name (`parameter`); one these tests cannot fill fails them, with
//! the place to teach it. Each test collects every offence and prints them as one table.

use inps_domain::employment::EmploymentCode;
use inps_tests::fixtures::{
    FIRST_SLOT, count, delegation_terms, domestic, draft_body, execute, id_of, libretto_service,
    pdf, rows,
};
use inps_tests::operations::{
    Offence, Operation, PathParam, UnknownParam, assert_no_offences, operations, status_and_type,
};
use inps_tests::personas::{employer, intermediary, intermediary2, other_person, with_check_char};
use inps_tests::{Persona, TestApp, TestResponse};
use serde_json::{Value, json};

/// Operations on someone's data that any authenticated person may use by design:
/// `(method, contract path, why)`.
const OPEN_TO_ANY_SESSION: &[(&str, &str, &str)] = &[(
    "get",
    "/intermediaries/{tax_code}",
    "the register of qualified intermediaries: anyone checks a delegate before delegating",
)];

/// The data path parameters point at: plausible values nobody has, or someone's real data.
struct Data {
    employer_tax_code: String,
    intermediary_tax_code: String,
    employment_code: String,
    inquiry_id: String,
    attachment_id: String,
    delegation_id: String,
    notification_id: String,
    webhook_subscription_id: String,
    webhook_delivery_id: String,
    ticket_id: String,
    ticket_attachment_id: String,
    client_id: String,
    funding_id: String,
    service_id: String,
    dispute_id: String,
    recurring_service_id: String,
    consultation_point_id: String,
    appointment_id: String,
    appointment_attachment_id: String,
    message_id: String,
    message_attachment_id: String,
    payment_id: String,
    payment_run_id: String,
}

impl Data {
    /// Well-formed values (a valid tax code, an employment code with its Luhn digit, uuids).
    fn plausible() -> Self {
        Self {
            employer_tax_code: employer().tax_code,
            intermediary_tax_code: intermediary().tax_code,
            employment_code: EmploymentCode::from_sequence(123_456_789)
                .expect("code")
                .as_str()
                .to_owned(),
            inquiry_id: uuid::Uuid::new_v4().to_string(),
            attachment_id: uuid::Uuid::new_v4().to_string(),
            delegation_id: uuid::Uuid::new_v4().to_string(),
            notification_id: uuid::Uuid::new_v4().to_string(),
            webhook_subscription_id: uuid::Uuid::new_v4().to_string(),
            webhook_delivery_id: uuid::Uuid::new_v4().to_string(),
            ticket_id: uuid::Uuid::new_v4().to_string(),
            ticket_attachment_id: uuid::Uuid::new_v4().to_string(),
            client_id: uuid::Uuid::new_v4().to_string(),
            funding_id: uuid::Uuid::new_v4().to_string(),
            service_id: uuid::Uuid::new_v4().to_string(),
            dispute_id: uuid::Uuid::new_v4().to_string(),
            recurring_service_id: uuid::Uuid::new_v4().to_string(),
            consultation_point_id: uuid::Uuid::new_v4().to_string(),
            appointment_id: uuid::Uuid::new_v4().to_string(),
            appointment_attachment_id: uuid::Uuid::new_v4().to_string(),
            message_id: uuid::Uuid::new_v4().to_string(),
            message_attachment_id: uuid::Uuid::new_v4().to_string(),
            payment_id: uuid::Uuid::new_v4().to_string(),
            payment_run_id: uuid::Uuid::new_v4().to_string(),
        }
    }
}

/// **Teach new path parameters here**: the value of parameter `name` after the path segment
/// `collection`, taken from `data`, and whether it names someone's data.
fn parameter(collection: &str, name: &str, data: &Data) -> Option<PathParam> {
    let subject = |value: &str| PathParam {
        value: value.to_owned(),
        subject: true,
    };
    let reference = |value: &str| PathParam {
        value: value.to_owned(),
        subject: false,
    };
    Some(match (collection, name) {
        ("intermediaries", "tax_code") => subject(&data.intermediary_tax_code),
        (_, "tax_code") => subject(&data.employer_tax_code),
        (_, "employment_code") => subject(&data.employment_code),
        ("inquiries", "id") => subject(&data.inquiry_id),
        ("delegations", "id") => subject(&data.delegation_id),
        ("notifications", "id") => subject(&data.notification_id),
        ("webhook-subscriptions", "id") => subject(&data.webhook_subscription_id),
        ("deliveries", "delivery_id") => subject(&data.webhook_delivery_id),
        ("clients", "id") => subject(&data.client_id),
        ("fundings", "id") => subject(&data.funding_id),
        ("services", "id") => subject(&data.service_id),
        ("disputes", "id") => subject(&data.dispute_id),
        ("recurring-services", "id") => subject(&data.recurring_service_id),
        ("attachments", "attachment_id") => subject(&data.attachment_id),
        ("support-tickets", "id") => subject(&data.ticket_id),
        ("attachments", "ticket_attachment_id") => subject(&data.ticket_attachment_id),
        // A point is no one's data: anyone lists its slots, operators manage it.
        ("consultation-points", "id") => reference(&data.consultation_point_id),
        ("appointments", "id") => subject(&data.appointment_id),
        ("attachments", "appointment_attachment_id") => subject(&data.appointment_attachment_id),
        ("messages", "message_id") => subject(&data.message_id),
        ("attachments", "message_attachment_id") => subject(&data.message_attachment_id),
        ("payments", "id") => subject(&data.payment_id),
        // A run is no one's data: operators only.
        ("payment-runs", "id") => reference(&data.payment_run_id),
        ("inquiry-topics", "code") => reference("mav"),
        // The seeded public manual and FAQ entry (migration 2026-11-30-000700_assistance).
        ("manuals", "id") => reference("6f1c2a40-0001-4000-8000-000000000001"),
        ("faq", "id") => reference("7a2d3b50-0001-4000-8000-000000000001"),
        ("problems", "slug") => reference("not-found"),
        ("roles", "role") => reference("employer"),
        _ => return None,
    })
}

/// The offence of a path parameter nobody taught these tests.
fn untaught(operation: &Operation, unknown: &UnknownParam) -> Offence {
    Offence::of(
        operation,
        "-",
        "a known path parameter",
        format!(
            "the guard tests cannot fill the path parameter `{}` (after `/{}`): teach \
             `parameter` in tests/tests/api/guards.rs a plausible value and someone's real \
             data for it",
            unknown.name, unknown.collection
        ),
    )
}

/// The operation's path filled from `data`, and the number of parameters naming a subject.
fn fill(operation: &Operation, data: &Data) -> Result<(String, usize), UnknownParam> {
    operation.fill_path(|collection, name| parameter(collection, name, data))
}

/// The answer an unrelated caller must get from `operation`, and why.
fn expected_for_a_stranger(operation: &Operation) -> (u16, &'static str) {
    let open = OPEN_TO_ANY_SESSION
        .iter()
        .find(|(method, path, _)| *method == operation.method && *path == operation.path);
    match open {
        Some((_, _, why)) => (200, why),
        None if operation.operators_only() => (403, "operators only"),
        None => (404, "someone else's data"),
    }
}

/// Whether `res` is `expected` (errors as problem+json).
fn is(res: &TestResponse, expected: u16) -> bool {
    res.status == expected
        && (res.status.is_success()
            || res.header("content-type") == Some("application/problem+json"))
}

/// Why `res` is not a proper 401 (problem+json, `WWW-Authenticate: Bearer`), if it is not.
fn not_a_401(res: &TestResponse) -> Option<String> {
    if !is(res, 401) {
        return Some(status_and_type(res));
    }
    if res.header("www-authenticate") != Some("Bearer") {
        return Some(format!(
            "401 with WWW-Authenticate {:?}",
            res.header("www-authenticate")
        ));
    }
    None
}

#[test]
fn the_guards_can_fill_every_path_parameter_of_the_contract() {
    let data = Data::plausible();
    let ops = operations();
    let offences: Vec<Offence> = ops
        .iter()
        .filter_map(|o| fill(o, &data).err().map(|unknown| untaught(o, &unknown)))
        .collect();
    assert_no_offences("path parameters", &offences);
    for (method, path, why) in OPEN_TO_ANY_SESSION {
        assert!(
            ops.iter().any(|o| o.method == *method && o.path == *path),
            "{method} {path} is listed as open to any session ({why}) but is not in the contract"
        );
    }
}

#[actix_web::test]
async fn every_bearer_operation_refuses_a_missing_a_forged_and_a_logged_out_token_with_401() {
    let app = TestApp::new();
    let logged_out = app.login(&other_person()).await;
    let res = app
        .call("DELETE", "/v1/sessions/current", Some(&logged_out), None)
        .await;
    assert_eq!(res.status, 204, "log out: {}", res.text());
    let forged = format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    );
    let tokens = [
        ("no token", None),
        ("a forged token", Some(forged.as_str())),
        ("a logged-out token", Some(logged_out.as_str())),
    ];

    let data = Data::plausible();
    let mut offences = Vec::new();
    let mut checked = 0;
    for operation in operations().iter().filter(|o| o.needs_bearer()) {
        let uri = match fill(operation, &data) {
            Ok((uri, _)) => uri,
            Err(unknown) => {
                offences.push(untaught(operation, &unknown));
                continue;
            }
        };
        for (who, token) in tokens {
            let res = app.send(operation.request(&uri, token)).await;
            if let Some(got) = not_a_401(&res) {
                offences.push(Offence::of(operation, who, "401 Bearer", got));
            }
            checked += 1;
        }
    }
    assert_no_offences(
        "operations behind bearer without a valid session",
        &offences,
    );
    assert!(checked >= 3, "no bearer operation in the contract");
}

/// `owner`'s cassetto on `app`: an employment recorded by the operator, an inquiry with a PDF,
/// and an active domestic-work delegation to `delegate` (registered here).
async fn cassetto_of(app: &TestApp, owner: &Persona, delegate: &Persona) -> Data {
    let employment_code = app.employment_for(owner).await;
    // The owner is also an occasional worker and a Libretto Famiglia client, and delegates
    // occasional work (see `strangers`), which needs one of these roles.
    let token = app.worker(owner).await;
    let client_id = app.person_client(&token, owner).await;
    let funding_id = app.funding(&token, &client_id, "100.00").await;
    app.fund(&token, &client_id, "100.00").await;
    let service = libretto_service(&client_id, &owner.tax_code, "2026-03-03", 120);
    let res = app.post_as(&token, "/v1/services", service).await;
    assert_eq!(res.status, 201, "record service: {}", res.text());
    let service_id = id_of(&res.json()["service"]);
    // The owner, as the worker, disputes it.
    let path = format!("/v1/services/{service_id}/disputes");
    let res = app
        .post_as(
            &token,
            &path,
            json!({"reason": "other", "text": "Da chiarire."}),
        )
        .await;
    assert_eq!(res.status, 201, "open dispute: {}", res.text());
    let dispute_id = id_of(&res.json());
    // A weekly rule of the owner's client, the owner working on Fridays.
    let path = format!("/v1/clients/{client_id}/recurring-services");
    let rule = json!({
        "worker_tax_code": owner.tax_code, "weekdays": ["friday"], "start_time": "09:00",
        "duration_minutes": 120, "activity": "small_domestic_jobs",
        "first_date": "2026-03-06", "last_date": "2026-03-20",
    });
    let res = app.post_as(&token, &path, rule).await;
    assert_eq!(res.status, 201, "recurring rule: {}", res.text());
    let recurring_service_id = id_of(&res.json());
    app.register_intermediary(delegate).await;
    let agent = app.login(delegate).await;
    // A webhook subscription (loopback: the sandbox allows it) that the acceptance below
    // queues a delivery to.
    let res = app
        .post_as(
            &token,
            "/v1/webhook-subscriptions",
            json!({"url": "http://127.0.0.1:9/hook", "event_types": ["delegation_accepted"]}),
        )
        .await;
    assert_eq!(res.status, 201, "subscribe: {}", res.text());
    let webhook_subscription_id = id_of(&res.json());
    let delegation_id = app
        .active_delegation(&token, &agent, domestic(delegate))
        .await;
    let webhook_deliveries = app
        .items(
            &token,
            &format!("/v1/webhook-subscriptions/{webhook_subscription_id}/deliveries"),
        )
        .await;
    let pdf = pdf();
    let res = app
        .send_inquiry(
            &token,
            &employment_code,
            "mav",
            "Il MAV non è arrivato.",
            &[("ricevuta.pdf", &pdf)],
        )
        .await;
    assert_eq!(res.status, 201, "send inquiry: {}", res.text());
    let inquiry = res.json();
    // The owner's notification of the accepted delegation.
    let notifications = app
        .items(&token, "/v1/notifications?type=delegation_accepted")
        .await;
    let fields = [
        ("service", "domestic_work"),
        ("category", "contributions"),
        ("subject", "Versamento non visibile"),
        ("text", "Il versamento non compare."),
    ];
    let files: [(&str, &str, &[u8]); 1] = [("attachments", "ricevuta.pdf", &pdf)];
    let res = app
        .post_multipart(&token, "/v1/support-tickets", &fields, &files)
        .await;
    assert_eq!(res.status, 201, "open ticket: {}", res.text());
    let ticket = res.json();
    let (consultation_point_id, appointment_id, appointment_attachment_id) =
        confirmed_appointment(app, &token, &employment_code).await;
    let (message_id, message_attachment_id) = message_with_file(app, &token, &appointment_id).await;
    // A credited INPS payment to the owner (a run needs a month that is over; the row is what
    // matters to the guards).
    let (payment_run_id, payment_id) = (uuid::Uuid::new_v4(), uuid::Uuid::new_v4());
    execute(
        app,
        &format!(
            "INSERT INTO occasional_payment_runs VALUES \
               ('{payment_run_id}', '2026-02-01', now(), NULL, 1, 0, 800); \
             INSERT INTO occasional_payments (id, run_id, worker_tax_code, month, status, \
               payment_method, iban, amount_cents, fee_cents, credited_cents, created_at, \
               credited_at) VALUES ('{payment_id}', '{payment_run_id}', '{}', '2026-02-01', \
               'credited', 'iban_transfer', 'IT60X0542811101000000123456', 800, 175, 625, \
               now(), now());",
            owner.tax_code
        ),
    );
    Data {
        employer_tax_code: owner.tax_code.clone(),
        intermediary_tax_code: delegate.tax_code.clone(),
        employment_code,
        inquiry_id: id_of(&inquiry),
        attachment_id: id_of(&inquiry["attachments"][0]),
        delegation_id,
        notification_id: id_of(&notifications[0]),
        webhook_subscription_id,
        webhook_delivery_id: id_of(&webhook_deliveries[0]),
        ticket_id: id_of(&ticket),
        ticket_attachment_id: id_of(&ticket["attachments"][0]),
        client_id,
        funding_id,
        service_id,
        dispute_id,
        recurring_service_id,
        consultation_point_id,
        appointment_id,
        appointment_attachment_id,
        message_id,
        message_attachment_id,
        payment_id: payment_id.to_string(),
        payment_run_id: payment_run_id.to_string(),
    }
}

/// A message with a PDF by the owner of `token` about `appointment`: `(message, attachment)`.
async fn message_with_file(app: &TestApp, token: &str, appointment: &str) -> (String, String) {
    let files: [(&str, &str, &[u8]); 1] = [("attachments", "ricevuta.pdf", &pdf())];
    let path = format!("/v1/appointments/{appointment}/messages");
    let res = app
        .post_multipart(token, &path, &[("text", "Allego la ricevuta.")], &files)
        .await;
    assert_eq!(res.status, 201, "message: {}", res.text());
    let message = &res.json()["messages"][0];
    (id_of(message), id_of(&message["attachments"][0]))
}

/// A consultation point open on weekdays and a confirmed appointment of the owner of `token`
/// there, about a quesito of `employment_code` answered negatively, with a PDF attached while
/// it was a draft: `(point, appointment, attachment)`.
async fn confirmed_appointment(
    app: &TestApp,
    token: &str,
    employment_code: &str,
) -> (String, String, String) {
    let operator = app.login_operator().await;
    let point = app.consultation_point(&operator, 5).await;
    let inquiry = id_of(&app.sent_inquiry(token, employment_code, "mav").await);
    let res = app.answer_inquiry(&operator, &inquiry, "negative").await;
    assert_eq!(res.status, 200, "answer: {}", res.text());
    let body = draft_body(employment_code, &[&inquiry], &point, FIRST_SLOT);
    let appointment = app.draft_appointment(token, body).await;
    let files: [(&str, &str, &[u8]); 1] = [("attachments", "buste-paga.pdf", &pdf())];
    let path = format!("/v1/appointments/{appointment}/attachments");
    let res = app.post_multipart(token, &path, &[], &files).await;
    assert_eq!(res.status, 201, "attach: {}", res.text());
    let attachment = id_of(&res.json()["attachments"][0]);
    let res = app.confirm_appointment(token, &appointment).await;
    assert_eq!(res.status, 200, "confirm: {}", res.text());
    (point, appointment, attachment)
}

/// What a stranger's writes must leave as it was.
async fn state_of(app: &TestApp, owner: &str, data: &Data) -> Value {
    json!({
        "delegation": app.delegation_status(owner, &data.delegation_id).await,
        "inquiry": app.show_inquiry(owner, &data.inquiry_id).await["state"],
        "roles": app.get_as(owner, "/v1/me").await.json()["roles"],
        "topics": app.get_as(owner, "/v1/inquiry-topics").await.json()["items"],
        "notifications": app.get_as(owner, "/v1/notifications").await.json()["items"],
        "rows": [
            rows(app, "employments"),
            rows(app, "contribution_payments"),
            rows(app, "inquiries"),
            rows(app, "attachments"),
            rows(app, "delegations"),
            rows(app, "intermediaries"),
            rows(app, "support_tickets"),
            rows(app, "support_ticket_messages"),
            rows(app, "faq_entries"),
            rows(app, "manuals"),
            rows(app, "occasional_workers"),
            rows(app, "occasional_clients"),
            count(app, "SELECT count(*) AS n FROM occasional_fundings WHERE status = 'settled'"),
            count(app, "SELECT count(*) AS n FROM occasional_services WHERE status = 'revoked'"),
            rows(app, "consultation_points"),
            rows(app, "consultation_point_closures"),
            rows(app, "consultation_point_operators"),
            rows(app, "appointments"),
            rows(app, "appointment_history"),
            rows(app, "appointment_messages"),
        ],
    })
}

/// The stranger holding an occasional-work delegation from the owner (see [`strangers`]).
const OCCASIONAL_AGENT: &str = "an occasional-work delegate";

/// Paths of occasional-work data, which the owner's occasional-work delegate may legitimately
/// reach (its own tests prove what it may and may not do there).
const OCCASIONAL_WORK_PATHS: &[&str] = &[
    "/workers/",
    "/clients/",
    "/fundings/",
    "/services/",
    "/disputes/",
    "/payments/",
    "/recurring-services/",
];

/// Whether `who` is delegated by the owner for the service `operation` belongs to.
fn delegated_for(operation: &Operation, who: &str) -> bool {
    who == OCCASIONAL_AGENT
        && OCCASIONAL_WORK_PATHS
            .iter()
            .any(|prefix| operation.path.starts_with(prefix))
}

/// People unrelated to the employer's data, as `(who, token)`: a person with no role, a
/// registered intermediary with no delegation, one the employer delegated for occasional work
/// only, and one whose domestic-work delegation is still pending.
async fn strangers(app: &TestApp, owner: &str) -> Vec<(&'static str, String)> {
    let occasional_agent = Persona {
        tax_code: with_check_char("GLLMRC70A01H501"),
        given_name: "Marco",
        family_name: "Galli",
    };
    let pending_agent = Persona {
        tax_code: with_check_char("FRRSRA75B41F205"),
        given_name: "Sara",
        family_name: "Ferri",
    };
    for agent in [&intermediary2(), &occasional_agent, &pending_agent] {
        app.register_intermediary(agent).await;
    }
    let occasional_token = app.login(&occasional_agent).await;
    let terms = delegation_terms(
        &occasional_agent.tax_code,
        "occasional_work",
        &["read", "services", "payments"],
        "2026-03-02",
        "2027-03-01",
    );
    app.active_delegation(owner, &occasional_token, terms).await;
    app.create_delegation(owner, domestic(&pending_agent)).await;
    vec![
        ("a person with no role", app.login(&other_person()).await),
        (
            "an intermediary not delegated",
            app.login(&intermediary2()).await,
        ),
        (OCCASIONAL_AGENT, occasional_token),
        (
            "a pending domestic-work delegate",
            app.login(&pending_agent).await,
        ),
    ]
}

#[actix_web::test]
async fn every_operation_on_someone_elses_data_refuses_an_unrelated_person() {
    let app = TestApp::new();
    let data = cassetto_of(&app, &employer(), &intermediary()).await;
    let operator = app.login_operator().await;
    let owner = app.login(&employer()).await;
    let strangers = strangers(&app, &owner).await;
    let before = state_of(&app, &owner, &data).await;

    let mut offences = Vec::new();
    let mut checked = 0;
    for operation in operations().iter().filter(|o| o.has_path_parameters()) {
        let (uri, subjects) = match fill(operation, &data) {
            Ok(filled) => filled,
            Err(unknown) => {
                offences.push(untaught(operation, &unknown));
                continue;
            }
        };
        let operators_only = operation.operators_only();
        if subjects == 0 && !operators_only {
            continue;
        }
        // The path points at real data: whoever may read it does (the owner, or an operator).
        if operation.method == "get" {
            let (who, token) = if operators_only {
                ("the operator (control)", &operator)
            } else {
                ("the owner (control)", &owner)
            };
            let res = app.send(operation.request(&uri, Some(token))).await;
            if res.status != 200 {
                offences.push(Offence::of(operation, who, "200", status_and_type(&res)));
            }
        }
        let (expected, why) = expected_for_a_stranger(operation);
        for (who, token) in strangers
            .iter()
            .filter(|(who, _)| !delegated_for(operation, who))
        {
            let res = app.send(operation.request(&uri, Some(token))).await;
            if !is(&res, expected) {
                let expected = format!("{expected} ({why})");
                offences.push(Offence::of(
                    operation,
                    who,
                    &expected,
                    status_and_type(&res),
                ));
            }
            checked += 1;
        }
    }
    assert_no_offences(
        "operations on someone else's data, asked by an unrelated person",
        &offences,
    );
    assert!(
        checked >= 4,
        "no operation on someone's data in the contract"
    );
    let owner = app.login(&employer()).await;
    assert_eq!(
        state_of(&app, &owner, &data).await,
        before,
        "the strangers' requests changed someone else's data"
    );
}

#[actix_web::test]
async fn a_path_mixing_the_callers_own_data_with_someone_elses_is_refused() {
    let app = TestApp::new();
    let victim = cassetto_of(&app, &employer(), &intermediary()).await;
    let own = cassetto_of(&app, &other_person(), &intermediary2()).await;
    let caller = app.login(&other_person()).await;

    let mut offences = Vec::new();
    let mut checked = 0;
    for operation in operations().iter().filter(|o| o.has_path_parameters()) {
        let (own_uri, subjects) = match fill(operation, &own) {
            Ok(filled) => filled,
            Err(unknown) => {
                offences.push(untaught(operation, &unknown));
                continue;
            }
        };
        if subjects < 2 {
            continue;
        }
        // The caller's own path answers: the refusals below are about the foreign part.
        if operation.method == "get" {
            let res = app.send(operation.request(&own_uri, Some(&caller))).await;
            if res.status != 200 {
                let who = "the caller, own data (control)";
                offences.push(Offence::of(operation, who, "200", status_and_type(&res)));
            }
        }
        // Each subject parameter in turn is someone else's; the others are the caller's own.
        for foreign in 0..subjects {
            let mut seen = 0;
            let (uri, _) = operation
                .fill_path(|collection, name| {
                    let data = if seen == foreign { &victim } else { &own };
                    let param = parameter(collection, name, data)?;
                    seen += usize::from(param.subject);
                    Some(param)
                })
                .expect("filled above");
            let (expected, why) = expected_for_a_stranger(operation);
            let res = app.send(operation.request(&uri, Some(&caller))).await;
            if !is(&res, expected) {
                offences.push(Offence::of(
                    operation,
                    &format!("the caller; subject {foreign} foreign"),
                    &format!("{expected} ({why})"),
                    status_and_type(&res),
                ));
            }
            checked += 1;
        }
    }
    assert_no_offences(
        "paths mixing the caller's own data with someone else's",
        &offences,
    );
    assert!(checked >= 2, "no operation with two subjects in its path");
}
