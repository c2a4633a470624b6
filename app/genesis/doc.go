// Package genesis builds the application part of a genesis file: the
// fifteen provinces and, for development chains, a set of demo members
// (customs offices, enterprises, carriers, a bank, an auditor) with their
// keys.
package genesis
