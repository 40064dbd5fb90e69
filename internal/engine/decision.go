package engine

import "github.com/rampartsec/rampart/internal/decision"

// The decision vocabulary is defined by the domain package decision; the
// engine's names are aliases so that its code and tests read naturally.
type (
	Layer     = decision.Layer
	Action    = decision.Action
	RuleType  = decision.RuleType
	MatchKind = decision.MatchKind
	Match     = decision.Match
	Decision  = decision.Decision
)

// Layers, actions, rule types and match kinds (see package decision).
const (
	LayerWAF  = decision.LayerWAF
	LayerCFW  = decision.LayerCFW
	LayerVPC  = decision.LayerVPC
	LayerIAM  = decision.LayerIAM
	numLayers = decision.NumLayers

	ActionAllow = decision.ActionAllow
	ActionBlock = decision.ActionBlock
	ActionLog   = decision.ActionLog

	RuleNone         = decision.RuleNone
	RuleEmergency    = decision.RuleEmergency
	RuleWhiteBlackIP = decision.RuleWhiteBlackIP
	RuleGeolocation  = decision.RuleGeolocation
	RuleIPReputation = decision.RuleIPReputation
	RuleWorkspace    = decision.RuleWorkspace

	MatchNone     = decision.MatchNone
	MatchPrefix   = decision.MatchPrefix
	MatchLocation = decision.MatchLocation
	MatchTag      = decision.MatchTag
	MatchUser     = decision.MatchUser
	MatchDomain   = decision.MatchDomain
	MatchReason   = decision.MatchReason
)

var _ decision.Decider = (*Engine)(nil)
var _ decision.Decider = (*Snapshot)(nil)
