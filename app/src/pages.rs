//! Pages loaded lazily: `cargo leptos … --split` moves such a page's own code (its views, its
//! forms, its server functions' decoders) out of the main WASM into chunks the browser fetches
//! when the page is shown (issue 10's bundle budget).
//!
//! Only Admin › Social apps is one: people who are not administrators never need it, so none of
//! them downloads it. Splitting every page was measured too (docs/BENCHMARKS.md): a first visit
//! to /signin fell from 448 to 326 KiB gzipped, but a visit of the usual pages in a row
//! downloaded more in all (each chunk is its own module, optimised apart from the rest), and
//! the server rendered the pages 10–17 % slower (each page's `<link rel="preload">` for each of
//! its chunks, about 20).
//!
//! Every build of the browser bundle must be split, debug ones too: the WASM imports the loader
//! (`__wasm_split…js`) that only `--split` writes, and does not start without it. The server
//! renders the page as usual and names its chunks in the HTML (`<link rel="preload">`) so that
//! hydration does not wait a round trip for them. The page creates its resources in its own
//! body, as before, so the server and the browser create them in the same order.

use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};

use crate::admin::SocialAppsPage;

/// /admin/social-apps
pub struct SocialApps;

#[lazy_route]
impl LazyRoute for SocialApps {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <SocialAppsPage/> }.into_any()
    }
}
