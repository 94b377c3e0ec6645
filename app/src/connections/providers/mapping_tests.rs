//! Each provider's JSON, as its documentation shows it, mapped to our profile and compared with a
//! reviewed snapshot in `snapshots/`. Each snapshot's header holds the JSON it was made from, so a
//! reviewer reads input and output side by side.

use super::{ProviderError, ProviderProfile};

/// What a mapping yields, in a shape a snapshot can hold.
#[derive(serde::Serialize)]
enum Mapped {
    /// The profile we store.
    Profile(ProviderProfile),
    /// A refusal: its kind, as the callback reports it, and the words the logs get.
    Refused { kind: &'static str, message: String },
}

impl From<Result<ProviderProfile, ProviderError>> for Mapped {
    fn from(result: Result<ProviderProfile, ProviderError>) -> Self {
        match result {
            Ok(profile) => Self::Profile(profile),
            Err(err) => Self::Refused {
                kind: err.outcome().as_str(),
                message: err.to_string(),
            },
        }
    }
}

/// Maps `json` with `map` and compares the outcome with the snapshot called `name`. The input
/// goes into the snapshot's header: as `info` when it is JSON, as `description` when it is not.
fn check(name: &str, json: &str, map: fn(&[u8]) -> Result<ProviderProfile, ProviderError>) {
    let mut settings = insta::Settings::clone_current();
    settings.set_omit_expression(true);
    match serde_json::from_str::<serde_json::Value>(json) {
        Ok(input) => settings.set_info(&input),
        Err(_) => settings.set_description(json),
    }
    settings.bind(|| insta::assert_json_snapshot!(name, Mapped::from(map(json.as_bytes()))));
}

// Facebook: Graph API `GET /me?fields=id,name,first_name,last_name,email,picture.type(large),link`.
// <https://developers.facebook.com/docs/graph-api/reference/user/>

fn facebook(json: &[u8]) -> Result<ProviderProfile, ProviderError> {
    super::facebook::map_profile(json)
}

#[test]
fn facebook_typical_profile_maps_names_email_picture_and_link() {
    let json = r#"{
  "id": "10158000000000001",
  "name": "Ada Lovelace",
  "first_name": "Ada",
  "last_name": "Lovelace",
  "email": "ada@example.com",
  "picture": {
    "data": {
      "height": 200,
      "is_silhouette": false,
      "url": "https://platform-lookaside.fbsbx.com/platform/profilepic/?asid=10158000000000001&height=200&width=200",
      "width": 200
    }
  },
  "link": "https://www.facebook.com/app_scoped_user_id/10158000000000001/"
}"#;
    check("facebook_typical", json, facebook);
}

#[test]
fn facebook_minimal_profile_without_email_grant_keeps_id_and_name() {
    check(
        "facebook_minimal",
        r#"{"id": "10158000000000002", "name": "Grace Hopper"}"#,
        facebook,
    );
}

#[test]
fn facebook_silhouette_is_not_taken_as_a_picture() {
    let json = r#"{
  "id": "10158000000000003",
  "name": "Alan Turing",
  "picture": {
    "data": {
      "height": 200,
      "is_silhouette": true,
      "url": "https://static.xx.fbcdn.net/rsrc.php/v1/yi/r/odA9sNLrE86.jpg",
      "width": 200
    }
  }
}"#;
    check("facebook_silhouette", json, facebook);
}

#[test]
fn facebook_blank_strings_are_dropped() {
    check(
        "facebook_blank_strings",
        r#"{"id": "10158000000000004", "name": "  ", "email": "", "link": " "}"#,
        facebook,
    );
}

#[test]
fn facebook_without_id_is_refused() {
    check("facebook_missing_id", r#"{"name": "No Id"}"#, facebook);
}

#[test]
fn facebook_graph_error_answer_is_refused() {
    let json = r#"{
  "error": {
    "message": "Invalid OAuth access token - Cannot parse access token",
    "type": "OAuthException",
    "code": 190,
    "fbtrace_id": "AbCdEfGhIjK"
  }
}"#;
    check("facebook_error_answer", json, facebook);
}

#[test]
fn facebook_malformed_json_is_refused() {
    check("facebook_malformed", "{not json", facebook);
}

// X: `GET /2/users/me?user.fields=profile_image_url,url`.
// <https://docs.x.com/x-api/users/user-lookup-me>

fn x(json: &[u8]) -> Result<ProviderProfile, ProviderError> {
    super::x::map_profile(json, "https://x.com")
}

#[test]
fn x_typical_profile_maps_handle_picture_and_link() {
    let json = r#"{
  "data": {
    "id": "2244994945",
    "name": "X Developers",
    "username": "XDevelopers",
    "profile_image_url": "https://pbs.twimg.com/profile_images/1683325380441128960/yRsRRjGO_normal.jpg",
    "url": "https://t.co/3ZX3TNiZCY"
  }
}"#;
    check("x_typical", json, x);
}

#[test]
fn x_minimal_profile_has_the_default_fields_only() {
    check(
        "x_minimal",
        r#"{"data": {"id": "2244994945", "name": "X Developers", "username": "XDevelopers"}}"#,
        x,
    );
}

#[test]
fn x_without_id_is_refused() {
    check(
        "x_missing_id",
        r#"{"data": {"name": "X Developers", "username": "XDevelopers"}}"#,
        x,
    );
}

#[test]
fn x_error_answer_without_data_is_refused() {
    let json = r#"{
  "errors": [
    {"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"}
  ]
}"#;
    check("x_error_answer", json, x);
}

#[test]
fn x_malformed_json_is_refused() {
    check("x_malformed", r#"{"data": "#, x);
}

// Instagram API with Instagram Login: `GET graph.instagram.com/{version}/me
// ?fields=user_id,username,name,profile_picture_url`.
// <https://developers.facebook.com/docs/instagram-platform/instagram-api-with-instagram-login/get-started>

fn instagram(json: &[u8]) -> Result<ProviderProfile, ProviderError> {
    super::instagram::map_profile(json, "https://www.instagram.com")
}

#[test]
fn instagram_typical_profile_prefers_user_id_over_app_scoped_id() {
    let json = r#"{
  "user_id": "17841400000000001",
  "username": "ada_lovelace",
  "name": "Ada Lovelace",
  "profile_picture_url": "https://scontent.cdninstagram.com/v/t51.2885-19/ada_lovelace.jpg",
  "id": "27000000000000001"
}"#;
    check("instagram_typical", json, instagram);
}

#[test]
fn instagram_minimal_profile_falls_back_to_id_and_username() {
    check(
        "instagram_minimal",
        r#"{"id": "27000000000000003", "username": "alan_turing"}"#,
        instagram,
    );
}

#[test]
fn instagram_numeric_ids_keep_every_digit() {
    // Above 2^53: a float would round the last digits.
    check(
        "instagram_numeric_ids",
        r#"{"user_id": 17841400000000002, "username": "grace_hopper", "id": 27000000000000002}"#,
        instagram,
    );
}

#[test]
fn instagram_without_id_is_refused() {
    check(
        "instagram_missing_id",
        r#"{"username": "nobody", "name": "No Id"}"#,
        instagram,
    );
}

#[test]
fn instagram_malformed_json_is_refused() {
    check("instagram_malformed", "<html>Bad gateway</html>", instagram);
}

// Google: the ID token's claims, and the userinfo answer that completes them (same names).
// <https://developers.google.com/identity/openid-connect/openid-connect#an-id-tokens-payload>

/// The userinfo path: its JSON parsed as `Claims`, then mapped.
fn google(json: &[u8]) -> Result<ProviderProfile, ProviderError> {
    super::http::parse_json::<super::google::Claims>(json).and_then(super::google::map_claims)
}

#[test]
fn google_typical_claims_map_names_email_and_picture_without_profile_link() {
    let json = r#"{
  "iss": "https://accounts.google.com",
  "azp": "1234987819200.apps.googleusercontent.com",
  "aud": "1234987819200.apps.googleusercontent.com",
  "sub": "110169484474386276334",
  "email": "ada@gmail.com",
  "email_verified": true,
  "at_hash": "HK6E_P6Dh8Y93mRNtsDB1Q",
  "nonce": "0394852-3190485-2490358",
  "name": "Ada Lovelace",
  "given_name": "Ada",
  "family_name": "Lovelace",
  "picture": "https://lh3.googleusercontent.com/a/ACg8ocKada",
  "iat": 1764460800,
  "exp": 1764464400
}"#;
    check("google_typical", json, google);
}

#[test]
fn google_openid_scope_only_yields_the_subject() {
    let json = r#"{
  "iss": "https://accounts.google.com",
  "aud": "1234987819200.apps.googleusercontent.com",
  "sub": "110169484474386276335",
  "iat": 1764460800,
  "exp": 1764464400
}"#;
    check("google_minimal", json, google);
}

#[test]
fn google_without_subject_is_refused() {
    check(
        "google_missing_sub",
        r#"{"name": "No Subject", "email": "nosub@gmail.com"}"#,
        google,
    );
}

#[test]
fn google_malformed_json_is_refused() {
    check(
        "google_malformed",
        r#"{"sub": "110169484474386276334", "name": "#,
        google,
    );
}
