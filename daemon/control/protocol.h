// The control protocol: JSON-RPC 2.0, one JSON object per line (LF), over a
// UNIX stream socket. This header is its one description (style.md §2).
//
// Request:  {"jsonrpc":"2.0","id":1,"method":"status","params":{...}}
//           params is an object or absent; it may carry "actor" (staff
//           initials, 1–8 letters) which goes to the audit trail.
// Response: {"jsonrpc":"2.0","id":1,"result":{...}} or
//           {"jsonrpc":"2.0","id":1,"error":{"code":-32602,"message":"...","data":{"field":"at"}}}
//           A request without "id" is a notification and gets no response.
//           Batches (arrays) are not supported and answered with -32600.
// Times:    requests carry local times "YYYY-MM-DDTHH:MM" in the office zone;
//           responses carry both "..._utc" (RFC 3339, Z) and "..._local".
// Limits:   a line longer than control.max_line_bytes is answered with
//           -32600 and the connection closed; idle connections are closed
//           after control.idle_timeout; at most control.max_connections at once
//           (when full, the longest idle connection is closed with -32000 to
//           make room; a newcomer is refused only if none is idle).
//
// History
//   1  first version: status, log.level, config.reload.
#pragma once

namespace paminna::control {

constexpr int kProtocolVersion = 1;

namespace error_code {
// JSON-RPC 2.0
constexpr int parse_error = -32700;
constexpr int invalid_request = -32600;
constexpr int method_not_found = -32601;
constexpr int invalid_params = -32602;
constexpr int internal_error = -32603;
// Application codes (-32000 .. -32099 are reserved by JSON-RPC for servers)
constexpr int too_many_connections = -32000;
constexpr int not_found = -32001;          // an id that names nothing
constexpr int conflict = -32002;           // valid request, but the current state forbids it
constexpr int store_unavailable = -32003;  // the database failed; nothing was changed
constexpr int permission_denied = -32004;
constexpr int config_invalid = -32005;
}  // namespace error_code

}  // namespace paminna::control
