"""Which communities (社区) each community coordinator serves; they see only those families."""

from __future__ import annotations

from sqlalchemy import delete, select

from desktop.errors import NotFound, ValidationError
from desktop.services.base import (
    ALL_ROLES,
    Actor,
    Change,
    Role,
    Scope,
    require_text,
    service,
    unit_of_work,
)
from desktop.services.scope import assigned_communities
from desktop.store.models import CoordinatorCommunity, User
from desktop.store.store import Store


@service(
    roles={Role.ADMIN},
    scope=Scope.NONE("assigns communities to a user, no family"),
    changes={Change.COMMUNITIES},
)
def assign_communities(
    store: Store, actor: Actor, user_id: str, communities: list[str]
) -> list[str]:
    """Replace the communities a coordinator serves (audited); returns them sorted."""
    names = sorted({require_text(c, "所在社区", max_len=60) for c in communities})
    with unit_of_work(store, actor) as uow:
        user = uow.session.get(User, user_id)
        if user is None:
            raise NotFound("用户不存在")
        if user.role != Role.COORDINATOR.value:
            raise ValidationError("角色", f"只能给{Role.COORDINATOR.label}分配社区")
        uow.session.execute(
            delete(CoordinatorCommunity).where(CoordinatorCommunity.user_id == user_id)
        )
        uow.session.add_all(CoordinatorCommunity(user_id=user_id, community=n) for n in names)
        uow.audit(
            "assign_communities",
            "user",
            user_id,
            f"{user.display_name} 负责社区：{'、'.join(names) or '无'}",
            {"communities": names},
        )
    return names


@service(roles=ALL_ROLES, scope=Scope.NONE("lists a user's assigned community names"))
def communities_of(store: Store, actor: Actor, user_id: str) -> list[str]:
    """The communities assigned to a coordinator (an administrator may ask for anyone)."""
    with store.sessions.read() as s:
        if user_id != actor.user_id and actor.role != Role.ADMIN:
            raise ValidationError("用户", "只能查看自己负责的社区")
        if s.scalars(select(User.id).where(User.id == user_id)).first() is None:
            raise NotFound("用户不存在")
        return sorted(assigned_communities(s, user_id))
