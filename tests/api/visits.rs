//! Learning visits and the library: planning, registration up to the capacity (also under
//! concurrency) then the waiting list, promotion by email when a seat frees, audience and
//! deadline, cancellation, calendars (RFC 5545), reminders, attendance and its CSV, the
//! report that becomes a library resource found by a French search, and who reads what.

use chrono::{DateTime, Duration, TimeZone, Utc};
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{assert_problem, error_fields, siret, Market, TestApp};

/// 29 November 2026, 10:00 Paris time.
fn day_zero() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 29, 9, 0, 0).unwrap()
}

/// A visit of pole-a on 10 December 2026, 09:30–16:30 Paris time (08:30–15:30 UTC).
fn visit_body(capacity: i64, audience: &str) -> Value {
    json!({
        "pole": "pole-a",
        "title": "Gouvernance partagée dans une SCIC",
        "description": "Comment décident quarante sociétaires ; visite de l’atelier.",
        "theme": "governance",
        "transversal_issue": "social_impact",
        "commune": "26281",
        "starts_at": "2026-12-10T09:30:00+01:00",
        "ends_at": "2026-12-10T16:30:00+01:00",
        "registration_deadline": "2026-12-08T18:00:00+01:00",
        "capacity": capacity,
        "audience": audience,
    })
}

/// A second pôle with one approved member: (its token, its enterprise id).
async fn second_pole_member(app: &TestApp, admin: &str) -> (String, i64) {
    app.create_pole(admin, "pole-b", "38185", &["38"]).await;
    let coordinator = app
        .coordinator_of(admin, "pole-b", "coordination@pole-b.fr")
        .await;
    let (token, _) = app.register("member@pole-b.fr").await;
    let created = app
        .create_enterprise(&token, &siret(900), &["pole-b"])
        .await;
    let id = created["id"].as_i64().unwrap();
    let approved = app
        .post(
            &format!("/api/v1/poles/pole-b/members/{id}/approve"),
            Some(&coordinator),
            &json!({}),
        )
        .await;
    assert_eq!(approved.status(), 200);
    (token, id)
}

async fn plan(app: &TestApp, coordinator: &str, body: &Value) -> Value {
    let response = app.post("/api/v1/visits", Some(coordinator), body).await;
    let status = response.status();
    let created: Value = response.json().await.unwrap();
    assert_eq!(status, 201, "{created}");
    created
}

async fn register(app: &TestApp, visit: i64, token: &str, enterprise: i64) -> reqwest::Response {
    app.post(
        &format!("/api/v1/visits/{visit}/registrations"),
        Some(token),
        &json!({"enterprise_id": enterprise, "note": "Nous viendrons à deux."}),
    )
    .await
}

/// Waits (up to 10 s) until a received email satisfies `wanted`.
async fn wait_for_mail(
    app: &TestApp,
    wanted: impl Fn(&crate::smtp::ReceivedMail) -> bool,
) -> Option<crate::smtp::ReceivedMail> {
    for _ in 0..100 {
        if let Some(found) = app.smtp.received().into_iter().find(|m| wanted(m)) {
            return Some(found);
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    None
}

fn emails_to<'a>(
    received: &'a [crate::smtp::ReceivedMail],
    address: &str,
) -> Vec<&'a crate::smtp::ReceivedMail> {
    received
        .iter()
        .filter(|m| m.to.iter().any(|t| t == address))
        .collect()
}

#[tokio::test]
async fn members_of_two_poles_register_until_full_and_a_freed_seat_goes_to_the_waiting_list() {
    let app = TestApp::spawn_at(day_zero()).await;
    let market = Market::open(&app, 2).await;
    let admin = app.admin_token().await;
    let (outsider, outsider_enterprise) = second_pole_member(&app, &admin).await;
    let visit = plan(&app, &market.coordinator, &visit_body(2, "network")).await;
    let id = visit["id"].as_i64().unwrap();
    assert_eq!(visit["status"], "planned");
    assert_eq!(visit["seats_left"], 2);
    // Shown in Paris time with its offset.
    assert_eq!(visit["starts_at"], "2026-12-10T09:30:00+01:00");
    assert_eq!(visit["commune_name"], "Romans-sur-Isère (26)");

    let (first, first_enterprise) = &market.members[0];
    let (second, second_enterprise) = &market.members[1];
    let one: Value = register(&app, id, first, *first_enterprise)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(one["status"], "confirmed");
    let two = register(&app, id, second, *second_enterprise).await;
    assert_eq!(two.status(), 201);
    let waiting = register(&app, id, &outsider, outsider_enterprise).await;
    assert_eq!(waiting.status(), 201);
    let waiting: Value = waiting.json().await.unwrap();
    assert_eq!(waiting["status"], "waitlisted");
    assert_eq!(waiting["waitlist_position"], 1);
    let shown: Value = app
        .get(&format!("/api/v1/visits/{id}"), Some(&outsider))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(shown["seats_left"], 0);
    assert_eq!(shown["my_registration"]["status"], "waitlisted");

    // Twice for the same account: refused, nothing written.
    let again = register(&app, id, first, *first_enterprise).await;
    let problem = assert_problem(again, 409).await;
    assert_eq!(problem["code"], "already_registered");

    // The first cancels: the waiting list's first is confirmed and told by email.
    let cancelled = app
        .request(
            Method::DELETE,
            &format!("/api/v1/visits/{id}/registrations/{}", one["id"]),
            Some(first),
            None,
        )
        .await;
    assert_eq!(cancelled.status(), 200);
    let list: Value = app
        .get(
            &format!("/api/v1/visits/{id}/registrations"),
            Some(&market.coordinator),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["confirmed"], 2);
    assert_eq!(list["waitlisted"], 0);
    let promoted = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == waiting["id"])
        .unwrap();
    assert_eq!(promoted["status"], "confirmed");

    // Emails: the confirmation carries the .ics; the waiting list then the promotion.
    let promoted_mail = wait_for_mail(&app, |m| {
        m.to == ["member@pole-b.fr"] && m.decoded().contains("place s’est libérée")
    })
    .await
    .expect("the promotion email");
    assert!(
        promoted_mail.data.contains("text/calendar"),
        "{}",
        promoted_mail.data
    );
    assert!(promoted_mail.data.contains("visite.ics"));
    let confirmation = wait_for_mail(&app, |m| {
        m.to == ["member0@example.fr"] && m.decoded().contains("Votre place est réservée")
    })
    .await
    .expect("the confirmation");
    assert!(
        confirmation.data.contains("text/calendar"),
        "it carries the calendar file"
    );
    let waitlisted = wait_for_mail(&app, |m| {
        m.to == ["member@pole-b.fr"] && m.decoded().contains("position 1 de la liste")
    })
    .await;
    assert!(waitlisted.is_some(), "told of the waiting list");
    let received = app.smtp.received();
    assert!(
        emails_to(&received, "member1@example.fr").len() >= 2,
        "told of the plan and the seat"
    );
}

#[tokio::test]
async fn concurrent_registrations_never_exceed_the_capacity() {
    let app = TestApp::spawn_at(day_zero()).await;
    let market = Market::open(&app, 12).await;
    let visit = plan(&app, &market.coordinator, &visit_body(3, "network")).await;
    let id = visit["id"].as_i64().unwrap();
    let attempts = market
        .members
        .iter()
        .map(|(token, enterprise)| register(&app, id, token, *enterprise));
    let answers = futures_util::future::join_all(attempts).await;
    let mut statuses = Vec::new();
    for answer in answers {
        assert_eq!(answer.status(), 201);
        let body: Value = answer.json().await.unwrap();
        statuses.push(body["status"].as_str().unwrap().to_string());
    }
    assert_eq!(statuses.iter().filter(|s| *s == "confirmed").count(), 3);
    assert_eq!(statuses.iter().filter(|s| *s == "waitlisted").count(), 9);
    let confirmed_in_db: i64 = app
        .with_conn(move |conn| {
            use diesel::prelude::*;
            use ptce_exchange::schema::visit_registrations as r;
            r::table
                .filter(r::visit_id.eq(id))
                .filter(r::status.eq("confirmed"))
                .count()
                .get_result(conn)
                .unwrap()
        })
        .await;
    assert_eq!(confirmed_in_db, 3);
    // The waiting list is numbered 1 to 9, in the order registrations arrived.
    let list: Value = app
        .get(
            &format!("/api/v1/visits/{id}/registrations"),
            Some(&market.coordinator),
        )
        .await
        .json()
        .await
        .unwrap();
    let positions: Vec<i64> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["waitlist_position"].as_i64())
        .collect();
    assert_eq!(positions, (1..=9).collect::<Vec<_>>());
}

#[tokio::test]
async fn audience_deadline_cancellation_and_who_may_do_what() {
    let app = TestApp::spawn_at(day_zero()).await;
    let market = Market::open(&app, 2).await;
    let admin = app.admin_token().await;
    let (outsider, outsider_enterprise) = second_pole_member(&app, &admin).await;
    let (member, member_enterprise) = &market.members[0];

    // Planning: only the pôle's coordinators; every field at fault at once.
    let refused = app
        .post("/api/v1/visits", Some(member), &visit_body(5, "network"))
        .await;
    assert_eq!(
        assert_problem(refused, 403).await["code"],
        "not_pole_coordinator"
    );
    let anonymous = app
        .post("/api/v1/visits", None, &visit_body(5, "network"))
        .await;
    assert_problem(anonymous, 401).await;
    let mut bad = visit_body(0, "network");
    bad["ends_at"] = json!("2026-12-10T08:00:00+01:00");
    bad["registration_deadline"] = json!("2026-12-11T08:00:00+01:00");
    bad["host_enterprise_id"] = json!(outsider_enterprise);
    let invalid = app
        .post("/api/v1/visits", Some(&market.coordinator), &bad)
        .await;
    let problem = assert_problem(invalid, 422).await;
    let mut fields = error_fields(&problem);
    fields.sort();
    assert_eq!(
        fields,
        [
            "capacity",
            "ends_at",
            "host_enterprise_id",
            "registration_deadline"
        ]
    );
    let mut past = visit_body(5, "network");
    past["starts_at"] = json!("2026-11-01T09:30:00+01:00");
    past["ends_at"] = json!("2026-11-01T12:30:00+01:00");
    past["registration_deadline"] = json!("2026-11-01T09:00:00+01:00");
    let problem = assert_problem(
        app.post("/api/v1/visits", Some(&market.coordinator), &past)
            .await,
        422,
    )
    .await;
    assert_eq!(error_fields(&problem), ["starts_at"]);
    let count: i64 = app
        .with_conn(|conn| {
            use diesel::prelude::*;
            ptce_exchange::schema::visits::table
                .count()
                .get_result(conn)
                .unwrap()
        })
        .await;
    assert_eq!(count, 0, "refused plans write nothing");

    // A pôle-only visit: a member of another pôle sees it but may not register.
    let private = plan(&app, &market.coordinator, &visit_body(5, "pole")).await;
    let private_id = private["id"].as_i64().unwrap();
    let seen = app
        .get(&format!("/api/v1/visits/{private_id}"), Some(&outsider))
        .await;
    assert_eq!(seen.status(), 200);
    let refused = register(&app, private_id, &outsider, outsider_enterprise).await;
    assert_eq!(
        assert_problem(refused, 403).await["code"],
        "audience_pole_only"
    );
    // For an enterprise one does not belong to.
    let refused = register(&app, private_id, &outsider, *member_enterprise).await;
    assert_eq!(
        assert_problem(refused, 403).await["code"],
        "not_your_enterprise"
    );
    assert_problem(
        register(&app, 999_999, member, *member_enterprise).await,
        404,
    )
    .await;
    // The registrations are the organisers'.
    let peek = app
        .get(
            &format!("/api/v1/visits/{private_id}/registrations"),
            Some(member),
        )
        .await;
    assert_eq!(
        assert_problem(peek, 403).await["code"],
        "not_visit_organiser"
    );
    let peek = app
        .get(
            &format!("/api/v1/visits/{private_id}/registrations.csv"),
            None,
        )
        .await;
    assert_problem(peek, 401).await;

    // After the deadline: closed.
    let open = plan(&app, &market.coordinator, &visit_body(5, "network")).await;
    let open_id = open["id"].as_i64().unwrap();
    let mine: Value = register(&app, open_id, member, *member_enterprise)
        .await
        .json()
        .await
        .unwrap();
    app.clock
        .set(Utc.with_ymd_and_hms(2026, 12, 8, 17, 1, 0).unwrap());
    let late = register(&app, open_id, &outsider, outsider_enterprise).await;
    assert_eq!(
        assert_problem(late, 409).await["code"],
        "registration_closed"
    );

    // Another's registration is not anyone else's to cancel.
    let not_yours = app
        .request(
            Method::DELETE,
            &format!("/api/v1/visits/{open_id}/registrations/{}", mine["id"]),
            Some(&outsider),
            None,
        )
        .await;
    assert_problem(not_yours, 404).await;

    // Cancelled: organisers only; then nobody registers, and it says so.
    let refused = app
        .post(
            &format!("/api/v1/visits/{open_id}/cancel"),
            Some(member),
            &json!({}),
        )
        .await;
    assert_eq!(
        assert_problem(refused, 403).await["code"],
        "not_visit_organiser"
    );
    let cancelled = app
        .post(
            &format!("/api/v1/visits/{private_id}/cancel"),
            Some(&market.coordinator),
            &json!({}),
        )
        .await;
    assert_eq!(cancelled.status(), 200);
    let cancelled: Value = cancelled.json().await.unwrap();
    assert_eq!(cancelled["status"], "cancelled");
    let refused = register(&app, private_id, member, *member_enterprise).await;
    assert_eq!(
        assert_problem(refused, 409).await["code"],
        "visit_cancelled"
    );
    let twice = app
        .post(
            &format!("/api/v1/visits/{private_id}/cancel"),
            Some(&market.coordinator),
            &json!({}),
        )
        .await;
    assert_eq!(assert_problem(twice, 409).await["code"], "visit_cancelled");
}

#[tokio::test]
async fn calendar_files_keep_their_uid_say_paris_time_in_utc_and_carry_cancellation() {
    let app = TestApp::spawn_at(day_zero()).await;
    let market = Market::open(&app, 1).await;
    let visit = plan(&app, &market.coordinator, &visit_body(10, "network")).await;
    let id = visit["id"].as_i64().unwrap();
    let response = app.get(&format!("/visits/{id}.ics"), None).await;
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/calendar"));
    let ics = response.text().await.unwrap();
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\n"));
    assert!(ics.contains("VERSION:2.0\r\n"));
    assert!(ics.contains(&format!("UID:visit-{id}@")));
    // 09:30 in Paris on 10 December (UTC+1) is 08:30 UTC.
    assert!(ics.contains("DTSTART:20261210T083000Z\r\n"), "{ics}");
    assert!(ics.contains("DTEND:20261210T153000Z\r\n"));
    assert!(ics.contains("SUMMARY:Gouvernance partagée dans une SCIC\r\n"));
    assert!(ics.contains("LOCATION:Romans-sur-Isère (26)\r\n"));
    assert!(ics.contains(&format!("/visits/{id}\r\n")));
    assert!(ics.contains("STATUS:CONFIRMED\r\n"));
    // RFC 5545 §3.1: no content line longer than 75 octets.
    assert!(ics.split("\r\n").all(|line| line.len() <= 75));

    // A change of time is a new SEQUENCE of the same UID.
    let moved = app
        .patch(
            &format!("/api/v1/visits/{id}"),
            Some(&market.coordinator),
            &json!({"starts_at": "2026-12-10T10:00:00+01:00"}),
        )
        .await;
    assert_eq!(moved.status(), 200);
    let ics = app
        .get(&format!("/visits/{id}.ics"), None)
        .await
        .text()
        .await
        .unwrap();
    assert!(ics.contains("SEQUENCE:1\r\n"));
    assert!(ics.contains("DTSTART:20261210T090000Z\r\n"));
    app.post(
        &format!("/api/v1/visits/{id}/cancel"),
        Some(&market.coordinator),
        &json!({}),
    )
    .await;
    let feed = app.get("/poles/pole-a/visits.ics", None).await;
    assert_eq!(feed.status(), 200);
    let feed = feed.text().await.unwrap();
    assert!(feed.contains(&format!("UID:visit-{id}@")));
    assert!(feed.contains("STATUS:CANCELLED\r\n"));
    assert!(feed.contains("SEQUENCE:2\r\n"));
    assert_eq!(app.get("/visits/999999.ics", None).await.status(), 404);
    assert_eq!(
        app.get("/poles/nowhere/visits.ics", None).await.status(),
        404
    );
}

#[tokio::test]
async fn reminders_go_two_days_before_to_the_confirmed_only_once() {
    let app = TestApp::spawn_at(day_zero()).await;
    let market = Market::open(&app, 2).await;
    let visit = plan(&app, &market.coordinator, &visit_body(1, "network")).await;
    let id = visit["id"].as_i64().unwrap();
    let (first, e1) = &market.members[0];
    let (second, e2) = &market.members[1];
    register(&app, id, first, *e1).await;
    register(&app, id, second, *e2).await;
    let subject_is_reminder =
        |m: &&crate::smtp::ReceivedMail| m.decoded().contains("Si vous ne pouvez plus venir");
    // Three days before: nothing yet.
    app.housekeeping_at(Utc.with_ymd_and_hms(2026, 12, 7, 8, 0, 0).unwrap(), 7)
        .await;
    // Two days before (less than 48 hours): the confirmed participant, once.
    let due = Utc.with_ymd_and_hms(2026, 12, 8, 10, 0, 0).unwrap();
    app.housekeeping_at(due, 7).await;
    app.housekeeping_at(due + Duration::hours(1), 7).await;
    for _ in 0..100 {
        let received = app.smtp.received();
        if received.iter().any(|m| subject_is_reminder(&m)) {
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let reminders: Vec<_> = app
        .smtp
        .received()
        .into_iter()
        .filter(|m| subject_is_reminder(&m))
        .collect();
    assert_eq!(reminders.len(), 1, "one reminder");
    assert_eq!(reminders[0].to, ["member0@example.fr"]);
}

#[tokio::test]
async fn attendance_csv_report_library_search_and_figures() {
    let app = TestApp::spawn_at(day_zero()).await;
    let market = Market::open(&app, 3).await;
    let visit = plan(&app, &market.coordinator, &visit_body(10, "network")).await;
    let id = visit["id"].as_i64().unwrap();
    let mut registrations = Vec::new();
    for (token, enterprise) in &market.members {
        let r: Value = register(&app, id, token, *enterprise)
            .await
            .json()
            .await
            .unwrap();
        registrations.push(r["id"].as_i64().unwrap());
    }
    // The report waits for the visit.
    let early = app
        .post(
            &format!("/api/v1/visits/{id}/report"),
            Some(&market.coordinator),
            &json!({"summary": "Trop tôt"}),
        )
        .await;
    assert_eq!(
        assert_problem(early, 409).await["code"],
        "visit_not_held_yet"
    );

    app.clock
        .set(Utc.with_ymd_and_hms(2026, 12, 10, 16, 0, 0).unwrap());
    let marked = app
        .post(
            &format!("/api/v1/visits/{id}/attendance"),
            Some(&market.coordinator),
            &json!({"registration_ids": [registrations[0], registrations[1]]}),
        )
        .await;
    assert_eq!(marked.status(), 200);
    let marked: Value = marked.json().await.unwrap();
    assert_eq!(marked["attended"], 2);
    let wrong = app
        .post(
            &format!("/api/v1/visits/{id}/attendance"),
            Some(&market.coordinator),
            &json!({"registration_ids": [registrations[2], 987654]}),
        )
        .await;
    let problem = assert_problem(wrong, 422).await;
    assert_eq!(error_fields(&problem), ["registration_ids[1]"]);

    let csv = app
        .get(
            &format!("/api/v1/visits/{id}/registrations.csv"),
            Some(&market.coordinator),
        )
        .await;
    assert_eq!(csv.status(), 200);
    let csv = csv.text().await.unwrap();
    let mut lines = csv.lines();
    assert!(lines
        .next()
        .unwrap()
        .starts_with("registration_id,enterprise,siret,participant,email,status"));
    assert_eq!(lines.count(), 3);
    assert!(csv.contains("member0@example.fr"));

    let report = app
        .post(
            &format!("/api/v1/visits/{id}/report"),
            Some(&market.coordinator),
            &json!({
                "summary": "Les coopératives du Royans ont montré comment leurs sociétaires décident.",
                "lessons": "Préparer les décisions en commission ; un collège par partie prenante.",
                "next_steps": "Un atelier sur les statuts en mars."
            }),
        )
        .await;
    let status = report.status();
    let report: Value = report.json().await.unwrap();
    assert_eq!(status, 201, "{report}");
    assert_eq!(report["kind"], "visit_report");
    assert_eq!(report["visit_id"], id);
    assert_eq!(report["themes"], json!(["governance"]));
    assert_eq!(report["pole"], "pole-a");
    assert_eq!(report["licence"], "CC-BY-SA-4.0");
    let again = app
        .post(
            &format!("/api/v1/visits/{id}/report"),
            Some(&market.coordinator),
            &json!({"summary": "Encore"}),
        )
        .await;
    assert_eq!(assert_problem(again, 409).await["code"], "report_exists");

    // Found by a French search, stemmed and unaccented, by anyone.
    let found: Value = app
        .get("/api/v1/resources?q=cooperative%20societaire", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(found["items"][0]["id"], report["id"]);
    let none: Value = app
        .get("/api/v1/resources?q=boulangerie", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(none["items"], json!([]));
    let by_theme: Value = app
        .get(
            "/api/v1/resources?theme=governance&kind=visit_report&pole=pole-a",
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(by_theme["items"].as_array().unwrap().len(), 1);
    let shown: Value = app
        .get(&format!("/api/v1/visits/{id}"), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(shown["status"], "held");
    assert_eq!(shown["report_resource_id"], report["id"]);

    // The pôle's figures.
    let figures: Value = app
        .get("/api/v1/reports/poles/pole-a", Some(&market.coordinator))
        .await
        .json()
        .await
        .unwrap();
    let learning = &figures["learning"];
    assert!(learning.is_object(), "{figures}");
    assert_eq!(learning["visits_held"], 1);
    assert_eq!(learning["registered"], 3);
    assert_eq!(learning["participants"], 2);
    assert_eq!(learning["attendance_rate"], "0.67");
    assert_eq!(learning["participants_by_pole"][0]["pole"], "pole-a");
    assert_eq!(learning["participants_by_pole"][0]["participants"], 2);
    assert_eq!(learning["resources_published"], 1);
}

#[tokio::test]
async fn the_library_keeps_members_resources_for_members_and_checks_what_it_is_given() {
    let app = TestApp::spawn_at(day_zero()).await;
    let market = Market::open(&app, 2).await;
    let (member, _) = &market.members[0];
    let (stranger, _) = app.register("stranger@example.fr").await;
    let body = json!({
        "title": "Grille d’analyse d’une reprise en SCOP",
        "summary": "Dix questions avant de reprendre une entreprise en coopérative.",
        "kind": "tool",
        "themes": ["economic_model", "financial_engineering"],
        "naf": "16",
        "pole": "pole-a",
        "licence": "CC-BY-SA-4.0",
        "visibility": "members"
    });
    // Only members of the network publish; of the pôle, for a pôle.
    let refused = app.post("/api/v1/resources", Some(&stranger), &body).await;
    assert_eq!(
        assert_problem(refused, 403).await["code"],
        "not_pole_member"
    );
    let created = app.post("/api/v1/resources", Some(member), &body).await;
    let status = created.status();
    let created: Value = created.json().await.unwrap();
    assert_eq!(status, 201, "{created}");
    let rid = created["id"].as_i64().unwrap();

    // Members only: hidden from anonymous visitors, in lists and by id.
    let anonymous: Value = app
        .get("/api/v1/resources?q=reprise", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(anonymous["items"], json!([]));
    assert_problem(
        app.get(&format!("/api/v1/resources/{rid}"), None).await,
        404,
    )
    .await;
    // A signed-in account of no approved enterprise is not a member of the network either.
    let outside: Value = app
        .get("/api/v1/resources?q=reprendre", Some(&stranger))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(outside["items"], json!([]));
    assert_problem(
        app.get(&format!("/api/v1/resources/{rid}"), Some(&stranger))
            .await,
        404,
    )
    .await;
    let (colleague, _) = &market.members[1];
    let member_view: Value = app
        .get("/api/v1/resources?q=reprendre", Some(colleague))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(member_view["items"][0]["id"], rid);
    assert_eq!(app.get("/library", None).await.status(), 200);
    assert_eq!(
        app.get(&format!("/library/{rid}"), None).await.status(),
        404
    );

    // Every field at fault at once; nothing written.
    let bad = json!({
        "title": "x", "summary": "", "kind": "tool", "licence": "CC-BY-XYZ",
        "naf": "99.99Z", "url": "javascript:alert(1)", "pole": "nowhere"
    });
    let problem =
        assert_problem(app.post("/api/v1/resources", Some(member), &bad).await, 422).await;
    let mut fields = error_fields(&problem);
    fields.sort();
    assert_eq!(
        fields,
        ["licence", "naf", "pole", "summary", "title", "url"]
    );
    let unknown_kind =
        json!({"title": "Outil", "summary": "Un outil", "kind": "poem", "licence": "MIT"});
    assert_problem(
        app.post("/api/v1/resources", Some(member), &unknown_kind)
            .await,
        422,
    )
    .await;

    // Files: the author adds; another member of the network reads but may not add.
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(
            b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n".to_vec(),
        )
        .file_name("grille.pdf"),
    );
    let uploaded = app
        .client
        .post(app.url(&format!("/api/v1/resources/{rid}/attachments")))
        .bearer_auth(member)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(uploaded.status(), 201);
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(b"%PDF-1.4\n%%EOF\n".to_vec()).file_name("x.pdf"),
    );
    let refused = app
        .client
        .post(app.url(&format!("/api/v1/resources/{rid}/attachments")))
        .bearer_auth(colleague)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(
        assert_problem(refused, 403).await["code"],
        "not_resource_editor"
    );
    let shown: Value = app
        .get(&format!("/api/v1/resources/{rid}"), Some(colleague))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(shown["attachments"][0]["content_type"], "application/pdf");

    // A know-how listing links the resources it teaches from; other listings may not.
    let (owner, owner_enterprise) = &market.members[1];
    let listing = app
        .create_listing(
            owner,
            &crate::helpers::listing_body(
                *owner_enterprise,
                "offer",
                json!({"category": "know_how", "title": "Accompagnement à la reprise en SCOP",
                       "details": {"format": "mentoring", "hours": 40}}),
            ),
        )
        .await;
    let lid = listing["id"].as_i64().unwrap();
    let linked = app
        .request(
            Method::PUT,
            &format!("/api/v1/listings/{lid}/resources"),
            Some(owner),
            Some(&json!({"resource_ids": [rid]})),
        )
        .await;
    let status = linked.status();
    let linked: Value = linked.json().await.unwrap();
    assert_eq!(status, 200, "{linked}");
    assert_eq!(linked[0]["id"], rid);
    let not_owner = app
        .request(
            Method::PUT,
            &format!("/api/v1/listings/{lid}/resources"),
            Some(member),
            Some(&json!({"resource_ids": [rid]})),
        )
        .await;
    assert_eq!(
        assert_problem(not_owner, 403).await["code"],
        "not_listing_manager"
    );
    let unknown = app
        .request(
            Method::PUT,
            &format!("/api/v1/listings/{lid}/resources"),
            Some(owner),
            Some(&json!({"resource_ids": [rid, 424242]})),
        )
        .await;
    assert_eq!(
        error_fields(&assert_problem(unknown, 422).await),
        ["resource_ids[1]"]
    );
}

#[tokio::test]
async fn changes_reach_participants_and_daily_digests_and_attendance_can_be_corrected() {
    let app = TestApp::spawn_at(day_zero()).await;
    let market = Market::open(&app, 2).await;
    let admin = app.admin_token().await;
    let (outsider, outsider_enterprise) = second_pole_member(&app, &admin).await;
    let (first, e1) = &market.members[0];
    let (second, e2) = &market.members[1];
    // A member who chose the daily digest for visits does not stop anything.
    let daily = app
        .patch(
            "/api/v1/me",
            Some(second),
            &json!({"notifications": {"visits": "daily"}}),
        )
        .await;
    assert_eq!(daily.status(), 200);
    let visit = plan(&app, &market.coordinator, &visit_body(3, "network")).await;
    let id = visit["id"].as_i64().unwrap();
    assert_eq!(register(&app, id, first, *e1).await.status(), 201);
    assert_eq!(register(&app, id, second, *e2).await.status(), 201);
    let outside: Value = register(&app, id, &outsider, outsider_enterprise)
        .await
        .json()
        .await
        .unwrap();
    let digest_items: i64 = app
        .with_conn(|conn| {
            use diesel::prelude::*;
            ptce_exchange::schema::digest_items::table
                .filter(ptce_exchange::schema::digest_items::family.eq("visits"))
                .count()
                .get_result(conn)
                .unwrap()
        })
        .await;
    assert!(
        digest_items >= 2,
        "the plan and the registration wait in the digest"
    );

    // An unknown pôle is named in the refusal.
    let mut unknown = visit_body(3, "network");
    unknown["pole"] = json!("nulle-part");
    let problem = assert_problem(
        app.post("/api/v1/visits", Some(&market.coordinator), &unknown)
            .await,
        422,
    )
    .await;
    assert!(problem["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("nulle-part"));

    // Keeping the visit for the pôle while another pôle's member is registered: refused.
    let refused = app
        .patch(
            &format!("/api/v1/visits/{id}"),
            Some(&market.coordinator),
            &json!({"audience": "pole"}),
        )
        .await;
    assert_eq!(
        error_fields(&assert_problem(refused, 422).await),
        ["audience"]
    );

    // Moving it tells everyone registered, with the new calendar file.
    let moved = app
        .patch(
            &format!("/api/v1/visits/{id}"),
            Some(&market.coordinator),
            &json!({"starts_at": "2026-12-10T10:00:00+01:00", "commune": "26057"}),
        )
        .await;
    assert_eq!(moved.status(), 200);
    let told = wait_for_mail(&app, |m| {
        m.to == ["member0@example.fr"] && m.decoded().contains("a changé")
    })
    .await
    .expect("the change is told");
    assert!(told.data.contains("text/calendar"));

    // An organiser removes a registration: that person is told.
    let removed = app
        .request(
            Method::DELETE,
            &format!("/api/v1/visits/{id}/registrations/{}", outside["id"]),
            Some(&market.coordinator),
            None,
        )
        .await;
    assert_eq!(removed.status(), 200);
    assert!(wait_for_mail(&app, |m| {
        m.to == ["member@pole-b.fr"] && m.decoded().contains("annulée par ses organisateurs")
    })
    .await
    .is_some());

    // Attendance waits for the visit, then says exactly who came; a tick can be undone.
    let list: Value = app
        .get(
            &format!("/api/v1/visits/{id}/registrations"),
            Some(&market.coordinator),
        )
        .await
        .json()
        .await
        .unwrap();
    let confirmed: Vec<i64> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] == "confirmed")
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    let early = app
        .post(
            &format!("/api/v1/visits/{id}/attendance"),
            Some(&market.coordinator),
            &json!({"registration_ids": [confirmed[0]]}),
        )
        .await;
    assert_eq!(
        assert_problem(early, 409).await["code"],
        "visit_not_started"
    );
    app.clock
        .set(Utc.with_ymd_and_hms(2026, 12, 10, 10, 0, 0).unwrap());
    let cancel_late = app
        .post(
            &format!("/api/v1/visits/{id}/cancel"),
            Some(&market.coordinator),
            &json!({}),
        )
        .await;
    assert_eq!(
        assert_problem(cancel_late, 409).await["code"],
        "visit_started"
    );
    let both: Value = app
        .post(
            &format!("/api/v1/visits/{id}/attendance"),
            Some(&market.coordinator),
            &json!({"registration_ids": confirmed}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(both["attended"], 2);
    let corrected: Value = app
        .post(
            &format!("/api/v1/visits/{id}/attendance"),
            Some(&market.coordinator),
            &json!({"registration_ids": [confirmed[1]]}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(corrected["attended"], 1);
    let nobody: Value = app
        .post(
            &format!("/api/v1/visits/{id}/attendance"),
            Some(&market.coordinator),
            &json!({"registration_ids": []}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(nobody["attended"], 0);
}
