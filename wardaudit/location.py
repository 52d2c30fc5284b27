"""Warn when the database sits where SQLite files get corrupted: network shares, synced folders."""

from __future__ import annotations

import os
import sys
from pathlib import Path

_SYNCED_FOLDERS = (
    "onedrive",
    "dropbox",
    "google drive",
    "googledrive",
    "icloud",
    "box sync",
    "nextcloud",
    "owncloud",
)
_NETWORK_FILESYSTEMS = {
    "nfs",
    "nfs4",
    "cifs",
    "smb",
    "smb2",
    "smb3",
    "smbfs",
    "sshfs",
    "fuse.sshfs",
    "afpfs",
    "9p",
    "davfs",
    "fuse.rclone",
    "webdav",
}


def _mount_type(path: Path) -> str | None:
    """The filesystem type of the mount holding ``path`` (Linux only; None elsewhere)."""
    try:
        with open("/proc/mounts", encoding="utf-8") as handle:
            mounts = [line.split()[:3] for line in handle if line.strip()]
    except OSError:
        return None
    best, best_type = "", None
    target = str(path)
    for _device, mount_point, fs_type in mounts:
        mount_point = mount_point.replace("\\040", " ")
        if (target == mount_point or target.startswith(mount_point.rstrip("/") + "/")) and len(
            mount_point
        ) > len(best):
            best, best_type = mount_point, fs_type
    return best_type


def _windows_remote(path: Path) -> bool:
    text = str(path)
    if text.startswith("\\\\"):
        return True
    if sys.platform != "win32":
        return False
    import ctypes

    drive = os.path.splitdrive(text)[0] + "\\"
    return bool(ctypes.windll.kernel32.GetDriveTypeW(drive) == 4)


def warnings_for(path: Path) -> list[str]:
    """Plain-English warnings about where the database file lives; empty when all is well."""
    warnings: list[str] = []
    resolved = path.absolute()
    lowered = [part.lower() for part in resolved.parts]
    for part in lowered:
        if any(part.startswith(name) for name in _SYNCED_FOLDERS):
            warnings.append(
                f"the database {resolved} is inside a synced folder ({part}). Syncing can "
                "corrupt it: move it to a local folder such as the default location."
            )
            break
    fs_type = _mount_type(resolved.parent)
    if _windows_remote(resolved) or (
        fs_type is not None and fs_type.lower() in _NETWORK_FILESYSTEMS
    ):
        warnings.append(
            f"the database {resolved} is on a network drive. SQLite databases can be corrupted "
            "on network drives: keep it on the laptop's own disk and share exchange files instead."
        )
    return warnings
