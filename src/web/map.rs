//! A map of France by département, drawn on the server as inline SVG from the outlines
//! shipped in `data/map/departements.json` (IGN ADMIN EXPRESS COG 2018, Licence Ouverte
//! Etalab; how they were projected and simplified: `data/map/LICENSE.md`). No tiles, no
//! script, no request to another site. The five overseas départements are insets along the
//! left edge.
//!
//! Each département is a link when the page gives it one (the search page filters by it,
//! the pôles' directory opens the pôle working there) and carries its name and figure in a
//! `<title>`; the figures are also in a table beside the map.

use std::collections::HashMap;
use std::sync::LazyLock;

use serde::Deserialize;

#[derive(Deserialize)]
struct MapData {
    #[serde(rename = "viewBox")]
    view_box: String,
    insets: Vec<Inset>,
    departements: Vec<Outline>,
}

#[derive(Deserialize)]
struct Inset {
    x: f64,
    y: f64,
    width: f64,
    height: f64,
}

#[derive(Deserialize)]
struct Outline {
    code: String,
    path: String,
}

static MAP: LazyLock<MapData> = LazyLock::new(|| {
    serde_json::from_str(include_str!("../../data/map/departements.json"))
        .expect("data/map/departements.json is valid (checked by a unit test)")
});

/// What the map shows for one département.
#[derive(Debug, Clone, Default)]
pub struct Area {
    /// Where a click leads; no link when `None`.
    pub href: Option<String>,
    /// The `<title>`: "Drôme (26) : 12 annonces".
    pub title: String,
    /// Shade, 0 (none) to 4 (most).
    pub step: u8,
    /// Drawn with a thick outline (the département a search is filtered by).
    pub selected: bool,
}

/// The shade step (1–4) of `value` among values up to `max`; 0 for nothing.
pub fn step_of(value: i64, max: i64) -> u8 {
    if value <= 0 || max <= 0 {
        return 0;
    }
    // Quarters of the largest value, so that one busy département does not wash out the
    // others entirely: 1..=4.
    (1 + (value * 4 - 1) / max).clamp(1, 4) as u8
}

/// Where the outlines are served, once for every map of every page (cached by browsers):
/// each map `<use>`s them by id (`#d-26`), so a page carries a few kilobytes, not the
/// outlines' 135.
pub const OUTLINES_URL: &str = "/static/departements.svg";

/// The outlines as one SVG document, each département a `<path id="d-<code>">`.
pub fn outlines_svg() -> &'static str {
    static SVG: LazyLock<String> = LazyLock::new(|| {
        let map = &*MAP;
        let mut svg = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"{}\">",
            map.view_box
        );
        for outline in &map.departements {
            svg.push_str(&format!(
                "<path id=\"d-{}\" d=\"{}\"/>",
                outline.code, outline.path
            ));
        }
        svg.push_str("</svg>");
        svg
    });
    &SVG
}

/// The map: each département drawn from [`OUTLINES_URL`], shaded by its step, a link when
/// its area has one, named in a `<title>`. `areas` is keyed by département code;
/// départements without an entry are drawn blank, without a link.
pub fn render(id: &str, title: &str, desc: &str, areas: &HashMap<String, Area>) -> String {
    let map = &*MAP;
    let escape = |text: &str| {
        askama::filters::escape(text, askama::filters::Html)
            .map(|safe| safe.to_string())
            .unwrap_or_default()
    };
    let mut svg = format!(
        "<svg class=\"map\" viewBox=\"{}\" role=\"group\" aria-labelledby=\"{id}-title\" aria-describedby=\"{id}-desc\" xmlns=\"http://www.w3.org/2000/svg\">\
<title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        map.view_box,
        escape(title),
        escape(desc)
    );
    for inset in &map.insets {
        svg.push_str(&format!(
            "<rect class=\"inset\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>",
            inset.x, inset.y, inset.width, inset.height
        ));
    }
    for outline in &map.departements {
        let area = areas.get(&outline.code);
        let step = area.map_or(0, |a| a.step);
        let selected = if area.is_some_and(|a| a.selected) {
            " selected"
        } else {
            ""
        };
        let shape = format!(
            "<use class=\"dep s{step}{selected}\" href=\"{OUTLINES_URL}#d-{}\"/>",
            outline.code
        );
        match area {
            Some(area) => {
                let title = escape(&area.title);
                match &area.href {
                    Some(href) => svg.push_str(&format!(
                        "<a href=\"{}\" aria-label=\"{title}\"><title>{title}</title>{shape}</a>",
                        escape(href)
                    )),
                    None => svg.push_str(&format!("<g><title>{title}</title>{shape}</g>")),
                }
            }
            None => svg.push_str(&shape),
        }
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_outlines_cover_the_101_departements() {
        let map = &*MAP;
        assert_eq!(map.departements.len(), 101);
        for code in ["01", "2A", "2B", "26", "75", "971", "976"] {
            assert!(
                map.departements.iter().any(|d| d.code == code),
                "{code} missing"
            );
        }
        assert!(include_str!("../../data/map/departements.json").len() < 300_000);
        let outlines = outlines_svg();
        assert!(outlines.contains("<path id=\"d-2A\" d=\"M"));
        assert_eq!(outlines.matches("<path ").count(), 101);
    }

    #[test]
    fn steps_are_quarters_of_the_largest_value() {
        assert_eq!(step_of(0, 10), 0);
        assert_eq!(step_of(1, 100), 1);
        assert_eq!(step_of(25, 100), 1);
        assert_eq!(step_of(26, 100), 2);
        assert_eq!(step_of(100, 100), 4);
    }

    #[test]
    fn a_departement_with_a_link_is_a_link_with_its_title_escaped() {
        let areas = HashMap::from([(
            "26".to_string(),
            Area {
                href: Some("/?departement=26&kind=offer".into()),
                title: "Drôme (26) : 3 <annonces>".into(),
                step: 2,
                selected: true,
            },
        )]);
        let svg = render("m", "Carte", "Annonces", &areas);
        assert!(
            svg.contains("<a href=\"/?departement=26&#38;kind=offer\"")
                || svg.contains("<a href=\"/?departement=26&amp;kind=offer\""),
            "{svg}"
        );
        assert!(svg.contains("class=\"dep s2 selected\" href=\"/static/departements.svg#d-26\""));
        assert!(!svg.contains("<annonces>"));
        assert_eq!(svg.matches("<a ").count(), 1);
    }
}
