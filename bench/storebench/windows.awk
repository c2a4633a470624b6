# windows.awk: the store's write rate and the reads that reached the disk,
# per 10M keys written, from storebench's progress lines (one every 10 s).
#   cd bench/storebench && go run . -keys 100000000 2>&1 | tee run.log
#   awk -f windows.awk run.log
# The first window starts 10 s before the first progress line, as the write
# phase does; the last ends at the last progress line.
/store write: [0-9]+\// {
	split($1, t, ":")
	s = t[1] * 3600 + t[2] * 60 + t[3]
	if (seen && s < last) day += 86400 # the run went past midnight
	last = s
	s += day
	split($4, k, "/")
	n = k[1]
	r = $12
	if (!seen) {
		seen = 1
		ws = s - 10
		next10 = 10000000
	}
	if (n >= next10) {
		window(n, r, s)
		while (next10 <= n) next10 += 10000000
	}
	ln = n; lr = r; ls = s
}

function window(n, r, s) {
	printf "%.2fM-%.2fM: %.0f writes/s, %.0f disk reads/s, %.3f per write\n",
		wn / 1e6, n / 1e6, (n - wn) / (s - ws), (r - wr) / (s - ws), (r - wr) / (n - wn)
	wn = n; wr = r; ws = s
}

END {
	if (seen && ln > wn) window(ln, lr, ls)
}
