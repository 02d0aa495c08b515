//! Demo learning visits and library resources: visits held (with attendance and one
//! report) and coming (one almost full, one for its pôle's members only), registrations
//! from several pôles, and a dozen resources of every kind. Dates are set from the day
//! the demo is loaded, so there are always visits to come.

use chrono::{DateTime, Duration, NaiveTime, Utc};
use diesel::prelude::*;

use crate::domain::visit::{
    Audience, RegistrationStatus, ResourceKind, ResourceVisibility, Theme, TransversalIssue,
};
use crate::models::ids::{AccountId, EnterpriseId, PoleId, VisitId};
use crate::models::resource::{self, NewResource};
use crate::models::visit::{self, VisitFields};
use crate::schema::{accounts, enterprise_accounts, enterprises, poles};

/// `days` from today at `hour:minute`, Paris time.
fn paris_at(now: DateTime<Utc>, days: i64, hour: u32, minute: u32) -> DateTime<Utc> {
    let day = crate::clock::paris_date(now) + Duration::days(days);
    let time = NaiveTime::from_hms_opt(hour, minute, 0).unwrap_or_default();
    day.and_time(time)
        .and_local_timezone(chrono_tz::Europe::Paris)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or(now)
}

fn pole_id(conn: &mut PgConnection, slug: &str) -> anyhow::Result<PoleId> {
    Ok(poles::table
        .filter(poles::slug.eq(slug))
        .select(poles::id)
        .first(conn)?)
}

/// The enterprise of this name and its (first) account.
fn member(conn: &mut PgConnection, name: &str) -> anyhow::Result<(EnterpriseId, AccountId)> {
    Ok(enterprises::table
        .inner_join(enterprise_accounts::table)
        .filter(enterprises::name.eq(name))
        .select((enterprises::id, enterprise_accounts::account_id))
        .first(conn)?)
}

fn account(conn: &mut PgConnection, email: &str) -> anyhow::Result<AccountId> {
    Ok(accounts::table
        .filter(accounts::email.eq(email))
        .select(accounts::id)
        .first(conn)?)
}

struct DemoVisit {
    pole: &'static str,
    coordinator: &'static str,
    title: &'static str,
    description: &'static str,
    theme: Theme,
    issue: TransversalIssue,
    host: Option<&'static str>,
    commune: &'static str,
    /// Days from today (negative: held).
    days: i64,
    capacity: i32,
    audience: Audience,
    /// Enterprises registered, in order; `true` when marked present (held visits).
    registered: &'static [(&'static str, bool)],
}

const VISITS: &[DemoVisit] = &[
    DemoVisit {
        pole: "pole-sud-archer",
        coordinator: "coordination.archer@demo.ptce.fr",
        title: "Relocaliser la fabrication de chaussures à Romans",
        description: "Une journée chez Archer Chaussures : comment une SCOP a fait revenir la fabrication à Romans-sur-Isère, le choix des fournisseurs locaux et le financement de l’atelier.",
        theme: Theme::EconomicModel,
        issue: TransversalIssue::TerritorialDevelopment,
        host: Some("Archer Chaussures"),
        commune: "26281",
        days: -60,
        capacity: 20,
        audience: Audience::Network,
        registered: &[
            ("Atelier Soie Recyclée", true),
            ("Scierie Coopérative de la Moselotte", true),
            ("Les Paniers de l'Erdre", false),
            ("Menuiserie Coopérative du Royans", true),
        ],
    },
    DemoVisit {
        pole: "ecopole-lyonnais",
        coordinator: "coordination.lyon@demo.ptce.fr",
        title: "Gouvernance d’une SCIC : décider à plusieurs collèges",
        description: "Comment l’Atelier Soie Recyclée associe salariés, clients, collectivités et bénévoles aux décisions ; les statuts, les commissions, ce qui a coincé.",
        theme: Theme::Governance,
        issue: TransversalIssue::SocialImpact,
        host: Some("Atelier Soie Recyclée"),
        commune: "69266",
        days: -21,
        capacity: 15,
        audience: Audience::Network,
        registered: &[
            ("Archer Chaussures", true),
            ("Ressourcerie Drôme Nord", true),
            ("Chantier Naval Coopératif de l'Estuaire", true),
        ],
    },
    DemoVisit {
        pole: "pole-bois-vosges",
        coordinator: "coordination.vosges@demo.ptce.fr",
        title: "Financer une scierie coopérative : prêts, titres participatifs, subventions",
        description: "La Scierie Coopérative de la Moselotte présente le montage financier de sa nouvelle ligne de sciage : titres participatifs, prêt bancaire, fonds régional.",
        theme: Theme::FinancialEngineering,
        issue: TransversalIssue::LocalEffects,
        host: Some("Scierie Coopérative de la Moselotte"),
        commune: "88447",
        days: 12,
        capacity: 3,
        audience: Audience::Network,
        registered: &[
            ("Menuiserie Coopérative du Royans", false),
            ("Archer Chaussures", false),
        ],
    },
    DemoVisit {
        pole: "pole-sud-archer",
        coordinator: "coordination.archer@demo.ptce.fr",
        title: "Reprendre une entreprise en SCOP : la posture du repreneur",
        description: "Témoignages de salariés devenus associés : ce qui change dans la posture entrepreneuriale, l’accompagnement, les premiers mois.",
        theme: Theme::Entrepreneurship,
        issue: TransversalIssue::SocialImpact,
        host: Some("Menuiserie Coopérative du Royans"),
        commune: "26307",
        days: 26,
        capacity: 25,
        audience: Audience::Network,
        registered: &[("Atelier Soie Recyclée", false)],
    },
    DemoVisit {
        pole: "ecopole-lyonnais",
        coordinator: "coordination.lyon@demo.ptce.fr",
        title: "Cuisine solidaire et circuits courts : visite entre membres",
        description: "Réservée aux membres de l’Écopôle : la cuisine du Traiteur Solidaire des Pentes, ses fournisseurs à moins de 80 km et ses parcours d’insertion.",
        theme: Theme::EconomicModel,
        issue: TransversalIssue::LocalEffects,
        host: Some("Traiteur Solidaire des Pentes"),
        commune: "69123",
        days: 40,
        capacity: 12,
        audience: Audience::Pole,
        registered: &[],
    },
];

struct DemoResource {
    title: &'static str,
    summary: &'static str,
    kind: ResourceKind,
    themes: &'static [Theme],
    naf: Option<&'static str>,
    pole: Option<&'static str>,
    licence: &'static str,
    visibility: ResourceVisibility,
    url: Option<&'static str>,
}

const RESOURCES: &[DemoResource] = &[
    DemoResource { title: "Grille d’analyse d’une reprise en SCOP", summary: "Dix questions à se poser avant de reprendre une entreprise en coopérative : marché, équipe, valorisation, financement, accompagnement par l’URSCOP.", kind: ResourceKind::Tool, themes: &[Theme::EconomicModel, Theme::FinancialEngineering], naf: None, pole: Some("pole-sud-archer"), licence: "CC-BY-SA-4.0", visibility: ResourceVisibility::Public, url: None },
    DemoResource { title: "Statuts types de SCIC commentés", summary: "Des statuts de société coopérative d’intérêt collectif annotés article par article : collèges de vote, répartition des excédents, entrée et sortie des sociétaires.", kind: ResourceKind::Template, themes: &[Theme::Governance], naf: None, pole: Some("ecopole-lyonnais"), licence: "CC-BY-SA-4.0", visibility: ResourceVisibility::Public, url: None },
    DemoResource { title: "Mutualiser un poste de coordinateur entre entreprises", summary: "Méthode pas à pas pour créer un groupement d’employeurs au sein d’un pôle : besoins, temps partagé, convention, financement du poste.", kind: ResourceKind::Method, themes: &[Theme::Governance, Theme::EconomicModel], naf: None, pole: Some("estuaire-cooperatif"), licence: "etalab-2.0", visibility: ResourceVisibility::Public, url: None },
    DemoResource { title: "Valoriser les chutes de bois : étude de cas de la Moselotte", summary: "Comment la sciure et les chutes de sapin sont devenues des granulés et de la litière pour des élevages voisins : volumes, prix, logistique, débouchés.", kind: ResourceKind::CaseStudy, themes: &[Theme::EconomicModel], naf: Some("16.10A"), pole: Some("pole-bois-vosges"), licence: "CC-BY-4.0", visibility: ResourceVisibility::Public, url: None },
    DemoResource { title: "Tableau de suivi de l’impact social", summary: "Un tableur pour suivre les emplois créés et maintenus, les parcours d’insertion et les tonnes détournées, avec des indicateurs partagés entre pôles.", kind: ResourceKind::Tool, themes: &[Theme::Other], naf: None, pole: None, licence: "CC-BY-SA-4.0", visibility: ResourceVisibility::Public, url: None },
    DemoResource { title: "Titres participatifs : guide pour une SCOP", summary: "Ce que sont les titres participatifs, comment les émettre, à qui, et ce qu’ils changent pour les fonds propres d’une coopérative de production.", kind: ResourceKind::Method, themes: &[Theme::FinancialEngineering], naf: None, pole: Some("pole-bois-vosges"), licence: "CC-BY-SA-4.0", visibility: ResourceVisibility::Members, url: None },
    DemoResource { title: "Relocaliser une production textile : retour d’expérience", summary: "L’Atelier Soie Recyclée raconte trois ans de relocalisation : machines d’occasion, formation des couturières, premiers clients, prix de revient.", kind: ResourceKind::CaseStudy, themes: &[Theme::EconomicModel, Theme::Entrepreneurship], naf: Some("13"), pole: Some("ecopole-lyonnais"), licence: "CC-BY-4.0", visibility: ResourceVisibility::Public, url: None },
    DemoResource { title: "Convention type de mise à disposition de locaux", summary: "Un modèle de convention entre entreprises d’un pôle pour partager un atelier ou un entrepôt : durée, charges, assurance, sortie.", kind: ResourceKind::Template, themes: &[Theme::Other], naf: None, pole: Some("estuaire-cooperatif"), licence: "etalab-2.0", visibility: ResourceVisibility::Public, url: None },
    DemoResource { title: "Animer une visite apprenante", summary: "Préparer le thème et la question transversale, choisir l’hôte, conduire les échanges, écrire le compte rendu pour que d’autres territoires puissent refaire ce qui a marché.", kind: ResourceKind::Method, themes: &[Theme::Governance, Theme::Entrepreneurship], naf: None, pole: None, licence: "CC-BY-SA-4.0", visibility: ResourceVisibility::Public, url: None },
    DemoResource { title: "Circuit court alimentaire : le modèle économique d’un traiteur solidaire", summary: "Chiffres clés, fournisseurs à moins de 80 km, prix de revient d’un repas et rôle des contrats d’insertion dans l’équilibre du modèle.", kind: ResourceKind::CaseStudy, themes: &[Theme::EconomicModel], naf: Some("56"), pole: Some("ecopole-lyonnais"), licence: "CC-BY-4.0", visibility: ResourceVisibility::Members, url: None },
    DemoResource { title: "Guide de l’économie sociale et solidaire (loi du 31 juillet 2014)", summary: "Les grands principes de la loi ESS, l’agrément ESUS et ce qu’ils permettent pour une entreprise d’un PTCE.", kind: ResourceKind::Other, themes: &[Theme::Governance], naf: None, pole: None, licence: "etalab-2.0", visibility: ResourceVisibility::Public, url: Some("https://www.legifrance.gouv.fr/loda/id/JORFTEXT000029313296") },
];

/// Demo visits (held and coming) with registrations, attendance and one report, and the
/// library's resources.
pub(super) fn seed_visits_and_library(conn: &mut PgConnection) -> anyhow::Result<(usize, usize)> {
    let now = Utc::now();
    let mut held_first: Option<(VisitId, PoleId, AccountId, Theme, &str)> = None;
    for demo in VISITS {
        let pole = pole_id(conn, demo.pole)?;
        let coordinator = account(conn, demo.coordinator)?;
        let host = match demo.host {
            Some(name) => Some(member(conn, name)?.0),
            None => None,
        };
        let starts_at = paris_at(now, demo.days, 9, 30);
        let fields = VisitFields {
            title: demo.title.into(),
            description: demo.description.into(),
            theme: demo.theme,
            transversal_issue: demo.issue,
            host_enterprise_id: host,
            commune_code: demo.commune.into(),
            starts_at,
            ends_at: paris_at(now, demo.days, 16, 30),
            capacity: demo.capacity,
            registration_deadline: paris_at(now, demo.days - 2, 18, 0),
            audience: demo.audience,
        };
        let created_at = starts_at - Duration::days(30);
        let created = visit::insert(conn, pole, &fields, coordinator, created_at.min(now))?;
        let mut ids = Vec::new();
        for (name, _) in demo.registered {
            let (enterprise, person) = member(conn, name)?;
            let registered = visit::register(
                conn,
                created.id,
                enterprise,
                person,
                "",
                RegistrationStatus::Confirmed,
                created_at.min(now),
            )?;
            ids.extend(registered.map(|r| r.id));
        }
        let present: Vec<_> = demo
            .registered
            .iter()
            .zip(&ids)
            .filter(|((_, came), _)| *came)
            .map(|(_, id)| *id)
            .collect();
        if demo.days < 0 {
            visit::mark_attended(conn, created.id, &present)?;
            if held_first.is_none() {
                held_first = Some((created.id, pole, coordinator, demo.theme, demo.title));
            }
        }
    }
    // The first visit held has its report in the library; the second waits for one.
    if let Some((visit_id, pole, coordinator, theme, title)) = held_first {
        resource::insert(
            conn,
            &NewResource {
                title: format!("Compte rendu — {title}"),
                summary: "Quinze personnes de quatre pôles ont vu l’atelier de Romans : la fabrication revenue d’Asie, les fournisseurs de cuir à moins de 150 km et le financement par les salariés associés.".into(),
                kind: ResourceKind::VisitReport,
                themes: vec![theme.as_str().into()],
                naf_code: Some("15.20Z".into()),
                pole_id: Some(pole),
                visit_id: Some(visit_id),
                lessons: "La relocalisation tient par la qualité et la proximité des clients, pas par le prix ; les salariés associés acceptent un démarrage lent ; la collectivité a aidé pour le bâtiment.".into(),
                next_steps: "Un atelier sur le prix de revient en circuit court ; une mise en relation avec les tanneries du pôle Limousin.".into(),
                licence: "CC-BY-SA-4.0".into(),
                visibility: ResourceVisibility::Public,
                url: None,
                created_by: coordinator,
                created_at: paris_at(now, -55, 11, 0),
            },
        )?;
    }
    let admin = account(conn, super::ADMIN_EMAIL)?;
    for (n, demo) in RESOURCES.iter().enumerate() {
        let pole = match demo.pole {
            Some(slug) => Some(pole_id(conn, slug)?),
            None => None,
        };
        resource::insert(
            conn,
            &NewResource {
                title: demo.title.into(),
                summary: demo.summary.into(),
                kind: demo.kind,
                themes: demo.themes.iter().map(|t| t.as_str().to_string()).collect(),
                naf_code: demo.naf.map(String::from),
                pole_id: pole,
                visit_id: None,
                lessons: String::new(),
                next_steps: String::new(),
                licence: demo.licence.into(),
                visibility: demo.visibility,
                url: demo.url.map(String::from),
                created_by: admin,
                created_at: now - Duration::days(90 - 7 * n as i64),
            },
        )?;
    }
    Ok((VISITS.len(), RESOURCES.len() + 1))
}
