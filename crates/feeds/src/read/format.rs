//! Which reader a file needs: from its extension, checked against its first bytes.

use super::FileError;

/// The container formats agency exports come in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Delimited text (comma, semicolon or tab), UTF-8 with or without BOM.
    Csv,
    /// One JSON object per line.
    JsonLines,
    /// An Office Open XML workbook; the first sheet is read.
    Xlsx,
}

/// How many leading bytes [`Format::detect`] and the binary check look at.
pub const SNIFF_BYTES: usize = 8 * 1024;

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

impl Format {
    /// Picks the format from the file extension (without dot, any case) and the first bytes of
    /// the content. Content wins: a ZIP signature means XLSX, a first non-blank `{` means JSON
    /// Lines, other text means CSV whatever the extension says. Binary content, or an `xlsx`
    /// extension on something that is not a ZIP archive, is [`FileError::UnknownFormat`];
    /// no bytes at all is [`FileError::Empty`].
    pub fn detect(extension: Option<&str>, first_bytes: &[u8]) -> Result<Format, FileError> {
        if first_bytes.starts_with(ZIP_MAGIC) {
            return Ok(Format::Xlsx);
        }
        let ext = extension.map(str::to_ascii_lowercase);
        if matches!(ext.as_deref(), Some("xlsx" | "xlsm")) || looks_binary(first_bytes) {
            return Err(FileError::UnknownFormat);
        }
        let text = first_bytes.strip_prefix(UTF8_BOM).unwrap_or(first_bytes);
        match text.iter().find(|b| !b.is_ascii_whitespace()) {
            None => Err(FileError::Empty),
            Some(b'{') => Ok(Format::JsonLines),
            Some(_) => Ok(Format::Csv),
        }
    }
}

/// Whether a prefix of a file looks like binary data rather than text: a NUL byte or a control
/// character that text exports never contain. A prefix cut inside a multi-byte character is
/// still text; other invalid UTF-8 is left to the per-record check.
pub(crate) fn looks_binary(prefix: &[u8]) -> bool {
    prefix.iter().any(|&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C))
}

/// Strips a UTF-8 byte-order mark.
pub(crate) fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes)
}
