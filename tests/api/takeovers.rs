//! A business for sale cannot be singled out: what its public teaser shows, alone or with
//! the public directory, fits at least five enterprises; anonymous visitors see no
//! enterprise's commune or headcount; a buyer's contact request, once accepted, reveals
//! the seller to that buyer alone.

use serde_json::{json, Value};

use crate::helpers::{assert_problem, error_fields, listing_body, siret, Market, TestApp};
use crate::notifications::find;

/// How many approved enterprises of the directory fit what a teaser shows, counted in SQL
/// from the tables (not with the code that coarsened it).
async fn enterprises_fitting(app: &TestApp, teaser: &Value) -> i64 {
    let naf = teaser["naf"].as_str().map(String::from);
    let departement = teaser["departement"].as_str().map(String::from);
    let region = teaser["region"].as_str().map(String::from);
    let band = teaser["details"]["headcount_band"]
        .as_str()
        .map(String::from);
    app.with_conn(move |conn| {
        use diesel::prelude::*;
        #[derive(QueryableByName)]
        struct Count {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let (low, high) = match band.as_deref() {
            None => (0, i32::MAX),
            Some("0") => (0, 0),
            Some("1_9") => (1, 9),
            Some("10_49") => (10, 49),
            Some("50_249") => (50, 249),
            Some("250_plus") => (250, i32::MAX),
            Some(other) => panic!("unknown band {other}"),
        };
        diesel::sql_query(
            "SELECT count(DISTINCT e.id) AS n FROM enterprises e
             JOIN memberships m ON m.enterprise_id = e.id AND m.status = 'approved'
             JOIN communes c ON c.code = e.commune_code
             JOIN naf_codes n ON n.code = e.naf_code
             WHERE ($1::text IS NULL OR e.naf_code LIKE $1 || '%' OR n.section = $1)
               AND ($2::text IS NULL OR c.departement_code = $2)
               AND ($3::text IS NULL OR c.region_code = $3)
               AND e.headcount BETWEEN $4 AND $5",
        )
        .bind::<diesel::sql_types::Nullable<diesel::sql_types::Text>, _>(naf)
        .bind::<diesel::sql_types::Nullable<diesel::sql_types::Text>, _>(departement)
        .bind::<diesel::sql_types::Nullable<diesel::sql_types::Text>, _>(region)
        .bind::<diesel::sql_types::Integer, _>(low)
        .bind::<diesel::sql_types::Integer, _>(high)
        .get_result::<Count>(conn)
        .unwrap()
        .n
    })
    .await
}

async fn public_takeovers(app: &TestApp) -> Vec<Value> {
    let found: Value = app
        .get(
            "/api/v1/listings?category=business_takeover&limit=100",
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    found["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn every_takeover_teaser_of_the_demo_data_fits_at_least_five_enterprises() {
    let app = TestApp::spawn().await;
    app.with_conn(|conn| ptce_exchange::seed::seed_demo(conn).unwrap())
        .await;
    let teasers = public_takeovers(&app).await;
    assert!(!teasers.is_empty(), "the demo data has takeovers");
    for teaser in teasers {
        assert_eq!(teaser["teaser"], true);
        let fitting = enterprises_fitting(&app, &teaser).await;
        assert!(fitting >= 5, "{fitting} enterprises fit {teaser}");
    }
}

#[tokio::test]
async fn over_a_generated_directory_a_teaser_is_as_precise_as_five_enterprises_allow() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    app.create_pole(&admin, "pole-doubs", "25056", &["25", "39", "70", "90"])
        .await;
    let coordinator = app
        .coordinator_of(&admin, "pole-doubs", "coord@doubs.fr")
        .await;
    // Twelve enterprises: watchmakers (26.52Z) and others, in the Doubs and around.
    let directory = [
        ("26.52Z", "25462", 4), // Pontarlier (Doubs)
        ("26.52Z", "25462", 6),
        ("26.52Z", "25056", 3),  // Besançon (Doubs)
        ("26.52Z", "25388", 8),  // Montbéliard (Doubs)
        ("26.51A", "25056", 30), // another 26.5 class, bigger
        ("26.52Z", "39198", 5),  // Dole (Jura)
        ("10.71C", "25056", 7),
        ("43.32A", "25056", 2),
        ("16.23Z", "70550", 12), // Vesoul (Haute-Saône)
        ("26.52Z", "90010", 9),  // Belfort
        ("33.12Z", "25462", 4),
        ("26.52Z", "39300", 2), // Lons-le-Saunier (Jura)
    ];
    let mut members = Vec::new();
    for (n, (naf, commune, headcount)) in directory.iter().enumerate() {
        let (token, _) = app.register(&format!("m{n}@doubs.fr")).await;
        let response = app
            .post(
                "/api/v1/enterprises",
                Some(&token),
                &json!({"siret": siret(100 + n as u64), "name": format!("Entreprise {n}"), "legal_form": "scop", "ess": true, "naf": naf, "commune": commune, "headcount": headcount, "poles": ["pole-doubs"]}),
            )
            .await;
        assert_eq!(response.status(), 201);
        let id = response.json::<Value>().await.unwrap()["id"]
            .as_i64()
            .unwrap();
        let approved = app
            .post(
                &format!("/api/v1/poles/pole-doubs/members/{id}/approve"),
                Some(&coordinator),
                &json!({}),
            )
            .await;
        assert_eq!(approved.status(), 200);
        members.push((token, id));
    }
    // The seller: a watchmaker of Pontarlier with 4 people.
    let (seller, seller_id) = &members[0];
    app.create_listing(
        seller,
        &listing_body(
            *seller_id,
            "offer",
            json!({"category": "business_takeover", "naf": "26.52Z", "commune": "25462", "title": "Atelier à transmettre", "details": {"revenue_band": "100k_500k", "headcount_band": "1_9", "reason": "retirement"}}),
        ),
    )
    .await;
    let teaser = &public_takeovers(&app).await[0];
    let fitting = enterprises_fitting(&app, teaser).await;
    assert!(fitting >= 5, "{fitting} enterprises fit {teaser}");
    // Seven watchmakers (26.52Z) with 1–9 people in Bourgogne-Franche-Comté, only four in
    // the Doubs: the subclass shows, with the région rather than the département.
    assert_eq!(teaser["naf"], "26.52Z", "{teaser}");
    assert!(teaser.get("departement").is_none(), "{teaser}");
    assert_eq!(teaser["region"], "27", "{teaser}");
    // A search by département does not find it: that filter is narrower than the teaser.
    let by_departement: Value = app
        .get(
            "/api/v1/listings?category=business_takeover&departement=25",
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(by_departement["items"], json!([]));
}

#[tokio::test]
async fn anonymous_visitors_see_no_commune_or_headcount_of_any_enterprise() {
    let app = TestApp::spawn().await;
    let market = Market::open(&app, 1).await;
    let (member, id) = &market.members[0];
    let anonymous: Value = app
        .get(&format!("/api/v1/enterprises/{id}"), None)
        .await
        .json()
        .await
        .unwrap();
    assert!(anonymous.get("commune").is_none(), "{anonymous}");
    assert!(anonymous.get("headcount").is_none(), "{anonymous}");
    let pole: Value = app
        .get("/api/v1/poles/pole-a", None)
        .await
        .json()
        .await
        .unwrap();
    for member in pole["members"].as_array().unwrap() {
        assert!(
            member.get("commune").is_none() && member.get("headcount").is_none(),
            "{member}"
        );
    }
    // The members' commune is not on the pôle's page either (the pôle's own is).
    let page = app.get("/poles/pole-a", None).await.text().await.unwrap();
    assert!(!page.contains("NAF 16.23Z · 26281"), "{page}");
    let signed_in: Value = app
        .get(&format!("/api/v1/enterprises/{id}"), Some(member))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(signed_in["commune"], "26281");
}

/// A seller with a takeover and a would-be buyer, both approved in pôle A.
async fn takeover_with_buyer(app: &TestApp) -> (Market, i64) {
    let market = Market::open(app, 3).await;
    let (seller, seller_id) = &market.members[0];
    let offer = app
        .create_listing(
            seller,
            &listing_body(*seller_id, "offer", json!({"category": "business_takeover", "title": "Menuiserie à reprendre", "details": {"revenue_band": "500k_2m", "headcount_band": "10_49", "asking_price": "350000.00"}})),
        )
        .await;
    (market, offer["id"].as_i64().unwrap())
}

#[tokio::test]
async fn an_accepted_contact_request_reveals_the_seller_to_that_buyer_alone() {
    let app = TestApp::spawn().await;
    let (market, listing) = takeover_with_buyer(&app).await;
    let (seller, _) = &market.members[0];
    let (buyer, buyer_id) = &market.members[1];
    let (other, _) = &market.members[2];
    let path = format!("/api/v1/listings/{listing}");
    let requested = app
        .post(
            &format!("{path}/contact-requests"),
            Some(buyer),
            &json!({"enterprise_id": buyer_id, "message": "Nous cherchons à reprendre une menuiserie.", "confidentiality_accepted": true}),
        )
        .await;
    assert_eq!(requested.status(), 201);
    let request: Value = requested.json().await.unwrap();
    assert_eq!(request["status"], "pending");
    // The seller is told, and sees who asks.
    let mut told = Vec::new();
    for _ in 0..100 {
        told = find(
            &app.smtp.received(),
            "member0@example.fr",
            "Menuiserie à reprendre",
        )
        .into_iter()
        .map(|m| m.decoded())
        .collect();
        if !told.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(told.len(), 1, "the seller is told once");
    let seen: Value = app
        .get(&format!("{path}/contact-requests"), Some(seller))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(seen["items"][0]["enterprise_id"], *buyer_id);
    // Still a teaser until the seller accepts.
    let before: Value = app.get(&path, Some(buyer)).await.json().await.unwrap();
    assert_eq!(before["teaser"], true);
    let id = request["id"].as_i64().unwrap();
    // The buyer cannot accept its own request; a stranger does not see it.
    assert_problem(
        app.post(
            &format!("/api/v1/contact-requests/{id}/accept"),
            Some(buyer),
            &json!({}),
        )
        .await,
        403,
    )
    .await;
    assert_problem(
        app.post(
            &format!("/api/v1/contact-requests/{id}/accept"),
            Some(other),
            &json!({}),
        )
        .await,
        404,
    )
    .await;
    let accepted = app
        .post(
            &format!("/api/v1/contact-requests/{id}/accept"),
            Some(seller),
            &json!({}),
        )
        .await;
    assert_eq!(accepted.status(), 200);
    let revealed: Value = app.get(&path, Some(buyer)).await.json().await.unwrap();
    assert_eq!(revealed["teaser"], false);
    assert!(revealed["enterprise_name"].is_string());
    assert_eq!(revealed["details"]["asking_price"], "350000.00");
    // Nobody else learns anything more.
    for viewer in [Some(other.as_str()), None] {
        let teaser: Value = app.get(&path, viewer).await.json().await.unwrap();
        assert_eq!(teaser["teaser"], true);
        assert!(teaser.get("enterprise_name").is_none());
    }
    // Answering twice: the same answer changes nothing, the other is refused.
    assert_eq!(
        app.post(
            &format!("/api/v1/contact-requests/{id}/accept"),
            Some(seller),
            &json!({})
        )
        .await
        .status(),
        200
    );
    let problem = assert_problem(
        app.post(
            &format!("/api/v1/contact-requests/{id}/decline"),
            Some(seller),
            &json!({}),
        )
        .await,
        409,
    )
    .await;
    assert_eq!(problem["code"], "contact_request_already_decided");
}

#[tokio::test]
async fn a_contact_request_needs_a_message_and_the_confidentiality_commitment() {
    let app = TestApp::spawn().await;
    let (market, listing) = takeover_with_buyer(&app).await;
    let (buyer, buyer_id) = &market.members[1];
    let url = format!("/api/v1/listings/{listing}/contact-requests");
    let problem = assert_problem(
        app.post(
            &url,
            Some(buyer),
            &json!({"enterprise_id": buyer_id, "message": "  ", "confidentiality_accepted": false}),
        )
        .await,
        422,
    )
    .await;
    let mut fields = error_fields(&problem);
    fields.sort();
    assert_eq!(fields, vec!["confidentiality_accepted", "message"]);
    // Nothing was written.
    let list: Value = app
        .get(&url, Some(&market.members[0].0))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"], json!([]));
    // Anonymous: 401. Twice for one enterprise: 409. For the seller itself: 409.
    assert_problem(app.post(&url, None, &json!({})).await, 401).await;
    let body =
        json!({"enterprise_id": buyer_id, "message": "Bonjour", "confidentiality_accepted": true});
    assert_eq!(app.post(&url, Some(buyer), &body).await.status(), 201);
    let again = assert_problem(app.post(&url, Some(buyer), &body).await, 409).await;
    assert_eq!(again["code"], "contact_request_exists");
    let (seller, seller_id) = &market.members[0];
    let own = assert_problem(
        app.post(
            &url,
            Some(seller),
            &json!({"enterprise_id": seller_id, "message": "Moi", "confidentiality_accepted": true}),
        )
        .await,
        409,
    )
    .await;
    assert_eq!(own["code"], "own_listing");
    // For an enterprise the caller does not act for: 403.
    let (other, _) = &market.members[2];
    let foreign = assert_problem(
        app.post(
            &url,
            Some(other),
            &json!({"enterprise_id": buyer_id, "message": "Pour eux", "confidentiality_accepted": true}),
        )
        .await,
        403,
    )
    .await;
    assert_eq!(foreign["code"], "not_your_enterprise");
}

#[tokio::test]
async fn contact_requests_are_for_takeovers_only() {
    let app = TestApp::spawn().await;
    let market = Market::open(&app, 2).await;
    let (seller, seller_id) = &market.members[0];
    let (buyer, buyer_id) = &market.members[1];
    let offer = app
        .create_listing(seller, &listing_body(*seller_id, "offer", json!({})))
        .await;
    let problem = assert_problem(
        app.post(
            &format!("/api/v1/listings/{}/contact-requests", offer["id"]),
            Some(buyer),
            &json!({"enterprise_id": buyer_id, "message": "Bonjour", "confidentiality_accepted": true}),
        )
        .await,
        409,
    )
    .await;
    assert_eq!(problem["code"], "contact_requests_for_takeovers");
}
