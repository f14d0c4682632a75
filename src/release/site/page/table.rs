//! The events table of the page: every row rendered, so that the page reads without
//! JavaScript, with the header the script sorts by. Release format 3 shows the rendered rows;
//! from format 4 they are inside `<noscript>` and the script lays out the rows it shows; from
//! format 5 the rendered rows end with their quotes from the source.

use super::evidence::{self, Quotes};
use super::{column_title, esc, shown_value, term_labels, Layout};
use crate::schema::metadata::ReleaseFormat;
use crate::schema::{Kind, Schema};
use std::collections::BTreeMap;
use std::fmt::Write;

/// The events table. Up to release format 3 every row is a row of the table, which the script
/// hides and shows. From format 4 the whole table is inside `<noscript>` (the parser keeps it as
/// text when scripts run), and the script lays out the rows it shows, from the data, in an
/// empty table whose header names the columns.
pub(super) fn table(
    schema: &Schema,
    rows: &[Vec<String>],
    layout: &Layout,
    format: ReleaseFormat,
    quotes: Option<&Quotes>,
) -> String {
    let mut s = String::with_capacity(rows.len() * 400);
    let _ = writeln!(
        s,
        "<p id=\"count\" aria-live=\"polite\">{0} of {0} rows</p>",
        rows.len()
    );
    let more = "<p><button type=\"button\" id=\"more\" hidden>Show more rows</button></p>\n";
    if !format.has_lazy_page() {
        s.push_str("<div class=\"scroll\"><table id=\"events-table\"><caption>Every row of the table (follow an id for the full record)</caption>");
        head(&mut s, schema, layout, Head::Format3, false);
        body(&mut s, schema, rows, layout, None);
        s.push_str("</table></div>\n");
        s.push_str(more);
        return s;
    }
    // From release format 6 the columns and values are in the schema's words, and each box
    // that scrolls sideways can be scrolled from the keyboard.
    let words = format.has_page_for_everyone();
    let region = |label: &str| {
        if words {
            format!(" tabindex=\"0\" role=\"region\" aria-label=\"{label}\"")
        } else {
            String::new()
        }
    };
    let _ = write!(s, "<div class=\"scroll\" id=\"events-box\"{} hidden><table id=\"events-table\"><caption>The rows that match the filters (follow an id for the full record)</caption>", region("The events"));
    head(&mut s, schema, layout, Head::Script, words);
    s.push_str("<tbody></tbody></table></div>\n");
    s.push_str(more);
    let _ = write!(s, "<noscript><div class=\"scroll\"{}><table id=\"events-table-all\"><caption>Every row of the table</caption>", region("Every event"));
    head(&mut s, schema, layout, Head::Plain, words);
    if quotes.is_some() {
        // The last column, the row's quotes (release format 5 on).
        let at = s.len() - "</tr></thead>\n".len();
        s.insert_str(at, "<th scope=\"col\">quotes from the source</th>");
    }
    if words {
        lean_body(&mut s, schema, rows, layout, quotes);
    } else {
        body(&mut s, schema, rows, layout, quotes);
    }
    s.push_str("</table></div></noscript>\n");
    s
}

/// Which header a table gets.
#[derive(Clone, Copy)]
enum Head {
    /// Sort buttons on the sortable columns (release format 3).
    Format3,
    /// Sort buttons, and every column named with its index and its cells' class for the script.
    Script,
    /// Names only (the table read without JavaScript).
    Plain,
}

/// The class of a column's cells: numbers align right, free text gets room.
fn cell_class(schema: &Schema, layout: &Layout, i: usize) -> &'static str {
    match schema.columns[i].kind {
        Kind::Integer | Kind::Number => "num",
        _ if layout.search.contains(&i) => "text",
        _ => "",
    }
}

/// The header; in `words` (release format 6 on) each column named by its title.
fn head(s: &mut String, schema: &Schema, layout: &Layout, kind: Head, words: bool) {
    s.push_str("<thead><tr>");
    for &i in &layout.shown {
        let c = &schema.columns[i];
        let label = if words {
            column_title(schema, i)
        } else {
            c.name.clone()
        };
        let tip = c
            .description
            .as_deref()
            .map(|d| format!(" title=\"{}\"", esc(d)))
            .unwrap_or_default();
        let sortable = layout.sort.contains(&i) || i == layout.key;
        let numeric = matches!(c.kind, Kind::Integer | Kind::Number);
        match kind {
            Head::Format3 if sortable => {
                let _ = write!(
                    s,
                    "<th scope=\"col\"{tip} data-col=\"{i}\" data-name=\"{0}\" data-numeric=\"{numeric}\"><button type=\"button\" class=\"sort\">{0}</button></th>",
                    esc(&c.name)
                );
            }
            Head::Script => {
                let class = cell_class(schema, layout, i);
                let label = if sortable {
                    format!(
                        "<button type=\"button\" class=\"sort\">{}</button>",
                        esc(&label)
                    )
                } else {
                    esc(&label)
                };
                let _ = write!(
                    s,
                    "<th scope=\"col\"{tip} data-col=\"{i}\" data-name=\"{}\" data-numeric=\"{numeric}\" data-class=\"{class}\">{label}</th>",
                    esc(&c.name)
                );
            }
            Head::Format3 | Head::Plain => {
                let _ = write!(s, "<th scope=\"col\"{tip}>{}</th>", esc(&label));
            }
        }
    }
    s.push_str("</tr></thead>\n");
}

/// The rows, each with its quotes in a last cell when `quotes` is given.
fn body(
    s: &mut String,
    schema: &Schema,
    rows: &[Vec<String>],
    layout: &Layout,
    quotes: Option<&Quotes>,
) {
    s.push_str("<tbody>\n");
    for (n, r) in rows.iter().enumerate() {
        let key = r.get(layout.key).map(String::as_str).unwrap_or("");
        let _ = write!(s, "<tr id=\"{0}\" data-i=\"{n}\">", esc(key));
        for &i in &layout.shown {
            let v = r.get(i).map(String::as_str).unwrap_or("");
            if i == layout.key {
                let _ = write!(s, "<th scope=\"row\"><a href=\"#{0}\">{0}</a></th>", esc(v));
            } else {
                let class = match cell_class(schema, layout, i) {
                    "" => String::new(),
                    c => format!(" class=\"{c}\""),
                };
                let _ = write!(s, "<td{class}>{}</td>", shown_value(schema, i, v));
            }
        }
        if let Some(q) = quotes {
            s.push_str(&evidence::cell(q.get(key)));
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</tbody>");
}

/// The rows as release format 6 writes them for readers without JavaScript: each value in
/// words, and no more markup than HTML needs (no end tags of cells and rows, no trailing empty
/// cells, the cells' alignment from one rule by column), so that a page of 10,000 events stays
/// small.
fn lean_body(
    s: &mut String,
    schema: &Schema,
    rows: &[Vec<String>],
    layout: &Layout,
    quotes: Option<&Quotes>,
) {
    // The cells' look by column: numbers align right, free text gets room.
    let (mut num, mut text) = (Vec::new(), Vec::new());
    for (n, &i) in layout.shown.iter().enumerate() {
        let selector = format!("#events-table-all td:nth-child({})", n + 1);
        match cell_class(schema, layout, i) {
            "num" => num.push(selector),
            "text" => text.push(selector),
            _ => {}
        }
    }
    s.push_str("<style>");
    for (selectors, rule) in [(num, "text-align:right"), (text, "min-width:16rem")] {
        if !selectors.is_empty() {
            let _ = write!(s, "{}{{{rule}}}", selectors.join(","));
        }
    }
    s.push_str("</style>");
    let labels: Vec<BTreeMap<String, String>> = layout
        .shown
        .iter()
        .map(|&i| term_labels(&schema.columns[i]))
        .collect();
    s.push_str("<tbody>\n");
    let mut cells: Vec<String> = Vec::with_capacity(layout.shown.len() + 1);
    for r in rows {
        let key = r.get(layout.key).map(String::as_str).unwrap_or("");
        let _ = write!(
            s,
            "<tr id=\"{0}\"><th scope=row><a href=\"#{0}\">{0}</a>",
            esc(key)
        );
        cells.clear();
        for (&i, labels) in layout.shown.iter().zip(&labels) {
            if i == layout.key {
                continue;
            }
            let v = r.get(i).map(String::as_str).unwrap_or("");
            cells.push(labels.get(v).map_or_else(|| esc(v), |t| esc(t)));
        }
        if let Some(q) = quotes.and_then(|q| q.get(key)).filter(|l| !l.is_empty()) {
            cells.push(
                evidence::cell(Some(q))
                    .trim_start_matches("<td class=\"text\">")
                    .to_string(),
            );
        }
        while cells.last().is_some_and(String::is_empty) {
            cells.pop();
        }
        for c in &cells {
            s.push_str("<td>");
            s.push_str(c);
        }
        s.push('\n');
    }
    s.push_str("</tbody>");
}
