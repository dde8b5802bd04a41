"""Parcel outlines from a real GeoJSON and a shapefile written here with pyshp (also zipped, as the web upload
takes it): valid polygons stored with a point inside; an invalid one refuses the whole file naming its feature
number; projected metres, a missing 宗地编号 and a repeated one are refused with the reason."""

from __future__ import annotations

import json
import zipfile

import pytest
import shapefile
from shapely.geometry import Point, shape

from gaoxin.cases.land.register import LandError, import_land
from gaoxin.ingest.land_geometry import GeometryError, read_geometry
from gaoxin.store import connect

SQUARE = [[120.10, 30.10], [120.11, 30.10], [120.11, 30.11], [120.10, 30.11], [120.10, 30.10]]
BOWTIE = [[120.10, 30.10], [120.11, 30.11], [120.11, 30.10], [120.10, 30.11], [120.10, 30.10]]
L_SHAPE = [[120.2, 30.2], [120.23, 30.2], [120.23, 30.21], [120.21, 30.21], [120.21, 30.23], [120.2, 30.23],
           [120.2, 30.2]]  # fmt: skip


def geojson(path, rings, crs="urn:ogc:def:crs:EPSG::4490", key="宗地编号"):
    feats = [
        {
            "type": "Feature",
            "properties": {key: f"ZD{i + 1}"},
            "geometry": {"type": "Polygon", "coordinates": [r]},
        }
        for i, r in enumerate(rings)
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": crs}},
                                "features": feats}), encoding="utf-8")  # fmt: skip
    return path


def test_geojson_polygons_with_a_point_inside(tmp_path):
    b = read_geometry(geojson(tmp_path / "a.geojson", [SQUARE, L_SHAPE]))
    assert b.crs == "CGCS2000" and [r["parcel_no"] for r in b.rows] == ["ZD1", "ZD2"]
    ell = b.rows[1]
    # the label point of an L is inside it (its centroid would not be)
    assert shape(json.loads(ell["geojson"])).contains(Point(ell["lon"], ell["lat"]))
    con = connect(tmp_path / "s.duckdb")
    out = import_land(con, tmp_path / "a.geojson")
    assert (out.kind, out.accepted) == ("宗地图形", 2)
    assert import_land(con, tmp_path / "a.geojson").duplicate
    con.close()


def test_an_invalid_polygon_refuses_the_file_with_its_feature_number(tmp_path):
    with pytest.raises(GeometryError, match=r"第 2 个要素（宗地 ZD2）：几何无效（Self-intersection"):
        read_geometry(geojson(tmp_path / "b.geojson", [SQUARE, BOWTIE]))
    con = connect(tmp_path / "s.duckdb")
    with pytest.raises(LandError, match="第 2 个要素"):
        import_land(con, tmp_path / "b.geojson")
    assert con.execute("SELECT count(*) FROM land_geometry").fetchone()[0] == 0  # nothing of the file kept
    con.close()


def test_projected_metres_and_missing_keys_are_refused(tmp_path):
    metres = [[[500000 + x * 100, 3300000 + y * 100] for x, y in ((0, 0), (1, 0), (1, 1), (0, 1), (0, 0))]]
    with pytest.raises(GeometryError, match="不在中国范围的经纬度内"):
        read_geometry(geojson(tmp_path / "m.geojson", metres, crs="urn:ogc:def:crs:OGC:1.3:CRS84"))
    with pytest.raises(GeometryError, match="坐标系"):
        read_geometry(geojson(tmp_path / "c.geojson", [SQUARE], crs="EPSG:4549"))
    with pytest.raises(GeometryError, match="第 1 个要素：属性中没有宗地编号"):
        read_geometry(geojson(tmp_path / "k.geojson", [SQUARE], key="名称"))
    doc = json.loads(geojson(tmp_path / "d.geojson", [SQUARE, L_SHAPE]).read_text())
    doc["features"][1]["properties"]["宗地编号"] = "ZD1"
    (tmp_path / "d.geojson").write_text(json.dumps(doc))
    with pytest.raises(GeometryError, match="第 2 个要素：宗地编号 ZD1 与第 1 个要素重复"):
        read_geometry(tmp_path / "d.geojson")


def _shapefile(base, rings, prj: str | None = 'GEOGCS["China Geodetic Coordinate System 2000"]'):
    with shapefile.Writer(str(base), shapeType=shapefile.POLYGON) as w:
        w.field("ZDBH", "C", size=20)
        for i, r in enumerate(rings):
            w.poly([r])
            w.record(f"ZD{i + 1}")
    if prj:
        base.with_suffix(".prj").write_text(prj)
    return base.with_suffix(".shp")


def test_a_shapefile_and_its_zip(tmp_path):
    shp = _shapefile(tmp_path / "parcels", [list(reversed(SQUARE)), list(reversed(L_SHAPE))])
    b = read_geometry(shp)
    assert b.crs == "CGCS2000" and [r["parcel_no"] for r in b.rows] == ["ZD1", "ZD2"]
    area = shape(json.loads(b.rows[0]["geojson"])).area
    assert area == pytest.approx(0.01 * 0.01, rel=1e-6)
    zipped = tmp_path / "parcels.zip"
    with zipfile.ZipFile(zipped, "w") as z:
        for ext in (".shp", ".shx", ".dbf", ".prj"):
            z.write(shp.with_suffix(ext), f"parcels{ext}")
    assert [r["parcel_no"] for r in read_geometry(zipped).rows] == ["ZD1", "ZD2"]
    bad = _shapefile(tmp_path / "bad", [list(reversed(SQUARE)), BOWTIE], prj=None)
    with pytest.raises(GeometryError, match="bad.shp 第 2 个要素（宗地 ZD2）：几何无效"):
        read_geometry(bad)
    proj = _shapefile(tmp_path / "proj", [SQUARE], prj='PROJCS["CGCS2000 / 3-degree Gauss-Kruger CM 120E"]')
    with pytest.raises(GeometryError, match="投影坐标系"):
        read_geometry(proj)
