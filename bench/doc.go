// Package bench compares Rampart's basic web protection detector with
// OWASP Coraza running the Core Rule Set on the same requests, in the same
// benchmark run. It is a module of its own so that the rampart binary does
// not depend on Coraza.
package bench
