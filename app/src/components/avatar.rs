//! A person's picture, or their initials when there is none.

use leptos::prelude::*;

/// A round picture; without one, the initials of `name`. The initials are `aria-hidden`: the
/// name is written next to them on every card. The markup depends only on the props, so the
/// server and the browser render the same.
#[component]
pub fn Avatar(
    /// Our `/avatars/{hash}`, or a picture the user chose; `None` shows initials.
    src: Option<String>,
    /// Whose picture: the initials come from it.
    #[prop(into)]
    name: String,
    /// The picture's text alternative.
    #[prop(into)]
    alt: String,
    /// Classes of the picture or the initials.
    #[prop(default = "avatar")]
    class: &'static str,
) -> impl IntoView {
    match src {
        Some(src) => {
            view! { <img class=class src=src alt=alt referrerpolicy="no-referrer"/> }.into_any()
        }
        None => view! {
            <span class=format!("{class} avatar-initials") aria-hidden="true">{initials(&name)}</span>
        }
        .into_any(),
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
