-- Road centrelines (GeoJSON LineString, WGS-84) for the map's roads layer.
ALTER TABLE roads ADD COLUMN geometry TEXT;
