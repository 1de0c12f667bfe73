#!/usr/bin/env python3
"""Regenerate the CJK font bundled for PNG export (crates/rotor-report/assets/).

rotor's PNG charts are rasterised without the system's fontconfig, so the font has to
travel with the binary. We bundle a subset of Noto Sans CJK SC (SIL Open Font Licence
1.1, see assets/OFL.txt): printable ASCII, common symbols, CJK and full-width
punctuation and the 3755 level-1 hanzi of GB 2312 (the characters of everyday
Chinese: every label rotor draws, and nearly every fund or index name). Rare
characters outside the subset render as empty boxes in PNGs only; the HTML report
uses the reader's own fonts and is not affected.

Usage (Debian: `apt-get install fonts-noto-cjk`; PyPI: `pip install fonttools`):

    python3 scripts/make_font_subset.py \
        /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc \
        crates/rotor-report/assets/NotoSansSC-rotor-subset.otf
"""
import sys

from fontTools import subset
from fontTools.ttLib import TTCollection

SC_INDEX = 2  # "Noto Sans CJK SC" inside the Debian .ttc


def charset():
    cps = set(range(0x20, 0x7F))
    cps |= {0xA0, 0xA5, 0xB1, 0xB7, 0xD7, 0xF7, 0x2013, 0x2014, 0x2018, 0x2019,
            0x201C, 0x201D, 0x2026, 0x2030, 0x2192, 0x2191, 0x2193, 0x2212, 0x2248,
            0x2264, 0x2265, 0x25B2, 0x25BC, 0x25CF, 0x0394, 0x03A3, 0x03C3}
    cps |= set(range(0x3000, 0x3040))  # CJK punctuation
    cps |= set(range(0xFF01, 0xFF5F))  # full-width forms
    for hi in range(0xB0, 0xD8):  # GB 2312 level 1: rows 16-55
        for lo in range(0xA1, 0xFF):
            try:
                cps.add(ord(bytes([hi, lo]).decode("gb2312")))
            except UnicodeDecodeError:
                pass
    return cps


def main(src, dst):
    font = TTCollection(src).fonts[SC_INDEX]
    opts = subset.Options()
    opts.layout_features = ["kern", "liga"]
    opts.name_IDs = ["*"]
    opts.name_languages = ["*"]
    opts.notdef_outline = True
    opts.hinting = False
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=sorted(charset()))
    sub.subset(font)
    font.save(dst)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
