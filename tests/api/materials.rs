//! What is exchanged decides, not who exchanges it: materials across sectors, EWC codes,
//! words, quantities that live, recurring flows, near misses, one email per publication.

use serde_json::{json, Value};

use crate::helpers::{assert_problem, error_fields, listing_body, Market, TestApp};

fn matter(fields: Value) -> Value {
    let mut body = json!({
        "category": "local_resource",
        "description": "",
        "radius_km": 60,
        "commune": "26281",
    });
    for (key, value) in fields.as_object().unwrap() {
        body[key] = value.clone();
    }
    body
}

async fn post(app: &TestApp, token: &str, enterprise: i64, kind: &str, fields: Value) -> Value {
    app.create_listing(token, &listing_body(enterprise, kind, matter(fields)))
        .await
}

fn details(resource: &str, material: &str, ewc: Option<&str>) -> Value {
    let mut details =
        json!({"resource_type": resource, "recurrence": "recurring", "material": material});
    if let Some(code) = ewc {
        details["ewc_code"] = json!(code);
    }
    details
}

#[tokio::test]
async fn the_three_cross_sector_flows_match_and_are_explained_in_words() {
    let app = TestApp::spawn().await;
    let market = Market::open(&app, 2).await;
    let (a, a_id) = &market.members[0];
    let (b, b_id) = &market.members[1];
    let flows = [
        (
            (
                "16.10A",
                "Chutes et sciure de chêne",
                "Dosses, délignures et sciure de chêne brut, non traité.",
                details("by_product", "wood", Some("03 01 05")),
            ),
            (
                "35.30Z",
                "Bois pour notre réseau de chaleur",
                "Notre chaufferie brûle des chutes et de la sciure de bois non traité.",
                details("materials", "wood", Some("03 01 05")),
            ),
            "wood",
        ),
        (
            (
                "11.05Z",
                "Drêches de brasserie",
                "Orge maltée humide après brassage, chaque semaine.",
                details("by_product", "organic_food", Some("02 07 04")),
            ),
            (
                "01.41Z",
                "Drêches pour nos vaches laitières",
                "Nous cherchons des drêches de brasserie pour la ration.",
                details("materials", "organic_food", None),
            ),
            "organic_food",
        ),
        (
            (
                "14.13Z",
                "Chutes de tissus",
                "Coton et polyester, découpes de notre atelier de confection.",
                details("by_product", "textile", Some("04 02 22")),
            ),
            (
                "23.99Z",
                "Chutes textiles pour isolant",
                "Nous fabriquons un isolant avec des chutes de tissus recyclées.",
                details("materials", "textile", Some("04 02 22")),
            ),
            "textile",
        ),
    ];
    for (
        (offer_naf, offer_title, offer_text, offer_details),
        (need_naf, need_title, need_text, need_details),
        material,
    ) in flows
    {
        post(&app, a, *a_id, "offer", json!({"naf": offer_naf, "title": offer_title, "description": offer_text, "details": offer_details})).await;
        let need = post(&app, b, *b_id, "need", json!({"naf": need_naf, "title": need_title, "description": need_text, "details": need_details})).await;
        let matches = need["matches"].as_array().unwrap();
        let found = matches
            .iter()
            .find(|m| m["counterpart"]["title"] == offer_title)
            .unwrap_or_else(|| panic!("{offer_title} should match {need_title}: {need}"));
        let explanation = found["explanation"].as_array().unwrap();
        let what = &explanation[0];
        assert_eq!(what["factor"], "material", "{found}");
        let text = explanation.iter().find(|f| f["factor"] == "text").unwrap();
        assert!(
            text["detail"]
                .as_str()
                .unwrap()
                .starts_with("Mots en commun"),
            "{text}"
        );
        assert!(found["score"].as_i64().unwrap() >= 60, "{found}");
        // Nothing of another material matches.
        assert!(
            matches
                .iter()
                .all(|m| m["counterpart"]["details"]["material"] == material),
            "{need}"
        );
    }
}

#[tokio::test]
async fn materials_need_their_material_and_a_real_ewc_code() {
    let app = TestApp::spawn().await;
    let market = Market::open(&app, 1).await;
    let (token, id) = &market.members[0];
    for (details, field, code) in [
        (
            json!({"resource_type": "by_product"}),
            "details.material",
            "material_required",
        ),
        (
            json!({"resource_type": "materials", "material": "wood", "ewc_code": "03 01"}),
            "details.ewc_code",
            "ewc_format",
        ),
        (
            json!({"resource_type": "materials", "material": "wood", "ewc_code": "03 01 98"}),
            "details.ewc_code",
            "unknown_ewc",
        ),
        (
            json!({"resource_type": "premises", "material": "wood"}),
            "details.material",
            "material_for_matter_only",
        ),
    ] {
        let problem = assert_problem(
            app.post(
                "/api/v1/listings",
                Some(token),
                &listing_body(*id, "offer", json!({"details": details})),
            )
            .await,
            422,
        )
        .await;
        assert_eq!(error_fields(&problem), vec![field], "{problem}");
        assert_eq!(problem["errors"][0]["code"], code, "{problem}");
    }
    let created = post(&app, token, *id, "offer", json!({"title": "Sciure", "naf": "16.10A", "details": {"resource_type": "by_product", "material": "wood", "ewc_code": "030105"}})).await;
    assert_eq!(
        created["details"]["ewc_code"], "03 01 05",
        "stored in its three pairs"
    );
}

#[tokio::test]
async fn a_need_covered_by_its_exchanges_closes_as_fulfilled_and_stops_matching() {
    let app = TestApp::spawn().await;
    let market = Market::open(&app, 3).await;
    let (a, a_id) = &market.members[0];
    let (b, b_id) = &market.members[1];
    let (c, c_id) = &market.members[2];
    let need = post(&app, b, *b_id, "need", json!({"title": "Sciure de bois", "naf": "35.30Z", "quantity": "10", "unit": "t", "details": details("materials", "wood", None)})).await;
    let need_id = need["id"].as_i64().unwrap();
    let offer = post(&app, a, *a_id, "offer", json!({"title": "Sciure de sapin", "naf": "16.10A", "quantity": "6", "unit": "t", "details": details("by_product", "wood", None)})).await;
    let accept = |token: String, match_id: i64| {
        let app = &app;
        async move {
            let response = app
                .post(
                    &format!("/api/v1/matches/{match_id}/accept"),
                    Some(&token),
                    &json!({}),
                )
                .await;
            assert_eq!(response.status(), 200);
        }
    };
    let first = offer["matches"][0]["id"].as_i64().unwrap();
    accept(a.clone(), first).await;
    accept(b.clone(), first).await;
    let after: Value = app
        .get(&format!("/api/v1/listings/{need_id}"), Some(b))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(after["status"], "open");
    assert_eq!(after["quantity_remaining"], "4", "{after}");
    // A second offer of 5 t: the need still wants 4 t, so it covers all of it.
    let second = post(&app, c, *c_id, "offer", json!({"title": "Copeaux de hêtre", "naf": "16.23Z", "quantity": "5", "unit": "t", "details": details("by_product", "wood", None)})).await;
    let quantity = second["matches"][0]["explanation"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["factor"] == "quantity")
        .unwrap()
        .clone();
    assert_eq!(
        quantity["score"], 100,
        "compared with what remains: {quantity}"
    );
    let match_id = second["matches"][0]["id"].as_i64().unwrap();
    accept(c.clone(), match_id).await;
    accept(b.clone(), match_id).await;
    let closed: Value = app
        .get(&format!("/api/v1/listings/{need_id}"), Some(b))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(closed["status"], "closed");
    assert_eq!(closed["close_reason"], "fulfilled");
    // It draws no more matches.
    let later = post(&app, a, *a_id, "offer", json!({"title": "Encore de la sciure", "naf": "16.10A", "quantity": "2", "unit": "t", "details": details("by_product", "wood", None)})).await;
    assert!(
        later["matches"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["need_id"] != need_id),
        "{later}"
    );
}

#[tokio::test]
async fn recurring_flows_compare_per_the_same_period() {
    let app = TestApp::spawn().await;
    let market = Market::open(&app, 2).await;
    let (a, a_id) = &market.members[0];
    let (b, b_id) = &market.members[1];
    post(&app, a, *a_id, "offer", json!({"title": "Drêches de brasserie", "naf": "11.05Z", "quantity": "3", "unit": "t", "period": "week", "details": details("by_product", "organic_food", None)})).await;
    let need = post(&app, b, *b_id, "need", json!({"title": "Drêches pour vaches", "naf": "01.41Z", "quantity": "24", "unit": "t", "period": "month", "details": details("materials", "organic_food", None)})).await;
    assert_eq!(need["period"], "month");
    let quantity = need["matches"][0]["explanation"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["factor"] == "quantity")
        .unwrap()
        .clone();
    // 3 t a week is 156 t a year, against 288 t: 54 %.
    assert_eq!(quantity["score"], 54, "{quantity}");
    assert!(
        quantity["detail"].as_str().unwrap().contains("par semaine"),
        "{quantity}"
    );
}

#[tokio::test]
async fn the_owner_sees_what_would_make_a_close_listing_match() {
    let app = TestApp::spawn().await;
    let market = Market::open(&app, 2).await;
    let (a, a_id) = &market.members[0];
    let (b, b_id) = &market.members[1];
    // Valence is 18 km from Romans: 5 km beyond a 13 km reach.
    post(&app, a, *a_id, "offer", json!({"title": "Sciure de chêne", "naf": "16.10A", "commune": "26362", "radius_km": 100, "details": details("by_product", "wood", None)})).await;
    post(&app, a, *a_id, "offer", json!({"title": "Chutes de chêne chères", "naf": "16.10A", "quantity": "1", "unit": "t", "unit_price": "110", "details": details("by_product", "wood", None)})).await;
    let need = post(&app, b, *b_id, "need", json!({"title": "Chêne pour l'atelier", "naf": "16.23Z", "radius_km": 13, "quantity": "1", "unit": "t", "unit_price": "100", "details": details("materials", "wood", None)})).await;
    let list: Value = app
        .get(&format!("/api/v1/listings/{}/matches", need["id"]), Some(b))
        .await
        .json()
        .await
        .unwrap();
    let near = list["near_misses"].as_array().unwrap();
    let rules: Vec<&str> = near.iter().map(|n| n["rule"].as_str().unwrap()).collect();
    assert!(
        rules.contains(&"distance") && rules.contains(&"price"),
        "{list}"
    );
    let distance = near.iter().find(|n| n["rule"] == "distance").unwrap();
    assert!(
        distance["detail"]
            .as_str()
            .unwrap()
            .contains("au-delà de votre rayon de 13"),
        "{distance}"
    );
    let price = near.iter().find(|n| n["rule"] == "price").unwrap();
    assert!(
        price["detail"]
            .as_str()
            .unwrap()
            .contains("10\u{a0}% au-dessus"),
        "{price}"
    );
    // The page shows them too.
    let web = crate::helpers::WebSession::sign_in(&app, "member1@example.fr").await;
    let (_, html) = web.page(&format!("/listings/{}", need["id"])).await;
    assert!(
        html.contains("au-delà de votre rayon"),
        "near misses on the page"
    );
}

#[tokio::test]
async fn one_publication_tells_each_person_once() {
    let app = TestApp::spawn().await;
    let market = Market::open(&app, 2).await;
    let (a, a_id) = &market.members[0];
    let (b, b_id) = &market.members[1];
    for title in ["Sciure de sapin", "Copeaux de hêtre", "Chutes de chêne"] {
        post(&app, a, *a_id, "offer", json!({"title": title, "naf": "16.10A", "details": details("by_product", "wood", None)})).await;
    }
    let need = post(&app, b, *b_id, "need", json!({"title": "Bois pour chaufferie", "naf": "35.30Z", "details": details("materials", "wood", None)})).await;
    assert_eq!(need["matches"].as_array().unwrap().len(), 3);
    // One email for the supplier, one for the buyer, each with the three matches.
    let mut told = Vec::new();
    for _ in 0..50 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        told = app
            .smtp
            .received()
            .into_iter()
            .filter(|m| crate::notifications::decoded_subject(m).contains("correspondance"))
            .collect();
    }
    assert_eq!(
        told.len(),
        2,
        "{:?}",
        told.iter()
            .map(crate::notifications::decoded_subject)
            .collect::<Vec<_>>()
    );
    for mail in &told {
        assert!(crate::notifications::decoded_subject(mail).contains("3 nouvelles correspondances"));
    }
}

#[tokio::test]
async fn search_filters_by_material_and_ewc_prefix_and_ewc_codes_autocomplete() {
    let app = TestApp::spawn().await;
    let market = Market::open(&app, 1).await;
    let (a, a_id) = &market.members[0];
    post(&app, a, *a_id, "offer", json!({"title": "Sciure de chêne", "naf": "16.10A", "details": details("by_product", "wood", Some("03 01 05"))})).await;
    post(&app, a, *a_id, "offer", json!({"title": "Chutes de tissus", "naf": "14.13Z", "details": details("by_product", "textile", Some("04 02 22"))})).await;
    for (query, expected) in [
        ("material=wood", vec!["Sciure de chêne"]),
        ("material=textile", vec!["Chutes de tissus"]),
        ("ewc=03", vec!["Sciure de chêne"]),
        ("ewc=0402", vec!["Chutes de tissus"]),
        ("ewc=04%2002%2022", vec!["Chutes de tissus"]),
    ] {
        let found: Value = app
            .get(&format!("/api/v1/listings?{query}"), None)
            .await
            .json()
            .await
            .unwrap();
        let titles: Vec<&str> = found["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["title"].as_str().unwrap())
            .collect();
        assert_eq!(titles, expected, "{query}");
    }
    let problem = assert_problem(app.get("/api/v1/listings?material=gold", None).await, 422).await;
    assert_eq!(error_fields(&problem), vec!["material"]);
    let codes: Value = app
        .get("/api/v1/reference/ewc?q=sciure", None)
        .await
        .json()
        .await
        .unwrap();
    assert!(
        codes["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["code"] == "03 01 05"),
        "{codes}"
    );
    let codes: Value = app
        .get("/api/v1/reference/ewc?q=0301", None)
        .await
        .json()
        .await
        .unwrap();
    assert!(
        codes["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["code"].as_str().unwrap().starts_with("03 01")),
        "{codes}"
    );
    let hazardous: Value = app
        .get("/api/v1/reference/ewc?q=03 01 04", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(hazardous["items"][0]["hazardous"], true, "{hazardous}");
}
