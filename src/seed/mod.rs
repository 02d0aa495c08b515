//! Demo data for the embedded default and local trials (the data itself is in
//! `demo_data.rs`): a dozen pôles in different
//! régions, their coordinators, and approved member enterprises in real communes with real
//! NAF codes. Every demo account shares one password: local use only.

mod demo_data;
mod visits;

use demo_data::{LISTINGS, POLES};
use diesel::prelude::*;

use crate::domain::account::AlertFrequency;
use crate::domain::account::{Email, Locale, Role};
use crate::domain::listing::{Category, Kind, Status, Visibility};
use crate::domain::siret::siret_for;
use crate::models::account::{self, NewAccount};
use crate::models::enterprise::{self, NewEnterprise};
use crate::models::exchange;
use crate::models::ids::{AccountId, EnterpriseId, MatchId};
use crate::models::listing::{self, NewListing};
use crate::models::matching;
use crate::models::pole::{self, NewPole};
use crate::models::reference;

pub const DEMO_PASSWORD: &str = "ptce-demo-2026";
pub const ADMIN_EMAIL: &str = "admin@demo.ptce.fr";

/// What was created, for the start-up banner and the README.
#[derive(Debug, Default)]
pub struct DemoSummary {
    pub created: bool,
    pub poles: usize,
    pub enterprises: usize,
    pub listings: usize,
    pub exchanges: usize,
    /// Learning visits, held and coming.
    pub visits: usize,
    /// Resources of the know-how library.
    pub resources: usize,
}

impl DemoSummary {
    pub fn print(&self, base_url: &str) {
        if !self.created {
            return;
        }
        println!();
        println!(
            "  PTCE Exchange demo data: {} pôles, {} enterprises, {} listings, {} exchanges, {} learning visits, {} library resources (local use only).",
            self.poles, self.enterprises, self.listings, self.exchanges, self.visits, self.resources
        );
        println!("  Every demo account's password is {DEMO_PASSWORD}");
        println!("    admin        {ADMIN_EMAIL}");
        println!(
            "    coordinator  {}  ({})",
            POLES[0].coordinator.0, POLES[0].name
        );
        println!(
            "    member       {}  ({})",
            POLES[0].enterprises[0].member.0, POLES[0].enterprises[0].name
        );
        println!(
            "    member       {}  ({})",
            POLES[0].enterprises[1].member.0, POLES[0].enterprises[1].name
        );
        println!("  Open {base_url}/ in a browser; API docs at {base_url}/api/docs/");
        println!();
    }
}

/// Creates the demo data unless it exists already (it is keyed on the first pôle's slug).
pub fn seed_demo(conn: &mut PgConnection) -> anyhow::Result<DemoSummary> {
    use crate::schema::poles;
    let present: bool = diesel::select(diesel::dsl::exists(
        poles::table.filter(poles::slug.eq(POLES[0].slug)),
    ))
    .get_result(conn)?;
    if present {
        return Ok(DemoSummary::default());
    }
    // One hash for every demo account: Argon2 is slow on purpose, and they share a password.
    let password_hash = account::hash_password(DEMO_PASSWORD)?;
    conn.transaction(|conn| {
        let mut summary = DemoSummary {
            created: true,
            ..DemoSummary::default()
        };
        let admin = Email::parse(ADMIN_EMAIL).map_err(|e| anyhow::anyhow!("{e}"))?;
        account::upsert_admin(conn, &admin, &password_hash, "Administration PTCE")?;
        let mut siret_counter = 0u64;
        for demo in POLES {
            let departements: Vec<String> =
                demo.departements.iter().map(|d| d.to_string()).collect();
            let created = pole::create(
                conn,
                &NewPole {
                    slug: demo.slug,
                    name: demo.name,
                    description: demo.description,
                    commune_code: demo.commune,
                },
                &departements,
            )?;
            let coordinator = account::insert(
                conn,
                &NewAccount {
                    email: demo.coordinator.0,
                    password_hash: &password_hash,
                    display_name: demo.coordinator.1,
                    role: Role::Coordinator,
                    locale: Locale::Fr,
                },
            )?;
            pole::add_coordinator(conn, created.id, coordinator.id)?;
            for demo_enterprise in demo.enterprises {
                siret_counter += 1;
                let siret = siret_for(90_000_000 + siret_counter as u32, 1);
                let member = account::insert(
                    conn,
                    &NewAccount {
                        email: demo_enterprise.member.0,
                        password_hash: &password_hash,
                        display_name: demo_enterprise.member.1,
                        role: Role::Member,
                        locale: Locale::Fr,
                    },
                )?;
                let found = enterprise::create(
                    conn,
                    &NewEnterprise {
                        siret: &siret,
                        name: demo_enterprise.name,
                        legal_form: demo_enterprise.legal_form,
                        ess: true,
                        naf_code: demo_enterprise.naf,
                        commune_code: demo_enterprise.commune,
                        headcount: demo_enterprise.headcount,
                    },
                    member.id,
                    &[created.id],
                    &[],
                )?;
                enterprise::approve_membership(conn, created.id, found.id, coordinator.id)?;
                summary.enterprises += 1;
            }
            summary.poles += 1;
        }
        seed_listings(conn, &mut summary)?;
        seed_alerts(conn)?;
        Ok(summary)
    })
}

/// Two saved searches, so the dashboard and `GET /alerts` show what alerts look like.
fn seed_alerts(conn: &mut PgConnection) -> anyhow::Result<()> {
    use crate::models::alert::{self, NewAlert};
    use crate::schema::accounts;
    let id_of = |conn: &mut PgConnection, email: &str| -> anyhow::Result<AccountId> {
        Ok(accounts::table
            .filter(accounts::email.eq(email))
            .select(accounts::id)
            .first(conn)?)
    };
    let place = |conn: &mut PgConnection, code: &str, km: i32| -> anyhow::Result<_> {
        let commune = reference::find_commune(conn, code)?
            .ok_or_else(|| anyhow::anyhow!("demo commune {code} missing"))?;
        Ok(commune
            .lat
            .zip(commune.lon)
            .map(|(lat, lon)| (commune.code.clone(), lat, lon, km)))
    };
    let karim = id_of(conn, "karim.benali@demo.ptce.fr")?;
    let around_valence = place(conn, "26362", 50)?;
    alert::insert(
        conn,
        &NewAlert {
            account_id: karim,
            kind: Kind::Offer.as_str().into(),
            category: Category::LocalResource.as_str().into(),
            naf_prefix: String::new(),
            place: around_valence,
            keywords: "bois".into(),
            frequency: AlertFrequency::Instant,
        },
    )?;
    let marie = id_of(conn, "marie.dupont@demo.ptce.fr")?;
    alert::insert(
        conn,
        &NewAlert {
            account_id: marie,
            kind: String::new(),
            category: String::new(),
            naf_prefix: "15".into(),
            place: None,
            keywords: String::new(),
            frequency: AlertFrequency::Daily,
        },
    )?;
    Ok(())
}

/// Posts the demo listings as their enterprises' members, opens them (which computes their
/// matches), and has both sides of the Lauragais vegetables match agree, creating an
/// exchange.
fn seed_listings(conn: &mut PgConnection, summary: &mut DemoSummary) -> anyhow::Result<()> {
    use crate::schema::{enterprise_accounts, enterprises};
    for demo in LISTINGS {
        let (enterprise_id, account_id): (EnterpriseId, AccountId) = enterprises::table
            .inner_join(enterprise_accounts::table)
            .filter(enterprises::name.eq(demo.enterprise))
            .select((enterprises::id, enterprise_accounts::account_id))
            .first(conn)?;
        let commune_code: String = enterprises::table
            .find(enterprise_id)
            .select(enterprises::commune_code)
            .first(conn)?;
        let commune = reference::find_commune(conn, &commune_code)?
            .ok_or_else(|| anyhow::anyhow!("demo commune {commune_code} missing"))?;
        let created = listing::insert(
            conn,
            &NewListing {
                enterprise_id,
                kind: demo.kind,
                category: demo.category,
                title: demo.title.into(),
                description: demo.description.into(),
                naf_code: demo.naf.into(),
                naf_division: demo.naf[..2].into(),
                commune_code: commune.code.clone(),
                departement_code: commune.departement_code.clone(),
                region_code: commune.region_code.clone(),
                lat: commune.lat,
                lon: commune.lon,
                radius_km: demo.radius_km,
                national: demo.radius_km.is_none(),
                quantity: demo
                    .quantity
                    .map(|(q, _)| q.parse().expect("demo quantity")),
                unit: demo.quantity.map(|(_, u)| u),
                unit_price: demo.unit_price.map(|p| p.parse().expect("demo price")),
                available_from: None,
                valid_until: Some(
                    crate::clock::Clock::system().today() + chrono::Duration::days(120),
                ),
                details: (demo.details)(),
                visibility: Visibility::Public,
                created_by: account_id,
                status: Status::Open,
                period: demo.period,
            },
        )?;
        crate::ops::teasers::refresh_teaser(conn, &created).map_err(|e| anyhow::anyhow!("{e}"))?;
        matching::refresh(conn, &created)?;
        summary.listings += 1;
    }
    // Agreed matches become exchanges in every status, with their transactions.
    use crate::domain::decimal::Money;
    use crate::domain::ledger::{AmountInput, ExchangeStatus, TransactionAmounts};
    use crate::models::ledger::{self, NewTransaction};
    use crate::schema::{listings, matches};
    // (offer's title, statuses it moves through, payments as (amount, VAT rate))
    type Story<'a> = (&'a str, &'a [ExchangeStatus], &'a [(&'a str, &'a str)]);
    let steps: [Story; 4] = [
        (
            "Légumes déclassés pour la transformation",
            &[ExchangeStatus::InProgress],
            &[("540.00", "5.5")],
        ),
        (
            "Sciure et copeaux de sapin",
            &[ExchangeStatus::InProgress, ExchangeStatus::Completed],
            &[("245.00", "20"), ("175.00", "20")],
        ),
        ("Transmettre le montage de chaussures", &[], &[]),
        (
            "Capacité de filature de laine recyclée",
            &[ExchangeStatus::Cancelled],
            &[],
        ),
    ];
    for (offer_title, statuses, payments) in steps {
        let agreed_match: MatchId = matches::table
            .inner_join(listings::table.on(listings::id.eq(matches::offer_id)))
            .filter(listings::title.eq(offer_title))
            .select(matches::id)
            .order(matches::score.desc())
            .first(conn)?;
        let found = matching::find(conn, agreed_match)?;
        let offer = listing::find(conn, found.offer_id)?;
        let need = listing::find(conn, found.need_id)?;
        matching::record_decision(conn, agreed_match, Kind::Offer, true, offer.created_by)?;
        let agreed =
            matching::record_decision(conn, agreed_match, Kind::Need, true, need.created_by)?;
        let mut current = exchange::create_from_match(conn, &agreed, need.created_by)
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        for status in statuses {
            current = exchange::transition(
                conn,
                &current,
                *status,
                "",
                offer.created_by,
                chrono::Utc::now(),
            )?;
            // Money is recorded once the exchange is under way.
            if *status == ExchangeStatus::InProgress {
                for (amount, rate) in payments {
                    let amount =
                        Money::new(amount.parse()?).map_err(|e| anyhow::anyhow!(e.code))?;
                    let money =
                        TransactionAmounts::compute(AmountInput::Amount(amount), rate.parse()?)
                            .map_err(|e| anyhow::anyhow!("{e}"))?;
                    ledger::insert(
                        conn,
                        NewTransaction {
                            exchange: &current,
                            money,
                            quantity: None,
                            unit_price: None,
                            occurred_on: crate::clock::Clock::system().today(),
                            description: "Facture de démonstration",
                            reverses: None,
                            recorded_by: need.created_by,
                        },
                    )?;
                }
            }
        }
        summary.exchanges += 1;
    }
    seed_inter_pole_flows(conn, summary)?;
    seed_conversations(conn)?;
    let (visits, resources) = visits::seed_visits_and_library(conn)?;
    summary.visits = visits;
    summary.resources = resources;
    Ok(())
}

/// A conversation on an exchange, with a photo, and one on a match still to be answered,
/// so that the inbox, unread counts and thumbnails show on the demo.
fn seed_conversations(conn: &mut PgConnection) -> anyhow::Result<()> {
    use crate::domain::conversation::Subject;
    use crate::models::attachment::{self, NewAttachment, Parent};
    use crate::models::conversation;
    use crate::schema::{enterprise_accounts, enterprises, exchanges};
    let account_of =
        |conn: &mut PgConnection, name: &str| -> anyhow::Result<(EnterpriseId, AccountId)> {
            Ok(enterprises::table
                .inner_join(enterprise_accounts::table)
                .filter(enterprises::name.eq(name))
                .select((enterprises::id, enterprise_accounts::account_id))
                .first(conn)?)
        };
    // The oak sold from the Vosges to the Royans: questions about moisture, and a photo.
    let exchange_id: i64 = exchanges::table
        .filter(exchanges::title.eq("Chêne des Vosges séché pour l'agencement"))
        .select(exchanges::id)
        .first(conn)?;
    let (sawmill, sawmill_account) = account_of(conn, "Scierie Coopérative de la Moselotte")?;
    let (joinery, joinery_account) = account_of(conn, "Menuiserie Coopérative du Royans")?;
    let talk = conversation::get_or_create(conn, Subject::Exchange(exchange_id))?;
    let lines: [(EnterpriseId, AccountId, &str); 3] = [
        (joinery, joinery_account, "Bonjour, quel est le taux d'humidité des plateaux de chêne ? Nous visons 12 % pour l'agencement intérieur."),
        (sawmill, sawmill_account, "Bonjour, entre 10 et 12 % après quatre mois de séchage sous abri. Voici une photo du lot prêt à partir."),
        (joinery, joinery_account, "Parfait, nous venons les chercher jeudi matin avec notre camion."),
    ];
    for (i, (enterprise, account, body)) in lines.into_iter().enumerate() {
        let message = conversation::insert_message(conn, talk.id, account, Some(enterprise), body)?;
        conversation::mark_read(conn, talk.id, account, message.id)?;
        if i == 1 {
            let photo = crate::domain::files::accept("plateaux-chene.png", demo_photo())
                .map_err(|e| anyhow::anyhow!(e.code))?;
            attachment::insert(
                conn,
                NewAttachment {
                    parent: Parent::Message(message.id),
                    filename: &photo.filename,
                    content_type: photo.content_type,
                    content: &photo.bytes,
                    thumbnail: photo.thumbnail.as_deref(),
                    uploaded_by: account,
                },
            )?;
        }
    }
    // Each author has read up to its own message: the sawmill has one unread (the last).
    // A photo on the sawmill's sawdust offer, for the listing page's thumbnails.
    let sawdust: i64 = crate::schema::listings::table
        .filter(crate::schema::listings::title.eq("Sciure et copeaux de sapin"))
        .select(crate::schema::listings::id)
        .first(conn)?;
    let photo = crate::domain::files::accept("sciure-big-bags.png", demo_photo())
        .map_err(|e| anyhow::anyhow!(e.code))?;
    attachment::insert(
        conn,
        NewAttachment {
            parent: Parent::Listing(crate::models::ids::ListingId(sawdust)),
            filename: &photo.filename,
            content_type: photo.content_type,
            content: &photo.bytes,
            thumbnail: photo.thumbnail.as_deref(),
            uploaded_by: sawmill_account,
        },
    )?;
    Ok(())
}

/// A small picture of oak planks (warm stripes), drawn here so the demo needs no file.
fn demo_photo() -> Vec<u8> {
    let image = image::RgbImage::from_fn(480, 320, |x, y| {
        let grain = ((y / 16) % 2) as u8 * 18 + ((x + y * 3) % 23) as u8;
        image::Rgb([150 + grain, 100 + grain / 2, 55])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(image)
        .write_to(&mut out, image::ImageFormat::Png)
        .expect("encoding a PNG in memory");
    out.into_inner()
}

/// Exchanges between enterprises of different pôles, with their transactions, so that the
/// coordinators' flow matrix and diagram show money crossing pôles, in both directions.
fn seed_inter_pole_flows(conn: &mut PgConnection, summary: &mut DemoSummary) -> anyhow::Result<()> {
    use crate::domain::decimal::Money;
    use crate::domain::ledger::{AmountInput, ExchangeStatus, TransactionAmounts};
    use crate::models::exchange::NewExchange;
    use crate::models::ledger::{self, NewTransaction};
    use crate::schema::{enterprise_accounts, enterprises};
    // (provider, beneficiary, what, category, payments as (€ HT, VAT %), completed?)
    type Flow<'a> = (
        &'a str,
        &'a str,
        &'a str,
        Category,
        &'a [(&'a str, &'a str)],
        bool,
    );
    let flows: [Flow; 7] = [
        (
            "Scierie Coopérative de la Moselotte",
            "Menuiserie Coopérative du Royans",
            "Chêne des Vosges séché pour l'agencement",
            Category::LocalResource,
            &[("4200.00", "20"), ("1850.00", "20")],
            true,
        ),
        (
            "Menuiserie Coopérative du Royans",
            "Traiteur Solidaire des Pentes",
            "Mobilier de cuisine en bois local",
            Category::LocalResource,
            &[("3200.00", "20")],
            false,
        ),
        (
            "Atelier Soie Recyclée",
            "Archer Chaussures",
            "Doublures en soie recyclée",
            Category::LocalResource,
            &[("1450.00", "20")],
            true,
        ),
        (
            "Filature du Nord",
            "Atelier Soie Recyclée",
            "Fil de laine recyclée",
            Category::RelocatedProduction,
            &[("2680.50", "20")],
            false,
        ),
        (
            "Brasserie Coopérative Strasbourgeoise",
            "Ferme Laitière du Ried",
            "Drêches de brasserie pour l'alimentation animale",
            Category::LocalResource,
            &[("310.00", "5.5")],
            true,
        ),
        (
            "Microtechnique Coopérative",
            "Coutellerie Coopérative de Thiers",
            "Formation au polissage de précision",
            Category::KnowHow,
            &[("1900.00", "20")],
            true,
        ),
        (
            "Archer Chaussures",
            "Filature du Nord",
            "Chutes de cuir pour la filature",
            Category::LocalResource,
            &[("620.00", "20")],
            false,
        ),
    ];
    let today = crate::clock::Clock::system().today();
    for (n, (provider, beneficiary, title, category, payments, completed)) in
        flows.into_iter().enumerate()
    {
        let find =
            |conn: &mut PgConnection, name: &str| -> anyhow::Result<(EnterpriseId, AccountId)> {
                Ok(enterprises::table
                    .inner_join(enterprise_accounts::table)
                    .filter(enterprises::name.eq(name))
                    .select((enterprises::id, enterprise_accounts::account_id))
                    .first(conn)?)
            };
        let (provider_id, provider_account) = find(conn, provider)?;
        let (beneficiary_id, beneficiary_account) = find(conn, beneficiary)?;
        let created = exchange::insert(
            conn,
            NewExchange {
                provider_enterprise_id: provider_id,
                beneficiary_enterprise_id: beneficiary_id,
                provider_pole_id: None,
                beneficiary_pole_id: None,
                category,
                title: title.to_string(),
                offer_listing_id: None,
                need_listing_id: None,
                quantity: None,
                unit: None,
                unit_price: None,
                total_amount: None,
                created_by: Some(beneficiary_account),
                match_id: None,
                proposal_id: None,
            },
        )
        .map_err(|e| anyhow::anyhow!("{e}"))?;
        let current = exchange::transition(
            conn,
            &created,
            ExchangeStatus::InProgress,
            "",
            provider_account,
            chrono::Utc::now(),
        )?;
        for (i, (amount, rate)) in payments.iter().enumerate() {
            // Spread over the last months, so that the monthly chart has more than one bar.
            let occurred_on = today - chrono::Days::new((n as u64 * 23 + i as u64 * 9) % 150);
            let amount = Money::new(amount.parse()?).map_err(|e| anyhow::anyhow!(e.code))?;
            let money = TransactionAmounts::compute(AmountInput::Amount(amount), rate.parse()?)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            ledger::insert(
                conn,
                NewTransaction {
                    exchange: &current,
                    money,
                    quantity: None,
                    unit_price: None,
                    occurred_on,
                    description: "Facture de démonstration",
                    reverses: None,
                    recorded_by: beneficiary_account,
                },
            )?;
        }
        if completed {
            exchange::transition(
                conn,
                &current,
                ExchangeStatus::Completed,
                "",
                provider_account,
                chrono::Utc::now(),
            )?;
        }
        summary.exchanges += 1;
    }
    Ok(())
}
