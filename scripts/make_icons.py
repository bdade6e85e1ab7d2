"""Draws the app icons in assets/icons/ (run once; the PNGs are committed).

The design is the header's brand mark: a white chef's hat on the house orange. ``any`` icons are
a rounded square; the maskable and Apple icons fill the square (the phone cuts its own shape) and
keep the hat inside the central safe circle.

    uv run python scripts/make_icons.py
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parents[1] / "assets" / "icons"
TOP = (249, 115, 22)  # orange-500
BOTTOM = (234, 88, 12)  # #ea580c, the theme colour
WHITE = (255, 255, 255, 255)
SHADOW = (154, 52, 18, 90)  # orange-800, translucent
DRAW_AT = 1024  # drawn large, scaled down smoothly

# (file, size, full_bleed, hat_scale): hat_scale is the hat's width as a share of the icon.
ICONS = [
    ("icon-192.png", 192, False, 0.58),
    ("icon-512.png", 512, False, 0.58),
    ("icon-maskable-512.png", 512, True, 0.50),
    ("apple-touch-icon.png", 180, True, 0.58),
    ("favicon-32.png", 32, False, 0.70),
]


def background(full_bleed: bool) -> Image.Image:
    """A top-to-bottom orange gradient, square or with rounded corners."""
    gradient = Image.new("RGBA", (DRAW_AT, DRAW_AT))
    pen = ImageDraw.Draw(gradient)
    for y in range(DRAW_AT):
        t = y / (DRAW_AT - 1)
        colour = tuple(round(a + (b - a) * t) for a, b in zip(TOP, BOTTOM, strict=True))
        pen.line([(0, y), (DRAW_AT, y)], fill=(*colour, 255))
    if full_bleed:
        return gradient
    mask = Image.new("L", (DRAW_AT, DRAW_AT), 0)
    ImageDraw.Draw(mask).rounded_rectangle(
        [0, 0, DRAW_AT - 1, DRAW_AT - 1], radius=DRAW_AT // 5, fill=255
    )
    shaped = Image.new("RGBA", (DRAW_AT, DRAW_AT), (0, 0, 0, 0))
    shaped.paste(gradient, mask=mask)
    return shaped


def draw_hat(pen: ImageDraw.ImageDraw, scale: float, offset: int, fill: tuple) -> None:
    """A chef's hat: three puffs over a band, centred; ``scale`` is its width in the icon."""
    width = DRAW_AT * scale
    left = (DRAW_AT - width) / 2
    top = DRAW_AT / 2 - width * 0.47 + offset

    def box(x: float, y: float, w: float, h: float) -> list[float]:
        return [left + x * width, top + y * width, left + (x + w) * width, top + (y + h) * width]

    pen.ellipse(box(0.00, 0.18, 0.42, 0.42), fill=fill)  # left puff
    pen.ellipse(box(0.58, 0.18, 0.42, 0.42), fill=fill)  # right puff
    pen.ellipse(box(0.22, 0.00, 0.56, 0.56), fill=fill)  # top puff
    pen.rectangle(box(0.16, 0.38, 0.68, 0.34), fill=fill)  # crown
    pen.rounded_rectangle(box(0.16, 0.78, 0.68, 0.16), radius=width * 0.05, fill=fill)  # band


def icon(size: int, full_bleed: bool, hat_scale: float) -> Image.Image:
    picture = background(full_bleed)
    shadow = Image.new("RGBA", picture.size, (0, 0, 0, 0))
    draw_hat(ImageDraw.Draw(shadow), hat_scale, offset=DRAW_AT // 64, fill=SHADOW)
    picture = Image.alpha_composite(picture, shadow)
    draw_hat(ImageDraw.Draw(picture), hat_scale, offset=0, fill=WHITE)
    if full_bleed:
        picture = picture.convert("RGB")  # no transparency: phones fill it with black
    return picture.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, size, full_bleed, hat_scale in ICONS:
        icon(size, full_bleed, hat_scale).save(OUT / name, optimize=True)
        print(f"{OUT / name} ({size}x{size})")


if __name__ == "__main__":
    main()
