//! The home page: the search of open listings with its filters, results with their
//! distance, and keyset pagination (the operation's cursors).

use std::collections::HashMap;

use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::{commune, map, Ctx, FormErrors, Web};
use crate::domain::listing::Category;
use crate::domain::Arg;
use crate::error::{AppError, AppResult};
use crate::format;
use crate::ops::search::{self, SearchQuery};
use crate::views::listings::ListingView;

#[derive(Debug, Default, Deserialize, Clone)]
#[serde(default)]
pub struct SearchForm {
    pub kind: String,
    pub category: String,
    pub naf: String,
    pub material: String,
    pub ewc: String,
    /// A département code, set by a click on the map.
    pub departement: String,
    /// The place as shown and typed ("Valence (26)").
    pub place: String,
    /// The INSEE code chosen beside it.
    pub place_code: String,
    pub radius_km: String,
    pub q: String,
    pub cursor: String,
}

impl SearchForm {
    /// The query string of these filters, without the cursor.
    fn query_string(&self) -> String {
        let pairs = [
            ("kind", &self.kind),
            ("category", &self.category),
            ("naf", &self.naf),
            ("material", &self.material),
            ("ewc", &self.ewc),
            ("departement", &self.departement),
            ("place", &self.place),
            ("place_code", &self.place_code),
            ("radius_km", &self.radius_km),
            ("q", &self.q),
        ];
        pairs
            .iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(k, v)| format!("{k}={}", format::url_encode(v.trim())))
            .collect::<Vec<_>>()
            .join("&")
    }

    pub fn searched(&self) -> bool {
        !self.query_string().is_empty()
    }

    /// How many filters are set (the département of the map counts as one).
    pub fn active_filters(&self) -> usize {
        [
            &self.kind,
            &self.category,
            &self.naf,
            &self.material,
            &self.ewc,
            &self.departement,
            &self.place,
            &self.q,
        ]
        .iter()
        .filter(|v| !v.trim().is_empty())
        .count()
    }

    /// These filters with another département (none when `code` is empty): the map's links.
    fn with_departement(&self, code: &str) -> String {
        let mut other = self.clone();
        other.departement = code.to_string();
        other.cursor.clear();
        format!("/?{}", other.query_string())
    }
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    ctx: Ctx,
    form: SearchForm,
    categories: Vec<(&'static str, String)>,
    materials: Vec<(&'static str, String)>,
    place_label: Option<String>,
    /// The département the results are filtered by, named.
    departement_label: Option<String>,
    /// Where to go without the département filter.
    without_departement: String,
    map: String,
    /// Open listings per département, for the table beside the map, by name.
    map_rows: Vec<(String, String, i64)>,
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
    let mut form = query.into_inner();
    let mut errors = FormErrors::default();
    // The place is resolved here, so the search works without JavaScript; a name that
    // fits several communes asks which one.
    let near = commune::resolve(&web, &mut errors, "place", &form.place, &form.place_code).await?;
    let place_label = match &near {
        Some(code) => {
            let label = commune::label_of(&web, code).await?;
            form.place = label.clone();
            form.place_code = code.clone();
            Some(label)
        }
        None => None,
    };
    let query = SearchQuery {
        kind: some(&form.kind),
        category: some(&form.category),
        naf: some(&form.naf),
        material: some(&form.material),
        ewc: some(&form.ewc),
        departement: some(&form.departement),
        radius_km: near.as_ref().and_then(|_| some(&form.radius_km)),
        near,
        q: some(&form.q),
        cursor: some(&form.cursor),
        limit: Some("20".into()),
        ..SearchQuery::default()
    };
    let (items, next_cursor) = if errors.is_empty() {
        let caller = web.caller.clone();
        match web
            .read(move |conn, _| search::search(conn, caller.as_ref(), query))
            .await
        {
            Ok(page) => (page.items, page.next_cursor),
            Err(error @ AppError::Validation(_)) => {
                errors = FormErrors::from_error(error, web.words())?;
                (Vec::new(), None)
            }
            Err(other) => return Err(other),
        }
    } else {
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
    let materials = super::i18n::options(&web.ctx, "material");
    let (map, map_rows) = listing_map(&web, &form).await?;
    let departement_label = some(&form.departement).map(|d| web.ctx.departement_name(&d));
    let without_departement = form.with_departement("");
    web.page(&SearchPage {
        ctx: web.ctx.clone(),
        form,
        categories,
        materials,
        place_label,
        departement_label,
        without_departement,
        map,
        map_rows,
        items,
        next_url,
        first_url,
        errors,
    })
}

/// The map of open listings per département (counted once a minute per node, see
/// [`super::labels::PageCache`]); a click keeps the other filters and sets the
/// département. Also the rows of its table, by département name.
async fn listing_map(
    web: &Web,
    form: &SearchForm,
) -> AppResult<(String, Vec<(String, String, i64)>)> {
    let counts = web
        .state
        .cache
        .listings_per_departement(&web.state.pool)
        .await?;
    let max = counts.values().copied().max().unwrap_or(0);
    let ctx = &web.ctx;
    let mut areas = HashMap::new();
    let mut rows = Vec::new();
    for (code, count) in counts.iter() {
        let name = ctx.departement_name(code);
        let title = ctx.words.t_args(
            "map-departement-listings",
            &[
                ("name", Arg::Text(name.clone())),
                ("count", Arg::Number(*count)),
            ],
        );
        areas.insert(
            code.clone(),
            map::Area {
                href: Some(form.with_departement(code)),
                title,
                step: map::step_of(*count, max),
                selected: form.departement == *code,
            },
        );
        rows.push((code.clone(), name, *count));
    }
    rows.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));
    let svg = map::render(
        "listing-map",
        &ctx.t("map-listings-title"),
        &ctx.t("map-listings-desc"),
        &areas,
    );
    Ok((svg, rows))
}
