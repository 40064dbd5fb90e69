// Command rampart is the Rampart security policy service: the
// Huawei-compatible control-plane APIs and their enforcement.
package main

func main() {}
