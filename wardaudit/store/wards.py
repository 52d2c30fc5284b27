"""The register of sites and wards. Ward names are unique within a database."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from wardaudit import clock
from wardaudit.checklist import DESIGNATIONS
from wardaudit.errors import InvalidInput, NotFound
from wardaudit.model import Designation, Site, Ward
from wardaudit.store.history import append_event, new_uuid

if TYPE_CHECKING:
    from wardaudit.store import Store
    from wardaudit.store.database import Executor

_WARD_SELECT = (
    "SELECT w.uuid, w.name, s.name, w.sex, w.service, w.beds, w.areas"
    " FROM wards w JOIN sites s ON s.id = w.site_id"
)


class Wards:
    """``store.wards``: sites and their wards, added and edited one transaction each."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._db = store._db

    def sites(self) -> list[Site]:
        rows = self._db.query("SELECT uuid, name FROM sites ORDER BY name")
        return [Site(r[0], r[1]) for r in rows]

    def site(self, name: str) -> Site:
        rows = self._db.query("SELECT uuid, name FROM sites WHERE name = ?", (name,))
        if not rows:
            known = ", ".join(s.name for s in self.sites()) or "none yet"
            raise NotFound(f"no site called '{name}' (sites: {known})")
        return Site(rows[0][0], rows[0][1])

    def get(self, ref: str) -> Ward:
        """A ward by its id or its exact name."""
        rows = self._db.query(_WARD_SELECT + " WHERE w.uuid = ? OR w.name = ?", (ref, ref))
        if not rows:
            raise NotFound(f"no ward with the id or name '{ref}' (see 'wardaudit wards list')")
        return ward_from_row(rows[0])

    def add(
        self,
        *,
        site: str,
        name: str,
        sex: Designation,
        service: str = "",
        beds: int | None = None,
        areas: Sequence[str] = (),
        actor: str = "",
    ) -> Ward:
        """Add a ward (and its site, if new). Ward names are unique within a database."""
        name = name.strip()
        _check_ward_fields(name, sex, beds)
        clean_areas = _clean_areas(areas)
        with self._db.transaction() as conn:
            if conn.execute("SELECT 1 FROM wards WHERE name = ?", (name,)).fetchone():
                raise InvalidInput(
                    f"there is already a ward called '{name}'; ward names must be unique"
                )
            site_rowid = site_rowid_for(conn, site)
            ward_uuid = new_uuid()
            now = clock.now_iso()
            conn.execute(
                "INSERT INTO wards(uuid, site_id, name, service, sex, beds, areas, created_at,"
                " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    ward_uuid,
                    site_rowid,
                    name,
                    service.strip(),
                    sex,
                    beds,
                    json.dumps(clean_areas),
                    now,
                    now,
                ),
            )
            append_event(
                conn,
                "ward_added",
                actor=actor,
                ward=ward_uuid,
                name=name,
                site=site,
                sex=sex,
                service=service,
                beds=beds,
            )
        return self.get(ward_uuid)

    def edit(
        self,
        ward_ref: str,
        *,
        site: str,
        name: str,
        sex: Designation,
        service: str = "",
        beds: int | None = None,
        areas: Sequence[str] = (),
        actor: str = "",
    ) -> Ward:
        """Change a ward's details; its designation only while no audit of it is open."""
        ward = self.get(ward_ref)
        name = name.strip()
        _check_ward_fields(name, sex, beds)
        with self._db.transaction() as conn:
            clash = conn.execute(
                "SELECT 1 FROM wards WHERE name = ? AND uuid != ?", (name, ward.id)
            ).fetchone()
            if clash:
                raise InvalidInput(
                    f"there is already a ward called '{name}'; ward names must be unique"
                )
            if (
                sex != ward.sex
                and conn.execute(
                    "SELECT 1 FROM audits a JOIN wards w ON w.id = a.ward_id"
                    " WHERE w.uuid = ? AND a.status = 'in_progress'",
                    (ward.id,),
                ).fetchone()
            ):
                raise InvalidInput(
                    f"{ward.name} has an audit in progress; finish it before changing the "
                    "ward's designation (it decides which items apply)"
                )
            site_rowid = site_rowid_for(conn, site)
            conn.execute(
                "UPDATE wards SET site_id = ?, name = ?, service = ?, sex = ?, beds = ?, areas = ?,"
                " updated_at = ? WHERE uuid = ?",
                (
                    site_rowid,
                    name,
                    service.strip(),
                    sex,
                    beds,
                    json.dumps(_clean_areas(areas)),
                    clock.now_iso(),
                    ward.id,
                ),
            )
            append_event(
                conn,
                "ward_changed",
                actor=actor,
                ward=ward.id,
                name=name,
                site=site,
                sex=sex,
                service=service,
                beds=beds,
                areas=list(areas),
            )
        return self.get(ward.id)

    def list(self, site: str | None = None) -> list[Ward]:
        """Every ward (or one site's), by site then name."""
        sql = _WARD_SELECT
        params: tuple[Any, ...] = ()
        if site:
            sql += " WHERE s.name = ?"
            params = (site,)
        return [ward_from_row(r) for r in self._db.query(sql + " ORDER BY s.name, w.name", params)]

    def _rowid(self, conn: Executor, ward_uuid: str) -> int:
        return int(conn.execute("SELECT id FROM wards WHERE uuid = ?", (ward_uuid,)).fetchone()[0])


def site_rowid_for(conn: Executor, name: str) -> int:
    """The site's row, added (with its event) inside the caller's transaction if new."""
    name = name.strip()
    if not name:
        raise InvalidInput("a site needs a name")
    row = conn.execute("SELECT id FROM sites WHERE name = ?", (name,)).fetchone()
    if row:
        return int(row[0])
    rowid = conn.execute(
        "INSERT INTO sites(uuid, name, created_at) VALUES (?, ?, ?) RETURNING id",
        (new_uuid(), name, clock.now_iso()),
    ).fetchone()[0]
    append_event(conn, "site_added", site=name)
    return int(rowid)


def _check_ward_fields(name: str, sex: str, beds: int | None) -> None:
    if not name:
        raise InvalidInput("a ward needs a name")
    if sex not in DESIGNATIONS:
        raise InvalidInput(f"a ward's designation must be male, female or mixed (not '{sex}')")
    if beds is not None and (not isinstance(beds, int) or beds < 0 or beds > 500):
        raise InvalidInput(f"beds must be a whole number from 0 to 500 (not {beds})")


def _clean_areas(areas: Sequence[str]) -> list[str]:
    seen: list[str] = []
    for area in areas:
        area = area.strip()
        if area and area not in seen:
            seen.append(area)
    return seen


def ward_from_row(r: Sequence[Any]) -> Ward:
    """A ward from (uuid, name, site name, sex, service, beds, areas as JSON)."""
    return Ward(
        id=r[0],
        name=r[1],
        site=r[2],
        sex=r[3],
        service=r[4],
        beds=r[5],
        areas=tuple(json.loads(r[6] or "[]")),
    )
