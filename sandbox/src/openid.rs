//! Where OpenID providers differ from one another, the sandbox's OpenID provider (Google) can
//! be set to behave like any of them: whether it sends `iss` with its authorization responses
//! (RFC 9207), how its token and revocation endpoints want the client to authenticate
//! (RFC 8414 `*_auth_methods_supported`), and, to play a misconfigured or hostile provider,
//! fields of its discovery document, ID tokens and userinfo answers replaced.

use serde_json::{Map, Value};

/// How a client authenticates at a token or revocation endpoint (RFC 6749 §2.3.1), by its
/// RFC 8414 name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientAuth {
    /// `client_secret_basic`: HTTP Basic with the form-encoded id and secret.
    Basic,
    /// `client_secret_post`: `client_id` and `client_secret` in the form body.
    Post,
}

impl ClientAuth {
    /// The RFC 8414 name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Basic => "client_secret_basic",
            Self::Post => "client_secret_post",
        }
    }
}

/// How the OpenID provider behaves. The default is Google's: no `iss` in authorization
/// responses, both client authentications at the token endpoint, a revocation endpoint that
/// asks for none (<https://developers.google.com/identity/protocols/oauth2/web-server#tokenrevoke>).
#[derive(Debug, Clone)]
pub struct OpenIdOptions {
    /// Discovery says `authorization_response_iss_parameter_supported: true`, and every
    /// authorization response (code or error) carries `iss`.
    pub sends_iss: bool,
    /// `token_endpoint_auth_methods_supported`, and what the token endpoint accepts; `None`
    /// leaves the field out of discovery (RFC 8414: then `client_secret_basic`) and accepts
    /// only Basic, as such a provider would.
    pub token_auth: Option<Vec<ClientAuth>>,
    /// Revocation demands client authentication by one of these (RFC 7009 §2.1), listed as
    /// `revocation_endpoint_auth_methods_supported`; `None`: none demanded (Google).
    pub revocation_auth: Option<Vec<ClientAuth>>,
}

impl Default for OpenIdOptions {
    fn default() -> Self {
        Self {
            sends_iss: false,
            token_auth: Some(vec![ClientAuth::Post, ClientAuth::Basic]),
            revocation_auth: None,
        }
    }
}

impl OpenIdOptions {
    /// The methods the token endpoint accepts.
    pub(crate) fn token_methods(&self) -> Vec<ClientAuth> {
        self.token_auth
            .clone()
            .unwrap_or_else(|| vec![ClientAuth::Basic])
    }
}

/// Fields replaced in what the provider sends; a `null` removes the field.
#[derive(Debug, Clone, Default)]
pub(crate) struct Overrides {
    /// The discovery document.
    pub discovery: Map<String, Value>,
    /// The ID token's claims.
    pub id_token: Map<String, Value>,
    /// The userinfo answer.
    pub userinfo: Map<String, Value>,
}

/// `document` with `overrides` applied.
pub(crate) fn apply(document: &mut Map<String, Value>, overrides: &Map<String, Value>) {
    for (name, value) in overrides {
        if value.is_null() {
            document.remove(name);
        } else {
            document.insert(name.clone(), value.clone());
        }
    }
}

/// The names of `methods`, for a discovery document.
pub(crate) fn names(methods: &[ClientAuth]) -> Value {
    Value::from(methods.iter().map(|m| m.as_str()).collect::<Vec<_>>())
}
