package server

import (
	"go.uber.org/fx"

	"github.com/kente-gov/kente/app/config"
	"github.com/kente-gov/kente/app/geosvc"
	"github.com/kente-gov/kente/ports"
)

type geoIn struct {
	fx.In
	Config config.Config
	Store  ports.GeoStore
	Clock  ports.Clock `optional:"true"` // tests supply a fake; the system clock otherwise
}

// newGeo builds the Geospatial Command Center on the deployment's region
// map (KENTE_GEO_REGION_MAP over the documented entries). Its figures are
// all-time (geosvc.Options.EventWindow zero).
func newGeo(in geoIn) (*geosvc.Service, error) {
	clock := in.Clock
	if clock == nil {
		clock = ports.SystemClock{}
	}
	return geosvc.New(in.Store, clock, geosvc.Options{Regions: in.Config.GeoRegions})
}
