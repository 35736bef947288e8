//! What a ZIP archive (an XLSX workbook) says it unpacks to, read from its central directory
//! before anything is unpacked: a few kilobytes of deflated XML can unpack to gigabytes.
//!
//! The sizes are the archive's own claims. A forged archive can understate them; the XLSX reader
//! therefore also counts the cells and text it actually gets from the sheet.

/// End of central directory record: signature, and its size without the comment.
const EOCD_SIGNATURE: u32 = 0x0605_4b50;
const EOCD_BYTES: usize = 22;
/// ZIP64 end of central directory locator and record.
const ZIP64_LOCATOR_SIGNATURE: u32 = 0x0706_4b50;
const ZIP64_LOCATOR_BYTES: usize = 20;
const ZIP64_EOCD_SIGNATURE: u32 = 0x0606_4b50;
/// A central directory entry's fixed part.
const ENTRY_SIGNATURE: u32 = 0x0201_4b50;
const ENTRY_BYTES: usize = 46;
/// Extra field holding the 64-bit sizes of a ZIP64 entry.
const ZIP64_EXTRA_ID: u16 = 0x0001;
/// A 32-bit field with this value says "see the ZIP64 record".
const ZIP64_MARK_32: u32 = u32::MAX;
const ZIP64_MARK_16: u16 = u16::MAX;

/// The sum of the uncompressed sizes the central directory declares for every member, or `None`
/// when no well-formed directory can be found.
pub(crate) fn declared_unpacked_bytes(zip: &[u8]) -> Option<u64> {
    let eocd = find_eocd(zip)?;
    let entries = u64::from(u16_at(zip, eocd + 10)?);
    let offset = u64::from(u32_at(zip, eocd + 16)?);
    let (entries, offset) = if entries == u64::from(ZIP64_MARK_16)
        || offset == u64::from(ZIP64_MARK_32)
        || u32_at(zip, eocd + 12)? == ZIP64_MARK_32
    {
        zip64_directory(zip, eocd)?
    } else {
        (entries, offset)
    };
    let mut at = usize::try_from(offset).ok()?;
    let mut total: u64 = 0;
    for _ in 0..entries {
        if u32_at(zip, at)? != ENTRY_SIGNATURE {
            return None;
        }
        let mut size = u64::from(u32_at(zip, at + 24)?);
        let name = usize::from(u16_at(zip, at + 28)?);
        let extra = usize::from(u16_at(zip, at + 30)?);
        let comment = usize::from(u16_at(zip, at + 32)?);
        if size == u64::from(ZIP64_MARK_32) {
            let start = at + ENTRY_BYTES + name;
            size = zip64_size(zip.get(start..start + extra)?)?;
        }
        total = total.saturating_add(size);
        at += ENTRY_BYTES + name + extra + comment;
    }
    Some(total)
}

/// The last end-of-directory record whose comment fits in the file.
fn find_eocd(zip: &[u8]) -> Option<usize> {
    let last = zip.len().checked_sub(EOCD_BYTES)?;
    let first = last.saturating_sub(usize::from(u16::MAX));
    (first..=last).rev().find(|&at| {
        u32_at(zip, at) == Some(EOCD_SIGNATURE)
            && u16_at(zip, at + 20)
                .is_some_and(|comment| at + EOCD_BYTES + usize::from(comment) <= zip.len())
    })
}

/// Entry count and directory offset from the ZIP64 record the locator before `eocd` points to.
fn zip64_directory(zip: &[u8], eocd: usize) -> Option<(u64, u64)> {
    let locator = eocd.checked_sub(ZIP64_LOCATOR_BYTES)?;
    if u32_at(zip, locator)? != ZIP64_LOCATOR_SIGNATURE {
        return None;
    }
    let record = usize::try_from(u64_at(zip, locator + 8)?).ok()?;
    if u32_at(zip, record)? != ZIP64_EOCD_SIGNATURE {
        return None;
    }
    Some((u64_at(zip, record + 32)?, u64_at(zip, record + 48)?))
}

/// The uncompressed size in an entry's ZIP64 extra field (it comes first there).
fn zip64_size(mut extra: &[u8]) -> Option<u64> {
    while extra.len() >= 4 {
        let id = u16::from_le_bytes([extra[0], extra[1]]);
        let len = usize::from(u16::from_le_bytes([extra[2], extra[3]]));
        let data = extra.get(4..4 + len)?;
        if id == ZIP64_EXTRA_ID {
            return u64_at(data, 0);
        }
        extra = &extra[4 + len..];
    }
    None
}

fn u16_at(bytes: &[u8], at: usize) -> Option<u16> {
    bytes.get(at..at + 2).map(|b| u16::from_le_bytes([b[0], b[1]]))
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    bytes.get(at..at + 4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

fn u64_at(bytes: &[u8], at: usize) -> Option<u64> {
    let b: [u8; 8] = bytes.get(at..at + 8)?.try_into().ok()?;
    Some(u64::from_le_bytes(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stored (uncompressed) archive of `members`, as a minimal writer lays it out.
    fn stored_zip(members: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut directory = Vec::new();
        for (name, data) in members {
            let offset = u32::try_from(out.len()).unwrap();
            let size = u32::try_from(data.len()).unwrap();
            let name_len = u16::try_from(name.len()).unwrap();
            out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
            out.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            out.extend_from_slice(&size.to_le_bytes());
            out.extend_from_slice(&size.to_le_bytes());
            out.extend_from_slice(&name_len.to_le_bytes());
            out.extend_from_slice(&0u16.to_le_bytes());
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(data);
            directory.extend_from_slice(&ENTRY_SIGNATURE.to_le_bytes());
            directory.extend_from_slice(&[20, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            directory.extend_from_slice(&size.to_le_bytes());
            directory.extend_from_slice(&size.to_le_bytes());
            directory.extend_from_slice(&name_len.to_le_bytes());
            directory.extend_from_slice(&[0; 12]);
            directory.extend_from_slice(&offset.to_le_bytes());
            directory.extend_from_slice(name.as_bytes());
        }
        let offset = u32::try_from(out.len()).unwrap();
        let count = u16::try_from(members.len()).unwrap();
        out.extend_from_slice(&directory);
        out.extend_from_slice(&EOCD_SIGNATURE.to_le_bytes());
        out.extend_from_slice(&[0, 0, 0, 0]);
        out.extend_from_slice(&count.to_le_bytes());
        out.extend_from_slice(&count.to_le_bytes());
        out.extend_from_slice(&u32::try_from(directory.len()).unwrap().to_le_bytes());
        out.extend_from_slice(&offset.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out
    }

    #[test]
    fn sums_the_declared_sizes_of_every_member() {
        let zip = stored_zip(&[("a.xml", b"hello"), ("b.xml", &[b'x'; 300])]);
        assert_eq!(declared_unpacked_bytes(&zip), Some(305));
        assert_eq!(declared_unpacked_bytes(&stored_zip(&[])), Some(0));
    }

    #[test]
    fn a_truncated_or_foreign_file_has_no_directory() {
        let zip = stored_zip(&[("a.xml", b"hello")]);
        assert_eq!(declared_unpacked_bytes(&zip[..zip.len() - 1]), None);
        assert_eq!(declared_unpacked_bytes(b"PK\x03\x04garbage"), None);
        assert_eq!(declared_unpacked_bytes(b""), None);
    }

    #[test]
    fn reads_the_64_bit_size_of_a_zip64_entry() {
        let extra =
            [&ZIP64_EXTRA_ID.to_le_bytes()[..], &8u16.to_le_bytes(), &(5u64 << 32).to_le_bytes()]
                .concat();
        assert_eq!(zip64_size(&extra), Some(5 << 32));
        assert_eq!(zip64_size(&extra[..6]), None);
    }
}
