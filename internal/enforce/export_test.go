package enforce

// SetFullRebuild makes r compile every changed project in full, as it did
// before updates were incremental: the benchmarks' baseline.
func (r *Registry) SetFullRebuild(on bool) { r.fullRebuild = on }
