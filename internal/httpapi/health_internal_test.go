package httpapi

import (
	"bytes"
	"context"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rampartsec/rampart/internal/sqlite"
)

// Probes sent while the server starts wait in the listen queue; a prober
// that gives up before they are served leaves a request whose context is
// already cancelled. The store is fine: the answer is 200 and nothing is
// logged as an error.
func TestReadyzOfAClientThatLeftLogsNoError(t *testing.T) {
	t.Parallel()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "rampart.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var logs bytes.Buffer
	h := NewServer(Config{}, Deps{Logger: slog.New(slog.NewTextHandler(&logs, nil)), Store: db})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/readyz", nil).WithContext(ctx))
	if rec.Code != 200 {
		t.Errorf("readyz: status %d, want 200: %s", rec.Code, rec.Body)
	}
	if strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("readyz of a client that left logged an error:\n%s", &logs)
	}
	// A closed store is still reported.
	db.Close()
	logs.Reset()
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/readyz", nil))
	if rec.Code != 503 || !strings.Contains(logs.String(), "readiness check failed") {
		t.Errorf("readyz with a closed store: %d\n%s", rec.Code, &logs)
	}
}
