//! gen-site's viewer: a Leptos app that parses LMBench results in the browser with the same core crate
//! as the CLI, and draws the comparison charts on canvases. Its pure parts (URL state, loading, table
//! model) are tested natively.

mod app;
mod browser;
mod chart;
mod hidpi;
pub mod loader;
pub mod state;
pub mod table;

/// Mounts the viewer into the page's body; runs when the WebAssembly module is instantiated.
#[wasm_bindgen::prelude::wasm_bindgen(start)]
pub fn start() {
    std::panic::set_hook(Box::new(|info| web_sys_console_error(&info.to_string())));
    leptos::mount::mount_to_body(app::App);
}

fn web_sys_console_error(message: &str) {
    leptos::logging::error!("{message}");
}
