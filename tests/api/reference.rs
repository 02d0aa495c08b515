use serde_json::Value;

use crate::helpers::{assert_problem, TestApp};

async fn names(app: &TestApp, path: &str) -> Vec<String> {
    let response = app.get(path, None).await;
    assert_eq!(response.status(), 200, "{path}");
    let body: Value = response.json().await.unwrap();
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| {
            format!(
                "{} {}",
                item["code"].as_str().unwrap(),
                item.get("name")
                    .or(item.get("label"))
                    .unwrap()
                    .as_str()
                    .unwrap()
            )
        })
        .collect()
}

#[tokio::test]
async fn communes_are_found_by_name_prefix_ignoring_case_and_accents() {
    let app = TestApp::spawn().await;
    let romans = names(&app, "/api/v1/reference/communes?q=romans").await;
    // The communes named exactly "Romans" first, then the biggest whose name starts so.
    assert!(romans[0].ends_with(" Romans"), "{romans:?}");
    assert!(
        romans.contains(&"26281 Romans-sur-Isère".to_string()),
        "{romans:?}"
    );
    let saint_etienne = names(&app, "/api/v1/reference/communes?q=saint%20etienne").await;
    assert_eq!(
        saint_etienne[0], "42218 Saint-Étienne",
        "the biggest town comes first"
    );
    let upper = names(
        &app,
        "/api/v1/reference/communes?q=SAINT-%C3%89TIENNE&limit=3",
    )
    .await;
    assert_eq!(upper.len(), 3);
    assert_eq!(upper[0], "42218 Saint-Étienne");
}

#[tokio::test]
async fn communes_are_found_by_postal_code_and_insee_code() {
    let app = TestApp::spawn().await;
    let by_postal = names(&app, "/api/v1/reference/communes?q=26100").await;
    assert!(
        by_postal.contains(&"26281 Romans-sur-Isère".to_string()),
        "{by_postal:?}"
    );
    let by_code = names(&app, "/api/v1/reference/communes?q=2A004").await;
    assert_eq!(by_code, vec!["2A004 Ajaccio".to_string()]);
    assert!(names(&app, "/api/v1/reference/communes?q=")
        .await
        .is_empty());
}

#[tokio::test]
async fn commune_results_carry_territory_and_coordinates() {
    let app = TestApp::spawn().await;
    let body: Value = app
        .get("/api/v1/reference/communes?q=romans-sur", None)
        .await
        .json()
        .await
        .unwrap();
    let romans = &body["items"][0];
    assert_eq!(romans["departement"], "26");
    assert_eq!(romans["region"], "84");
    assert_eq!(romans["epci"], "200068781");
    assert_eq!(romans["postal_codes"][0], "26100");
    assert!(romans["lat"].as_f64().unwrap() > 45.0);
}

#[tokio::test]
async fn naf_codes_are_found_by_label_words_and_by_code_prefix() {
    let app = TestApp::spawn().await;
    let patisserie = names(&app, "/api/v1/reference/naf?q=patisserie").await;
    assert!(
        patisserie.iter().any(|n| n.starts_with("10.71C ")),
        "{patisserie:?}"
    );
    let sciage = names(&app, "/api/v1/reference/naf?q=Sciage%20bois").await;
    assert!(sciage.iter().any(|n| n.starts_with("16.10")), "{sciage:?}");
    let by_code = names(&app, "/api/v1/reference/naf?q=10.71").await;
    assert!(by_code.iter().all(|n| n.starts_with("10.71")));
    assert!(by_code.iter().any(|n| n.starts_with("10.71C ")));
    let compact = names(&app, "/api/v1/reference/naf?q=1071c").await;
    assert_eq!(compact.len(), 1);
    assert!(compact[0].starts_with("10.71C "));
}

#[tokio::test]
async fn departements_and_regions_are_listed() {
    let app = TestApp::spawn().await;
    let departements = names(&app, "/api/v1/reference/departements").await;
    assert_eq!(departements.len(), 109);
    assert!(departements.contains(&"26 Drôme".to_string()));
    let regions = names(&app, "/api/v1/reference/regions").await;
    assert_eq!(regions.len(), 26);
    assert!(regions.contains(&"84 Auvergne-Rhône-Alpes".to_string()));
}

#[tokio::test]
async fn a_malformed_limit_is_a_bad_request() {
    let app = TestApp::spawn().await;
    assert_problem(
        app.get("/api/v1/reference/communes?q=lyon&limit=many", None)
            .await,
        400,
    )
    .await;
}

#[tokio::test]
async fn importing_reference_data_again_changes_nothing() {
    let app = TestApp::spawn().await;
    let counts = app
        .with_conn(|conn| {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/reference");
            let first = ptce_exchange::models::reference_import::import(conn, &dir).unwrap();
            let second = ptce_exchange::models::reference_import::import(conn, &dir).unwrap();
            use diesel::prelude::*;
            let communes: i64 = ptce_exchange::schema::communes::table
                .count()
                .get_result(conn)
                .unwrap();
            (first, second, communes)
        })
        .await;
    assert_eq!(counts.0, counts.1);
    assert_eq!(counts.0.communes, 34969);
    assert_eq!(counts.0.arrondissements, 45);
    assert_eq!(counts.2, 34969 + 45);
}

async fn first(app: &TestApp, query: &str) -> String {
    let path = format!(
        "/api/v1/reference/communes?q={}",
        query
            .bytes()
            .map(|b| format!("%{b:02X}"))
            .collect::<String>()
    );
    names(app, &path)
        .await
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("{query:?} finds nothing"))
}

#[tokio::test]
async fn communes_are_found_as_people_type_them() {
    let app = TestApp::spawn().await;
    for (typed, expected) in [
        ("havre", "76351 Le Havre"),
        ("Le Havre", "76351 Le Havre"),
        ("rochelle", "17300 La Rochelle"),
        ("ile bouchard", "37119 L'Île-Bouchard"),
        ("l’île-bouchard", "37119 L'Île-Bouchard"),
        ("st etienne", "42218 Saint-Étienne"),
        ("St-Malo", "35288 Saint-Malo"),
        ("ST MALO", "35288 Saint-Malo"),
        ("ste maxime", "83115 Sainte-Maxime"),
        ("sables d'olonne", "85194 Les Sables-d'Olonne"),
    ] {
        assert_eq!(first(&app, typed).await, expected, "{typed:?}");
    }
}

#[tokio::test]
async fn the_exact_code_and_the_exact_name_come_first() {
    let app = TestApp::spawn().await;
    // 13005 is Aubagne's INSEE code and one of Marseille's postal codes.
    let both = names(&app, "/api/v1/reference/communes?q=13005").await;
    assert_eq!(both[0], "13005 Aubagne", "{both:?}");
    assert!(both.iter().any(|n| n.starts_with("13055 ")), "{both:?}");
    // "Paris" is Paris, before its arrondissements.
    assert_eq!(first(&app, "paris").await, "75056 Paris");
}

#[tokio::test]
async fn arrondissements_of_paris_lyon_and_marseille_are_communes_too() {
    let app = TestApp::spawn().await;
    assert_eq!(
        first(&app, "Paris 8e").await,
        "75108 Paris 8e Arrondissement"
    );
    assert_eq!(first(&app, "lyon 3e").await, "69383 Lyon 3e Arrondissement");
    assert_eq!(
        first(&app, "marseille 8e").await,
        "13208 Marseille 8e Arrondissement"
    );
    let response = app.get("/api/v1/reference/communes?q=75108", None).await;
    let body: Value = response.json().await.unwrap();
    let paris8 = &body["items"][0];
    assert_eq!(paris8["kind"], "arrondissement");
    assert_eq!(paris8["parent"], "75056");
    assert_eq!(paris8["departement"], "75");
    assert_eq!(paris8["region"], "11");
    // Every arrondissement has its own coordinates, inside its city.
    let all = app
        .with_conn(|conn| ptce_exchange::models::reference::all_communes(conn).unwrap())
        .await;
    let arrondissements: Vec<_> = all.iter().filter(|c| c.kind == "arrondissement").collect();
    assert_eq!(arrondissements.len(), 20 + 9 + 16);
    for a in arrondissements {
        let parent = all
            .iter()
            .find(|c| Some(&c.code) == a.parent_code.as_ref())
            .unwrap();
        assert_eq!(a.departement_code, parent.departement_code, "{}", a.code);
        assert_eq!(a.region_code, parent.region_code, "{}", a.code);
        assert_eq!(a.epci_code, parent.epci_code, "{}", a.code);
        let (lat, lon) = (a.lat.unwrap(), a.lon.unwrap());
        let (plat, plon) = (parent.lat.unwrap(), parent.lon.unwrap());
        assert!(
            (lat - plat).abs() < 0.2 && (lon - plon).abs() < 0.25,
            "{}",
            a.code
        );
    }
}
