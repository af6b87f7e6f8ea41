"""Policy tables as dated rows, and the resolved policy of one benefit month (and district)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from desktop.domain.policy.codes import DISABILITY_LEVELS, DISABILITY_TYPES, ILLNESS_CLASSES
from desktop.domain.policy.keys import KEYS, choice_names, key_label
from desktop.errors import PolicyError
from desktop.money import FEN, YUAN, round_money

PolicyValue = Decimal | int | str


@dataclass(frozen=True, slots=True)
class PolicyRow:
    """One row of the policy table: ``value`` holds from ``effective_from`` to ``effective_to``
    (inclusive; None = open-ended), for one ``district`` (region code) or all (None)."""

    key: str
    value: str
    effective_from: date
    effective_to: date | None = None
    district: str | None = None
    source: str = ""

    def covers(self, day: date) -> bool:
        """Whether the row is in force on ``day``."""
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )


def parse_value(key: str, text: str) -> PolicyValue:
    """Parse a row's text value by its key's kind; PolicyError names the key on bad data."""
    spec = KEYS.get(key)
    if spec is None:
        raise PolicyError(f"未知的政策参数：{key}")
    raw = str(text).strip()
    if spec.kind == "choice":
        if raw not in spec.choices:
            raise PolicyError(
                f"政策参数 {key_label(key)} 的值“{raw}”无效，应为 {'/'.join(choice_names(key))}"
            )
        return raw
    try:
        number = Decimal(raw)
    except InvalidOperation:
        raise PolicyError(f"政策参数 {key_label(key)} 的值“{raw}”不是数字") from None
    if not number.is_finite() or number < 0:
        raise PolicyError(f"政策参数 {key_label(key)} 的值“{raw}”必须是非负数")
    if spec.kind == "int":
        if number != number.to_integral_value():
            raise PolicyError(f"政策参数 {key_label(key)} 的值“{raw}”必须是整数")
        return int(number)
    return number.quantize(FEN) if spec.kind == "money" else number


def _row_from(obj: PolicyRow | Mapping[str, object]) -> PolicyRow:
    if isinstance(obj, PolicyRow):
        return obj
    try:
        start = obj["effective_from"]
        end = obj.get("effective_to")
        if isinstance(start, str):
            start = date.fromisoformat(start)
        if isinstance(end, str):
            end = date.fromisoformat(end)
        district = obj.get("district")
        return PolicyRow(
            key=str(obj["key"]),
            value=str(obj["value"]),
            effective_from=start,  # type: ignore[arg-type]
            effective_to=end,  # type: ignore[arg-type]
            district=None if district in (None, "") else str(district),
            source=str(obj.get("source") or ""),
        )
    except (KeyError, ValueError) as exc:
        raise PolicyError(f"政策数据行格式错误：{exc}") from None


class PolicySet:
    """All policy rows; ``for_month`` resolves the values in force for a benefit month."""

    def __init__(self, rows: Iterable[PolicyRow]) -> None:
        self._rows: dict[tuple[str, str | None], list[tuple[PolicyRow, PolicyValue]]] = {}
        for row in rows:
            value = parse_value(row.key, row.value)
            if row.effective_to is not None and row.effective_to < row.effective_from:
                raise PolicyError(f"政策参数 {key_label(row.key)} 的失效日期早于生效日期")
            bucket = self._rows.setdefault((row.key, row.district), [])
            for other, _ in bucket:
                if _overlap(row, other):
                    raise PolicyError(
                        f"政策参数 {key_label(row.key)} 在 {row.effective_from.isoformat()} "
                        f"起的有效期与另一行重叠（地区 {row.district or '全市'}）"
                    )
            bucket.append((row, value))
        self._cache: dict[tuple[date, str | None], MonthPolicy] = {}

    @classmethod
    def from_rows(cls, rows: Iterable[PolicyRow | Mapping[str, object]]) -> PolicySet:
        """Build from PolicyRow objects or mappings with key/value/effective_from/... fields."""
        return cls(_row_from(r) for r in rows)

    def value(self, key: str, month: date, district: str | None = None) -> PolicyValue:
        """The value of ``key`` on the first day of ``month``; a district row beats a city row."""
        day = month.replace(day=1)
        for dist in (district, None) if district else (None,):
            for row, value in self._rows.get((key, dist), ()):
                if row.covers(day):
                    return value
        raise PolicyError(
            f"{day.strftime('%Y年%m月')}没有政策参数 {key_label(key)} 的有效数据"
            + (f"（地区 {district}）" if district else "")
        )

    def for_month(self, month: date, district: str | None = None) -> MonthPolicy:
        """The resolved policy for the benefit month (cached); PolicyError names a missing key."""
        day = month.replace(day=1)
        cached = self._cache.get((day, district))
        if cached is None:
            values = {key: self.value(key, day, district) for key in KEYS}
            cached = MonthPolicy.build(day, district, values)
            self._cache[(day, district)] = cached
        return cached


def _overlap(a: PolicyRow, b: PolicyRow) -> bool:
    a_end = a.effective_to or date.max
    b_end = b.effective_to or date.max
    return a.effective_from <= b_end and b.effective_from <= a_end


@dataclass(frozen=True, slots=True)
class MonthPolicy:
    """Every policy number in force for one benefit month, typed and precomputed once."""

    month: date
    district: str | None
    values: Mapping[str, PolicyValue]
    standard: Decimal
    dibao_asset_limit_pp: Decimal
    bianyuan_upper: Decimal
    bianyuan_asset_limit_pp: Decimal
    bianyuan_grant: Decimal
    tekun_standard: Mapping[str, Decimal]
    care_partial: Decimal
    care_full: Decimal
    full_min_failed: int
    disability_deduction: Mapping[tuple[str, int], Decimal]
    illness_deduction: Mapping[str, Decimal]
    employment_share: Decimal
    employment_cap: Decimal
    rounding_rule: str
    rounding_unit: Decimal
    payment_start: str
    jiantui_months: int
    lookback_months: int
    linshi_cap: Decimal
    dibao_asset_months: Decimal
    imputation: tuple[Decimal, Decimal, Decimal, Decimal, int, int, int, int, int]

    @classmethod
    def build(cls, month: date, district: str | None, v: Mapping[str, PolicyValue]) -> MonthPolicy:
        """Precompute the derived limits (band, asset caps, grant) from the raw values."""
        std = _dec(v["dibao.standard"])
        grant_unit = YUAN if v["bianyuan.grant_rounding_unit"] == "yuan" else FEN
        return cls(
            month=month,
            district=district,
            values=dict(v),
            standard=std,
            dibao_asset_limit_pp=std * _dec(v["dibao.asset_months"]),
            bianyuan_upper=std * _dec(v["bianyuan.income_multiplier"]),
            bianyuan_asset_limit_pp=std * _dec(v["bianyuan.asset_months"]),
            bianyuan_grant=round_money(
                std * _dec(v["bianyuan.grant_share"]), "half_up", grant_unit
            ),
            tekun_standard={
                s: _dec(v[f"tekun.standard.{s}"])
                for s in ("urban", "rural_centralised", "rural_dispersed")
            },
            care_partial=_dec(v["tekun.care.partial"]),
            care_full=_dec(v["tekun.care.full"]),
            full_min_failed=int(v["tekun.full_min_failed"]),
            disability_deduction={
                (t, lvl): _dec(v[f"deduction.disability.{t}.{lvl}"])
                for t in DISABILITY_TYPES
                for lvl in DISABILITY_LEVELS
            },
            illness_deduction={c: _dec(v[f"deduction.illness.{c}"]) for c in ILLNESS_CLASSES},
            employment_share=_dec(v["employment.deduction_share"]),
            employment_cap=_dec(v["employment.deduction_cap"]),
            rounding_rule=str(v["rounding.rule"]),
            rounding_unit=YUAN if v["rounding.unit"] == "yuan" else FEN,
            payment_start=str(v["payment.start"]),
            jiantui_months=int(v["jiantui.months"]),
            lookback_months=int(v["income.lookback_months"]),
            linshi_cap=(std * _dec(v["linshi.cap_months"])).quantize(FEN),
            dibao_asset_months=_dec(v["dibao.asset_months"]),
            imputation=(
                _dec(v["imputed.min_wage"]),
                (_dec(v["imputed.min_wage"]) * _dec(v["imputed.capable_share_min_wage"])).quantize(
                    FEN
                ),
                (std * _dec(v["imputed.older_share_standard"])).quantize(FEN),
                (std * _dec(v["imputed.partial_share_standard"])).quantize(FEN),
                int(v["imputed.working_age_min"]),
                int(v["imputed.retire_age_male"]),
                int(v["imputed.retire_age_female"]),
                int(v["imputed.older_age_male"]),
                int(v["imputed.older_age_female"]),
            ),
        )

    def num(self, key: str) -> Decimal:
        """A numeric policy value as Decimal (ints converted)."""
        return _dec(self.values[key])

    def int_(self, key: str) -> int:
        """An integer policy value (ages, months, counts)."""
        return int(self.values[key])


def _dec(value: PolicyValue) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(value)
