package sqlite

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// The writer's page cache is the size Options.CacheMiB asks for (default
// DefaultCacheMiB), read back from SQLite itself; the read connections keep
// SQLite's default; sizes out of range are refused.
func TestWriterPageCache(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct{ ask, want int }{{0, DefaultCacheMiB}, {3, 3}} {
		db, err := Open(ctx, filepath.Join(t.TempDir(), "r.db"), Options{CacheMiB: tc.ask})
		if err != nil {
			t.Fatal(err)
		}
		var kib int
		if err := db.wdb.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&kib); err != nil {
			t.Fatal(err)
		}
		if kib != -tc.want*1024 {
			t.Errorf("CacheMiB %d: writer cache_size %d, want %d", tc.ask, kib, -tc.want*1024)
		}
		if err := db.rdb.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&kib); err != nil {
			t.Fatal(err)
		}
		if kib != -2000 {
			t.Errorf("reader cache_size %d, want SQLite's default -2000", kib)
		}
		db.Close()
	}
	for _, bad := range []int{-1, 1<<16 + 1} {
		_, err := Open(ctx, filepath.Join(t.TempDir(), "r.db"), Options{CacheMiB: bad})
		if err == nil || !strings.Contains(err.Error(), "out of range") {
			t.Errorf("CacheMiB %d: err %v, want out of range", bad, err)
		}
	}
}
