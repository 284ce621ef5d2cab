"""Write builder/first_names.tsv: US first names and the sex most people who bear them have.

The source is the 1990 US Census name lists (public domain), as shipped by the `names`
package on PyPI (MIT): dist.male.first and dist.female.first, each name with its frequency
in per cent of that sex. A name is "m" or "f" when one sex bears it at least four times as
often as the other and at least 5 in 100,000 of that sex bear it; other names (Morgan,
Jordan, Lu) are left out. The quote finder weighs the table against what the article
itself says (see ArticleTables.gender_of in builder/quote_article.py).

usage: python tools/make_first_names.py DIR   (DIR: the unpacked names-0.3.0 sdist)
"""
import sys
from pathlib import Path

RATIO = 4.0
RARE = 0.005  # per cent of its sex: 5 in 100,000


def read(path: Path) -> dict[str, float]:
    out = {}
    for line in path.read_text(encoding="ascii").splitlines():
        parts = line.split()
        if len(parts) == 4:
            out[parts[0].capitalize()] = float(parts[1])
    return out


def main() -> None:
    src = Path(sys.argv[1]) / "names"
    male, female = read(src / "dist.male.first"), read(src / "dist.female.first")
    rows = []
    for name in sorted(set(male) | set(female)):
        m, f = male.get(name, 0.0), female.get(name, 0.0)
        # a frequency of 0.000 is a name borne by fewer than 1 in 100,000: count it as rare
        m, f = max(m, 0.0005) if name in male else 0.0, max(f, 0.0005) if name in female else 0.0
        if max(m, f) < RARE:
            sex = "?"  # too rare for its count to say much ("Lu": 3 women in 100,000)
        else:
            sex = "m" if m >= RATIO * f else "f" if f >= RATIO * m else "?"
        if sex != "?":
            rows.append(f"{name}\t{sex}")
    out = Path(__file__).resolve().parent.parent / "builder" / "first_names.tsv"
    out.write_text("# US first names (1990 Census, public domain) borne mostly by one sex: name, m or f.\n"
                   "# Made by tools/make_first_names.py.\n"
                   + "\n".join(rows) + "\n", encoding="utf-8")
    print(f"{len(rows)} names -> {out}")


if __name__ == "__main__":
    main()
