package condition

// source is the part of a request a condition reads.
type source uint8

const (
	srcURL source = iota
	srcUserAgent
	srcReferer
	srcIP
	srcIPv6
	srcMethod
	srcRequestLine
	srcRequest
	srcParams
	srcCookie
	srcHeader
	srcBody
)

// sources maps condition categories to what they read.
var sources = map[string]source{
	"url": srcURL, "user-agent": srcUserAgent, "referer": srcReferer, "ip": srcIP, "ipv6": srcIPv6,
	"method": srcMethod, "request_line": srcRequestLine, "request": srcRequest, "params": srcParams,
	"cookie": srcCookie, "header": srcHeader, "request_body": srcBody,
}

// tableTypes is the reference-table type each category's *_any / *_all
// operations take (an ipv6 condition takes an ip table, which holds both
// families).
var tableTypes = map[source]string{
	srcURL: "url", srcUserAgent: "user-agent", srcReferer: "referer", srcIP: "ip", srcIPv6: "ip",
	srcParams: "params", srcCookie: "cookie", srcHeader: "header",
}

// hasFields reports whether the source is made of named fields (index).
func (s source) hasFields() bool { return s == srcParams || s == srcCookie || s == srcHeader }

func (s source) isAddress() bool { return s == srcIP || s == srcIPv6 }

func (s source) isLengthOnly() bool { return s == srcRequestLine || s == srcRequest }
