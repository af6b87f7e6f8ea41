"""The versioned JSON messages spoken between the desk and the municipal hub (protocol v1).

Every message carries ``"v": 1``; every URL starts with ``/v1``. The field-by-field
description lives in docs/sync-protocol.md; keep the two in step.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from desktop.errors import DUPLICATE_NUMBER_REASON

PROTOCOL_VERSION = 1
API_PREFIX = "/v1"

MAX_PUSH_CHANGES = 2000
MAX_PULL_LIMIT = 5000
DEFAULT_PULL_LIMIT = 1000
MAX_OFFICES_PER_RECORD = 8
MAX_PAYLOAD_BYTES = 256 * 1024
MAX_REQUEST_BYTES = 64 * 1024 * 1024
DEFAULT_MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
DEFAULT_CHUNK_BYTES = 1024 * 1024

ENTITY_RE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
OFFICE_CODE_RE = re.compile(r"^[0-9]{9,12}$")
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
ID_NUMBER_RE = re.compile(r"^[0-9]{17}[0-9X]$")
CURSOR_RE = re.compile(r"^[0-9]{1,19}$")

#: Entities that only ever grow: an existing id is never a conflict (see push rules).
APPEND_ONLY_ENTITIES = frozenset({"audit_event", "visit", "attachment_meta", "timeline_event"})
#: Entities only the hub writes; a device pushing them is rejected.
HUB_ENTITIES = frozenset({"check_report", "warning", "low_income_person"})
ATTACHMENT_META = "attachment_meta"
CHECK_REQUEST = "check_request"
CHECK_REPORT = "check_report"
WARNING = "warning"
WARNING_TYPES = ("收入变化", "资产变化", "成员变化", "就业变化", "户籍变化")
APPLICATION = "application"
#: A resident's request (诉求) addressed to one office; the public 码上办 page creates them.
SERVICE_REQUEST = "service_request"
#: Payload keys that bind a record to a parent record, most specific first: a record bound to
#: a case travels to the case's offices (its parent's), whatever offices the sender listed.
PARENT_KEYS: tuple[tuple[str, str], ...] = (
    ("application_id", "application"),
    ("document_id", "document"),
    ("request_id", "check_request"),
    ("household_id", "household"),
)
#: Case numbers: a block leased to one device is between these sizes.
MAX_NUMBER_BLOCK = 500
DEFAULT_NUMBER_BLOCK = 50
#: A plain case number ``<office>-<year>-<5 digits>`` (the 5 digits come from a leased block);
#: an offline number ``<office>-<year>-<device code>-<4 digits>`` carries the device's code.
PLAIN_NUMBER_RE = re.compile(r"^([0-9]{9,12})-([0-9]{4})-([0-9]{5,6})$")
DEVICE_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # no I/O: never read as 1/0

EntityName = Annotated[str, StringConstraints(pattern=ENTITY_RE.pattern)]
OfficeCode = Annotated[str, StringConstraints(pattern=OFFICE_CODE_RE.pattern)]
Sha256 = Annotated[str, StringConstraints(pattern=SHA256_RE.pattern)]
IdNumber = Annotated[str, StringConstraints(pattern=ID_NUMBER_RE.pattern)]
Cursor = Annotated[str, StringConstraints(pattern=CURSOR_RE.pattern)]
ShortText = Annotated[str, StringConstraints(min_length=1, max_length=64, strip_whitespace=True)]

Op = Literal["upsert", "delete"]
ChangeStatus = Literal["applied", "conflict", "rejected"]

#: Reason codes of a rejected change, with the Chinese message the hub sends.
REJECT_REASONS: dict[str, str] = {
    "out_of_scope": "记录不属于本街道（乡镇）的办理范围，不能修改",
    "unknown_office": "所属街道（乡镇）代码未在市级平台登记",
    "read_only_entity": "该类记录由市级平台生成，终端不能修改",
    "append_only": "该类记录只能追加，不能删除",
    "duplicate_change_id": "变更编号已被其他终端使用",
    "invalid_payload": "记录内容不符合要求",
    "payload_too_large": "记录内容过大",
    "duplicate_number": DUPLICATE_NUMBER_REASON,
}

#: HTTP error codes, their status and Chinese message.
ERRORS: dict[str, tuple[int, str]] = {
    "unauthorized": (401, "终端未注册或令牌无效，请重新注册"),
    "bad_enrol_code": (401, "注册码无效、已使用或已过期"),
    "revoked": (401, "本机已被市级平台停用，请由系统管理员在“同步”页用新的注册码重新注册"),
    "too_many_attempts": (429, "注册码尝试次数过多，请稍后再试"),
    "forbidden": (403, "超出本街道（乡镇）的办理范围"),
    "not_found": (404, "请求的资源不存在"),
    "method_not_allowed": (405, "不支持该请求方法"),
    "offset_mismatch": (409, "附件续传位置与平台已收到的字节数不一致"),
    "not_complete": (409, "附件尚未上传完整"),
    "too_large": (413, "内容超过大小上限"),
    "range_not_satisfiable": (416, "请求的字节范围无效"),
    "malformed": (422, "请求格式不正确"),
    "unsupported_version": (422, "协议版本不受支持"),
    "hash_mismatch": (422, "附件内容与校验值（SHA-256）不一致，已丢弃"),
    "internal": (500, "市级平台内部错误，请稍后重试"),
}


class Message(BaseModel):
    """Base of every top-level message: strict fields, no unknown keys, version 1."""

    model_config = ConfigDict(extra="forbid", strict=True)
    v: Literal[1] = 1


class ErrorInfo(BaseModel):
    """The body of an error: a stable English code, a Chinese message, optional detail."""

    code: str
    message: str
    detail: Any = None


class ErrorResponse(Message):
    """Every non-2xx answer of the hub (the shape the OpenAPI document declares)."""

    error: ErrorInfo


class HubInfo(Message):
    """``GET /v1/info`` (no token): the limits a client must respect."""

    name: str
    max_push_changes: int
    max_pull_limit: int
    max_attachment_bytes: int
    max_payload_bytes: int


class RegisterRequest(Message):
    """``POST /v1/devices``: enrol a device with a one-time code for an office."""

    office_code: OfficeCode
    enrol_code: Annotated[str, StringConstraints(min_length=4, max_length=64)]
    device_name: ShortText
    device_id: UUID
    #: sha256 of a token the desk made itself: a replay of this body is answered the same
    #: way and gives nobody a working token (the token never travels).
    token_sha256: Sha256 | None = None


class RotateTokenRequest(Message):
    """``POST /v1/devices/me/token``: replace this device's token by the one hashed here."""

    token_sha256: Sha256


class RegisterResponse(Message):
    """The bearer token (shown once), the office it is bound to and the device's number code."""

    token: str
    device_id: UUID
    office_code: str
    office_name: str
    device_code: str | None = None


class DeviceInfo(Message):
    """``GET /v1/devices/me``: who the token belongs to."""

    device_id: UUID
    device_name: str
    office_code: str
    office_name: str


class Change(BaseModel):
    """One outbox entry sent in a push."""

    model_config = ConfigDict(extra="forbid", strict=True)
    change_id: UUID
    entity: EntityName
    id: UUID
    base_rev: Annotated[int, Field(ge=1)] | None
    op: Op
    payload: dict[str, Any]
    offices: Annotated[list[OfficeCode], Field(min_length=1, max_length=MAX_OFFICES_PER_RECORD)]


class OfficeEntry(BaseModel):
    """One office of the hub's directory."""

    code: str
    name: str
    district: str


class OfficeDirectory(Message):
    """``GET /v1/offices``: every office the hub knows (names reach every desk)."""

    offices: list[OfficeEntry]


class NumberLeaseRequest(Message):
    """``POST /v1/numbers``: ask for a block of case numbers of the device's office and a year.

    ``above`` is the highest plain sequence the device already used for that year (numbers
    filed before leasing existed): the block starts above it.
    """

    year: Annotated[int, Field(ge=2000, le=2100)]
    count: Annotated[int, Field(ge=1, le=MAX_NUMBER_BLOCK)] = DEFAULT_NUMBER_BLOCK
    above: Annotated[int, Field(ge=0, le=999_999)] = 0


class NumberLease(Message):
    """A block of case numbers leased to one device: sequences ``first``..``last`` inclusive."""

    office_code: str
    year: int
    first: int
    last: int
    device_code: str


class PushRequest(Message):
    """``POST /v1/push``: a batch of changes, applied one by one in order."""

    changes: Annotated[list[Change], Field(max_length=MAX_PUSH_CHANGES)]


class RecordState(BaseModel):
    """The hub's current version of a record, sent with a conflict."""

    rev: int
    deleted: bool
    payload: dict[str, Any]
    offices: list[str]


class ChangeResult(BaseModel):
    """The answer to one change: applied (new rev), conflict (current) or rejected (reason)."""

    change_id: UUID
    entity: str
    id: UUID
    status: ChangeStatus
    rev: int | None = None
    current: RecordState | None = None
    reason: str | None = None
    message: str | None = None
    #: applied person: it was merged into this person (same ID number, same household)
    merged_into: UUID | None = None
    #: applied person: another household's person already holds its ID number (a conflict
    #: for a person to resolve; ``current`` is that person's record)
    duplicate_of: UUID | None = None


class PushResponse(Message):
    """One result per change, in the order of the request."""

    results: list[ChangeResult]


class PullRecord(BaseModel):
    """One record of a pull page (the latest revision; tombstones have ``deleted`` true)."""

    entity: str
    id: UUID
    rev: int
    deleted: bool
    payload: dict[str, Any]
    offices: list[str]


class PullPage(Message):
    """``GET /v1/pull?cursor=&limit=``: records after the cursor, oldest change first."""

    records: list[PullRecord]
    cursor: str
    has_more: bool


class AttachmentStatus(Message):
    """What the hub holds of an attachment: declared size, bytes received, committed or not."""

    sha256: str
    size: int | None
    received: int
    complete: bool


class CheckMember(BaseModel):
    """A household member to be checked."""

    model_config = ConfigDict(extra="forbid")
    name: ShortText
    id_number: IdNumber
    relation: Annotated[str, StringConstraints(max_length=16)] | None = None


class CheckRequestPayload(BaseModel):
    """Payload of entity ``check_request`` (家庭经济状况核对申请)."""

    model_config = ConfigDict(extra="allow")
    household_id: UUID | None = None
    members: Annotated[list[CheckMember], Field(min_length=1, max_length=30)]


class CheckItem(BaseModel):
    """One finding of one data source about one member."""

    source: str
    summary: str
    amount: str | None
    count: int | None = None


class CheckMemberReport(BaseModel):
    """All findings about one member."""

    name: str
    id_number: str
    items: list[CheckItem]


class CheckReportPayload(BaseModel):
    """Payload of entity ``check_report`` (核对报告), produced by the hub."""

    request_id: UUID
    household_id: UUID | None
    generated_at: str
    members: list[CheckMemberReport]


class WarningPayload(BaseModel):
    """Payload of entity ``warning`` (监测预警), loaded by the hub admin from CSV."""

    office_code: str
    id_number: str
    name: str
    warning_type: str
    detail: str
    date: str
