//! The directory of pôles and a pôle's page: description, member enterprises, open
//! listings and key figures.

use std::collections::HashMap;

use actix_web::{web, HttpResponse};
use askama::Template;

use super::{map, Ctx, Web};
use crate::domain::listing::Kind;
use crate::domain::Arg;
use crate::error::AppResult;
use crate::ops::poles;
use crate::ops::search::{self, SearchQuery};
use crate::views::listings::ListingView;
use crate::views::poles::PoleView;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/poles", web::get().to(directory))
        .route("/poles/{slug}", web::get().to(show));
}

#[derive(Template)]
#[template(path = "poles.html")]
struct DirectoryPage {
    ctx: Ctx,
    poles: Vec<PoleView>,
    map: String,
}

async fn directory(web: Web) -> AppResult<HttpResponse> {
    let list = web.read(|conn, _| poles::list(conn)).await?;
    let map = poles_map(&web.ctx, &list.items);
    web.page(&DirectoryPage {
        ctx: web.ctx.clone(),
        poles: list.items,
        map,
    })
}

/// The map of where the pôles work: each of their départements coloured (deeper where
/// several pôles meet), a click opens the pôle (the first by name where several).
fn poles_map(ctx: &Ctx, poles: &[PoleView]) -> String {
    let mut working: HashMap<&str, Vec<&PoleView>> = HashMap::new();
    for pole in poles {
        for code in &pole.departements {
            working.entry(code.as_str()).or_default().push(pole);
        }
    }
    let areas = working
        .into_iter()
        .map(|(code, here)| {
            let names: Vec<&str> = here.iter().map(|p| p.name.as_str()).collect();
            let title = ctx.words.t_args(
                "map-departement-poles",
                &[
                    ("name", Arg::Text(ctx.departement_name(code))),
                    ("poles", Arg::Text(names.join(", "))),
                ],
            );
            let area = map::Area {
                href: Some(format!("/poles/{}", here[0].slug)),
                title,
                step: if here.len() > 1 { 4 } else { 3 },
                selected: false,
            };
            (code.to_string(), area)
        })
        .collect();
    map::render(
        "poles-map",
        &ctx.t("map-poles-title"),
        &ctx.t("map-poles-desc"),
        &areas,
    )
}

#[derive(Template)]
#[template(path = "pole.html")]
struct PolePage {
    ctx: Ctx,
    pole: PoleView,
    listings: Vec<ListingView>,
    more_listings: bool,
    offers: usize,
    needs: usize,
}

async fn show(web: Web, slug: web::Path<String>) -> AppResult<HttpResponse> {
    let slug = slug.into_inner();
    let caller = web.caller.clone();
    let (pole, page) = web
        .read(move |conn, _| {
            let pole = poles::show(conn, caller.as_ref(), &slug)?;
            let query = SearchQuery {
                pole: Some(slug),
                limit: Some("100".into()),
                ..SearchQuery::default()
            };
            Ok((pole, search::search(conn, caller.as_ref(), query)?))
        })
        .await?;
    let offers = page.items.iter().filter(|l| l.kind == Kind::Offer).count();
    let needs = page.items.len() - offers;
    web.page(&PolePage {
        ctx: web.ctx.clone(),
        pole,
        more_listings: page.next_cursor.is_some(),
        listings: page.items,
        offers,
        needs,
    })
}
