"""Photos for an audit item: chosen from files, resized sensibly, kept with the audit.

Pictures from a phone or tablet are often 4000 px or more; they are scaled to fit
1600 px on the long side and saved as JPEG (quality 85), which keeps a ward's audit to a
few megabytes while a blind spot or a broken lock stays clearly visible.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QImageReader, QPainter, QPixmap
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.context import AppContext
from ui.ops import Op
from ui.theme import touch_sized
from wardaudit.errors import InvalidInput, PhotoUnreadable
from wardaudit.model import Photo

log = logging.getLogger(__name__)

LONG_SIDE = 1600
JPEG_QUALITY = 85
THUMBNAIL_HEIGHT = 96
PICTURE_FILTER = "Pictures (*.jpg *.jpeg *.png *.bmp *.gif *.tif *.tiff *.webp);;All files (*)"


@dataclass(frozen=True)
class PreparedPhoto:
    """A picture ready for the store: JPEG bytes and the size they hold."""

    data: bytes
    filename: str
    width: int
    height: int
    media_type: str = "image/jpeg"


def choose_photo_files(parent: QWidget | None) -> list[str]:
    """Ask for picture files (a modal dialog: tests replace this function)."""
    from ui.widgets.files import last_folder, remember_folder

    paths, _ = QFileDialog.getOpenFileNames(
        parent, "Add photos to this item", str(last_folder("pictures")), PICTURE_FILTER
    )
    if paths:
        remember_folder("pictures", Path(paths[0]).parent)
    return list(paths)


def prepare_photo(path: str | Path) -> PreparedPhoto:
    """Read, turn upright, scale down and encode one picture.

    Runs off the UI thread (QImage, unlike QPixmap, may be used there), so it touches no
    widget and returns plain data.
    """
    path = Path(path)
    reader = QImageReader(str(path))
    reader.setAutoTransform(True)  # phone pictures carry their rotation in EXIF
    image = reader.read()
    if image.isNull():
        raise InvalidInput(
            f"{path.name} could not be read as a picture ({reader.errorString()}); "
            "choose a JPEG or PNG file"
        )
    if max(image.width(), image.height()) > LONG_SIDE:
        image = image.scaled(
            LONG_SIDE,
            LONG_SIDE,
            Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
    if image.hasAlphaChannel():
        # JPEG has no transparency: put the picture on white rather than black.
        flat = QImage(image.size(), QImage.Format.Format_RGB32)
        flat.fill(QColor("white"))
        painter = QPainter(flat)
        painter.drawImage(0, 0, image)
        painter.end()
        image = flat
    else:
        image = image.convertToFormat(QImage.Format.Format_RGB32)
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    # PySide6's stubs ask for the format as bytes, but at run time it takes only a str
    if not image.save(buffer, "JPEG", JPEG_QUALITY):  # type: ignore[call-overload]
        raise InvalidInput(f"{path.name} could not be converted to JPEG")
    buffer.close()
    return PreparedPhoto(bytes(data.data()), path.stem + ".jpg", image.width(), image.height())


def thumbnail(data: bytes, height: int = THUMBNAIL_HEIGHT) -> QPixmap:
    pixmap = QPixmap()
    if not pixmap.loadFromData(data):
        return QPixmap()
    return pixmap.scaledToHeight(height, Qt.TransformationMode.SmoothTransformation)


class PhotoStrip(QWidget):
    """The item's photos as a row of thumbnails, each with its own Remove button."""

    remove_requested = Signal(str)  # photo id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._row = QHBoxLayout(self)
        self._row.setContentsMargins(0, 0, 0, 0)
        self._row.setSpacing(8)
        self._empty = QLabel("No photos for this item.")
        self._empty.setWordWrap(True)
        self._row.addWidget(self._empty, 1)
        self._row.addStretch(0)
        self._tiles: list[QWidget] = []
        self._cache: dict[str, QPixmap] = {}
        self._problems: dict[str, str] = {}  # photo id → "Damaged photo" or "Missing photo"

    def set_photos(
        self, photos: list[Photo], load: Callable[[str], bytes], *, editable: bool
    ) -> None:
        """Show ``photos``; ``load(photo_id)`` returns the stored bytes (cached here)."""
        for tile in self._tiles:
            self._row.removeWidget(tile)
            tile.deleteLater()
        self._tiles = []
        self._empty.setVisible(not photos)
        for number, photo in enumerate(photos, start=1):
            pixmap = self._cache.get(photo.id)
            problem = self._problems.get(photo.id, "")
            if pixmap is None:
                try:
                    pixmap = thumbnail(load(photo.id))
                except PhotoUnreadable as error:  # never shown wrong: a placeholder instead
                    log.warning("photo %s not shown: %s", photo.id, error)
                    pixmap = QPixmap()
                    problem = "Missing photo" if error.problem == "missing" else "Damaged photo"
                except Exception:  # a picture that cannot be read must not stop the audit
                    log.exception("could not load photo %s", photo.id)
                    pixmap = QPixmap()
                self._cache[photo.id] = pixmap
                if problem:
                    self._problems[photo.id] = problem
            tile = QFrame(self)
            tile.setFrameShape(QFrame.Shape.StyledPanel)
            column = QVBoxLayout(tile)
            column.setContentsMargins(4, 4, 4, 4)
            picture = QLabel(tile)
            picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
            picture.setMinimumSize(QSize(THUMBNAIL_HEIGHT, THUMBNAIL_HEIGHT))
            if pixmap.isNull():
                picture.setText(problem.replace(" ", "\n") if problem else "(picture\nunreadable)")
            else:
                picture.setPixmap(pixmap)
            described = f"Photo {number}: {photo.filename}, {photo.width} × {photo.height}"
            if problem:
                described = (
                    f"Photo {number}: {photo.filename}: {problem.lower()}, not shown. "
                    "In Settings, Check photos lists it and can put back a copy from the backups."
                )
            picture.setToolTip(described)
            picture.setAccessibleName(described)
            column.addWidget(picture)
            if editable:
                remove = QPushButton("Remove", tile)
                touch_sized(remove)
                remove.setAccessibleName(f"Remove photo {number} ({photo.filename})")
                remove.clicked.connect(
                    lambda _=False, pid=photo.id: self.remove_requested.emit(pid)
                )
                column.addWidget(remove)
            self._row.insertWidget(len(self._tiles), tile)
            self._tiles.append(tile)

    def tile_count(self) -> int:
        return len(self._tiles)

    def problem_of(self, photo_id: str) -> str:
        """ "Damaged photo" or "Missing photo" when that photo could not be shown, else ""."""
        return self._problems.get(photo_id, "")


class PhotoAdder(QObject):
    """Adds the pictures she chooses to an item: each is scaled off the UI thread, then stored
    with the item; ``button`` waits meanwhile and ``busy`` says how many are on their way."""

    stored = Signal(str, str)  # audit id, item id: one photo is in the store
    failed = Signal(object)  # the error: that photo was not stored

    def __init__(self, ctx: AppContext, button: QPushButton, busy: QLabel, parent: QWidget) -> None:
        super().__init__(parent)  # the screen: asked through Qt, so no Python cycle holds it
        self.ctx = ctx
        self._button = button
        self._busy = busy

    def _screen(self) -> QWidget:
        screen = self.parent()
        assert isinstance(screen, QWidget)
        return screen

    def add(self, audit_id: str, item_id: str) -> None:
        screen = self._screen()
        paths = choose_photo_files(screen)
        if not paths:
            return
        self._busy.setText(f"Adding {len(paths)} photo(s)…")
        self._button.setEnabled(False)
        pending = {"left": len(paths)}

        def finished() -> None:
            pending["left"] -= 1
            if pending["left"] == 0:
                self._busy.setText("")
                self._button.setEnabled(True)

        def store(prepared: PreparedPhoto) -> None:
            try:
                self.ctx.store.photos.add(
                    audit_id,
                    item_id,
                    prepared.data,
                    filename=prepared.filename,
                    media_type=prepared.media_type,
                    width=prepared.width,
                    height=prepared.height,
                    actor=self.ctx.auditor_name,
                )
            except Exception as error:  # marked "Not saved" by the screen, shown and logged
                self.failed.emit(error)
                return
            self.stored.emit(audit_id, item_id)

        for path in paths:
            Op(screen, partial(prepare_photo, path)).always(finished).success(store).run()
