// Package sdktest drives a real "rampart serve" process through the official
// Huawei Cloud Go SDK (github.com/huaweicloud/huaweicloud-sdk-go-v3), pinned
// to the version whose wire behaviour Rampart reproduces. It is a separate
// module so that the SDK and its dependencies stay out of the server's
// module graph; it holds only tests.
//
// The tests build ./cmd/rampart from the parent directory once per run, or
// use the binary named by RAMPART_BIN. Run them with
//
//	cd sdktest && go test ./...
package sdktest
