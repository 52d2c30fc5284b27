"""PySide6.QtGui for WardAudit's bundle: PyInstaller's own hook, minus the plugins it never uses.

PyInstaller collects every plugin of QtGui's plugin types and then every library those
plugins need, which drags GTK, Wayland, EGL, SVG and more into the bundle. This hook
(found through ``hookspath`` in wardaudit.spec, so it replaces PyInstaller's) keeps only
what a widgets app on a ward laptop needs, before those libraries are looked for.
"""

from PyInstaller.utils.hooks.qt import add_qt6_dependencies

# Plugin folder -> plugin names kept (None keeps the whole folder; a folder not listed is
# dropped). Names are the file names without "lib" and the extension.
KEEP_PLUGINS = {
    # The screen: Windows, X11 on Linux (also under XWayland), offscreen for --self-check.
    "platforms": {"qwindows", "qxcb", "qoffscreen", "qminimal", "qcocoa"},
    "platforms/darwin": None,
    "xcbglintegrations": None,  # small; keeps qxcb quiet on machines with OpenGL
    # Photos WardAudit accepts: JPEG, PNG and BMP are built into QtGui; these add the rest.
    "imageformats": {"qjpeg", "qgif", "qtiff", "qwebp", "qico"},
    # Dead keys and input methods for typing notes on Linux.
    "platforminputcontexts": {
        "composeplatforminputcontextplugin",
        "ibusplatforminputcontextplugin",
    },
}


def _kept(source: str, destination: str) -> bool:
    """``destination`` is the folder the file goes to, such as PySide6/Qt/plugins/platforms."""
    parts = destination.replace("\\", "/").split("/")
    if "plugins" not in parts:
        return True
    folder = "/".join(parts[parts.index("plugins") + 1 :])
    if folder not in KEEP_PLUGINS:
        return False
    wanted = KEEP_PLUGINS[folder]
    name = source.replace("\\", "/").rsplit("/", 1)[-1].split(".")[0]
    name = name[3:] if name.startswith("lib") else name
    return wanted is None or name in wanted


hiddenimports, binaries, datas = add_qt6_dependencies(__file__)
binaries = [(source, destination) for source, destination in binaries if _kept(source, destination)]
