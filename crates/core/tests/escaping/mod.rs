//! What escaped text must satisfy in each medium, shared by the property tests (tests/hostile.rs) and
//! the escaping fuzz target (fuzz/fuzz_targets/escaping.rs), which includes this file by path.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use serving_compare::text;

/// What a terminal acts on rather than shows (as `text::is_hidden` has it).
pub fn acts(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// XML 1.0's `Char` production.
pub fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | ' '..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
}

/// The text `document` renders inside its `container`s (list items or table cells), and how many there
/// are; `Err` for anything else rendered inside them (markup, HTML, a break).
fn rendered(document: &str, container: Tag) -> Result<(String, usize), String> {
    let mut options = pulldown_cmark::Options::empty();
    options.insert(pulldown_cmark::Options::ENABLE_TABLES | pulldown_cmark::Options::ENABLE_STRIKETHROUGH);
    let (mut inside, mut containers, mut seen) = (0, 0, String::new());
    for event in Parser::new_ext(document, options) {
        match event {
            Event::Start(tag) if tag == container => {
                containers += 1;
                inside += 1;
            }
            Event::End(TagEnd::Item | TagEnd::TableCell) => inside -= 1,
            Event::Text(t) if inside > 0 => seen.push_str(&t),
            Event::Start(Tag::List(_) | Tag::Table(_) | Tag::TableHead | Tag::TableRow | Tag::Paragraph)
            | Event::End(_) => {}
            other if inside > 0 => return Err(format!("{other:?}")),
            _ => {}
        }
    }
    Ok((seen, containers))
}

/// `name` escaped for Markdown holds nothing that acts or makes markup, and renders as the text it is
/// (as the terminal shows it) both as a list item and as a table cell; `Err` says how it does not.
pub fn markdown_renders_as_text(name: &str) -> Result<(), String> {
    let escaped = text::markdown(name);
    if escaped.chars().any(|c| acts(c) || matches!(c, '<' | '>' | '|')) {
        return Err(format!("{name:?} is escaped as {escaped:?}"));
    }
    let expected = text::terminal(name);
    let (item, items) = rendered(&format!("- {escaped}\n"), Tag::Item)
        .map_err(|other| format!("{name:?} renders {other} as a list item from {escaped:?}"))?;
    if items != 1 || item != expected {
        return Err(format!("{name:?} renders as {items} list items {item:?} from {escaped:?}"));
    }
    let (cells, count) = rendered(&format!("| h |\n|---|\n| {escaped} |\n"), Tag::TableCell)
        .map_err(|other| format!("{name:?} renders {other} in a table cell from {escaped:?}"))?;
    // The header's cell, then the name's.
    if count != 2 || cells.strip_prefix('h').unwrap_or(&cells) != expected {
        return Err(format!("{name:?} renders as {count} table cells {cells:?} from {escaped:?}"));
    }
    Ok(())
}
