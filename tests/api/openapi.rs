use serde_json::Value;

use crate::helpers::TestApp;

#[tokio::test]
async fn the_openapi_document_lists_every_endpoint_with_its_errors() {
    let app = TestApp::spawn().await;
    let response = app.get("/api/v1/openapi.json", None).await;
    assert_eq!(response.status(), 200);
    let doc: Value = response.json().await.unwrap();
    let paths = doc["paths"].as_object().unwrap();
    let expected = [
        ("/api/v1/auth/register", "post"),
        ("/api/v1/auth/login", "post"),
        ("/api/v1/auth/logout", "post"),
        ("/api/v1/auth/password-reset", "post"),
        ("/api/v1/auth/password-reset/confirm", "post"),
        ("/api/v1/admin/outbox/dead", "get"),
        ("/api/v1/admin/outbox/{id}/retry", "post"),
        ("/api/v1/me", "get"),
        ("/api/v1/me", "patch"),
        ("/api/v1/poles", "get"),
        ("/api/v1/poles", "post"),
        ("/api/v1/poles/{slug}", "get"),
        ("/api/v1/poles/{slug}/coordinators", "post"),
        (
            "/api/v1/poles/{slug}/members/{enterprise_id}/approve",
            "post",
        ),
        ("/api/v1/enterprises", "post"),
        ("/api/v1/enterprises/{id}", "get"),
        ("/api/v1/enterprises/{id}", "patch"),
        ("/api/v1/enterprises/{id}/memberships", "post"),
        ("/api/v1/listings", "get"),
        ("/api/v1/listings", "post"),
        ("/api/v1/listings/{id}", "get"),
        ("/api/v1/listings/{id}", "patch"),
        ("/api/v1/listings/{id}/publish", "post"),
        ("/api/v1/listings/{id}/close", "post"),
        ("/api/v1/listings/{id}/matches", "get"),
        ("/api/v1/listings/{id}/proposals", "get"),
        ("/api/v1/listings/{id}/proposals", "post"),
        ("/api/v1/matches", "get"),
        ("/api/v1/matches/{id}/accept", "post"),
        ("/api/v1/matches/{id}/decline", "post"),
        ("/api/v1/proposals/{id}/accept", "post"),
        ("/api/v1/proposals/{id}/decline", "post"),
        ("/api/v1/exchanges", "get"),
        ("/api/v1/exchanges", "post"),
        ("/api/v1/exchanges/{id}", "get"),
        ("/api/v1/exchanges/{id}/transition", "post"),
        ("/api/v1/exchanges/{id}/impact", "put"),
        ("/api/v1/exchanges/{id}/transactions", "get"),
        ("/api/v1/exchanges/{id}/transactions", "post"),
        ("/api/v1/transactions/{id}/reverse", "post"),
        ("/api/v1/reports/flows", "get"),
        ("/api/v1/reports/poles/{slug}", "get"),
        ("/api/v1/reports/transactions.csv", "get"),
        ("/api/v1/reference/communes", "get"),
        ("/api/v1/reference/naf", "get"),
        ("/api/v1/reference/departements", "get"),
        ("/api/v1/reference/regions", "get"),
        ("/unsubscribe", "get"),
        ("/unsubscribe", "post"),
        ("/health/live", "get"),
        ("/health/ready", "get"),
        ("/metrics", "get"),
    ];
    for (path, method) in expected {
        let operation = &paths.get(path).unwrap_or_else(|| panic!("{path} missing"))[method];
        assert!(operation.is_object(), "{method} {path} missing");
        if path.starts_with("/api/") && method != "get" {
            let responses = operation["responses"].as_object().unwrap();
            assert!(
                responses.keys().any(|code| code.starts_with('4')),
                "{method} {path} documents no error response"
            );
        }
    }
    assert!(doc["components"]["schemas"]["Problem"].is_object());
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
}

#[tokio::test]
async fn interactive_docs_are_served_from_the_binary() {
    let app = TestApp::spawn().await;
    let redirect = app.get("/api/docs", None).await;
    assert_eq!(redirect.status(), 302);
    let page = app.get("/api/docs/", None).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("swagger-ui"));
    assert!(!html.contains("cdn"), "no CDN");
    let script = app.get("/api/docs/swagger-ui-bundle.js", None).await;
    assert_eq!(script.status(), 200);
}
