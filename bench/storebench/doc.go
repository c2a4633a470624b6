// Command storebench measures Corridor's store against raw Pebble writes and
// IAVL v1.2.0 on the same workload: N random 32-byte keys with 100-byte
// values, a commit every 10,000 writes; once Pebble's compactions have
// settled, two passes of random reads of the latest version (the first on the
// cache the writes left, the second on the cache the first warmed), then
// proof generation for random existing keys. Raw Pebble settles and reads the
// same keys the same way.
//
// It is a separate module so that the product never depends on IAVL. Run it
// with `make bench-store KEYS=N`. Progress goes to stderr; stdout ends with
// one RESULT line.
//
// To compare reads of two builds of the store without the noise of each
// run's writes, -build DIR writes a store of -keys keys into DIR and keeps
// it, and -read DIR times the same read passes and proofs on it, opened with
// a cold block cache (stdout: one BUILD or READ line; READ's open_s is the
// time the store took to open and warm its bucket cache: the store warms it
// in the background, and -read and -update wait for that before they time).
//
// -update DIR times -updates updates (default 1,000,000) of random existing
// keys on such a store, a commit every 10,000, as a node's first commits after
// a restart (stdout: one UPDATE line, with open_s). It leaves them in DIR.
// With -hot-keys H only the first H keys the build wrote change: a hot set
// spread over the buckets, as a node's members' sequences and counters are.
// With -beside-warm-up the updates start as soon as Open returns, beside the
// bucket cache's warm-up, as a node's blocks do; open_s is then Open alone.
//
// The store is created with store.DepthFor(N) as its bucket depth (about
// eight keys per bucket once full), or with -depth D: a store made for more
// keys than the run writes, as a node sized for its future holds. The RESULT
// and BUILD lines name the depth.
//
// The store's bucket cache is 64 bytes per key, from 256 to 640 MiB, and
// none above 20M keys, or -bucket-cache-mib M (negative: none). Commits fill
// it, and the store warms it from the leaf index once it opens: the reads and
// proofs of a full run find it as the writes left it, those of -read as the
// warm-up left it. The RESULT and BUILD lines name it.
//
// The store's write phases log how many reads reached the disk that holds
// its files, per write, from the kernel's counters for that device
// (/proc/diskstats: reads the OS page cache served are not counted).
// -disk DIR only measures that disk: random 4 KiB reads past the page cache
// (O_DIRECT), 1 to 32 in flight (stdout: one DISK line).
//
// -slots times a prototype of another persistence for the tree's leaves
// (slots.go): each bucket's leaves (tip and leaf hash) in a file of 8 KiB
// pages, read and rewritten with pread and pwrite (-slots-mmap: mapped),
// Pebble holding only the flat index, the created-key pages, the node
// history and the root. It then writes the same keys into the store, with the
// run's depth and caches, and requires the same root (stdout: one SLOTS line
// with both rates). -page-buckets N sets the buckets per page, so that a
// smaller run can use the page file of a larger store.
//
// lowmem.sh, beside this file, runs a command in a memory cgroup after
// dropping the OS page cache (root only), so that -read on a store that fits
// in memory can be timed as on one that does not.
package main
