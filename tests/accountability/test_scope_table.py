"""Every public service declares its scope, and the declared scope refuses another office's
family (一城通办) and a coordinator's unassigned community — before the service body runs."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import select, update

import desktop.services
import printing
from desktop.errors import PermissionDenied, ValidationError
from desktop.services.accounts.auth import OfficeInput, create_office
from desktop.services.base import Role, Scope, UnitOfWork
from desktop.services.family.documents import attach_document
from desktop.services.family.finances import IncomeInput, add_income
from desktop.services.outreach.coordinators import assign_communities
from desktop.services.scope import check_scope
from desktop.store.models import Application, Document, Household, IncomeItem, Person
from desktop.store.visit_models import HomeVisit, VisitProblem
from tests.support import Desk

USERNAMES = {r: r.value for r in Role}


def public_services() -> list[tuple[str, Any]]:
    """Every module-level public function taking ``(store, actor, …)``: the core's services
    (every capability package), the printing layer and the sync services."""
    modules = [
        importlib.import_module(m.name)
        for package in (desktop.services, printing)
        for m in pkgutil.walk_packages(package.__path__, package.__name__ + ".")
    ]
    modules += [
        importlib.import_module(n) for n in ("desktop.settings", "sync.admin", "sync.resolution")
    ]
    found = []
    for module in modules:
        for name, fn in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(fn):
                continue
            if fn.__module__ != module.__name__ or name == "unit_of_work":
                continue
            params = list(inspect.signature(fn).parameters)
            if params[:2] == ["store", "actor"]:
                found.append((f"{module.__name__}.{name}", fn))
    return sorted(found, key=lambda x: x[0])


SERVICES = public_services()


def test_the_table_is_not_empty() -> None:
    assert len(SERVICES) > 60


@pytest.mark.parametrize(("name", "fn"), SERVICES, ids=[n for n, _ in SERVICES])
def test_every_public_service_declares_its_scope(name: str, fn: Any) -> None:
    scope = getattr(fn, "scope", None)
    assert isinstance(scope, Scope), f"{name} has no @service(scope=…)"
    if not scope.reaches_family:
        assert scope.reason.strip(), f"{name}: Scope.NONE needs a reason"


@pytest.fixture
def foreign(desk: Desk) -> dict[str, Any]:
    """A household (with a person, an application, a document and an income item) moved to
    two other offices, so this desk's office is neither its residence nor its registration."""
    store, clerk = desk.as_user("clerk")
    _, admin = desk.as_user("admin")
    with store.sessions.read() as s:
        app = s.scalars(select(Application).where(Application.deleted.is_(False))).first()
        assert app is not None
        person = s.scalars(select(Person).where(Person.household_id == app.household_id)).first()
        assert person is not None
        household_id, app_id, person_id = app.household_id, app.id, person.id
    doc = attach_document(
        store,
        clerk,
        household_id=household_id,
        kind="other",
        data=b"%PDF-1.4 test",
        file_name="a.pdf",
        application_id=app_id,
        title="测试材料",
    )
    income = add_income(
        store, clerk, household_id, IncomeInput("wage", date(2026, 10, 1), "1200.00")
    )
    other = create_office(
        store, admin, OfficeInput("120104099", "南开区测试街道", "南开区", "120104")
    )
    with store.sessions.write() as s:
        for model in (Household, Application):
            key = model.id if model is Household else model.household_id
            s.execute(
                update(model)
                .where(key == household_id)
                .values(residence_office_id=other, hukou_office_id=other)
            )
        assert s.get(Document, doc.id) is not None and s.get(IncomeItem, income.id) is not None
        visit = HomeVisit(household_id=household_id, visited_on=date(2026, 11, 2))
        s.add(visit)
        s.flush()
        problem = VisitProblem(
            household_id=household_id, visit_id=visit.id, category="other",
            found_on=date(2026, 11, 2), office_code="120104099",
        )  # fmt: skip
        s.add(problem)
        s.flush()
        visit_id, problem_id = visit.id, problem.id
    return {
        "store": store,
        "office": other,
        "household": household_id,
        "households": [household_id],
        "person": person_id,
        "application": app_id,
        "applications": [app_id],
        "document": doc.id,
        "finance_item": income.id,
        "visit": visit_id,
        "visit_problem": problem_id,
    }


def _value(scope: Scope, foreign: dict[str, Any]) -> Any:
    if scope.kind == "input":
        target = SimpleNamespace(
            residence_office_id=foreign["office"], hukou_office_id=foreign["office"], community=""
        )
    elif scope.kind == "community":
        target = "未分配社区"
    else:
        target = foreign[scope.kind]
    for part in reversed(scope.param.split(".")[1:]):
        target = SimpleNamespace(**{part: target})
    return target


FAMILY_SERVICES = [(n, fn) for n, fn in SERVICES if fn.scope.reaches_family]


@pytest.mark.parametrize(("name", "fn"), FAMILY_SERVICES, ids=[n for n, _ in FAMILY_SERVICES])
def test_every_family_service_refuses_a_family_outside_the_actors_scope(
    name: str, fn: Any, desk: Desk, foreign: dict[str, Any]
) -> None:
    scope: Scope = fn.scope
    # a community is a coordinator's limit; everything else is refused to any allowed role
    role = Role.COORDINATOR if scope.kind == "community" else sorted(fn.roles)[0]
    _, actor = desk.as_user(USERNAMES[role])
    params = list(inspect.signature(fn).parameters)[2:]
    kwargs: dict[str, Any] = dict.fromkeys(params)
    kwargs.pop("within", None)
    kwargs[scope.param.split(".")[0]] = _value(scope, foreign)
    expected = ValidationError if scope.kind == "input" else PermissionDenied
    with pytest.raises(expected) as caught:
        fn(foreign["store"], actor, **kwargs)
    text = str(caught.value)
    assert "一城通办" in text or "未分配给您" in text, f"{name}: {text}"


def test_the_same_check_lets_the_families_own_office_through(desk: Desk) -> None:
    store, clerk = desk.as_user("clerk")
    with store.sessions.read() as s:
        app = s.scalars(select(Application)).first()
        assert app is not None
        for kind, value in (("application", app.id), ("household", app.household_id)):
            check_scope(s, clerk, Scope(kind, "x"), value)  # no exception


def test_a_coordinator_sees_only_assigned_communities(desk: Desk) -> None:
    from desktop.services.family.households import get_household

    store, admin = desk.as_user("admin")
    _, coordinator = desk.as_user("coordinator")
    with store.sessions.read() as s:
        household = s.scalars(select(Household).where(Household.community != "")).first()
        assert household is not None
        hid, community = household.id, household.community
    assign_communities(store, admin, coordinator.user_id, ["另一个社区"])
    with pytest.raises(PermissionDenied, match="未分配给您"):
        get_household(store, coordinator, hid)
    assign_communities(store, admin, coordinator.user_id, [community])
    assert get_household(store, coordinator, hid).id == hid


def test_a_service_provider_sees_only_its_assigned_families(desk: Desk) -> None:
    """The same check limits a purchased-service provider to the families assigned to it,
    in one family's services and in lists alike."""
    from desktop.services.family.households import get_household
    from desktop.services.family.search import CaseFilter, fetch_cases
    from desktop.services.support.purchased import assign_provider_households

    store, admin = desk.as_user("admin")
    _, provider = desk.as_user("provider")
    with store.sessions.read() as s:
        mine, other = list(
            s.scalars(
                select(Application.household_id)
                .where(Application.residence_office_id == admin.office_id)
                .order_by(Application.number)
                .distinct()
                .limit(2)
            )
        )
    assign_provider_households(store, admin, provider.user_id, [])
    with pytest.raises(PermissionDenied, match="未分配给您"):
        get_household(store, provider, mine)
    assert fetch_cases(store, provider, CaseFilter(), 0, 100) == []
    assign_provider_households(store, admin, provider.user_id, [mine])
    assert get_household(store, provider, mine).id == mine
    with pytest.raises(PermissionDenied, match="未分配给您"):
        get_household(store, provider, other)
    with store.sessions.read() as s:
        check_scope(s, provider, Scope.HOUSEHOLDS("x"), [mine])
        with pytest.raises(PermissionDenied, match="未分配给您"):
            check_scope(s, provider, Scope.HOUSEHOLDS("x"), [mine, other])
        with pytest.raises(PermissionDenied, match="未分配给您"):
            check_scope(s, provider, Scope.COMMUNITY("x"), "任一社区")


def test_a_nested_service_sees_its_callers_uncommitted_rows(desk: Desk) -> None:
    """The check runs inside ``within`` (intake creates the household, then the application)."""
    store, clerk = desk.as_user("clerk")
    with store.sessions.write() as s:
        uow = UnitOfWork(s, clerk)
        household = Household(
            residence_office_id=clerk.office_id,
            hukou_office_id=clerk.office_id,
            address="测试路1号",
        )
        s.add(household)
        s.flush()
        check_scope(uow.session, clerk, Scope.HOUSEHOLD("household_id"), household.id)
        s.rollback()
