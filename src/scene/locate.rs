//! Where a JSON path sits in a scene's text: the line an editor shows a problem at.
//!
//! Validation speaks in JSON paths (`$.entities[2].kind`); an author reads lines. This walks
//! the text once, as written (serde keeps no positions), and records the line each value
//! starts on.

use std::collections::HashMap;

/// The line (from 1) of every value in `text`, by its JSON path; `None` if `text` is not JSON.
pub fn lines_by_path(text: &str) -> Option<HashMap<String, usize>> {
    let mut scan = Scan { bytes: text.as_bytes(), at: 0, line: 1, lines: HashMap::new() };
    scan.value("$".into())?;
    Some(scan.lines)
}

/// The line of `path`, or of the nearest value that contains it (a missing field is reported
/// at its object, which is where the author adds it).
pub fn line_of(lines: &HashMap<String, usize>, path: &str) -> Option<usize> {
    let mut path = path;
    loop {
        if let Some(&line) = lines.get(path) {
            return Some(line);
        }
        let cut = path.rfind(['.', '['])?;
        path = &path[..cut];
    }
}

struct Scan<'a> {
    bytes: &'a [u8],
    at: usize,
    line: usize,
    lines: HashMap<String, usize>,
}

impl Scan<'_> {
    fn skip_space(&mut self) {
        while let Some(&b) = self.bytes.get(self.at) {
            match b {
                b'\n' => self.line += 1,
                b' ' | b'\t' | b'\r' => {}
                _ => return,
            }
            self.at += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn value(&mut self, path: String) -> Option<()> {
        self.skip_space();
        self.lines.insert(path.clone(), self.line);
        match self.peek()? {
            b'{' => {
                self.at += 1;
                loop {
                    self.skip_space();
                    match self.peek()? {
                        b'}' => {
                            self.at += 1;
                            return Some(());
                        }
                        b',' => self.at += 1,
                        b'"' => {
                            let key = self.string()?;
                            self.skip_space();
                            (self.peek()? == b':').then_some(())?;
                            self.at += 1;
                            self.value(format!("{path}.{key}"))?;
                        }
                        _ => return None,
                    }
                }
            }
            b'[' => {
                self.at += 1;
                let mut index = 0;
                loop {
                    self.skip_space();
                    match self.peek()? {
                        b']' => {
                            self.at += 1;
                            return Some(());
                        }
                        b',' => self.at += 1,
                        _ => {
                            self.value(format!("{path}[{index}]"))?;
                            index += 1;
                        }
                    }
                }
            }
            b'"' => self.string().map(|_| ()),
            _ => {
                // A number, true, false or null: up to the next delimiter.
                let start = self.at;
                while self.peek().is_some_and(|b| !matches!(b, b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t')) {
                    self.at += 1;
                }
                (self.at > start).then_some(())
            }
        }
    }

    /// A string's text (escapes kept as written: keys in scenes are plain words).
    fn string(&mut self) -> Option<String> {
        self.at += 1;
        let start = self.at;
        while let Some(b) = self.peek() {
            match b {
                b'\\' => self.at += 2,
                b'"' => {
                    let text = std::str::from_utf8(&self.bytes[start..self.at]).ok()?.to_string();
                    self.at += 1;
                    return Some(text);
                }
                b'\n' => {
                    self.line += 1;
                    self.at += 1;
                }
                _ => self.at += 1,
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_line_of_nested_values_and_of_the_object_of_a_missing_field() {
        let text = "{\n  \"title\": \"x\",\n  \"entities\": [\n    {\"id\": \"a\"},\n    {\n      \"kind\": \"ship\"\n    }\n  ]\n}\n";
        let lines = lines_by_path(text).unwrap();
        assert_eq!(line_of(&lines, "$.title"), Some(2));
        assert_eq!(line_of(&lines, "$.entities[0].id"), Some(4));
        assert_eq!(line_of(&lines, "$.entities[1].kind"), Some(6));
        assert_eq!(line_of(&lines, "$.entities[1].count"), Some(5), "a missing field is shown at its object");
        assert_eq!(line_of(&lines, "$"), Some(1));
        assert!(lines_by_path("{\"a\": [1, 2").is_none());
    }
}
