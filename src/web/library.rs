//! The pages of the shared know-how library: search with filters (French words, theme,
//! kind, pôle), a resource's page with its files and the listings that teach from it, and
//! the form to publish one.

use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::confirm::redirect_with;
use super::forms::FormReader;
use super::{Ctx, FormErrors, Posted, Web};
use crate::domain::visit::{ResourceKind, ResourceVisibility, Theme};
use crate::error::AppResult;
use crate::models::ids::ResourceId;
use crate::models::pole;
use crate::ops::resources::{self as ops, ResourceInput, ResourceQuery};
use crate::views::visits::{ResourceList, ResourceView};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/library", web::get().to(search))
        .route("/library/new", web::get().to(new_form))
        .route("/library/new", web::post().to(create))
        .route("/library/{id}", web::get().to(show));
}

#[derive(Debug, Default, Deserialize)]
struct SearchForm {
    #[serde(default)]
    q: String,
    #[serde(default)]
    theme: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    pole: String,
    #[serde(default)]
    cursor: String,
}

#[derive(Template)]
#[template(path = "library.html")]
struct LibraryPage {
    ctx: Ctx,
    form: SearchForm,
    list: ResourceList,
    poles: Vec<(String, String)>,
}

impl LibraryPage {
    fn themes(&self) -> &'static [Theme] {
        Theme::ALL
    }
    fn kinds(&self) -> &'static [ResourceKind] {
        ResourceKind::ALL
    }
    /// The link to the next page, with the same filters.
    fn next_href(&self, cursor: &str) -> String {
        let pairs = [
            ("q", self.form.q.as_str()),
            ("theme", self.form.theme.as_str()),
            ("kind", self.form.kind.as_str()),
            ("pole", self.form.pole.as_str()),
            ("cursor", cursor),
        ];
        let query = serde_urlencoded::to_string(pairs).unwrap_or_default();
        format!("/library?{query}")
    }
}

async fn search(web: Web, form: web::Query<SearchForm>) -> AppResult<HttpResponse> {
    let form = form.into_inner();
    let caller = web.caller.clone();
    let query = ResourceQuery {
        q: Some(form.q.clone()),
        theme: Theme::parse(&form.theme),
        kind: ResourceKind::parse(&form.kind),
        pole: Some(form.pole.clone()),
        cursor: Some(form.cursor.clone()),
        limit: Some(30),
        ..ResourceQuery::default()
    };
    let (list, poles) = web
        .run(move |conn, _| {
            Ok((
                ops::search(conn, caller.as_ref(), query)?,
                pole::all_names(conn)?,
            ))
        })
        .await?;
    web.page(&LibraryPage {
        ctx: web.ctx.clone(),
        form,
        list,
        poles,
    })
}

#[derive(Template)]
#[template(path = "resource.html")]
struct ResourcePage {
    ctx: Ctx,
    r: ResourceView,
    editor: bool,
}

async fn show(web: Web, id: web::Path<ResourceId>) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let caller = web.caller.clone();
    let (r, editor) = web
        .run(move |conn, _| {
            let r = ops::show(conn, caller.as_ref(), id)?;
            let editor = match &caller {
                Some(c) => ops::is_editor(conn, c, id)?,
                None => false,
            };
            Ok((r, editor))
        })
        .await?;
    web.page(&ResourcePage {
        ctx: web.ctx.clone(),
        r,
        editor,
    })
}

#[derive(Debug, Default, Clone, Deserialize)]
struct ResourceForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    naf: String,
    #[serde(default)]
    pole: String,
    #[serde(default)]
    licence: String,
    #[serde(default)]
    visibility: String,
    #[serde(default)]
    url: String,
}

#[derive(Template)]
#[template(path = "resource_form.html")]
struct ResourceFormPage {
    ctx: Ctx,
    form: ResourceForm,
    themes_chosen: Vec<String>,
    errors: FormErrors,
    poles: Vec<(String, String)>,
}

impl ResourceFormPage {
    fn themes(&self) -> &'static [Theme] {
        Theme::ALL
    }
    /// Kinds one publishes here (a visit's report is written from the visit's page).
    fn kinds(&self) -> Vec<ResourceKind> {
        ResourceKind::ALL
            .iter()
            .copied()
            .filter(|k| *k != ResourceKind::VisitReport)
            .collect()
    }
    fn chosen(&self, theme: &Theme) -> bool {
        self.themes_chosen.iter().any(|t| t == theme.as_str())
    }
}

async fn form_page(
    web: &Web,
    form: ResourceForm,
    themes_chosen: Vec<String>,
    errors: FormErrors,
) -> AppResult<HttpResponse> {
    web.require()?;
    let poles = web.run(|conn, _| Ok(pole::all_names(conn)?)).await?;
    web.page_with(
        errors.status(),
        &ResourceFormPage {
            ctx: web.ctx.clone(),
            form,
            themes_chosen,
            errors,
            poles,
        },
    )
}

async fn new_form(web: Web) -> AppResult<HttpResponse> {
    let form = ResourceForm {
        licence: "CC-BY-SA-4.0".into(),
        visibility: "public".into(),
        ..ResourceForm::default()
    };
    form_page(&web, form, Vec::new(), FormErrors::default()).await
}

async fn create(posted: Posted<ResourceForm>) -> AppResult<HttpResponse> {
    let themes_chosen = posted.all("themes");
    let Posted { web, form, .. } = posted;
    let caller = web.require()?;
    let mut reader = FormReader::new(web.words());
    let kind = reader.choice::<ResourceKind>("kind", &form.kind);
    let visibility = reader.choice::<ResourceVisibility>("visibility", &form.visibility);
    let themes: Vec<Theme> = themes_chosen
        .iter()
        .filter_map(|t| Theme::parse(t))
        .collect();
    let input = ResourceInput {
        title: form.title.clone(),
        summary: form.summary.clone(),
        kind,
        themes,
        naf: FormReader::text(&form.naf),
        pole: FormReader::text(&form.pole),
        visit_id: None,
        licence: FormReader::text(&form.licence),
        visibility,
        url: FormReader::text(&form.url),
        lessons: String::new(),
        next_steps: String::new(),
    };
    if !reader.errors.is_empty() {
        return form_page(&web, form, themes_chosen, reader.errors).await;
    }
    match web
        .run(move |conn, env| ops::create(conn, env, &caller, input))
        .await
    {
        Ok(r) => Ok(redirect_with(
            &web.state,
            &format!("/library/{}", r.id),
            "resource-published",
        )),
        Err(error) => {
            let errors = FormErrors::from_error(error, web.words())?;
            form_page(&web, form, themes_chosen, errors).await
        }
    }
}
