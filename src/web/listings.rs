//! A listing's page (details, or the teaser of a confidential takeover; for its owner the
//! matches best first with their explanation and the answers to give; a proposal form on a
//! need), and the forms to post and edit a listing with the fields of its category.

use std::str::FromStr;

use actix_web::{web, HttpResponse};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::{api_done, api_json, see_other, Ctx, FormErrors, NoFields, Posted, Web};
use crate::api::json::Json;
use crate::api::listings::{self as api_listings, ListingView};
use crate::api::matches::{self as api_matches, MatchList, MatchView, ProposalList, ProposalView};
use crate::db;
use crate::domain::decimal::ExactDecimal;
use crate::domain::listing::{Category, CloseReason, Kind, Visibility};
use crate::domain::units::Unit;
use crate::error::{AppError, AppResult, FieldError};
use crate::models::ids::EnterpriseId;
use crate::models::{enterprise, listing};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/listings/new")
            .route(web::get().to(new_form))
            .route(web::post().to(create)),
    )
    .route("/listings/{id}", web::get().to(show))
    .service(
        web::resource("/listings/{id}/edit")
            .route(web::get().to(edit_form))
            .route(web::post().to(update)),
    )
    .route("/listings/{id}/publish", web::post().to(publish))
    .route("/listings/{id}/close", web::post().to(close))
    .route("/listings/{id}/proposals", web::post().to(propose))
    .route("/matches/{id}/{answer}", web::post().to(answer_match))
    .route("/proposals/{id}/{answer}", web::post().to(answer_proposal));
}

/// The enterprises the caller acts for (its own, not those it coordinates): id and name.
pub async fn own_enterprises(web: &Web) -> AppResult<Vec<(EnterpriseId, String)>> {
    let Some(caller) = web.caller.as_ref() else {
        return Ok(Vec::new());
    };
    let id = caller.id();
    db::run(&web.state.pool, move |conn| {
        Ok(enterprise::of_account(conn, id)?
            .into_iter()
            .map(|e| (e.id, e.name))
            .collect())
    })
    .await
}

/// Enterprises the caller manages: its own and those of the pôles it coordinates.
pub async fn managed(web: &Web) -> AppResult<Vec<EnterpriseId>> {
    let Some(caller) = web.caller.as_ref() else {
        return Ok(Vec::new());
    };
    let id = caller.id();
    db::run(&web.state.pool, move |conn| {
        Ok(listing::managed_enterprises(conn, id)?)
    })
    .await
}

/// A commune as typed: an INSEE code, "Name (code)" from the autocomplete, or a name or
/// postal code resolved to its best match. Unknown text is passed on for the API to refuse.
pub async fn resolve_commune(web: &Web, text: &str) -> AppResult<String> {
    let text = text.trim();
    if let Some(code) = text
        .strip_suffix(')')
        .and_then(|t| t.rsplit_once('('))
        .map(|(_, code)| code.trim())
    {
        return Ok(code.to_string());
    }
    let is_code = text.len() == 5 && text.chars().all(|c| c.is_ascii_alphanumeric());
    if text.is_empty() || (is_code && !text.chars().all(|c| c.is_ascii_digit())) {
        return Ok(text.to_string());
    }
    Ok(match first_commune(web, text).await? {
        // A postal code or an INSEE code finds its commune; a name, its best match.
        Some((code, _)) => code,
        None => text.to_string(),
    })
}

/// The best commune for a name, postal code or INSEE code: (code, name).
pub async fn first_commune(web: &Web, text: &str) -> AppResult<Option<(String, String)>> {
    // "Name (code)" as the autocomplete writes it: the code finds the commune.
    let text = match text
        .trim()
        .strip_suffix(')')
        .and_then(|t| t.rsplit_once('('))
    {
        Some((_, code)) => code.trim().to_string(),
        None => text.trim().to_string(),
    };
    db::run(&web.state.pool, move |conn| {
        Ok(crate::models::reference::search_communes(conn, &text, 1)?
            .into_iter()
            .next()
            .map(|c| (c.code, c.name)))
    })
    .await
}

// ---- Form parsing: text fields to the API's typed request ----

fn text(value: &str) -> Option<String> {
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_string())
}

/// Adds a refusal of one field, as the API words them.
pub fn invalid(errors: &mut Vec<FieldError>, field: &str, code: &str, message: &str) {
    errors.push(FieldError {
        field: field.into(),
        code: code.into(),
        message: message.into(),
    });
}

/// A decimal typed with a comma or a point ("1 234,50" or "1234.50"), exactly.
pub fn parse_decimal(
    errors: &mut Vec<FieldError>,
    field: &str,
    value: &str,
) -> Option<ExactDecimal> {
    let cleaned: String = value
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{202f}' && *c != '\u{a0}')
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    if cleaned.is_empty() {
        return None;
    }
    match ExactDecimal::from_str(&cleaned) {
        Ok(value) => Some(value),
        Err(_) => {
            invalid(
                errors,
                field,
                "not_a_number",
                "Give a number, such as 12,50.",
            );
            None
        }
    }
}

pub fn parse_int<T: FromStr>(errors: &mut Vec<FieldError>, field: &str, value: &str) -> Option<T> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    match value.parse::<T>() {
        Ok(v) => Some(v),
        Err(_) => {
            invalid(errors, field, "not_a_number", "Give a whole number.");
            None
        }
    }
}

fn parse_date(errors: &mut Vec<FieldError>, field: &str, value: &str) -> Option<NaiveDate> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    match NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(value, "%d/%m/%Y"))
    {
        Ok(date) => Some(date),
        Err(_) => {
            invalid(
                errors,
                field,
                "invalid_date",
                "Give a date such as 2026-03-31.",
            );
            None
        }
    }
}

fn parse_enum<T: serde::de::DeserializeOwned>(
    errors: &mut Vec<FieldError>,
    field: &str,
    value: &str,
) -> Option<T> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    match serde_json::from_value(Value::String(value.to_string())) {
        Ok(v) => Some(v),
        Err(_) => {
            invalid(
                errors,
                field,
                "invalid_value",
                "Choose one of the values offered.",
            );
            None
        }
    }
}

/// Every field of the listing form, as typed.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct ListingForm {
    pub enterprise_id: String,
    pub kind: String,
    pub category: String,
    pub title: String,
    pub description: String,
    pub naf: String,
    pub commune: String,
    pub radius_km: String,
    pub national: String,
    pub quantity: String,
    pub unit: String,
    pub unit_price: String,
    pub available_from: String,
    pub valid_until: String,
    pub visibility: String,
    pub publish: String,
    // Category details.
    pub resource_type: String,
    pub recurrence: String,
    pub format: String,
    pub hours: String,
    pub revenue_band: String,
    pub headcount_band: String,
    pub asking_price: String,
    pub reason: String,
    pub timeline_months: String,
    pub monthly_capacity: String,
    pub lead_time_days: String,
}

impl ListingForm {
    fn category(&self) -> Category {
        Category::from_db(&self.category)
    }

    /// The form of an existing listing, for its edit page.
    fn of(view: &ListingView) -> ListingForm {
        let detail = |key: &str| -> String {
            match view.details.get(key) {
                Some(Value::String(s)) => s.clone(),
                Some(Value::Number(n)) => n.to_string(),
                _ => String::new(),
            }
        };
        let decimal = |v: &Option<ExactDecimal>| v.map(|d| d.0.to_string()).unwrap_or_default();
        ListingForm {
            enterprise_id: view
                .enterprise_id
                .map(|e| e.0.to_string())
                .unwrap_or_default(),
            kind: view.kind.as_str().into(),
            category: view.category.as_str().into(),
            title: view.title.clone(),
            description: view.description.clone(),
            naf: view.naf.clone(),
            commune: view.commune.clone().unwrap_or_default(),
            radius_km: view.radius_km.map(|r| r.to_string()).unwrap_or_default(),
            national: if view.national {
                "on".into()
            } else {
                String::new()
            },
            quantity: decimal(&view.quantity),
            unit: view
                .unit
                .map(|u| u.as_str().to_string())
                .unwrap_or_default(),
            unit_price: decimal(&view.unit_price),
            available_from: view
                .available_from
                .map(|d| d.to_string())
                .unwrap_or_default(),
            valid_until: view.valid_until.map(|d| d.to_string()).unwrap_or_default(),
            visibility: view.visibility.as_str().into(),
            publish: String::new(),
            resource_type: detail("resource_type"),
            recurrence: detail("recurrence"),
            format: detail("format"),
            hours: detail("hours"),
            revenue_band: detail("revenue_band"),
            headcount_band: detail("headcount_band"),
            asking_price: detail("asking_price"),
            reason: detail("reason"),
            timeline_months: detail("timeline_months"),
            monthly_capacity: detail("monthly_capacity"),
            lead_time_days: detail("lead_time_days"),
        }
    }

    /// The category's `details` object.
    fn details(&self, errors: &mut Vec<FieldError>) -> Value {
        let mut out = Map::new();
        let mut put = |key: &str, value: Option<Value>| {
            if let Some(value) = value {
                out.insert(key.to_string(), value);
            }
        };
        match self.category() {
            Category::LocalResource => {
                put(
                    "resource_type",
                    text(&self.resource_type).map(Value::String),
                );
                put("recurrence", text(&self.recurrence).map(Value::String));
            }
            Category::KnowHow => {
                put("format", text(&self.format).map(Value::String));
                put(
                    "hours",
                    parse_int::<u32>(errors, "hours", &self.hours).map(|h| json!(h)),
                );
            }
            Category::BusinessTakeover => {
                put("revenue_band", text(&self.revenue_band).map(Value::String));
                put(
                    "headcount_band",
                    text(&self.headcount_band).map(Value::String),
                );
                put(
                    "asking_price",
                    parse_decimal(errors, "asking_price", &self.asking_price)
                        .map(|d| Value::String(d.0.to_string())),
                );
                put("reason", text(&self.reason).map(Value::String));
                put(
                    "timeline_months",
                    parse_int::<u16>(errors, "timeline_months", &self.timeline_months)
                        .map(|m| json!(m)),
                );
            }
            Category::RelocatedProduction => {
                put(
                    "monthly_capacity",
                    parse_decimal(errors, "monthly_capacity", &self.monthly_capacity)
                        .map(|d| Value::String(d.0.to_string())),
                );
                put(
                    "lead_time_days",
                    parse_int::<u16>(errors, "lead_time_days", &self.lead_time_days)
                        .map(|m| json!(m)),
                );
            }
        }
        Value::Object(out)
    }
}

/// The parts of a listing both forms send, parsed; field errors gathered in `errors`.
struct Parsed {
    radius_km: Option<i32>,
    national: bool,
    quantity: Option<ExactDecimal>,
    unit: Option<Unit>,
    unit_price: Option<ExactDecimal>,
    available_from: Option<NaiveDate>,
    valid_until: Option<NaiveDate>,
    visibility: Option<Visibility>,
    details: Value,
}

fn parse_common(form: &ListingForm, errors: &mut Vec<FieldError>) -> Parsed {
    let national = !form.national.is_empty();
    Parsed {
        radius_km: if national {
            None
        } else {
            parse_int::<i32>(errors, "radius_km", &form.radius_km)
        },
        national,
        quantity: parse_decimal(errors, "quantity", &form.quantity),
        unit: parse_enum(errors, "unit", &form.unit),
        unit_price: parse_decimal(errors, "unit_price", &form.unit_price),
        available_from: parse_date(errors, "available_from", &form.available_from),
        valid_until: parse_date(errors, "valid_until", &form.valid_until),
        visibility: parse_enum(errors, "visibility", &form.visibility),
        details: form.details(errors),
    }
}

// ---- Post and edit ----

#[derive(Template)]
#[template(path = "listing_form.html")]
struct FormPage {
    ctx: Ctx,
    editing: Option<i64>,
    form: ListingForm,
    enterprises: Vec<(EnterpriseId, String)>,
    categories: Vec<(&'static str, &'static str)>,
    units: Vec<(&'static str, &'static str)>,
    errors: FormErrors,
}

impl FormPage {
    fn options(&self, name: &str) -> Vec<(&'static str, &'static str)> {
        super::i18n::options(self.ctx.lang, name)
    }

    fn is_category(&self, category: &str) -> bool {
        self.form.category == category
    }
}

async fn form_page(
    web: &Web,
    editing: Option<i64>,
    form: ListingForm,
    errors: FormErrors,
) -> AppResult<HttpResponse> {
    let enterprises = own_enterprises(web).await?;
    let categories = Category::ALL
        .iter()
        .map(|c| (c.as_str(), web.ctx.category(c)))
        .collect();
    let units = Unit::ALL.iter().map(|u| (u.as_str(), u.label())).collect();
    let status = errors.status();
    web.page_with(
        status,
        &FormPage {
            ctx: web.ctx.clone(),
            editing,
            form,
            enterprises,
            categories,
            units,
            errors,
        },
    )
}

#[derive(Deserialize)]
struct NewQuery {
    #[serde(default)]
    category: String,
    #[serde(default)]
    kind: String,
}

async fn new_form(web: Web, query: web::Query<NewQuery>) -> AppResult<HttpResponse> {
    web.require()?;
    let category = Category::from_db(&query.category);
    let form = ListingForm {
        category: category.as_str().into(),
        kind: if query.kind == "need" {
            "need"
        } else {
            "offer"
        }
        .into(),
        radius_km: "50".into(),
        visibility: "public".into(),
        publish: "on".into(),
        ..ListingForm::default()
    };
    form_page(&web, None, form, FormErrors::default()).await
}

fn refused(fields: Vec<FieldError>, web: &Web) -> FormErrors {
    FormErrors {
        general: Some(web.tr().form_has_errors.into()),
        fields: fields
            .into_iter()
            .map(|mut f| {
                f.message = super::i18n::field_message(web.tr(), &f.code, &f.message);
                f
            })
            .collect(),
    }
}

async fn create(posted: Posted<ListingForm>) -> AppResult<HttpResponse> {
    let Posted { web, form, .. } = posted;
    let caller = web.require()?;
    let mut errors = Vec::new();
    let enterprise_id = parse_int::<i64>(&mut errors, "enterprise_id", &form.enterprise_id);
    let kind: Option<Kind> = parse_enum(&mut errors, "kind", &form.kind);
    let category: Option<Category> = parse_enum(&mut errors, "category", &form.category);
    if enterprise_id.is_none() && !errors.iter().any(|e| e.field == "enterprise_id") {
        invalid(
            &mut errors,
            "enterprise_id",
            "required",
            "Choose the enterprise.",
        );
    }
    let parsed = parse_common(&form, &mut errors);
    let commune = resolve_commune(&web, &form.commune).await?;
    let (Some(enterprise_id), Some(kind), Some(category), true) =
        (enterprise_id, kind, category, errors.is_empty())
    else {
        return form_page(&web, None, form, refused(errors, &web)).await;
    };
    let request = api_listings::CreateListingRequest {
        enterprise_id: EnterpriseId(enterprise_id),
        kind,
        category,
        title: form.title.clone(),
        description: form.description.clone(),
        naf: form.naf.trim().to_string(),
        commune,
        radius_km: parsed.radius_km,
        national: parsed.national,
        quantity: parsed.quantity,
        unit: parsed.unit,
        unit_price: parsed.unit_price,
        available_from: parsed.available_from,
        valid_until: parsed.valid_until,
        details: parsed.details,
        visibility: parsed.visibility,
        publish: !form.publish.is_empty(),
    };
    let answer = api_listings::create(web.state.clone(), caller, Json(request)).await;
    match api_json::<ListingView>(answer).await {
        Ok(created) => Ok(see_other(&format!("/listings/{}", created.id.0))),
        Err(AppError::Forbidden(_)) => {
            let errors = vec![FieldError {
                field: "enterprise_id".into(),
                code: "forbidden".into(),
                message: web.tr().not_your_enterprise.into(),
            }];
            form_page(&web, None, form, refused(errors, &web)).await
        }
        Err(error) => {
            let errors = FormErrors::from_error(error, web.tr())?;
            form_page(&web, None, form, errors).await
        }
    }
}

async fn owned_view(web: &Web, id: i64) -> AppResult<ListingView> {
    let view: ListingView =
        api_json(api_listings::show(web.state.clone(), web.maybe(), web::Path::from(id)).await)
            .await?;
    let managed = managed(web).await?;
    if !view.enterprise_id.is_some_and(|e| managed.contains(&e)) {
        return Err(AppError::Forbidden(
            "Only the listing's enterprise and its pôles' coordinators may edit it.",
        ));
    }
    Ok(view)
}

async fn edit_form(web: Web, id: web::Path<i64>) -> AppResult<HttpResponse> {
    web.require()?;
    let id = id.into_inner();
    let view = owned_view(&web, id).await?;
    form_page(
        &web,
        Some(id),
        ListingForm::of(&view),
        FormErrors::default(),
    )
    .await
}

async fn update(posted: Posted<ListingForm>, id: web::Path<i64>) -> AppResult<HttpResponse> {
    let Posted { web, mut form, .. } = posted;
    let caller = web.require()?;
    let id = id.into_inner();
    let view = owned_view(&web, id).await?;
    // The enterprise, kind and category of a listing do not change.
    form.enterprise_id = view
        .enterprise_id
        .map(|e| e.0.to_string())
        .unwrap_or_default();
    form.kind = view.kind.as_str().into();
    form.category = view.category.as_str().into();
    let mut errors = Vec::new();
    let parsed = parse_common(&form, &mut errors);
    let commune = resolve_commune(&web, &form.commune).await?;
    if !errors.is_empty() {
        return form_page(&web, Some(id), form, refused(errors, &web)).await;
    }
    let request = api_listings::UpdateListingRequest {
        title: Some(form.title.clone()),
        description: Some(form.description.clone()),
        naf: Some(form.naf.trim().to_string()),
        commune: Some(commune),
        radius_km: Some(parsed.radius_km),
        national: Some(parsed.national),
        quantity: Some(parsed.quantity),
        unit: Some(parsed.unit),
        unit_price: Some(parsed.unit_price),
        available_from: Some(parsed.available_from),
        valid_until: Some(parsed.valid_until),
        details: Some(parsed.details),
        visibility: parsed.visibility,
    };
    let answer = api_listings::update(
        web.state.clone(),
        caller,
        web::Path::from(id),
        Json(request),
    )
    .await;
    match answer {
        Ok(_) => Ok(see_other(&format!("/listings/{id}"))),
        Err(error) => {
            let errors = FormErrors::from_error(error, web.tr())?;
            form_page(&web, Some(id), form, errors).await
        }
    }
}

// ---- The listing's page ----

#[derive(Template)]
#[template(path = "listing.html")]
struct ListingPage {
    ctx: Ctx,
    l: ListingView,
    owner: bool,
    matches: Vec<MatchView>,
    proposals: Vec<ProposalView>,
    /// Enterprises the caller may propose for (on someone else's open need).
    proposers: Vec<(EnterpriseId, String)>,
    proposal: ProposalForm,
    errors: FormErrors,
    details: Vec<(&'static str, String)>,
    /// A proposal was just sent.
    proposed: bool,
}

impl ListingPage {
    fn can_publish(&self) -> bool {
        matches!(self.l.status.as_str(), "draft" | "expired")
    }

    fn is_open(&self) -> bool {
        self.l.status.as_str() == "open"
    }

    fn is_need(&self) -> bool {
        self.l.kind == Kind::Need
    }

    fn factor(&self, name: &crate::domain::matching::FactorKind) -> &'static str {
        super::i18n::factor_label(self.ctx.tr, *name)
    }
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct ProposalForm {
    pub enterprise_id: String,
    pub message: String,
    pub quantity: String,
    pub unit: String,
    pub unit_price: String,
}

async fn listing_page(
    web: &Web,
    id: i64,
    proposal: ProposalForm,
    errors: FormErrors,
) -> AppResult<HttpResponse> {
    let l: ListingView =
        api_json(api_listings::show(web.state.clone(), web.maybe(), web::Path::from(id)).await)
            .await?;
    let managed = managed(web).await?;
    let owner = l.enterprise_id.is_some_and(|e| managed.contains(&e));
    let (mut matches, mut proposals) = (Vec::new(), Vec::new());
    if let (true, Some(caller)) = (owner, web.caller.clone()) {
        let list: MatchList = api_json(
            api_matches::of_listing(web.state.clone(), caller.clone(), web::Path::from(id)).await,
        )
        .await?;
        matches = list.items;
        if l.kind == Kind::Need {
            let list: ProposalList = api_json(
                api_matches::proposals_of(web.state.clone(), caller, web::Path::from(id)).await,
            )
            .await?;
            proposals = list.items;
        }
    }
    let proposers = if !owner && l.kind == Kind::Need && l.status.as_str() == "open" {
        own_enterprises(web).await?
    } else {
        Vec::new()
    };
    let details = super::i18n::details_lines(web.ctx.lang, &l.details);
    let status = errors.status();
    web.page_with(
        status,
        &ListingPage {
            ctx: web.ctx.clone(),
            l,
            owner,
            matches,
            proposals,
            proposers,
            proposal,
            errors,
            details,
            proposed: web.req.query_string().contains("proposed=1"),
        },
    )
}

async fn show(web: Web, id: web::Path<i64>) -> AppResult<HttpResponse> {
    listing_page(
        &web,
        id.into_inner(),
        ProposalForm::default(),
        FormErrors::default(),
    )
    .await
}

async fn publish(posted: Posted<NoFields>, id: web::Path<i64>) -> AppResult<HttpResponse> {
    let caller = posted.web.require()?;
    let id = id.into_inner();
    api_done(api_listings::publish(posted.web.state.clone(), caller, web::Path::from(id)).await)
        .await?;
    Ok(see_other(&format!("/listings/{id}")))
}

#[derive(Deserialize)]
struct CloseForm {
    #[serde(default)]
    reason: String,
}

async fn close(posted: Posted<CloseForm>, id: web::Path<i64>) -> AppResult<HttpResponse> {
    let caller = posted.web.require()?;
    let id = id.into_inner();
    let reason = if posted.form.reason == "fulfilled" {
        CloseReason::Fulfilled
    } else {
        CloseReason::Withdrawn
    };
    api_done(
        api_listings::close(
            posted.web.state.clone(),
            caller,
            web::Path::from(id),
            Json(api_listings::CloseRequest { reason }),
        )
        .await,
    )
    .await?;
    Ok(see_other(&format!("/listings/{id}")))
}

async fn propose(posted: Posted<ProposalForm>, id: web::Path<i64>) -> AppResult<HttpResponse> {
    let Posted { web, form, .. } = posted;
    let caller = web.require()?;
    let id = id.into_inner();
    let mut errors = Vec::new();
    let enterprise_id = parse_int::<i64>(&mut errors, "enterprise_id", &form.enterprise_id);
    let quantity = parse_decimal(&mut errors, "quantity", &form.quantity);
    let unit = parse_enum::<Unit>(&mut errors, "unit", &form.unit);
    let unit_price = parse_decimal(&mut errors, "unit_price", &form.unit_price);
    let Some(enterprise_id) = enterprise_id.filter(|_| errors.is_empty()) else {
        if errors.is_empty() {
            invalid(
                &mut errors,
                "enterprise_id",
                "required",
                "Choose the enterprise.",
            );
        }
        let errors = refused(errors, &web);
        return listing_page(&web, id, form, errors).await;
    };
    let answer = api_matches::propose(
        web.state.clone(),
        caller,
        web::Path::from(id),
        Json(api_matches::CreateProposalRequest {
            enterprise_id: EnterpriseId(enterprise_id),
            message: form.message.clone(),
            quantity,
            unit,
            unit_price,
        }),
    )
    .await;
    match answer {
        Ok(_) => Ok(see_other(&format!("/listings/{id}?proposed=1"))),
        Err(error) => {
            let errors = FormErrors::from_error(error, web.tr())?;
            listing_page(&web, id, form, errors).await
        }
    }
}

#[derive(Deserialize)]
struct AnswerForm {
    #[serde(default)]
    back: String,
    #[serde(default)]
    side: String,
}

fn back_to(back: &str) -> String {
    let back = super::redirect::local_target(back);
    if back == "/dashboard" || back.starts_with("/listings/") || back.starts_with("/coordinator") {
        back
    } else {
        "/dashboard".into()
    }
}

async fn answer_match(
    posted: Posted<AnswerForm>,
    path: web::Path<(i64, String)>,
) -> AppResult<HttpResponse> {
    let caller = posted.web.require()?;
    let (id, answer) = path.into_inner();
    let side = match posted.form.side.as_str() {
        "offer" => Some(Kind::Offer),
        "need" => Some(Kind::Need),
        _ => None,
    };
    let body = Some(Json(api_matches::DecisionRequest { side }));
    let state = posted.web.state.clone();
    let result = match answer.as_str() {
        "accept" => api_matches::accept(state, caller, web::Path::from(id), body).await,
        "decline" => api_matches::decline(state, caller, web::Path::from(id), body).await,
        _ => return Err(AppError::NotFound),
    };
    api_done(result).await?;
    Ok(see_other(&back_to(&posted.form.back)))
}

async fn answer_proposal(
    posted: Posted<AnswerForm>,
    path: web::Path<(i64, String)>,
) -> AppResult<HttpResponse> {
    let caller = posted.web.require()?;
    let (id, answer) = path.into_inner();
    let state = posted.web.state.clone();
    let result = match answer.as_str() {
        "accept" => api_matches::accept_proposal(state, caller, web::Path::from(id)).await,
        "decline" => api_matches::decline_proposal(state, caller, web::Path::from(id)).await,
        _ => return Err(AppError::NotFound),
    };
    api_done(result).await?;
    Ok(see_other(&back_to(&posted.form.back)))
}
