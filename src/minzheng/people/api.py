import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from minzheng.accounts.signals import client_ip
from minzheng.core.api_schemas import with_errors

from . import selectors, services
from .models import Person

router = Router(tags=["人口户籍"])


class PersonOut(Schema):
    id: int
    name: str
    sex: str
    birth_date: dt.date
    id_number: str  # masked
    hukou_type: str
    region_code: str
    is_alive: bool
    household_id: int | None = None


class MemberOut(Schema):
    person_id: int
    name: str
    relation: str
    id_number: str  # masked
    start_date: dt.date


class HouseholdOut(Schema):
    id: int
    number: str
    region_code: str
    region_name: str
    hukou_type: str
    members: list[MemberOut]


class RevealOut(Schema):
    id_number: str


def _person_out(p: Person, household_id: int | None = None) -> dict[str, Any]:
    return {
        "id": p.pk,
        "name": p.name,
        "sex": p.sex,
        "birth_date": p.birth_date,
        "id_number": p.id_masked,
        "hukou_type": p.hukou_type,
        "region_code": p.region_code,
        "is_alive": p.is_alive,
        "household_id": household_id,
    }


class SearchIn(Schema):
    q: str = Field("", max_length=64, description="身份证号、姓名或身份证后四位（放在请求体中，不进URL）")
    region: str = Field("", max_length=15, pattern=r"^[0-9]*$")


@router.get("/", response=with_errors(list[PersonOut]), summary="人员列表（本辖区，可按区划筛选）")
@paginate(PageNumberPagination, page_size=50)
def person_list(
    request: HttpRequest, region: str = Query("", max_length=15, pattern=r"^[0-9]*$")
) -> list[dict[str, Any]]:
    return [_person_out(p) for p in selectors.person_search(actor=request.user, region_code=region)[:1000]]


@router.post("/search", response=with_errors(list[PersonOut]), summary="人员检索（身份证号、姓名、后四位）")
@paginate(PageNumberPagination, page_size=50)
def person_search(request: HttpRequest, payload: SearchIn) -> list[dict[str, Any]]:
    found = selectors.person_search(actor=request.user, q=payload.q, region_code=payload.region)[:1000]
    return [_person_out(p) for p in found]


@router.get("/{person_id}", response=with_errors(PersonOut), summary="人员详情")
def person_detail(request: HttpRequest, person_id: int) -> dict[str, Any]:
    person = selectors.person_get_for_actor(actor=request.user, person_id=person_id)
    membership = selectors.person_current_membership(person=person)
    return _person_out(person, membership.household_id if membership else None)


@router.post("/{person_id}/reveal", response=with_errors(RevealOut), summary="查看完整身份证号（记审计）")
def person_reveal(request: HttpRequest, person_id: int) -> dict[str, str]:
    person = selectors.person_get_for_actor(actor=request.user, person_id=person_id)
    return {
        "id_number": services.person_reveal_id_number(
            actor=request.user, person=person, ip=client_ip(request)
        )
    }


@router.get("/households/{household_id}", response=with_errors(HouseholdOut), summary="家庭户详情")
def household_detail(request: HttpRequest, household_id: int) -> dict[str, Any]:
    household = selectors.household_get_for_actor(actor=request.user, household_id=household_id)
    members = selectors.household_members(household=household)
    return {
        "id": household.pk,
        "number": household.number,
        "region_code": household.region_code,
        "region_name": household.region.full_name,
        "hukou_type": household.hukou_type,
        "members": [
            {
                "person_id": m.person_id,
                "name": m.person.name,
                "relation": m.relation,
                "id_number": m.person.id_masked,
                "start_date": m.start_date,
            }
            for m in members
        ],
    }
