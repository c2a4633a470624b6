// Package examples holds realistic customs declarations of the corridor —
// real HS subheadings, UN/LOCODEs, credit codes and container numbers with
// valid check characters — used by the demo chain, the tests and the
// documentation.
package examples
