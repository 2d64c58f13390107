//! Occasional work: the client's wallet is funded by payment notices that the back office
//! settles; Libretto Famiglia funds come in multiples of 10 EUR.

use inps_tests::TestApp;
use inps_tests::fixtures::{business_body, eur, problem_type};
use inps_tests::personas::{employer, other_person};
use serde_json::json;

#[actix_web::test]
async fn a_settled_funding_credits_the_wallet_once() {
    let app = TestApp::new();
    let me = employer();
    let token = app.login(&me).await;
    let client = app.person_client(&token, &me).await;
    let wallet = format!("/v1/clients/{client}/wallet");
    let empty = app.get_as(&token, &wallet).await.json();
    assert_eq!(empty["available"], eur("0.00"));

    let id = app.funding(&token, &client, "200.00").await;
    let funding = app.get_as(&token, &wallet).await.json();
    assert_eq!(funding["paid_in"], eur("0.00"), "pending: nothing credited");

    let settle = format!("/v1/fundings/{id}/settlement");
    let res = app.call("POST", &settle, Some(&token), None).await;
    assert_eq!(res.problem(403)["type"], problem_type("forbidden"));
    let operator = app.login_operator().await;
    let res = app.call("POST", &settle, Some(&operator), None).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["status"], "settled");
    let res = app.call("POST", &settle, Some(&operator), None).await;
    assert_eq!(res.problem(409)["type"], problem_type("state-conflict"));

    let credited = app.get_as(&token, &wallet).await.json();
    assert_eq!(
        credited,
        json!({"paid_in": eur("200.00"), "committed": eur("0.00"), "available": eur("200.00")})
    );
    let stranger = app.login(&other_person()).await;
    assert_eq!(app.get_as(&stranger, &wallet).await.status, 404);
}

#[actix_web::test]
async fn libretto_famiglia_funds_come_in_multiples_of_ten_euro() {
    let app = TestApp::new();
    let me = employer();
    let token = app.login(&me).await;
    let person = app.person_client(&token, &me).await;
    for amount in ["15.00", "0.00", "10.01"] {
        let path = format!("/v1/clients/{person}/fundings");
        let res = app
            .post_as(&token, &path, json!({"amount": eur(amount)}))
            .await;
        assert_eq!(res.problem(422)["errors"][0]["field"], "amount", "{amount}");
    }
    app.funding(&token, &person, "30.00").await;
    // PrestO takes any amount.
    let business = app
        .record_client(
            &token,
            business_body("12345678903", &me.tax_code, "56.10.11", "2"),
        )
        .await
        .json();
    app.funding(&token, business["id"].as_str().unwrap(), "15.55")
        .await;
}
