//! My notifications: a choice per family of events (instant, daily digest, off), whether my
//! address is confirmed, and my saved searches (alerts) with a form to add one.

use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::listings::{invalid, parse_int, resolve_commune};
use super::{api_done, api_json, see_other, Ctx, FormErrors, Posted, Web};
use crate::api::alerts::{
    self as api_alerts, AlertFrequency, AlertList, AlertView, CreateAlertRequest,
};
use crate::api::auth::{self as api_auth, FamiliesChange, NotificationsChange, UpdateMeRequest};
use crate::api::json::Json;
use crate::domain::account::{Family, Locale, Notifications, Preferences};
use crate::domain::listing::{Category, Kind};
use crate::error::{AppError, AppResult, FieldError};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/notifications", web::get().to(page))
        .route(
            "/notifications/preferences",
            web::post().to(save_preferences),
        )
        .route("/notifications/alerts", web::post().to(create_alert))
        .route(
            "/notifications/alerts/{id}/delete",
            web::post().to(delete_alert),
        );
}

/// The words of this page, in both languages.
pub struct Text {
    pub title: &'static str,
    pub intro: &'static str,
    pub preferences: &'static str,
    pub instant: &'static str,
    pub daily: &'static str,
    pub off: &'static str,
    pub digest_at: &'static str,
    pub save: &'static str,
    pub saved: &'static str,
    pub verified: &'static str,
    pub unverified: &'static str,
    pub alerts: &'static str,
    pub alerts_intro: &'static str,
    pub no_alerts: &'static str,
    pub new_alert: &'static str,
    pub any: &'static str,
    pub radius: &'static str,
    pub keywords: &'static str,
    pub frequency: &'static str,
    pub create: &'static str,
    pub created: &'static str,
    pub delete: &'static str,
    pub deleted: &'static str,
    pub within: &'static str,
    pub anywhere: &'static str,
    pub no_criteria: &'static str,
    pub commune_required: &'static str,
    pub too_many: &'static str,
    pub family_help: [&'static str; 5],
}

const FR: Text = Text {
    title: "Notifications et alertes",
    intro: "Choisissez ce que vous recevez par e-mail, et quand.",
    preferences: "Mes préférences",
    instant: "Tout de suite",
    daily: "Résumé quotidien",
    off: "Jamais",
    digest_at: "Le résumé quotidien part chaque jour vers {h} h (heure de Paris), seulement s'il y a du nouveau.",
    save: "Enregistrer mes préférences",
    saved: "Vos préférences sont enregistrées.",
    verified: "Votre adresse e-mail est confirmée.",
    unverified: "Votre adresse e-mail n'est pas encore confirmée : suivez le lien de l'e-mail de bienvenue.",
    alerts: "Mes alertes",
    alerts_intro: "Une alerte vous prévient des nouvelles annonces qui correspondent à vos critères, une seule fois par annonce.",
    no_alerts: "Vous n'avez pas encore d'alerte.",
    new_alert: "Créer une alerte",
    any: "Toutes",
    radius: "Rayon (km)",
    keywords: "Mots-clés",
    frequency: "Fréquence",
    create: "Créer l'alerte",
    created: "L'alerte est créée.",
    delete: "Supprimer",
    deleted: "L'alerte est supprimée.",
    within: "à moins de {km} km de {place}",
    anywhere: "partout en France",
    no_criteria: "Indiquez au moins un critère : type, catégorie, code NAF, lieu ou mots-clés.",
    commune_required: "Un rayon se compte autour d'une commune : indiquez-la.",
    too_many: "Vous avez déjà 50 alertes : supprimez-en une d'abord.",
    family_help: [
        "Nouvelles correspondances et réponses de l'autre partie",
        "Échanges créés, changements d'état, opérations enregistrées ou annulées",
        "Demandes d'adhésion (coordinateurs) et adhésions approuvées",
        "Mes annonces qui expirent dans trois jours",
        "Nouvelles annonces qui correspondent à mes alertes",
    ],
};

const EN: Text = Text {
    title: "Notifications and alerts",
    intro: "Choose what you receive by email, and when.",
    preferences: "My preferences",
    instant: "Right away",
    daily: "Daily digest",
    off: "Never",
    digest_at: "The daily digest goes out every day around {h}:00 (Paris time), only when there is something new.",
    save: "Save my preferences",
    saved: "Your preferences are saved.",
    verified: "Your email address is confirmed.",
    unverified: "Your email address is not confirmed yet: follow the link of the welcome email.",
    alerts: "My alerts",
    alerts_intro: "An alert tells you about new listings that fit your criteria, once per listing.",
    no_alerts: "You have no alert yet.",
    new_alert: "Create an alert",
    any: "Any",
    radius: "Radius (km)",
    keywords: "Keywords",
    frequency: "Frequency",
    create: "Create the alert",
    created: "The alert is created.",
    delete: "Delete",
    deleted: "The alert is deleted.",
    within: "within {km} km of {place}",
    anywhere: "anywhere in France",
    no_criteria: "Give at least one criterion: kind, category, NAF code, place or keywords.",
    commune_required: "A radius is counted around a commune: give it.",
    too_many: "You already have 50 alerts: delete one first.",
    family_help: [
        "New matches and the other side's answers",
        "Exchanges created, status changes, transactions recorded or reversed",
        "Membership requests (coordinators) and approved memberships",
        "My listings that expire within three days",
        "New listings that fit my alerts",
    ],
};

fn text(lang: Locale) -> &'static Text {
    match lang {
        Locale::Fr => &FR,
        Locale::En => &EN,
    }
}

/// One family's row of the preferences form.
struct FamilyRow {
    key: &'static str,
    label: &'static str,
    help: &'static str,
    /// (value, label, chosen) of each radio button.
    options: Vec<(&'static str, &'static str, bool)>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
struct AlertForm {
    kind: String,
    category: String,
    naf: String,
    commune: String,
    radius_km: String,
    keywords: String,
    frequency: String,
}

#[derive(Template)]
#[template(path = "notifications.html")]
struct NotificationsPage {
    ctx: Ctx,
    t: &'static Text,
    families: Vec<FamilyRow>,
    digest_note: String,
    verified: bool,
    alerts: Vec<AlertView>,
    categories: Vec<(&'static str, &'static str)>,
    form: AlertForm,
    errors: FormErrors,
    notice: Option<&'static str>,
}

impl NotificationsPage {
    /// The alert's criteria in a sentence: "Offres · Ressources locales · NAF 16 · …".
    fn describe(&self, alert: &AlertView) -> String {
        let mut parts: Vec<String> = Vec::new();
        if let Some(kind) = &alert.kind {
            parts.push(self.ctx.kind(kind).to_string());
        }
        if let Some(category) = &alert.category {
            parts.push(self.ctx.category(category).to_string());
        }
        if let Some(naf) = &alert.naf {
            parts.push(format!("NAF {naf}"));
        }
        match (&alert.commune, alert.radius_km) {
            (Some(commune), Some(km)) => parts.push(
                self.t
                    .within
                    .replace("{km}", &km.to_string())
                    .replace("{place}", &commune.name),
            ),
            _ => parts.push(self.t.anywhere.to_string()),
        }
        if let Some(words) = &alert.keywords {
            parts.push(format!("« {words} »"));
        }
        parts.join(" · ")
    }

    fn frequency_label(&self, alert: &AlertView) -> &'static str {
        match alert.frequency {
            AlertFrequency::Instant => self.t.instant,
            AlertFrequency::Daily => self.t.daily,
        }
    }
}

#[derive(Deserialize)]
struct Notice {
    #[serde(default)]
    done: String,
}

async fn page(web: Web, query: web::Query<Notice>) -> AppResult<HttpResponse> {
    web.require()?;
    let t = text(web.ctx.lang);
    let notice = match query.done.as_str() {
        "saved" => Some(t.saved),
        "created" => Some(t.created),
        "deleted" => Some(t.deleted),
        _ => None,
    };
    let form = AlertForm {
        frequency: "instant".into(),
        ..AlertForm::default()
    };
    render(&web, form, FormErrors::default(), notice).await
}

async fn render(
    web: &Web,
    form: AlertForm,
    errors: FormErrors,
    notice: Option<&'static str>,
) -> AppResult<HttpResponse> {
    let caller = web.require()?;
    let t = text(web.ctx.lang);
    let alerts: AlertList =
        api_json(api_alerts::list(web.state.clone(), caller.clone()).await).await?;
    let preferences = caller.account.preferences();
    let families = Family::ALL
        .iter()
        .zip(t.family_help)
        .map(|(family, help)| {
            let chosen = preferences.get(*family);
            FamilyRow {
                key: family.as_str(),
                label: family.label(web.ctx.lang),
                help,
                options: [
                    (Notifications::Instant, t.instant),
                    (Notifications::Daily, t.daily),
                    (Notifications::Off, t.off),
                ]
                .into_iter()
                .map(|(choice, label)| (choice.as_str(), label, choice == chosen))
                .collect(),
            }
        })
        .collect();
    let categories = Category::ALL
        .iter()
        .map(|c| (c.as_str(), web.ctx.category(c)))
        .collect();
    let status = errors.status();
    web.page_with(
        status,
        &NotificationsPage {
            ctx: web.ctx.clone(),
            t,
            families,
            digest_note: t
                .digest_at
                .replace("{h}", &web.state.settings.mail.digest_hour.to_string()),
            verified: caller.account.email_verified_at.is_some(),
            alerts: alerts.items,
            categories,
            form,
            errors,
            notice,
        },
    )
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct PreferencesForm {
    matches: String,
    exchanges: String,
    memberships: String,
    listings: String,
    alerts: String,
}

fn choice(value: &str) -> AppResult<Option<Notifications>> {
    match value {
        "" => Ok(None),
        "instant" => Ok(Some(Notifications::Instant)),
        "daily" => Ok(Some(Notifications::Daily)),
        "off" => Ok(Some(Notifications::Off)),
        _ => Err(AppError::BadRequest("Choose one of the options.".into())),
    }
}

async fn save_preferences(posted: Posted<PreferencesForm>) -> AppResult<HttpResponse> {
    let Posted { web, form, .. } = posted;
    let caller = web.require()?;
    let change = FamiliesChange {
        matches: choice(&form.matches)?,
        exchanges: choice(&form.exchanges)?,
        memberships: choice(&form.memberships)?,
        listings: choice(&form.listings)?,
        alerts: choice(&form.alerts)?,
    };
    let request = UpdateMeRequest {
        display_name: None,
        locale: None,
        notifications: Some(NotificationsChange::Families(change)),
        password: None,
        current_password: None,
    };
    api_done(api_auth::update_me(web.state.clone(), caller, Json(request)).await).await?;
    Ok(see_other("/notifications?done=saved"))
}

/// A select's value as the API's enum; "" is "any".
fn parse_choice<T: serde::de::DeserializeOwned>(
    errors: &mut Vec<FieldError>,
    field: &str,
    value: &str,
) -> Option<T> {
    if value.is_empty() {
        return None;
    }
    let parsed = serde_json::from_value(serde_json::Value::String(value.to_string())).ok();
    if parsed.is_none() {
        invalid(errors, field, "invalid_value", "Choose one of the options.");
    }
    parsed
}

async fn create_alert(posted: Posted<AlertForm>) -> AppResult<HttpResponse> {
    let Posted { web, form, .. } = posted;
    let caller = web.require()?;
    let t = text(web.ctx.lang);
    let mut errors: Vec<FieldError> = Vec::new();
    let kind: Option<Kind> = parse_choice(&mut errors, "kind", &form.kind);
    let category: Option<Category> = parse_choice(&mut errors, "category", &form.category);
    let frequency: Option<AlertFrequency> = parse_choice(&mut errors, "frequency", &form.frequency);
    let radius_km = parse_int::<i32>(&mut errors, "radius_km", &form.radius_km);
    let commune = resolve_commune(&web, &form.commune).await?;
    let refused = if errors.is_empty() {
        let request = CreateAlertRequest {
            kind,
            category,
            naf: Some(form.naf.trim().to_string()).filter(|n| !n.is_empty()),
            commune: Some(commune).filter(|c| !c.is_empty()),
            radius_km,
            keywords: Some(form.keywords.trim().to_string()).filter(|k| !k.is_empty()),
            frequency,
        };
        match api_alerts::create(web.state.clone(), caller, Json(request)).await {
            Ok(_) => return Ok(see_other("/notifications?done=created")),
            Err(error) => error,
        }
    } else {
        AppError::Validation(errors)
    };
    let mut shown = match refused {
        // The only conflict here: the account keeps too many alerts.
        AppError::Conflict(_) => FormErrors {
            fields: Vec::new(),
            general: Some(t.too_many.into()),
        },
        other => FormErrors::from_error(other, web.tr())?,
    };
    // This page's own refusals, in the reader's language.
    for field in &mut shown.fields {
        match field.code.as_str() {
            "no_criteria" => field.message = t.no_criteria.into(),
            "commune_required" => field.message = t.commune_required.into(),
            _ => {}
        }
    }
    render(&web, form, shown, None).await
}

async fn delete_alert(
    posted: Posted<super::NoFields>,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let caller = posted.web.require()?;
    api_done(api_alerts::delete(posted.web.state.clone(), caller, id).await).await?;
    Ok(see_other("/notifications?done=deleted"))
}

/// The preferences as the dashboard's summary shows them.
pub fn summary(lang: Locale, preferences: &Preferences) -> Vec<(&'static str, &'static str)> {
    let t = text(lang);
    Family::ALL
        .iter()
        .map(|family| {
            let label = match preferences.get(*family) {
                Notifications::Instant => t.instant,
                Notifications::Daily => t.daily,
                Notifications::Off => t.off,
            };
            (family.label(lang), label)
        })
        .collect()
}
