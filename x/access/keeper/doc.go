// Package keeper applies access messages to state: grants and their
// revocation, the expiry queue run at the end of every block, and the
// recording of access events (deduplicated by event id). It also answers
// the read service's grant checks and the access query service.
package keeper
