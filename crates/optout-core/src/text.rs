//! Small text helpers shared by detection and the messages the core writes.

/// Folds the differences that don't change a label's meaning: case, runs of white space,
/// typographic apostrophes and quotes, and a trailing colon.
pub fn normalize(text: &str) -> String {
    let mapped: String = text
        .chars()
        .map(|c| match c {
            '\u{2018}' | '\u{2019}' | '\u{02BC}' => '\'',
            '\u{201C}' | '\u{201D}' => '"',
            '\u{00A0}' | '\u{202F}' => ' ',
            c => c,
        })
        .collect();
    let words: Vec<&str> = mapped.split_whitespace().collect();
    words
        .join(" ")
        .trim_end_matches(':')
        .trim_end()
        .to_lowercase()
}

/// Picks the singular or plural form for a count.
pub fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 {
        one
    } else {
        many
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_folds_case_space_and_apostrophes() {
        assert_eq!(
            normalize("  Données pour l’amélioration\n de l'IA  générative: "),
            "données pour l'amélioration de l'ia générative"
        );
        assert_eq!(normalize("DATEN\u{00A0}ZUR"), "daten zur");
        assert_eq!(normalize(""), "");
    }

    #[test]
    fn plural_picks_by_count() {
        assert_eq!(plural(1, "switch", "switches"), "switch");
        assert_eq!(plural(0, "switch", "switches"), "switches");
        assert_eq!(plural(2, "switch", "switches"), "switches");
    }
}
