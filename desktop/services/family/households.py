"""Households and their members: create, update, remove; duplicate detection by ID and address."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.domain.bank import mask_account, normalise_account
from desktop.domain.household import (
    DEFAULT_WORKING_AGE,
    DISABILITY_TYPES,
    EMPLOYMENT,
    ILLNESS_CLASSES,
    NON_MEMBER_REASONS,
    RELATIONS,
    STUDENT_LEVELS,
    WORK_CAPACITY,
    Kin,
    MemberFacts,
    WorkFacts,
    WorkingAge,
    address_key,
    check_office_scope,
    check_relations,
    family_stability,
    membership,
)
from desktop.domain.ids import mask_id, mask_phone, parse_id
from desktop.errors import DuplicateError, NotFound, PermissionDenied, ValidationError
from desktop.pinyin import given_name, name_keys
from desktop.services.base import (
    ALL_ROLES,
    PAYER_ROLES,
    PROVIDER_ROLES,
    Actor,
    Role,
    Scope,
    UnitOfWork,
    choice,
    require_text,
    service,
    unit_of_work,
)
from desktop.services.scope import check_family
from desktop.store.models import Household, Office, Person
from desktop.store.store import Store

WRITERS = {Role.CLERK, Role.SURVEYOR, Role.SUPERVISOR, Role.ADMIN}
# Who records the payee account: the window clerk types it at intake and sees it masked
# afterwards (only PAYER_ROLES see it whole); surveyors and coordinators see it masked.
BANK_WRITERS = {Role.CLERK, Role.SUPERVISOR, Role.ADMIN}


@dataclass(frozen=True)
class PersonInput:
    """One person as typed at the window; sex and birth date come from the ID number."""

    name: str
    id_number: str
    relation: str
    phone: str = ""
    disability_type: str = ""
    disability_level: int | None = None
    illness_class: str = ""
    work_capacity: str = "full"
    student_level: str = ""
    employment: str = ""
    lives_with_family: bool = True
    non_member_reason: str = ""


@dataclass(frozen=True)
class HouseholdInput:
    residence_office_id: str
    hukou_office_id: str
    address: str
    community: str = ""
    hukou_address: str = ""
    phone: str = ""
    note: str = ""
    members: tuple[PersonInput, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class BankInput:
    """The payee account as typed (收款账户): bank, account holder, account number."""

    bank_name: str
    holder: str
    number: str

    def is_empty(self) -> bool:
        return not (self.bank_name.strip() or self.holder.strip() or self.number.strip())


@dataclass(frozen=True)
class BankView:
    """The account as this actor may see it: ``number`` is masked unless ``full``."""

    bank_name: str
    holder: str
    number: str
    full: bool


@dataclass(frozen=True)
class PersonView:
    id: str
    household_id: str
    name: str
    id_number: str
    sex: str
    birth_date: date
    relation: str
    is_member: bool
    membership_reason: str
    phone: str
    disability_type: str
    disability_level: int | None
    illness_class: str
    work_capacity: str
    student_level: str
    employment: str


@dataclass(frozen=True)
class HouseholdView:
    id: str
    residence_office_id: str
    hukou_office_id: str
    address: str
    community: str
    hukou_address: str
    phone: str
    members: tuple[PersonView, ...]
    likely_duplicates: tuple[str, ...] = ()
    bank: BankView | None = None

    @property
    def member_count(self) -> int:
        return sum(1 for m in self.members if m.is_member)


def _check_phone(phone: str, field_name: str) -> str:
    phone = (phone or "").strip().replace(" ", "").replace("-", "")
    if phone and not (phone.isdigit() and 7 <= len(phone) <= 12):
        raise ValidationError(field_name, "应为7–12位数字（手机或座机）")
    return phone


def validate_person(p: PersonInput, label: str = "") -> tuple[PersonInput, str, date]:
    """Check one person's fields; return the cleaned input, sex and birth date."""
    name = require_text(p.name, f"{label}姓名", max_len=40)
    if any(ch.isdigit() for ch in name):
        raise ValidationError(f"{label}姓名", "不能包含数字")
    info = parse_id(p.id_number, field=f"{label}身份证号")
    choice(p.relation, f"{label}与申请人关系", RELATIONS)
    choice(p.disability_type, f"{label}残疾类别", DISABILITY_TYPES)
    if p.disability_type and p.disability_level not in (1, 2, 3, 4):
        raise ValidationError(f"{label}残疾等级", "有残疾类别时须填写1–4级")
    if not p.disability_type and p.disability_level is not None:
        raise ValidationError(f"{label}残疾等级", "未填写残疾类别时不能填写等级")
    choice(p.illness_class, f"{label}重病类别", ILLNESS_CLASSES)
    choice(p.work_capacity, f"{label}劳动能力", WORK_CAPACITY)
    choice(p.student_level, f"{label}在校情况", STUDENT_LEVELS)
    if p.non_member_reason:
        choice(p.non_member_reason, f"{label}不计入原因", NON_MEMBER_REASONS)
    choice(p.employment, f"{label}就业情况", EMPLOYMENT)
    cleaned = replace(
        p,
        name=name,
        id_number=info.number,
        phone=_check_phone(p.phone, f"{label}联系电话"),
    )
    return cleaned, info.sex, info.birth_date


def validate_bank(data: BankInput) -> BankInput:
    """Check a payee account: all three parts present, the number plausible (see
    desktop.domain.bank); returns it cleaned (number as digits only)."""
    bank = require_text(data.bank_name, "开户银行", max_len=60)
    holder = require_text(data.holder, "账户户名", max_len=40)
    if any(ch.isdigit() for ch in holder):
        raise ValidationError("账户户名", "不能包含数字")
    return BankInput(bank, holder, normalise_account(data.number, "银行账号"))


def may_edit_bank(actor: Actor) -> bool:
    """Whether this user may register or change a household's payee account."""
    return actor.role in BANK_WRITERS


def bank_view(household: Household, actor: Actor) -> BankView | None:
    """The household's account for ``actor`` (None when none is registered)."""
    if not household.bank_account:
        return None
    full = actor.role in PAYER_ROLES
    number = household.bank_account if full else mask_account(household.bank_account)
    return BankView(household.bank_name, household.bank_holder, number, full)


def _apply_bank(household: Household, data: BankInput | None) -> None:
    household.bank_name = data.bank_name if data else ""
    household.bank_holder = data.holder if data else ""
    household.bank_account = data.number if data else ""


def kin_of(relation: str, id_number: str, label: str = "") -> Kin:
    """A person typed or stored, as the relationship rules see them (sex, birth from the ID)."""
    info = parse_id(id_number, field=f"{label}身份证号")
    return Kin(relation, info.sex, info.birth_date, label)


def _stored_kin(session: Session, household_id: str, exclude_id: str | None = None) -> list[Kin]:
    people = session.scalars(
        select(Person).where(Person.household_id == household_id, Person.deleted.is_(False))
    ).all()
    return [Kin(p.relation, p.sex, p.birth_date, "") for p in people if p.id != exclude_id]


def _ensure_unique_id(
    session: Session, id_number: str, field_name: str, exclude_id: str | None = None
) -> None:
    query = select(Person.id, Person.name).where(
        Person.id_number == id_number, Person.deleted.is_(False)
    )
    if exclude_id:
        query = query.where(Person.id != exclude_id)
    row = session.execute(query).first()
    if row is not None:
        raise DuplicateError(
            field_name, f"该号码已登记（{row.name}），请勿重复录入", existing_id=row.id
        )


def _apply_person(person: Person, data: PersonInput, sex: str, born: date) -> None:
    full, initials = name_keys(data.name)
    person.name = data.name
    person.name_pinyin = full
    person.name_initials = initials
    person.name_given = given_name(data.name)
    person.id_number = data.id_number
    person.sex = sex
    person.birth_date = born
    for attr in (
        "relation",
        "phone",
        "disability_type",
        "disability_level",
        "illness_class",
        "work_capacity",
        "student_level",
        "employment",
        "lives_with_family",
        "non_member_reason",
    ):
        setattr(person, attr, getattr(data, attr))
    facts = MemberFacts(
        data.relation,
        born,
        data.lives_with_family,
        data.student_level,
        data.work_capacity,
        data.non_member_reason,
    )
    person.is_member = membership(facts, date.today())[0]


def person_view(p: Person, actor: Actor | None, on: date | None = None) -> PersonView:
    """A member as ``actor`` may see them: ID and phone masked for roles that need not see
    them whole (and for ``actor=None``, a view not meant for one user)."""
    facts = MemberFacts(
        p.relation,
        p.birth_date,
        p.lives_with_family,
        p.student_level,
        p.work_capacity,
        p.non_member_reason,
    )
    is_member, reason = membership(facts, on or date.today())
    full = actor is not None and actor.sees_full_personal_data()
    return PersonView(
        p.id,
        p.household_id,
        p.name,
        p.id_number if full else mask_id(p.id_number),
        p.sex,
        p.birth_date,
        p.relation,
        is_member,
        reason,
        p.phone if full else mask_phone(p.phone),
        p.disability_type,
        p.disability_level,
        p.illness_class,
        p.work_capacity,
        p.student_level,
        p.employment,
    )


def _validate_household(session: Session, data: HouseholdInput) -> HouseholdInput:
    for office_id, label in (
        (data.residence_office_id, "居住地街道"),
        (data.hukou_office_id, "户籍地街道"),
    ):
        if not office_id or session.get(Office, office_id) is None:
            raise ValidationError(label, "请选择有效的街道")
    return replace(
        data,
        address=require_text(data.address, "居住地址", max_len=200),
        community=require_text(data.community, "所在社区", max_len=60, required=False),
        hukou_address=require_text(data.hukou_address, "户籍地址", max_len=200, required=False),
        phone=_check_phone(data.phone, "家庭联系电话"),
        note=require_text(data.note, "备注", max_len=2000, multiline=True, required=False),
    )


def likely_duplicate_households(
    session: Session, addr_key: str, names: list[str], exclude: str | None = None
) -> list[str]:
    """Households at the same normalised address with at least one member of the same name."""
    if not addr_key or not names:
        return []
    query = (
        select(Household.id)
        .join(Person, Person.household_id == Household.id)
        .where(
            Household.address_key == addr_key,
            Household.deleted.is_(False),
            Person.deleted.is_(False),
            Person.name.in_(names),
        )
        .distinct()
    )
    if exclude:
        query = query.where(Household.id != exclude)
    return list(session.scalars(query))


_RELATION_ORDER = {code: index for index, code in enumerate(RELATIONS)}


def _member_order(p: Person) -> tuple[int, date, str]:
    return (_RELATION_ORDER.get(p.relation, 99), p.birth_date, p.id)


def _view(
    session: Session,
    household: Household,
    dups: list[str] | None = None,
    actor: Actor | None = None,
) -> HouseholdView:
    people = session.scalars(
        select(Person).where(Person.household_id == household.id, Person.deleted.is_(False))
    ).all()
    return HouseholdView(
        household.id,
        household.residence_office_id,
        household.hukou_office_id,
        household.address,
        household.community,
        household.hukou_address,
        household.phone
        if actor is not None and actor.sees_full_personal_data()
        else mask_phone(household.phone),
        tuple(person_view(p, actor) for p in sorted(people, key=_member_order)),
        tuple(dups or ()),
        bank_view(household, actor) if actor is not None else None,
    )


def member_label(index: int, count: int) -> str:
    """How a member is named in messages: ``第2位成员`` (nothing when there is only one)."""
    return f"第{index}位成员" if count > 1 else ""


def validate_members(
    members: tuple[PersonInput, ...], existing: list[Kin] | None = None
) -> list[tuple[PersonInput, str, date]]:
    """Check each member and the family's relations to the applicant (with ``existing``
    members of a stored household); returns the cleaned inputs with sex and birth date."""
    out: list[tuple[PersonInput, str, date]] = []
    seen: set[str] = set()
    kin = list(existing or [])
    for index, member in enumerate(members, start=1):
        label = member_label(index, len(members))
        cleaned, sex, born = validate_person(member, label)
        if cleaned.id_number in seen:
            raise DuplicateError(f"{label}身份证号", "与本户其他成员重复")
        seen.add(cleaned.id_number)
        kin.append(Kin(cleaned.relation, sex, born, label))
        out.append((cleaned, sex, born))
    check_relations(kin, date.today())
    return out


def _add_members(uow: UnitOfWork, household: Household, members: tuple[PersonInput, ...]) -> None:
    existing = _stored_kin(uow.session, household.id)
    checked = validate_members(members, existing)
    for index, (cleaned, sex, born) in enumerate(checked, start=1):
        label = member_label(index, len(members))
        _ensure_unique_id(uow.session, cleaned.id_number, f"{label}身份证号")
        person = Person(household_id=household.id)
        _apply_person(person, cleaned, sex, born)
        uow.record(person, action="add_person", summary=f"登记家庭成员 {cleaned.name}")


def validate_household(session: Session, actor: Actor, data: HouseholdInput) -> HouseholdInput:
    """Every check of a new household before anything is written: offices (一城通办), fields,
    members and their relations. Returns the cleaned input."""
    data = _validate_household(session, data)
    check_office_scope(actor.office_id, data.residence_office_id, data.hukou_office_id)
    if not data.members:
        raise ValidationError("家庭成员", "至少登记一人（申请人）")
    validate_members(data.members)
    return data


def register_household(
    uow: UnitOfWork, data: HouseholdInput, bank: BankInput | None = None
) -> tuple[Household, list[str]]:
    """Write a validated household, its members and its account inside ``uow``; returns the
    row and the likely duplicate households."""
    data = validate_household(uow.session, uow.actor, data)
    key = address_key(data.address)
    dups = likely_duplicate_households(uow.session, key, [m.name.strip() for m in data.members])
    household = Household(
        residence_office_id=data.residence_office_id,
        hukou_office_id=data.hukou_office_id,
        address=data.address,
        community=data.community,
        hukou_address=data.hukou_address,
        phone=data.phone,
        note=data.note,
        address_key=key,
    )
    _apply_bank(household, validate_bank(bank) if bank and not bank.is_empty() else None)
    uow.record(household, action="create_household", summary=f"登记家庭：{data.address}")
    _add_members(uow, household, data.members)
    return household, dups


@service(scope=Scope.INPUT("data"), roles=WRITERS, changes={"households", "persons"})
def create_household(store: Store, actor: Actor, data: HouseholdInput) -> HouseholdView:
    """Register a household with its members (all or nothing)."""
    with unit_of_work(store, actor) as uow:
        household, dups = register_household(uow, data)
        return _view(uow.session, household, dups, actor)


@service(scope=Scope.HOUSEHOLD("household_id"), roles=BANK_WRITERS, changes={"households"})
def set_bank_account(
    store: Store, actor: Actor, household_id: str, data: BankInput | None
) -> BankView | None:
    """Register, change or (``None``) remove the account the household's benefit is paid
    into; synced to both offices like every household change."""
    cleaned = validate_bank(data) if data is not None and not data.is_empty() else None
    with unit_of_work(store, actor) as uow:
        household = _get_household(uow.session, household_id)
        check_office_scope(
            actor.office_id, household.residence_office_id, household.hukou_office_id
        )
        _apply_bank(household, cleaned)
        summary = (
            f"登记收款账户：{cleaned.bank_name} {mask_account(cleaned.number)}"
            if cleaned
            else "删除收款账户"
        )
        uow.record(household, action="set_bank_account", summary=summary)
        return bank_view(household, actor)


@service(scope=Scope.HOUSEHOLD("household_id"), roles=WRITERS, changes={"households"})
def update_household(
    store: Store, actor: Actor, household_id: str, data: HouseholdInput
) -> HouseholdView:
    """Change a household's addresses, offices or phone (members are edited one by one)."""
    with unit_of_work(store, actor) as uow:
        household = _get_household(uow.session, household_id)
        data = _validate_household(uow.session, data)
        check_office_scope(actor.office_id, data.residence_office_id, data.hukou_office_id)
        for attr in (
            "residence_office_id",
            "hukou_office_id",
            "address",
            "community",
            "hukou_address",
            "phone",
            "note",
        ):
            setattr(household, attr, getattr(data, attr))
        household.address_key = address_key(data.address)
        uow.record(household, action="update_household", summary=f"修改家庭信息：{data.address}")
        return _view(uow.session, household, None, actor)


@service(scope=Scope.HOUSEHOLD("household_id"), roles=WRITERS, changes={"persons"})
def add_person(store: Store, actor: Actor, household_id: str, data: PersonInput) -> PersonView:
    with unit_of_work(store, actor) as uow:
        household = _get_household(uow.session, household_id)
        _add_members(uow, household, (data,))
        person = uow.session.scalars(
            select(Person).where(
                Person.household_id == household.id,
                Person.id_number == parse_id(data.id_number).number,
            )
        ).one()
        return person_view(person, actor)


@service(scope=Scope.PERSON("person_id"), roles=WRITERS, changes={"persons"})
def update_person(store: Store, actor: Actor, person_id: str, data: PersonInput) -> PersonView:
    with unit_of_work(store, actor) as uow:
        person = uow.session.get(Person, person_id)
        if person is None or person.deleted:
            raise NotFound("该人员不存在或已删除")
        cleaned, sex, born = validate_person(data)
        kin = _stored_kin(uow.session, person.household_id, exclude_id=person.id)
        check_relations([*kin, Kin(cleaned.relation, sex, born)], date.today())
        if cleaned.id_number != person.id_number:  # keeping one's number adds no duplicate
            _ensure_unique_id(uow.session, cleaned.id_number, "身份证号", exclude_id=person.id)
        _apply_person(person, cleaned, sex, born)
        uow.record(person, action="update_person", summary=f"修改家庭成员 {cleaned.name}")
        return person_view(person, actor)


@service(scope=Scope.PERSON("person_id"), roles=WRITERS, changes={"persons"})
def remove_person(store: Store, actor: Actor, person_id: str, reason: str) -> None:
    """Remove a member (a tombstone, so the removal syncs)."""
    reason = require_text(reason, "删除原因", max_len=200)
    with unit_of_work(store, actor) as uow:
        person = uow.session.get(Person, person_id)
        if person is None or person.deleted:
            raise NotFound("该人员不存在或已删除")
        if person.relation == "applicant":
            raise ValidationError("与申请人关系", "不能删除申请人本人")
        uow.record(
            person,
            action="remove_person",
            op="delete",
            summary=f"删除家庭成员 {person.name}：{reason}",
        )


def _get_household(session: Session, household_id: str) -> Household:
    household = session.get(Household, household_id)
    if household is None or household.deleted:
        raise NotFound("该家庭不存在或已删除")
    return household


@service(roles=PROVIDER_ROLES, scope=Scope.HOUSEHOLD("household_id"))
def get_household(store: Store, actor: Actor, household_id: str) -> HouseholdView:
    """Read a whole household (audited: a read of a full file)."""
    with unit_of_work(store, actor) as uow:
        household = _get_household(uow.session, household_id)
        uow.audit("read_household", "household", household.id, f"查看家庭档案：{household.address}")
        return _view(uow.session, household, None, actor)


def family_type(view: HouseholdView, on: date, band: WorkingAge = DEFAULT_WORKING_AGE) -> str:
    """The review-cycle family type of a household (domain.md §2.7) from its counted members:
    ``stable`` (12 months) or ``variable`` (6 months)."""
    facts = [
        WorkFacts(m.sex, m.birth_date, m.work_capacity, m.student_level, m.employment)
        for m in view.members
        if m.is_member
    ]
    return family_stability(facts, on, band)


@service(roles=ALL_ROLES, scope=Scope.NONE("a duplicate check; out-of-scope hits come masked"))
def find_person_by_id_number(store: Store, actor: Actor, id_number: str) -> PersonView | None:
    """The live person holding this ID number, for the duplicate warning at intake; a person
    of a family outside the actor's scope comes back with ID and phone masked."""
    number = parse_id(id_number).number
    with store.sessions.read() as s:
        person = s.scalars(
            select(Person).where(Person.id_number == number, Person.deleted.is_(False))
        ).first()
        if person is None:
            return None
        household = s.get(Household, person.household_id)
        try:
            if household is None:
                raise PermissionDenied("该家庭不存在")
            check_family(
                s,
                actor,
                household.residence_office_id,
                household.hukou_office_id,
                household.community,
                household.id,
            )
        except PermissionDenied:
            return person_view(person, None)
        return person_view(person, actor)
