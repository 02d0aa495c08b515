//! The home page: the search of open listings with its filters, results with their
//! distance, and keyset pagination (the operation's cursors).

use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::{commune, Ctx, FormErrors, Web};
use crate::domain::listing::Category;
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
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    ctx: Ctx,
    form: SearchForm,
    categories: Vec<(&'static str, String)>,
    materials: Vec<(&'static str, String)>,
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
            .run(move |conn, _| search::search(conn, caller.as_ref(), query))
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
    web.page(&SearchPage {
        ctx: web.ctx.clone(),
        form,
        categories,
        materials,
        place_label,
        items,
        next_url,
        first_url,
        errors,
    })
}
