//! A person's picture, or their initials when there is none.

use leptos::prelude::*;

/// A round picture over the initials of `name`: when the picture is missing or does not load,
/// the initials show. It is decorative (`alt=""`, initials `aria-hidden`): the name is written
/// next to it wherever it appears. A picture that fails is also hidden by the browser code, so
/// no broken-image icon remains; without JavaScript the empty `alt` already keeps it invisible.
/// The markup depends only on the props, so the server and the browser render the same.
#[component]
pub fn Avatar(
    /// Our `/avatars/{hash}`, or a picture the user chose; `None` shows initials.
    src: Option<String>,
    /// Whose picture: the initials come from it.
    #[prop(into)]
    name: String,
    /// Classes of the picture's frame.
    #[prop(default = "avatar")]
    class: &'static str,
) -> impl IntoView {
    let failed = RwSignal::new(false);
    view! {
        <span class=format!("{class} avatar-frame")>
            <span class="avatar-initials" aria-hidden="true">{initials(&name)}</span>
            {src.map(|src| view! {
                <img class="avatar-picture" src=src alt="" referrerpolicy="no-referrer"
                    hidden=move || failed.get() on:error=move |_| failed.set(true)/>
            })}
        </span>
    }
}

/// One or two letters for a name: the first letters of its first two words, upper case.
pub fn initials(name: &str) -> String {
    name.split_whitespace()
        .take(2)
        .filter_map(|w| w.chars().next())
        .flat_map(char::to_uppercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::initials;

    #[test]
    fn initials_take_the_first_two_words() {
        assert_eq!(initials("Ada Lovelace"), "AL");
        assert_eq!(initials("grace brewster murray hopper"), "GB");
        assert_eq!(initials("@alan_turing"), "@");
        assert_eq!(initials("élodie"), "É");
        assert_eq!(initials("  "), "");
    }
}
