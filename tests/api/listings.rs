use serde_json::{json, Value};

use crate::helpers::{assert_problem, error_fields, listing_body, Market, TestApp};

#[tokio::test]
async fn a_draft_is_private_until_published() {
    let app = TestApp::spawn().await;
    let market = Market::open(&app, 2).await;
    let (owner, enterprise) = &market.members[0];
    let (stranger, _) = &market.members[1];
    let draft = app
        .create_listing(
            owner,
            &listing_body(
                *enterprise,
                "offer",
                json!({"publish": false, "quantity": "1500", "unit": "kg"}),
            ),
        )
        .await;
    assert_eq!(draft["status"], "draft");
    assert_eq!(draft["quantity"], "1500");
    assert_eq!(draft["quantity_remaining"], "1500");
    let id = draft["id"].as_i64().unwrap();
    let path = format!("/api/v1/listings/{id}");
    assert_problem(app.get(&path, None).await, 404).await;
    assert_problem(app.get(&path, Some(stranger)).await, 404).await;
    assert_eq!(app.get(&path, Some(owner)).await.status(), 200);
    assert_eq!(
        app.get(&path, Some(&market.coordinator)).await.status(),
        200
    );

    let published = app
        .post(&format!("{path}/publish"), Some(owner), &json!({}))
        .await;
    assert_eq!(published.status(), 200);
    let published: Value = published.json().await.unwrap();
    assert_eq!(published["status"], "open");
    assert_eq!(published["matches"], json!([]));
    let public: Value = app.get(&path, None).await.json().await.unwrap();
    assert_eq!(public["enterprise_name"], "Menuiserie du Royans");
    assert_eq!(public["commune"], "26281");
    assert_eq!(public["departement"], "26");
}

#[tokio::test]
async fn an_invalid_listing_names_each_field_and_creates_nothing() {
    let app = TestApp::spawn().await;
    let market = Market::open(&app, 1).await;
    let (owner, enterprise) = &market.members[0];
    let body = listing_body(
        *enterprise,
        "offer",
        json!({
            "title": "Bois", "naf": "C", "commune": "26999", "radius_km": null,
            "quantity": "-3", "unit_price": "1.1234567", "unit": null,
            "available_from": "2027-05-01", "valid_until": "2027-04-01",
            "details": {"resource_type": "gold"},
        }),
    );
    let problem = assert_problem(app.post("/api/v1/listings", Some(owner), &body).await, 422).await;
    let mut fields = error_fields(&problem);
    fields.sort();
    assert_eq!(
        fields,
        vec![
            "commune",
            "details",
            "naf",
            "quantity",
            "radius_km",
            "title",
            "unit",
            "unit_price",
            "valid_until"
        ]
    );
    let problem = assert_problem(
        app.post(
            "/api/v1/listings",
            Some(owner),
            &listing_body(*enterprise, "offer", json!({"kind": "barter"})),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["kind"]);
    let problem = assert_problem(
        app.post(
            "/api/v1/listings",
            Some(owner),
            &listing_body(
                *enterprise,
                "offer",
                json!({"quantity": "1e3", "unit": "kg"}),
            ),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["quantity"]);
    // An unknown enterprise gets the same answer as someone else's.
    assert_problem(
        app.post(
            "/api/v1/listings",
            Some(owner),
            &listing_body(999_999, "offer", json!({})),
        )
        .await,
        403,
    )
    .await;
    let count: i64 = app
        .with_conn(|conn| {
            use diesel::prelude::*;
            ptce_exchange::schema::listings::table
                .count()
                .get_result(conn)
                .unwrap()
        })
        .await;
    assert_eq!(count, 0);
}

#[tokio::test]
async fn quantities_and_prices_are_exact_decimals_end_to_end() {
    let app = TestApp::spawn().await;
    let market = Market::open(&app, 1).await;
    let (owner, enterprise) = &market.members[0];
    // A JSON number is taken as the exact text it was written with.
    let body = r#"{"enterprise_id": ENT, "kind": "offer", "category": "local_resource", "title": "Sciure de hêtre",
        "naf": "16.10A", "commune": "26281", "radius_km": 30, "quantity": 1234.567891, "unit": "t",
        "unit_price": "0.100000", "details": {"resource_type": "by_product", "material": "wood"}}"#
        .replace("ENT", &enterprise.to_string());
    let response = app
        .client
        .post(app.url("/api/v1/listings"))
        .bearer_auth(owner)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let created: Value = response.json().await.unwrap();
    assert_eq!(created["quantity"], "1234.567891");
    assert_eq!(created["unit_price"], "0.10");
    let stored: String = app
        .with_conn(|conn| {
            use diesel::prelude::*;
            use ptce_exchange::schema::listings;
            let q: Option<rust_decimal::Decimal> = listings::table
                .select(listings::quantity)
                .first(conn)
                .unwrap();
            q.unwrap().to_string()
        })
        .await;
    assert_eq!(stored, "1234.567891");
}

#[tokio::test]
async fn only_an_enterprises_accounts_and_coordinators_manage_its_listings() {
    let app = TestApp::spawn().await;
    let market = Market::open(&app, 2).await;
    let (owner, enterprise) = &market.members[0];
    let (stranger, _) = &market.members[1];
    let body = listing_body(*enterprise, "offer", json!({}));
    assert_problem(app.post("/api/v1/listings", None, &body).await, 401).await;
    assert_problem(
        app.post("/api/v1/listings", Some(stranger), &body).await,
        403,
    )
    .await;
    let by_coordinator = app.create_listing(&market.coordinator, &body).await;
    let id = by_coordinator["id"].as_i64().unwrap();
    let path = format!("/api/v1/listings/{id}");
    assert_problem(
        app.patch(&path, Some(stranger), &json!({"title": "Autre titre"}))
            .await,
        403,
    )
    .await;
    assert_problem(
        app.patch(&path, None, &json!({"title": "Autre titre"}))
            .await,
        401,
    )
    .await;
    let edited = app
        .patch(
            &path,
            Some(owner),
            &json!({"title": "Chutes de chêne séché"}),
        )
        .await;
    assert_eq!(edited.status(), 200);
    let problem = assert_problem(
        app.patch(&path, Some(owner), &json!({"kind": "need"}))
            .await,
        422,
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["kind"]);
    assert_problem(
        app.post(
            &format!("{path}/close"),
            Some(stranger),
            &json!({"reason": "withdrawn"}),
        )
        .await,
        403,
    )
    .await;
    let closed = app
        .post(
            &format!("{path}/close"),
            Some(owner),
            &json!({"reason": "withdrawn"}),
        )
        .await;
    assert_eq!(closed.status(), 200);
    assert_problem(
        app.patch(&path, Some(owner), &json!({"title": "Encore un titre"}))
            .await,
        409,
    )
    .await;
    assert_problem(
        app.post(&format!("{path}/publish"), Some(owner), &json!({}))
            .await,
        409,
    )
    .await;
}

#[tokio::test]
async fn listings_of_a_pending_enterprise_stay_private() {
    let app = TestApp::spawn().await;
    let market = Market::open(&app, 1).await;
    let (pending_token, _) = app.register("pending@example.fr").await;
    let pending = app
        .create_enterprise(&pending_token, &crate::helpers::siret(77), &["pole-a"])
        .await;
    let listing = app
        .create_listing(
            &pending_token,
            &listing_body(pending["id"].as_i64().unwrap(), "need", json!({})),
        )
        .await;
    assert_eq!(listing["status"], "open");
    let path = format!("/api/v1/listings/{}", listing["id"]);
    assert_problem(app.get(&path, None).await, 404).await;
    assert_problem(app.get(&path, Some(&market.members[0].0)).await, 404).await;
    assert_eq!(
        app.get(&path, Some(&market.coordinator)).await.status(),
        200
    );
    let search: Value = app
        .get("/api/v1/listings", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(search["items"], json!([]));
    // An offer that would match it finds nothing while the enterprise is pending.
    let (owner, enterprise) = &market.members[0];
    let offer = app
        .create_listing(owner, &listing_body(*enterprise, "offer", json!({})))
        .await;
    assert_eq!(offer["matches"], json!([]));
    // Approval opens the listing to the market, and its matches are computed then.
    let approve = format!("/api/v1/poles/pole-a/members/{}/approve", pending["id"]);
    assert_eq!(
        app.post(&approve, Some(&market.coordinator), &json!({}))
            .await
            .status(),
        200
    );
    let matches: Value = app
        .get(
            &format!("/api/v1/listings/{}/matches", offer["id"]),
            Some(owner),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(matches["items"].as_array().unwrap().len(), 1);
}

async fn titles(app: &TestApp, query: &str, token: Option<&str>) -> (Vec<String>, Value) {
    let response = app.get(&format!("/api/v1/listings{query}"), token).await;
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, 200, "{query}: {body}");
    let titles = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["title"].as_str().unwrap().to_string())
        .collect();
    (titles, body)
}

#[tokio::test]
async fn search_filters_by_text_place_sector_and_territory() {
    let app = TestApp::spawn().await;
    let market = Market::open(&app, 1).await;
    let (owner, enterprise) = &market.members[0];
    for (title, naf, commune, kind) in [
        ("Planches de chênes séchés", "16.10A", "26281", "offer"), // Romans-sur-Isère
        ("Palettes de hêtre", "16.24Z", "26362", "offer"),         // Valence, ~18 km
        ("Recherche sciure de pin", "16.10A", "69123", "need"),    // Lyon, ~80 km
        ("Pâtisseries invendues", "10.71C", "38185", "offer"),     // Grenoble
    ] {
        app.create_listing(
            owner,
            &listing_body(
                *enterprise,
                kind,
                json!({"title": title, "description": "", "naf": naf, "commune": commune, "radius_km": 200}),
            ),
        )
        .await;
    }
    let (found, _) = titles(&app, "?q=chene", None).await;
    assert_eq!(found, vec!["Planches de chênes séchés"]);
    let (found, _) = titles(&app, "?q=patisserie", None).await;
    assert_eq!(found, vec!["Pâtisseries invendues"]);
    let (found, body) = titles(&app, "?near=26281&radius_km=30", None).await;
    assert_eq!(
        found,
        vec!["Planches de chênes séchés", "Palettes de hêtre"],
        "around a place, nearest first"
    );
    let distances: Vec<f64> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["distance_km"].as_f64().unwrap())
        .collect();
    assert_eq!(distances[0], 0.0);
    assert!(distances[1] > 10.0 && distances[1] < 25.0, "{distances:?}");
    let (found, _) = titles(&app, "?naf=16.1", None).await;
    assert_eq!(found.len(), 2);
    let (found, _) = titles(&app, "?departement=69", None).await;
    assert_eq!(found, vec!["Recherche sciure de pin"]);
    let (found, _) = titles(&app, "?kind=need", None).await;
    assert_eq!(found, vec!["Recherche sciure de pin"]);
    let (found, _) = titles(&app, "?region=84&category=local_resource&pole=pole-a", None).await;
    assert_eq!(found.len(), 4);
    let (found, _) = titles(&app, "?category=know_how", None).await;
    assert!(found.is_empty());
}

#[tokio::test]
async fn search_pages_with_an_opaque_cursor() {
    let app = TestApp::spawn().await;
    let market = Market::open(&app, 1).await;
    let (owner, enterprise) = &market.members[0];
    for n in 0..5 {
        app.create_listing(
            owner,
            &listing_body(
                *enterprise,
                "offer",
                json!({"title": format!("Lot de bois numéro {n}")}),
            ),
        )
        .await;
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let query = match &cursor {
            Some(c) => format!("?limit=2&cursor={c}"),
            None => "?limit=2".to_string(),
        };
        let (found, body) = titles(&app, &query, None).await;
        seen.extend(found);
        match body["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => break,
        }
    }
    assert_eq!(
        seen,
        (0..5)
            .rev()
            .map(|n| format!("Lot de bois numéro {n}"))
            .collect::<Vec<_>>()
    );

    // Relevance order pages too.
    let (first, body) = titles(&app, "?q=bois&limit=3", None).await;
    let next = body["next_cursor"].as_str().unwrap();
    let (rest, body) = titles(&app, &format!("?q=bois&limit=3&cursor={next}"), None).await;
    assert_eq!(first.len() + rest.len(), 5);
    assert!(body["next_cursor"].is_null());
    assert!(first.iter().all(|t| !rest.contains(t)));
}

#[tokio::test]
async fn bad_search_parameters_are_named() {
    let app = TestApp::spawn().await;
    let problem = assert_problem(
        app.get(
            "/api/v1/listings?kind=swap&near=999&radius_km=5000&limit=0&cursor=garbage&naf=1.2.3",
            None,
        )
        .await,
        422,
    )
    .await;
    let mut fields = error_fields(&problem);
    fields.sort();
    assert_eq!(
        fields,
        vec!["cursor", "kind", "limit", "naf", "near", "radius_km"]
    );
    let problem = assert_problem(
        app.get("/api/v1/listings?pole=nowhere&near=26999", None)
            .await,
        422,
    )
    .await;
    let mut fields = error_fields(&problem);
    fields.sort();
    assert_eq!(fields, vec!["near", "pole"]);
}

#[tokio::test]
async fn a_business_takeover_is_a_teaser_except_for_its_side_and_accepted_counterparts() {
    let app = TestApp::spawn().await;
    let market = Market::open(&app, 2).await;
    let (seller, seller_id) = &market.members[0];
    let (buyer, buyer_id) = &market.members[1];
    let details = json!({"revenue_band": "500k_2m", "headcount_band": "10_49", "asking_price": "350000.00", "reason": "retirement", "timeline_months": 12});
    let offer = app
        .create_listing(
            seller,
            &listing_body(*seller_id, "offer", json!({"category": "business_takeover", "title": "Menuiserie à reprendre", "details": details})),
        )
        .await;
    let path = format!("/api/v1/listings/{}", offer["id"]);
    let teaser: Value = app.get(&path, None).await.json().await.unwrap();
    assert_eq!(teaser["teaser"], true);
    for hidden in ["enterprise_id", "enterprise_name", "commune"] {
        assert!(
            teaser.get(hidden).is_none(),
            "{hidden} must not show: {teaser}"
        );
    }
    // Two enterprises in the directory: nothing that narrows to fewer than five shows
    // (see tests/api/takeovers.rs for the rule over larger directories).
    for narrowing in ["departement", "region", "naf"] {
        assert!(teaser.get(narrowing).is_none(), "{narrowing}: {teaser}");
    }
    assert_eq!(teaser["details"], json!({"revenue_band": "500k_2m"}));
    let text = teaser.to_string();
    assert!(
        !text.contains("Menuiserie du Royans")
            && !text.contains("26281")
            && !text.contains("350000")
    );
    let listed: Value = app
        .get("/api/v1/listings?category=business_takeover", Some(buyer))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["items"][0]["teaser"], true);
    assert!(teaser.get("unit_price").is_none_or(Value::is_null));
    // Filters that would single out the owner or its commune leave takeovers out.
    for query in [
        format!("?enterprise={seller_id}"),
        "?near=26281&radius_km=5".to_string(),
        "?pole=pole-a".to_string(),
    ] {
        let found: Value = app
            .get(&format!("/api/v1/listings{query}"), None)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(found["items"], json!([]), "{query}");
    }
    let full: Value = app.get(&path, Some(seller)).await.json().await.unwrap();
    assert_eq!(full["teaser"], false);
    assert_eq!(full["details"]["asking_price"], "350000.00");

    // The buyer's need matches; the match shows the teaser until both accept.
    let need = app
        .create_listing(
            buyer,
            &listing_body(*buyer_id, "need", json!({"category": "business_takeover", "title": "Reprendre une menuiserie", "details": {"revenue_band": "500k_2m", "headcount_band": "10_49"}})),
        )
        .await;
    let the_match = &need["matches"][0];
    assert_eq!(the_match["counterpart"]["teaser"], true);
    let match_id = the_match["id"].as_i64().unwrap();
    assert_eq!(
        app.post(
            &format!("/api/v1/matches/{match_id}/accept"),
            Some(buyer),
            &json!({})
        )
        .await
        .status(),
        200
    );
    let still: Value = app.get(&path, Some(buyer)).await.json().await.unwrap();
    assert_eq!(still["teaser"], true, "one acceptance is not enough");
    assert_eq!(
        app.post(
            &format!("/api/v1/matches/{match_id}/accept"),
            Some(seller),
            &json!({})
        )
        .await
        .status(),
        200
    );
    let revealed: Value = app.get(&path, Some(buyer)).await.json().await.unwrap();
    assert_eq!(revealed["teaser"], false);
    assert_eq!(revealed["enterprise_name"], "Menuiserie du Royans");
}

#[tokio::test]
async fn expired_listings_leave_the_market_and_withdraw_their_matches() {
    let app = TestApp::spawn().await;
    let market = Market::open(&app, 2).await;
    let (a, a_id) = &market.members[0];
    let (b, b_id) = &market.members[1];
    let offer = app
        .create_listing(a, &listing_body(*a_id, "offer", json!({})))
        .await;
    let need = app
        .create_listing(b, &listing_body(*b_id, "need", json!({})))
        .await;
    assert_eq!(need["matches"].as_array().unwrap().len(), 1);
    let offer_id = offer["id"].as_i64().unwrap();
    app.with_conn(move |conn| {
        use diesel::prelude::*;
        diesel::sql_query(format!("UPDATE listings SET valid_until = current_date - 1, available_from = NULL WHERE id = {offer_id}"))
            .execute(conn)
            .unwrap();
    })
    .await;
    app.housekeeping_at(chrono::Utc::now(), 7).await;
    let expired: Value = app
        .get(&format!("/api/v1/listings/{offer_id}"), Some(a))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(expired["status"], "expired");
    let matches: Value = app
        .get(&format!("/api/v1/listings/{}/matches", need["id"]), Some(b))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(matches["items"], json!([]));
    let (found, _) = titles(&app, "?kind=offer", None).await;
    assert!(found.is_empty());
    // Publishing it again needs new dates.
    let problem = assert_problem(
        app.post(
            &format!("/api/v1/listings/{offer_id}/publish"),
            Some(a),
            &json!({}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["valid_until"]);
}

#[tokio::test]
async fn nul_characters_are_refused_cleanly() {
    let app = TestApp::spawn().await;
    let market = Market::open(&app, 1).await;
    let (owner, enterprise) = &market.members[0];
    assert_problem(app.get("/api/v1/listings?q=%00bois", None).await, 400).await;
    assert_problem(app.get("/api/v1/poles/%00", None).await, 400).await;
    let response = app
        .post(
            "/api/v1/listings",
            Some(owner),
            &listing_body(*enterprise, "offer", json!({"title": "Bois\u{0000} sec"})),
        )
        .await;
    assert_problem(response, 400).await;
}

#[tokio::test]
async fn a_listing_runs_to_the_end_of_its_last_day_in_paris() {
    let at = |text: &str| {
        chrono::DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&chrono::Utc)
    };
    let app = TestApp::spawn_at(at("2026-11-30T12:00:00Z")).await;
    let market = Market::open(&app, 1).await;
    let (a, a_id) = &market.members[0];
    let offer = app
        .create_listing(
            a,
            &listing_body(*a_id, "offer", json!({"valid_until": "2026-12-01"})),
        )
        .await;
    let path = format!("/api/v1/listings/{}", offer["id"]);
    // 23:30 on 1 December in Paris (22:30 UTC): its last day is not over.
    app.housekeeping_at(at("2026-12-01T22:30:00Z"), 7).await;
    let still: Value = app.get(&path, Some(a)).await.json().await.unwrap();
    assert_eq!(still["status"], "open");
    // 00:30 on 2 December in Paris, still 1 December in UTC: it has ended.
    app.housekeeping_at(at("2026-12-01T23:30:00Z"), 7).await;
    let ended: Value = app.get(&path, Some(a)).await.json().await.unwrap();
    assert_eq!(ended["status"], "expired");
}

#[tokio::test]
async fn around_a_place_listings_come_nearest_first_page_after_page() {
    let app = TestApp::spawn().await;
    let market = Market::open(&app, 1).await;
    let (owner, enterprise) = &market.members[0];
    // Romans (0 km), Bourg-de-Péage (~2 km), Valence (~18 km), Crest (~35 km), Die (~60 km).
    for (title, commune) in [
        ("Die", "26113"),
        ("Romans", "26281"),
        ("Valence", "26362"),
        ("Bourg-de-Péage", "26057"),
        ("Crest", "26108"),
    ] {
        app.create_listing(
            owner,
            &listing_body(
                *enterprise,
                "offer",
                json!({"title": format!("Bois à {title}"), "commune": commune, "radius_km": 200}),
            ),
        )
        .await;
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let query = match &cursor {
            Some(c) => format!("?near=26281&radius_km=100&limit=2&cursor={c}"),
            None => "?near=26281&radius_km=100&limit=2".to_string(),
        };
        let body: Value = app
            .get(&format!("/api/v1/listings{query}"), None)
            .await
            .json()
            .await
            .unwrap();
        for item in body["items"].as_array().unwrap() {
            seen.push((
                item["title"].as_str().unwrap().to_string(),
                item["distance_km"].as_f64().unwrap(),
            ));
        }
        match body["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => break,
        }
    }
    let titles: Vec<&str> = seen.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(
        titles,
        vec![
            "Bois à Romans",
            "Bois à Bourg-de-Péage",
            "Bois à Valence",
            "Bois à Crest",
            "Bois à Die"
        ]
    );
    assert!(seen.windows(2).all(|w| w[0].1 <= w[1].1), "{seen:?}");
}
