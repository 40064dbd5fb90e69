package httpapi

import (
	"log/slog"
	"net/http"
	"time"
)

func slogString(k, v string) slog.Attr                 { return slog.String(k, v) }
func slogInt(k string, v int) slog.Attr                { return slog.Int(k, v) }
func slogDuration(k string, v time.Duration) slog.Attr { return slog.Duration(k, v) }

// levelFor logs server errors at error level and the rest at info.
func levelFor(status int) slog.Level {
	if status >= http.StatusInternalServerError {
		return slog.LevelError
	}
	return slog.LevelInfo
}
