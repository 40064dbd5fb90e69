package httpapi

import (
	"net/http"
	"strconv"

	"github.com/rampartsec/rampart/internal/rampart"
	"github.com/rampartsec/rampart/internal/workspace"
)

// wksIP is the wire form of IpInfo.
type wksIP struct {
	IPAddress  string `json:"ip_address"`
	SubnetMask string `json:"subnet_mask"`
}

// wksObject is the wire form of AccessPolicyObjectInfo / AccessPolicyObject.
type wksObject struct {
	ObjectID   string `json:"object_id"`
	ObjectName string `json:"object_name"`
	ObjectType string `json:"object_type"`
}

// wksCreateTimeLayout is how create_time is written: UTC with milliseconds.
const wksCreateTimeLayout = "2006-01-02T15:04:05.000Z"

func wksIPInputs(in []wksIP) []workspace.IPInput {
	out := make([]workspace.IPInput, len(in))
	for i, ip := range in {
		out[i] = workspace.IPInput{Address: ip.IPAddress, Mask: ip.SubnetMask}
	}
	return out
}

func wksObjectsIn(in []wksObject) []workspace.Object {
	out := make([]workspace.Object, len(in))
	for i, o := range in {
		out[i] = workspace.Object{Type: o.ObjectType, ID: o.ObjectID, Name: o.ObjectName}
	}
	return out
}

func wksObjectsOut(in []workspace.Object) []wksObject {
	out := make([]wksObject, len(in))
	for i, o := range in {
		out[i] = wksObject{ObjectID: o.ID, ObjectName: o.Name, ObjectType: o.Type}
	}
	return out
}

// wksDecode checks the Content-Type and decodes a required JSON body.
// Decoding failures carry no family code, so the renderer answers WKS.0001.
func wksDecode(r *http.Request, v any) error {
	if !isJSONContentType(r) {
		return rampart.Invalid("Content-Type", "The request body must be sent with Content-Type application/json.")
	}
	return decode(r, v)
}

// wksQueryInt parses an optional integer query parameter; absent or empty
// gives nil.
func wksQueryInt(r *http.Request, name string) (*int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return nil, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return nil, rampart.Invalid(name, "The parameter %s must be an integer, not %q.", name, v).WithCode(workspace.CodeInvalid)
	}
	return &n, nil
}

// wksPage reads the limit and offset query parameters.
func wksPage(r *http.Request) (limit, offset *int, err error) {
	if limit, err = wksQueryInt(r, "limit"); err != nil {
		return nil, nil, err
	}
	if offset, err = wksQueryInt(r, "offset"); err != nil {
		return nil, nil, err
	}
	return limit, offset, nil
}

// writeEmpty answers 200 with an empty body, as Huawei documents for
// create, update and batch delete.
func writeEmpty(w http.ResponseWriter) { w.WriteHeader(http.StatusOK) }

// handleAccessPolicyCreate handles "POST /v2/{project_id}/access-policy"
// (CreateAccessPolicy). Objects are read from policy_objects_list, or from
// policy_object_list, the spelling Terraform's client sends.
func (s *server) handleAccessPolicyCreate() http.Handler {
	type policy struct {
		PolicyName        string  `json:"policy_name"`
		BlacklistType     string  `json:"blacklist_type"`
		AccessControlType string  `json:"access_control_type"`
		IPList            []wksIP `json:"ip_list"`
		IsEnable          *bool   `json:"is_enable"`
		IsBlockAll        *bool   `json:"is_block_all"`
	}
	type request struct {
		Policy            *policy     `json:"policy"`
		PolicyObjectsList []wksObject `json:"policy_objects_list"`
		PolicyObjectList  []wksObject `json:"policy_object_list"`
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req request
		if err := wksDecode(r, &req); err != nil {
			s.writeError(w, r, familyWorkspace, err)
			return
		}
		in := workspace.CreateInput{}
		if p := req.Policy; p != nil {
			in.Policy = &workspace.PolicyInput{
				Name: p.PolicyName, BlacklistType: p.BlacklistType, AccessControlType: p.AccessControlType,
				IPs: wksIPInputs(p.IPList), Enabled: p.IsEnable, BlockAll: p.IsBlockAll,
			}
		}
		objs := req.PolicyObjectsList
		if objs == nil {
			objs = req.PolicyObjectList
		}
		in.Objects = wksObjectsIn(objs)
		if _, err := s.workspace.Create(r.Context(), r.PathValue("project_id"), in); err != nil {
			s.writeError(w, r, familyWorkspace, err)
			return
		}
		writeEmpty(w)
	})
}

// handleAccessPolicyList handles "GET /v2/{project_id}/access-policy"
// (ListAccessPolicies): filter access_control_type, limit 0–100 (default
// 100), offset 0–99.
func (s *server) handleAccessPolicyList() http.Handler {
	type policy struct {
		PolicyID          string  `json:"policy_id"`
		PolicyName        string  `json:"policy_name"`
		BlacklistType     string  `json:"blacklist_type"`
		AccessControlType string  `json:"access_control_type"`
		IPList            []wksIP `json:"ip_list"`
		IsEnable          bool    `json:"is_enable"`
		IsBlockAll        bool    `json:"is_block_all"`
		IPTotalCount      int     `json:"ip_total_count"`
		CreateTime        string  `json:"create_time"`
	}
	type response struct {
		Policies []policy `json:"policies"`
		Total    int      `json:"total"`
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limit, offset, err := wksPage(r)
		if err != nil {
			s.writeError(w, r, familyWorkspace, err)
			return
		}
		ps, total, err := s.workspace.List(r.Context(), r.PathValue("project_id"), r.URL.Query().Get("access_control_type"), limit, offset)
		if err != nil {
			s.writeError(w, r, familyWorkspace, err)
			return
		}
		res := response{Policies: make([]policy, len(ps)), Total: total}
		for i, p := range ps {
			ips := make([]wksIP, len(p.IPs))
			for j, e := range p.IPs {
				ips[j] = wksIP{IPAddress: e.Address, SubnetMask: e.Mask}
			}
			res.Policies[i] = policy{
				PolicyID: p.ID, PolicyName: p.Name, BlacklistType: p.BlacklistType, AccessControlType: p.AccessControlType,
				IPList: ips, IsEnable: p.Enabled, IsBlockAll: p.BlockAll, IPTotalCount: len(ips),
				CreateTime: p.CreatedAt.UTC().Format(wksCreateTimeLayout),
			}
		}
		encode(w, http.StatusOK, res)
	})
}

// handleAccessPolicyUpdate handles "PUT /v2/{project_id}/access-policy/{access_policy_id}"
// (UpdateAccessPolicy): is_enable alone, is_block_all alone, or
// operation_type ADD_IP|DELETE_IP with ip_white_list.
func (s *server) handleAccessPolicyUpdate() http.Handler {
	type request struct {
		OperationType string  `json:"operation_type"`
		IPWhiteList   []wksIP `json:"ip_white_list"`
		IsEnable      *bool   `json:"is_enable"`
		IsBlockAll    *bool   `json:"is_block_all"`
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req request
		if err := wksDecode(r, &req); err != nil {
			s.writeError(w, r, familyWorkspace, err)
			return
		}
		err := s.workspace.Update(r.Context(), r.PathValue("project_id"), r.PathValue("access_policy_id"), workspace.UpdateInput{
			Operation: req.OperationType, IPs: wksIPInputs(req.IPWhiteList), Enabled: req.IsEnable, BlockAll: req.IsBlockAll,
		})
		if err != nil {
			s.writeError(w, r, familyWorkspace, err)
			return
		}
		writeEmpty(w)
	})
}

// handleAccessPolicyBatchDelete handles "DELETE /v2/{project_id}/access-policy"
// (BatchDeleteAccessPolicies), whose JSON body is {"policy_id_list": […]}.
func (s *server) handleAccessPolicyBatchDelete() http.Handler {
	type request struct {
		PolicyIDList []string `json:"policy_id_list"`
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req request
		if err := wksDecode(r, &req); err != nil {
			s.writeError(w, r, familyWorkspace, err)
			return
		}
		if err := s.workspace.Delete(r.Context(), r.PathValue("project_id"), req.PolicyIDList); err != nil {
			s.writeError(w, r, familyWorkspace, err)
			return
		}
		writeEmpty(w)
	})
}

// handleAccessPolicyObjectList handles "GET /v2/{project_id}/access-policy/{access_policy_id}/objects"
// (ListAccessPolicyObjects): limit 0–2000 (default 10), offset 0–1999.
func (s *server) handleAccessPolicyObjectList() http.Handler {
	type response struct {
		PolicyObjectsList []wksObject `json:"policy_objects_list"`
		Total             int         `json:"total"`
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limit, offset, err := wksPage(r)
		if err != nil {
			s.writeError(w, r, familyWorkspace, err)
			return
		}
		objs, total, err := s.workspace.ListObjects(r.Context(), r.PathValue("project_id"), r.PathValue("access_policy_id"), limit, offset)
		if err != nil {
			s.writeError(w, r, familyWorkspace, err)
			return
		}
		encode(w, http.StatusOK, response{PolicyObjectsList: wksObjectsOut(objs), Total: total})
	})
}

// handleAccessPolicyObjectUpdate handles "PUT /v2/{project_id}/access-policy/{access_policy_id}/objects"
// (UpdateAccessPolicyObjects): the list replaces every object; an absent
// or empty list removes them all.
func (s *server) handleAccessPolicyObjectUpdate() http.Handler {
	type request struct {
		PolicyObjectsList []wksObject `json:"policy_objects_list"`
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req request
		if err := wksDecode(r, &req); err != nil {
			s.writeError(w, r, familyWorkspace, err)
			return
		}
		err := s.workspace.ReplaceObjects(r.Context(), r.PathValue("project_id"), r.PathValue("access_policy_id"), wksObjectsIn(req.PolicyObjectsList))
		if err != nil {
			s.writeError(w, r, familyWorkspace, err)
			return
		}
		writeEmpty(w)
	})
}
