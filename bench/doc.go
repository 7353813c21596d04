// Package bench is the load harness of the service: it builds a synthetic corpus at a chosen
// scale, starts the service on SQLite or PostgreSQL, drives it over loopback HTTP with many
// concurrent simulated reviewers and researchers, and reports throughput, latency
// percentiles, errors and the server's peak memory. In the same run it measures floors for
// the same hardware without the service (raw inserts through the same driver and settings,
// and an empty gin handler over the same HTTP client), and reports the service's figures as
// ratios of those: absolute times on a shared machine are noise, ratios measured side by
// side are what counts.
package bench
