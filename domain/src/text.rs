//! Free text typed by people: names, address fields, inquiry and answer texts.
//!
//! Surrounding whitespace means nothing, so a text is trimmed before its length is checked, and
//! a text that is only whitespace is no text at all: it is refused, never stored empty. The NUL
//! character cannot be stored by PostgreSQL and is refused too.

/// Why a text is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    /// Empty, or nothing but whitespace.
    #[error("must not be blank")]
    Blank,
    /// Longer than allowed once trimmed.
    #[error("at most {max} characters, found {found}")]
    TooLong {
        /// The limit, in characters.
        max: usize,
        /// The characters of the trimmed text.
        found: usize,
    },
    /// Contains U+0000.
    #[error("the NUL character is not allowed")]
    Nul,
}

/// `raw` trimmed, when it is not blank, has at most `max_chars` characters once trimmed and
/// carries no NUL.
pub fn clean_text(raw: &str, max_chars: usize) -> Result<String, TextError> {
    let text = raw.trim();
    if text.is_empty() {
        return Err(TextError::Blank);
    }
    if text.contains('\0') {
        return Err(TextError::Nul);
    }
    let found = text.chars().count();
    if found > max_chars {
        return Err(TextError::TooLong {
            max: max_chars,
            found,
        });
    }
    Ok(text.to_owned())
}

/// [`clean_text`] of an optional field: `None` stays `None`.
pub fn clean_optional(raw: Option<&str>, max_chars: usize) -> Result<Option<String>, TextError> {
    raw.map(|text| clean_text(text, max_chars)).transpose()
}

#[cfg(test)]
mod tests;
