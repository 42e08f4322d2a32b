//! Arbitrary text through the escaping of each medium (`text::terminal`, `text::markdown`, `text::xml`,
//! `text::shown`), and as a deployment's label through a chart legend drawn as SVG, as gen-site writes
//! it: nothing that acts on a terminal, Markdown that renders as the text it is (as a list item and as a
//! table cell), valid XML characters only, bounded quotes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use plotters::prelude::*;
use serving_compare::analysis::{group_runs, Analysis, Grouping, Run};
use serving_compare::charts::{legend, ChartView};
use serving_compare::formats::{assemble, read};
use serving_compare::inference::StatsConfig;
use serving_compare::text;
use std::sync::OnceLock;

#[path = "../../crates/core/tests/escaping/mod.rs"]
mod escaping;

use escaping::{acts, xml_char};

fn register_font() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let font = include_bytes!("../../crates/gen-site/assets/DejaVuSans.ttf");
        for style in [FontStyle::Normal, FontStyle::Bold] {
            plotters::style::register_font("sans-serif", style, font).unwrap_or_else(|_| panic!("the font is valid"));
        }
    });
}

/// An analysis of one small run, whose deployment's label each input replaces.
fn template() -> &'static Analysis {
    static TEMPLATE: OnceLock<Analysis> = OnceLock::new();
    TEMPLATE.get_or_init(|| {
        let csv = "prompt_tokens,generation_tokens,ttft,generation_time,launch_time,finish_time\n\
                   10,20,0.5,1.0,1000,1002\n11,21,0.4,1.1,1001,1003\n";
        let mut warnings = Vec::new();
        let read = read("d/LMBench_s_1.csv", csv.as_bytes().to_vec());
        let sourced = assemble(vec![("d/LMBench_s_1.csv".to_string(), read.found)], &mut warnings);
        let groups = group_runs(sourced, &Grouping::default(), &mut warnings);
        let runs: Vec<Run> = groups.iter().map(Run::summarise).collect();
        Analysis::new(runs, warnings, "results", None, StatsConfig::default()).expect("an analysis")
    })
}

/// The texts of the `<text>` elements of an SVG, with its entities read.
fn svg_texts(svg: &str) -> Vec<String> {
    let mut texts = Vec::new();
    for element in svg.split("<text ").skip(1) {
        let (_, rest) = element.split_once('>').expect("a start tag's end");
        let (content, _) = rest.split_once("</text>").expect("an end tag");
        // plotters writes the text on a line of its own.
        let content = content.strip_prefix('\n').and_then(|c| c.strip_suffix('\n')).expect("a text's line");
        assert!(!content.contains('<'), "markup in a text: {content:?}");
        let mut text = String::new();
        let mut parts = content.split('&');
        text.push_str(parts.next().unwrap_or(""));
        for part in parts {
            let (entity, after) = part.split_once(';').expect("an entity's end");
            text.push(match entity {
                "lt" => '<',
                "gt" => '>',
                "amp" => '&',
                "quot" => '"',
                "apos" => '\'',
                other => panic!("an unknown entity &{other};"),
            });
            text.push_str(after);
        }
        texts.push(text);
    }
    texts
}

fn check_svg_label(name: &str) {
    register_font();
    let mut analysis = template().clone();
    analysis.deployments[0].label = name.to_string();
    let view = ChartView::for_figures(&analysis);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (800, 60)).into_drawing_area();
        legend(&root, &analysis, &view).expect("the legend is drawn");
    }
    // As gen-site writes it.
    let svg = text::xml(&svg);
    assert!(svg.chars().all(xml_char), "a character XML forbids in {svg:?}");
    let expected = text::xml(&format!("{} (baseline)", text::cut(name, 40))).into_owned();
    let texts = svg_texts(&svg);
    assert!(texts.contains(&expected), "{name:?}: {texts:?}, not {expected:?}");
}

fuzz_target!(|data: &[u8]| {
    let name = String::from_utf8_lossy(data);
    let name = name.as_ref();
    let count = name.chars().count();

    let terminal = text::terminal(name);
    assert!(!terminal.chars().any(acts), "{name:?}: {terminal:?}");
    if !name.chars().any(acts) {
        assert_eq!(terminal, name, "text with nothing to escape is kept");
    }

    let xml = text::xml(name);
    assert!(xml.chars().all(xml_char), "{name:?}: {xml:?}");
    if name.chars().all(xml_char) {
        assert_eq!(xml, name, "text with nothing to escape is kept");
    }

    let shown = text::shown(name);
    assert!(!shown.chars().any(acts), "{name:?}: {shown:?}");
    assert!(shown.chars().count() <= text::SHOWN_CHARS * 10 + 1, "{name:?}: {shown:?}");
    if count > text::SHOWN_CHARS {
        let kept: String = name.chars().take(text::SHOWN_CHARS).collect();
        assert_eq!(shown, format!("{}…", text::terminal(&kept)), "{name:?}");
    } else {
        assert_eq!(shown, terminal, "{name:?}");
    }

    // Long texts add nothing to the Markdown check but time.
    if data.len() <= 512 {
        escaping::markdown_renders_as_text(name).unwrap_or_else(|wrong| panic!("{wrong}"));
        check_svg_label(name);
    }
});
