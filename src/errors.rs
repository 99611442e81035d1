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
    use crate::generate::GenerateError;
    use crate::scene::{SceneError, parse_scene};

    #[test]
    fn a_generation_error_keeps_every_problem_of_the_scene_with_its_path() {
        let bad = br#"{"format": "sayscape.scene/1", "title": "x", "setting": {"terrain": "lava", "time_of_day": "teatime"}, "player": {"vantage": "deck"}}"#;
        let error = GenerateError::Invalid(parse_scene(bad, "model reply").unwrap_err());
        let Some(SceneError::Invalid { problems, .. }) = error.source().and_then(|s| s.downcast_ref::<SceneError>()) else {
            panic!("the scene error is kept as the source: {error:?}");
        };
        let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
        assert!(paths.contains(&"$.setting.terrain") && paths.contains(&"$.setting.time_of_day"), "{paths:?}");
        let text = chain(&error);
        assert!(text.starts_with("the generated scene is invalid: model reply: $.setting."), "{text}");
    }
}
