package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/rampartsec/rampart/internal/decision"
	"github.com/rampartsec/rampart/internal/rampart"
)

// Limits of the decision API.
const (
	maxDecisionChecks = 1000 // checks per POST
	maxDecisionGroups = 100  // groups per check
	maxDecisionField  = 255  // characters of host, user or a group
)

// codeDecisionParam is the error code of an invalid decision query.
const codeDecisionParam = "RAMPART.DEC.0001"

// layerWorkspace is the decision layer of Workspace connections; the
// engine's layers are the SecMaster defense layers.
const layerWorkspace = decision.Layer(255)

// decisionParams are the parameters of one check, as the query string or
// one element of a POST's checks carries them.
type decisionParams struct {
	Layer  string      `json:"layer"`
	IP     string      `json:"ip"`
	Host   string      `json:"host"`
	User   string      `json:"user"`
	Groups groupsParam `json:"groups"`
}

// UnmarshalJSON implements json.Unmarshaler: a field a check does not
// have is refused, as a misspelt host or groups would silently change the
// answer.
func (p *decisionParams) UnmarshalJSON(b []byte) error {
	type plain decisionParams
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	err := dec.Decode((*plain)(p))
	if name, ok := strings.CutPrefix(fmt.Sprint(err), "json: unknown field "); ok {
		name = strings.Trim(name, `"`)
		return decisionInvalid(name, "A check has no field %s (layer, ip, host, user, groups).", name)
	}
	return err
}

// groupsParam is a list of group IDs: a comma-separated string (as in the
// query string) or an array of strings.
type groupsParam []string

// UnmarshalJSON implements json.Unmarshaler.
func (g *groupsParam) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		*g = nil
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*g = splitGroups(s)
		return nil
	}
	var list []string
	if err := json.Unmarshal(b, &list); err != nil {
		return errors.New("groups must be a string or an array of strings")
	}
	*g = list
	return nil
}

func splitGroups(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// decisionCheck is a validated check.
type decisionCheck struct {
	layer  decision.Layer // or layerWorkspace
	ip     netip.Addr
	host   string
	user   string
	groups []string
}

// decisionJSON is one decision as the API returns it.
type decisionJSON struct {
	Action   string `json:"action"`
	RuleType string `json:"rule_type"`
	RuleID   string `json:"rule_id"`
	PolicyID string `json:"policy_id"`
	Match    string `json:"match"`
}

func decisionInvalid(field, format string, args ...any) error {
	return &rampart.Error{Kind: rampart.KindInvalid, Code: codeDecisionParam, Field: field, Message: fmt.Sprintf(format, args...)}
}

// checkText validates a host, user or group value.
func checkText(field, v string) error {
	if len(v) > maxDecisionField {
		return decisionInvalid(field, "%s is longer than %d characters.", field, maxDecisionField)
	}
	if !decision.PrintableName(v) {
		return decisionInvalid(field, "%s contains a space, a control character or invalid UTF-8.", field)
	}
	return nil
}

// parseDecision validates one check. prefix names the check in messages
// ("" for the query string, "checks[i]." for a batch element). Parameters
// a layer does not use are ignored.
func parseDecision(p *decisionParams, prefix string) (decisionCheck, error) {
	var c decisionCheck
	needIP, needUser := true, false
	switch strings.ToLower(p.Layer) {
	case "waf":
		c.layer = decision.LayerWAF
	case "cfw":
		c.layer = decision.LayerCFW
	case "vpc":
		c.layer = decision.LayerVPC
	case "iam":
		c.layer, needIP, needUser = decision.LayerIAM, false, true
	case "workspace":
		c.layer, needUser = layerWorkspace, true
	case "":
		return c, decisionInvalid(prefix+"layer", "%slayer is mandatory: waf, cfw, vpc, iam or workspace.", prefix)
	default:
		return c, decisionInvalid(prefix+"layer", "%slayer must be waf, cfw, vpc, iam or workspace.", prefix)
	}
	if needIP {
		if p.IP == "" {
			return c, decisionInvalid(prefix+"ip", "%sip is mandatory for layer %s.", prefix, strings.ToLower(p.Layer))
		}
		a, err := netip.ParseAddr(p.IP)
		if err != nil || a.Zone() != "" {
			return c, decisionInvalid(prefix+"ip", "%sip must be an IPv4 or IPv6 address without a zone.", prefix)
		}
		c.ip = a
	}
	if needUser {
		if p.User == "" {
			return c, decisionInvalid(prefix+"user", "%suser is mandatory for layer %s.", prefix, strings.ToLower(p.Layer))
		}
		if err := checkText(prefix+"user", p.User); err != nil {
			return c, err
		}
		c.user = p.User
	}
	switch c.layer {
	case decision.LayerWAF:
		if err := checkText(prefix+"host", p.Host); err != nil {
			return c, err
		}
		c.host = strings.TrimSuffix(strings.ToLower(p.Host), ".")
	case layerWorkspace:
		if len(p.Groups) > maxDecisionGroups {
			return c, decisionInvalid(prefix+"groups", "%sgroups lists more than %d groups.", prefix, maxDecisionGroups)
		}
		for _, g := range p.Groups {
			if g == "" {
				return c, decisionInvalid(prefix+"groups", "%sgroups contains an empty group.", prefix)
			}
			if err := checkText(prefix+"groups", g); err != nil {
				return c, err
			}
		}
		c.groups = p.Groups
	}
	return c, nil
}

// decisionQueryParams reads the query string of a GET. A parameter given
// more than once, or one the API does not know (a misspelt host or groups
// would silently change the answer), is refused.
func decisionQueryParams(q url.Values) (*decisionParams, error) {
	for name := range q {
		switch name {
		case "layer", "ip", "host", "user", "groups":
		default:
			return nil, decisionInvalid(name, "%s is not a parameter of the decision API (layer, ip, host, user, groups).", name)
		}
	}
	p := &decisionParams{}
	for name, dst := range map[string]*string{"layer": &p.Layer, "ip": &p.IP, "host": &p.Host, "user": &p.User} {
		vs := q[name]
		if len(vs) > 1 {
			return nil, decisionInvalid(name, "%s is given more than once.", name)
		}
		if len(vs) == 1 {
			*dst = vs[0]
		}
	}
	switch gs := q["groups"]; len(gs) {
	case 0:
	case 1:
		p.Groups = splitGroups(gs[0])
	default:
		return nil, decisionInvalid("groups", "groups is given more than once.")
	}
	return p, nil
}

// decide runs one check on eng.
func decide(eng decision.Decider, c *decisionCheck, now time.Time) decisionJSON {
	var d decision.Decision
	switch c.layer {
	case decision.LayerWAF:
		d = eng.DecideWAF(c.host, c.ip, now)
	case decision.LayerIAM:
		d = eng.DecideUser(c.user, now)
	case layerWorkspace:
		d = eng.DecideWorkspace(c.user, c.groups, c.ip)
	default:
		d = eng.DecideIP(c.layer, c.ip, now)
	}
	return decisionJSON{Action: d.Action.String(), RuleType: d.RuleType.String(), RuleID: d.RuleID,
		PolicyID: d.PolicyID, Match: d.Match.String()}
}

// engineFor returns the request project's decider.
func (s *server) engineFor(r *http.Request) (decision.Decider, error) {
	if s.decisions == nil {
		return nil, errors.New("the decision engine is not configured")
	}
	return s.decisions.Decider(r.Context(), r.PathValue("project_id"))
}

// handleDecision serves GET /v1/{project_id}/rampart/decisions (Rampart
// extension): one decision for the query parameters.
func (s *server) handleDecision() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := decisionQueryParams(r.URL.Query())
		if err != nil {
			s.writeError(w, r, familyGateway, err)
			return
		}
		c, err := parseDecision(p, "")
		if err != nil {
			s.writeError(w, r, familyGateway, err)
			return
		}
		eng, err := s.engineFor(r)
		if err != nil {
			s.writeError(w, r, familyGateway, err)
			return
		}
		encode(w, http.StatusOK, decide(eng, &c, time.Now()))
	})
}

// handleDecisionBatch serves POST /v1/{project_id}/rampart/decisions
// (Rampart extension): {"checks":[…]} → {"decisions":[…]} in the same
// order, at most maxDecisionChecks checks.
func (s *server) handleDecisionBatch() http.Handler {
	type request struct {
		Checks []decisionParams `json:"checks"`
	}
	type response struct {
		Decisions []decisionJSON `json:"decisions"`
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req request
		if err := decode(r, &req); err != nil {
			s.writeError(w, r, familyGateway, asDecisionError(err))
			return
		}
		if req.Checks == nil {
			s.writeError(w, r, familyGateway, decisionInvalid("checks", "checks is mandatory."))
			return
		}
		if len(req.Checks) > maxDecisionChecks {
			s.writeError(w, r, familyGateway, decisionInvalid("checks", "checks lists more than %d checks.", maxDecisionChecks))
			return
		}
		cs := make([]decisionCheck, len(req.Checks))
		for i := range req.Checks {
			c, err := parseDecision(&req.Checks[i], fmt.Sprintf("checks[%d].", i))
			if err != nil {
				s.writeError(w, r, familyGateway, err)
				return
			}
			cs[i] = c
		}
		eng, err := s.engineFor(r)
		if err != nil {
			s.writeError(w, r, familyGateway, err)
			return
		}
		now := time.Now()
		out := response{Decisions: make([]decisionJSON, len(cs))}
		for i := range cs {
			out.Decisions[i] = decide(eng, &cs[i], now)
		}
		encode(w, http.StatusOK, out)
	})
}

// asDecisionError gives body errors the decision API's code.
func asDecisionError(err error) error {
	e := rampart.AsError(err)
	if e.Kind == rampart.KindInvalid && !strings.HasPrefix(e.Code, "APIGW.") && e.Code != codeTooLarge {
		c := *e
		c.Code = codeDecisionParam
		return &c
	}
	return err
}
