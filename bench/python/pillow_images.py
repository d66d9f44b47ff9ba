#!/usr/bin/env python3
"""The image preprocessing steps with Pillow, the baseline of io.shardline.bench.ImageCodecBench.

  pillow_images.py prepare SKIMAGE_DATA OUT   # the benchmark's image sets, from scikit-image's photographs
  pillow_images.py run FOLDER [ROUNDS]        # decode + dHash + resize to 256 + JPEG 90, one thread

"run" does what the job does per image, on the same files: decode (JPEG with Image.draft, Pillow's DCT-domain
scaling, to the smallest scale whose shorter side is still >= 256), EXIF orientation, RGB, a 9x8 dHash of the
grey image (area averages), resize so that the shorter side is 256 (BILINEAR, which Pillow widens with the
reduction), JPEG at quality 90 (4:2:0). It reports images per CPU-second of this process (time.process_time),
after one untimed round; the files are read into memory first.
"""
import glob
import io
import math
import os
import sys
import time

from PIL import Image, ImageOps, features

SIDE = 256
QUALITY = 90
# scikit-image's colour photographs (data/ of python3-skimage and python3-skimage-lib).
PHOTOS = ["astronaut.png", "chelsea.png", "coffee.png", "ihc.png", "motorcycle_left.png", "motorcycle_right.png",
          "rocket.jpg", "hubble_deep_field.jpg", "retina.jpg"]


def process(data):
    im = Image.open(io.BytesIO(data))
    w, h = im.size
    scale = SIDE / min(w, h)
    if im.format == "JPEG" and scale < 1:
        im.draft("RGB", (math.ceil(w * scale), math.ceil(h * scale)))
    im = ImageOps.exif_transpose(im)
    if im.mode != "RGB":
        im = im.convert("RGB")
    grey = im.convert("L").resize((9, 8), Image.BOX)
    px = grey.load()
    dhash = 0
    for y in range(8):
        for x in range(8):
            if px[x, y] > px[x + 1, y]:
                dhash |= 1 << (8 * y + x)
    if scale < 1:
        im = im.resize((max(1, round(w * scale)), max(1, round(h * scale))), Image.BILINEAR)
    out = io.BytesIO()
    im.save(out, "JPEG", quality=QUALITY)
    return len(out.getvalue()), dhash


def run(folder, rounds):
    files = sorted(f for f in glob.glob(os.path.join(folder, "*")) if f.lower().endswith((".jpg", ".jpeg", ".png")))
    images = [open(f, "rb").read() for f in files]
    print(f"{folder}: {len(images)} images, {sum(map(len, images)) / 1024 / len(images):.0f} KB on average; "
          f"Pillow {Image.__version__}, libjpeg-turbo {features.check_feature('libjpeg_turbo')}")
    for data in images:  # warm-up
        process(data)
    cpu0 = time.process_time()
    for _ in range(rounds):
        for data in images:
            process(data)
    cpu = time.process_time() - cpu0
    n = len(images) * rounds
    print(f"pillow   {n / cpu:8.1f} images/CPU-s  {cpu * 1000 / n:6.2f} ms/image  ({n} images, {cpu:.2f} CPU-s)")


def prepare(src, out):
    """Two sizes, each as JPEG (quality 90) and PNG: ImageNet-like (shorter side 375) and large (longer side 1200)."""
    for name, fit in (("imagenet", lambda w, h: 375 / min(w, h)), ("large", lambda w, h: 1200 / max(w, h))):
        for fmt in ("jpeg", "png"):
            os.makedirs(os.path.join(out, f"{name}-{fmt}"), exist_ok=True)
        for photo in PHOTOS:
            im = Image.open(os.path.join(src, photo)).convert("RGB")
            s = fit(*im.size)
            im = im.resize((round(im.width * s), round(im.height * s)), Image.LANCZOS)
            stem = os.path.splitext(photo)[0]
            im.save(os.path.join(out, f"{name}-jpeg", stem + ".jpg"), "JPEG", quality=90)
            im.save(os.path.join(out, f"{name}-png", stem + ".png"))


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "run":
        run(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 5)
    elif len(sys.argv) == 4 and sys.argv[1] == "prepare":
        prepare(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
