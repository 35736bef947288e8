//! The listing cursor: an opaque string to clients, `<kato>.<family id>` inside.

use shanyraq_domain::{FamilyId, Kato};
use shanyraq_store::FamilyCursor;

use crate::error::ApiError;

pub fn encode(c: FamilyCursor) -> String {
    format!("{}.{}", c.territory, c.id.0)
}

/// Reads a cursor; it must point into `root`'s subtree, where the listing it came from walks.
pub fn decode(text: &str, root: Kato) -> Result<FamilyCursor, ApiError> {
    let invalid = || ApiError::bad_request("cursor.invalid");
    let (kato, id) = text.split_once('.').ok_or_else(invalid)?;
    let territory: Kato = kato.parse().map_err(|_| invalid())?;
    if !id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid());
    }
    let id: i64 = id.parse().map_err(|_| invalid())?;
    if id < 1 || !root.contains(territory) {
        return Err(invalid());
    }
    Ok(FamilyCursor { territory, id: FamilyId(id) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_garbage() {
        let root: Kato = "110000000".parse().unwrap();
        let c = FamilyCursor { territory: "113820100".parse().unwrap(), id: FamilyId(42) };
        assert_eq!(encode(c), "113820100.42");
        assert_eq!(decode(&encode(c), root), Ok(c));
        for bad in [
            "",
            "113820100",
            "113820100.",
            "113820100.-4",
            "11382010.4",
            "x.4",
            "113820100.0",
            "113820100.+4",
            "113820100.99999999999999999999",
            "713820100.4",
        ] {
            assert_eq!(decode(bad, root).map_err(|e| e.code), Err("cursor.invalid"), "{bad}");
        }
    }
}
