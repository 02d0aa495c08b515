//! The directory of pôles and a pôle's page: description, member enterprises, open
//! listings and key figures.

use actix_web::{web, HttpResponse};
use askama::Template;

use super::{api_json, Ctx, Web};
use crate::api::listings::{self as api_listings, ListingPage, ListingQuery, ListingView};
use crate::api::poles::{self as api_poles, PoleList, PoleView};
use crate::error::AppResult;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/poles", web::get().to(directory))
        .route("/poles/{slug}", web::get().to(show));
}

#[derive(Template)]
#[template(path = "poles.html")]
struct DirectoryPage {
    ctx: Ctx,
    poles: Vec<PoleView>,
}

async fn directory(web: Web) -> AppResult<HttpResponse> {
    let list: PoleList = api_json(api_poles::list(web.state.clone()).await).await?;
    web.page(&DirectoryPage {
        ctx: web.ctx.clone(),
        poles: list.items,
    })
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
    let pole: PoleView =
        api_json(api_poles::show(web.state.clone(), web::Path::from(slug.clone())).await).await?;
    let page: ListingPage = api_json(
        api_listings::search(
            web.state.clone(),
            web.maybe(),
            web::Query(ListingQuery {
                pole: Some(slug),
                limit: Some("100".into()),
                ..ListingQuery::default()
            }),
        )
        .await,
    )
    .await?;
    let offers = page
        .items
        .iter()
        .filter(|l| l.kind == crate::domain::listing::Kind::Offer)
        .count();
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
