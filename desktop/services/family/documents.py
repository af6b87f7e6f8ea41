"""Documents and attachments of a case: attach a file, mark received or waived, the missing list."""

from __future__ import annotations

import io
import mimetypes
from dataclasses import dataclass
from datetime import date

from PIL import Image
from sqlalchemy import select

from desktop.domain.documents import DOCUMENT_KINDS
from desktop.errors import NotFound, PermissionDenied, ValidationError
from desktop.services.base import (
    ALL_ROLES,
    Actor,
    Role,
    Scope,
    UnitOfWork,
    choice,
    require_text,
    service,
    unit_of_work,
)
from desktop.store.models import Application, Document, Household
from desktop.store.store import Store

WRITERS = {Role.CLERK, Role.SURVEYOR, Role.SUPERVISOR, Role.ADMIN}
STATUSES = {"required": "待提交", "received": "已收到", "waived": "免于提交"}


@dataclass(frozen=True)
class DocumentView:
    id: str
    household_id: str
    application_id: str | None
    kind: str
    title: str
    status: str
    sha256: str
    file_name: str
    mime: str
    size: int
    received_on: date | None

    @property
    def status_label(self) -> str:
        return STATUSES.get(self.status, self.status)


def _view(d: Document) -> DocumentView:
    return DocumentView(
        d.id,
        d.household_id,
        d.application_id,
        d.kind,
        d.title,
        d.status,
        d.sha256,
        d.file_name,
        d.mime,
        d.size,
        d.received_on,
    )


IMAGE_KINDS = {"photo": "照片", "signature": "签字"}
"""Kinds whose file must be a picture (PNG or JPEG) the program can show and print."""


def _check_image(kind: str, data: bytes) -> None:
    """A photo or signature is a readable PNG or JPEG; a signature is not blank."""
    field = IMAGE_KINDS[kind]
    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format
            probe.verify()
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            blank = False
            if kind == "signature":
                flat = Image.new("RGBA", img.size, (255, 255, 255, 255))
                flat.alpha_composite(img.convert("RGBA"))
                low, high = flat.convert("L").getextrema()
                blank = low == high
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError(
            field, "不是可识别的图片（只收 PNG 或 JPEG）", code="not_image"
        ) from exc
    if fmt not in ("PNG", "JPEG"):
        raise ValidationError(field, f"图片格式 {fmt} 不受支持（只收 PNG 或 JPEG）", code="format")
    if blank:
        raise ValidationError(field, "签字为空白，请重新签字", code="blank")


#: Community coordinators attach only what they take on a visit: photos and signatures.
VISIT_FILE_KINDS = frozenset({"photo", "signature"})


@service(
    scope=Scope.HOUSEHOLD("household_id"),
    roles=WRITERS | {Role.COORDINATOR, Role.PROVIDER},
    changes={"documents"},
)
def attach_document(
    store: Store,
    actor: Actor,
    *,
    household_id: str,
    kind: str,
    data: bytes,
    file_name: str,
    application_id: str | None = None,
    title: str = "",
    document_id: str | None = None,
    within: UnitOfWork | None = None,
) -> DocumentView:
    """Store a file (encrypted, content-addressed) and record it; fills a required slot if given.
    ``within`` records it inside the caller's transaction (a visit and its photos)."""
    choice(kind, "材料类别", {k: v.title for k, v in DOCUMENT_KINDS.items()})
    if actor.role == Role.COORDINATOR and (kind not in VISIT_FILE_KINDS or application_id):
        raise PermissionDenied(f"{actor.role.label}只能上传走访照片和签字")
    if actor.role == Role.PROVIDER and (kind not in VISIT_FILE_KINDS or not application_id):
        raise PermissionDenied(f"{actor.role.label}只能上传入户调查的照片和签字")
    name = require_text(file_name, "文件名", max_len=200)
    if kind in IMAGE_KINDS:
        _check_image(kind, data)
    title = require_text(title or DOCUMENT_KINDS[kind].title, "材料名称", max_len=100)
    with unit_of_work(store, actor, within=within) as uow:
        s = uow.session
        household = s.get(Household, household_id)
        if household is None or household.deleted:
            raise NotFound("该家庭不存在或已删除")
        if application_id is not None:
            app = s.get(Application, application_id)
            if app is None or app.household_id != household_id:
                raise ValidationError("所属申请", "不属于该家庭")
        sha = store.attachments.put(data)
        doc = s.get(Document, document_id) if document_id else None
        if document_id and (doc is None or doc.household_id != household_id):
            raise NotFound("该材料条目不存在")
        if doc is None:
            doc = Document(
                household_id=household_id, application_id=application_id, kind=kind, title=title
            )
        doc.status = "received"
        doc.sha256 = sha
        doc.file_name = name
        doc.mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
        doc.size = len(data)
        doc.received_on = date.today()
        uow.record(
            doc,
            action="attach_document",
            summary=f"收到材料：{title}（{name}）",
            data={"sha256": sha},
        )
        return _view(doc)


@service(scope=Scope.DOCUMENT("document_id"), roles=WRITERS, changes={"documents"})
def set_document_status(
    store: Store, actor: Actor, document_id: str, status: str, note: str = ""
) -> DocumentView:
    """Mark a required document received (paper only) or waived, with a note."""
    choice(status, "材料状态", STATUSES)
    note = require_text(note, "说明", max_len=200, required=(status == "waived"))
    with unit_of_work(store, actor) as uow:
        doc = uow.session.get(Document, document_id)
        if doc is None or doc.deleted:
            raise NotFound("该材料条目不存在")
        doc.status = status
        doc.received_on = date.today() if status == "received" else None
        uow.record(
            doc,
            action="set_document_status",
            summary=f"{doc.title}：{STATUSES[status]} {note}".strip(),
        )
        return _view(doc)


def list_documents(store: Store, application_id: str) -> list[DocumentView]:
    with store.sessions.read() as s:
        rows = s.scalars(
            select(Document)
            .where(Document.application_id == application_id, Document.deleted.is_(False))
            .order_by(Document.created_at, Document.title)
        ).all()
        return [_view(d) for d in rows]


def missing_list(store: Store, application_id: str) -> list[DocumentView]:
    """The documents the family still has to bring (for the 一次性告知书)."""
    return [d for d in list_documents(store, application_id) if d.status == "required"]


@service(roles=ALL_ROLES, scope=Scope.DOCUMENT("document_id"))
def read_attachment(store: Store, actor: Actor, document_id: str) -> bytes:
    """The plain bytes of an attachment (audited)."""
    with unit_of_work(store, actor) as uow:
        doc = uow.session.get(Document, document_id)
        if doc is None or doc.deleted or not doc.sha256:
            raise NotFound("该材料没有附件文件")
        uow.audit("read_attachment", "document", doc.id, f"查看附件：{doc.title}")
        sha = doc.sha256
    return store.attachments.get(sha)
