//! The forms to post and edit an offer or a need, with the fields of its category. The
//! commune is kept by its INSEE code (see `web::commune`); numbers are read as people
//! type them (see `web::forms`); every refusal of one submission is shown at once.

use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::commune;
use super::forms::FormReader;
use super::{Ctx, FormErrors, Posted, Web};
use crate::domain::listing::{Category, Kind, Period, Visibility};
use crate::domain::units::Unit;
use crate::error::AppResult;
use crate::models::ids::{EnterpriseId, ListingId};
use crate::ops::listings::{self as ops, ListingFields, ListingUpdate, NewListingCommand};
use crate::views::listings::ListingView;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/listings/new")
            .route(web::get().to(new_form))
            .route(web::post().to(create)),
    )
    .service(
        web::resource("/listings/{id}/edit")
            .route(web::get().to(edit_form))
            .route(web::post().to(update)),
    );
}

/// The enterprises the caller acts for (its own, not those it coordinates): id and name.
pub async fn own_enterprises(web: &Web) -> AppResult<Vec<(EnterpriseId, String)>> {
    let Some(caller) = web.caller.clone() else {
        return Ok(Vec::new());
    };
    let list = web
        .run(move |conn, _| crate::ops::enterprises::mine(conn, &caller))
        .await?;
    Ok(list.items.into_iter().map(|e| (e.id, e.name)).collect())
}

/// Every field of the listing form, as typed.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct ListingForm {
    /// Set by a category tab of the new-listing form: show the form for that category
    /// with what was typed so far, without checking it.
    pub switch_category: String,
    pub enterprise_id: String,
    pub kind: String,
    pub category: String,
    pub title: String,
    pub description: String,
    pub naf: String,
    /// The commune as shown and typed ("Aubagne (13)").
    pub commune: String,
    /// The INSEE code chosen beside it.
    pub commune_code: String,
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
    pub material: String,
    pub ewc_code: String,
    /// A recurring quantity is per this period.
    pub period: String,
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
        Category::parse(&self.category).unwrap_or(Category::LocalResource)
    }

    /// The form of an existing listing, for its edit page.
    fn of(view: &ListingView, commune_label: String) -> ListingForm {
        let detail = |key: &str| -> String {
            match view.details.get(key) {
                Some(Value::String(s)) => s.clone(),
                Some(Value::Number(n)) => n.to_string(),
                _ => String::new(),
            }
        };
        let decimal = |v: &Option<crate::domain::decimal::ExactDecimal>| {
            v.map(|d| d.0.to_string()).unwrap_or_default()
        };
        ListingForm {
            switch_category: String::new(),
            enterprise_id: view
                .enterprise_id
                .map(|e| e.0.to_string())
                .unwrap_or_default(),
            kind: view.kind.as_str().into(),
            category: view.category.as_str().into(),
            title: view.title.clone(),
            description: view.description.clone(),
            naf: view.naf.clone().unwrap_or_default(),
            commune: commune_label,
            commune_code: view.commune.clone().unwrap_or_default(),
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
            material: detail("material"),
            ewc_code: detail("ewc_code"),
            period: view
                .period
                .map(|p| p.as_str().to_string())
                .unwrap_or_default(),
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
    fn details(&self, reader: &mut FormReader) -> Value {
        let mut out = Map::new();
        let mut put = |key: &str, value: Option<Value>| {
            if let Some(value) = value {
                out.insert(key.to_string(), value);
            }
        };
        let text = |value: &str| FormReader::text(value).map(Value::String);
        match self.category() {
            Category::LocalResource => {
                put("resource_type", text(&self.resource_type));
                put("recurrence", text(&self.recurrence));
                // What a material or by-product is made of; other resources have none.
                let matter = matches!(self.resource_type.as_str(), "materials" | "by_product");
                if matter {
                    put("material", text(&self.material));
                    put("ewc_code", text(&self.ewc_code));
                }
            }
            Category::KnowHow => {
                put("format", text(&self.format));
                put(
                    "hours",
                    reader.whole::<u32>("hours", &self.hours).map(|h| json!(h)),
                );
            }
            Category::BusinessTakeover => {
                put("revenue_band", text(&self.revenue_band));
                put("headcount_band", text(&self.headcount_band));
                put(
                    "asking_price",
                    reader
                        .decimal("asking_price", &self.asking_price)
                        .map(|d| Value::String(d.to_string())),
                );
                put("reason", text(&self.reason));
                put(
                    "timeline_months",
                    reader
                        .whole::<u16>("timeline_months", &self.timeline_months)
                        .map(|m| json!(m)),
                );
            }
            Category::RelocatedProduction => {
                put(
                    "monthly_capacity",
                    reader
                        .decimal("monthly_capacity", &self.monthly_capacity)
                        .map(|d| Value::String(d.to_string())),
                );
                put(
                    "lead_time_days",
                    reader
                        .whole::<u16>("lead_time_days", &self.lead_time_days)
                        .map(|m| json!(m)),
                );
            }
        }
        Value::Object(out)
    }

    /// The fields both forms send, read; refusals gathered in `reader`. The commune is
    /// empty when it is missing or must be chosen among several (`reader` says so).
    async fn fields(&self, web: &Web, reader: &mut FormReader) -> AppResult<ListingFields> {
        let national = !self.national.is_empty();
        let radius_km = if national {
            None
        } else {
            reader.whole::<i32>("radius_km", &self.radius_km)
        };
        let quantity = reader.decimal("quantity", &self.quantity);
        let unit = reader.choice::<Unit>("unit", &self.unit);
        let unit_price = reader.decimal("unit_price", &self.unit_price);
        let available_from = reader.date("available_from", &self.available_from);
        let valid_until = reader.date("valid_until", &self.valid_until);
        let visibility = reader.choice::<Visibility>("visibility", &self.visibility);
        let period = reader.choice::<Period>("period", &self.period);
        let details = self.details(reader);
        let commune = commune::resolve(
            web,
            &mut reader.errors,
            "commune",
            &self.commune,
            &self.commune_code,
        )
        .await?;
        let commune = reader.required("commune", commune).unwrap_or_default();
        Ok(ListingFields {
            title: self.title.clone(),
            description: self.description.clone(),
            naf: self.naf.trim().to_string(),
            commune,
            radius_km,
            national,
            quantity,
            unit,
            unit_price,
            available_from,
            valid_until,
            details,
            visibility: visibility.unwrap_or(Visibility::Public),
            period,
        })
    }
}

#[derive(Template)]
#[template(path = "listing_form.html")]
struct FormPage {
    ctx: Ctx,
    editing: Option<ListingId>,
    form: ListingForm,
    enterprises: Vec<(EnterpriseId, String)>,
    categories: Vec<(&'static str, String)>,
    units: Vec<(&'static str, String)>,
    errors: FormErrors,
}

impl FormPage {
    fn options(&self, name: &str) -> Vec<(&'static str, String)> {
        super::i18n::options(&self.ctx, name)
    }

    fn is_category(&self, category: &str) -> bool {
        self.form.category == category
    }
}

async fn form_page(
    web: &Web,
    editing: Option<ListingId>,
    form: ListingForm,
    errors: FormErrors,
) -> AppResult<HttpResponse> {
    let enterprises = own_enterprises(web).await?;
    let categories = Category::ALL
        .iter()
        .map(|c| (c.as_str(), web.ctx.category(c)))
        .collect();
    let units = Unit::ALL
        .iter()
        .map(|u| (u.as_str(), web.ctx.unit(&Some(*u))))
        .collect();
    web.page_with(
        errors.status(),
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
    let category = Category::parse(&query.category).unwrap_or(Category::LocalResource);
    let kind = Kind::parse(&query.kind).unwrap_or(Kind::Offer);
    let form = ListingForm {
        category: category.as_str().into(),
        kind: kind.as_str().into(),
        radius_km: "50".into(),
        visibility: Visibility::Public.as_str().into(),
        publish: "on".into(),
        ..ListingForm::default()
    };
    form_page(&web, None, form, FormErrors::default()).await
}

async fn create(posted: Posted<ListingForm>) -> AppResult<HttpResponse> {
    let Posted { web, mut form, .. } = posted;
    let caller = web.require()?;
    if let Some(category) = Category::parse(&form.switch_category) {
        form.category = category.as_str().into();
        form.switch_category.clear();
        return form_page(&web, None, form, FormErrors::default()).await;
    }
    let mut reader = FormReader::new(web.words());
    let enterprise_id = reader.whole::<i64>("enterprise_id", &form.enterprise_id);
    let enterprise_id = reader.required("enterprise_id", enterprise_id);
    let kind = reader.choice::<Kind>("kind", &form.kind);
    let kind = reader.required("kind", kind);
    let category = reader.choice::<Category>("category", &form.category);
    let category = reader.required("category", category);
    let fields = form.fields(&web, &mut reader).await?;
    let (Some(enterprise_id), Some(kind), Some(category), true) =
        (enterprise_id, kind, category, reader.errors.is_empty())
    else {
        let errors = every_refusal(&web, category, fields, reader.errors).await?;
        return form_page(&web, None, form, errors).await;
    };
    let command = NewListingCommand {
        enterprise_id: EnterpriseId(enterprise_id),
        kind,
        category,
        fields,
        publish: !form.publish.is_empty(),
    };
    let answer = web
        .run(move |conn, env| ops::create(conn, env, &caller, command))
        .await;
    match answer {
        Ok(created) => Ok(super::confirm::redirect_with(
            &web.state,
            &format!("/listings/{}", created.listing.id),
            "listing-saved",
        )),
        Err(error) => {
            let errors = FormErrors::from_error(error, web.words())?;
            form_page(&web, None, form, errors).await
        }
    }
}

/// The refusals found while reading the form, and those the operation would add for the
/// other fields, so that one submission shows every error.
async fn every_refusal(
    web: &Web,
    category: Option<Category>,
    fields: ListingFields,
    found: FormErrors,
) -> AppResult<FormErrors> {
    let Some(category) = category else {
        return Ok(found);
    };
    let refusal = web
        .run(move |conn, _| ops::refusals(conn, category, fields))
        .await?;
    Ok(match refusal {
        Some(refusal) => found.fill(FormErrors::from_error(refusal, web.words())?),
        None => found,
    })
}

async fn edit_form(web: Web, id: web::Path<ListingId>) -> AppResult<HttpResponse> {
    let caller = web.require()?;
    let id = id.into_inner();
    let view = web
        .run(move |conn, _| ops::editable(conn, &caller, id))
        .await?;
    let label = commune::label_of(&web, view.commune.as_deref().unwrap_or_default()).await?;
    form_page(
        &web,
        Some(id),
        ListingForm::of(&view, label),
        FormErrors::default(),
    )
    .await
}

async fn update(posted: Posted<ListingForm>, id: web::Path<ListingId>) -> AppResult<HttpResponse> {
    let Posted { web, mut form, .. } = posted;
    let caller = web.require()?;
    let id = id.into_inner();
    let current = {
        let caller = caller.clone();
        web.run(move |conn, _| ops::editable(conn, &caller, id))
            .await?
    };
    // The enterprise, kind and category of a listing do not change.
    form.enterprise_id = current
        .enterprise_id
        .map(|e| e.0.to_string())
        .unwrap_or_default();
    form.kind = current.kind.as_str().into();
    form.category = current.category.as_str().into();
    let mut reader = FormReader::new(web.words());
    let fields = form.fields(&web, &mut reader).await?;
    if !reader.errors.is_empty() {
        let errors = every_refusal(&web, Some(current.category), fields, reader.errors).await?;
        return form_page(&web, Some(id), form, errors).await;
    }
    let change = ListingUpdate {
        title: Some(fields.title),
        description: Some(fields.description),
        naf: Some(fields.naf),
        commune: Some(fields.commune),
        radius_km: Some(fields.radius_km),
        national: Some(fields.national),
        quantity: Some(fields.quantity),
        unit: Some(fields.unit),
        unit_price: Some(fields.unit_price),
        available_from: Some(fields.available_from),
        valid_until: Some(fields.valid_until),
        details: Some(fields.details),
        visibility: Some(fields.visibility),
        period: Some(fields.period),
    };
    match web
        .run(move |conn, env| ops::update(conn, env, &caller, id, change))
        .await
    {
        Ok(_) => Ok(super::confirm::redirect_with(
            &web.state,
            &format!("/listings/{id}"),
            "listing-saved",
        )),
        Err(error) => {
            let errors = FormErrors::from_error(error, web.words())?;
            form_page(&web, Some(id), form, errors).await
        }
    }
}
