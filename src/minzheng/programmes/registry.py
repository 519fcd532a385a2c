"""The programme registry: the door every line (assistance, elderly, children …) comes in by.

A line's `AppConfig.ready()` registers its programmes and navigation entries here; the platform below it
(enrolment, payroll), the engines above (screening) and the web shell (navigation, API) read them from
here, so nothing outside a line names it. Registering is cheap and imports nothing: trial functions are
plain callables, screening rules and the API router are lazy (a callable, a "module:attr" path)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError

from minzheng.core.panels import PersonPanel, register_person_panel

if TYPE_CHECKING:
    import datetime as dt

    from minzheng.core.todos import Todo

    from .screening import Rule

    TodoSource = Callable[[Any, dt.date], Todo]

UNITS = ("person", "household")
FREQUENCIES = ("monthly", "once")
# A code is stored in enrolments and payroll lines (max_length 16) and names the engine's in_<code> column.
CODE = re.compile(r"[a-z][a-z0-9_]{1,15}")


@dataclass(frozen=True)
class NavEntry:
    """One link of the top navigation. `permission` names a row of accounts.permissions.PERMISSIONS;
    empty means every signed-in user (the ground-floor search and worklists)."""

    label: str  # Chinese msgid; the template translates it
    url_name: str
    permission: str = ""
    order: int = 100


@dataclass(frozen=True)
class AutomaticAction:
    """What a screening run does by itself for one of the line's rules (到龄即享, an end at 18).
    `run(actor=…, alert=…, month=date, source_id=run id)` acts on one new/persisting alert of `rule`
    (its person is known) through the line's own services and returns how many enrolments it changed
    (the alert is then closed as handled), or None to leave the alert open for an officer."""

    rule: str
    label: str  # Chinese, for the run's summary: "到龄即享自动纳入高龄津贴"
    run: Callable[..., int | None]


@dataclass(frozen=True)
class TrialField:
    """A per-member input of the trial calculation that only this programme reads (儿童类别): the desk
    form shows it when the programme is chosen, the case parser validates it against `choices`."""

    name: str
    label: str
    choices: dict[str, str]


@dataclass(frozen=True)
class DeathEffect:
    """One service a death stopped: `line` is the line's Chinese name (居家服务), `what` the thing
    (12349工单 12349-20261130-00012), `text` the sentence people read (已终止，原因：服务对象死亡)."""

    line: str
    what: str
    text: str


# A line's death hook: `(*, actor, person, died_on) -> list[DeathEffect]`, or its "module:attr" path (so
# registering imports nothing). It stops only what is still open (a second call returns []), writes
# through the line's own models and audits; it does not check the line's permissions: the death was
# recorded by an officer allowed to record it, and its consequences follow from the fact.
DeathHook = Callable[..., list[DeathEffect]] | str

# A line's later-activity hook: `(*, person, after: date) -> list[str]`, or its "module:attr" path: what
# the line recorded of the person after `after` (a care-home admission, a visit …), each as people read
# it ("2026年9月1日入住任城区福利院"). A death date before any of it is refused
# (`programmes.services.activity_after`). A read: it writes nothing.
ActivityHook = Callable[..., list[str]] | str


@dataclass(frozen=True)
class Programme:
    code: str
    name: str  # Chinese, what people read
    name_en: str
    app_label: str  # the owning app: only its services write this programme's enrolments
    unit: str  # person | household
    payable: bool
    frequency: str  # monthly | once
    # Trial calculation (救助试算): the assess.md case dict in, the result dict out; a ValidationError
    # with a Chinese message on bad input.
    trial: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    trial_fields: tuple[TrialField, ...] = ()
    policy_prefixes: tuple[str, ...] = ()  # e.g. ("high_age.",): the policy keys it reads
    screening: Callable[[], Sequence[Rule]] | None = None  # lazy: the engine calls it per run
    automatic: tuple[AutomaticAction, ...] = ()
    panels: tuple[PersonPanel, ...] = ()
    nav: tuple[NavEntry, ...] = ()
    urls: str = ""  # module of the line's desk pages, included at /<url_prefix>/
    url_prefix: str = ""
    api: str = ""  # "module:attr" of a django-ninja Router, mounted at /api/v1/<api_prefix>
    api_prefix: str = ""
    permissions: tuple[str, ...] = ()  # the named permissions that act on it
    order: int = 100
    short_name: str = ""  # where space is short: alert names and evidence ("低保对象死亡")
    on_death: DeathHook = ""  # what the programme stops when its person dies (see death_effects_apply)
    activity_after: ActivityHook = ""  # what it recorded of a person after a date (see activity_after)

    @property
    def monthly_payable(self) -> bool:
        return self.payable and self.frequency == "monthly"


@dataclass(frozen=True)
class Trial:
    """A trial calculation that is not a payable programme's (an assessment, a cost share): the CLI,
    the API and the trial page dispatch to it by `code` like to a programme's."""

    code: str
    name: str  # Chinese
    run: Callable[[dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class Line:
    """A line's pages that are not a payable programme's: registries, cases, facilities, orders … (visits
    of special elders, minor-protection cases, 12349 orders). Same door as `Programme` for desk pages,
    API, navigation, person panels and the 首页 to-dos; it has no enrolments and no payroll."""

    code: str
    name: str  # Chinese
    app_label: str
    urls: str = ""
    url_prefix: str = ""
    api: str = ""
    api_prefix: str = ""
    nav: tuple[NavEntry, ...] = ()
    panels: tuple[PersonPanel, ...] = ()
    # (permission, function(actor, on) -> Todo): the home page shows each to an actor who holds it
    todos: tuple[tuple[str, TodoSource], ...] = ()
    permissions: tuple[str, ...] = ()
    screening: Callable[[], Sequence[Rule]] | None = None  # rules that are not about enrolment in a programme
    trials: tuple[Trial, ...] = ()
    on_death: DeathHook = ""  # what the line stops when its person dies (see death_effects_apply)
    activity_after: ActivityHook = ""  # what it recorded of a person after a date (see activity_after)


_PROGRAMMES: list[Programme] = []
_LINES: list[Line] = []
_NAV: list[NavEntry] = []
_version = 0  # bumped on every registration, so derived caches (the engine's rules) can tell


def register_programme(p: Programme) -> None:
    """Called from the owning app's ready(). A duplicate code is kept (and refused by the system check
    `programmes.E001`) rather than silently replacing the first."""
    global _version
    if p in _PROGRAMMES:
        return
    if not CODE.fullmatch(p.code):
        raise ValueError(f"项目代码“{p.code}”应为2–16位小写字母、数字或下划线，以字母开头")
    if p.unit not in UNITS or p.frequency not in FREQUENCIES:
        raise ValueError(f"项目{p.code}：unit应为{UNITS}之一，frequency应为{FREQUENCIES}之一")
    _PROGRAMMES.append(p)
    _PROGRAMMES.sort(key=lambda x: (x.order, x.code))
    for panel in p.panels:
        register_person_panel(panel)
    _version += 1


def register_line(line: Line) -> None:
    """Called from the owning app's ready(); a second registration of the same line is ignored."""
    global _version
    if line in _LINES:
        return
    if any(x.code == line.code for x in _LINES) or not CODE.fullmatch(line.code):
        raise ValueError(f"业务线代码“{line.code}”重复或不合规（2–16位小写字母、数字或下划线）")
    _LINES.append(line)
    for panel in line.panels:
        register_person_panel(panel)
    _version += 1


def unregister_line(code: str) -> None:
    """For tests that register a line of their own."""
    global _version
    _LINES[:] = [x for x in _LINES if x.code != code]
    _version += 1


def lines() -> list[Line]:
    return list(_LINES)


def line_todos() -> list[tuple[str, TodoSource]]:
    """Every line's and programme-free to-dos, in registration order."""
    return [t for line in _LINES for t in line.todos]


def trials() -> list[Trial]:
    """Every trial calculation: each programme's that has one, then each line's, in order."""
    found = [Trial(p.code, p.name, p.trial) for p in _PROGRAMMES if p.trial is not None]
    return [*found, *(t for x in _LINES for t in x.trials)]


def trial(code: str) -> Trial:
    """The trial calculation of `code`; a ValidationError in Chinese naming the ones there are."""
    for t in trials():
        if t.code == code:
            return t
    names = "、".join(t.code for t in trials())
    raise ValidationError(f"试算项目programme应为{names}之一")


def unregister_programme(code: str) -> None:
    """For tests that register a programme of their own."""
    global _version
    _PROGRAMMES[:] = [p for p in _PROGRAMMES if p.code != code]
    _version += 1


def register_nav(entry: NavEntry) -> None:
    """A navigation entry that is not a programme's (people search, audit log, screening …)."""
    global _version
    if entry not in _NAV:
        _NAV.append(entry)
        _version += 1


def unregister_nav(entry: NavEntry) -> None:
    global _version
    if entry in _NAV:
        _NAV.remove(entry)
        _version += 1


def registry_version() -> int:
    return _version


def programmes() -> list[Programme]:
    """Every registered programme, in display order."""
    return list(_PROGRAMMES)


def programme(code: str) -> Programme:
    """The programme of `code`; a ValidationError in Chinese for a code nobody registered."""
    for p in _PROGRAMMES:
        if p.code == code:
            return p
    raise ValidationError(f"未登记的保障项目“{code}”")


def is_programme(code: str) -> bool:
    return any(p.code == code for p in _PROGRAMMES)


def programme_name(code: str) -> str:
    """The Chinese name of a code; an unknown code reads as a neutral word, never as the code."""
    for p in _PROGRAMMES:
        if p.code == code:
            return p.name
    return "其他项目"


def nav_entries() -> list[NavEntry]:
    """The ground-floor entries and every programme's, in order (the template filters by permission)."""
    entries = [*_NAV, *(e for p in _PROGRAMMES for e in p.nav), *(e for x in _LINES for e in x.nav)]
    return sorted(entries, key=lambda e: e.order)


def api_routes() -> list[tuple[str, str]]:
    """(prefix, "module:attr") of every programme's API router, each router once (a line's programmes
    may share one)."""
    seen: dict[str, str] = {}
    doors: list[Programme | Line] = [*_PROGRAMMES, *_LINES]
    for p in doors:
        if p.api and p.api not in seen.values():
            seen[p.api_prefix or p.code] = p.api
    return list(seen.items())


def url_includes() -> list[tuple[str, str]]:
    """(prefix, urls module) of every line's desk pages, each module once."""
    seen: dict[str, str] = {}
    doors: list[Programme | Line] = [*_PROGRAMMES, *_LINES]
    for p in doors:
        if p.urls and p.urls not in seen.values():
            seen[p.url_prefix or p.code] = p.urls
    return list(seen.items())


def load(path: str) -> Any:
    """Import "module:attr" lazily (API routers)."""
    module, _, attr = path.partition(":")
    return getattr(import_module(module), attr)


def death_hooks() -> list[tuple[str, Callable[..., list[DeathEffect]]]]:
    """(line or programme name, hook) of every registered death hook, programmes first."""
    doors: list[Programme | Line] = [*_PROGRAMMES, *_LINES]
    return [
        (d.name, load(d.on_death) if isinstance(d.on_death, str) else d.on_death) for d in doors if d.on_death
    ]


def activity_hooks() -> list[tuple[str, Callable[..., list[str]]]]:
    """(line or programme name, hook) of every registered later-activity hook, programmes first."""
    doors: list[Programme | Line] = [*_PROGRAMMES, *_LINES]
    return [
        (d.name, load(d.activity_after) if isinstance(d.activity_after, str) else d.activity_after)
        for d in doors
        if d.activity_after
    ]


def trial_fields() -> list[tuple[str, TrialField]]:
    """(programme code, field) of every programme-specific trial input."""
    return [(p.code, f) for p in _PROGRAMMES for f in p.trial_fields]


# Checks the assistance intake runs before it accepts an application: `(*, household, applicant,
# programme, on) -> None`, raising a Chinese ValidationError to refuse (诚信救助's waiting period). A line
# adds its check here; the intake names none of them.
_INTAKE_CHECKS: list[Callable[..., None]] = []


def register_intake_check(check: Callable[..., None]) -> None:
    if check not in _INTAKE_CHECKS:
        _INTAKE_CHECKS.append(check)


def intake_checks() -> list[Callable[..., None]]:
    return list(_INTAKE_CHECKS)


# ---------------------------------------------------------------- online applications (指尖办)
@dataclass(frozen=True)
class OnlineOffer:
    """A programme a resident may apply for online (the citizen app's form). `accept` ("module:function"
    or a callable) is called by the one-window clerk's acceptance as `accept(*, actor, online)` with the
    citizen's `OnlineApplication` and returns the new case (a model instance); `emergency` asks the form
    for the emergency kind and the amount requested (临时救助).

    A line whose programme needs other facts than the household's income and assets (残疾人两项补贴: the
    certificate) names them: `form` is its template of those inputs (included in the citizen's form),
    `fields` the names it posts, `check(*, person, fields)` the line's own validation returning the
    cleaned facts (kept as `declared["facts"]`), `describe(facts)` their (Chinese label, value) pairs for
    the clerk. `open_case(*, household, person)` names a case of the line still in progress (a duplicate
    online application is refused with it), or returns "". `name` overrides the programme's name."""

    programme: str
    accept: str | Callable[..., Any]
    permission: str  # what the clerk who accepts or returns it must hold (in the case's region)
    emergency: bool = False
    order: int = 0
    name: str = ""
    form: str = ""
    fields: tuple[str, ...] = ()
    check: str | Callable[..., Any] | None = None
    describe: str | Callable[..., Any] | None = None
    open_case: str | Callable[..., Any] | None = None


_OFFERS: list[OnlineOffer] = []


def register_online_offer(offer: OnlineOffer) -> None:
    if not any(o.programme == offer.programme for o in _OFFERS):
        _OFFERS.append(offer)
        _OFFERS.sort(key=lambda o: (o.order, o.programme))


def online_offers() -> list[OnlineOffer]:
    """The programmes offered online, those registered as programmes only (a removed line offers none)."""
    codes = {p.code for p in _PROGRAMMES}
    return [o for o in _OFFERS if o.programme in codes]


def online_offer(programme_code: str) -> OnlineOffer:
    for o in online_offers():
        if o.programme == programme_code:
            return o
    raise ValidationError("该项目不接受网上申请")
