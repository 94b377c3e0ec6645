use leptos::html::Section;
use leptos::prelude::*;

/// Marks `node` with `data-hydrated="true"` once its component is live in the browser. Parts
/// of a page under `Suspense` become interactive after the page itself; tests (and styles) can
/// wait for this instead of guessing.
pub fn mark_hydrated(node: NodeRef<Section>) {
    Effect::new(move |_| {
        if let Some(el) = node.get() {
            let _ = el.set_attribute("data-hydrated", "true");
        }
    });
}
