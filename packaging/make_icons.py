"""Render the app icon's SVG into every raster the platforms want.

One drawing, many files: the hicolor PNGs for Linux desktops and Flatpak, a multi-size
.ico for Windows and an .icns for macOS. Qt's own SVG renderer (offscreen) does the
drawing, so no image tool beyond PySide6 is needed. The .ico and .icns containers are
written by hand: both hold plain PNG images, which every supported Windows (Vista and
later) and macOS (10.7 and later) reads, so no Pillow either.

The outputs are committed; run this again only after changing the SVG:

    .venv/bin/python packaging/make_icons.py
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
APP_ID = "io.github.interviewer.Interviewer"
HICOLOR = HERE / "linux" / "icons" / "hicolor"
SVG = HICOLOR / "scalable" / "apps" / f"{APP_ID}.svg"
#: hicolor sizes shipped for Linux (the Flatpak and AppStream checks want 64 and 128).
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
#: Windows picks from these for the taskbar, Explorer views and the title bar.
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
#: macOS icon types that hold PNG data, with their pixel size (the @2x ones double up).
ICNS_TYPES = (
    (b"ic11", 32),
    (b"ic12", 64),
    (b"ic07", 128),
    (b"ic13", 256),
    (b"ic08", 256),
    (b"ic14", 512),
    (b"ic09", 512),
    (b"ic10", 1024),
)
ICO_FILE = HERE / "windows" / "interviewer.ico"
ICNS_FILE = HERE / "macos" / "interviewer.icns"


def png_path(size: int) -> Path:
    return HICOLOR / f"{size}x{size}" / "apps" / f"{APP_ID}.png"


def render_png(svg: Path, size: int) -> bytes:
    """The SVG drawn into a transparent size x size image, as PNG bytes."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg} is not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    # The stubs say bytes; PySide6 6.12 accepts only str here at run time.
    if not image.save(buffer, "PNG"):  # type: ignore[call-overload]
        raise SystemExit(f"could not encode a {size}px PNG")
    buffer.close()
    return bytes(data.data())


def ico_bytes(images: dict[int, bytes]) -> bytes:
    """An ICO file whose entries are PNG images (a width or height of 0 means 256)."""
    count = len(images)
    header = struct.pack("<HHH", 0, 1, count)
    offset = len(header) + 16 * count
    entries, blobs = b"", b""
    for size, data in sorted(images.items()):
        dim = 0 if size >= 256 else size
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(data), offset)
        blobs += data
        offset += len(data)
    return header + entries + blobs


def icns_bytes(images: list[tuple[bytes, bytes]]) -> bytes:
    """An ICNS file: big-endian 'icns' + length, then type + length + PNG per entry."""
    body = b"".join(kind + struct.pack(">I", 8 + len(data)) + data for kind, data in images)
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    rendered: dict[int, bytes] = {}
    needed = set(PNG_SIZES) | set(ICO_SIZES) | {size for _, size in ICNS_TYPES}
    for size in sorted(needed):
        rendered[size] = render_png(SVG, size)
    for size in PNG_SIZES:
        path = png_path(size)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(rendered[size])
        print(path.relative_to(HERE.parent))
    ICO_FILE.write_bytes(ico_bytes({s: rendered[s] for s in ICO_SIZES}))
    print(ICO_FILE.relative_to(HERE.parent))
    ICNS_FILE.write_bytes(icns_bytes([(kind, rendered[size]) for kind, size in ICNS_TYPES]))
    print(ICNS_FILE.relative_to(HERE.parent))
    return 0


if __name__ == "__main__":
    sys.exit(main())
