//! The OpenAI-compatible backend against real HTTP servers on loopback that misbehave: one
//! that never answers, one that answers garbage, one whose scene is invalid. Each is a clear
//! error and a non-zero exit, never a broken world.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::Command;
use std::time::Duration;

/// Serves `reply(n)` for the n-th request on a loopback port; stops after `max` requests.
fn serve(max: usize, reply: impl Fn(usize) -> Option<String> + Send + 'static) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for (n, stream) in listener.incoming().take(max).enumerate() {
            let mut stream = stream.unwrap();
            stream.set_read_timeout(Some(Duration::from_secs(5))).ok();
            let mut buf = vec![0u8; 1 << 20];
            let mut got = 0;
            // Read headers and body (Content-Length) of the request.
            loop {
                let k = stream.read(&mut buf[got..]).unwrap_or(0);
                got += k;
                let text = String::from_utf8_lossy(&buf[..got]);
                if let Some(h) = text.find("\r\n\r\n") {
                    let len = text.lines().find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse::<usize>().unwrap_or(0))).unwrap_or(0);
                    if got >= h + 4 + len || k == 0 {
                        break;
                    }
                }
                if k == 0 {
                    break;
                }
            }
            match reply(n) {
                Some(body) => {
                    let _ = write!(stream, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len());
                }
                None => std::thread::sleep(Duration::from_secs(4)), // never answer in time
            }
        }
    });
    url
}

fn generate_via(url: &str, timeout: &str) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_sayscape"))
        .args(["generate", "a pirate ship", "--backend", "openai", "--url", url, "--timeout", timeout])
        .output()
        .unwrap();
    (out.status.success(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn a_server_that_times_out_is_an_error() {
    let url = serve(1, |_| None);
    let (ok, err) = generate_via(&url, "1");
    assert!(!ok);
    assert!(err.contains(&url) && err.contains("no answer within 1 s"), "{err}");
}

#[test]
fn a_garbage_reply_is_an_error() {
    let url = serve(1, |_| Some("<html>not json</html>".into()));
    let (ok, err) = generate_via(&url, "5");
    assert!(!ok);
    assert!(err.contains("the reply is not JSON"), "{err}");
}

#[test]
fn an_invalid_scene_is_refused_with_its_problems() {
    let content = serde_json::json!({"format": "sayscape.scene/1", "title": "x", "setting": {"terrain": "lava", "time_of_day": "noon"}, "player": {"vantage": "deck"}}).to_string();
    let body = serde_json::json!({"choices": [{"message": {"role": "assistant", "content": content}}]}).to_string();
    let url = serve(1, move |_| Some(body.clone()));
    let (ok, err) = generate_via(&url, "5");
    assert!(!ok);
    assert!(err.contains("remote model reply: $.setting.terrain: \"lava\" is not one of"), "{err}");
}

#[test]
fn a_valid_scene_from_the_server_is_printed() {
    let scene = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/scenes/pirate_seven_seas.json")).unwrap();
    let body = serde_json::json!({"choices": [{"message": {"role": "assistant", "content": scene}}]}).to_string();
    let url = serve(1, move |_| Some(body.clone()));
    let out = Command::new(env!("CARGO_BIN_EXE_sayscape"))
        .args(["generate", "a pirate ship", "--backend", "openai", "--url", &url])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["player"]["on"], "flagship");
}
