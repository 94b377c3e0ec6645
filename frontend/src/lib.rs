//! The browser half: hydrates the server-rendered page.

/// Entry point called by the generated JavaScript once the WASM module is loaded.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Sign-in and sign-out change who is signed in everywhere on the page: follow a server
    // function's redirect with a full page load rather than a client-side navigation. This
    // must be set before the router sets its own hook (the first one set wins).
    let _ = leptos::server_fn::redirect::set_redirect_hook(|location: &str| {
        let _ = leptos::prelude::window().location().set_href(location);
    });
    leptos::mount::hydrate_body(app::App);
}
