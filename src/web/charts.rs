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

/// A heatmap of pôle → pôle amounts. `labels` orders both axes; `money` formats amounts.
pub fn heatmap(
    id: &str,
    title: &str,
    desc: &str,
    labels: &[String],
    flows: &[Flow],
    money: impl Fn(Decimal) -> String,
) -> String {
    let cell = 64i64;
    let left = 150i64;
    let top = 120i64;
    let n = labels.len() as i64;
    // Room on the right for the slanted column labels.
    let width = left + cell * n.max(1) + 120;
    let height = top + cell * n.max(1) + 10;
    let max = flows
        .iter()
        .map(|f| f.amount)
        .max()
        .unwrap_or(Decimal::ZERO);
    let mut svg = format!(
        "<svg class=\"chart\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" xmlns=\"http://www.w3.org/2000/svg\">\
<title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        escape(title),
        escape(desc)
    );
    for (i, label) in labels.iter().enumerate() {
        let i = i as i64;
        let short: String = label.chars().take(20).collect();
        svg.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" class=\"axis\">{}</text>",
            left - 8,
            top + i * cell + cell / 2 + 4,
            escape(&short)
        ));
        let x = left + i * cell + cell / 2;
        svg.push_str(&format!(
            "<text transform=\"translate({x},{}) rotate(-40)\" class=\"axis\">{}</text>",
            top - 8,
            escape(&short)
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
            let (x, y) = (left + c as i64 * cell, top + r as i64 * cell);
            svg.push_str(&format!(
                "<rect x=\"{x}\" y=\"{y}\" width=\"{}\" height=\"{}\" fill=\"{fill}\" stroke=\"#ffffff\" stroke-width=\"2\"/>",
                cell, cell
            ));
            if let Some(flow) = found {
                svg.push_str(&format!(
                    "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" class=\"cell\" fill=\"{ink}\">{}</text>",
                    x + cell / 2,
                    y + cell / 2 + 4,
                    escape(&money(flow.amount))
                ));
            }
        }
    }
    svg.push_str("</svg>");
    svg
}

/// A bar chart of amounts by label (months), in order.
pub fn bars(
    id: &str,
    title: &str,
    desc: &str,
    points: &[(String, Decimal)],
    money: impl Fn(Decimal) -> String,
) -> String {
    let bar = 48i64;
    let gap = 16i64;
    let chart_h = 180i64;
    let top = 24i64;
    let n = points.len() as i64;
    let width = (bar + gap) * n.max(1) + gap;
    let height = top + chart_h + 40;
    let max = points.iter().map(|p| p.1).max().unwrap_or(Decimal::ZERO);
    let mut svg = format!(
        "<svg class=\"chart\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" xmlns=\"http://www.w3.org/2000/svg\">\
<title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>\
<line x1=\"0\" y1=\"{}\" x2=\"{width}\" y2=\"{}\" stroke=\"#9aa5b1\"/>",
        escape(title),
        escape(desc),
        top + chart_h,
        top + chart_h
    );
    for (i, (label, amount)) in points.iter().enumerate() {
        let h = share(*amount, max, chart_h);
        let x = gap + i as i64 * (bar + gap);
        let y = top + chart_h - h;
        svg.push_str(&format!(
            "<rect x=\"{x}\" y=\"{y}\" width=\"{bar}\" height=\"{h}\" rx=\"3\" fill=\"#0b5d50\"/>\
<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" class=\"axis\">{}</text>\
<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" class=\"value\">{}</text>",
            x + bar / 2,
            top + chart_h + 18,
            escape(label),
            x + bar / 2,
            (y - 6).max(12),
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
    }
}
