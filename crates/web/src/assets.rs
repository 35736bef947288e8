//! Static assets, carried by the binary. Their URLs carry a hash of the content, so they can be
//! cached for a year and a new build is never served a stale file.

use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, HeaderValue};
use axum::response::{IntoResponse, Response};

struct Asset {
    stem: &'static str,
    ext: &'static str,
    content_type: &'static str,
    body: &'static str,
}

const CSS: usize = 0;
const ICON: usize = 1;

const ASSETS: [Asset; 2] = [
    Asset {
        stem: "site",
        ext: "css",
        content_type: "text/css; charset=utf-8",
        body: include_str!("../assets/site.css"),
    },
    Asset {
        stem: "icon",
        ext: "svg",
        content_type: "image/svg+xml",
        body: include_str!("../assets/icon.svg"),
    },
];

/// FNV-1a, 64 bits: enough to tell builds apart.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |hash, b| {
        (hash ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// `/assets/site.<hash>.css` and the like, in the order of [`ASSETS`].
static HREFS: LazyLock<[String; 2]> = LazyLock::new(|| {
    ASSETS
        .each_ref()
        .map(|a| format!("/assets/{}.{:016x}.{}", a.stem, fnv1a(a.body.as_bytes()), a.ext))
});

/// Where pages link the stylesheet.
pub fn css_href() -> &'static str {
    &HREFS[CSS]
}

/// Where pages link the icon (so that browsers do not ask for `/favicon.ico`).
pub fn icon_href() -> &'static str {
    &HREFS[ICON]
}

/// Serves an asset by its hashed name; `None` for any other name.
pub fn asset(Path(file): Path<String>) -> Option<Response> {
    let i = HREFS.iter().position(|h| h.strip_prefix("/assets/") == Some(file.as_str()))?;
    let asset = &ASSETS[i];
    let mut response = asset.body.into_response();
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(asset.content_type));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable"));
    Some(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_carry_the_content_hash() {
        assert_ne!(css_href(), icon_href());
        assert!(css_href().starts_with("/assets/site.") && css_href().ends_with(".css"));
        let file = css_href().trim_start_matches("/assets/").to_owned();
        assert!(asset(Path(file)).is_some());
        assert!(asset(Path("site.css".to_owned())).is_none());
        assert_ne!(fnv1a(b"a"), fnv1a(b"b"));
    }
}
