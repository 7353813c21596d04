// Package frontend holds the browser application of credence: the HTML pages (sign-in, queue,
// the annotation workspace) and the plain ES modules and stylesheet they load, embedded into the
// binary so the service serves them with no build step. The JavaScript is tested with Node's
// built-in test runner (node --test frontend/test/); check.sh runs those tests and a syntax check
// of every module.
package frontend

import "embed"

// Files holds pages/*.html (served at /login, /queue and /articles/{id}) and static/** (served
// at /static/...).
//
//go:embed pages static
var Files embed.FS
