//! The languages the app listens and answers in, and their names for people. A leaf: the
//! speech recogniser, the window's language setting and the headset's caption all read it.

/// The languages the app reads (its words, edits and speech prompts): a spoken language is
/// detected among these unless the user names others.
pub const APP_LANGUAGES: [&str; 5] = ["en", "fr", "es", "de", "it"];

/// A language's English name, for people ("fr" → "French"); the code itself when unknown.
pub fn language_name(code: &str) -> &str {
    match code {
        "en" => "English",
        "fr" => "French",
        "es" => "Spanish",
        "de" => "German",
        "it" => "Italian",
        "pt" => "Portuguese",
        "nl" => "Dutch",
        other => other,
    }
}
