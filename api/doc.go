// Package api is the HTTP face of the annotator, built on gin: the route table with the role
// each route needs (routes.go), authentication by session cookie or API token, CSRF
// protection, the error envelope of the public contract with its one catalogue of codes
// (errors.go), pagination, metrics, and the OpenAPI document. It is HTTP only: a handler
// binds and validates the request through the domain (annotate), calls a service of the
// application layer (app/...) or the store, and writes the response.
package api
