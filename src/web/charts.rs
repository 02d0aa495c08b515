//! Charts drawn on the server as inline SVG, with a title, a description and a data table
//! beside them for readers who do not see them. Sizes come from exact decimals: the share
//! of the largest value is computed as a decimal and rounded to whole pixels.

use rust_decimal::Decimal;

/// Text made safe inside SVG markup, by askama's HTML escaper (the templates' own).
fn escape(text: &str) -> String {
    askama::filters::escape(text, askama::filters::Html)
        .map(|safe| safe.to_string())
        .unwrap_or_default()
}

/// One cell of the flow matrix: provider row × beneficiary column.
#[derive(Debug, Clone)]
pub struct Flow {
    pub from: String,
    pub to: String,
    pub amount: Decimal,
    pub exchanges: i64,
}

/// `part / whole` scaled to `0..=scale`, rounded; zero when `whole` is zero.
fn share(part: Decimal, whole: Decimal, scale: i64) -> i64 {
    if whole <= Decimal::ZERO || part <= Decimal::ZERO {
        return 0;
    }
    let value = (part * Decimal::from(scale) / whole).round();
    i64::try_from(value.mantissa() / 10i128.pow(value.scale()))
        .unwrap_or(0)
        .clamp(0, scale)
}

/// Five steps from pale to deep teal; the text on the deep steps is white (AA contrast).
fn step_color(step: i64) -> (&'static str, &'static str) {
    match step {
        0 => ("#f1f5f4", "#1f2933"),
        1 => ("#c8e6e0", "#1f2933"),
        2 => ("#8fcbc0", "#1f2933"),
        3 => ("#3f9c8c", "#ffffff"),
        _ => ("#0b5d50", "#ffffff"),
    }
}

/// Splits a label into at most `lines` lines of about `width` characters, at spaces; the
/// last line ends with "…" when the label is longer. The full label goes in a `<title>`.
fn wrap(label: &str, width: usize, lines: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut truncated = false;
    for word in label.split_whitespace() {
        let candidate = if current.is_empty() {
            word.to_string()
        } else {
            format!("{current} {word}")
        };
        if candidate.chars().count() <= width || current.is_empty() {
            current = candidate;
        } else {
            out.push(std::mem::take(&mut current));
            if out.len() == lines {
                truncated = true;
                break;
            }
            current = word.to_string();
        }
    }
    if !truncated && !current.is_empty() {
        out.push(current);
    }
    let last = out.len().saturating_sub(1);
    for (i, line) in out.iter_mut().enumerate() {
        if line.chars().count() > width || (truncated && i == last) {
            let kept: String = line.chars().take(width.saturating_sub(1)).collect();
            *line = format!("{}…", kept.trim_end());
        }
    }
    out
}

/// A `<text>` of one or more lines (tspans), with the full label as its `<title>`.
fn label_text(x: i64, y: i64, anchor: &str, lines: &[String], full: &str, extra: &str) -> String {
    let mut out = format!(
        "<text x=\"{x}\" y=\"{y}\" text-anchor=\"{anchor}\" class=\"axis\"{extra}><title>{}</title>",
        escape(full)
    );
    for (i, line) in lines.iter().enumerate() {
        let dy = if i == 0 { 0 } else { 15 };
        out.push_str(&format!(
            "<tspan x=\"{x}\" dy=\"{dy}\">{}</tspan>",
            escape(line)
        ));
    }
    out.push_str("</text>");
    out
}

fn svg_open(id: &str, title: &str, desc: &str, width: i64, height: i64) -> String {
    format!(
        "<svg class=\"chart\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" xmlns=\"http://www.w3.org/2000/svg\">\
<title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        escape(title),
        escape(desc)
    )
}

/// The words of a chart's axes.
pub struct Axes<'a> {
    /// What the rows (or the left side) are: "Pôle fournisseur".
    pub rows: &'a str,
    /// What the columns (or the right side) are: "Pôle bénéficiaire".
    pub columns: &'a str,
}

/// A heatmap of pôle → pôle amounts: providers in rows, beneficiaries in columns, both axes
/// titled. It keeps its size (the page scrolls it sideways on a phone) so that its text
/// stays at 12 px; long names wrap on two lines, or end with "…" with the full name in a
/// `<title>`. `labels` orders both axes; `money` formats amounts.
pub fn heatmap(
    id: &str,
    title: &str,
    desc: &str,
    axes: Axes<'_>,
    labels: &[String],
    flows: &[Flow],
    money: impl Fn(Decimal) -> String,
) -> String {
    let (cell_w, cell_h) = (96i64, 44i64);
    let left = 190i64;
    let top = 150i64;
    let n = labels.len() as i64;
    let width = left + cell_w * n.max(1) + 60;
    let height = top + cell_h * n.max(1) + 12;
    let max = flows
        .iter()
        .map(|f| f.amount)
        .max()
        .unwrap_or(Decimal::ZERO);
    let mut svg = svg_open(id, title, desc, width, height);
    // Axis titles: columns above their labels, rows above the row labels.
    svg.push_str(&format!(
        "<text x=\"{}\" y=\"16\" text-anchor=\"middle\" class=\"axis-title\">{}</text>\
<text x=\"8\" y=\"{}\" class=\"axis-title\">{}</text>",
        left + cell_w * n.max(1) / 2,
        escape(axes.columns),
        top - 10,
        escape(axes.rows)
    ));
    for (i, label) in labels.iter().enumerate() {
        let i = i as i64;
        let row = wrap(label, 24, 2);
        let y = top + i * cell_h + if row.len() > 1 { 18 } else { 26 };
        svg.push_str(&label_text(left - 8, y, "end", &row, label, ""));
        let column = wrap(label, 20, 1);
        let x = left + i * cell_w + cell_w / 2;
        svg.push_str(&label_text(
            0,
            0,
            "start",
            &column,
            label,
            &format!(
                " transform=\"translate({},{}) rotate(-45)\"",
                x - 4,
                top - 8
            ),
        ));
    }
    for (r, from) in labels.iter().enumerate() {
        for (c, to) in labels.iter().enumerate() {
            let found = flows.iter().find(|f| &f.from == from && &f.to == to);
            let amount = found.map(|f| f.amount).unwrap_or(Decimal::ZERO);
            let step = if amount > Decimal::ZERO {
                1 + share(amount, max, 3)
            } else {
                0
            };
            let (fill, ink) = step_color(step);
            let (x, y) = (left + c as i64 * cell_w, top + r as i64 * cell_h);
            svg.push_str(&format!(
                "<rect x=\"{x}\" y=\"{y}\" width=\"{cell_w}\" height=\"{cell_h}\" fill=\"{fill}\" stroke=\"#ffffff\" stroke-width=\"2\"/>"
            ));
            if let Some(flow) = found {
                svg.push_str(&format!(
                    "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" class=\"cell\" fill=\"{ink}\"><title>{} → {} : {}</title>{}</text>",
                    x + cell_w / 2,
                    y + cell_h / 2 + 4,
                    escape(from),
                    escape(to),
                    escape(&money(flow.amount)),
                    escape(&money(flow.amount))
                ));
            }
        }
    }
    svg.push_str("</svg>");
    svg
}

/// A flow diagram (Sankey) between pôles: providers on the left, beneficiaries on the
/// right, each band as wide as its amount (exact decimals, rounded to whole pixels, at
/// least 2 px so that small flows stay visible), with the amount and the number of
/// exchanges in its `<title>`. Drawn on the server, no script.
pub fn sankey(
    id: &str,
    title: &str,
    desc: &str,
    axes: Axes<'_>,
    flows: &[Flow],
    money: impl Fn(Decimal) -> String,
    exchanges: impl Fn(i64) -> String,
) -> String {
    let mut sources: Vec<(String, Decimal)> = Vec::new();
    let mut targets: Vec<(String, Decimal)> = Vec::new();
    for flow in flows.iter().filter(|f| f.amount > Decimal::ZERO) {
        for (side, name) in [(&mut sources, &flow.from), (&mut targets, &flow.to)] {
            match side.iter_mut().find(|(n, _)| n == name) {
                Some((_, total)) => *total += flow.amount,
                None => side.push((name.clone(), flow.amount)),
            }
        }
    }
    sources.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    targets.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let total: Decimal = sources.iter().map(|(_, t)| *t).sum();
    let (gap, scale, node_w) = (14i64, 320i64, 14i64);
    let (left_x, right_x) = (200i64, 440i64);
    let width = 640i64;
    let top = 36i64;
    let heights = |side: &[(String, Decimal)]| -> Vec<i64> {
        side.iter()
            .map(|(_, t)| share(*t, total, scale).max(2))
            .collect()
    };
    let (source_h, target_h) = (heights(&sources), heights(&targets));
    let column_height = |h: &[i64]| h.iter().sum::<i64>() + gap * (h.len() as i64 - 1).max(0);
    let height = top + column_height(&source_h).max(column_height(&target_h)) + 16;
    let mut svg = svg_open(id, title, desc, width, height.max(80));
    svg.push_str(&format!(
        "<text x=\"{}\" y=\"18\" text-anchor=\"end\" class=\"axis-title\">{}</text>\
<text x=\"{}\" y=\"18\" class=\"axis-title\">{}</text>",
        left_x + node_w,
        escape(axes.rows),
        right_x,
        escape(axes.columns)
    ));
    let tops = |h: &[i64]| -> Vec<i64> {
        let mut y = top;
        h.iter()
            .map(|height| {
                let at = y;
                y += height + gap;
                at
            })
            .collect()
    };
    let (source_y, target_y) = (tops(&source_h), tops(&target_h));
    // Where the next band leaves each source and enters each target.
    let mut source_next = source_y.clone();
    let mut target_next = target_y.clone();
    let mut ordered: Vec<&Flow> = flows.iter().filter(|f| f.amount > Decimal::ZERO).collect();
    let rank = |side: &[(String, Decimal)], name: &str| side.iter().position(|(n, _)| n == name);
    ordered.sort_by_key(|f| (rank(&sources, &f.from), rank(&targets, &f.to)));
    for flow in ordered {
        let (Some(s), Some(t)) = (rank(&sources, &flow.from), rank(&targets, &flow.to)) else {
            continue;
        };
        let band = share(flow.amount, total, scale).max(2);
        let (y0, y1) = (source_next[s], target_next[t]);
        source_next[s] += band;
        target_next[t] += band;
        let (x0, x1) = (left_x + node_w, right_x);
        let mid = (x0 + x1) / 2;
        svg.push_str(&format!(
            "<path class=\"band\" d=\"M{x0},{y0} C{mid},{y0} {mid},{y1} {x1},{y1} L{x1},{} C{mid},{} {mid},{} {x0},{} Z\"><title>{} → {} : {} · {}</title></path>",
            y1 + band,
            y1 + band,
            y0 + band,
            y0 + band,
            escape(&flow.from),
            escape(&flow.to),
            escape(&money(flow.amount)),
            escape(&exchanges(flow.exchanges))
        ));
    }
    for (i, (name, amount)) in sources.iter().enumerate() {
        let (y, h) = (source_y[i], source_h[i]);
        svg.push_str(&format!(
            "<rect class=\"node\" x=\"{left_x}\" y=\"{y}\" width=\"{node_w}\" height=\"{h}\"><title>{} : {}</title></rect>",
            escape(name),
            escape(&money(*amount))
        ));
        let lines = wrap(name, 26, 2);
        svg.push_str(&label_text(
            left_x - 6,
            y + h / 2 + 4 - 7 * (lines.len() as i64 - 1),
            "end",
            &lines,
            name,
            "",
        ));
    }
    for (i, (name, amount)) in targets.iter().enumerate() {
        let (y, h) = (target_y[i], target_h[i]);
        svg.push_str(&format!(
            "<rect class=\"node\" x=\"{right_x}\" y=\"{y}\" width=\"{node_w}\" height=\"{h}\"><title>{} : {}</title></rect>",
            escape(name),
            escape(&money(*amount))
        ));
        let lines = wrap(name, 26, 2);
        svg.push_str(&label_text(
            right_x + node_w + 6,
            y + h / 2 + 4 - 7 * (lines.len() as i64 - 1),
            "start",
            &lines,
            name,
            "",
        ));
    }
    svg.push_str("</svg>");
    svg
}

/// Amounts by month as horizontal bars, one row per month: a single month is one short
/// row, twelve months twelve rows, never a bar taller than a screen. The width (320 px)
/// fits a phone without scaling, so the text stays at 12 px.
pub fn bars(
    id: &str,
    title: &str,
    desc: &str,
    points: &[(String, Decimal)],
    money: impl Fn(Decimal) -> String,
) -> String {
    let (row, bar_h) = (30i64, 18i64);
    let (label_w, bar_max) = (64i64, 150i64);
    let width = 320i64;
    let top = 8i64;
    let n = points.len() as i64;
    let height = top + row * n.max(1) + 8;
    let max = points.iter().map(|p| p.1).max().unwrap_or(Decimal::ZERO);
    let mut svg = svg_open(id, title, desc, width, height);
    svg.push_str(&format!(
        "<line x1=\"{label_w}\" y1=\"{top}\" x2=\"{label_w}\" y2=\"{}\" stroke=\"#9aa5b1\"/>",
        height - 8
    ));
    for (i, (label, amount)) in points.iter().enumerate() {
        let w = share(*amount, max, bar_max).max(if *amount > Decimal::ZERO { 2 } else { 0 });
        let y = top + i as i64 * row;
        svg.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" class=\"axis\">{}</text>\
<rect x=\"{label_w}\" y=\"{}\" width=\"{w}\" height=\"{bar_h}\" rx=\"2\" fill=\"#0b5d50\"><title>{} : {}</title></rect>\
<text x=\"{}\" y=\"{}\" class=\"value\">{}</text>",
            label_w - 6,
            y + bar_h / 2 + 10,
            escape(label),
            y + 6,
            escape(label),
            escape(&money(*amount)),
            label_w + w + 6,
            y + bar_h / 2 + 10,
            escape(&money(*amount))
        ));
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn shares_are_exact_and_bounded() {
        assert_eq!(share(dec!(50), dec!(100), 180), 90);
        assert_eq!(share(dec!(100), dec!(100), 3), 3);
        assert_eq!(share(dec!(0.01), dec!(1000000), 3), 0);
        assert_eq!(share(dec!(5), dec!(0), 3), 0);
    }

    #[test]
    fn the_heatmap_is_an_accessible_image_with_escaped_labels() {
        let svg = heatmap(
            "flows",
            "Flux",
            "Montants",
            Axes {
                rows: "Fournisseur",
                columns: "Bénéficiaire",
            },
            &["a<b".to_string(), "c".to_string()],
            &[Flow {
                from: "a<b".into(),
                to: "c".into(),
                amount: dec!(12.5),
                exchanges: 1,
            }],
            |d| d.to_string(),
        );
        assert!(svg.contains("role=\"img\""));
        assert!(svg.contains("<title id=\"flows-title\">Flux</title>"));
        assert!(svg.contains("a&#60;b") || svg.contains("a&lt;b"), "{svg}");
        assert!(!svg.contains("a<b"));
        assert!(svg.contains(">12.5<"));
        assert!(svg.contains("Fournisseur") && svg.contains("Bénéficiaire"));
    }

    #[test]
    fn long_names_wrap_on_two_lines_and_end_with_an_ellipsis() {
        assert_eq!(wrap("Pôle Sud Drôme", 24, 2), vec!["Pôle Sud Drôme"]);
        assert_eq!(
            wrap(
                "Pôle territorial de coopération économique des Vosges",
                24,
                2
            ),
            vec!["Pôle territorial de", "coopération économique…"]
        );
        let one = wrap("Anticonstitutionnellement-long", 10, 1);
        assert_eq!(one.len(), 1);
        assert!(
            one[0].ends_with('…') && one[0].chars().count() <= 10,
            "{one:?}"
        );
    }

    #[test]
    fn one_month_draws_one_short_row_and_the_chart_keeps_its_width() {
        let svg = bars(
            "v",
            "Volume",
            "Par mois",
            &[("2026-11".into(), dec!(1200))],
            |d| d.to_string(),
        );
        assert!(svg.contains("width=\"320\" height=\"46\""), "{svg}");
    }

    #[test]
    fn the_sankey_draws_a_band_per_flow_as_wide_as_its_share() {
        let flows = [
            Flow {
                from: "A".into(),
                to: "B".into(),
                amount: dec!(300),
                exchanges: 2,
            },
            Flow {
                from: "B".into(),
                to: "A".into(),
                amount: dec!(100),
                exchanges: 1,
            },
        ];
        let svg = sankey(
            "s",
            "Flux",
            "Entre pôles",
            Axes {
                rows: "De",
                columns: "Vers",
            },
            &flows,
            |d| d.to_string(),
            |n| format!("{n} échanges"),
        );
        assert_eq!(svg.matches("class=\"band\"").count(), 2);
        assert!(svg.contains("A → B : 300 · 2 échanges"), "{svg}");
        // 300 of 400 over 320 px: a 240 px source node.
        assert!(svg.contains("height=\"240\""), "{svg}");
    }
}
