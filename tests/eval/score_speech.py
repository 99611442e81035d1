#!/usr/bin/env python3
"""Speech recognition of scenario requests, and what it costs the scenes made from them.

Usage:
  score_speech.py SET.json [SET.json...] --bin SAYSCAPE [--voices V:WPM,V:WPM] [--flite]
                  [--generate] [--cache DIR] [-- TRANSCRIBE-ARGS...]

Each set is a list of {"prompt", "expect", "avoid"} (the format of ../shared/eval/score.py).
Every prompt is spoken by espeak-ng in each voice (default: three English voices for a set
whose name has no "_fr", three French ones otherwise), at the given words per minute, and with
`--flite` also by flite's voices (English). The commands that speak each clip are printed
with -v, so any clip can be made again by hand.

The clips are transcribed by `SAYSCAPE transcribe --show-language` (one process per set and
voice, extra arguments after --); the script prints the word error rate per set and voice, the
language detected, and the worst transcripts.

With --generate, each prompt is also turned into a scene twice, from the typed words and from
the transcript of one voice (voices taken in turn, so every voice is used), and both are
scored with ../shared/eval/score.py: the ratio spoken/typed of the fidelity is the end-to-end
cost of the recogniser.
"""
import hashlib, json, os, re, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SCORE = os.path.join(HERE, "../../../shared/eval/score.py")

EN_VOICES = ["en-us:150", "en-gb:175", "en-gb-x-rp:135"]
FR_VOICES = ["fr-fr:150", "fr-be:170", "fr-ch:135"]

NUMBERS = {
    "en": "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty".split(),
    "fr": "zéro un deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze seize dix-sept dix-huit dix-neuf vingt".split(),
}


def words(text, lang):
    """Lower-case words, punctuation and apostrophes/hyphens as spaces, digits as words."""
    text = text.lower().replace("’", "'")
    out = []
    for w in re.split(r"[^\w]+", text):
        if not w:
            continue
        if w.isdigit() and int(w) <= 20:
            out.extend(NUMBERS[lang][int(w)].split("-"))
        else:
            out.append(w)
    return out


def edit_distance(ref, hyp):
    row = list(range(len(hyp) + 1))
    for r in ref:
        prev, row[0] = row[0], row[0] + 1
        for j, h in enumerate(hyp):
            cur = row[j + 1]
            row[j + 1] = min(prev + (r != h), row[j] + 1, cur + 1)
            prev = cur
    return row[len(hyp)]


def speak(text, engine, voice, wpm, out):
    if engine == "flite":
        cmd = ["flite", "-voice", voice, "--setf", f"duration_stretch={150 / wpm:.2f}", "-t", text, "-o", out]
    else:
        cmd = ["espeak-ng", "-v", voice, "-s", str(wpm), "-w", out, text]
    if not os.path.exists(out):
        subprocess.run(cmd, check=True, capture_output=True)
    return cmd


def main():
    argv = sys.argv[1:]
    extra = []
    if "--" in argv:
        cut = argv.index("--")
        argv, extra = argv[:cut], argv[cut + 1:]
    opt = lambda name, default=None: argv[argv.index(name) + 1] if name in argv else default
    binary = opt("--bin")
    if not binary:
        print(__doc__)
        return 2
    cache = opt("--cache", os.path.join(tempfile.gettempdir(), "sayscape-speech-clips"))
    os.makedirs(cache, exist_ok=True)
    verbose = "-v" in argv
    sets = [a for a in argv if a.endswith(".json")]
    totals = {}
    for path in sets:
        cases = json.load(open(path))
        lang = "fr" if "_fr" in os.path.basename(path) else "en"
        voices = [("espeak", *v.split(":")) for v in (opt("--voices").split(",") if opt("--voices") else (FR_VOICES if lang == "fr" else EN_VOICES))]
        if "--flite" in argv and lang == "en":
            voices += [("flite", "slt", "150"), ("flite", "rms", "150")]
        heard = {}
        for engine, voice, wpm in voices:
            wavs = []
            for case in cases:
                key = hashlib.sha1(f"{engine}|{voice}|{wpm}|{case['prompt']}".encode()).hexdigest()[:16]
                wav = os.path.join(cache, key + ".wav")
                cmd = speak(case["prompt"], engine, voice, int(wpm), wav)
                if verbose:
                    print("  $", " ".join(cmd))
                wavs.append(wav)
            p = subprocess.run([binary, "transcribe", "--show-language", *extra, *wavs], capture_output=True, text=True)
            if p.returncode != 0:
                print(p.stderr, file=sys.stderr)
                return 1
            lines = p.stdout.rstrip("\n").split("\n")
            errors = total = 0
            langs = {}
            worst = []
            for case, line in zip(cases, lines):
                got_lang, _, text = line.partition("\t")
                langs[got_lang] = langs.get(got_lang, 0) + 1
                ref, hyp = words(case["prompt"], lang), words(text, lang)
                e = edit_distance(ref, hyp)
                errors += e
                total += len(ref)
                worst.append((e / len(ref), case["prompt"], text))
                heard[(voice, case["prompt"])] = text
            key = (os.path.basename(path), f"{engine}:{voice}:{wpm}")
            totals[key] = (errors, total)
            print(f"{key[0]:<28} {key[1]:<24} WER {100 * errors / total:5.1f}%  ({errors}/{total} words)  languages {langs}")
            for rate, ref, hyp in sorted(worst, reverse=True)[: (8 if verbose else 3)]:
                print(f"    {100 * rate:3.0f}%  {ref!r} → {hyp!r}")
        set_errors = sum(e for (s, _), (e, t) in totals.items() if s == os.path.basename(path))
        set_words = sum(t for (s, _), (e, t) in totals.items() if s == os.path.basename(path))
        print(f"{os.path.basename(path):<28} {'all voices':<24} WER {100 * set_errors / set_words:5.1f}%")
        if "--generate" in argv:
            spoken_cases = []
            for i, case in enumerate(cases):
                voice = voices[i % len(voices)][1]
                spoken_cases.append({**case, "prompt": heard[(voice, case["prompt"])]})
            fidelity = {}
            for name, items in [("typed", cases), ("spoken", spoken_cases)]:
                with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
                    json.dump(items, f)
                p = subprocess.run([sys.executable, SCORE, f.name, "--", binary, "generate", "{prompt}"], capture_output=True, text=True)
                os.unlink(f.name)
                summary = [l for l in p.stdout.splitlines() if l.startswith("fidelity:")]
                if not summary:
                    print(p.stdout[-2000:], p.stderr[-2000:], file=sys.stderr)
                    return 1
                fidelity[name] = float(summary[0].split()[1])
                print(f"    {name:>6}: {summary[0]}")
            print(f"{os.path.basename(path):<28} spoken/typed fidelity {fidelity['spoken'] / fidelity['typed']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
