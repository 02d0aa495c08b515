//! Demo data for the embedded default and local trials: a dozen pôles in different
//! régions, their coordinators, and approved member enterprises in real communes with real
//! NAF codes. Every demo account shares one password: local use only.

use diesel::prelude::*;

use crate::domain::account::AlertFrequency;
use crate::domain::account::{Email, Locale, Role};
use crate::domain::enterprise::LegalForm;
use crate::domain::listing::{Category, Kind, Status, Visibility};
use crate::domain::siret::siret_for;
use crate::domain::units::Unit;
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

struct DemoPole {
    slug: &'static str,
    name: &'static str,
    description: &'static str,
    commune: &'static str,
    departements: &'static [&'static str],
    coordinator: (&'static str, &'static str),
    enterprises: &'static [DemoEnterprise],
}

struct DemoEnterprise {
    name: &'static str,
    legal_form: LegalForm,
    naf: &'static str,
    commune: &'static str,
    headcount: i32,
    member: (&'static str, &'static str),
}

const POLES: &[DemoPole] = &[
    DemoPole {
        slug: "pole-sud-archer",
        name: "Pôle Sud Archer",
        description: "Autour de la chaussure à Romans-sur-Isère : relocalisation de la fabrication, réemploi des cuirs et transmission des savoir-faire.",
        commune: "26281",
        departements: &["26", "07"],
        coordinator: ("coordination.archer@demo.ptce.fr", "Lucie Chabert"),
        enterprises: &[
            DemoEnterprise { name: "Archer Chaussures", legal_form: LegalForm::Scop, naf: "15.20Z", commune: "26281", headcount: 24, member: ("marie.dupont@demo.ptce.fr", "Marie Dupont") },
            DemoEnterprise { name: "Ressourcerie Drôme Nord", legal_form: LegalForm::Association, naf: "38.32Z", commune: "26057", headcount: 12, member: ("karim.benali@demo.ptce.fr", "Karim Benali") },
            DemoEnterprise { name: "Menuiserie Coopérative du Royans", legal_form: LegalForm::Scop, naf: "16.23Z", commune: "26307", headcount: 8, member: ("paul.girard@demo.ptce.fr", "Paul Girard") },
        ],
    },
    DemoPole {
        slug: "ecopole-lyonnais",
        name: "Écopôle lyonnais",
        description: "Textile, alimentation durable et réemploi dans la métropole de Lyon.",
        commune: "69123",
        departements: &["69"],
        coordinator: ("coordination.lyon@demo.ptce.fr", "Amandine Roux"),
        enterprises: &[
            DemoEnterprise { name: "Atelier Soie Recyclée", legal_form: LegalForm::Scic, naf: "13.99Z", commune: "69266", headcount: 9, member: ("ines.moreau@demo.ptce.fr", "Inès Moreau") },
            DemoEnterprise { name: "Traiteur Solidaire des Pentes", legal_form: LegalForm::Association, naf: "56.21Z", commune: "69123", headcount: 15, member: ("julien.fabre@demo.ptce.fr", "Julien Fabre") },
        ],
    },
    DemoPole {
        slug: "estuaire-cooperatif",
        name: "Estuaire coopératif",
        description: "Construction navale, maraîchage et économie circulaire de Nantes à Saint-Nazaire.",
        commune: "44109",
        departements: &["44", "85"],
        coordinator: ("coordination.nantes@demo.ptce.fr", "Yann Le Goff"),
        enterprises: &[
            DemoEnterprise { name: "Chantier Naval Coopératif de l'Estuaire", legal_form: LegalForm::Scop, naf: "30.12Z", commune: "44184", headcount: 31, member: ("elodie.bernard@demo.ptce.fr", "Élodie Bernard") },
            DemoEnterprise { name: "Les Paniers de l'Erdre", legal_form: LegalForm::Cooperative, naf: "01.13Z", commune: "44026", headcount: 6, member: ("thomas.renaud@demo.ptce.fr", "Thomas Renaud") },
        ],
    },
    DemoPole {
        slug: "pole-bois-vosges",
        name: "Pôle Bois des Vosges",
        description: "Filière bois locale : sciage, construction et isolation en fibres de bois.",
        commune: "88160",
        departements: &["88"],
        coordinator: ("coordination.vosges@demo.ptce.fr", "Nicolas Thiriet"),
        enterprises: &[
            DemoEnterprise { name: "Scierie Coopérative de la Moselotte", legal_form: LegalForm::Scop, naf: "16.10A", commune: "88447", headcount: 14, member: ("sophie.valentin@demo.ptce.fr", "Sophie Valentin") },
            DemoEnterprise { name: "Vosges Isolation Bois", legal_form: LegalForm::Sas, naf: "16.29Z", commune: "88196", headcount: 11, member: ("marc.colin@demo.ptce.fr", "Marc Colin") },
        ],
    },
    DemoPole {
        slug: "littoral-breton",
        name: "Coopérative du littoral breton",
        description: "Voilerie, conserverie et métiers de la mer entre Brest et Douarnenez.",
        commune: "29019",
        departements: &["29"],
        coordinator: ("coordination.brest@demo.ptce.fr", "Gwenaëlle Kerjean"),
        enterprises: &[
            DemoEnterprise { name: "Voilerie Recyclée du Ponant", legal_form: LegalForm::Scic, naf: "13.92Z", commune: "29019", headcount: 7, member: ("erwan.morvan@demo.ptce.fr", "Erwan Morvan") },
            DemoEnterprise { name: "Conserverie Solidaire de Douarnenez", legal_form: LegalForm::Scop, naf: "10.20Z", commune: "29046", headcount: 19, member: ("anne.quere@demo.ptce.fr", "Anne Quéré") },
        ],
    },
    DemoPole {
        slug: "pole-textile-roubaix",
        name: "Pôle textile de Roubaix",
        description: "Relocaliser la filature et la confection dans la métropole lilloise.",
        commune: "59512",
        departements: &["59", "62"],
        coordinator: ("coordination.roubaix@demo.ptce.fr", "Samira Haddad"),
        enterprises: &[
            DemoEnterprise { name: "Filature du Nord", legal_form: LegalForm::Scic, naf: "13.10Z", commune: "59512", headcount: 22, member: ("benoit.lefebvre@demo.ptce.fr", "Benoît Lefebvre") },
            DemoEnterprise { name: "Atelier Retouche Solidaire", legal_form: LegalForm::Association, naf: "14.13Z", commune: "59599", headcount: 10, member: ("fatou.diallo@demo.ptce.fr", "Fatou Diallo") },
        ],
    },
    DemoPole {
        slug: "terres-de-garonne",
        name: "Terres de Garonne",
        description: "Alimentation locale : maraîchage du Lauragais, légumerie et restauration collective.",
        commune: "31555",
        departements: &["31", "82"],
        coordinator: ("coordination.toulouse@demo.ptce.fr", "Pierre Castan"),
        enterprises: &[
            DemoEnterprise { name: "Maraîchers du Lauragais", legal_form: LegalForm::Cooperative, naf: "01.13Z", commune: "31582", headcount: 17, member: ("laure.cazeneuve@demo.ptce.fr", "Laure Cazeneuve") },
            DemoEnterprise { name: "Légumerie Solidaire Toulousaine", legal_form: LegalForm::Scic, naf: "10.39A", commune: "31555", headcount: 13, member: ("hugo.marty@demo.ptce.fr", "Hugo Marty") },
        ],
    },
    DemoPole {
        slug: "arc-microtechnique",
        name: "Arc microtechnique",
        description: "Horlogerie et microtechniques du Doubs : sous-traitance et transmission d'ateliers.",
        commune: "25056",
        departements: &["25", "39"],
        coordinator: ("coordination.besancon@demo.ptce.fr", "Claire Vuillemin"),
        enterprises: &[
            DemoEnterprise { name: "Microtechnique Coopérative", legal_form: LegalForm::Scop, naf: "26.52Z", commune: "25056", headcount: 28, member: ("olivier.pheulpin@demo.ptce.fr", "Olivier Pheulpin") },
            DemoEnterprise { name: "Horlogerie du Haut-Doubs", legal_form: LegalForm::Sarl, naf: "26.52Z", commune: "25411", headcount: 5, member: ("jean.cuenot@demo.ptce.fr", "Jean Cuenot") },
        ],
    },
    DemoPole {
        slug: "ressources-provence",
        name: "Ressources Provence",
        description: "Réemploi des matériaux du BTP et savonnerie artisanale autour de Marseille.",
        commune: "13055",
        departements: &["13", "84"],
        coordinator: ("coordination.marseille@demo.ptce.fr", "Nadia Belkacem"),
        enterprises: &[
            DemoEnterprise { name: "Réemploi Matériaux Phocéen", legal_form: LegalForm::Scic, naf: "38.32Z", commune: "13055", headcount: 16, member: ("lucas.ferrand@demo.ptce.fr", "Lucas Ferrand") },
            DemoEnterprise { name: "Savonnerie Coopérative d'Aubagne", legal_form: LegalForm::Scop, naf: "20.41Z", commune: "13005", headcount: 9, member: ("chloe.garcia@demo.ptce.fr", "Chloé Garcia") },
        ],
    },
    DemoPole {
        slug: "limousin-savoir-faire",
        name: "Limousin savoir-faire",
        description: "Porcelaine, élevage et transmission des entreprises du Limousin.",
        commune: "87085",
        departements: &["87", "19", "23"],
        coordinator: ("coordination.limoges@demo.ptce.fr", "Étienne Dumas"),
        enterprises: &[
            DemoEnterprise { name: "Porcelaine Solidaire de Limoges", legal_form: LegalForm::Scop, naf: "23.41Z", commune: "87085", headcount: 21, member: ("helene.mazaud@demo.ptce.fr", "Hélène Mazaud") },
            DemoEnterprise { name: "Abattoir Coopératif du Haut-Limousin", legal_form: LegalForm::Cooperative, naf: "10.11Z", commune: "87011", headcount: 26, member: ("remi.bouchaud@demo.ptce.fr", "Rémi Bouchaud") },
        ],
    },
    DemoPole {
        slug: "alsace-cooperative",
        name: "Alsace coopérative",
        description: "Brasserie, mobilité et réparation entre Strasbourg et Colmar.",
        commune: "67482",
        departements: &["67", "68"],
        coordinator: ("coordination.strasbourg@demo.ptce.fr", "Mathilde Koenig"),
        enterprises: &[
            DemoEnterprise { name: "Brasserie Coopérative Strasbourgeoise", legal_form: LegalForm::Scop, naf: "11.05Z", commune: "67482", headcount: 12, member: ("lukas.meyer@demo.ptce.fr", "Lukas Meyer") },
            DemoEnterprise { name: "Atelier Vélo Solidaire de Colmar", legal_form: LegalForm::Association, naf: "95.29Z", commune: "68066", headcount: 8, member: ("emma.schmitt@demo.ptce.fr", "Emma Schmitt") },
        ],
    },
    DemoPole {
        slug: "volcans-auvergne",
        name: "Pôle des volcans d'Auvergne",
        description: "Coutellerie de Thiers, fromages AOP et reprise d'ateliers en Auvergne.",
        commune: "63113",
        departements: &["63", "15"],
        coordinator: ("coordination.auvergne@demo.ptce.fr", "Bruno Chassaing"),
        enterprises: &[
            DemoEnterprise { name: "Coutellerie Coopérative de Thiers", legal_form: LegalForm::Scop, naf: "25.71Z", commune: "63430", headcount: 18, member: ("alice.brunel@demo.ptce.fr", "Alice Brunel") },
            DemoEnterprise { name: "Fromagerie des Volcans", legal_form: LegalForm::Cooperative, naf: "10.51C", commune: "63380", headcount: 11, member: ("vincent.roche@demo.ptce.fr", "Vincent Roche") },
        ],
    },
];

/// What was created, for the start-up banner and the README.
#[derive(Debug, Default)]
pub struct DemoSummary {
    pub created: bool,
    pub poles: usize,
    pub enterprises: usize,
    pub listings: usize,
    pub exchanges: usize,
}

impl DemoSummary {
    pub fn print(&self, base_url: &str) {
        if !self.created {
            return;
        }
        println!();
        println!(
            "  PTCE Exchange demo data: {} pôles, {} enterprises, {} listings, {} exchanges (local use only).",
            self.poles, self.enterprises, self.listings, self.exchanges
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

/// A demo listing: (enterprise name, kind, category, title, description, NAF, radius or
/// national, quantity and unit, unit price, details).
struct DemoListing {
    enterprise: &'static str,
    kind: Kind,
    category: Category,
    title: &'static str,
    description: &'static str,
    naf: &'static str,
    radius_km: Option<i32>,
    quantity: Option<(&'static str, Unit)>,
    unit_price: Option<&'static str>,
    details: fn() -> serde_json::Value,
}

const LISTINGS: &[DemoListing] = &[
    DemoListing {
        enterprise: "Scierie Coopérative de la Moselotte",
        kind: Kind::Offer,
        category: Category::LocalResource,
        title: "Sciure et copeaux de sapin",
        description: "Co-produits de sciage, secs, disponibles chaque semaine en big-bags. Idéal pour l'isolation ou la litière.",
        naf: "16.10A",
        radius_km: Some(150),
        quantity: Some(("20", Unit::T)),
        unit_price: Some("35"),
        details: || serde_json::json!({"resource_type": "by_product", "recurrence": "recurring"}),
    },
    DemoListing {
        enterprise: "Vosges Isolation Bois",
        kind: Kind::Need,
        category: Category::LocalResource,
        title: "Fibres et sciure de bois pour isolant",
        description: "Nous cherchons de la sciure de résineux locale pour nos panneaux isolants en fibre de bois.",
        naf: "16.29Z",
        radius_km: Some(100),
        quantity: Some(("12000", Unit::Kg)),
        unit_price: Some("0.05"),
        details: || serde_json::json!({"resource_type": "materials", "recurrence": "recurring"}),
    },
    DemoListing {
        enterprise: "Menuiserie Coopérative du Royans",
        kind: Kind::Offer,
        category: Category::LocalResource,
        title: "Chutes de chêne massif",
        description: "Chutes de chêne sec de 20 à 80 cm, triées, issues de notre atelier de menuiserie.",
        naf: "16.23Z",
        radius_km: Some(80),
        quantity: Some(("800", Unit::Kg)),
        unit_price: Some("0.40"),
        details: || serde_json::json!({"resource_type": "by_product", "recurrence": "one_off"}),
    },
    DemoListing {
        enterprise: "Ressourcerie Drôme Nord",
        kind: Kind::Need,
        category: Category::LocalResource,
        title: "Bois de réemploi pour l'atelier mobilier",
        description: "Notre atelier d'insertion fabrique du mobilier à partir de bois de récupération.",
        naf: "16.10A",
        radius_km: Some(50),
        quantity: Some(("1", Unit::T)),
        unit_price: Some("500"),
        details: || serde_json::json!({"resource_type": "materials", "recurrence": "recurring"}),
    },
    DemoListing {
        enterprise: "Archer Chaussures",
        kind: Kind::Offer,
        category: Category::KnowHow,
        title: "Transmettre le montage de chaussures",
        description: "Nos piqueurs et monteurs accompagnent des apprentis et des salariés en reconversion.",
        naf: "15.20Z",
        radius_km: Some(60),
        quantity: Some(("120", Unit::H)),
        unit_price: None,
        details: || serde_json::json!({"format": "mentoring", "hours": 120}),
    },
    DemoListing {
        enterprise: "Ressourcerie Drôme Nord",
        kind: Kind::Need,
        category: Category::KnowHow,
        title: "Apprendre la réparation de chaussures",
        description: "Former deux salariés en insertion à la réparation et à la remise en état de chaussures.",
        naf: "15.20Z",
        radius_km: Some(40),
        quantity: Some(("60", Unit::H)),
        unit_price: None,
        details: || serde_json::json!({"format": "training", "hours": 60}),
    },
    DemoListing {
        enterprise: "Horlogerie du Haut-Doubs",
        kind: Kind::Offer,
        category: Category::BusinessTakeover,
        title: "Atelier d'horlogerie à transmettre",
        description: "Atelier de réparation et de fabrication de petites séries, clientèle fidèle, départ à la retraite du dirigeant.",
        naf: "26.52Z",
        radius_km: Some(150),
        quantity: None,
        unit_price: None,
        details: || serde_json::json!({"revenue_band": "100k_500k", "headcount_band": "1_9", "asking_price": "180000.00", "reason": "retirement", "timeline_months": 18}),
    },
    DemoListing {
        enterprise: "Microtechnique Coopérative",
        kind: Kind::Need,
        category: Category::BusinessTakeover,
        title: "Reprendre un atelier horloger du Haut-Doubs",
        description: "La SCOP souhaite reprendre un atelier et ses salariés pour développer la réparation.",
        naf: "26.52Z",
        radius_km: Some(100),
        quantity: None,
        unit_price: None,
        details: || serde_json::json!({"revenue_band": "100k_500k", "headcount_band": "1_9"}),
    },
    DemoListing {
        enterprise: "Filature du Nord",
        kind: Kind::Offer,
        category: Category::RelocatedProduction,
        title: "Capacité de filature de laine recyclée",
        description: "Nous relocalisons la filature : 5 tonnes par mois de fil recyclé, en petites séries.",
        naf: "13.10Z",
        radius_km: None,
        quantity: Some(("5000", Unit::Kg)),
        unit_price: Some("9.50"),
        details: || serde_json::json!({"monthly_capacity": "5000", "lead_time_days": 21}),
    },
    DemoListing {
        enterprise: "Atelier Soie Recyclée",
        kind: Kind::Need,
        category: Category::RelocatedProduction,
        title: "Fil recyclé fabriqué en France",
        description: "Pour nos tissages, nous cherchons un fil recyclé produit en France, 800 kg par mois.",
        naf: "13.10Z",
        radius_km: None,
        quantity: Some(("800", Unit::Kg)),
        unit_price: Some("12"),
        details: || serde_json::json!({"lead_time_days": 30}),
    },
    DemoListing {
        enterprise: "Maraîchers du Lauragais",
        kind: Kind::Offer,
        category: Category::LocalResource,
        title: "Légumes déclassés pour la transformation",
        description: "Carottes, courges et poireaux hors calibre, chaque semaine, à transformer plutôt qu'à jeter.",
        naf: "01.13Z",
        radius_km: Some(80),
        quantity: Some(("2", Unit::T)),
        unit_price: Some("300"),
        details: || serde_json::json!({"resource_type": "by_product", "recurrence": "recurring"}),
    },
    DemoListing {
        enterprise: "Légumerie Solidaire Toulousaine",
        kind: Kind::Need,
        category: Category::LocalResource,
        title: "Légumes de plein champ pour la restauration collective",
        description: "Notre légumerie prépare des légumes pour les cantines de la métropole.",
        naf: "01.13Z",
        radius_km: Some(60),
        quantity: Some(("1500", Unit::Kg)),
        unit_price: Some("0.45"),
        details: || serde_json::json!({"resource_type": "materials", "recurrence": "recurring"}),
    },
    DemoListing {
        enterprise: "Conserverie Solidaire de Douarnenez",
        kind: Kind::Need,
        category: Category::LocalResource,
        title: "Bocaux en verre de réemploi",
        description: "Nous cherchons des bocaux de 350 g lavés, en continu.",
        naf: "23.13Z",
        radius_km: Some(120),
        quantity: Some(("3000", Unit::Unit)),
        unit_price: Some("0.20"),
        details: || serde_json::json!({"resource_type": "materials", "recurrence": "recurring"}),
    },
    DemoListing {
        enterprise: "Coutellerie Coopérative de Thiers",
        kind: Kind::Offer,
        category: Category::RelocatedProduction,
        title: "Sous-traitance en forge et émouture",
        description: "Capacité de forge et d'émouture pour des séries de lames, délais courts.",
        naf: "25.71Z",
        radius_km: None,
        quantity: Some(("2000", Unit::Unit)),
        unit_price: Some("6.80"),
        details: || serde_json::json!({"monthly_capacity": "2000", "lead_time_days": 15}),
    },
];

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
            },
        )?;
        crate::ops::listings::refresh_teaser(conn, &created).map_err(|e| anyhow::anyhow!("{e}"))?;
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
    Ok(())
}
