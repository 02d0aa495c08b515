use serde_json::{json, Value};

use crate::helpers::{assert_problem, error_fields, listing_body, Market, TestApp};

#[tokio::test]
async fn publishing_a_need_shows_the_right_offers_best_first_with_reasons() {
    let app = TestApp::spawn().await;
    let market = Market::open(&app, 2).await;
    let (supplier, supplier_id) = &market.members[0];
    let (buyer, buyer_id) = &market.members[1];
    let offers = [
        // title, naf, commune, quantity, unit, price
        (
            "Chêne en même sous-classe",
            "16.10A",
            "26057",
            "800",
            "kg",
            "0.10",
        ), // Bourg-de-Péage, next door
        ("Bois en même division", "16.29Z", "26362", "2", "t", "90"), // Valence
        ("Autre matière", "16.10A", "26281", "1", "t", "50"),         // metal, not wood
        ("Trop loin", "16.10A", "13055", "1", "t", "50"),             // Marseille, out of reach
        ("Mauvaise unité", "16.10A", "26281", "1", "m3", "50"),       // volume vs mass
        ("Trop cher", "16.10A", "26281", "1", "t", "500"),            // over budget
    ];
    for (title, naf, commune, quantity, unit, price) in offers {
        // What is exchanged decides: every offer is wood, but one.
        let material = if title == "Autre matière" {
            "metal"
        } else {
            "wood"
        };
        app.create_listing(
            supplier,
            &listing_body(
                *supplier_id,
                "offer",
                json!({"title": title, "naf": naf, "commune": commune, "quantity": quantity, "unit": unit, "unit_price": price, "radius_km": 100,
                       "details": {"resource_type": "by_product", "recurrence": "recurring", "material": material}}),
            ),
        )
        .await;
    }
    let need = app
        .create_listing(
            buyer,
            &listing_body(
                *buyer_id,
                "need",
                json!({"title": "Besoin de chutes de chêne", "quantity": "1", "unit": "t", "unit_price": "150", "radius_km": 60}),
            ),
        )
        .await;
    let matches = need["matches"].as_array().unwrap();
    let titles: Vec<&str> = matches
        .iter()
        .map(|m| m["counterpart"]["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        vec!["Chêne en même sous-classe", "Bois en même division"]
    );
    let scores: Vec<i64> = matches
        .iter()
        .map(|m| m["score"].as_i64().unwrap())
        .collect();
    assert!(scores[0] > scores[1], "{scores:?}");
    let best = &matches[0];
    let factors: Vec<&str> = best["explanation"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["factor"].as_str().unwrap())
        .collect();
    assert_eq!(
        factors,
        vec!["material", "distance", "text", "quantity", "price", "dates"]
    );
    let material = best["explanation"][0]["detail"].as_str().unwrap();
    assert_eq!(material, "Même matière\u{202f}: bois");
    let text = best["explanation"][2]["detail"].as_str().unwrap();
    assert!(text.starts_with("Mots en commun\u{202f}: "), "{text}");
    assert!(text.contains("chêne") && text.contains("chutes"), "{text}");
    let quantity = best["explanation"][3]["detail"].as_str().unwrap();
    assert_eq!(
        quantity,
        "L’offre couvre 80\u{a0}% du besoin (800\u{a0}kg pour 1\u{a0}t)"
    );
    assert!(best["explanation"][1]["detail"]
        .as_str()
        .unwrap()
        .ends_with("dans le rayon de 60\u{a0}km"));

    // The same, read by the supplier in English from its side.
    app.patch("/api/v1/me", Some(supplier), &json!({"locale": "en"}))
        .await;
    let mine: Value = app
        .get("/api/v1/matches", Some(supplier))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine["items"].as_array().unwrap().len(), 2);
    assert_eq!(
        mine["items"][0]["explanation"][3]["detail"],
        "The offer covers 80 % of the need (800 kg for 1 t)"
    );
    assert_eq!(
        mine["items"][0]["counterpart"]["title"],
        "Besoin de chutes de chêne"
    );
}

#[tokio::test]
async fn the_score_is_the_same_whichever_side_publishes_first() {
    let app = TestApp::spawn().await;
    let market = Market::open(&app, 2).await;
    let (a, a_id) = &market.members[0];
    let (b, b_id) = &market.members[1];
    let offer_fields = json!({"commune": "26362", "quantity": "3", "unit": "t", "unit_price": "80", "available_from": "2027-01-01", "valid_until": "2027-06-30"});
    let need_fields = json!({"naf": "16.10B", "quantity": "5000", "unit": "kg", "unit_price": "0.1", "available_from": "2027-03-01", "valid_until": "2027-09-30"});

    let offer = app
        .create_listing(a, &listing_body(*a_id, "offer", offer_fields.clone()))
        .await;
    let need = app
        .create_listing(b, &listing_body(*b_id, "need", need_fields.clone()))
        .await;
    let first = need["matches"][0].clone();
    let close = json!({"reason": "withdrawn"});
    app.post(
        &format!("/api/v1/listings/{}/close", offer["id"]),
        Some(a),
        &close,
    )
    .await;
    app.post(
        &format!("/api/v1/listings/{}/close", need["id"]),
        Some(b),
        &close,
    )
    .await;

    // The other way round: the need first, then the offer.
    let need = app
        .create_listing(b, &listing_body(*b_id, "need", need_fields))
        .await;
    let offer = app
        .create_listing(a, &listing_body(*a_id, "offer", offer_fields))
        .await;
    let second = offer["matches"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["need_id"] == need["id"])
        .unwrap()
        .clone();
    assert_eq!(first["score"], second["score"]);
    assert_eq!(first["explanation"], second["explanation"]);
}

#[tokio::test]
async fn when_both_sides_accept_one_exchange_is_created() {
    let app = TestApp::spawn().await;
    let market = Market::open(&app, 3).await;
    let (a, a_id) = &market.members[0];
    let (b, b_id) = &market.members[1];
    let (stranger, _) = &market.members[2];
    app.create_listing(
        a,
        &listing_body(
            *a_id,
            "offer",
            json!({"quantity": "2", "unit": "t", "unit_price": "100"}),
        ),
    )
    .await;
    let need = app
        .create_listing(
            b,
            &listing_body(*b_id, "need", json!({"quantity": "500", "unit": "kg"})),
        )
        .await;
    let match_id = need["matches"][0]["id"].as_i64().unwrap();
    let accept = format!("/api/v1/matches/{match_id}/accept");

    assert_problem(app.post(&accept, None, &json!({})).await, 401).await;
    assert_problem(app.post(&accept, Some(stranger), &json!({})).await, 403).await;
    let first: Value = app
        .post(&accept, Some(b), &json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(first["match"]["need_decision"], "accepted");
    assert!(first["exchange_id"].is_null());
    let again: Value = app
        .post(&accept, Some(b), &json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert!(
        again["exchange_id"].is_null(),
        "accepting twice changes nothing"
    );
    let second = app.post(&accept, Some(a), &json!({})).await;
    assert_eq!(second.status(), 200);
    let second: Value = second.json().await.unwrap();
    assert!(second["exchange_id"].is_i64());
    assert_eq!(second["match"]["status"], "accepted");

    let (quantity, unit, total, committed): (String, String, String, String) = app
        .with_conn(|conn| {
            use diesel::prelude::*;
            use ptce_exchange::schema::{exchanges, listings};
            let (q, u, t): (
                Option<rust_decimal::Decimal>,
                Option<String>,
                Option<rust_decimal::Decimal>,
            ) = exchanges::table
                .select((
                    exchanges::quantity,
                    exchanges::unit,
                    exchanges::total_amount,
                ))
                .first(conn)
                .unwrap();
            let committed: rust_decimal::Decimal = listings::table
                .filter(listings::kind.eq("offer"))
                .select(listings::quantity_committed)
                .first(conn)
                .unwrap();
            (
                q.unwrap().normalize().to_string(),
                u.unwrap(),
                t.unwrap().to_string(),
                committed.normalize().to_string(),
            )
        })
        .await;
    assert_eq!(
        (
            quantity.as_str(),
            unit.as_str(),
            total.as_str(),
            committed.as_str()
        ),
        ("0.5", "t", "50.00", "0.5")
    );
    // Once agreed, the answer is final.
    assert_problem(
        app.post(
            &format!("/api/v1/matches/{match_id}/decline"),
            Some(a),
            &json!({}),
        )
        .await,
        409,
    )
    .await;
}

#[tokio::test]
async fn accepting_at_the_same_instant_creates_exactly_one_exchange() {
    let app = TestApp::spawn().await;
    let market = Market::open(&app, 2).await;
    let (a, a_id) = &market.members[0];
    let (b, b_id) = &market.members[1];
    for round in 0..8 {
        app.create_listing(
            a,
            &listing_body(
                *a_id,
                "offer",
                json!({"title": format!("Lot de chêne {round}")}),
            ),
        )
        .await;
        let need = app
            .create_listing(
                b,
                &listing_body(
                    *b_id,
                    "need",
                    json!({"title": format!("Besoin de chêne {round}")}),
                ),
            )
            .await;
        let newest = need["matches"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["counterpart"]["title"] == format!("Lot de chêne {round}"))
            .unwrap();
        let accept = format!("/api/v1/matches/{}/accept", newest["id"]);
        let empty = json!({});
        let (one, two) = tokio::join!(
            app.post(&accept, Some(a), &empty),
            app.post(&accept, Some(b), &empty)
        );
        assert_eq!(one.status(), 200);
        assert_eq!(two.status(), 200);
        let one: Value = one.json().await.unwrap();
        let two: Value = two.json().await.unwrap();
        let created: Vec<&Value> = [&one["exchange_id"], &two["exchange_id"]]
            .into_iter()
            .filter(|e| !e.is_null())
            .collect();
        assert_eq!(created.len(), 1, "round {round}: {one} / {two}");
    }
    let exchanges: i64 = app
        .with_conn(|conn| {
            use diesel::prelude::*;
            ptce_exchange::schema::exchanges::table
                .count()
                .get_result(conn)
                .unwrap()
        })
        .await;
    assert_eq!(exchanges, 8);
}

#[tokio::test]
async fn an_offer_is_never_committed_beyond_its_quantity() {
    let app = TestApp::spawn().await;
    let market = Market::open(&app, 4).await;
    let (a, a_id) = &market.members[0];
    let offer = app
        .create_listing(
            a,
            &listing_body(*a_id, "offer", json!({"quantity": "100", "unit": "kg"})),
        )
        .await;
    let mut match_ids = Vec::new();
    for (token, id) in &market.members[1..] {
        let need = app
            .create_listing(
                token,
                &listing_body(*id, "need", json!({"quantity": "60", "unit": "kg"})),
            )
            .await;
        let match_id = need["matches"][0]["id"].as_i64().unwrap();
        let response = app
            .post(
                &format!("/api/v1/matches/{match_id}/accept"),
                Some(token),
                &json!({}),
            )
            .await;
        assert_eq!(response.status(), 200);
        match_ids.push(match_id);
    }
    // The offer's side accepts the three at once.
    let app = &app;
    let accepts = match_ids.iter().map(|id| {
        let path = format!("/api/v1/matches/{id}/accept");
        async move { app.post(&path, Some(a), &json!({})).await.status().as_u16() }
    });
    let statuses = futures_util::future::join_all(accepts).await;
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        2,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        1,
        "{statuses:?}"
    );
    let offer_id = offer["id"].as_i64().unwrap();
    let (committed, total): (String, String) = app
        .with_conn(move |conn| {
            use diesel::prelude::*;
            use ptce_exchange::schema::{exchanges, listings};
            let committed: rust_decimal::Decimal = listings::table
                .find(offer_id)
                .select(listings::quantity_committed)
                .first(conn)
                .unwrap();
            let total: Option<rust_decimal::Decimal> = exchanges::table
                .select(diesel::dsl::sum(exchanges::quantity))
                .first(conn)
                .unwrap();
            (
                committed.normalize().to_string(),
                total.unwrap().normalize().to_string(),
            )
        })
        .await;
    assert_eq!(committed, "100");
    assert_eq!(total, "100");
    let closed: Value = app
        .get(&format!("/api/v1/listings/{offer_id}"), Some(a))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(closed["status"], "closed");
    assert_eq!(closed["close_reason"], "fulfilled");
}

#[tokio::test]
async fn a_declined_match_cannot_be_accepted() {
    let app = TestApp::spawn().await;
    let market = Market::open(&app, 2).await;
    let (a, a_id) = &market.members[0];
    let (b, b_id) = &market.members[1];
    app.create_listing(a, &listing_body(*a_id, "offer", json!({})))
        .await;
    let need = app
        .create_listing(b, &listing_body(*b_id, "need", json!({})))
        .await;
    let match_id = need["matches"][0]["id"].as_i64().unwrap();
    let declined: Value = app
        .post(
            &format!("/api/v1/matches/{match_id}/decline"),
            Some(a),
            &json!({}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(declined["match"]["status"], "declined");
    assert_problem(
        app.post(
            &format!("/api/v1/matches/{match_id}/accept"),
            Some(b),
            &json!({}),
        )
        .await,
        409,
    )
    .await;
    // A coordinator of both sides must say which side it answers for.
    let problem = assert_problem(
        app.post(
            &format!("/api/v1/matches/{match_id}/accept"),
            Some(&market.coordinator),
            &json!({}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["side"]);
}

#[tokio::test]
async fn matches_of_a_listing_are_for_its_side_only() {
    let app = TestApp::spawn().await;
    let market = Market::open(&app, 3).await;
    let (a, a_id) = &market.members[0];
    let (_, b_id) = &market.members[1];
    let (stranger, _) = &market.members[2];
    let offer = app
        .create_listing(a, &listing_body(*a_id, "offer", json!({})))
        .await;
    app.create_listing(&market.coordinator, &listing_body(*b_id, "need", json!({})))
        .await;
    let path = format!("/api/v1/listings/{}/matches", offer["id"]);
    assert_problem(app.get(&path, None).await, 401).await;
    assert_problem(app.get(&path, Some(stranger)).await, 403).await;
    let list: Value = app.get(&path, Some(a)).await.json().await.unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    assert_problem(
        app.get("/api/v1/listings/424242/matches", Some(a)).await,
        404,
    )
    .await;
    assert_problem(app.get("/api/v1/matches?status=maybe", Some(a)).await, 422).await;
}

#[tokio::test]
async fn an_enterprise_without_an_offer_can_propose_to_a_need() {
    let app = TestApp::spawn().await;
    let market = Market::open(&app, 3).await;
    let (buyer, buyer_id) = &market.members[0];
    let (maker, maker_id) = &market.members[1];
    let (stranger, _) = &market.members[2];
    let need = app
        .create_listing(
            buyer,
            &listing_body(
                *buyer_id,
                "need",
                json!({"category": "relocated_production", "details": {"lead_time_days": 20}}),
            ),
        )
        .await;
    let path = format!("/api/v1/listings/{}/proposals", need["id"]);
    let body = json!({"enterprise_id": maker_id, "message": "Nous pouvons produire ces pièces à Romans.", "quantity": "500", "unit": "unit", "unit_price": "12.40"});
    assert_problem(app.post(&path, None, &body).await, 401).await;
    assert_problem(app.post(&path, Some(stranger), &body).await, 403).await;
    let problem = assert_problem(
        app.post(
            &path,
            Some(maker),
            &json!({"enterprise_id": maker_id, "message": "", "quantity": "0", "unit_price": "1"}),
        )
        .await,
        422,
    )
    .await;
    let mut fields = error_fields(&problem);
    fields.sort();
    assert_eq!(fields, vec!["message", "quantity", "unit"]);

    let created = app.post(&path, Some(maker), &body).await;
    assert_eq!(created.status(), 201);
    let proposal: Value = created.json().await.unwrap();
    assert_eq!(proposal["status"], "pending");
    assert_eq!(proposal["unit_price"], "12.40");

    assert_problem(app.get(&path, Some(maker)).await, 403).await;
    let listed: Value = app.get(&path, Some(buyer)).await.json().await.unwrap();
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);

    let accept = format!("/api/v1/proposals/{}/accept", proposal["id"]);
    assert_problem(app.post(&accept, Some(maker), &json!({})).await, 403).await;
    let accepted: Value = app
        .post(&accept, Some(buyer), &json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(accepted["status"], "accepted");
    assert!(accepted["exchange_id"].is_i64());
    assert_problem(app.post(&accept, Some(buyer), &json!({})).await, 409).await;
    let total: String = app
        .with_conn(|conn| {
            use diesel::prelude::*;
            use ptce_exchange::schema::exchanges;
            let total: Option<rust_decimal::Decimal> = exchanges::table
                .select(exchanges::total_amount)
                .first(conn)
                .unwrap();
            total.unwrap().to_string()
        })
        .await;
    assert_eq!(total, "6200.00");
}
