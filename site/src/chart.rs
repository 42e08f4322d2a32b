//! A chart on a canvas: drawn by a core panel function whenever what it reads changes or the window is
//! resized, with a tooltip giving the exact value of the nearest point under the pointer.

use crate::browser;
use crate::hidpi::HiDpi;
use leptos::html::Canvas;
use leptos::prelude::*;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use serving_compare::charts::{nearest_hit, Hit, FONT};

pub type Area = DrawingArea<HiDpi<CanvasBackend>, Shift>;

/// Bumped when the window is resized, so that charts redraw at their new width.
#[derive(Clone, Copy)]
pub struct Resize(pub RwSignal<u32>);

#[component]
pub fn Chart(
    /// Names the chart for assistive technology and tests.
    name: &'static str,
    #[prop(default = 360)] height: u32,
    draw: impl Fn(&Area) -> Result<Vec<Hit>, String> + 'static,
) -> impl IntoView {
    let canvas = NodeRef::<Canvas>::new();
    let hits = StoredValue::new(Vec::<Hit>::new());
    let tooltip = RwSignal::new(None::<(i32, i32, String)>);
    let resize = use_context::<Resize>().map(|r| r.0);
    Effect::new(move |_| {
        if let Some(resize) = resize {
            resize.track();
        }
        let Some(canvas) = canvas.get() else { return };
        let width = canvas.parent_element().map_or(800, |p| p.client_width()).max(280) as u32;
        // A backing pixel per device pixel, laid out in CSS pixels: sharp on high-density screens.
        let scale = browser::device_pixel_ratio();
        canvas.set_width((width as f64 * scale).round() as u32);
        canvas.set_height((height as f64 * scale).round() as u32);
        let _ = canvas.set_attribute("style", &format!("width:{width}px;height:{height}px"));
        let Some(inner) = CanvasBackend::with_canvas_object(canvas) else { return };
        let area = HiDpi { inner, scale }.into_drawing_area();
        let _ = area.fill(&WHITE);
        match draw(&area) {
            Ok(drawn) => hits.set_value(drawn),
            Err(message) => {
                hits.set_value(Vec::new());
                let _ = area.draw(&Text::new(message, (10, 20), (FONT, 14)));
            }
        }
        let _ = area.present();
        tooltip.set(None);
        browser::mark_first_chart();
    });
    let on_move = move |event: web_sys::MouseEvent| {
        let (x, y) = (event.offset_x(), event.offset_y());
        let hit = hits.with_value(|hits| nearest_hit(hits, x, y, 24).map(|h| (h.x, h.y, h.text.clone())));
        tooltip.set(hit);
    };
    view! {
        <figure class="chart" data-chart=name>
            <canvas node_ref=canvas aria-label=name on:mousemove=on_move on:mouseleave=move |_| tooltip.set(None)></canvas>
            {move || {
                tooltip
                    .get()
                    .map(|(x, y, text)| {
                        view! {
                            <div class="tooltip" role="tooltip" style=format!("left:{}px;top:{}px", x + 14, y + 10)>
                                {text}
                            </div>
                        }
                    })
            }}
        </figure>
    }
}
