//! Markdown to HTML for the report shown in the page, with any raw HTML in the Markdown shown as text:
//! names from the user's files never become markup.

use pulldown_cmark::{html, Event, Options, Parser};

pub fn to_html(markdown: &str) -> String {
    let events = Parser::new_ext(markdown, Options::ENABLE_TABLES).map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        other => other,
    });
    let mut out = String::new();
    html::push_html(&mut out, events);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_html_is_text() {
        let out =
            to_html("# Title\n\n<img src=x onerror=alert(1)>\n\ninline <b>bold</b> and <script>alert(1)</script>\n");
        assert!(!out.contains("<img") && !out.contains("<b>") && !out.contains("<script"), "{out}");
        assert!(out.contains("&lt;img src=x onerror=alert(1)&gt;"), "{out}");
        assert!(out.contains("<h1>Title</h1>"));
    }

    #[test]
    fn tables_render() {
        let out = to_html("| a | b |\n|---|--:|\n| 1 | 2 |\n");
        assert!(out.contains("<table>") && out.contains("<td style=\"text-align: right\">2</td>"), "{out}");
    }

    #[test]
    fn the_report_of_a_hostile_folder_name_has_no_markup() {
        let md = format!("| {} |\n|---|\n| x |\n", serving_compare::text::markdown("<img src=x onerror=alert(1)>"));
        let out = to_html(&md);
        assert!(!out.contains("<img"), "{out}");
    }
}
