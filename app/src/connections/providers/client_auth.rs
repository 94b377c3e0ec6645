//! How the app proves who it is at a provider's token and revocation endpoints (RFC 6749
//! §2.3.1): HTTP Basic or the form body, as the provider asks.

use reqwest::RequestBuilder;

use super::ProviderConfig;
use super::http::form_encode;

/// A client authentication method, by its RFC 8414 name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientAuth {
    /// `client_secret_basic`: the form-encoded id and secret as HTTP Basic credentials.
    Basic,
    /// `client_secret_post`: `client_id` and `client_secret` as form fields.
    Post,
}

impl ClientAuth {
    /// The method for an endpoint whose metadata lists `supported`: Basic when listed, as
    /// every authorization server must support it (RFC 6749 §2.3.1) and it keeps the secret
    /// out of bodies that get logged; else Post; `None` when neither is listed (a provider
    /// that wants `private_key_jwt` only). An absent list means `client_secret_basic`
    /// (RFC 8414 §2).
    pub fn from_metadata(supported: Option<&[String]>) -> Option<Self> {
        let Some(supported) = supported else {
            return Some(Self::Basic);
        };
        let listed = |name: &str| supported.iter().any(|s| s == name);
        if listed("client_secret_basic") {
            Some(Self::Basic)
        } else if listed("client_secret_post") {
            Some(Self::Post)
        } else {
            None
        }
    }

    /// `req` carrying this method's credentials of `cfg`'s client: the request (with its
    /// `Authorization` header for Basic) and the form fields to add to the body (for Post).
    pub fn apply(
        self,
        req: RequestBuilder,
        cfg: &ProviderConfig,
    ) -> (RequestBuilder, Vec<(&'static str, &str)>) {
        match self {
            // RFC 6749 §2.3.1: id and secret are form-encoded before Basic joins them with
            // `:`, so a secret holding `:`, `%`, `+`, `&` or spaces arrives intact.
            Self::Basic => (
                req.basic_auth(
                    form_encode(&cfg.client_id),
                    Some(form_encode(cfg.client_secret.expose())),
                ),
                Vec::new(),
            ),
            Self::Post => (
                req,
                vec![
                    ("client_id", cfg.client_id.as_str()),
                    ("client_secret", cfg.client_secret.expose()),
                ],
            ),
        }
    }

    /// `req` posting `form` with this method's credentials.
    pub fn send_form(
        self,
        req: RequestBuilder,
        cfg: &ProviderConfig,
        form: &[(&str, &str)],
    ) -> RequestBuilder {
        let (req, client) = self.apply(req, cfg);
        let mut body = form.to_vec();
        body.extend(client);
        req.form(&body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn the_method_follows_the_metadata() {
        assert_eq!(ClientAuth::from_metadata(None), Some(ClientAuth::Basic));
        let both = names(&["client_secret_post", "client_secret_basic"]);
        assert_eq!(
            ClientAuth::from_metadata(Some(&both)),
            Some(ClientAuth::Basic)
        );
        let post = names(&["client_secret_post"]);
        assert_eq!(
            ClientAuth::from_metadata(Some(&post)),
            Some(ClientAuth::Post)
        );
        let jwt = names(&["private_key_jwt"]);
        assert_eq!(ClientAuth::from_metadata(Some(&jwt)), None);
    }
}
