package httpapi

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/rampartsec/rampart/internal/rampart"
	"github.com/rampartsec/rampart/internal/secmaster"
)

// smOK writes the SecMaster success envelope; extra adds fields (paging).
func smOK(w http.ResponseWriter, r *http.Request, data any, extra map[string]any) {
	body := map[string]any{"code": "00000000", "message": "", "data": data,
		"request_id": requestIDFrom(r.Context()), "success": true}
	for k, v := range extra {
		body[k] = v
	}
	encode(w, http.StatusOK, body)
}

// smAgeing accepts block_ageing as a string, a number or null.
type smAgeing string

func (a *smAgeing) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("null")):
		*a = ""
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*a = smAgeing(s)
	default:
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return rampart.Invalid("data_object.block_age.block_ageing", "The field data_object.block_age.block_ageing must be a millisecond timestamp.").WithCode(secmaster.CodeInvalid)
		}
		*a = smAgeing(n.String())
	}
	return nil
}

// smTypeField is the update's policy type: a string as the reference page
// writes it, or the {"policy_type": …} object that ShowPolicy answers (a
// client sending back the object it read).
type smTypeField string

func (t *smTypeField) UnmarshalJSON(b []byte) error {
	var o struct {
		PolicyType string `json:"policy_type"`
	}
	var err error
	if b = bytes.TrimSpace(b); len(b) > 0 && b[0] == '{' {
		err = json.Unmarshal(b, &o)
	} else {
		err = json.Unmarshal(b, &o.PolicyType)
	}
	if err != nil {
		return rampart.Invalid("data_object.policy_type", "The field data_object.policy_type must be a string or {\"policy_type\": string}.").WithCode(secmaster.CodeInvalid)
	}
	*t = smTypeField(o.PolicyType)
	return nil
}

type smBlockAge struct {
	IsBlockAgeing *bool    `json:"is_block_ageing"`
	BlockAgeing   smAgeing `json:"block_ageing"`
}

func (b *smBlockAge) input() *secmaster.BlockAge {
	if b == nil {
		return nil
	}
	return &secmaster.BlockAge{IsBlockAgeing: b.IsBlockAgeing, BlockAgeing: string(b.BlockAgeing)}
}

type smDefenseIn struct {
	DefenseID                   string `json:"defense_id"`
	DefenseConnectionID         string `json:"defense_connection_id"`
	DefenseConnectionName       string `json:"defense_connection_name"`
	DefenseConnectionRegionID   string `json:"defense_connection_region_id"`
	DefenseConnectionRegionName string `json:"defense_connection_region_name"`
	DefenseType                 string `json:"defense_type"`
	TargetEnterpriseID          string `json:"target_enterprise_id"`
	TargetEnterpriseName        string `json:"target_enterprise_name"`
	TargetProjectID             string `json:"target_project_id"`
	TargetProjectName           string `json:"target_project_name"`
}

func smDefensesIn(in []smDefenseIn) []secmaster.DefenseInput {
	out := make([]secmaster.DefenseInput, len(in))
	for i, d := range in {
		out[i] = secmaster.DefenseInput{ID: d.DefenseID, ConnectionID: d.DefenseConnectionID, ConnectionName: d.DefenseConnectionName,
			ConnectionRegionID: d.DefenseConnectionRegionID, ConnectionRegionName: d.DefenseConnectionRegionName,
			DefenseType: d.DefenseType, TargetEnterpriseID: d.TargetEnterpriseID, TargetEnterpriseName: d.TargetEnterpriseName,
			TargetProjectID: d.TargetProjectID, TargetProjectName: d.TargetProjectName}
	}
	return out
}

// handleSMPolicyCreate serves POST /v1/{project_id}/workspaces/{workspace_id}/soc/policys?action_type=create|retry.
func (s *server) handleSMPolicyCreate() http.Handler {
	type policyType struct {
		PolicyType string `json:"policy_type"`
	}
	type dataObject struct {
		RetryList         []string      `json:"retry_list"`
		BlockAge          *smBlockAge   `json:"block_age"`
		BlockTarget       string        `json:"block_target"`
		DefensePolicyList []smDefenseIn `json:"defense_policy_list"`
		Description       string        `json:"description"`
		Labels            string        `json:"labels"`
		PolicyCategory    string        `json:"policy_category"`
		PolicyType        *policyType   `json:"policy_type"`
		RegionID          string        `json:"region_id"`
		PolicyDirection   string        `json:"policy_direction"`
		AccountScope      string        `json:"account_scope"`
		EPSScope          string        `json:"eps_scope"`
		RegionScope       string        `json:"region_scope"`
	}
	type request struct {
		DataObject *dataObject `json:"data_object"`
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		project, ws := r.PathValue("project_id"), r.PathValue("workspace_id")
		action := r.URL.Query().Get("action_type")
		switch action {
		case secmaster.ActionCreate, secmaster.ActionRetry:
		case "":
			s.writeError(w, r, familySecMaster, rampart.Invalid("action_type", "The query parameter action_type is required (create or retry).").WithCode(secmaster.CodeInvalid))
			return
		default:
			s.writeError(w, r, familySecMaster, rampart.Invalid("action_type", "The query parameter action_type must be create or retry, not %q.", action).WithCode(secmaster.CodeInvalid))
			return
		}
		var body request
		if err := smDecode(r, &body, true); err != nil {
			s.writeError(w, r, familySecMaster, err)
			return
		}
		var taskID string
		var err error
		if action == secmaster.ActionRetry {
			var ids []string
			if body.DataObject != nil {
				ids = body.DataObject.RetryList
			}
			taskID, err = s.secmaster.RetryPolicies(r.Context(), project, ws, ids)
		} else {
			var in *secmaster.PolicyInput
			if d := body.DataObject; d != nil {
				in = &secmaster.PolicyInput{RetryList: d.RetryList, BlockAge: d.BlockAge.input(), BlockTarget: d.BlockTarget,
					Defenses: smDefensesIn(d.DefensePolicyList), Description: d.Description, Labels: d.Labels,
					Category: d.PolicyCategory, RegionID: d.RegionID, Direction: d.PolicyDirection,
					AccountScope: d.AccountScope, EPSScope: d.EPSScope, RegionScope: d.RegionScope}
				if d.PolicyType != nil {
					in.PolicyType = &d.PolicyType.PolicyType
				}
			}
			taskID, err = s.secmaster.CreatePolicy(r.Context(), project, ws, in)
		}
		if err != nil {
			s.writeError(w, r, familySecMaster, err)
			return
		}
		smOK(w, r, taskID, nil)
	})
}

// handleSMPolicyUpdate serves PUT /v1/{project_id}/workspaces/{workspace_id}/soc/policys/{policy_id}.
func (s *server) handleSMPolicyUpdate() http.Handler {
	type dataObject struct {
		BlockTarget       *string        `json:"block_target"`
		Type              *string        `json:"type"`
		PolicyType        *smTypeField   `json:"policy_type"`
		PolicyCategory    *string        `json:"policy_category"`
		BlockAge          *smBlockAge    `json:"block_age"`
		Label             *string        `json:"label"`
		Labels            *string        `json:"labels"`
		Description       *string        `json:"description"`
		DefensePolicyList *[]smDefenseIn `json:"defense_policy_list"`
	}
	type request struct {
		BatchIDs   []string    `json:"batch_ids"`
		DataObject *dataObject `json:"data_object"`
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body request
		if err := smDecode(r, &body, false); err != nil {
			s.writeError(w, r, familySecMaster, err)
			return
		}
		if body.BatchIDs == nil {
			s.writeError(w, r, familySecMaster, rampart.Invalid("batch_ids", "The field batch_ids is required.").WithCode(secmaster.CodeInvalid))
			return
		}
		pt := &secmaster.PolicyPatch{}
		if d := body.DataObject; d != nil {
			pt.BlockTarget, pt.Category, pt.BlockAge, pt.Description = d.BlockTarget, d.PolicyCategory, d.BlockAge.input(), d.Description
			pt.Type = d.Type
			if pt.Type == nil && d.PolicyType != nil {
				v := string(*d.PolicyType)
				pt.Type = &v
			}
			pt.Labels = d.Label
			if pt.Labels == nil {
				pt.Labels = d.Labels
			}
			if d.DefensePolicyList != nil {
				in := smDefensesIn(*d.DefensePolicyList)
				pt.Defenses = &in
			}
		}
		taskID, err := s.secmaster.UpdatePolicies(r.Context(), r.PathValue("project_id"), r.PathValue("workspace_id"),
			r.PathValue("policy_id"), body.BatchIDs, pt)
		if err != nil {
			s.writeError(w, r, familySecMaster, err)
			return
		}
		smOK(w, r, taskID, nil)
	})
}

// handleSMPolicyDelete serves POST /v1/{project_id}/workspaces/{workspace_id}/soc/policys/batch-delete.
func (s *server) handleSMPolicyDelete() http.Handler {
	type request struct {
		BatchIDs []string `json:"batch_ids"`
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body request
		if err := smDecode(r, &body, true); err != nil {
			s.writeError(w, r, familySecMaster, err)
			return
		}
		taskID, err := s.secmaster.DeletePolicies(r.Context(), r.PathValue("project_id"), r.PathValue("workspace_id"), body.BatchIDs)
		if err != nil {
			s.writeError(w, r, familySecMaster, err)
			return
		}
		smOK(w, r, taskID, nil)
	})
}

// smDefenseView is one defense_policy_list entry as shown.
type smDefenseView struct {
	DefenseID                   string   `json:"defense_id"`
	DefenseType                 string   `json:"defense_type"`
	DefensePolicyID             string   `json:"defense_policy_id"`
	DefensePolicyName           string   `json:"defense_policy_name"`
	DefensePolicyList           []string `json:"defense_policy_list"`
	DefenseCreatorID            string   `json:"defense_creator_id"`
	DefenseCreatorName          string   `json:"defense_creator_name"`
	DefenseConnectionID         string   `json:"defense_connection_id"`
	DefenseConnectionName       string   `json:"defense_connection_name"`
	DefenseConnectionRegionID   string   `json:"defense_connection_region_id"`
	DefenseConnectionRegionName string   `json:"defense_connection_region_name"`
	DefenseBlockStatus          string   `json:"defense_block_status"`
	DefenseBlockAction          string   `json:"defense_block_action"`
	DefenseFailureDescription   string   `json:"defense_failure_description"`
	SyncStatus                  string   `json:"sync_status"`
	DefenseUpdateTime           string   `json:"defense_update_time"`
	DefenseDeliveredTime        string   `json:"defense_delivered_time"`
	TargetProjectID             string   `json:"target_project_id"`
	TargetProjectName           string   `json:"target_project_name"`
	TargetEnterpriseID          string   `json:"target_enterprise_id"`
	TargetEnterpriseName        string   `json:"target_enterprise_name"`
}

type smBlockAgeView struct {
	IsBlockAgeing bool    `json:"is_block_ageing"`
	BlockAgeing   *string `json:"block_ageing"`
}

// smPolicyView is a policy as shown by ShowPolicy and SearchPolicy (under
// data_object) and inside history records.
type smPolicyView struct {
	ID                string          `json:"id"`
	PolicyID          string          `json:"policy_id"`
	WorkspaceID       string          `json:"workspace_id"`
	ProjectID         string          `json:"project_id"`
	DomainID          string          `json:"domain_id"`
	DomainName        string          `json:"domain_name"`
	RegionID          string          `json:"region_id"`
	BlockTarget       string          `json:"block_target"`
	PolicyCategory    string          `json:"policy_category"`
	PolicyType        map[string]any  `json:"policy_type"`
	PolicyRecordType  map[string]any  `json:"policyrecord_type"`
	Type              string          `json:"type"`
	PolicyTaskID      string          `json:"policy_task_id"`
	Description       string          `json:"description"`
	Label             string          `json:"label"`
	Labels            string          `json:"labels"`
	PolicyDirection   string          `json:"policy_direction"`
	AccountScope      string          `json:"account_scope"`
	EPSScope          string          `json:"eps_scope"`
	RegionScope       string          `json:"region_scope"`
	BlockAge          smBlockAgeView  `json:"block_age"`
	Status            string          `json:"status"`
	IsDeleted         bool            `json:"is_deleted"`
	Creator           string          `json:"creator"`
	CreatorName       string          `json:"creator_name"`
	ModifierID        string          `json:"modifier_id"`
	ModifierName      string          `json:"modifier_name"`
	CreateTime        string          `json:"create_time"`
	UpdateTime        string          `json:"update_time"`
	DefensePolicyList []smDefenseView `json:"defense_policy_list"`
}

func smPolicyOut(r *http.Request, p *secmaster.Policy) smPolicyView {
	v := smPolicyView{ID: p.ID, PolicyID: p.ID, WorkspaceID: p.WorkspaceID, ProjectID: p.ProjectID, RegionID: p.RegionID,
		BlockTarget: p.BlockTarget, PolicyCategory: p.Category, PolicyType: map[string]any{"policy_type": p.Type}, Type: p.Type,
		PolicyRecordType: map[string]any{"policy_type": p.Type, "category": p.Category, "id": ""},
		PolicyTaskID:     p.TaskID, Description: p.Description, Label: p.Labels, Labels: p.Labels, PolicyDirection: p.Direction,
		AccountScope: p.AccountScope, EPSScope: p.EPSScope, RegionScope: p.RegionScope,
		BlockAge: smBlockAgeView{IsBlockAgeing: p.Ageing}, Status: p.State, IsDeleted: p.State == secmaster.StateDeleted,
		Creator: p.CreatorID, CreatorName: p.CreatorName, ModifierID: p.ModifierID, ModifierName: p.ModifierName,
		CreateTime: smTime(p.CreatedAt), UpdateTime: smTime(p.UpdatedAt), DefensePolicyList: make([]smDefenseView, len(p.Defenses))}
	if pr := rampart.PrincipalFromContext(r.Context()); pr != nil {
		v.DomainID, v.DomainName = pr.AccountID, pr.AccountName
	}
	if p.Ageing {
		ms := strconv.FormatInt(p.AgeingAt.UnixMilli(), 10)
		v.BlockAge.BlockAgeing = &ms
	}
	for i, d := range p.Defenses {
		v.DefensePolicyList[i] = smDefenseView{DefenseID: d.ID, DefenseType: d.DefenseType, DefensePolicyID: d.ID,
			DefensePolicyName: p.Category + " " + p.Type, DefensePolicyList: []string{},
			DefenseCreatorID: p.CreatorID, DefenseCreatorName: p.CreatorName,
			DefenseConnectionID: d.ConnectionID, DefenseConnectionName: d.ConnectionName,
			DefenseConnectionRegionID: d.ConnectionRegionID, DefenseConnectionRegionName: d.ConnectionRegionName,
			DefenseBlockStatus: d.BlockStatus, DefenseBlockAction: p.Category, DefenseFailureDescription: d.FailureDescription,
			SyncStatus: d.SyncStatus, DefenseUpdateTime: smTime(d.UpdatedAt), DefenseDeliveredTime: smTime(d.DeliveredAt),
			TargetProjectID: d.TargetProjectID, TargetProjectName: d.TargetProjectName,
			TargetEnterpriseID: d.TargetEnterpriseID, TargetEnterpriseName: d.TargetEnterpriseName}
		if d.BlockStatus == secmaster.BlockInForce {
			v.DefensePolicyList[i].DefensePolicyList = []string{d.ID}
		}
	}
	return v
}

// handleSMPolicyShow serves GET /v1/{project_id}/workspaces/{workspace_id}/soc/policys/{policy_id}.
func (s *server) handleSMPolicyShow() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := s.secmaster.GetPolicy(r.Context(), r.PathValue("project_id"), r.PathValue("workspace_id"), r.PathValue("policy_id"))
		if err != nil {
			s.writeError(w, r, familySecMaster, err)
			return
		}
		smOK(w, r, map[string]any{"id": p.ID, "data_object": smPolicyOut(r, p)}, nil)
	})
}

// smSearchBody is SearchPolicyRequestBody.
type smSearchBody struct {
	Limit     *int `json:"limit"`
	Offset    *int `json:"offset"`
	Condition *struct {
		Conditions []struct {
			Name string   `json:"name"`
			Data []string `json:"data"`
		} `json:"conditions"`
		Logics []string `json:"logics"`
	} `json:"condition"`
	Sort []struct {
		SortBy string `json:"sort_by"`
		Order  string `json:"order"`
	} `json:"sort"`
}

func (b smSearchBody) input() secmaster.SearchInput {
	in := secmaster.SearchInput{Limit: b.Limit, Offset: b.Offset}
	if b.Condition != nil {
		for _, c := range b.Condition.Conditions {
			in.Conditions = append(in.Conditions, secmaster.ConditionInput{Name: c.Name, Data: c.Data})
		}
		in.Logics = b.Condition.Logics
	}
	for _, s := range b.Sort {
		in.Sort = append(in.Sort, secmaster.SortInput{SortBy: s.SortBy, Order: s.Order})
	}
	return in
}

// smPage returns the paging fields of a search answer: total, size (items
// returned) and page (1-based page number for the limit).
func smPage(q secmaster.Query, total, n int) map[string]any {
	page := 1
	if q.Limit > 0 {
		page = q.Offset/q.Limit + 1
	}
	return map[string]any{"total": total, "size": n, "page": page}
}

// handleSMPolicySearch serves POST /v1/{project_id}/workspaces/{workspace_id}/soc/policys/search.
func (s *server) handleSMPolicySearch() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body smSearchBody
		if err := smDecode(r, &body, true); err != nil {
			s.writeError(w, r, familySecMaster, err)
			return
		}
		ps, total, q, err := s.secmaster.SearchPolicies(r.Context(), r.PathValue("project_id"), r.PathValue("workspace_id"), body.input())
		if err != nil {
			s.writeError(w, r, familySecMaster, err)
			return
		}
		data := make([]any, len(ps))
		for i, p := range ps {
			data[i] = map[string]any{"id": p.ID, "data_object": smPolicyOut(r, p)}
		}
		smOK(w, r, data, smPage(q, total, len(data)))
	})
}

// smRecordView is one history record: the policy after the action plus
// what happened.
type smRecordView struct {
	smPolicyView
	RecordID   string `json:"record_id"`
	Action     string `json:"action"`
	TaskID     string `json:"task_id"`
	Detail     string `json:"detail"`
	RecordTime string `json:"record_time"`
}

// handleSMRecordSearch serves POST …/soc/policy-records/search and
// POST …/soc/policy-records/{policy_id}/search.
func (s *server) handleSMRecordSearch(byPolicy bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body smSearchBody
		if err := smDecode(r, &body, true); err != nil {
			s.writeError(w, r, familySecMaster, err)
			return
		}
		policyID := ""
		if byPolicy {
			policyID = r.PathValue("policy_id")
		}
		rs, total, q, err := s.secmaster.SearchRecords(r.Context(), r.PathValue("project_id"), r.PathValue("workspace_id"),
			policyID, byPolicy, body.input())
		if err != nil {
			s.writeError(w, r, familySecMaster, err)
			return
		}
		data := make([]any, len(rs))
		for i, rec := range rs {
			v := smRecordView{smPolicyView: smPolicyOut(r, rec.Policy), RecordID: rec.ID, Action: rec.Action,
				TaskID: rec.TaskID, Detail: rec.Detail, RecordTime: smTime(rec.CreatedAt)}
			v.ID, v.PolicyID = rec.ID, rec.PolicyID
			data[i] = map[string]any{"id": rec.ID, "data_object": v}
		}
		smOK(w, r, data, smPage(q, total, len(data)))
	})
}
