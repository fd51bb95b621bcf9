"""What brochure's page layout costs against the cheapest layout of the same content.

WeasyPrint's layout (`HTML.render`) is most of a build, and its cost depends on the constructs a
template uses (a profile once put 90 % of it under CSS grid). This script lays out, side by side in
one process, interleaved so that noise hits both alike:

1. brochure's leaflet for the demo clinic, the HTML exactly as the build makes it (the layout step
   has chosen the density and where each section goes), with brochure's stylesheet;
2. the same content as plain HTML: the same words, lists, incision figure (the same SVG) and
   contact lines, English and Arabic in two simple floated columns, the same fonts, no grid, no
   brand styling.

and prints the cost per page of each (median layout time / pages) and their ratio, the page-cost
ratio (target: at most 1.5). It also prints the full build (`make_leaflet`: the layout step's
measuring, layout, PDF and checks) for scale.

Run from the repository root: `make bench`, or `python bench/bench_layout.py --repeat 8`.
"""

from __future__ import annotations

import statistics
from pathlib import Path

import weasyprint
from markupsafe import escape
from timing import repeat_from_arguments, timed  # bench/timing.py, beside this script

import brochure
from brochure.config.content import load_topic
from brochure.render import html as brochure_html
from brochure.render.leaflet import fitted
from brochure.render.pages import descendants
from brochure.weasy import page_box

DEMO_CLINIC = Path("clinics/al-noor")
TARGET_RATIO = 1.5

PLAIN_STYLE = """
@page { size: A4; margin: 10mm 12mm 12mm 12mm; }
html { font-family: "Brochure Sans", "Brochure Naskh"; font-size: 12pt; line-height: 1.38; }
.col { width: 47%; }
.en { float: left; }
.ar { float: right; direction: rtl; font-family: "Brochure Naskh", "Brochure Sans"; font-size: 14pt; }
h1 { font-size: 28pt; } h2 { font-size: 14pt; } svg { display: block; }
"""


def plain_html(clinic, topic, leaflet_html: str) -> str:
    """The leaflet's content as the simplest HTML that holds it: the figure's SVG is taken from
    the leaflet itself, so both lay out the same drawing."""
    start = leaflet_html.index('<svg class="bar')
    figure = leaflet_html[start:leaflet_html.index("</div>", leaflet_html.index('<svg class="ruler"'))]
    fonts = "".join(
        f'@font-face {{ font-family: "{family}"; font-weight: {weight}; src: url("{path.as_uri()}"); }}'
        for family, weight, path in _fonts())
    words = brochure_html.interface_words()
    columns = []
    for lang in ("en", "ar"):
        parts = [f"<h1>{escape(topic.title[lang])}</h1>"]
        for section in topic.sections + clinic.extra_sections:
            text = section[lang]
            parts.append(f"<h2>{escape(text.heading)}</h2>")
            parts += [f"<p>{escape(p)}</p>" for p in text.paragraphs]
            if text.items:
                parts.append("<ul>" + "".join(f"<li>{escape(i)}</li>" for i in text.items) + "</ul>")
            parts += [f"<p>{escape(p)}</p>" for p in text.closing]
        contact = clinic.contact
        parts.append(f"<h2>{escape(words['contact_heading'][lang])}</h2>")
        parts += [f"<p>{escape(value)}</p>" for value in
                  (contact.phone, contact.email, contact.website, contact.address[lang])]
        parts.append(f"<p>{escape(words['disclaimer'][lang])}</p>")
        columns.append(f'<div class="col {lang}" lang="{lang}">{"".join(parts)}</div>')
    return (f"<!doctype html><html><head><meta charset='utf-8'><style>{fonts}{PLAIN_STYLE}</style>"
            f"</head><body>{''.join(columns)}<div style='clear: both'>{figure}</div></body></html>")


def _fonts():
    from brochure.assets import fonts_dir

    for family, stem, weight in (("Brochure Sans", "NotoSans-Regular", 400),
                                 ("Brochure Sans", "NotoSans-Bold", 700),
                                 ("Brochure Naskh", "NotoNaskhArabic-Regular", 400),
                                 ("Brochure Naskh", "NotoNaskhArabic-Bold", 700)):
        yield family, weight, fonts_dir() / f"{stem}.ttf"


def uses_grid(document) -> bool:
    return any(getattr(box, "style", None) is not None and "grid" in box.style["display"]
               for page in document.pages for box in descendants(page_box(page)))


def bench(repeat: int) -> None:
    clinic = brochure.load_clinic(DEMO_CLINIC)
    topic = load_topic("miss")
    languages, paper = clinic.languages, clinic.paper
    html, _, density = fitted(clinic, topic, languages, paper, layout="sheet", edition="office",
                              write=False)
    plain = plain_html(clinic, topic, html)
    fonts = brochure_html._font_config()
    sheets = [brochure_html._stylesheet("leaflet")]
    base_url = clinic.folder.as_uri() + "/"

    def leaflet():
        return weasyprint.HTML(string=html, base_url=base_url).render(font_config=fonts,
                                                                      stylesheets=sheets)

    def bare():
        return weasyprint.HTML(string=plain, base_url=base_url).render(font_config=fonts)

    pages = {"leaflet": len(leaflet().pages), "plain": len(bare().pages)}  # also the warm-up
    grid = uses_grid(leaflet())
    times: dict[str, list[float]] = {"leaflet": [], "plain": [], "build": []}
    for _ in range(repeat):  # interleaved: drift and noise hit all three
        times["leaflet"].append(timed(leaflet))
        times["plain"].append(timed(bare))
        times["build"].append(timed(lambda: brochure.make_leaflet(clinic)))
    print(f"{DEMO_CLINIC} ({paper.upper()}, {','.join(languages)}, density {density}), layout "
          f"(HTML.render), {repeat} runs each, warm:")
    print(f"  {'':44} {'median s':>9} {'pages':>6} {'s/page':>8}")
    cost = {}
    for key, label in (("leaflet", "brochure's leaflet HTML and stylesheet"),
                       ("plain", "bare WeasyPrint, same content, plain HTML")):
        median = statistics.median(times[key])
        cost[key] = median / pages[key]
        print(f"  {label:44} {median:9.3f} {pages[key]:6d} {cost[key]:8.3f}")
    ratio = cost["leaflet"] / cost["plain"]
    verdict = "within" if ratio <= TARGET_RATIO else "OVER"
    print(f"  page-cost ratio: {ratio:.2f} ({verdict} the target of {TARGET_RATIO}); "
          f"CSS grid in the leaflet: {'yes' if grid else 'none'}")
    print(f"  full build (make_leaflet: layout step, layout, PDF, checks): "
          f"{statistics.median(times['build']):.3f} s median")


def main() -> None:
    repeat = repeat_from_arguments(__doc__.splitlines()[0], "layout")
    bench(repeat)


if __name__ == "__main__":
    main()
