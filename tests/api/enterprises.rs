use serde_json::{json, Value};

use crate::helpers::{assert_problem, error_fields, TestApp};

const SIRET: &str = "73282932000074";
const OTHER_SIRET: &str = "44306184100047";

fn enterprise_body(siret: &str, poles: &[&str]) -> Value {
    json!({
        "siret": siret, "name": "Menuiserie du Royans", "legal_form": "scop", "ess": true,
        "naf": "16.23z", "commune": "26281", "headcount": 8, "poles": poles,
    })
}

#[tokio::test]
async fn a_new_enterprise_waits_for_its_pole_coordinator() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    app.create_pole(&admin, "pole-a", "26281", &["26"]).await;
    let coordinator = app
        .coordinator_of(&admin, "pole-a", "coord@example.fr")
        .await;
    let (member, _) = app.register("member@example.fr").await;

    let created = app.create_enterprise(&member, SIRET, &["pole-a"]).await;
    assert_eq!(
        created["naf"], "16.23Z",
        "NAF codes are stored in canonical form"
    );
    assert_eq!(created["memberships"][0]["pole"], "pole-a");
    assert_eq!(created["memberships"][0]["status"], "pending");
    let id = created["id"].as_i64().unwrap();

    // Pending: private to its accounts, its pôle's coordinators and admins.
    assert_problem(
        app.get(&format!("/api/v1/enterprises/{id}"), None).await,
        404,
    )
    .await;
    let (stranger, _) = app.register("stranger@example.fr").await;
    assert_problem(
        app.get(&format!("/api/v1/enterprises/{id}"), Some(&stranger))
            .await,
        404,
    )
    .await;
    assert_eq!(
        app.get(&format!("/api/v1/enterprises/{id}"), Some(&member))
            .await
            .status(),
        200
    );
    assert_eq!(
        app.get(&format!("/api/v1/enterprises/{id}"), Some(&coordinator))
            .await
            .status(),
        200
    );

    let approve = format!("/api/v1/poles/pole-a/members/{id}/approve");
    assert_problem(app.post(&approve, None, &json!({})).await, 401).await;
    assert_problem(app.post(&approve, Some(&member), &json!({})).await, 403).await;
    let approved = app.post(&approve, Some(&coordinator), &json!({})).await;
    assert_eq!(approved.status(), 200);
    let approved: Value = approved.json().await.unwrap();
    assert_eq!(approved["memberships"][0]["status"], "approved");
    assert!(approved["memberships"][0]["approved_at"].is_string());

    // Approved: public, and listed on the pôle's page.
    assert_eq!(
        app.get(&format!("/api/v1/enterprises/{id}"), None)
            .await
            .status(),
        200
    );
    let pole: Value = app
        .get("/api/v1/poles/pole-a", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(pole["member_count"], 1);
    assert_eq!(pole["members"][0]["id"], id);
}

#[tokio::test]
async fn a_coordinator_of_another_pole_cannot_approve() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    app.create_pole(&admin, "pole-a", "26281", &["26"]).await;
    app.create_pole(&admin, "pole-b", "69123", &["69"]).await;
    let other = app.coordinator_of(&admin, "pole-b", "b@example.fr").await;
    let (member, _) = app.register("member@example.fr").await;
    let id = app.create_enterprise(&member, SIRET, &["pole-a"]).await["id"]
        .as_i64()
        .unwrap();
    assert_problem(
        app.post(
            &format!("/api/v1/poles/pole-a/members/{id}/approve"),
            Some(&other),
            &json!({}),
        )
        .await,
        403,
    )
    .await;
    // No membership request in pôle B: nothing to approve there.
    assert_problem(
        app.post(
            &format!("/api/v1/poles/pole-b/members/{id}/approve"),
            Some(&other),
            &json!({}),
        )
        .await,
        404,
    )
    .await;
    // An admin may approve anywhere.
    assert_eq!(
        app.post(
            &format!("/api/v1/poles/pole-a/members/{id}/approve"),
            Some(&admin),
            &json!({})
        )
        .await
        .status(),
        200
    );
}

#[tokio::test]
async fn a_coordinator_registering_in_its_own_pole_is_approved_at_once() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    app.create_pole(&admin, "pole-a", "26281", &["26"]).await;
    app.create_pole(&admin, "pole-b", "69123", &["69"]).await;
    let coordinator = app
        .coordinator_of(&admin, "pole-a", "coord@example.fr")
        .await;
    let created = app
        .create_enterprise(&coordinator, SIRET, &["pole-a", "pole-b"])
        .await;
    assert_eq!(created["memberships"][0]["status"], "approved");
    assert_eq!(created["memberships"][1]["status"], "pending");
}

#[tokio::test]
async fn an_invalid_enterprise_names_each_field_and_creates_nothing() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    app.create_pole(&admin, "pole-a", "26281", &["26"]).await;
    let (member, _) = app.register("member@example.fr").await;

    let problem = assert_problem(
        app.post(
            "/api/v1/enterprises",
            Some(&member),
            &json!({"siret": "73282932000075", "name": "M", "legal_form": "scop", "ess": true,
                    "naf": "99.99Q", "commune": "26999", "headcount": -1, "poles": ["pole-a", "nowhere"]}),
        )
        .await,
        422,
    )
    .await;
    let mut fields = error_fields(&problem);
    fields.sort();
    assert_eq!(
        fields,
        vec!["commune", "headcount", "naf", "name", "poles[1]", "siret"]
    );
    let siret_error = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["field"] == "siret")
        .unwrap();
    assert_eq!(siret_error["code"], "siret_checksum");

    let problem = assert_problem(
        app.post(
            "/api/v1/enterprises",
            Some(&member),
            &json!({"siret": SIRET, "name": "Menuiserie", "legal_form": "gmbh", "ess": true,
                    "naf": "16.23Z", "commune": "26281", "headcount": 3, "poles": ["pole-a"]}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["legal_form"]);

    let problem = assert_problem(
        app.post(
            "/api/v1/enterprises",
            Some(&member),
            &enterprise_body(SIRET, &[]),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["poles"]);

    let count: i64 = app
        .with_conn(|conn| {
            use diesel::prelude::*;
            ptce_exchange::schema::enterprises::table
                .count()
                .get_result(conn)
                .unwrap()
        })
        .await;
    assert_eq!(count, 0);
    assert_problem(
        app.post(
            "/api/v1/enterprises",
            None,
            &enterprise_body(SIRET, &["pole-a"]),
        )
        .await,
        401,
    )
    .await;
}

#[tokio::test]
async fn la_poste_sirets_follow_their_own_rule() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    app.create_pole(&admin, "pole-a", "26281", &["26"]).await;
    let (member, _) = app.register("member@example.fr").await;
    app.create_enterprise(&member, "35600000049837", &["pole-a"])
        .await;
}

#[tokio::test]
async fn a_siret_is_registered_once() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    app.create_pole(&admin, "pole-a", "26281", &["26"]).await;
    let (member, _) = app.register("member@example.fr").await;
    app.create_enterprise(&member, SIRET, &["pole-a"]).await;
    assert_problem(
        app.post(
            "/api/v1/enterprises",
            Some(&member),
            &enterprise_body("732 829 320 00074", &["pole-a"]),
        )
        .await,
        409,
    )
    .await;
}

#[tokio::test]
async fn only_the_enterprises_own_accounts_edit_it() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    app.create_pole(&admin, "pole-a", "26281", &["26"]).await;
    let coordinator = app
        .coordinator_of(&admin, "pole-a", "coord@example.fr")
        .await;
    let (owner, _) = app.register("owner@example.fr").await;
    let (other, _) = app.register("other@example.fr").await;
    let id = app.create_enterprise(&owner, SIRET, &["pole-a"]).await["id"]
        .as_i64()
        .unwrap();
    app.create_enterprise(&other, OTHER_SIRET, &["pole-a"])
        .await;
    let path = format!("/api/v1/enterprises/{id}");

    let updated = app
        .patch(
            &path,
            Some(&owner),
            &json!({"headcount": 12, "naf": "16.24", "commune": "26057"}),
        )
        .await;
    assert_eq!(updated.status(), 200);
    let updated: Value = updated.json().await.unwrap();
    assert_eq!(updated["headcount"], 12);
    assert_eq!(updated["naf"], "16.24");
    assert_eq!(updated["commune"], "26057");

    assert_problem(app.patch(&path, None, &json!({"headcount": 1})).await, 401).await;
    assert_problem(
        app.patch(&path, Some(&other), &json!({"headcount": 1}))
            .await,
        403,
    )
    .await;
    assert_problem(
        app.patch(&path, Some(&coordinator), &json!({"headcount": 1}))
            .await,
        403,
    )
    .await;
    let problem = assert_problem(
        app.patch(
            &path,
            Some(&owner),
            &json!({"naf": "16.2X9", "headcount": -3}),
        )
        .await,
        422,
    )
    .await;
    let mut fields = error_fields(&problem);
    fields.sort();
    assert_eq!(fields, vec!["headcount", "naf"]);
    let problem = assert_problem(
        app.patch(&path, Some(&owner), &json!({"siret": OTHER_SIRET}))
            .await,
        422,
    )
    .await;
    assert_eq!(
        error_fields(&problem),
        vec!["siret"],
        "the SIRET cannot change"
    );
    assert_problem(
        app.patch(
            "/api/v1/enterprises/999999",
            Some(&owner),
            &json!({"headcount": 1}),
        )
        .await,
        404,
    )
    .await;

    let unchanged: Value = app.get(&path, Some(&owner)).await.json().await.unwrap();
    assert_eq!(unchanged["headcount"], 12);
}

#[tokio::test]
async fn an_enterprise_asks_to_join_another_pole_once_and_only_through_its_accounts() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    app.create_pole(&admin, "pole-a", "26281", &["26"]).await;
    app.create_pole(&admin, "pole-b", "69123", &["69"]).await;
    let coordinator_b = app
        .coordinator_of(&admin, "pole-b", "coordination@pole-b.fr")
        .await;
    let (member, _) = app.register("member@example.fr").await;
    let created = app
        .create_enterprise(&member, &crate::helpers::siret(1), &["pole-a"])
        .await;
    let id = created["id"].as_i64().unwrap();
    let path = format!("/api/v1/enterprises/{id}/memberships");

    let (stranger, _) = app.register("stranger@example.fr").await;
    let refused = app
        .post(&path, Some(&stranger), &json!({"pole": "pole-b"}))
        .await;
    assert_problem(refused, 403).await;
    let unknown = app
        .post(&path, Some(&member), &json!({"pole": "pole-z"}))
        .await;
    let problem = assert_problem(unknown, 422).await;
    assert_eq!(error_fields(&problem), vec!["pole"]);

    let joined = app
        .post(&path, Some(&member), &json!({"pole": "pole-b"}))
        .await;
    assert_eq!(joined.status(), 201);
    let body: Value = joined.json().await.unwrap();
    let memberships: Vec<(String, String)> = body["memberships"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["pole"].as_str().unwrap().into(),
                m["status"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert!(
        memberships.contains(&("pole-b".into(), "pending".into())),
        "{memberships:?}"
    );
    let again = app
        .post(&path, Some(&member), &json!({"pole": "pole-b"}))
        .await;
    assert_problem(again, 409).await;

    // The pôle's coordinator sees the request and approves it.
    let approved = app
        .post(
            &format!("/api/v1/poles/pole-b/members/{id}/approve"),
            Some(&coordinator_b),
            &json!({}),
        )
        .await;
    assert_eq!(approved.status(), 200);
}

async fn member_in_a_pole(app: &TestApp) -> String {
    let admin = app.admin_token().await;
    app.create_pole(&admin, "pole-a", "26281", &["26", "75", "69", "13"])
        .await;
    app.register("member@example.fr").await.0
}

#[tokio::test]
async fn a_siret_whose_siren_fails_its_luhn_key_is_refused_with_siren_checksum() {
    let app = TestApp::spawn().await;
    let member = member_in_a_pole(&app).await;
    // The 14 digits pass Luhn, but the SIREN 111 222 333 does not.
    let problem = assert_problem(
        app.post(
            "/api/v1/enterprises",
            Some(&member),
            &enterprise_body("11122233344455", &["pole-a"]),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "siret");
    assert_eq!(problem["errors"][0]["code"], "siren_checksum");
}

#[tokio::test]
async fn la_poste_head_office_siret_is_accepted() {
    let app = TestApp::spawn().await;
    let member = member_in_a_pole(&app).await;
    let created = app
        .create_enterprise(&member, "35600000000048", &["pole-a"])
        .await;
    assert_eq!(created["siret"], "35600000000048");
}

#[tokio::test]
async fn legal_forms_are_accepted_as_people_write_them_and_answered_canonically() {
    let app = TestApp::spawn().await;
    let member = member_in_a_pole(&app).await;
    for (n, (written, canonical)) in [
        ("SCOP", "scop"),
        ("Scic", "scic"),
        ("coopérative", "cooperative"),
        ("Association", "association"),
        ("SARL", "sarl"),
    ]
    .into_iter()
    .enumerate()
    {
        let mut body = enterprise_body(&crate::helpers::siret(100 + n as u64), &["pole-a"]);
        body["legal_form"] = json!(written);
        let response = app.post("/api/v1/enterprises", Some(&member), &body).await;
        assert_eq!(response.status(), 201, "{written}");
        let created: Value = response.json().await.unwrap();
        assert_eq!(created["legal_form"], canonical, "{written}");
        let id = created["id"].as_i64().unwrap();
        let patched: Value = app
            .patch(
                &format!("/api/v1/enterprises/{id}"),
                Some(&member),
                &json!({"legal_form": written.to_lowercase()}),
            )
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(patched["legal_form"], canonical, "{written}");
    }
}

#[tokio::test]
async fn enterprises_in_paris_lyon_and_marseille_arrondissements_are_accepted() {
    let app = TestApp::spawn().await;
    let member = member_in_a_pole(&app).await;
    for (n, (code, departement)) in [("75108", "75"), ("13208", "13"), ("69383", "69")]
        .into_iter()
        .enumerate()
    {
        let mut body = enterprise_body(&crate::helpers::siret(200 + n as u64), &["pole-a"]);
        body["commune"] = json!(code);
        let response = app.post("/api/v1/enterprises", Some(&member), &body).await;
        let status = response.status();
        let created: Value = response.json().await.unwrap();
        assert_eq!(status, 201, "{code}: {created}");
        assert_eq!(created["commune"], code);
        // The API round trip keeps the arrondissement's code as it is.
        let id = created["id"].as_i64().unwrap();
        let path = format!("/api/v1/enterprises/{id}");
        let patched: Value = app
            .patch(
                &path,
                Some(&member),
                &json!({"headcount": 12, "commune": code}),
            )
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(patched["commune"], code);
        let shown: Value = app.get(&path, Some(&member)).await.json().await.unwrap();
        assert_eq!(shown["commune"], code, "{departement}");
    }
}
