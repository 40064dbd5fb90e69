package waf

import (
	"maps"
	"strconv"
	"strings"
)

// CCRuleInput is the body of a CC rule create or update. Every update
// (UpdateCcRule and BatchUpdateCcRules, whose SDK bodies carry the same
// mandatory fields) replaces the rule but its status.
type CCRuleInput struct {
	Name              *string
	Description       *string
	Mode              *int
	URL               *string
	Prefix            *bool
	Conditions        []CustomCondition
	Action            *CCAction
	TagType           *string
	TagIndex          *string
	TagCondition      *CCTagCondition
	LimitNum          *int
	LimitPeriod       *int
	UnlockNum         *int
	LockTime          *int
	DomainAggregation *bool
	RegionAggregation *bool
	Priority          *int
	CCPriority        *int
}

// CC rule limits: Huawei's documented ranges (SDK model comments), and the
// bounds this server chose where Huawei documents none (see
// docs/compatibility.md).
const (
	maxCCLimitNum     = 2147483647
	maxCCLimitPeriod  = 3600
	maxCCLockTime     = 65535
	maxCCPriority     = 100
	maxCCCCPriority   = 65535
	maxCCConditions   = 30
	maxCCName         = 128
	maxCCURL          = 2048
	maxCCTagIndex     = 256
	maxCCTagContents  = 30
	maxCCResponseBody = 4096
)

// ccOperations lists the logic operations of each CC condition category
// this server accepts (the SDK's CcCondition comment): those of precise
// protection, without the length-only categories request_line and request.
var ccOperations = func() map[string]map[string]bool {
	m := maps.Clone(customOperations)
	delete(m, "request_line")
	delete(m, "request")
	return m
}()

// ccUnsupportedCategories are CC condition categories of the SDK this
// server does not accept: they need data it does not have (ASN, TLS
// fingerprints) or the response.
var ccUnsupportedCategories = map[string]bool{
	"asn": true, "response_code": true, "response_header": true, "response_body": true, "request_body": true,
	"tls_fingerprint": true, "tls_ja3_fingerprint": true,
}

// CCTagTypes are the rate-limit keys of a CC rule.
var ccTagTypes = map[string]bool{"ip": true, "cookie": true, "header": true, "other": true, "policy": true, "domain": true, "url": true}

func checkCCRange(field string, v *int, lo, hi int) error {
	if v == nil {
		return invalid(CodeBody, field, "%s is mandatory.", field)
	}
	if *v < lo || *v > hi {
		return invalid(CodeBody, field, "%s must be %d to %d, not %d.", field, lo, hi, *v)
	}
	return nil
}

func checkCCAction(a *CCAction, mode int) error {
	if a == nil {
		return invalid(CodeAction, "action", "action is mandatory.")
	}
	switch a.Category {
	case "block", "log", "captcha":
	case "dynamic_block":
		if mode != 1 {
			return invalid(CodeAction, "action.category", "action dynamic_block needs mode 1 (advanced).")
		}
	default:
		return invalid(CodeAction, "action.category", "action.category must be block, log, dynamic_block or captcha, not %q.", a.Category)
	}
	if a.Response == nil {
		return nil
	}
	const field = "action.detail.response"
	switch {
	case a.Category != "block" && a.Category != "dynamic_block":
		return invalid(CodeAction, field, "a custom response is only allowed with action block or dynamic_block.")
	case a.Response.ContentType != "application/json" && a.Response.ContentType != "text/html" && a.Response.ContentType != "text/xml":
		return invalid(CodeBody, field+".content_type", "content_type must be application/json, text/html or text/xml, not %q.", a.Response.ContentType)
	case a.Response.Content == "" || len(a.Response.Content) > maxCCResponseBody:
		return invalid(CodeBody, field+".content", "content must be 1 to %d bytes.", maxCCResponseBody)
	}
	return nil
}

// checkTag validates tag_type with its tag_index and tag_condition.
func (in *CCRuleInput) checkTag() error {
	if in.TagType == nil || *in.TagType == "" {
		return invalid(CodeBody, "tag_type", "tag_type is mandatory.")
	}
	t := *in.TagType
	if !ccTagTypes[t] {
		return invalid(CodeBody, "tag_type", "tag_type must be ip, cookie, header, other, policy, domain or url, not %q.", t)
	}
	index := ""
	if in.TagIndex != nil {
		index = *in.TagIndex
	}
	switch {
	case (t == "cookie" || t == "header") && index == "":
		return invalid(CodeBody, "tag_index", "tag_index is mandatory for tag_type %s.", t)
	case t != "cookie" && t != "header" && index != "":
		return invalid(CodeBody, "tag_index", "tag_type %s takes no tag_index.", t)
	case len(index) > maxCCTagIndex:
		return invalid(CodeBody, "tag_index", "tag_index is longer than %d characters.", maxCCTagIndex)
	case t == "other" && in.TagCondition == nil:
		return invalid(CodeBody, "tag_condition", "tag_condition is mandatory for tag_type other.")
	case t != "other" && in.TagCondition != nil:
		return invalid(CodeBody, "tag_condition", "tag_type %s takes no tag_condition.", t)
	case in.TagCondition == nil:
		return nil
	case in.TagCondition.Category != "referer":
		return invalid(CodeBody, "tag_condition.category", "tag_condition.category must be referer, not %q.", in.TagCondition.Category)
	case len(in.TagCondition.Contents) == 0 || len(in.TagCondition.Contents) > maxCCTagContents:
		return invalid(CodeBody, "tag_condition.contents", "tag_condition.contents must hold 1 to %d values.", maxCCTagContents)
	}
	for _, v := range in.TagCondition.Contents {
		if v == "" || len(v) > maxCustomContent {
			return invalid(CodeBody, "tag_condition.contents", "tag_condition.contents values must be 1 to %d characters.", maxCustomContent)
		}
	}
	return nil
}

// checkMode validates mode with the url (mode 0) or the conditions (mode 1).
func (in *CCRuleInput) checkMode() error {
	if in.Mode == nil {
		return invalid(CodeBody, "mode", "mode is mandatory.")
	}
	url := ""
	if in.URL != nil {
		url = *in.URL
	}
	switch *in.Mode {
	case 0:
		switch {
		case url == "":
			return invalid(CodeBody, "url", "url is mandatory in mode 0 (standard).")
		case !strings.HasPrefix(url, "/") || len(url) > maxCCURL:
			return invalid(CodeBody, "url", "url must be a path from '/' of at most %d characters.", maxCCURL)
		case len(in.Conditions) != 0:
			return invalid(CodeBody, "conditions", "conditions need mode 1 (advanced).")
		}
		return nil
	case 1:
	default:
		return invalid(CodeBody, "mode", "mode must be 0 (standard) or 1 (advanced), not %d.", *in.Mode)
	}
	switch {
	case url != "":
		return invalid(CodeBody, "url", "mode 1 (advanced) takes conditions, not url.")
	case in.Prefix != nil && *in.Prefix:
		return invalid(CodeBody, "prefix", "prefix needs mode 0 (standard).")
	case len(in.Conditions) == 0:
		return invalid(CodeBody, "conditions", "conditions is mandatory in mode 1 (advanced).")
	case len(in.Conditions) > maxCCConditions:
		return invalid(CodeExceedLimit, "conditions", "conditions holds more than %d conditions.", maxCCConditions)
	}
	for i := range in.Conditions {
		c := &in.Conditions[i]
		if ccUnsupportedCategories[c.Category] {
			return invalid(CodeFeature, "conditions["+strconv.Itoa(i)+"].category", "CC condition category %s is not supported by this server.", c.Category)
		}
		if err := c.checkIn(i, ccOperations, "CC"); err != nil {
			return err
		}
	}
	return nil
}

// apply validates in and replaces every field of r but its status (and
// identity) with it.
func (in *CCRuleInput) apply(r *CCRule) error {
	name := ""
	if in.Name != nil {
		name = *in.Name
	}
	if err := checkRuleName(name, maxCCName, true); err != nil {
		return err
	}
	if err := in.checkMode(); err != nil {
		return err
	}
	if err := in.checkTag(); err != nil {
		return err
	}
	if err := checkCCRange("limit_num", in.LimitNum, 1, maxCCLimitNum); err != nil {
		return err
	}
	if err := checkCCRange("limit_period", in.LimitPeriod, 1, maxCCLimitPeriod); err != nil {
		return err
	}
	if err := checkCCAction(in.Action, *in.Mode); err != nil {
		return err
	}
	if in.UnlockNum != nil { // absent with dynamic_block: 0 (Terraform leaves a 0 out)
		if in.Action.Category != "dynamic_block" {
			return invalid(CodeBody, "unlock_num", "unlock_num is only allowed with action dynamic_block.")
		}
		if err := checkCCRange("unlock_num", in.UnlockNum, 0, maxCCLimitNum); err != nil {
			return err
		}
	}
	if in.LockTime != nil {
		if err := checkCCRange("lock_time", in.LockTime, 0, maxCCLockTime); err != nil {
			return err
		}
	}
	if in.Priority != nil {
		if err := checkCCRange("priority", in.Priority, 1, maxCCPriority); err != nil {
			return err
		}
	}
	if in.CCPriority != nil {
		if err := checkCCRange("cc_priority", in.CCPriority, 0, maxCCCCPriority); err != nil {
			return err
		}
	}
	desc := ""
	if in.Description != nil {
		desc = *in.Description
		if err := checkDescription(desc); err != nil {
			return err
		}
	}
	r.Name, r.Description, r.Mode = name, desc, *in.Mode
	r.URL, r.Prefix, r.Conditions = "", false, nil
	if r.Mode == 0 {
		r.URL = *in.URL
		r.Prefix = in.Prefix != nil && *in.Prefix
	} else {
		r.Conditions = make([]CustomCondition, len(in.Conditions))
		for i, c := range in.Conditions {
			c.Contents = append([]string{}, c.Contents...)
			r.Conditions[i] = c
		}
	}
	r.Action = CCAction{Category: in.Action.Category}
	if in.Action.Response != nil {
		resp := *in.Action.Response
		r.Action.Response = &resp
	}
	r.TagType, r.TagIndex, r.TagCondition = *in.TagType, "", nil
	if in.TagIndex != nil {
		r.TagIndex = *in.TagIndex
	}
	if in.TagCondition != nil {
		r.TagCondition = &CCTagCondition{Category: in.TagCondition.Category,
			Contents: append([]string{}, in.TagCondition.Contents...)}
	}
	r.LimitNum, r.LimitPeriod, r.UnlockNum, r.LockTime = *in.LimitNum, *in.LimitPeriod, 0, 0
	if in.UnlockNum != nil {
		r.UnlockNum = *in.UnlockNum
	}
	if in.LockTime != nil {
		r.LockTime = *in.LockTime
	}
	r.DomainAggregation = in.DomainAggregation != nil && *in.DomainAggregation
	r.RegionAggregation = in.RegionAggregation != nil && *in.RegionAggregation
	r.Priority, r.CCPriority = nil, nil
	if in.Priority != nil {
		p := *in.Priority
		r.Priority = &p
	}
	if in.CCPriority != nil {
		p := *in.CCPriority
		r.CCPriority = &p
	}
	return nil
}

// clone returns a copy of r that shares no slice or pointer with it.
func (r *CCRule) clone() *CCRule {
	c := *r
	c.Conditions = nil
	for _, cond := range r.Conditions {
		cond.Contents = append([]string{}, cond.Contents...)
		c.Conditions = append(c.Conditions, cond)
	}
	if r.Action.Response != nil {
		resp := *r.Action.Response
		c.Action.Response = &resp
	}
	if r.TagCondition != nil {
		c.TagCondition = &CCTagCondition{Category: r.TagCondition.Category, Contents: append([]string{}, r.TagCondition.Contents...)}
	}
	if r.Priority != nil {
		p := *r.Priority
		c.Priority = &p
	}
	if r.CCPriority != nil {
		p := *r.CCPriority
		c.CCPriority = &p
	}
	return &c
}
