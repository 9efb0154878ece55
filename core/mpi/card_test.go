package mpi_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kente-gov/kente/core/mpi"
)

func TestCardTokenRoundTripAndTamper(t *testing.T) {
	k, err := mpi.NewCardKeys([]byte("card-secret"))
	require.NoError(t, err)
	tok := k.Token("prog_a", "SN-DKR-26-9XQ7LM2A")
	assert.Equal(t, tok, k.Token("prog_a", "SN-DKR-26-9XQ7LM2A"), "one card, one token")
	assert.NotEqual(t, tok, k.Token("prog_b", "SN-DKR-26-9XQ7LM2A"))
	assert.NotContains(t, tok, "9XQ7LM2A", "the MPI id is not in clear")
	assert.NotContains(t, strings.ToUpper(tok), "SN-DKR")

	prog, id, err := k.Open(tok)
	require.NoError(t, err)
	assert.Equal(t, "prog_a", prog)
	assert.Equal(t, "SN-DKR-26-9XQ7LM2A", id)

	other, err := mpi.NewCardKeys([]byte("another-secret"))
	require.NoError(t, err)
	_, _, err = other.Open(tok)
	assert.ErrorIs(t, err, mpi.ErrCardToken, "another key cannot open it")
	b := []byte(tok)
	b[len(b)/2] ^= 1
	for _, bad := range []string{"", "!!", "abc", string(b), tok[:len(tok)-2]} {
		_, _, err = k.Open(bad)
		assert.ErrorIs(t, err, mpi.ErrCardToken, bad)
	}
	_, err = mpi.NewCardKeys(nil)
	assert.Error(t, err)
}

func TestCardCode(t *testing.T) {
	k, err := mpi.NewCardKeys([]byte("card-secret"))
	require.NoError(t, err)
	c := k.CardCode("SN-DKR-26-9XQ7LM2A")
	assert.Regexp(t, `^MPI-[0-9A-Z]{8}$`, c)
	assert.Equal(t, c, k.CardCode("SN-DKR-26-9XQ7LM2A"))
	assert.NotEqual(t, c, k.CardCode("SN-DKR-26-9XQ7LM2B"))
}

func FuzzCardTokenOpen(f *testing.F) {
	k, err := mpi.NewCardKeys([]byte("card-secret"))
	require.NoError(f, err)
	f.Add(k.Token("prog_a", "SN-DKR-26-9XQ7LM2A"))
	f.Add("")
	f.Add("AAAA")
	f.Fuzz(func(t *testing.T, token string) {
		prog, id, err := k.Open(token)
		if err != nil {
			assert.ErrorIs(t, err, mpi.ErrCardToken)
			return
		}
		assert.Equal(t, token, k.Token(prog, id), "only tokens the key made open")
	})
}
