//! A commune is kept by its INSEE code through every form and API round trip: a code is
//! never re-read as a postal code (Aubagne, 13005, is also a Marseille postal code); a text
//! that fits several communes is never resolved silently.

use serde_json::{json, Value};

use crate::helpers::{input_value, siret, Market, TestApp, WebSession};
use ptce_exchange::domain::territory::CommuneCode;
use ptce_exchange::models::reference::{self, CommuneResolution};

#[tokio::test]
async fn every_commune_of_the_reference_table_survives_a_form_round_trip() {
    let app = TestApp::spawn().await;
    let failures = app
        .with_conn(|conn| {
            let all = reference::all_communes(conn).unwrap();
            assert!(all.len() > 34_000, "{} communes", all.len());
            let mut failures = Vec::new();
            for commune in &all {
                // What a form shows (the label) and carries (the code), sent back as is.
                match reference::resolve_commune(conn, &commune.label(), Some(&commune.code))
                    .unwrap()
                {
                    CommuneResolution::Found(found) if found.code == commune.code => {}
                    other => failures.push(format!("{} {}: {other:?}", commune.code, commune.name)),
                }
            }
            failures
        })
        .await;
    assert!(
        failures.is_empty(),
        "{} failures, first: {:?}",
        failures.len(),
        &failures[..failures.len().min(5)]
    );
}

#[tokio::test]
async fn a_code_that_is_also_a_postal_code_is_never_re_read_as_one() {
    let app = TestApp::spawn().await;
    // Codes that are also another commune's postal code, as sent alone by an API client.
    let failures = app
        .with_conn(|conn| {
            let all = reference::all_communes(conn).unwrap();
            let mut failures = Vec::new();
            for commune in all
                .iter()
                .filter(|c| {
                    all.iter()
                        .any(|other| other.code != c.code && other.postal_codes.contains(&c.code))
                })
                .take(400)
            {
                let code = CommuneCode::parse(&commune.code).unwrap();
                let located = reference::locate(conn, &code).unwrap();
                if located.map(|l| l.code.as_str().to_string()) != Some(commune.code.clone()) {
                    failures.push(commune.code.clone());
                }
            }
            failures
        })
        .await;
    assert!(failures.is_empty(), "{failures:?}");
}

#[tokio::test]
async fn editing_an_enterprise_in_aubagne_keeps_it_in_aubagne() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    app.create_pole(&admin, "pole-provence", "13005", &["13", "83"])
        .await;
    let (token, _) = app.register("claire@aubagne.fr").await;
    let created = app
        .post(
            "/api/v1/enterprises",
            Some(&token),
            &json!({"siret": siret(7), "name": "Céramiques d'Aubagne", "legal_form": "SCOP", "ess": true, "naf": "23.41Z", "commune": "13005", "headcount": 6, "poles": ["pole-provence"]}),
        )
        .await;
    assert_eq!(created.status(), 201);
    let id = created.json::<Value>().await.unwrap()["id"]
        .as_i64()
        .unwrap();
    let web = WebSession::sign_in(&app, "claire@aubagne.fr").await;
    let edit = format!("/enterprises/{id}/edit");
    let (status, html) = web.page(&edit).await;
    assert_eq!(status, 200);
    let shown = input_value(&html, "commune").unwrap();
    assert_eq!(shown, "Aubagne (13)");
    assert_eq!(input_value(&html, "commune_code").unwrap(), "13005");
    // Change only the headcount and save, sending back every field as the page shows it.
    let fields: Vec<(String, String)> = ["siret", "name", "naf", "commune", "commune_code"]
        .iter()
        .map(|name| (name.to_string(), input_value(&html, name).unwrap()))
        .collect();
    let mut form: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    form.extend([("legal_form", "scop"), ("ess", "on"), ("headcount", "7")]);
    let saved = web.post(&edit, &edit, &form).await;
    assert_eq!(saved.status(), 303);
    let after: Value = app
        .get(&format!("/api/v1/enterprises/{id}"), Some(&token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(after["commune"], "13005");
    assert_eq!(after["headcount"], 7);
}

#[tokio::test]
async fn a_listing_edited_in_its_form_keeps_its_commune() {
    let app = TestApp::spawn().await;
    let market = Market::open(&app, 1).await;
    let (token, enterprise) = &market.members[0];
    // Valence (26362) shares its name with Valence in Charente, Tarn-et-Garonne…
    let listing = app
        .create_listing(
            token,
            &crate::helpers::listing_body(*enterprise, "offer", json!({"commune": "26362"})),
        )
        .await;
    let id = listing["id"].as_i64().unwrap();
    let web = WebSession::sign_in(&app, "member0@example.fr").await;
    let edit = format!("/listings/{id}/edit");
    let (_, html) = web.page(&edit).await;
    assert_eq!(input_value(&html, "commune").unwrap(), "Valence (26)");
    let names = [
        "category",
        "title",
        "naf",
        "commune",
        "commune_code",
        "radius_km",
    ];
    let fields: Vec<(String, String)> = names
        .iter()
        .filter_map(|name| input_value(&html, name).map(|v| (name.to_string(), v)))
        .collect();
    let mut form: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    form.extend([
        ("description", "Toujours des chutes de chêne."),
        ("resource_type", "by_product"),
        ("material", "wood"),
        ("recurrence", "recurring"),
        ("visibility", "public"),
    ]);
    let saved = web.post(&edit, &edit, &form).await;
    assert_eq!(saved.status(), 303, "{}", saved.text().await.unwrap());
    let after: Value = app
        .get(&format!("/api/v1/listings/{id}"), Some(token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(after["commune"], "26362");
}

#[tokio::test]
async fn a_name_that_fits_several_communes_asks_which_one() {
    let app = TestApp::spawn().await;
    let market = Market::open(&app, 1).await;
    let _ = market;
    let web = WebSession::sign_in(&app, "member0@example.fr").await;
    // "Valence" alone: several communes; the alert form asks, and saves nothing.
    let response = web
        .post(
            "/notifications",
            "/notifications/alerts",
            &[
                ("commune", "Valence"),
                ("commune_code", ""),
                ("radius_km", "30"),
                ("frequency", "instant"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("value=\"26362\""),
        "the Drôme's Valence is offered"
    );
    assert!(
        html.contains("value=\"16392\""),
        "the Charente's Valence is offered"
    );
    let alerts: Value = app
        .get("/api/v1/alerts", Some(&market_token(&app).await))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(alerts["items"], json!([]));
    // Choosing one saves it.
    let chosen = web
        .post(
            "/notifications",
            "/notifications/alerts",
            &[
                ("commune", "Valence"),
                ("commune_code", "26362"),
                ("radius_km", "30"),
                ("frequency", "instant"),
            ],
        )
        .await;
    assert_eq!(chosen.status(), 303);
}

async fn market_token(app: &TestApp) -> String {
    let response = app
        .post(
            "/api/v1/auth/login",
            None,
            &json!({"email": "member0@example.fr", "password": "correct horse battery"}),
        )
        .await;
    response.json::<Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn the_search_asks_which_commune_a_shared_name_means() {
    let app = TestApp::spawn().await;
    let html = app
        .get("/?place=Valence&radius_km=20", None)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("type=\"radio\" name=\"place_code\" value=\"26362\""),
        "{html}"
    );
    assert!(html.contains("type=\"radio\" name=\"place_code\" value=\"16392\""));
    let chosen = app
        .get("/?place=Valence&place_code=26362&radius_km=20", None)
        .await
        .text()
        .await
        .unwrap();
    assert!(chosen.contains("Valence (26)"));
    assert!(!chosen.contains("type=\"radio\" name=\"place_code\""));
}
