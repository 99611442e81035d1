//! The library's error policy in one place: every stage has a typed error (thiserror) that
//! keeps its cause as a `source`; only the edges (the command line, a status line) turn a
//! chain of causes into text, with [`chain`].

use std::error::Error;

/// An error and each of its causes, joined by ": " (what `{:#}` shows for `anyhow`).
pub fn chain(error: &dyn Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(e) = cause {
        let line = e.to_string();
        // Transparent wrappers repeat their source's text; say it once.
        if !text.ends_with(&line) {
            text.push_str(": ");
            text.push_str(&line);
        }
        cause = e.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("outer")]
    struct Outer(#[source] std::io::Error);

    #[test]
    fn a_chain_names_every_cause_once() {
        let e = Outer(std::io::Error::other("inner"));
        assert_eq!(chain(&e), "outer: inner");
    }
}
