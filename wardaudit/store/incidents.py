"""Sexual safety incidents: imported from the trust's export, six facts each, with their history.

An import is one transaction: the new incidents, the regraded ones (with what changed),
and the ward names the user has just mapped, or none of it. Incidents are kept by the
trust's own reference, so importing the same export again changes nothing. Their history
is kept apart from the audits' (``incident_events``, append-only like ``events``): it
never travels in exchange files, which carry audits to and from ward laptops, and it is
not part of any audit's record.

On a ward laptop the table of incidents stays empty; what an exchange file from the quality
team brings is counts by place and month (``incident_count_snapshots``), never an incident.
"""

from __future__ import annotations

import builtins
import hashlib
import json
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, cast

from wardaudit import clock
from wardaudit.errors import InvalidInput, StoreError
from wardaudit.incidents.errors import ImportBlocked
from wardaudit.incidents.model import Incident
from wardaudit.incidents.vocabulary import Category, Harm
from wardaudit.store.history import new_uuid

if TYPE_CHECKING:
    from wardaudit.incidents.plan import ImportPlan
    from wardaudit.incidents.sensitive import Vocabulary
    from wardaudit.store import Store
    from wardaudit.store.database import Executor

_INCIDENT_SELECT = (
    "SELECT i.reference, i.occurred_on, w.name, i.place, i.category, i.harm"
    " FROM incidents i JOIN wards w ON w.id = i.ward_id"
)
MAX_ALIAS = 200
SNAPSHOT_MONTHS = 12
_SNAPSHOT_NAMESPACE = uuid.UUID("6f1c2b1e-3a5d-4c7e-9b2f-5d8e0a4c7b31")


@dataclass(frozen=True)
class ImportRecord:
    """One import of an export: when, by whom, from which file, and what it changed."""

    id: str
    at: str
    actor: str
    source: str
    mapping: str
    new: int
    regraded: int
    unchanged: int


@dataclass(frozen=True)
class IncidentEvent:
    """One entry of an incident's history: imported, or regraded with what changed."""

    kind: str  # "imported" or "regraded"
    at: str
    actor: str
    source: str
    detail: dict[str, Any]


@dataclass(frozen=True)
class ImportResult:
    """What an import wrote (nothing at all when ``record`` is None)."""

    record: ImportRecord | None
    new: int
    regraded: int
    unchanged: int
    held_back: int
    aliases_saved: int


@dataclass(frozen=True)
class PlaceCount:
    """Incidents on one ward, in one month, at one place ("" where the export did not say)."""

    ward_id: str
    month: str  # YYYY-MM
    place: str
    count: int


@dataclass(frozen=True)
class CountSnapshot:
    """A ward's recent incidents by place and month as an exchange file brought them."""

    id: str
    ward_id: str
    as_of: str
    first_month: str
    last_month: str
    counts: tuple[tuple[str, str, int], ...]  # (place, month, count)


def _incident(row: Sequence[Any]) -> Incident:
    return Incident(
        reference=row[0],
        date=date.fromisoformat(row[1]),
        ward=row[2],
        place=row[3],
        category=cast(Category, row[4]),
        harm=cast("Harm | None", row[5]),
    )


def code_key(text: str) -> str:
    """The mapping's way of comparing names; the mapping is loaded when an alias is first
    saved, not when the store opens."""
    from wardaudit.incidents.mapping import code_key as mapping_key

    return mapping_key(text)


def _month_bounds(first_month: str, last_month: str) -> tuple[str, str]:
    """The first and last day (ISO) of a span of months, for comparing with dates."""
    return f"{first_month}-01", f"{last_month}-31"


class Incidents:
    """``store.incidents``: the incidents imported, their history, and the names users mapped."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._db = store._db

    # --- importing --------------------------------------------------------------------------

    def existing(self) -> dict[str, Incident]:
        """Every incident held, by reference: what an import plan compares an export with."""
        return {r[0]: _incident(r) for r in self._db.query(_INCIDENT_SELECT)}

    def import_plan(
        self,
        plan: ImportPlan,
        actor: str = "",
        *,
        ward_aliases: Mapping[str, str] | None = None,
    ) -> ImportResult:
        """Write what the plan says in one transaction: new incidents, regraded ones with
        their changes in the history, and the ward names the user mapped for it.

        Refused, with nothing written, when the read had problems on its rows or rows that
        disagree (``plan.blocked``), or when the incidents changed since the plan was made.
        ``ward_aliases`` (export name → WardAudit ward) are saved with the import. An import
        that would change nothing writes nothing.
        """
        if plan.blocked:
            raise ImportBlocked(plan.source or "The export", plan.blockers())
        aliases = dict(ward_aliases or {})
        if not plan.new and not plan.regraded and not aliases:
            return ImportResult(None, 0, 0, len(plan.unchanged), plan.held_back, 0)
        now = clock.now_precise()
        with self._db.transaction() as conn:
            saved = self._save_ward_aliases(conn, aliases, actor, now)
            self._check_still_current(conn, plan)
            record = ImportRecord(
                new_uuid(),
                now,
                actor,
                plan.source,
                plan.mapping_title,
                len(plan.new),
                len(plan.regraded),
                len(plan.unchanged),
            )
            cursor = conn.execute(
                "INSERT INTO incident_imports(uuid, at, actor, source, mapping, new, regraded,"
                " unchanged) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (
                    record.id,
                    record.at,
                    record.actor,
                    record.source,
                    record.mapping,
                    record.new,
                    record.regraded,
                    record.unchanged,
                ),
            )
            import_rowid = int(cursor.fetchone()[0])
            wards = _WardRows(conn)
            self._insert_new(conn, plan, import_rowid, wards)
            self._apply_regrades(conn, plan, import_rowid, wards)
        return ImportResult(
            record,
            len(plan.new),
            len(plan.regraded),
            len(plan.unchanged),
            plan.held_back,
            saved,
        )

    def _insert_new(
        self, conn: Executor, plan: ImportPlan, import_rowid: int, wards: _WardRows
    ) -> None:
        conn.executemany(
            "INSERT INTO incidents(reference, ward_id, occurred_on, place, category, harm,"
            " import_id, updated_import_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    i.reference,
                    wards.rowid(i.ward),
                    i.date.isoformat(),
                    i.place,
                    i.category,
                    i.harm,
                    import_rowid,
                    import_rowid,
                )
                for i in (row.incident for row in plan.new)
            ],
        )
        # Each new incident's facts as imported, written by SQLite itself (ten thousand
        # rows take a moment in Python's json, and none in SQLite's).
        conn.execute(
            "INSERT INTO incident_events(incident_id, import_id, kind, detail)"
            " SELECT i.id, i.import_id, 'imported', "
            + self._db.json_object(
                [
                    ("category", "i.category"),
                    ("date", "i.occurred_on"),
                    ("harm", "i.harm"),
                    ("place", "i.place"),
                    ("ward", "w.name"),
                ]
            )
            + " FROM incidents i JOIN wards w ON w.id = i.ward_id WHERE i.import_id = ?"
            " ORDER BY i.id",
            (import_rowid,),
        )

    def _apply_regrades(
        self, conn: Executor, plan: ImportPlan, import_rowid: int, wards: _WardRows
    ) -> None:
        rowids = self._rowids(conn, [r.after.reference for r in plan.regraded])
        conn.executemany(
            "UPDATE incidents SET ward_id = ?, occurred_on = ?, place = ?, category = ?,"
            " harm = ?, updated_import_id = ? WHERE id = ?",
            [
                (
                    wards.rowid(after.ward),
                    after.date.isoformat(),
                    after.place,
                    after.category,
                    after.harm,
                    import_rowid,
                    rowids[after.reference],
                )
                for after in (r.after for r in plan.regraded)
            ],
        )
        conn.executemany(
            "INSERT INTO incident_events(incident_id, import_id, kind, detail)"
            " VALUES (?, ?, 'regraded', ?)",
            [
                (
                    rowids[r.after.reference],
                    import_rowid,
                    _detail(
                        {
                            "changes": [
                                {"field": c.field, "before": c.before, "after": c.after}
                                for c in r.changes
                            ]
                        }
                    ),
                )
                for r in plan.regraded
            ],
        )

    def _rowids(self, conn: Executor, references: builtins.list[str]) -> dict[str, int]:
        if not references:
            return {}
        among, param = self._db.in_values("reference", references)
        return {
            ref: int(rowid)
            for ref, rowid in conn.execute(
                "SELECT reference, id FROM incidents WHERE " + among, (param,)
            )
        }

    def _check_still_current(self, conn: Executor, plan: ImportPlan) -> None:
        """The incidents the plan was made against are still as they were (no lost update)."""
        wanted = [row.incident.reference for row in plan.new] + [
            r.before.reference for r in plan.regraded
        ]
        if not wanted:
            return
        held = {
            r[0]: _incident(r)
            for r in conn.execute(
                _INCIDENT_SELECT + " WHERE " + self._db.in_values("i.reference", wanted)[0],
                (self._db.in_values("i.reference", wanted)[1],),
            )
        }
        stale = [row.incident.reference for row in plan.new if row.incident.reference in held]
        stale += [
            r.before.reference for r in plan.regraded if held.get(r.before.reference) != r.before
        ]
        if stale:
            shown = ", ".join(stale[:5]) + (f" and {len(stale) - 5} more" if len(stale) > 5 else "")
            raise StoreError(
                f"the incidents changed after this import was previewed ({shown}), perhaps by "
                "another import; nothing has been imported. Preview the import again."
            )

    # --- names users mapped ------------------------------------------------------------------

    def ward_aliases(self) -> dict[str, str]:
        """Export ward names the users mapped, to the WardAudit ward each stands for."""
        return dict(
            self._db.query(
                "SELECT a.name, w.name FROM incident_ward_aliases a JOIN wards w"
                " ON w.id = a.ward_id ORDER BY a.name_key"
            )
        )

    def place_aliases(self) -> dict[str, str]:
        """Export place names the users mapped, to the place on the ward each stands for."""
        return dict(
            self._db.query("SELECT name, place FROM incident_place_aliases ORDER BY name_key")
        )

    def save_ward_aliases(self, aliases: Mapping[str, str], actor: str = "") -> int:
        """Map export ward names to WardAudit wards for every later import; one transaction."""
        with self._db.transaction() as conn:
            return self._save_ward_aliases(conn, aliases, actor, clock.now_precise())

    def save_place_alias(self, name: str, place: str, actor: str = "") -> None:
        """Map an export's place name to a place on the ward, for every later import."""
        name, place = _alias_text(name, "the export's place name"), _alias_text(place, "place")
        if len(place) > 120:
            raise InvalidInput("a place name may be at most 120 characters")
        with self._db.transaction() as conn:
            conn.execute(
                "INSERT INTO incident_place_aliases(name_key, name, place, added_at, added_by)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT(name_key) DO UPDATE SET name = excluded.name,"
                " place = excluded.place, added_at = excluded.added_at,"
                " added_by = excluded.added_by",
                (code_key(name), name, place, clock.now_precise(), actor),
            )

    def _save_ward_aliases(
        self, conn: Executor, aliases: Mapping[str, str], actor: str, now: str
    ) -> int:
        rows = []
        for raw_name, ward_ref in aliases.items():
            name = _alias_text(raw_name, "the export's ward name")
            found = conn.execute(
                "SELECT id FROM wards WHERE uuid = ? OR name = ?", (ward_ref, ward_ref)
            ).fetchone()
            if found is None:
                raise InvalidInput(
                    f"'{ward_ref}' is not a ward in WardAudit (see 'wardaudit wards list'); "
                    f"'{name}' was not mapped and nothing has been imported"
                )
            rows.append((code_key(name), name, int(found[0]), now, actor))
        conn.executemany(
            "INSERT INTO incident_ward_aliases(name_key, name, ward_id, added_at, added_by)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT(name_key) DO UPDATE SET name = excluded.name,"
            " ward_id = excluded.ward_id, added_at = excluded.added_at,"
            " added_by = excluded.added_by",
            rows,
        )
        return len(rows)

    def vocabulary(self) -> Vocabulary:
        """Names known to be wards or places, so the import never takes them for people's."""
        from wardaudit.incidents.sensitive import Vocabulary

        wards = self._store.wards.list()
        return Vocabulary.of(
            (w.name for w in wards),
            (area for w in wards for area in w.areas),
            self.ward_aliases(),
            self.place_aliases(),
            self.place_aliases().values(),
        )

    # --- reading ----------------------------------------------------------------------------

    def list(
        self,
        *,
        ward: str | None = None,
        since: date | None = None,
        until: date | None = None,
    ) -> builtins.list[Incident]:
        """Incidents by date then reference: all of them, one ward's (id or name), from a day."""
        where: builtins.list[str] = []
        params: builtins.list[Any] = []
        if ward:
            where.append("w.uuid = ?")
            params.append(self._store.wards.get(ward).id)
        if since is not None:
            where.append("i.occurred_on >= ?")
            params.append(since.isoformat())
        if until is not None:
            where.append("i.occurred_on <= ?")
            params.append(until.isoformat())
        clause = (" WHERE " + " AND ".join(where)) if where else ""
        return [
            _incident(r)
            for r in self._db.query(
                _INCIDENT_SELECT + clause + " ORDER BY i.occurred_on, i.reference", params
            )
        ]

    def count(self) -> int:
        found: int = self._db.query("SELECT count(*) FROM incidents")[0][0]
        return int(found)

    def history(self, reference: str) -> builtins.list[IncidentEvent]:
        """One incident's history, oldest first: its import, then each regrading."""
        rows = self._db.query(
            "SELECT e.kind, m.at, m.actor, m.source, e.detail FROM incident_events e"
            " JOIN incidents i ON i.id = e.incident_id JOIN incident_imports m ON m.id = e.import_id"
            " WHERE i.reference = ? ORDER BY e.id",
            (reference,),
        )
        return [IncidentEvent(r[0], r[1], r[2], r[3], json.loads(r[4])) for r in rows]

    def imports(self) -> builtins.list[ImportRecord]:
        """Every import that changed something, newest first."""
        return [
            ImportRecord(*r)
            for r in self._db.query(
                "SELECT uuid, at, actor, source, mapping, new, regraded, unchanged"
                " FROM incident_imports ORDER BY id DESC"
            )
        ]

    def last_import(self) -> ImportRecord | None:
        found = self.imports()
        return found[0] if found else None

    def latest_date(self) -> date | None:
        """The date of the latest incident held, or None when none is held."""
        found = self._db.query("SELECT max(occurred_on) FROM incidents")[0][0]
        return None if found is None else date.fromisoformat(found)

    def counts(self, first_month: str, last_month: str) -> builtins.list[PlaceCount]:
        """Incidents by ward, month and place in a span of months (YYYY-MM, both included):
        what every figure beside the audits is made of."""
        first, last = _month_bounds(first_month, last_month)
        return [
            PlaceCount(r[0], r[1], r[2], int(r[3]))
            for r in self._db.query(
                "SELECT w.uuid, substr(i.occurred_on, 1, 7), i.place, count(*) FROM incidents i"
                " JOIN wards w ON w.id = i.ward_id WHERE i.occurred_on BETWEEN ? AND ?"
                " GROUP BY w.uuid, substr(i.occurred_on, 1, 7), i.place"
                " ORDER BY w.uuid, 2, i.place",
                (first, last),
            )
        ]

    def counts_by_ward_month(self, first_month: str, last_month: str) -> dict[tuple[str, str], int]:
        """Incidents by (ward id, month) in a span of months."""
        totals: dict[tuple[str, str], int] = {}
        for found in self.counts(first_month, last_month):
            key = (found.ward_id, found.month)
            totals[key] = totals.get(key, 0) + found.count
        return totals

    def counts_by_place(self, ward: str, first_month: str, last_month: str) -> dict[str, int]:
        """One ward's incidents by place in a span of months ("" where no place was given)."""
        ward_id = self._store.wards.get(ward).id
        totals: dict[str, int] = {}
        for found in self.counts(first_month, last_month):
            if found.ward_id == ward_id:
                totals[found.place] = totals.get(found.place, 0) + found.count
        return totals

    # --- counts that exchange files carry to ward laptops ------------------------------------

    def snapshots_for_exchange(
        self, ward_ids: Iterable[str] | None
    ) -> builtins.list[dict[str, Any]]:
        """For each of these wards (every ward, with None) with incidents held: its counts
        by place and month over the twelve months to the latest import, as an exchange
        file carries them.

        Nothing per incident, and no reference. The record's id is made from its content,
        so the same counts exported twice are the same record, and a laptop that has them
        already skips them.
        """
        last = self.last_import()
        if last is None:
            return []
        as_of = clock.parse_iso(last.at)
        last_month = f"{as_of.year:04d}-{as_of.month:02d}"
        index = as_of.year * 12 + as_of.month - 1 - (SNAPSHOT_MONTHS - 1)
        first_month = f"{index // 12:04d}-{index % 12 + 1:02d}"
        wanted = None if ward_ids is None else set(ward_ids)
        by_ward: dict[str, builtins.list[builtins.list[Any]]] = {}
        for found in self.counts(first_month, last_month):
            if wanted is None or found.ward_id in wanted:
                by_ward.setdefault(found.ward_id, []).append(
                    [found.place, found.month, found.count]
                )
        records = []
        for ward_id in sorted(by_ward):
            content = {
                "ward": ward_id,
                "as_of": last.at,
                "first_month": first_month,
                "last_month": last_month,
                "counts": sorted(by_ward[ward_id], key=lambda c: (c[1], c[0])),
            }
            identity = json.dumps(content, sort_keys=True, ensure_ascii=False)
            records.append({"snapshot": str(uuid.uuid5(_SNAPSHOT_NAMESPACE, identity)), **content})
        return records

    def snapshot(self, ward_id: str) -> CountSnapshot | None:
        """The newest counts an exchange file brought for a ward, or None."""
        rows = self._db.query(
            "SELECT s.uuid, w.uuid, s.as_of, s.content FROM incident_count_snapshots s"
            " JOIN wards w ON w.id = s.ward_id WHERE w.uuid = ?"
            " ORDER BY s.as_of DESC, s.id DESC LIMIT 1",
            (ward_id,),
        )
        return snapshot_from_row(rows[0]) if rows else None


class _WardRows:
    """Ward names to their rows, read inside the import's own transaction."""

    def __init__(self, conn: Executor) -> None:
        self._rows: dict[str, int] = dict(conn.execute("SELECT name, id FROM wards"))

    def rowid(self, name: str) -> int:
        found = self._rows.get(name)
        if found is None:
            raise StoreError(f"the ward '{name}' is not in this database; preview the import again")
        return found


def snapshot_from_row(row: Sequence[Any]) -> CountSnapshot:
    content = json.loads(row[3])
    return CountSnapshot(
        id=row[0],
        ward_id=row[1],
        as_of=row[2],
        first_month=content["first_month"],
        last_month=content["last_month"],
        counts=tuple((c[0], c[1], int(c[2])) for c in content["counts"]),
    )


def snapshot_text(record: Mapping[str, Any]) -> str:
    """A snapshot as it is kept and compared: its content, one spelling."""
    return json.dumps(
        {k: v for k, v in record.items() if k != "snapshot"},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )


def snapshot_held(conn: Executor, snapshot_id: str) -> str | None:
    """The content of a snapshot held here, inside the caller's transaction."""
    found = conn.execute(
        "SELECT content FROM incident_count_snapshots WHERE uuid = ?", (snapshot_id,)
    ).fetchone()
    return None if found is None else str(found[0])


def insert_snapshots(conn: Executor, records: Iterable[Mapping[str, Any]]) -> None:
    """Keep snapshots an exchange file brought, inside the merge's own transaction; each
    names its ward by the id it has here."""
    for record in records:
        text = snapshot_text(record)
        conn.execute(
            "INSERT INTO incident_count_snapshots(uuid, ward_id, as_of, content, digest)"
            " SELECT ?, id, ?, ?, ? FROM wards WHERE uuid = ?",
            (
                record["snapshot"],
                record["as_of"],
                text,
                hashlib.sha256(text.encode("utf-8")).hexdigest(),
                record["ward"],
            ),
        )


def _alias_text(text: str, what: str) -> str:
    value = " ".join(str(text).split())
    if not value:
        raise InvalidInput(f"{what} is empty")
    if len(value) > MAX_ALIAS:
        raise InvalidInput(f"{what} is longer than {MAX_ALIAS} characters")
    return value


def _detail(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
