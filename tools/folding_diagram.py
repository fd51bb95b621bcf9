"""Draw the tri-fold folding diagrams in docs/ from real builds of the example clinics: both pages
side by side with each panel named, and how to print and fold. `make docs` runs this.

Pillow cannot shape Arabic, so the Arabic labels go through arabic_reshaper and get_display here
(an image, not text a reader copies); WeasyPrint always receives plain Arabic."""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import brochure  # noqa: E402
from brochure.bidi import terminal_text  # noqa: E402  (shaped, visual order: for Pillow too)
from brochure.pdf.preview import page_images  # noqa: E402
from brochure.render.balance import FLAP_MM, trifold_sides  # noqa: E402

NAMES = {
    "cover": ("1 Cover", "١ الغلاف"), "inside-1": ("2 Inside", "٢ الداخل"),
    "inside-2": ("3 Inside", "٣ الداخل"), "inside-3": ("4 Inside", "٤ الداخل"),
    "flap": ("5 Flap", "٥ الطية"), "back": ("6 Back", "٦ الخلف"),  # the note below says it folds in first
}
# No brackets in the Arabic: Noto Naskh has none, and Pillow borrows no glyphs from other fonts.
HOW = ("Print double-sided, flip on short edge. Fold the flap (5) in first, then the cover (1) over it.\n"
       "The flap (5 outside, 4 inside) is {narrower} narrower than the other panels, "
       "so it nests in the fold.",
       "اطبع على الوجهين مع القلب على الحافة القصيرة، ثم اطوِ الطية ٥ أولًا والغلاف ١ فوقها.")
DPI = 40


def font(name: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(REPO / "fonts" / name), size, layout_engine=ImageFont.Layout.BASIC)


def diagram(slug: str, languages: tuple[str, ...], out: Path) -> None:
    """Both sides of a real build, each panel outlined at its true width and named, with its
    width in millimetres: the flap (5 outside, 4 inside) is the narrower one."""
    clinic = brochure.load_clinic(REPO / "clinics" / slug)
    pages = page_images(brochure.build_leaflet(clinic, languages=languages, layout="trifold"), DPI)
    sides = trifold_sides(clinic.paper, languages[0] == "ar")
    label_en, label_ar = font("NotoSans-Bold.ttf", 15), font("NotoNaskhArabic-Bold.ttf", 16)
    small = font("NotoSans-Regular.ttf", 13)
    gap, band, labels = 30, 92, 76  # the panel labels stand above the page, covering nothing
    top = 30 + labels
    width = sum(p.width for p in pages) + gap * 3
    canvas = Image.new("RGB", (width, top + pages[0].height + band), "white")
    draw = ImageDraw.Draw(canvas)
    x = gap
    for page, side, title in zip(pages, sides, ("Outside", "Inside"), strict=True):
        canvas.paste(page, (x, top))
        draw.text((x, 6), f"{title} (page {1 if title == 'Outside' else 2})", fill="black", font=label_en)
        scale = page.width / sum(side.widths_mm)
        edges = [0.0, *side.folds_mm, sum(side.widths_mm)]
        for index, role in enumerate(side.roles):
            left, right = x + round(edges[index] * scale), x + round(edges[index + 1] * scale)
            if index:
                draw.line([(left, 32), (left, top + page.height)], fill=(200, 40, 40), width=2)
            english, arabic = NAMES[role]
            draw.text((left + 8, 32), english, fill=(200, 40, 40), font=label_en)
            draw.text((right - 8, 52), terminal_text(arabic), fill=(200, 40, 40), font=label_ar, anchor="ra")
            draw.text((left + 8, 54), f"{side.widths_mm[index]:.1f} mm", fill=(120, 120, 120), font=small)
        x += page.width + gap
    full, flap = FLAP_MM[clinic.paper]
    narrower = "3 mm" if clinic.paper == "a4" else "1/16 in (1.6 mm)"
    draw.text((gap, top + pages[0].height + 6), HOW[0].format(narrower=narrower), fill="black",
              font=label_en)
    draw.text((width - gap, top + pages[0].height + 54), terminal_text(HOW[1]), fill="black",
              font=label_ar, anchor="ra")
    canvas.save(out, optimize=True)
    print(out.relative_to(REPO), f"(panels {full:.1f} mm, flap {flap:.1f} mm)")


if __name__ == "__main__":
    diagram("harbor-spine", ("en", "ar"), REPO / "docs" / "trifold-folding-english-first.png")
    # al-noor's own section and opening hours do not fit a bilingual tri-fold under a title-only
    # cover: the Arabic-first diagram is dar-al-shifa's
    diagram("dar-al-shifa", ("ar", "en"), REPO / "docs" / "trifold-folding-arabic-first.png")
