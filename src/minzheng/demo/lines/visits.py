"""Demo data of the visits line (探访关爱, 相约黎明) in the demo township: special elders (living situations
recorded through visits' own service when the elderly demo has not set any there), visitors assigned,
this month's and last month's visits (about two thirds done, one safety risk raised), and pairs with
morning check-ins, one of them silent."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from minzheng.elderly.models import SPECIAL_SITUATIONS, ElderProfile
from minzheng.people.models import Person
from minzheng.visits import services as svc
from minzheng.visits.selectors import born_by, special_elders

ELDERS = 60  # special elders the demo makes in the township when there are none yet
SITUATIONS = [s.value for s in SPECIAL_SITUATIONS]


def seed(*, actor: Any, seed: int) -> str:
    users = {
        u.username: u
        for u in get_user_model().objects.filter(username__in=["xiangzhen", "cunxieli", "zhiyuan"])
    }
    clerk, cadre, volunteer = users.get("xiangzhen"), users.get("cunxieli"), users.get("zhiyuan")
    if clerk is None or cadre is None or clerk.region is None or cadre.region is None:
        return "探访关爱：缺少演示账号，未生成"
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    today = timezone.localdate()
    town, village = clerk.region.code, cadre.region.code
    if not special_elders(on=today).filter(region_code__startswith=town).exists():
        old = Person.objects.filter(
            region_code__startswith=town, is_alive=True, birth_date__lte=born_by(today)
        )
        no_profile = old.exclude(pk__in=ElderProfile.objects.values("person_id"))
        chosen = list(no_profile.filter(region_code__startswith=village).order_by("pk")[: ELDERS // 2])
        chosen += list(
            no_profile.exclude(region_code__startswith=village).order_by("pk")[: ELDERS - len(chosen)]
        )
        for person in chosen:
            svc.living_situation_set(actor=clerk, person=person, situation=rng.choice(SITUATIONS), on=today)
    elders = [
        p.person
        for p in special_elders(on=today).filter(region_code__startswith=town).select_related("person")
    ]
    # The village's elders go to the village assistant (bulk, as the clerk does it); a few elsewhere to a
    # social worker without an account; the rest stay unassigned for the clerk's to-do.
    svc.visitor_assign_village(actor=clerk, village_code=village, kind="village_cadre", visitor=cadre)
    others = [p for p in elders if not p.region_code.startswith(village)]
    for person in others[: len(others) // 2]:
        svc.visitor_assign(
            actor=clerk,
            elder=person,
            kind="social_worker",
            visitor_name="孙社工",
            visitor_phone="13805370000",
        )
    mine = [p for p in elders if p.region_code.startswith(village)]
    visits = 0
    for i, person in enumerate(mine):
        if i % 3 != 2 and today.day > 1:  # two thirds visited this month; the rest are the month's missing
            svc.visit_record(
                actor=cadre,
                elder=person,
                visited_on=today - dt.timedelta(days=rng.randrange(0, min(today.day, 20))),
                mode=rng.choice(["home", "home", "phone", "video"]),
                health=rng.choice(["good", "good", "fair", "poor"]),
                safety="risk" if i == 0 else "safe",
                needs=[rng.choice(["none", "meals", "cleaning", "company"])],
                note="煤气灶软管老化，已提醒更换" if i == 0 else "",
                raises=["home_service"] if i == 0 else [],
                raise_note="需上门更换燃气软管" if i == 0 else "",
            )
            visits += 1
        last_month = today.replace(day=1) - dt.timedelta(days=rng.randrange(1, 25))
        svc.visit_record(
            actor=cadre,
            elder=person,
            visited_on=last_month,
            mode="home",
            health="good",
            safety="safe",
            needs=["none"],
        )
        visits += 1
    pairs = 0
    for i, person in enumerate(mine[:6]):
        pair = svc.pair_create(
            actor=cadre,
            elder=person,
            frequency="daily",
            helper=volunteer if i == 0 and volunteer is not None else None,
            helper_name="" if i == 0 and volunteer is not None else f"邻居{'赵钱孙李周吴'[i]}",
            started_on=today - dt.timedelta(days=14),
        )
        pairs += 1
        last = 5 if i == 5 else 0  # the sixth pair has gone quiet: the village's to-do
        for back in range(last, 14):
            svc.checkin_record(actor=cadre, pair=pair, on=today - dt.timedelta(days=back))
    return f"探访关爱：特殊困难老年人{len(elders)}人，探访记录{visits}条，相约黎明结对{pairs}对"
