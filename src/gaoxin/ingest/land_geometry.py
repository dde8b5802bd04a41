"""Parcel outlines from GeoJSON or an ESRI shapefile, checked with shapely (GEOS).

shapely is the maintained Python binding of GEOS (validity, area, representative point, simplification);
pyshp reads shapefiles in pure Python (no GDAL to install on a zone's server). Coordinates must be geographic
lon/lat — WGS84 or CGCS2000 (EPSG:4490), which agree to well under a metre at map scale; a projected file
(Gauss-Krüger metres) is refused with the reason, since reprojection needs the zone's central meridian.
Every feature must name its 宗地编号 in a property and be a valid (Multi)Polygon; the first bad feature is
refused with its number (1-based, in file order), and the whole file with it (all or nothing).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from gaoxin.ingest.prepare import sha256_of

KEYS = ("parcel_no", "宗地编号", "宗地号", "ZDBH", "zdbh", "DKBH", "地块编号", "BSM")
MAX_BYTES, MAX_FEATURES = 200 * 1024 * 1024, 500_000
GEOMETRY_SUFFIXES = (".geojson", ".json", ".shp", ".zip")
GEOGRAPHIC = ("WGS84", "WGS 84", "CGCS2000", "CGCS_2000", "4326", "4490", "CRS84")


class GeometryError(ValueError):
    """A geometry file refused; the message names the file, the feature number and the rule."""


@dataclass
class GeometryBatch:
    file_name: str
    sha256: str
    rows: list[dict]  # parcel_no, geojson, crs, lon, lat, feature_no
    crs: str
    notes: list[str] = field(default_factory=list)
    source: str = "自然资源"
    sheets: tuple[str, ...] = ("geometry",)
    periods: tuple[str, ...] = ()
    columns: list = field(default_factory=list)

    @property
    def rows_n(self) -> int:
        return len(self.rows)


def _key(props: dict) -> str | None:
    for k in KEYS:
        v = props.get(k)
        if v not in (None, ""):
            return str(v).strip()
    return None


def _check(name: str, n: int, props: dict, geom: dict | None) -> dict:
    from shapely.geometry import mapping, shape
    from shapely.validation import explain_validity

    where = f"{name} 第 {n} 个要素"
    no = _key(props or {})
    if no is None:
        raise GeometryError(f"{where}：属性中没有宗地编号（应为 {' / '.join(KEYS[:4])} 之一）")
    if not geom:
        raise GeometryError(f"{where}（宗地 {no}）：没有几何图形")
    try:
        g = shape(geom)
    except (ValueError, TypeError, AttributeError, IndexError) as exc:
        raise GeometryError(f"{where}（宗地 {no}）：几何无法读取（{exc}）") from None
    if g.geom_type not in ("Polygon", "MultiPolygon"):
        raise GeometryError(
            f"{where}（宗地 {no}）：几何类型为 {g.geom_type}，宗地应为面（Polygon / MultiPolygon）"
        )
    if g.is_empty or not g.is_valid:
        why = "空几何" if g.is_empty else explain_validity(g)
        raise GeometryError(f"{where}（宗地 {no}）：几何无效（{why}），请在 GIS 中修复后再导入")
    minx, miny, maxx, maxy = g.bounds
    if not (minx >= 73 and maxx <= 136 and miny >= 3 and maxy <= 54):
        raise GeometryError(
            f"{where}（宗地 {no}）：坐标 ({minx:.3f}, {miny:.3f}) 不在中国范围的经纬度内；"
            "应为 WGS84 / CGCS2000 经纬度（投影坐标请先在 GIS 中转为 EPSG:4490）"
        )
    p = g.representative_point()
    return {
        "parcel_no": no,
        "geojson": json.dumps(_rounded(mapping(g)), ensure_ascii=False, separators=(",", ":")),
        "lon": p.x,
        "lat": p.y,
        "feature_no": n,
    }


def _rounded(obj):
    """Coordinates to 1e-6 degree (about 0.1 m): what a parcel map needs, and a third of the text."""
    if isinstance(obj, float):
        return round(obj, 6)
    if isinstance(obj, (list, tuple)):
        return [_rounded(x) for x in obj]
    if isinstance(obj, dict):
        return {k: _rounded(v) for k, v in obj.items()}
    return obj


def _crs_of_geojson(doc: dict) -> str:
    name = ((doc.get("crs") or {}).get("properties") or {}).get("name") or "WGS84"
    if not any(g.lower() in name.lower() for g in GEOGRAPHIC):
        raise GeometryError(f"坐标系「{name}」不是 WGS84 / CGCS2000 经纬度；请先在 GIS 中转为 EPSG:4490")
    return "CGCS2000" if ("4490" in name or "CGCS" in name.upper()) else "WGS84"


def read_geojson(path: Path) -> GeometryBatch:
    try:
        doc = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GeometryError(f"{path.name}: 不是有效的 GeoJSON（{exc}）") from None
    if doc.get("type") != "FeatureCollection" or not isinstance(doc.get("features"), list):
        raise GeometryError(f"{path.name}: GeoJSON 应为 FeatureCollection（要素集合）")
    try:
        crs = _crs_of_geojson(doc)
    except GeometryError as exc:
        raise GeometryError(f"{path.name}: {exc}") from None
    feats = doc["features"]
    if len(feats) > MAX_FEATURES:
        raise GeometryError(f"{path.name}: 要素 {len(feats)} 个，超过上限 {MAX_FEATURES}")
    rows = [
        _check(path.name, i + 1, f.get("properties") or {}, f.get("geometry")) for i, f in enumerate(feats)
    ]
    return GeometryBatch(path.name, sha256_of(path), [{**r, "crs": crs} for r in rows], crs)


def _crs_of_prj(name: str, text: str | None) -> str:
    if text is None:
        return "WGS84"  # no .prj: the coordinate range check still refuses metres
    if text.strip().upper().startswith("PROJCS"):
        raise GeometryError(f"{name}: 投影坐标系（PROJCS），请先在 GIS 中转为 CGCS2000 经纬度（EPSG:4490）")
    return "CGCS2000" if "CGCS" in text.upper() or "2000" in text else "WGS84"


def _prj_text(path: Path) -> tuple[str, str | None]:
    """The .prj beside a .shp, or inside a .zip of one shapefile (its name, its text or None)."""
    if path.suffix.lower() == ".zip":
        import zipfile

        try:
            with zipfile.ZipFile(path) as z:
                names = [n for n in z.namelist() if n.lower().endswith(".prj")]
                return (names[0], z.read(names[0]).decode(errors="replace")) if names else (path.name, None)
        except zipfile.BadZipFile:
            raise GeometryError(f"{path.name}: 不是有效的 zip 压缩包（应含同名 .shp .shx .dbf）") from None
    prj = path.with_suffix(".prj")
    return prj.name, (prj.read_text(errors="replace") if prj.exists() else None)


def read_shapefile(path: Path) -> GeometryBatch:
    import shapefile

    crs = _crs_of_prj(*_prj_text(path))
    try:
        reader = shapefile.Reader(str(path), encoding="utf-8")
    except (shapefile.ShapefileException, OSError) as exc:
        raise GeometryError(f"{path.name}: 无法读取 shapefile（{exc}），须有同名 .shp .shx .dbf") from None
    with reader:
        if len(reader) > MAX_FEATURES:
            raise GeometryError(f"{path.name}: 要素 {len(reader)} 个，超过上限 {MAX_FEATURES}")
        rows = []
        for i, rec in enumerate(reader.iterShapeRecords()):
            geom = rec.shape.__geo_interface__ if rec.shape.shapeType != shapefile.NULL else None
            rows.append(_check(path.name, i + 1, rec.record.as_dict(), geom))
    return GeometryBatch(path.name, sha256_of(path), [{**r, "crs": crs} for r in rows], crs)


def read_geometry(path: Path | str) -> GeometryBatch:
    path = Path(path)
    if not path.exists():
        raise GeometryError(f"{path}: 文件不存在")
    if path.stat().st_size > MAX_BYTES:
        raise GeometryError(f"{path.name}: 文件超过 {MAX_BYTES // 1024 // 1024} MB 上限")
    suffix = path.suffix.lower()
    if suffix in (".geojson", ".json"):
        batch = read_geojson(path)
    elif suffix in (
        ".shp",
        ".zip",
    ):  # a zip holding one shapefile (.shp .shx .dbf [.prj]): how it is uploaded
        batch = read_shapefile(path)
    else:
        raise GeometryError(
            f"{path.name}: 宗地图形应为 GeoJSON（.geojson）或 shapefile（.shp，或含 .shp .shx .dbf 的 .zip）"
        )
    seen: dict[str, int] = {}
    for r in batch.rows:
        if r["parcel_no"] in seen:
            raise GeometryError(
                f"{path.name} 第 {r['feature_no']} 个要素：宗地编号 {r['parcel_no']} 与第 {seen[r['parcel_no']]} 个要素重复"
            )
        seen[r["parcel_no"]] = r["feature_no"]
    return batch
