//! Minimal GeoJSON reading/writing for area features (lon/lat, WGS-84).

use geo::{Area, Coord, LineString, MultiPolygon, Polygon};
use geojson::{GeoJson, Position, Value};
use serde_json::{Map, Value as Json, json};

use crate::{GeoError, LocalProjection};

/// Decimal places kept when writing coordinates (≈1 cm at Shanghai).
pub const COORD_DECIMALS: i32 = 7;

/// One feature of a FeatureCollection whose geometry is an area.
#[derive(Debug, Clone, PartialEq)]
pub struct AreaFeature {
    /// The feature's `properties` object (empty if absent or `null`).
    pub properties: Map<String, Json>,
    /// The geometry; a `Polygon` is wrapped into a one-part `MultiPolygon`.
    pub geometry: MultiPolygon<f64>,
}

/// Parses a GeoJSON FeatureCollection whose features are all Polygons or
/// MultiPolygons, in document order.
///
/// Positions must have at least two finite numbers (`[lon, lat, …]`; extra
/// ordinates are ignored). Rings that are not explicitly closed are closed;
/// rings with fewer than 3 distinct positions are rejected.
///
/// # Errors
/// [`GeoError::GeoJson`] for malformed text, [`GeoError::NotFeatureCollection`]
/// for another top-level type, and [`GeoError::MissingGeometry`],
/// [`GeoError::UnsupportedGeometry`] or [`GeoError::InvalidCoordinates`]
/// naming the zero-based index of the first offending feature.
pub fn parse_feature_collection(text: &str) -> Result<Vec<AreaFeature>, GeoError> {
    let gj: GeoJson = text
        .parse()
        .map_err(|e: geojson::Error| GeoError::GeoJson(e.to_string()))?;
    let fc = match gj {
        GeoJson::FeatureCollection(fc) => fc,
        GeoJson::Feature(_) => return Err(GeoError::NotFeatureCollection { found: "Feature" }),
        GeoJson::Geometry(g) => {
            return Err(GeoError::NotFeatureCollection {
                found: g.value.type_name(),
            });
        }
    };
    fc.features
        .into_iter()
        .enumerate()
        .map(|(index, f)| {
            let geometry = f.geometry.ok_or(GeoError::MissingGeometry { index })?;
            let geometry = match &geometry.value {
                Value::Polygon(rings) => MultiPolygon::new(vec![polygon(rings, index)?]),
                Value::MultiPolygon(polys) => MultiPolygon::new(
                    polys
                        .iter()
                        .map(|rings| polygon(rings, index))
                        .collect::<Result<_, _>>()?,
                ),
                other => {
                    return Err(GeoError::UnsupportedGeometry {
                        index,
                        found: other.type_name(),
                    });
                }
            };
            Ok(AreaFeature {
                properties: f.properties.unwrap_or_default(),
                geometry,
            })
        })
        .collect()
}

fn polygon(rings: &[Vec<Position>], index: usize) -> Result<Polygon<f64>, GeoError> {
    let mut it = rings.iter().map(|r| ring(r, index));
    let exterior = it.next().ok_or_else(|| GeoError::InvalidCoordinates {
        index,
        reason: "polygon has no rings".into(),
    })??;
    let interiors = it.collect::<Result<Vec<_>, _>>()?;
    Ok(Polygon::new(exterior, interiors))
}

fn ring(positions: &[Position], index: usize) -> Result<LineString<f64>, GeoError> {
    let mut coords = Vec::with_capacity(positions.len() + 1);
    for p in positions {
        match p.as_slice() {
            [x, y, ..] if x.is_finite() && y.is_finite() => coords.push(Coord { x: *x, y: *y }),
            _ => {
                return Err(GeoError::InvalidCoordinates {
                    index,
                    reason: format!("position {p:?} is not [lon, lat] with finite numbers"),
                });
            }
        }
    }
    let mut distinct = coords.clone();
    distinct.dedup();
    if distinct.len() > 1 && distinct.first() == distinct.last() {
        distinct.pop();
    }
    if distinct.len() < 3 {
        return Err(GeoError::InvalidCoordinates {
            index,
            reason: format!(
                "ring has {} distinct positions, need at least 3",
                distinct.len()
            ),
        });
    }
    let mut ls = LineString::new(coords);
    ls.close();
    Ok(ls)
}

fn round(v: f64) -> f64 {
    let k = 10f64.powi(COORD_DECIMALS);
    (v * k).round() / k
}

fn ring_json(ls: &LineString<f64>) -> Json {
    Json::Array(
        ls.0.iter()
            .map(|c| json!([round(c.x), round(c.y)]))
            .collect(),
    )
}

/// A GeoJSON `MultiPolygon` geometry object for `mp` (lon/lat), coordinates
/// rounded to [`COORD_DECIMALS`] decimals. Rings are written as stored
/// (closed if `mp` came from geo). Non-finite numbers become `null`.
pub fn multipolygon_to_geojson(mp: &MultiPolygon<f64>) -> Json {
    let polys: Vec<Json> =
        mp.0.iter()
            .map(|p| {
                let mut rings = vec![ring_json(p.exterior())];
                rings.extend(p.interiors().iter().map(ring_json));
                Json::Array(rings)
            })
            .collect();
    json!({ "type": "MultiPolygon", "coordinates": polys })
}

/// A GeoJSON `Point` geometry object, coordinates rounded to
/// [`COORD_DECIMALS`] decimals. Non-finite numbers become `null`.
pub fn point_to_geojson(lon: f64, lat: f64) -> Json {
    json!({ "type": "Point", "coordinates": [round(lon), round(lat)] })
}

/// Area in m² of a lon/lat multipolygon, computed in a [`LocalProjection`]
/// centred on its centroid (planar, holes subtracted). Error < 0.1 % for
/// shapes up to ~20 km across. Returns 0 for an empty geometry.
pub fn area_m2_lonlat(mp: &MultiPolygon<f64>) -> f64 {
    match LocalProjection::centered_on(mp) {
        Some(p) => p.multipolygon_to_xy(mp).unsigned_area(),
        None => 0.0,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use geo::GeodesicArea;

    const FC: &str = r#"{
      "type": "FeatureCollection",
      "features": [
        {"type": "Feature", "properties": {"name": "A", "code": "310104003"},
         "geometry": {"type": "Polygon", "coordinates":
           [[[121.43, 31.18], [121.44, 31.18], [121.44, 31.19], [121.43, 31.19], [121.43, 31.18]],
            [[121.433, 31.183], [121.434, 31.183], [121.434, 31.184], [121.433, 31.183]]]}},
        {"type": "Feature", "properties": null,
         "geometry": {"type": "MultiPolygon", "coordinates":
           [[[[121.45, 31.18], [121.46, 31.18], [121.46, 31.19]]],
            [[[121.47, 31.18], [121.48, 31.18], [121.48, 31.19], [121.47, 31.18]]]]}},
        {"type": "Feature", "properties": {},
         "geometry": {"type": "LineString", "coordinates": [[121.4, 31.1], [121.5, 31.2]]}}
      ]
    }"#;

    #[test]
    fn rejects_line_string_naming_feature_index() {
        let err = parse_feature_collection(FC).unwrap_err();
        assert_eq!(
            err,
            GeoError::UnsupportedGeometry {
                index: 2,
                found: "LineString"
            }
        );
        let msg = err.to_string();
        assert!(
            msg.contains("feature 2") && msg.contains("LineString"),
            "{msg}"
        );
    }

    fn without_line_string() -> String {
        let mut v: Json = serde_json::from_str(FC).unwrap();
        v["features"].as_array_mut().unwrap().pop();
        v.to_string()
    }

    #[test]
    fn parses_polygon_and_multipolygon() {
        let feats = parse_feature_collection(&without_line_string()).unwrap();
        assert_eq!(feats.len(), 2);
        assert_eq!(feats[0].properties["name"], "A");
        assert_eq!(feats[0].geometry.0.len(), 1);
        assert_eq!(feats[0].geometry.0[0].interiors().len(), 1);
        assert!(feats[1].properties.is_empty());
        assert_eq!(feats[1].geometry.0.len(), 2);
        // The unclosed ring was closed.
        let r = feats[1].geometry.0[0].exterior();
        assert_eq!(r.0.first(), r.0.last());
        assert_eq!(r.0.len(), 4);
    }

    #[test]
    fn round_trips_through_serialisation() {
        let feats = parse_feature_collection(&without_line_string()).unwrap();
        let fc = json!({
            "type": "FeatureCollection",
            "features": feats.iter().map(|f| json!({
                "type": "Feature",
                "properties": f.properties,
                "geometry": multipolygon_to_geojson(&f.geometry),
            })).collect::<Vec<_>>(),
        });
        let again = parse_feature_collection(&fc.to_string()).unwrap();
        assert_eq!(again, feats);
        // Rounding to 7 decimals.
        let v = multipolygon_to_geojson(&MultiPolygon::new(vec![Polygon::new(
            LineString::from(vec![(121.123456789, 31.0), (121.2, 31.0), (121.2, 31.1)]),
            vec![],
        )]));
        assert_eq!(v["type"], "MultiPolygon");
        assert_eq!(v["coordinates"][0][0][0][0].as_f64(), Some(121.1234568));
        assert_eq!(
            point_to_geojson(121.00000004, 31.5),
            json!({"type": "Point", "coordinates": [121.0, 31.5]})
        );
    }

    #[test]
    fn error_table() {
        type Check = fn(&GeoError) -> bool;
        let cases: [(&str, Check); 5] = [
            ("not json", |e| matches!(e, GeoError::GeoJson(_))),
            (r#"{"type":"Point","coordinates":[1,2]}"#, |e| {
                matches!(e, GeoError::NotFeatureCollection { found: "Point" })
            }),
            (
                r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":null}]}"#,
                |e| matches!(e, GeoError::MissingGeometry { index: 0 }),
            ),
            (
                r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,1],[0,0]]]}}]}"#,
                |e| matches!(e, GeoError::InvalidCoordinates { index: 0, .. }),
            ),
            (
                r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[]}}]}"#,
                |e| matches!(e, GeoError::InvalidCoordinates { index: 0, .. }),
            ),
        ];
        for (text, ok) in cases {
            let e = parse_feature_collection(text).unwrap_err();
            assert!(ok(&e), "{text}: {e:?}");
        }
    }

    #[test]
    fn local_area_matches_geodesic() {
        let feats = parse_feature_collection(&without_line_string()).unwrap();
        for f in &feats {
            let local = area_m2_lonlat(&f.geometry);
            let geodesic = f.geometry.geodesic_area_unsigned();
            assert!(
                (local - geodesic).abs() / geodesic < 1e-3,
                "{local} vs {geodesic}"
            );
        }
        assert_eq!(area_m2_lonlat(&MultiPolygon::new(vec![])), 0.0);
    }
}

/// Converts every position of a GeoJSON geometry (or Feature / FeatureCollection) in place from
/// `from` to `to`, leaving everything else untouched. A position is an array whose first two
/// elements are numbers (longitude, latitude); any further elements (altitude) are kept.
pub fn convert_geojson(value: &mut Json, from: crate::Crs, to: crate::Crs) {
    if from == to {
        return;
    }
    match value {
        Json::Array(items) => {
            if let (Some(lon), Some(lat)) = (
                items.first().and_then(Json::as_f64),
                items.get(1).and_then(Json::as_f64),
            ) {
                let (x, y) = crate::convert(lon, lat, from, to);
                let round = |v: f64| (v * 1e7).round() / 1e7;
                items[0] = Json::from(round(x));
                items[1] = Json::from(round(y));
            } else {
                for item in items {
                    convert_geojson(item, from, to);
                }
            }
        }
        Json::Object(map) => {
            for (key, item) in map.iter_mut() {
                if matches!(
                    key.as_str(),
                    "coordinates" | "geometry" | "geometries" | "features"
                ) {
                    convert_geojson(item, from, to);
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod convert_tests {
    use super::*;
    use crate::Crs;

    #[test]
    fn converts_every_position_and_nothing_else() {
        let mut fc = serde_json::json!({"type": "FeatureCollection", "features": [{"type": "Feature",
            "properties": {"centroid": [121.4, 31.2], "code": "1"},
            "geometry": {"type": "Polygon", "coordinates": [[[121.4, 31.2], [121.5, 31.2], [121.4, 31.3], [121.4, 31.2]]]}}]});
        convert_geojson(&mut fc, Crs::Wgs84, Crs::Gcj02);
        let ring = &fc["features"][0]["geometry"]["coordinates"][0];
        let (x, y) = crate::wgs84_to_gcj02(121.5, 31.2);
        assert!(
            (ring[1][0].as_f64().unwrap() - x).abs() < 1e-7
                && (ring[1][1].as_f64().unwrap() - y).abs() < 1e-7
        );
        assert_eq!(
            fc["features"][0]["properties"]["centroid"],
            serde_json::json!([121.4, 31.2]),
            "properties untouched"
        );
        let mut same = serde_json::json!({"type": "Point", "coordinates": [1.0, 2.0]});
        convert_geojson(&mut same, Crs::Gcj02, Crs::Gcj02);
        assert_eq!(same["coordinates"], serde_json::json!([1.0, 2.0]));
    }
}
