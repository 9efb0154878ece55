package mpi_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/kente-gov/kente/core/mpi"
)

func TestDecideNeedsCorroborationWithoutBirthDate(t *testing.T) {
	bands, w := mpi.DefaultBands(), mpi.DefaultWeights()
	dated := rec("Yaw", "Sy", day(2005, 2, 15), mpi.Male)
	undated := rec("Yaw", "Sy", time.Time{}, mpi.Male)

	m := mpi.Score(mpi.Prepare(undated), mpi.Prepare(dated), w)
	assert.Equal(t, 1.0, m.Score, "the birth date is left out, the rest agrees")
	assert.True(t, m.Uncorroborated)
	assert.Equal(t, mpi.BandCertain, bands.Classify(m.Score))
	assert.Equal(t, mpi.BandProbable, bands.Decide(m), "a namesake of unknown age is for review, not a 409")

	dated.PhoneNumber, undated.PhoneNumber = "+233241234567", "0241234567"
	m = mpi.Score(mpi.Prepare(undated), mpi.Prepare(dated), w)
	assert.False(t, m.Uncorroborated, "the same phone corroborates")
	assert.Equal(t, mpi.BandCertain, bands.Decide(m))

	dated.PhoneNumber, undated.PhoneNumber = "", ""
	dated.ExternalIDs = map[string]string{mpi.ExtNIN: "1"}
	undated.ExternalIDs = map[string]string{mpi.ExtNIN: "1"}
	m = mpi.Score(mpi.Prepare(undated), mpi.Prepare(dated), w)
	assert.False(t, m.Uncorroborated, "the same NIN corroborates")
	assert.Equal(t, mpi.BandCertain, bands.Decide(m))

	both := mpi.Score(mpi.Prepare(dated), mpi.Prepare(dated), w)
	assert.False(t, both.Uncorroborated, "both dated")
	assert.Equal(t, 1.0, both.Score)
	assert.Equal(t, mpi.BandNew, bands.Decide(mpi.Match{Score: 0.2}))
}

func TestPhoneticFloor(t *testing.T) {
	w := mpi.DefaultWeights()
	a := rec("Adama", "Keita", day(1990, 1, 2), mpi.Male)
	b := rec("Adema", "Keita", day(1990, 1, 2), mpi.Male)
	m := mpi.Score(mpi.Prepare(a), mpi.Prepare(b), w)
	assert.InDelta(t, (0.25*0.95+0.65)/0.9, m.Score, 1e-9, "a slip that keeps the sound scores 0.95 on the first name")
	assert.Contains(t, m.MatchedFields, "first_name_fuzzy")
	c := rec("Aminata", "Keita", day(1990, 1, 2), mpi.Male)
	assert.Less(t, mpi.Score(mpi.Prepare(a), mpi.Prepare(c), w).Score, mpi.DefaultBands().Certain, "different names stay below certain")
}
