"""Records answers and adds photos as fast as it can, saying 'intent' before and 'saved'
after each answer, and 'photo' after each photo is acknowledged.

Run by the durability test, which kills this process at a random moment.
"""

import hashlib
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
        if rng.random() < 0.2:
            data = hashlib.sha256(note.encode()).digest() * rng.randint(100, 4000)
            photo = store.photos.add(
                audit_id,
                item.id,
                data,
                filename="p.jpg",
                media_type="image/jpeg",
                width=1,
                height=1,
            )
            print(f"photo {photo.id} {hashlib.sha256(data).hexdigest()} - -", flush=True)
            continue
        print(f"intent {audit_id} {item.id} {value} {note}", flush=True)
        store.audits.record_answer(audit_id, item.id, value, note=note)
        print(f"saved {audit_id} {item.id} {value} {note}", flush=True)


if __name__ == "__main__":
    main()
