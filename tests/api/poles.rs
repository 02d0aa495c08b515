use serde_json::{json, Value};

use crate::helpers::{assert_problem, error_fields, TestApp};

#[tokio::test]
async fn an_admin_creates_a_pole_that_everyone_can_see() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let created = app
        .create_pole(&admin, "pole-sud-archer", "26281", &["26", "07"])
        .await;
    assert_eq!(created["slug"], "pole-sud-archer");
    assert_eq!(created["commune"], "26281");
    assert_eq!(created["departements"], json!(["07", "26"]));

    let list: Value = app.get("/api/v1/poles", None).await.json().await.unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    let shown: Value = app
        .get("/api/v1/poles/pole-sud-archer", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(shown["name"], "Pôle pole-sud-archer");
    assert_eq!(shown["members"], json!([]));
    assert_problem(app.get("/api/v1/poles/nowhere", None).await, 404).await;
}

#[tokio::test]
async fn only_admins_create_poles() {
    let app = TestApp::spawn().await;
    let (member, _) = app.register("member@example.fr").await;
    let body =
        json!({"slug": "pole-x", "name": "Pôle X", "commune": "26281", "departements": ["26"]});
    assert_problem(app.post("/api/v1/poles", None, &body).await, 401).await;
    assert_problem(app.post("/api/v1/poles", Some(&member), &body).await, 403).await;
    let list: Value = app.get("/api/v1/poles", None).await.json().await.unwrap();
    assert_eq!(list["items"], json!([]));
}

#[tokio::test]
async fn an_invalid_pole_names_each_field_at_fault() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let problem = assert_problem(
        app.post(
            "/api/v1/poles",
            Some(&admin),
            &json!({"slug": "Pôle Sud", "name": "P", "commune": "99999", "departements": ["26", "ZZ", "96"]}),
        )
        .await,
        422,
    )
    .await;
    let mut fields = error_fields(&problem);
    fields.sort();
    assert_eq!(
        fields,
        vec![
            "commune",
            "departements[1]",
            "departements[2]",
            "name",
            "slug"
        ]
    );

    // Well-formed codes that do not exist are refused by the reference data.
    let problem = assert_problem(
        app.post(
            "/api/v1/poles",
            Some(&admin),
            &json!({"slug": "pole-sud", "name": "Pôle Sud", "commune": "26999", "departements": ["26", "979"]}),
        )
        .await,
        422,
    )
    .await;
    let mut fields = error_fields(&problem);
    fields.sort();
    assert_eq!(fields, vec!["commune", "departements[1]"]);
}

#[tokio::test]
async fn a_taken_slug_is_a_conflict() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    app.create_pole(&admin, "pole-a", "26281", &["26"]).await;
    let response = app
        .post(
            "/api/v1/poles",
            Some(&admin),
            &json!({"slug": "pole-a", "name": "Autre", "commune": "69123", "departements": ["69"]}),
        )
        .await;
    assert_problem(response, 409).await;
}

#[tokio::test]
async fn an_admin_appoints_a_coordinator_who_becomes_coordinator() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    app.create_pole(&admin, "pole-a", "26281", &["26"]).await;
    let (token, id) = app.register("coord@example.fr").await;
    let response = app
        .post(
            "/api/v1/poles/pole-a/coordinators",
            Some(&admin),
            &json!({"email": "Coord@Example.fr"}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let pole: Value = response.json().await.unwrap();
    assert_eq!(pole["coordinators"][0]["id"], id);
    let me: Value = app
        .get("/api/v1/me", Some(&token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["role"], "coordinator");

    // Appointing twice changes nothing.
    let again: Value = app
        .post(
            "/api/v1/poles/pole-a/coordinators",
            Some(&admin),
            &json!({"email": "coord@example.fr"}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(again["coordinators"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn appointing_is_for_admins_and_needs_an_existing_account() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    app.create_pole(&admin, "pole-a", "26281", &["26"]).await;
    let (member, _) = app.register("member@example.fr").await;
    let body = json!({"email": "member@example.fr"});
    assert_problem(
        app.post("/api/v1/poles/pole-a/coordinators", None, &body)
            .await,
        401,
    )
    .await;
    assert_problem(
        app.post("/api/v1/poles/pole-a/coordinators", Some(&member), &body)
            .await,
        403,
    )
    .await;
    let problem = assert_problem(
        app.post(
            "/api/v1/poles/pole-a/coordinators",
            Some(&admin),
            &json!({"email": "ghost@example.fr"}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["email"]);
    assert_problem(
        app.post("/api/v1/poles/nowhere/coordinators", Some(&admin), &body)
            .await,
        404,
    )
    .await;
}
