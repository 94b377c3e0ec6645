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
    // Async hydration: Admin › Social apps is a lazily loaded route (app::pages), hydrated once
    // its chunks are in. `<body data-hydrated="true">` says the whole page is live, a lazily
    // loaded part too (an effect in `App` would run before that part): tests wait for it. Until
    // then, the forms are plain HTML forms that work without JavaScript.
    wasm_bindgen_futures::spawn_local(async {
        let body = leptos::prelude::document().body();
        let Some(body) = body else { return };
        leptos::mount::hydrate_from_async(body.clone(), app::App)
            .await
            .forget();
        let _ = body.set_attribute("data-hydrated", "true");
    });
}
