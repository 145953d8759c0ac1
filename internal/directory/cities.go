package directory

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"fmt"
	"strconv"
	"sync"
)

// City is a French city where the cluster has members, with what an
// address and a distance search need.
type City struct {
	Name        string
	Postcode    string
	Departement string // département number, e.g. "25", "2A"
	Region      string
	Lat, Lon    float64 // WGS84
}

//go:embed cities.csv
var citiesCSV []byte

var loadCities = sync.OnceValue(func() []City {
	c, err := parseCities(citiesCSV)
	if err != nil {
		panic(err) // the file is embedded: a broken one is a build bug, caught by the tests
	}
	return c
})

// Cities returns the embedded list of cities, in file order. The slice is
// shared: callers must not modify it.
func Cities() []City { return loadCities() }

func parseCities(b []byte) ([]City, error) {
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = 6
	records, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("directory: cities.csv: %w", err)
	}
	if len(records) < 2 || records[0][0] != "city" {
		return nil, fmt.Errorf("directory: cities.csv: missing header or rows")
	}
	out := make([]City, 0, len(records)-1)
	for i, rec := range records[1:] {
		lat, err1 := strconv.ParseFloat(rec[4], 64)
		lon, err2 := strconv.ParseFloat(rec[5], 64)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("directory: cities.csv line %d: bad coordinates", i+2)
		}
		out = append(out, City{Name: rec[0], Postcode: rec[1], Departement: rec[2], Region: rec[3], Lat: lat, Lon: lon})
	}
	return out, nil
}
