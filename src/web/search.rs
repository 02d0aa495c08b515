//! The home page: the search of open listings with its filters, results with their
//! distance, and keyset pagination (the API's cursors).

use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::{api_json, Ctx, FormErrors, Web};
use crate::api::listings::{self as api_listings, ListingPage, ListingQuery, ListingView};
use crate::domain::listing::Category;
use crate::error::{AppError, AppResult};

#[derive(Debug, Default, Deserialize, Clone)]
pub struct SearchForm {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub naf: String,
    /// A commune: name, postal code or INSEE code.
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub radius_km: String,
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub cursor: String,
}

impl SearchForm {
    /// The query string of these filters, without the cursor.
    fn query_string(&self) -> String {
        let pairs = [
            ("kind", &self.kind),
            ("category", &self.category),
            ("naf", &self.naf),
            ("place", &self.place),
            ("radius_km", &self.radius_km),
            ("q", &self.q),
        ];
        pairs
            .iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(k, v)| format!("{k}={}", super::format::url_encode(v.trim())))
            .collect::<Vec<_>>()
            .join("&")
    }

    pub fn searched(&self) -> bool {
        !self.query_string().is_empty()
    }
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    ctx: Ctx,
    form: SearchForm,
    categories: Vec<(&'static str, &'static str)>,
    place_label: Option<String>,
    items: Vec<ListingView>,
    next_url: Option<String>,
    first_url: Option<String>,
    errors: FormErrors,
}

fn some(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

/// `GET /`: the filters, and the listings that fit them.
pub async fn home(web: Web, query: web::Query<SearchForm>) -> AppResult<HttpResponse> {
    let form = query.into_inner();
    let mut errors = FormErrors::default();
    // The place is resolved to a commune here, so the search works without JavaScript.
    let mut near = None;
    let mut place_label = None;
    if let Some(place) = some(&form.place) {
        match super::listings::first_commune(&web, &place).await? {
            Some((code, name)) => {
                place_label = Some(format!("{name} ({code})"));
                near = Some(code);
            }
            None => errors.fields.push(crate::error::FieldError {
                field: "place".into(),
                code: "unknown_commune".into(),
                message: web.tr().unknown_place.into(),
            }),
        }
    }
    let api_query = ListingQuery {
        kind: some(&form.kind),
        category: some(&form.category),
        naf: some(&form.naf),
        near,
        radius_km: if place_label.is_some() {
            some(&form.radius_km)
        } else {
            None
        },
        q: some(&form.q),
        cursor: some(&form.cursor),
        limit: Some("20".into()),
        ..ListingQuery::default()
    };
    let (items, next_cursor) = if errors.fields.is_empty() {
        match api_json::<ListingPage>(
            api_listings::search(web.state.clone(), web.maybe(), web::Query(api_query)).await,
        )
        .await
        {
            Ok(page) => (page.items, page.next_cursor),
            Err(error @ AppError::Validation(_)) => {
                errors = FormErrors::from_error(error, web.tr())?;
                (Vec::new(), None)
            }
            Err(other) => return Err(other),
        }
    } else {
        errors.general = Some(web.tr().form_has_errors.into());
        (Vec::new(), None)
    };
    let base = form.query_string();
    let join = if base.is_empty() { "" } else { "&" };
    let next_url = next_cursor.map(|c| format!("/?{base}{join}cursor={c}"));
    let first_url = some(&form.cursor).map(|_| format!("/?{base}"));
    let categories = Category::ALL
        .iter()
        .map(|c| (c.as_str(), web.ctx.category(c)))
        .collect();
    web.page(&SearchPage {
        ctx: web.ctx.clone(),
        form,
        categories,
        place_label,
        items,
        next_url,
        first_url,
        errors,
    })
}
