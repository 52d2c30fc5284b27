"""Records answers as fast as it can, saying 'intent' before and 'saved' after each one.

Run by the durability test, which kills this process at a random moment.
"""

import random
import sys

from wardaudit.store import Store


def main() -> None:
    db, seed = sys.argv[1], int(sys.argv[2])
    rng = random.Random(seed)
    store = Store.open(db)
    audits = [a.id for a in store.audits.in_progress()]
    plan = []
    for audit_id in audits:
        checklist = store.checklists.for_audit(audit_id)
        sex = store.audits.get(audit_id).audit.ward.sex
        plan.extend((audit_id, item) for item in checklist.applicable_items(sex))
    print("ready", flush=True)
    while True:
        audit_id, item = rng.choice(plan)
        value = rng.choice(["yes", "no", "na"] if item.critical else ["yes", "partial", "no", "na"])
        note = f"n{rng.randint(0, 10**6)}"
        print(f"intent {audit_id} {item.id} {value} {note}", flush=True)
        store.audits.record_answer(audit_id, item.id, value, note=note)
        print(f"saved {audit_id} {item.id} {value} {note}", flush=True)


if __name__ == "__main__":
    main()
