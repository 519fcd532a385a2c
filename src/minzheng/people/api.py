import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from minzheng.accounts.signals import client_ip
from minzheng.core.api_schemas import with_errors

from . import selectors, services
from .models import Person, UnidentifiedRecord

router = Router(tags=["人口户籍"])


class PersonOut(Schema):
    id: int
    name: str
    sex: str
    birth_date: dt.date
    id_number: str  # masked; "" for a person without an ID
    temp_number: str | None = None  # 无身份人员的临时编号
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
        "id_number": p.id_masked if p.is_identified else "",
        "temp_number": p.temp_number,
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


# ------------------------------------------------------------------ 无身份人员


NO_PHOTO = File(None)  # the photo part is optional


class UnidentifiedIn(Schema):
    kind: str = Field(..., max_length=12, description="vagrant 流浪乞讨人员 / child 未登记户口儿童 / other")
    region_code: str = Field(..., max_length=15, pattern=r"^[0-9]+$", description="发现地村(社区)代码")
    found_on: dt.date
    found_place: str = Field(..., max_length=200)
    description: str = Field(..., max_length=1000, description="体貌特征")
    sex: str = Field(..., max_length=1, description="M 男 / F 女")
    estimated_age: int = Field(..., ge=0, le=120)
    name: str = Field("", max_length=64, description="自报姓名或称呼")


class UnidentifiedOut(Schema):
    person_id: int
    temp_number: str
    kind: str
    kind_name: str
    sex: str
    estimated_age: int
    description: str
    found_on: dt.date
    found_place: str
    region_code: str
    region_name: str
    has_photo: bool
    status: str  # open 待识别 / pending 合并待复核 / merged 已合并
    merge_target_id: int | None = None
    merged_into_id: int | None = None
    merged_into_name: str = ""
    merged_into_id_number: str = ""  # masked


class MergeIn(Schema):
    id_number: str = Field(..., max_length=18, description="已查明的身份证号（放在请求体中）")
    note: str = Field(..., max_length=300, description="合并依据")
    name: str = Field("", max_length=64, description="尚未登记时：姓名")
    hukou_type: str = Field("", max_length=8, description="尚未登记时：户口性质 urban/rural")
    hukou_region_code: str = Field("", max_length=15, pattern=r"^[0-9]*$", description="尚未登记时：户籍地")


class MergeDecisionIn(Schema):
    approve: bool
    reason: str = Field("", max_length=300, description="退回理由")


def _unidentified_out(record: UnidentifiedRecord) -> dict[str, Any]:
    person, into = record.person, record.merged_into
    status = "merged" if into else ("pending" if record.merge_target_id else "open")
    return {
        "person_id": person.pk,
        "temp_number": person.temp_number or "",
        "kind": record.kind,
        "kind_name": record.get_kind_display(),
        "sex": person.sex,
        "estimated_age": record.estimated_age,
        "description": record.description,
        "found_on": record.found_on,
        "found_place": record.found_place,
        "region_code": person.region_code,
        "region_name": person.residence_region.full_name,
        "has_photo": bool(record.photo),
        "status": status,
        "merge_target_id": record.merge_target_id,
        "merged_into_id": record.merged_into_id,
        "merged_into_name": into.name if into else "",
        "merged_into_id_number": into.id_masked if into else "",
    }


def _unidentified_for(request: HttpRequest, person_id: int) -> UnidentifiedRecord:
    from django.http import Http404

    person = selectors.person_get_for_actor(actor=request.user, person_id=person_id)
    record = selectors.unidentified_record_of(person=person)
    if record is None:
        raise Http404("未找到该无身份人员登记")
    return record


@router.post(
    "/unidentified", response=with_errors(UnidentifiedOut), summary="登记无身份人员（发放临时编号，可附照片）"
)
def unidentified_register(
    request: HttpRequest, payload: Form[UnidentifiedIn], photo: UploadedFile | None = NO_PHOTO
) -> dict[str, Any]:
    record = services.unidentified_register(actor=request.user, photo=photo, **payload.dict())
    return _unidentified_out(record)


@router.get("/unidentified/{person_id}", response=with_errors(UnidentifiedOut), summary="无身份人员登记详情")
def unidentified_detail(request: HttpRequest, person_id: int) -> dict[str, Any]:
    return _unidentified_out(_unidentified_for(request, person_id))


@router.post(
    "/unidentified/{person_id}/merge",
    response=with_errors(UnidentifiedOut),
    summary="提出身份合并（由另一名工作人员复核）",
)
def unidentified_merge(request: HttpRequest, person_id: int, payload: MergeIn) -> dict[str, Any]:
    record = _unidentified_for(request, person_id)
    data = payload.dict()
    new_person = {k: data[k] for k in ("name", "hukou_type", "hukou_region_code")}
    record = services.unidentified_merge_request(
        actor=request.user,
        record=record,
        id_number=data["id_number"],
        note=data["note"],
        new_person=new_person if any(new_person.values()) else None,
    )
    return _unidentified_out(_unidentified_for(request, person_id))


@router.post(
    "/unidentified/{person_id}/merge/decision",
    response=with_errors(UnidentifiedOut),
    summary="复核身份合并（通过或退回）",
)
def unidentified_merge_decision(
    request: HttpRequest, person_id: int, payload: MergeDecisionIn
) -> dict[str, Any]:
    record = _unidentified_for(request, person_id)
    if payload.approve:
        services.unidentified_merge_approve(actor=request.user, record=record)
    else:
        services.unidentified_merge_reject(actor=request.user, record=record, reason=payload.reason)
    return _unidentified_out(_unidentified_for(request, person_id))


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
