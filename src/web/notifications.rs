//! My notifications: a choice per family of events (instant, daily digest, off), whether my
//! address is confirmed, and my saved searches (alerts) with a form to add one.

use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::commune;
use super::forms::FormReader;
use super::{see_other, Ctx, FormErrors, NoFields, Posted, Web};
use crate::domain::account::{AlertFrequency, Family, Notifications, Preferences};
use crate::domain::listing::{Category, Kind};
use crate::error::{AppError, AppResult};
use crate::models::ids::AlertId;
use crate::ops::accounts::{self, AccountUpdate, PreferencesChange};
use crate::ops::alerts::{self, NewAlertCommand};
use crate::views::alerts::AlertView;

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

/// One family's row of the preferences form.
struct FamilyRow {
    key: &'static str,
    label: String,
    help: String,
    /// (value, label, chosen) of each radio button.
    options: Vec<(&'static str, String, bool)>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
struct AlertForm {
    kind: String,
    category: String,
    naf: String,
    commune: String,
    commune_code: String,
    radius_km: String,
    keywords: String,
    frequency: String,
}

#[derive(Template)]
#[template(path = "notifications.html")]
struct NotificationsPage {
    ctx: Ctx,
    families: Vec<FamilyRow>,
    digest_hour: u32,
    verified: bool,
    alerts: Vec<AlertView>,
    categories: Vec<(&'static str, String)>,
    form: AlertForm,
    errors: FormErrors,
    /// What was just done (`saved`, `created`, `deleted`), for its confirmation.
    notice: Option<String>,
}

impl NotificationsPage {
    /// The alert's criteria in a sentence: "Offres · Ressources locales · NAF 16 · …".
    fn describe(&self, alert: &AlertView) -> String {
        let mut parts: Vec<String> = Vec::new();
        if let Some(kind) = &alert.kind {
            parts.push(self.ctx.kind(kind));
        }
        if let Some(category) = &alert.category {
            parts.push(self.ctx.category(category));
        }
        if let Some(naf) = &alert.naf {
            parts.push(format!("NAF {naf}"));
        }
        match (&alert.commune, alert.radius_km) {
            (Some(commune), Some(km)) => parts.push(self.ctx.words.t_args(
                "alert-within",
                &[
                    ("km", crate::domain::Arg::from(km)),
                    ("place", crate::domain::Arg::from(&commune.name)),
                ],
            )),
            _ => parts.push(self.ctx.t("alert-anywhere")),
        }
        if let Some(words) = &alert.keywords {
            parts.push(self.ctx.t1("quoted", "text", words));
        }
        parts.join(" · ")
    }

    fn frequency_label(&self, alert: &AlertView) -> String {
        self.ctx
            .t(&format!("alert-frequency-{}", alert.frequency.as_str()))
    }
}

#[derive(Deserialize)]
struct Done {
    #[serde(default)]
    done: String,
}

async fn page(web: Web, query: web::Query<Done>) -> AppResult<HttpResponse> {
    web.require()?;
    let notice = match query.done.as_str() {
        done @ ("saved" | "created" | "deleted") => Some(web.t(&format!("notifications-{done}"))),
        _ => None,
    };
    let form = AlertForm {
        frequency: AlertFrequency::Instant.as_str().into(),
        ..AlertForm::default()
    };
    render(&web, form, FormErrors::default(), notice).await
}

async fn render(
    web: &Web,
    form: AlertForm,
    errors: FormErrors,
    notice: Option<String>,
) -> AppResult<HttpResponse> {
    let caller = web.require()?;
    let preferences = caller.account.preferences();
    let alerts = {
        let caller = caller.clone();
        web.run(move |conn, _| alerts::list(conn, &caller)).await?
    };
    let families = Family::ALL
        .iter()
        .map(|family| {
            let chosen = preferences.get(*family);
            FamilyRow {
                key: family.as_str(),
                label: web.t(&format!("family-{}", family.as_str())),
                help: web.t(&format!("family-{}-help", family.as_str())),
                options: Notifications::ALL
                    .iter()
                    .map(|choice| {
                        let label = web.t(&format!("notifications-{}", choice.as_str()));
                        (choice.as_str(), label, *choice == chosen)
                    })
                    .collect(),
            }
        })
        .collect();
    let categories = Category::ALL
        .iter()
        .map(|c| (c.as_str(), web.ctx.category(c)))
        .collect();
    web.page_with(
        errors.status(),
        &NotificationsPage {
            ctx: web.ctx.clone(),
            families,
            digest_hour: web.state.settings.mail.digest_hour,
            verified: caller.account.email_verified_at.is_some(),
            alerts: alerts.items,
            categories,
            form,
            errors,
            notice,
        },
    )
}

async fn save_preferences(posted: Posted<NoFields>) -> AppResult<HttpResponse> {
    let caller = posted.web.require()?;
    let mut chosen = Vec::new();
    for family in Family::ALL {
        let Some((_, value)) = posted.pairs.iter().find(|(k, _)| k == family.as_str()) else {
            continue;
        };
        let choice =
            Notifications::parse(value).ok_or_else(|| AppError::bad_request("malformed_form"))?;
        chosen.push((*family, choice));
    }
    let update = AccountUpdate {
        notifications: Some(PreferencesChange::Families(chosen)),
        ..AccountUpdate::default()
    };
    posted
        .web
        .run(move |conn, _| accounts::update_me(conn, &caller, update))
        .await?;
    Ok(see_other("/notifications?done=saved"))
}

async fn create_alert(posted: Posted<AlertForm>) -> AppResult<HttpResponse> {
    let Posted { web, form, .. } = posted;
    let caller = web.require()?;
    let mut reader = FormReader::new(web.words());
    let kind = reader.choice::<Kind>("kind", &form.kind);
    let category = reader.choice::<Category>("category", &form.category);
    let frequency = reader.choice::<AlertFrequency>("frequency", &form.frequency);
    let radius_km = reader.whole::<i32>("radius_km", &form.radius_km);
    let commune = commune::resolve(
        &web,
        &mut reader.errors,
        "commune",
        &form.commune,
        &form.commune_code,
    )
    .await?;
    if !reader.errors.is_empty() {
        return render(&web, form, reader.errors, None).await;
    }
    let command = NewAlertCommand {
        kind,
        category,
        naf: FormReader::text(&form.naf),
        commune,
        radius_km,
        keywords: FormReader::text(&form.keywords),
        frequency,
    };
    match web
        .run(move |conn, _| alerts::create(conn, &caller, command))
        .await
    {
        Ok(_) => Ok(see_other("/notifications?done=created")),
        Err(error) => {
            let errors = FormErrors::from_error(error, web.words())?;
            render(&web, form, errors, None).await
        }
    }
}

async fn delete_alert(posted: Posted<NoFields>, id: web::Path<AlertId>) -> AppResult<HttpResponse> {
    let caller = posted.web.require()?;
    let id = id.into_inner();
    posted
        .web
        .run(move |conn, _| alerts::delete(conn, &caller, id))
        .await?;
    Ok(see_other("/notifications?done=deleted"))
}

/// The preferences as the dashboard's summary shows them: (family, choice).
pub fn summary(ctx: &Ctx, preferences: &Preferences) -> Vec<(String, String)> {
    Family::ALL
        .iter()
        .map(|family| {
            let choice = preferences.get(*family);
            (
                ctx.t(&format!("family-{}", family.as_str())),
                ctx.t(&format!("notifications-{}", choice.as_str())),
            )
        })
        .collect()
}
