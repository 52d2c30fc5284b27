"""Cut Droid Sans Fallback down to the Chinese characters people write, for WardAudit's PDFs.

The full font is 4 MB; WardAudit ships the characters of GB 2312 (all 6,763 hanzi of
Simplified Chinese, levels 1 and 2) and of Big5 level 1 (5,401 common Traditional
characters), with CJK punctuation, fullwidth forms and general punctuation: 1.4 MB.
Hinting is dropped (PDFs are not hinted on screen). The output is byte-for-byte
reproducible from the same input and fontTools version.

    python installer/cut_cjk_font.py /usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf

The input comes from Debian's ``fonts-droid-fallback`` package (``exports/fonts/README.md``
names the version and the SHA-256 of input and output). Needs fontTools
(``pip install fonttools``), which WardAudit itself does not need at run time.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

OUTPUT = (
    Path(__file__).resolve().parent.parent
    / "exports"
    / "fonts"
    / "DroidSansFallback-GB2312-Big5L1.ttf"
)

# CJK symbols and punctuation, fullwidth and halfwidth forms, general punctuation.
_PUNCTUATION = (range(0x3000, 0x3040), range(0xFF00, 0xFFF0), range(0x2000, 0x2070))


def _decodable(encoding: str, leads: range | list[int], trails: list[int]) -> set[int]:
    found: set[int] = set()
    for lead in leads:
        for trail in trails:
            try:
                text = bytes([lead, trail]).decode(encoding)
            except UnicodeDecodeError:
                continue
            found.update(ord(ch) for ch in text)
    return found


def gb2312() -> set[int]:
    """Every character of GB 2312 (symbols and both levels of hanzi)."""
    return _decodable("gb2312", range(0xA1, 0xF8), list(range(0xA1, 0xFF)))


def big5_level1() -> set[int]:
    """The symbols and the 5,401 frequent characters (level 1) of Big5."""
    leads = [*range(0xA1, 0xA4), *range(0xA4, 0xC7)]
    trails = [*range(0x40, 0x7F), *range(0xA1, 0xFF)]
    return _decodable("big5", leads, trails)


def wanted() -> set[int]:
    chars = gb2312() | big5_level1()
    for block in _PUNCTUATION:
        chars.update(block)
    return chars


def cut(source: Path, output: Path) -> int:
    """Write the cut font; return how many characters it maps."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(str(source), recalcTimestamp=False)
    cmap = font.getBestCmap()
    chars = {c for c in wanted() if c in cmap}
    options = subset.Options()
    options.hinting = False
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=chars)
    subsetter.subset(font)
    font.save(str(output))
    return len(chars)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="DroidSansFallbackFull.ttf")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    count = cut(args.source, args.output)
    for path in (args.source, args.output):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        print(f"{path.name}: {path.stat().st_size:,} bytes, sha256 {digest}")
    print(f"{count:,} characters kept")
    return 0


if __name__ == "__main__":
    sys.exit(main())
