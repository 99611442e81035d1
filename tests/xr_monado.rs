//! `sayscape xr` against a real OpenXR runtime: Monado (simulated headset, null compositor)
//! from Debian trixie in a root built by scripts/xr-root.sh, rendering on lavapipe. The session
//! must reach FOCUSED and submit frames, then the app must exit cleanly.

mod support;

use std::process::Command;

#[test]
#[ignore = "full tier: needs the Monado root, root and Xvfb (scripts/test.sh as root)"]
fn a_scene_runs_in_an_openxr_session_on_monado() {
    support::xr_root();
    support::headless();
    let root = env!("CARGO_MANIFEST_DIR");
    let output = Command::new("bash")
        .arg(format!("{root}/scripts/xr-test.sh"))
        .arg(env!("CARGO_BIN_EXE_sayscape"))
        .arg(format!("{root}/scenes/pirate_seven_seas.json"))
        .arg("40")
        .output()
        .expect("bash runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    // The figures go to the test log (cargo test -- --nocapture shows them).
    println!("{stdout}");
    assert!(output.status.success(), "xr-test failed:\n{stdout}\n{stderr}");
    assert!(stdout.contains("session FOCUSED after"), "{stdout}\n{stderr}");
    assert!(stdout.contains("frames (asked 40)"), "{stdout}\n{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}
