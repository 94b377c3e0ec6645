//! Each provider's JSON, as its documentation shows it, mapped to our profile.

use super::ProviderProfile;

fn profile(id: &str) -> ProviderProfile {
    ProviderProfile {
        id: id.into(),
        ..Default::default()
    }
}

#[test]
fn facebook_me_maps_names_picture_and_link() {
    let json = br#"{"id":"10158000000000001","name":"Ada Lovelace","first_name":"Ada","last_name":"Lovelace",
        "email":"ada@example.com","picture":{"data":{"height":200,"is_silhouette":false,"url":"https://cdn.example/ada.jpg","width":200}},
        "link":"https://www.facebook.com/app_scoped_user_id/10158000000000001/"}"#;
    let expected = ProviderProfile {
        display_name: Some("Ada Lovelace".into()),
        first_name: Some("Ada".into()),
        last_name: Some("Lovelace".into()),
        email: Some("ada@example.com".into()),
        avatar_url: Some("https://cdn.example/ada.jpg".into()),
        profile_url: Some("https://www.facebook.com/app_scoped_user_id/10158000000000001/".into()),
        ..profile("10158000000000001")
    };
    assert_eq!(super::facebook::map_profile(json).unwrap(), expected);
}

#[test]
fn facebook_silhouette_is_not_a_picture_and_id_is_required() {
    let json = br#"{"id":"1","name":"A","picture":{"data":{"is_silhouette":true,"url":"https://cdn.example/default.jpg"}}}"#;
    assert_eq!(super::facebook::map_profile(json).unwrap().avatar_url, None);
    assert!(super::facebook::map_profile(br#"{"name":"No Id"}"#).is_err());
    assert!(super::facebook::map_profile(b"{not json").is_err());
}

#[test]
fn x_users_me_maps_handle_and_link() {
    let json = br#"{"data":{"id":"2244994945","name":"X Developers","username":"XDevelopers",
        "profile_image_url":"https://pbs.twimg.com/profile_images/1/x_normal.jpg","url":"https://t.co/abc"}}"#;
    let expected = ProviderProfile {
        username: Some("XDevelopers".into()),
        display_name: Some("X Developers".into()),
        avatar_url: Some("https://pbs.twimg.com/profile_images/1/x_normal.jpg".into()),
        profile_url: Some("https://x.com/XDevelopers".into()),
        ..profile("2244994945")
    };
    assert_eq!(
        super::x::map_profile(json, "https://x.com").unwrap(),
        expected
    );
    assert!(
        super::x::map_profile(br#"{"errors":[{"title":"Unauthorized"}]}"#, "https://x.com")
            .is_err()
    );
}

#[test]
fn instagram_me_maps_username_and_numeric_ids() {
    let json = br#"{"user_id":"17841400000000001","username":"ada_lovelace","name":"Ada Lovelace",
        "profile_picture_url":"https://scontent.cdninstagram.com/ada.jpg","id":"27000000000000001"}"#;
    let expected = ProviderProfile {
        username: Some("ada_lovelace".into()),
        display_name: Some("Ada Lovelace".into()),
        avatar_url: Some("https://scontent.cdninstagram.com/ada.jpg".into()),
        profile_url: Some("https://www.instagram.com/ada_lovelace".into()),
        ..profile("17841400000000001")
    };
    assert_eq!(
        super::instagram::map_profile(json, "https://www.instagram.com").unwrap(),
        expected
    );
    let numeric = br#"{"user_id":17841400000000002,"username":"grace"}"#;
    let mapped = super::instagram::map_profile(numeric, "https://www.instagram.com").unwrap();
    assert_eq!(
        (mapped.id.as_str(), mapped.display_name.as_deref()),
        ("17841400000000002", Some("grace"))
    );
}

#[test]
fn google_claims_map_names_and_picture_without_profile_link() {
    let claims: super::google::Claims = serde_json::from_str(
        r#"{"sub":"110169484474386276334","email":"ada@gmail.com","name":"Ada Lovelace","given_name":"Ada",
        "family_name":"Lovelace","picture":"https://lh3.googleusercontent.com/a/ada"}"#,
    )
    .unwrap();
    let expected = ProviderProfile {
        display_name: Some("Ada Lovelace".into()),
        first_name: Some("Ada".into()),
        last_name: Some("Lovelace".into()),
        email: Some("ada@gmail.com".into()),
        avatar_url: Some("https://lh3.googleusercontent.com/a/ada".into()),
        ..profile("110169484474386276334")
    };
    assert_eq!(super::google::map_claims(claims).unwrap(), expected);
    let no_sub: super::google::Claims = serde_json::from_str(r#"{"name":"x"}"#).unwrap();
    assert!(super::google::map_claims(no_sub).is_err());
}
