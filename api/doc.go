// Package api is the HTTP face of the annotator, built on gin: the route table with the role
// each route needs (routes.go), authentication by session cookie or API token, CSRF
// protection, the error envelope of the public contract, pagination, metrics, and the
// OpenAPI document. Handlers bind and validate the request, call the annotate domain and
// the models store, and write the response; business rules live in annotate.
package api
