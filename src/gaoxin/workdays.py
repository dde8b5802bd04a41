"""The working-day calendar: national holidays and 调休 as versioned data, local overrides, provisional years,
vectorised add/count over numpy datetime64[D] arrays.

Data. The national table ships in `gaoxin/data/workdays/cn-national.csv` (one row per 休 day off or 班 make-up
working day, with the State Council notice it comes from). Later versions — a newly announced year, a zone's
own days — are `Version`s read from CSV or TOML files (`parse_file`) and kept in the store; the calendar in force
is the shipped table, then every national version (a notice replaces earlier rows of the notice years it
covers), then every local version (per date, the later wins). Days not mentioned follow the weekend rule.

Provisional. A year with no national notice in the calendar follows the weekend rule only; every answer whose
days touch such a year is flagged provisional (暂定).

Conventions (those of 政务服务 deadlines: the day of 受理 is not counted):
- `count(d1, d2)` = the number of working days in (d1, d2] — d1 excluded, d2 included; negative when d2 < d1
  (then minus the working days in (d2, d1]). It is additive: count(a, b) + count(b, c) == count(a, c).
- `add(d, n)`: n > 0 → the n-th working day strictly after d; n < 0 → the |n|-th working day strictly before d;
  n == 0 → d itself. So count(d, add(d, n)) == n for n ≥ 0, and for n < 0 when d is a working day.
- `next_workday(d)` = add(d, 1); `roll_forward(d)` = d when d is a working day, else the next one.

Every function takes anything `np.asarray(x, "datetime64[D]")` accepts (ISO strings, dates, arrays) and works
through one global working-day index (working days since a fixed Monday): a cumulative sum over the
calendar's day range, a closed-form weekday count outside it, and searchsorted-free gathers for the inverse —
no per-date Python.
"""

from __future__ import annotations

import csv
import hashlib
import io
import tomllib
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

import numpy as np

OFF, WORK = "休", "班"
KIND_ALIASES = {"休": OFF, "off": OFF, "holiday": OFF, "班": WORK, "work": WORK, "workday": WORK}
SCOPES = ("national", "local")
DATA = files("gaoxin") / "data" / "workdays"
NATIONAL_FILE = "cn-national.csv"
COLUMNS = ("year", "date", "kind", "name", "notice", "published")
_MONDAY = 4  # 1970-01-05, a Monday, is day 4 of the epoch


class CalendarFileError(ValueError):
    """A calendar file that cannot be read: names the file, row and column."""

    def __init__(self, file: str, message: str, row: int | None = None, column: str | None = None):
        where = file + (f" 第 {row} 行" if row is not None else "") + (f" {column} 列" if column else "")
        super().__init__(f"{where}：{message}")
        self.file, self.row, self.column = file, row, column


@dataclass(frozen=True)
class Day:
    """One entry of a calendar table: a day off (休) or a make-up working day (班)."""

    date: date
    kind: str  # 休 | 班
    name: str = ""  # 春节, 国庆节, a local holiday's name …
    year: int = 0  # the notice year (a 元旦 notice may list a day of the year before)
    notice: str = ""  # 国办发明电〔2024〕12号, or a local document
    published: str = ""  # the notice's date, ISO

    @property
    def is_work(self) -> bool:
        return self.kind == WORK


@dataclass(frozen=True)
class Version:
    """One calendar version: the shipped table, a loaded national notice or a local override file."""

    scope: str  # national | local
    days: tuple[Day, ...]
    file_name: str = ""
    sha256: str = ""
    title: str = ""
    hours: tuple[tuple[int, int], ...] | None = None  # working periods in minutes after midnight

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(sorted({d.year for d in self.days}))


# ---- reading calendar files ---------------------------------------------------------------------------------


def _parse_date(text, file: str, row: int | None, column: str = "date") -> date:
    if isinstance(text, date):
        return text
    try:
        return date.fromisoformat(str(text).strip())
    except ValueError:
        raise CalendarFileError(file, f"“{text}”不是日期（应为 YYYY-MM-DD）", row, column) from None


def _parse_kind(text, file: str, row: int | None) -> str:
    kind = KIND_ALIASES.get(str(text).strip().lower())
    if kind is None:
        raise CalendarFileError(file, f"“{text}”不是 休 或 班", row, "kind")
    return kind


def parse_hours(spec, file: str = "hours") -> tuple[tuple[int, int], ...]:
    """["08:30-12:00", "13:30-17:30"] → ((510, 720), (810, 1050)); periods ordered and not overlapping."""
    periods = []
    for text in spec:
        try:
            a, b = (p.strip() for p in str(text).replace("–", "-").split("-"))
            start, end = (int(h) * 60 + int(m) for h, m in (a.split(":"), b.split(":")))
        except ValueError:
            raise CalendarFileError(file, f"工作时间“{text}”应为 HH:MM-HH:MM", column="hours") from None
        if not 0 <= start < end <= 24 * 60 or (periods and start < periods[-1][1]):
            raise CalendarFileError(file, f"工作时间“{text}”不在一天之内或与前一段重叠", column="hours")
        periods.append((start, end))
    if not periods:
        raise CalendarFileError(file, "工作时间为空", column="hours")
    return tuple(periods)


def _scope(text, file: str, row: int | None = None) -> str:
    scope = str(text or "national").strip().lower()
    if scope not in SCOPES:
        raise CalendarFileError(file, f"scope “{text}”应为 national 或 local", row, "scope")
    return scope


def _check_unique(days: list[Day], file: str, rows: list[int | None]) -> None:
    kinds: dict[date, str] = {}
    for day, row in zip(days, rows, strict=True):
        if kinds.setdefault(day.date, day.kind) != day.kind:
            raise CalendarFileError(file, f"{day.date} 同时标为 休 和 班", row, "date")


def _read_csv(text: str, file: str, sha: str) -> Version:
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    for needed in ("date", "kind"):
        if needed not in header:
            raise CalendarFileError(
                file, f"缺少 {needed} 列（需要 date,kind，可选 name,year,notice,published,scope）", 1
            )
    reader.fieldnames = header
    days, rows, scopes = [], [], set()
    for row_no, rec in enumerate(reader, start=2):
        rec = {k: (v or "").strip() for k, v in rec.items() if k}
        if not any(rec.values()):
            continue
        d = _parse_date(rec["date"], file, row_no)
        year = rec.get("year") or d.year
        try:
            year = int(year)
        except ValueError:
            raise CalendarFileError(file, f"“{year}”不是年份", row_no, "year") from None
        if rec.get("published"):
            _parse_date(rec["published"], file, row_no, "published")
        scopes.add(_scope(rec.get("scope"), file, row_no))
        days.append(
            Day(
                d,
                _parse_kind(rec["kind"], file, row_no),
                rec.get("name", ""),
                year,
                rec.get("notice", ""),
                rec.get("published", ""),
            )
        )
        rows.append(row_no)
    if not days:
        raise CalendarFileError(file, "没有日期行")
    if len(scopes) > 1:
        raise CalendarFileError(file, "scope 列混有 national 和 local", column="scope")
    _check_unique(days, file, rows)
    return Version(scopes.pop(), tuple(days), Path(file).name, sha)


def _read_toml(text: str, file: str, sha: str) -> Version:
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CalendarFileError(file, f"TOML 格式错误（{exc}）") from None
    except RecursionError:
        raise CalendarFileError(file, "TOML 嵌套过深") from None
    scope = _scope(doc.get("scope"), file)
    notice, published = str(doc.get("notice", "")), doc.get("published", "")
    if published:
        published = _parse_date(published, file, None, "published").isoformat()
    hours = parse_hours(doc["hours"], file) if "hours" in doc else None
    days, rows = [], []
    for i, rec in enumerate(doc.get("days", []), start=1):
        if not isinstance(rec, dict) or "date" not in rec or "kind" not in rec:
            raise CalendarFileError(file, "[[days]] 每项需要 date 和 kind", i, "days")
        d = _parse_date(rec["date"], file, i)
        days.append(
            Day(
                d,
                _parse_kind(rec["kind"], file, i),
                str(rec.get("name", "")),
                int(rec.get("year", doc.get("year", d.year))),
                str(rec.get("notice", notice)),
                published,
            )
        )
        rows.append(i)
    if not days and hours is None:
        raise CalendarFileError(file, "既没有 [[days]] 也没有 hours")
    _check_unique(days, file, rows)
    return Version(scope, tuple(days), Path(file).name, sha, str(doc.get("title", "")), hours)


def parse_file(path: str | Path, data: bytes | None = None) -> Version:
    """Read a calendar file (.csv or .toml) into a Version; CalendarFileError names the row and column."""
    path = Path(path)
    if data is None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CalendarFileError(str(path), f"无法读取（{exc.strerror}）") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CalendarFileError(str(path), "不是 UTF-8 文本") from None
    sha = hashlib.sha256(data).hexdigest()
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(text, str(path), sha)
    if suffix == ".toml":
        return _read_toml(text, str(path), sha)
    raise CalendarFileError(str(path), "只支持 .csv 或 .toml 文件")


def write_csv(days: list[Day]) -> str:
    """The shipped table's CSV text (the format `parse_file` reads)."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(COLUMNS)
    for d in sorted(days, key=lambda d: (d.date, d.kind)):
        w.writerow([d.year, d.date.isoformat(), d.kind, d.name, d.notice, d.published])
    return out.getvalue()


@lru_cache(maxsize=1)
def shipped() -> Version:
    """The national table shipped with gaoxin, with the default working hours."""
    data = (DATA / NATIONAL_FILE).read_bytes()
    version = parse_file(NATIONAL_FILE, data)
    hours = parse_hours(tomllib.loads((DATA / "hours.toml").read_text(encoding="utf-8"))["hours"])
    return Version(
        "national",
        version.days,
        NATIONAL_FILE,
        version.sha256,
        "国务院办公厅节假日安排（随 gaoxin 发布）",
        hours,
    )


# ---- the calendar -------------------------------------------------------------------------------------------


def as_days(d) -> np.ndarray:
    return np.asarray(d, dtype="datetime64[D]")


def _weekdays_before(x: np.ndarray) -> np.ndarray:
    """Mon–Fri days in [the epoch Monday, x) for int day numbers x (negative below it)."""
    q, r = np.divmod(x - _MONDAY, 7)
    return q * 5 + np.minimum(r, 5)


def _weekday_number(k: np.ndarray) -> np.ndarray:
    """The day number of the k-th Mon–Fri day (inverse of _weekdays_before)."""
    q, r = np.divmod(k, 5)
    return q * 7 + r + _MONDAY


def _year(x: np.ndarray) -> np.ndarray:
    return x.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970


class Calendar:
    """The calendar in force for a list of versions (the first is usually `shipped()`)."""

    def __init__(self, versions: list[Version] | tuple[Version, ...]):
        self.versions = tuple(versions)
        latest_notice: dict[int, int] = {}
        for i, v in enumerate(self.versions):
            if v.scope == "national":
                latest_notice.update(dict.fromkeys(v.years, i))
        entries: dict[date, tuple[Day, str]] = {}
        for i, v in enumerate(self.versions):
            if v.scope == "national":
                entries.update((d.date, (d, v.scope)) for d in v.days if latest_notice[d.year] == i)
        for v in self.versions:
            if v.scope == "local":
                entries.update((d.date, (d, v.scope)) for d in v.days)
        self.entries = dict(sorted(entries.items()))
        self.announced = np.array(sorted(latest_notice), dtype=np.int64)
        self.hours = next((v.hours for v in reversed(self.versions) if v.hours), None)

        years = [d.year for d in self.entries] + list(latest_notice)
        lo_year, hi_year = (min(years), max(years)) if years else (2000, 2000)
        self._lo = int(np.datetime64(f"{lo_year}-01-01", "D").astype(np.int64))
        self._hi = int(np.datetime64(f"{hi_year + 1}-01-01", "D").astype(np.int64))
        x = np.arange(self._lo, self._hi, dtype=np.int64)
        work = (x - _MONDAY) % 7 < 5
        if self.entries:
            at = (
                np.array([d.toordinal() for d in self.entries], dtype=np.int64) - date(1970, 1, 1).toordinal()
            )
            work[at - self._lo] = np.array([day.is_work for day, _ in self.entries.values()])
        self._cum = _weekdays_before(np.int64(self._lo)) + np.concatenate(([0], np.cumsum(work)))
        self._wpos = np.flatnonzero(work).astype(np.int64)
        self._shift_hi = int(self._cum[-1] - _weekdays_before(np.int64(self._hi)))
        # announced years as a cumulative count, to test a span of years in one subtraction
        if len(self.announced):
            self._y0 = int(self.announced[0])
            known = np.zeros(int(self.announced[-1]) - self._y0 + 1, dtype=np.int64)
            known[self.announced - self._y0] = 1
            self._unknown_cum = np.concatenate(([0], np.cumsum(1 - known)))

    # the global working-day index: working days in [epoch Monday, x)
    def _index(self, x: np.ndarray) -> np.ndarray:
        n = len(self._cum) - 1
        i = x - self._lo
        w = _weekdays_before(x)
        w = np.where(i > n, w + self._shift_hi, w)
        return np.where((i >= 0) & (i <= n), self._cum[np.clip(i, 0, n)], w)

    def _nth(self, k: np.ndarray) -> np.ndarray:
        first, last = self._cum[0], self._cum[-1]
        inside = (k >= first) & (k < last)
        at = self._lo + self._wpos[np.clip(k - first, 0, len(self._wpos) - 1)] if len(self._wpos) else k
        outside = _weekday_number(np.where(k >= last, k - self._shift_hi, k))
        return np.where(inside, at, outside)

    @staticmethod
    def _x(d) -> np.ndarray:
        return as_days(d).astype(np.int64)

    def is_workday(self, d) -> np.ndarray:
        x = self._x(d)
        return self._index(x + 1) - self._index(x) == 1

    def count(self, d1, d2) -> np.ndarray:
        """Working days in (d1, d2]; negative (minus those in (d2, d1]) when d2 < d1."""
        return self._index(self._x(d2) + 1) - self._index(self._x(d1) + 1)

    def add(self, d, n) -> np.ndarray:
        """The n-th working day after d (n > 0), before d (n < 0), or d (n == 0)."""
        x = self._x(d)
        n = np.asarray(n, dtype=np.int64)
        k = np.where(n > 0, self._index(x + 1) + n - 1, self._index(x) + n)
        return np.where(n == 0, x, self._nth(k)).astype("datetime64[D]")

    def next_workday(self, d) -> np.ndarray:
        return self.add(d, 1)

    def roll_forward(self, d) -> np.ndarray:
        x = self._x(d)
        return self._nth(self._index(x)).astype("datetime64[D]")

    def provisional(self, d1, d2=None) -> np.ndarray:
        """True where a day between d1 and d2 (inclusive) lies in a year with no announced national table."""
        y1 = _year(self._x(d1))
        y2 = y1 if d2 is None else _year(self._x(d2))
        lo, hi = np.minimum(y1, y2), np.maximum(y1, y2)
        if not len(self.announced):
            return np.ones(np.broadcast(lo, hi).shape, dtype=bool)
        top = len(self._unknown_cum) - 1
        outside = (lo < self._y0) | (hi > self._y0 + top - 1)
        a, b = np.clip(lo - self._y0, 0, top), np.clip(hi - self._y0 + 1, 0, top)
        return outside | (self._unknown_cum[b] - self._unknown_cum[a] > 0)

    def is_announced(self, year: int) -> bool:
        return bool(np.isin(year, self.announced))

    def year_days(self, year: int) -> list[tuple[Day, str]]:
        """The year's entries in force (day, scope), in date order."""
        return [(day, scope) for d, (day, scope) in self.entries.items() if d.year == year]

    def workday_total(self, year: int) -> int:
        return int(self.count(f"{year - 1}-12-31", f"{year}-12-31"))

    # ---- deadlines in working hours ----
    def _periods(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if not self.hours:
            raise ValueError("日历没有工作时间（hours）")
        p = np.array(self.hours, dtype=np.int64)
        lengths = p[:, 1] - p[:, 0]
        return p[:, 0], p[:, 1], np.concatenate(([0], np.cumsum(lengths)))

    def add_hours(self, t, hours) -> np.ndarray:
        """The moment `hours` working hours (≥ 0) after t, counting only working periods of working days.

        A deadline that falls exactly at the end of a period is that end (17:30), not the next morning.
        """
        starts, ends, cum = self._periods()
        per_day = int(cum[-1])
        t = np.asarray(t, dtype="datetime64[m]")
        minutes = np.rint(np.asarray(hours, dtype=np.float64) * 60).astype(np.int64)
        if np.any(minutes < 0):
            raise ValueError("工作小时数不能为负")
        day = t.astype("datetime64[D]")
        x = day.astype(np.int64)
        clock = (t - day).astype(np.int64)
        done = np.clip(clock[..., None] - starts, 0, ends - starts).sum(axis=-1)
        here = self._index(x)
        position = here * per_day + np.where(self._index(x + 1) > here, done, 0)
        target = position + minutes
        k = (target - 1) // per_day
        rest = target - k * per_day  # minutes worked on day k, in (0, per_day]
        j = np.clip(np.searchsorted(cum, rest, side="left") - 1, 0, len(starts) - 1)
        at = self._nth(k).astype("datetime64[D]") + (starts[j] + rest - cum[j]).astype("timedelta64[m]")
        return np.where(minutes == 0, t, at)


def calendar(extra: list[Version] | tuple[Version, ...] = ()) -> Calendar:
    """The calendar in force: the shipped national table, then `extra` versions in load order."""
    return Calendar([shipped(), *extra])


@lru_cache(maxsize=8)
def calendar_of(files: tuple[tuple[str, bytes], ...]) -> Calendar:
    """The calendar in force for the calendar files a store loaded ((file name, content) in load order): the same
    files give the same calendar, built once — not on every page or clock that needs one."""
    return calendar([parse_file(name, data) for name, data in files])


# ---- regenerating the shipped table (gaoxin workdays refresh) ------------------------------------------------
NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}
# notice numbers checked against the published text; other years carry the notice's title only
NOTICES = {2025: ("国办发明电〔2024〕12号", "2024-11-12")}


def from_chinese_calendar() -> list[Day]:
    """The national table as the `chinesecalendar` package has it (a maintenance tool: gaoxin itself reads the
    shipped CSV and the versions loaded into the store, so no zone needs the package)."""
    try:
        from chinese_calendar.constants import holidays, workdays
    except ImportError:  # pragma: no cover - the package is a test/maintenance extra
        raise RuntimeError("需要 chinesecalendar 包：pip install chinesecalendar") from None
    out = []
    for table, kind in ((holidays, OFF), (workdays, WORK)):
        for d, name in table.items():
            notice, published = NOTICES.get(d.year, (f"国务院办公厅关于{d.year}年部分节假日安排的通知", ""))
            out.append(Day(d, kind, NAMES.get(name, name), d.year, notice, published))
    return out


def national_csv() -> str:
    """The text of `data/workdays/cn-national.csv` regenerated from `chinesecalendar`."""
    return write_csv(from_chinese_calendar())
