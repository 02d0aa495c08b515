use serde_json::json;

use crate::helpers::{assert_problem, error_fields, TestApp};

#[tokio::test]
async fn malformed_json_is_a_400_problem() {
    let app = TestApp::spawn().await;
    let response = app
        .client
        .post(app.url("/api/v1/auth/register"))
        .header("content-type", "application/json")
        .body("{\"email\": ")
        .send()
        .await
        .unwrap();
    assert_problem(response, 400).await;
}

#[tokio::test]
async fn a_wrong_type_is_a_422_naming_the_field() {
    let app = TestApp::spawn().await;
    let response = app
        .post(
            "/api/v1/auth/register",
            None,
            &json!({"email": "a@b.fr", "password": 1234567890123i64, "display_name": "A"}),
        )
        .await;
    let problem = assert_problem(response, 422).await;
    assert_eq!(error_fields(&problem), vec!["password"]);
    assert_eq!(problem["errors"][0]["code"], "invalid_type");

    let response = app
        .post("/api/v1/auth/register", None, &json!({"email": "a@b.fr"}))
        .await;
    let problem = assert_problem(response, 422).await;
    assert_eq!(problem["errors"][0]["code"], "required");
}

#[tokio::test]
async fn a_body_over_one_mebibyte_is_a_413_problem() {
    let app = TestApp::spawn().await;
    let huge = "x".repeat(1024 * 1024 + 10);
    let response = app
        .post(
            "/api/v1/auth/register",
            None,
            &json!({"email": "a@b.fr", "password": huge, "display_name": "A"}),
        )
        .await;
    assert_problem(response, 413).await;
}

#[tokio::test]
async fn a_body_that_is_not_json_is_a_415_problem() {
    let app = TestApp::spawn().await;
    let response = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .header("content-type", "text/plain")
        .body("email=a@b.fr")
        .send()
        .await
        .unwrap();
    assert_problem(response, 415).await;
}

#[tokio::test]
async fn unknown_api_routes_and_methods_are_problems() {
    let app = TestApp::spawn().await;
    assert_problem(app.get("/api/v1/nothing-here", None).await, 404).await;
    assert_problem(app.get("/api/v2/poles", None).await, 404).await;
    assert_problem(
        app.client
            .delete(app.url("/api/v1/poles"))
            .send()
            .await
            .unwrap(),
        405,
    )
    .await;
    // A path parameter of the wrong type is simply not found.
    assert_problem(app.get("/api/v1/enterprises/not-a-number", None).await, 404).await;
}

#[tokio::test]
async fn garbage_never_produces_a_500() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let bodies = [
        json!(null),
        json!([]),
        json!("string"),
        json!({"slug": null}),
        json!({"slug": {"a": 1}, "name": [], "commune": 5, "departements": "26"}),
        json!({"slug": "ok-slug", "name": "Nom", "commune": "26281", "departements": ["26"], "extra": true}),
        json!({"slug": "ok-slug", "name": "\u{0000}", "commune": "\u{FFFF}", "departements": ["\u{1F600}"]}),
    ];
    for body in bodies {
        for path in [
            "/api/v1/poles",
            "/api/v1/enterprises",
            "/api/v1/auth/register",
            "/api/v1/auth/login",
        ] {
            let response = app.post(path, Some(&admin), &body).await;
            let status = response.status().as_u16();
            assert!((400..500).contains(&status), "{path} {body} gave {status}");
        }
    }
}
