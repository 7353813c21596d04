package api

import "github.com/credence-project/credence/api/openapitest"

// servedInternal checks the responses of this package's own test clients against the
// served OpenAPI document, as the api_test suite's client does.
var servedInternal openapitest.Served
