"""The one way a screen asks where to save a document or exchange file, and which to open.

Every "save as PDF / Excel / exchange file" goes through :meth:`FileChooser.save_path`: it
suggests a name, adds the suffix she left off, and opens in the folder she last used on
that screen (at first her Documents folder, else her home folder).
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from PySide6.QtCore import QStandardPaths, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from exports.documents import KIND_WORDS

FileKind = Literal["pdf", "xlsx", "wardaudit"]


@dataclass(frozen=True)
class _Format:
    words: str  # as a caption says it: "Export the work list (PDF)"
    suffix: str
    filter: str


# Documents are named as the documents' front door names them; exchange files are the app's.
FORMATS: dict[FileKind, _Format] = {
    **{
        kind: _Format(words, f".{kind}", file_filter)
        for kind, (words, file_filter) in KIND_WORDS.items()
    },
    "wardaudit": _Format(
        "exchange file", ".wardaudit", "WardAudit exchange files (*.wardaudit);;All files (*)"
    ),
}
WORKBOOK_FILTER = KIND_WORDS["xlsx"][1] + ";;All files (*)"  # a returned workbook, to open


def kind_words(kind: FileKind) -> str:
    """ "PDF", "Excel", "exchange file"."""
    return FORMATS[kind].words


def documents_folder() -> Path:
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(documents) if documents and Path(documents).is_dir() else Path.home()


def pictures_folder() -> Path:
    pictures = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.PicturesLocation)
    return Path(pictures) if pictures and Path(pictures).is_dir() else documents_folder()


FOLDER_SETTING = "folders/{kind}"


def last_folder(kind: Literal["documents", "pictures"]) -> Path:
    """The folder she last used for documents or pictures, on this laptop; at first her own
    Documents or Pictures folder, never the app's folder."""
    from ui.theme import display_settings

    saved = display_settings().value(FOLDER_SETTING.format(kind=kind))
    if saved and Path(str(saved)).is_dir():
        return Path(str(saved))
    return pictures_folder() if kind == "pictures" else documents_folder()


def remember_folder(kind: Literal["documents", "pictures"], folder: Path) -> None:
    from ui.theme import display_settings

    settings = display_settings()
    settings.setValue(FOLDER_SETTING.format(kind=kind), str(folder))
    settings.sync()


def open_file(path: Path) -> bool:
    """Open a saved document in the program the laptop uses for it (a test replaces this)."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def show_in_folder(path: Path) -> bool:
    """Open the folder that holds a saved document."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(Path(path).parent)))


def tell_saved(
    parent: QWidget, title: str, text: str, path: Path, details: str = ""
) -> QMessageBox:
    """Say a file was saved, with "Open" and "Show in folder" beside OK; it does not stop the
    app while open. Every export in the app ends here."""
    box = QMessageBox(
        QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.Ok, parent
    )
    box.setAccessibleName(title)
    if details:
        box.setInformativeText(details)
    opener = box.addButton("Open", QMessageBox.ButtonRole.ActionRole)
    folder = box.addButton("Show in folder", QMessageBox.ButtonRole.ActionRole)
    opener.setAccessibleName(f"Open {Path(path).name}")
    folder.setAccessibleName(f"Show {Path(path).name} in its folder")
    # An action button would close the box; these open the file or folder and keep it open.
    opener.clicked.disconnect()
    folder.clicked.disconnect()
    opener.clicked.connect(lambda: open_file(Path(path)))
    folder.clicked.connect(lambda: show_in_folder(Path(path)))
    box.setProperty("savedPath", str(path))
    from ui.widgets.messages import open_dialog

    return open_dialog(box)


class FileChooser:
    """Save and open dialogs for one screen, remembering the folder last used there."""

    def __init__(self, parent: QWidget) -> None:
        self._parent = weakref.ref(parent)  # the screen holds its chooser: no cycle back
        self._folder: Path | None = None

    @property
    def folder(self) -> Path:
        """Where the next dialog opens: the folder last used (on any screen), at first her
        Documents folder."""
        if self._folder is not None and self._folder.is_dir():
            return self._folder
        return last_folder("documents")

    def save_path(self, caption: str, name: str, kind: FileKind) -> Path | None:
        """Ask where to save ``name`` (no suffix needed); None if she cancels."""
        found = FORMATS[kind]
        suggested = name if name.casefold().endswith(found.suffix) else name + found.suffix
        chosen, _filter = QFileDialog.getSaveFileName(
            self._parent(), caption, str(self.folder / suggested), found.filter
        )
        if not chosen:
            return None
        path = Path(chosen)
        if path.suffix.casefold() != found.suffix:
            path = path.with_name(path.name + found.suffix)
        self.remember(path)
        return path

    def open_path(self, caption: str, file_filter: str) -> Path | None:
        """Ask for one file to open; None if she cancels."""
        chosen, _filter = QFileDialog.getOpenFileName(
            self._parent(), caption, str(self.folder), file_filter
        )
        if not chosen:
            return None
        self.remember(Path(chosen))
        return Path(chosen)

    def open_paths(self, caption: str, file_filter: str) -> list[Path]:
        """Ask for files to open; empty if she cancels."""
        chosen, _filter = QFileDialog.getOpenFileNames(
            self._parent(), caption, str(self.folder), file_filter
        )
        paths = [Path(p) for p in chosen]
        if paths:
            self.remember(paths[0])
        return paths

    def remember(self, path: Path) -> None:
        """A file she chose another way (dropped on the window): its folder is next."""
        self._folder = Path(path).parent
        remember_folder("documents", self._folder)
