#!/usr/bin/env python3
"""Scores `sayscape edit` on an instruction set (tests/eval/edits.json).

A case passes when every predicate holds on the edited scene and nothing the case does not
name has changed (or, for a case marked "refuse", when the command exits non-zero and prints
nothing on stdout). Usage:

    python3 tests/eval/score_edits.py [SET.json] [--bin PATH] [--show-fails] [--json OUT]

Predicates (see tests/eval/edits.json):
  {"path": "setting.time_of_day", "equals": V} / {"in": [..]} / {"changed": ">"|"<"}
  {"kinds": [..], "count": ">=N"|"<=N"|"==N"|">before"|"<before"}
  {"kinds": [..], "color": C}    every entity of those kinds has colour C
  {"kinds": [..], "speed": ">before"|"<before"}
  {"timeline": {"event": E, "kinds": [..] | "sound": S | "weather": W, "at": T}}
  {"ambience": S, "present": true|false}
"""

import argparse
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# What a change of one field may bring with it.
IMPLIED = {
    "setting.weather": ["setting.cloud_cover", "setting.fog", "setting.wind", "setting.water.waves", "soundscape.ambience", "timeline"],
    "setting.time_of_day": ["setting.sky", "soundscape.ambience"],
    "setting.terrain": ["setting.water", "setting.area_radius", "soundscape.ambience"],
}


def get(doc, path):
    for part in path.split("."):
        if not isinstance(doc, dict) or part not in doc:
            return None
        doc = doc[part]
    return doc


def total(scene, kinds):
    return sum(e.get("count", 1) for e in scene.get("entities", []) if e["kind"] in kinds)


def compare(op, after, before):
    if op.endswith("before"):
        return after > before if op.startswith(">") else after < before
    n = int(op.lstrip("<>="))
    return {">=": after >= n, "<=": after <= n, "==": after == n}[op[:2]]


def speed(entity):
    return (entity.get("motion") or {}).get("speed")


def check(pred, before, after):
    """(ok, why) for one predicate."""
    if "path" in pred:
        now, was = get(after, pred["path"]), get(before, pred["path"])
        if "equals" in pred:
            return now == pred["equals"], f"{pred['path']} = {now!r}, wanted {pred['equals']!r}"
        if "in" in pred:
            return now in pred["in"], f"{pred['path']} = {now!r}, wanted one of {pred['in']}"
        if "changed" in pred:
            now, was = now or 0.0, was or 0.0
            ok = now > was if pred["changed"] == ">" else now < was
            return ok, f"{pred['path']}: {was} → {now}, wanted {pred['changed']}"
    if "kinds" in pred:
        kinds = set(pred["kinds"])
        if "count" in pred:
            a, b = total(after, kinds), total(before, kinds)
            return compare(pred["count"], a, b), f"count of {sorted(kinds)}: {b} → {a}, wanted {pred['count']}"
        mine = [e for e in after.get("entities", []) if e["kind"] in kinds]
        if "color" in pred:
            ok = bool(mine) and all(e.get("color") == pred["color"] for e in mine)
            return ok, f"colours of {sorted(kinds)}: {[e.get('color') for e in mine]}, wanted {pred['color']}"
        if "speed" in pred:
            old = {e["id"]: speed(e) for e in before.get("entities", []) if e["kind"] in kinds}
            moved = [(old.get(e["id"]), speed(e)) for e in mine if e["id"] in old and speed(e) != old.get(e["id"])]
            faster = pred["speed"].startswith(">")
            right = [(o, n) for o, n in moved if n is not None and (o is None or (n > o if faster else n < o))]
            return bool(right) and len(right) == len(moved), f"speeds of {sorted(kinds)}: {moved}, wanted {pred['speed']}"
    if "timeline" in pred:
        want = pred["timeline"]
        ids = {e["id"]: e["kind"] for e in after.get("entities", [])}
        for beat in after.get("timeline", []):
            if beat in before.get("timeline", []) or beat.get("event") != want["event"]:
                continue
            if abs(beat.get("at", -99) - want.get("at", beat.get("at"))) > 1.0:
                continue
            if "kinds" in want and ids.get(beat.get("entity")) not in want["kinds"]:
                continue
            if "sound" in want and beat.get("sound") != want["sound"]:
                continue
            if "weather" in want and beat.get("weather") != want["weather"]:
                continue
            return True, ""
        return False, f"no new beat like {want}; timeline {after.get('timeline')}"
    if "ambience" in pred:
        has = any(a["sound"] == pred["ambience"] for a in get(after, "soundscape.ambience") or [])
        return has == pred["present"], f"ambience {pred['ambience']} present={has}, wanted {pred['present']}"
    return False, f"unknown predicate {pred}"


def allowed(case):
    """Paths and kinds the case lets change."""
    paths, kinds = set(), set()
    for p in case.get("expect", []):
        if "path" in p:
            paths.add(p["path"])
        if "kinds" in p:
            kinds.update(p["kinds"])
        if "timeline" in p:
            paths.add("timeline")
            kinds.update(p["timeline"].get("kinds", []))
        if "ambience" in p:
            paths.add("soundscape.ambience")
    for m in case.get("may_change", []):
        if m.startswith("kind:"):
            kinds.add(m[5:])
        else:
            paths.add(m)
    for p in list(paths):
        paths.update(IMPLIED.get(p, []))
    return paths, kinds


def flatten(doc, prefix=""):
    """Leaf paths of the scene outside its entities (lists are leaves)."""
    out = {}
    for k, v in doc.items():
        path = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(flatten(v, path + "."))
        else:
            out[path] = v
    return out


def breaks(case, before, after):
    """What changed that the case did not ask for."""
    paths, kinds = allowed(case)
    covered = lambda p: any(p == a or p.startswith(a + ".") or a.startswith(p + ".") for a in paths)
    out = []
    ignore = {"title", "prompt", "edits", "entities", "$schema", "format"}
    b, a = flatten({k: v for k, v in before.items() if k not in ignore}), flatten({k: v for k, v in after.items() if k not in ignore})
    for path in sorted(set(a) | set(b)):
        if a.get(path) != b.get(path) and not covered(path):
            out.append(f"{path}: {b.get(path)!r} → {a.get(path)!r}")
    old = {e["id"]: e for e in before.get("entities", [])}
    new = {e["id"]: e for e in after.get("entities", [])}
    for id_, e in old.items():
        if e["kind"] not in kinds and new.get(id_) != e:
            out.append(f"entity {id_} ({e['kind']}) changed or went")
    for id_, e in new.items():
        if id_ not in old and e["kind"] not in kinds:
            out.append(f"entity {id_} ({e['kind']}) added")
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("set", nargs="?", default=os.path.join(ROOT, "tests/eval/edits.json"))
    ap.add_argument("--bin", default=os.environ.get("SAYSCAPE_BIN", os.path.expanduser("~/.cache/sayscape/target/release/sayscape")))
    ap.add_argument("--show-fails", action="store_true")
    ap.add_argument("--only", help="run only cases whose id contains this")
    ap.add_argument("--json", help="write per-case results here")
    args = ap.parse_args()
    cases = json.load(open(args.set))["cases"]
    if args.only:
        cases = [c for c in cases if args.only in c["id"]]
    results, by_lang, broke, times = [], {}, 0, []
    normal = {}
    for case in cases:
        scene_path = os.path.join(ROOT, "scenes", case["scene"] + ".json")
        if scene_path not in normal:
            # The scene as the program writes it (defaults filled in): replaying a file's own
            # (empty) history changes nothing else.
            out = subprocess.run([args.bin, "edit", scene_path, "--replay", scene_path], capture_output=True, text=True, check=True)
            normal[scene_path] = json.loads(out.stdout)
        before = normal[scene_path]
        t0 = time.time()
        run = subprocess.run([args.bin, "edit", scene_path, case["instruction"]], capture_output=True, text=True, cwd=ROOT)
        times.append(time.time() - t0)
        why = []
        if case.get("refuse"):
            ok = run.returncode != 0 and run.stdout.strip() == ""
            if not ok:
                why.append("should have been refused; " + run.stderr.strip().splitlines()[-1] if run.stderr.strip() else "should have been refused")
        elif run.returncode != 0:
            ok = False
            why.append("refused: " + (run.stderr.strip().splitlines() or ["?"])[-1])
        else:
            after = json.loads(run.stdout)
            for pred in case["expect"]:
                good, reason = check(pred, before, after)
                if not good:
                    why.append(reason)
            broken = breaks(case, before, after)
            if broken:
                broke += 1
                why.append("broke: " + "; ".join(broken))
            ok = not why
        summary = (run.stderr.strip().splitlines() or [""])[-1]
        results.append({"id": case["id"], "lang": case["lang"], "ok": ok, "why": why, "summary": summary})
        by_lang.setdefault(case["lang"], []).append(ok)
        if args.show_fails and not ok:
            print(f"FAIL {case['id']} [{case['instruction']}] {summary}\n    " + "\n    ".join(why))
    passed = sum(r["ok"] for r in results)
    print(f"cases: {len(results)}, all predicates met and nothing else changed: {passed} ({passed / max(1, len(results)):.3f})")
    print(f"edits that changed something not asked for: {broke}")
    for lang, oks in sorted(by_lang.items()):
        print(f"  {lang}: {sum(oks)}/{len(oks)} ({sum(oks) / len(oks):.3f})")
    times.sort()
    print(f"per instruction, whole process (model load included): median {times[len(times) // 2]:.2f} s")
    if args.json:
        json.dump(results, open(args.json, "w"), ensure_ascii=False, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
