package rampart

// ConsoleCookie is the name of the cookie that holds a web console
// session's IAM token. The API sets it; the data plane removes it from the
// requests it forwards, because a browser sends a host's cookies to every
// port of that host: a console opened on a name the data plane also
// protects would otherwise hand the session to that site's origin servers.
const ConsoleCookie = "rampart_console"
