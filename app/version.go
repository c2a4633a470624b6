package app

// Version is the software version, set at build time with
// -ldflags "-X github.com/landsea/corridor/app.Version=...".
var Version = "0.1.0-dev"
