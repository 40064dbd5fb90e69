package sqlite

import (
	"encoding/json"

	"github.com/rampartsec/rampart/internal/secmaster"
)

// smSnap is the compact JSON form of a policy kept in each history record
// (short keys, empty values left out, times as Unix milliseconds): records
// are written twice per policy, so their size matters.
type smSnap struct {
	ID           string      `json:"i"`
	ProjectID    string      `json:"p"`
	WorkspaceID  string      `json:"w"`
	BlockTarget  string      `json:"t"`
	Type         string      `json:"y"`
	Category     string      `json:"c"`
	RegionID     string      `json:"r,omitempty"`
	Description  string      `json:"d,omitempty"`
	Labels       string      `json:"l,omitempty"`
	Direction    string      `json:"dir,omitempty"`
	AccountScope string      `json:"as,omitempty"`
	EPSScope     string      `json:"es,omitempty"`
	RegionScope  string      `json:"rs,omitempty"`
	AgeingAt     int64       `json:"a,omitempty"` // set only with aging
	State        string      `json:"s"`
	TaskID       string      `json:"k,omitempty"`
	CreatorID    string      `json:"ci,omitempty"`
	CreatorName  string      `json:"cn,omitempty"`
	ModifierID   string      `json:"mi,omitempty"`
	ModifierName string      `json:"mn,omitempty"`
	CreatedAt    int64       `json:"ct"`
	UpdatedAt    int64       `json:"ut"`
	Defenses     []smSnapDef `json:"e"`
}

type smSnapDef struct {
	ID                   string `json:"i"`
	ConnectionID         string `json:"ci"`
	ConnectionName       string `json:"cn"`
	ConnectionRegionID   string `json:"cr"`
	ConnectionRegionName string `json:"crn"`
	DefenseType          string `json:"y"`
	TargetEnterpriseID   string `json:"ei"`
	TargetEnterpriseName string `json:"en"`
	TargetProjectID      string `json:"pi"`
	TargetProjectName    string `json:"pn"`
	BlockStatus          string `json:"b"`
	SyncStatus           string `json:"s"`
	FailureDescription   string `json:"f,omitempty"`
	UpdatedAt            int64  `json:"ut,omitempty"`
	DeliveredAt          int64  `json:"dt,omitempty"`
}

func smEncodeSnap(p *secmaster.Policy) ([]byte, error) {
	s := smSnap{ID: p.ID, ProjectID: p.ProjectID, WorkspaceID: p.WorkspaceID, BlockTarget: p.BlockTarget, Type: p.Type,
		Category: p.Category, RegionID: p.RegionID, Description: p.Description, Labels: p.Labels, Direction: p.Direction,
		AccountScope: p.AccountScope, EPSScope: p.EPSScope, RegionScope: p.RegionScope, State: p.State, TaskID: p.TaskID,
		CreatorID: p.CreatorID, CreatorName: p.CreatorName, ModifierID: p.ModifierID, ModifierName: p.ModifierName,
		CreatedAt: millis(p.CreatedAt), UpdatedAt: millis(p.UpdatedAt), Defenses: make([]smSnapDef, len(p.Defenses))}
	if p.Ageing {
		s.AgeingAt = millis(p.AgeingAt)
	}
	for i, d := range p.Defenses {
		s.Defenses[i] = smSnapDef{ID: d.ID, ConnectionID: d.ConnectionID, ConnectionName: d.ConnectionName,
			ConnectionRegionID: d.ConnectionRegionID, ConnectionRegionName: d.ConnectionRegionName, DefenseType: d.DefenseType,
			TargetEnterpriseID: d.TargetEnterpriseID, TargetEnterpriseName: d.TargetEnterpriseName,
			TargetProjectID: d.TargetProjectID, TargetProjectName: d.TargetProjectName, BlockStatus: d.BlockStatus,
			SyncStatus: d.SyncStatus, FailureDescription: d.FailureDescription, UpdatedAt: millis(d.UpdatedAt),
			DeliveredAt: millis(d.DeliveredAt)}
	}
	return json.Marshal(&s)
}

func smDecodeSnap(b []byte) (*secmaster.Policy, error) {
	var s smSnap
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, err
	}
	p := &secmaster.Policy{ID: s.ID, ProjectID: s.ProjectID, WorkspaceID: s.WorkspaceID, BlockTarget: s.BlockTarget,
		Type: s.Type, Category: s.Category, RegionID: s.RegionID, Description: s.Description, Labels: s.Labels,
		Direction: s.Direction, AccountScope: s.AccountScope, EPSScope: s.EPSScope, RegionScope: s.RegionScope,
		Ageing: s.AgeingAt != 0, AgeingAt: fromMillis(s.AgeingAt), State: s.State, TaskID: s.TaskID,
		CreatorID: s.CreatorID, CreatorName: s.CreatorName, ModifierID: s.ModifierID, ModifierName: s.ModifierName,
		CreatedAt: fromMillis(s.CreatedAt), UpdatedAt: fromMillis(s.UpdatedAt), Defenses: make([]secmaster.DefenseEntry, len(s.Defenses))}
	for i, d := range s.Defenses {
		p.Defenses[i] = secmaster.DefenseEntry{ID: d.ID, ConnectionID: d.ConnectionID, ConnectionName: d.ConnectionName,
			ConnectionRegionID: d.ConnectionRegionID, ConnectionRegionName: d.ConnectionRegionName, DefenseType: d.DefenseType,
			TargetEnterpriseID: d.TargetEnterpriseID, TargetEnterpriseName: d.TargetEnterpriseName,
			TargetProjectID: d.TargetProjectID, TargetProjectName: d.TargetProjectName, BlockStatus: d.BlockStatus,
			SyncStatus: d.SyncStatus, FailureDescription: d.FailureDescription, UpdatedAt: fromMillis(d.UpdatedAt),
			DeliveredAt: fromMillis(d.DeliveredAt)}
	}
	return p, nil
}
