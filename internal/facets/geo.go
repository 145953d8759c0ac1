package facets

import "math"

// earthRadiusKm is the mean Earth radius (IUGG).
const earthRadiusKm = 6371.0088

const degree = math.Pi / 180

// haversine returns the great-circle distance in km between two points
// given in degrees.
func haversine(lat1, lon1, lat2, lon2 float64) float64 {
	sinLat := math.Sin((lat2 - lat1) * degree / 2)
	sinLon := math.Sin((lon2 - lon1) * degree / 2)
	a := sinLat*sinLat + math.Cos(lat1*degree)*math.Cos(lat2*degree)*sinLon*sinLon
	return 2 * earthRadiusKm * math.Asin(math.Sqrt(min(a, 1)))
}

// nearBox is a Near query with the bounding box of its circle, checked
// before the haversine distance. Points are valid (|Lat| <= 90, finite
// Lon, see validPoint); any longitude is taken modulo 360.
type nearBox struct {
	Near
	minLat, maxLat float64
	dLon           float64 // largest longitude difference in the circle; +Inf when the circle holds a pole
}

// margin widens the box so that rounding never drops a point the exact
// distance would keep.
const margin = 1e-6

func newNearBox(n Near) nearBox {
	d := n.Km / earthRadiusKm // angular radius
	b := nearBox{Near: n, minLat: math.Inf(-1), maxLat: math.Inf(1), dLon: math.Inf(1)}
	if math.Abs(n.Lat) > 90 {
		return b // not a latitude: no box, the distance decides
	}
	b.minLat = n.Lat - d/degree - margin
	b.maxLat = n.Lat + d/degree + margin
	if lat := n.Lat * degree; d < math.Pi/2-math.Abs(lat) {
		b.dLon = math.Asin(math.Sin(d)/math.Cos(lat))/degree + margin
	}
	return b
}

// within reports whether (lat, lon) is within Km of the centre.
func (b *nearBox) within(lat, lon float64) bool {
	if !(lat >= b.minLat && lat <= b.maxLat) {
		return false // also drops NaN
	}
	dl := math.Abs(lon - b.Lon)
	if dl > 180 { // the short way round; Mod only for longitudes out of range
		if dl >= 360 {
			dl = math.Mod(dl, 360)
		}
		dl = min(dl, 360-dl)
	}
	if dl > b.dLon {
		return false
	}
	return haversine(b.Lat, b.Lon, lat, lon) <= b.Km
}

// validPoint reports whether p is a usable location; others count as no
// location at all.
func validPoint(p *Point) bool {
	return p != nil && p.Level <= Staff && math.Abs(p.Lat) <= 90 && !math.IsInf(p.Lon, 0) && !math.IsNaN(p.Lon)
}
