"""The flags do not change matching: the anchors ``align.evidence`` feeds the calibrated
confidence (shared names, places, numbers) are, for every claim of the seeds and of the real-news events e01-e08
articles, exactly what they were before the flags were typed (issue 21)."""
from __future__ import annotations

import csv
import hashlib
from pathlib import Path

from align.documents import Document
from align.evidence import anchors
from align.segment import claims, segment, segment_lines

ROOT = Path(__file__).resolve().parents[2]
# sha256 over "claim\tsorted anchors\n" of the claims below, computed before issue 21's changes
ANCHORS_DIGEST = "852a87425af88c75b93120c90b9ee3bbc59412de11d4525331d610b8783fee5b"


def _claims() -> list[str]:
    texts = []
    for name, lang in [("shamkhani_bahrami_fa.txt", "fa"), ("shamkhani_mohib_ar.txt", "ar"), ("shamkhani_mohib_en.txt", "en")]:
        path = ROOT / "examples" / name
        doc = Document(path.read_text(encoding="utf-8"), str(Path("examples") / name), lang)
        texts += [c.text for c in claims(doc, segment(doc))]
    real = ROOT / "benchmarks" / "realnews"
    with open(real / "SOURCES.tsv", encoding="utf-8") as f:
        langs = {r["article_id"]: r["lang"] for r in csv.DictReader(f, delimiter="\t")}
    for path in sorted((real / "articles").glob("e0[1-8]_*.txt")):
        doc = Document(path.read_text(encoding="utf-8"), path.name, langs.get(path.stem, "en"))
        texts += [c.text for c in claims(doc, segment_lines(doc))]
    return texts


def test_anchors_are_unchanged():
    texts = _claims()
    digest = hashlib.sha256()
    for t in texts:
        digest.update((t + "\t" + " ".join(sorted(anchors(t))) + "\n").encode())
    assert len(texts) == 364 and digest.hexdigest() == ANCHORS_DIGEST
