// Package membership records the parties of the corridor network: the fifteen
// provinces, and the customs offices, enterprises, carriers, banks and
// auditors they admit, with their roles and signing keys.
//
// types/ holds the generated messages, stateless validation and the key
// layout; keeper/ holds state transitions, genesis, authentication of
// signers and queries.
package membership
