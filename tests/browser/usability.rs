//! The usability pass, in Chromium at a phone's and a laptop's width, on the demo data:
//! names instead of codes, charts that keep their size and a flow diagram, maps without
//! third parties, search results first on a phone, forms that show every error at once and
//! keep what was typed, confirmed irreversible actions with a message after each action, a
//! next step on every page, error pages that keep the signed-in header. Each page is
//! photographed at both widths into `target/screenshots/`.

use diesel::prelude::*;
use serde_json::Value;

use crate::driver::{Browser, LAPTOP, PHONE};
use crate::helpers::TestApp;
use ptce_exchange::schema::{enterprises, exchanges, listings, transactions};
use ptce_exchange::seed::{seed_demo, DEMO_PASSWORD};

pub(crate) async fn demo_app() -> TestApp {
    let app = TestApp::spawn().await;
    app.with_conn(|conn| seed_demo(conn).map(|_| ()))
        .await
        .expect("seeding the demo data");
    app
}

async fn js(b: &Browser, script: &str) -> Value {
    b.client
        .execute(script, vec![])
        .await
        .unwrap_or_else(|e| panic!("running {script}: {e}"))
}

async fn width(b: &Browser, px: u32) {
    b.client
        .set_window_size(px, 1000)
        .await
        .expect("resizing the window");
}

async fn exchange_titled(app: &TestApp, title: &'static str) -> i64 {
    app.with_conn(move |conn| {
        exchanges::table
            .filter(exchanges::title.eq(title))
            .select(exchanges::id)
            .first::<i64>(conn)
    })
    .await
    .expect("a demo exchange")
}

/// The visible text of the page's main content.
async fn main_text(b: &Browser) -> String {
    js(b, "return document.querySelector('main').innerText")
        .await
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn pages_name_places_sectors_and_poles_and_draw_charts_and_maps_that_keep_their_shape() {
    let app = demo_app().await;
    let b = Browser::start(&app.address).await;

    // Search on a phone: the count, then the folded filters, then the results.
    width(&b, PHONE).await;
    b.goto("/").await;
    b.find("svg.map a").await;
    let layout = js(
        &b,
        "const c = document.querySelector('.result-count').getBoundingClientRect().top;
         const r = document.querySelector('.results .card').getBoundingClientRect().top;
         return [c, r, document.getElementById('filters').open, window.innerHeight];",
    )
    .await;
    let (count_top, first_result, open, screen) = (
        layout[0].as_f64().unwrap(),
        layout[1].as_f64().unwrap(),
        layout[2].as_bool().unwrap(),
        layout[3].as_f64().unwrap(),
    );
    assert!(!open, "the filters are folded on a phone");
    assert!(
        count_top < first_result,
        "the count comes before the results"
    );
    assert!(
        first_result < screen,
        "the first result shows on the first screen ({first_result} px of {screen})"
    );
    let text = main_text(&b).await;
    assert!(
        text.contains("Romans-sur-Isère (26)") || text.contains("(26)"),
        "{text}"
    );
    b.screenshots("search").await;
    width(&b, LAPTOP).await;
    b.goto("/").await;
    assert_eq!(
        js(&b, "return document.getElementById('filters').open").await,
        Value::Bool(true),
        "the filters are open on a laptop"
    );

    // The map: no request to another site, a click filters by département.
    let foreign = js(
        &b,
        "return performance.getEntriesByType('resource').map(e => e.name).filter(n => !n.startsWith(location.origin))",
    )
    .await;
    assert_eq!(foreign, Value::Array(vec![]), "nothing from another site");
    let drome = b.find("svg.map a[href*='departement=26']").await;
    let label = drome.attr("aria-label").await.unwrap().unwrap_or_default();
    assert!(label.starts_with("Drôme (26)"), "{label}");
    b.goto(&drome.attr("href").await.unwrap().unwrap()).await;
    let text = main_text(&b).await;
    assert!(text.contains("Drôme (26)"), "{text}");
    assert!(b.path().await.contains("departement=26"));

    // The pôles' directory shows where the pôles are.
    b.goto("/poles").await;
    let links = js(&b, "return document.querySelectorAll('svg.map a').length").await;
    assert!(links.as_u64().unwrap() >= 10, "{links}");
    b.find("svg.map a[href='/poles/pole-sud-archer']").await;
    b.screenshots("poles").await;

    // A member's dashboard: SIRET spaced, NAF label, commune name.
    b.sign_in("marie.dupont@demo.ptce.fr", DEMO_PASSWORD).await;
    b.goto("/dashboard").await;
    let text = main_text(&b).await;
    let spaced = regex_like_siret(&text);
    assert!(spaced, "a SIRET written 123 456 789 00012: {text}");
    assert!(text.contains("Fabrication de chaussures"), "{text}");
    assert!(text.contains("Romans-sur-Isère (26)"), "{text}");
    assert!(!text.contains("Commune 26281"), "{text}");
    b.screenshots("dashboard").await;

    // An exchange between pôles names both pôles and shows the other party's contact.
    let soie = exchange_titled(&app, "Doublures en soie recyclée").await;
    b.goto(&format!("/exchanges/{soie}")).await;
    let text = main_text(&b).await;
    assert!(
        text.contains("Écopôle lyonnais") && text.contains("Pôle Sud Archer"),
        "{text}"
    );
    assert!(!text.contains("ecopole-lyonnais"), "{text}");
    b.find("a[href='mailto:ines.moreau@demo.ptce.fr']").await;
    b.screenshots("exchange").await;

    // The coordinator's charts: a flow diagram beside the matrix, axes titled, text at
    // 12 px or more, never scaled down, and a monthly chart shorter than a phone screen.
    b.sign_in("coordination.archer@demo.ptce.fr", DEMO_PASSWORD)
        .await;
    for px in [PHONE, LAPTOP] {
        width(&b, px).await;
        b.goto("/coordinator").await;
        b.find("svg.chart path.band").await;
        let sizes = js(
            &b,
            "const out = [];
             for (const svg of document.querySelectorAll('svg.chart')) {
               const box = svg.getBoundingClientRect();
               const scale = box.width / svg.viewBox.baseVal.width;
               for (const t of svg.querySelectorAll('text')) {
                 out.push(parseFloat(getComputedStyle(t).fontSize) * scale);
               }
             }
             return out;",
        )
        .await;
        let smallest = sizes
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .fold(f64::MAX, f64::min);
        assert!(
            smallest >= 11.9,
            "chart text at {smallest} px at {px} px wide"
        );
        let text = main_text(&b).await;
        assert!(text.contains("Pôle fournisseur") && text.contains("Pôle bénéficiaire"));
        let bands = js(
            &b,
            "return document.querySelectorAll('svg.chart path.band').length",
        )
        .await;
        assert!(bands.as_u64().unwrap() >= 2, "{bands}");
        let bars = js(
            &b,
            "const s = document.querySelector('#volume-title'); return s ? s.closest('svg').getBoundingClientRect().height : 0",
        )
        .await;
        assert!(
            bars.as_f64().unwrap() < 600.0,
            "monthly chart {bars} px tall"
        );
    }
    b.screenshots("coordinator").await;
    b.close().await;
}

/// Does the text hold a SIRET as `123 456 789 00012`?
fn regex_like_siret(text: &str) -> bool {
    text.split("SIRET").skip(1).any(|after| {
        let candidate: String = after.trim_start().chars().take(17).collect();
        let groups: Vec<&str> = candidate.split(' ').collect();
        groups.len() == 4
            && [3, 3, 3, 5]
                .iter()
                .zip(&groups)
                .all(|(n, g)| g.len() == *n && g.bytes().all(|c| c.is_ascii_digit()))
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn a_listing_form_shows_every_error_at_once_and_keeps_what_was_typed() {
    let app = demo_app().await;
    let b = Browser::start(&app.address).await;
    b.sign_in("marie.dupont@demo.ptce.fr", DEMO_PASSWORD).await;
    b.goto("/listings/new?category=local_resource").await;
    // Required fields are marked.
    b.find("label[for=title] abbr.req").await;
    b.find("label[for=naf] abbr.req").await;
    b.fill("#title", "Chutes de cuir").await;
    b.fill("#naf", "99.99Z").await;
    b.fill("#commune", "Romans").await;
    b.fill("#quantity", "beaucoup").await;
    b.click("#listing-form button[type=submit]:not([name])")
        .await;
    let summary = b.find("#error-summary").await;
    let text = summary.text().await.unwrap();
    let items = js(&b, "return [...document.querySelectorAll('#error-summary a')].map(a => a.getAttribute('href'))").await;
    let items: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    for field in ["#naf", "#commune", "#quantity"] {
        assert!(
            items.contains(&field),
            "{field} in the summary: {items:?} {text}"
        );
    }
    // "Romans" is not guessed: Romans-sur-Isère is among the communes to choose from.
    let choices = main_text(&b).await;
    assert!(choices.contains("Romans-sur-Isère (26)"), "{choices}");
    assert_eq!(
        b.find("#title")
            .await
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("Chutes de cuir")
    );
    b.screenshots("listing-form-errors").await;

    // Switching category keeps what was typed, and a takeover asks no quantity or price.
    b.fill(
        "#description",
        "Une activité de maroquinerie à transmettre.",
    )
    .await;
    b.click("button[name=switch_category][value=business_takeover]")
        .await;
    b.wait_for_text("Chiffre d’affaires").await;
    assert_eq!(
        b.find("#title")
            .await
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("Chutes de cuir")
    );
    assert_eq!(
        b.find("#description")
            .await
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("Une activité de maroquinerie à transmettre.")
    );
    let absent = js(&b, "return ['quantity','unit','unit_price','period'].filter(id => document.getElementById(id))").await;
    assert_eq!(
        absent,
        Value::Array(vec![]),
        "fields that do not fit a takeover"
    );
    b.screenshots("listing-form-takeover").await;
    b.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn irreversible_actions_are_confirmed_and_each_action_is_confirmed_after_its_redirect() {
    let app = demo_app().await;
    let b = Browser::start(&app.address).await;
    b.sign_in("coordination.archer@demo.ptce.fr", DEMO_PASSWORD)
        .await;
    let kitchen = exchange_titled(&app, "Mobilier de cuisine en bois local").await;
    let reversals = move || {
        move |conn: &mut PgConnection| {
            transactions::table
                .filter(transactions::exchange_id.eq(kitchen))
                .filter(transactions::reverses_id.is_not_null())
                .count()
                .get_result::<i64>(conn)
                .unwrap()
        }
    };

    // Reversing a transaction: a confirmation page first; going back changes nothing.
    b.goto(&format!("/exchanges/{kitchen}")).await;
    b.click("form[action$='/reverse'] button").await;
    b.wait_for_text("Annuler cette transaction ?").await;
    b.screenshots("confirm-reverse").await;
    b.click("main a.btn.ghost").await;
    b.wait_for_path(&format!("/exchanges/{kitchen}")).await;
    assert_eq!(app.with_conn(reversals()).await, 0);
    b.click("form[action$='/reverse'] button").await;
    b.click("form[action$='/reverse'] button.danger").await;
    b.wait_for_text("Transaction annulée").await;
    assert_eq!(app.with_conn(reversals()).await, 1);
    // The message shows once.
    b.goto(&format!("/exchanges/{kitchen}")).await;
    assert!(!main_text(&b).await.contains("Transaction annulée"));

    // Completing the exchange is confirmed too; the button says what it does.
    b.click("button[name=to][value=completed]").await;
    b.wait_for_text("Clore l’échange comme réalisé ?").await;
    b.click("main form button.danger").await;
    b.wait_for_text("L’échange est clos comme réalisé.").await;

    // Withdrawing a listing.
    b.sign_in("marie.dupont@demo.ptce.fr", DEMO_PASSWORD).await;
    let listing = app
        .with_conn(|conn| {
            listings::table
                .inner_join(enterprises::table)
                .filter(enterprises::name.eq("Archer Chaussures"))
                .filter(listings::status.eq("open"))
                .select(listings::id)
                .first::<i64>(conn)
        })
        .await
        .expect("an open listing of Archer Chaussures");
    b.goto(&format!("/listings/{listing}")).await;
    b.click("form[action$='/close'] input[value=withdrawn] ~ button")
        .await;
    b.wait_for_text("Retirer l’annonce ?").await;
    b.click("main form button.danger").await;
    b.wait_for_text("Annonce retirée.").await;
    b.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn every_page_shows_a_next_step_and_error_pages_keep_the_signed_in_header() {
    let app = demo_app().await;
    let b = Browser::start(&app.address).await;
    let open_offer = app
        .with_conn(|conn| {
            listings::table
                .filter(listings::status.eq("open"))
                .filter(listings::kind.eq("offer"))
                .filter(listings::category.eq("local_resource"))
                .select(listings::id)
                .first::<i64>(conn)
        })
        .await
        .expect("an open offer");

    // A visitor on a listing sees how to answer it.
    b.goto(&format!("/listings/{open_offer}")).await;
    b.wait_for_text("Pour répondre à cette annonce").await;
    b.find(&format!("a[href='/login?next=/listings/{open_offer}']"))
        .await;
    b.screenshots("listing-visitor").await;

    // A pôle's page says how to reach its coordinators.
    b.goto("/poles/pole-sud-archer").await;
    b.wait_for_text("Connectez-vous pour voir comment joindre la coordination")
        .await;
    b.sign_in("marie.dupont@demo.ptce.fr", DEMO_PASSWORD).await;
    b.goto("/poles/pole-sud-archer").await;
    b.find("a[href='mailto:coordination.archer@demo.ptce.fr']")
        .await;
    let text = main_text(&b).await;
    assert!(
        text.contains("Drôme (26)") && text.contains("Ardèche (07)"),
        "{text}"
    );
    b.screenshots("pole").await;

    // An error page keeps the signed-in header.
    b.goto("/nowhere").await;
    b.wait_for_text("Page introuvable").await;
    let header = js(&b, "return document.querySelector('header').innerText").await;
    assert!(
        header.as_str().unwrap().contains("Marie Dupont"),
        "{header}"
    );
    b.screenshots("not-found-signed-in").await;

    // A new account is guided to attach its enterprise.
    b.client.delete_all_cookies().await.unwrap();
    b.goto("/register").await;
    b.fill("#display_name", "Nadia Roux").await;
    b.fill("#email", "nadia@atelier.fr").await;
    b.fill("#password", "correct horse battery").await;
    b.click("form[action='/register'] button[type=submit]")
        .await;
    b.wait_for_path("/dashboard").await;
    b.wait_for_text("Trois étapes pour commencer").await;
    b.find(".next-step a[href='/enterprises/new']").await;
    b.screenshots("dashboard-new-account").await;
    b.close().await;
}
