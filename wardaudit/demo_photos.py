"""Photo-like pictures for the demo trust and the benchmarks: what a ward photo weighs.

A matron's photo, once WardAudit has scaled it to 1600 px on the long side and saved it as
JPEG (quality 85), is 150–400 KB. Flat colour would compress to a few KB and make every
figure measured with it a lie, so each picture here is a gradient with blocks of colour
(walls, doors, furniture) under fine noise (a camera sensor's grain), which JPEG cannot
squeeze much further: the same bytes a real photo costs to store, copy, hash and send.
"""

from __future__ import annotations

import io
import random
import threading
from dataclasses import dataclass
from typing import Any

LONG_SIDE = 1600  # as the app scales a photo (ui.audit.photos.LONG_SIDE)
SHORT_SIDE = 1200
JPEG_QUALITY = 85

_noise: Any = None
_noise_lock = threading.Lock()


@dataclass(frozen=True)
class DemoPicture:
    data: bytes
    width: int
    height: int


def _grain() -> Any:
    """One field of sensor grain, twice the picture's size; each picture takes its own
    window of it, so making one costs a crop rather than fresh noise."""
    global _noise
    with _noise_lock:
        if _noise is None:
            from PIL import Image

            field = Image.effect_noise((LONG_SIDE, LONG_SIDE), 32).resize(
                (LONG_SIDE * 2, LONG_SIDE * 2), Image.Resampling.BILINEAR
            )
            _noise = Image.merge(
                "RGB",
                (
                    field,
                    field.transpose(Image.Transpose.ROTATE_90),
                    field.transpose(Image.Transpose.FLIP_LEFT_RIGHT),
                ),
            )
        return _noise


def _scene(seed: int, width: int, height: int) -> Any:
    """A room, roughly: a gradient of light across two colours, with blocks of colour."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    small_w, small_h = width // 8, height // 8
    shade = Image.linear_gradient("L").rotate(rng.uniform(0, 360)).resize((small_w, small_h))
    first = tuple(rng.randint(40, 220) for _ in range(3))
    second = tuple(rng.randint(40, 220) for _ in range(3))
    small = Image.composite(
        Image.new("RGB", (small_w, small_h), first),
        Image.new("RGB", (small_w, small_h), second),
        shade,
    )
    draw = ImageDraw.Draw(small)
    for _ in range(rng.randint(6, 16)):
        x, y = rng.randint(0, small_w), rng.randint(0, small_h)
        colour = tuple(rng.randint(0, 255) for _ in range(3))
        draw.rectangle((x, y, x + rng.randint(6, 60), y + rng.randint(6, 50)), fill=colour)
    return small.resize((width, height), Image.Resampling.BILINEAR)


_scenes: dict[tuple[int, int], list[Any]] = {}
SCENES = 12  # per orientation; each picture is one under its own grain and objects


def _scenes_for(width: int, height: int) -> list[Any]:
    with _noise_lock:
        found = _scenes.get((width, height))
        if found is None:
            found = [_scene(n * 7919 + width, width, height) for n in range(SCENES)]
            _scenes[(width, height)] = found
        return found


def photo_like_jpeg(seed: int) -> DemoPicture:
    """A picture of 1600 × 1200 (or 1200 × 1600) that weighs what a ward photo weighs.

    Every seed gives different bytes: a scene under its own window of grain, with its own
    objects in it."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    width, height = (LONG_SIDE, SHORT_SIDE) if rng.random() < 0.7 else (SHORT_SIDE, LONG_SIDE)
    scene = rng.choice(_scenes_for(width, height))
    left, top = rng.randint(0, LONG_SIDE), rng.randint(0, LONG_SIDE)
    grain = _grain().crop((left, top, left + width, top + height))
    picture = Image.blend(scene, grain, rng.uniform(0.26, 0.42))
    draw = ImageDraw.Draw(picture)
    for _ in range(rng.randint(2, 5)):
        x, y = rng.randint(0, width), rng.randint(0, height)
        colour = tuple(rng.randint(0, 255) for _ in range(3))
        draw.rectangle((x, y, x + rng.randint(40, 300), y + rng.randint(40, 300)), fill=colour)
    out = io.BytesIO()
    picture.save(out, format="JPEG", quality=JPEG_QUALITY)
    return DemoPicture(out.getvalue(), width, height)
