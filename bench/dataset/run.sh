#!/usr/bin/env bash
# Benchmark: `seam dataset validate` vs pandas + pandera on the same generated CSV.
# Usage: bench/dataset/run.sh [SIZE_BYTES]   (default 1.1 GB)
# Needs: python3, /usr/bin/time (apt-get install time), and a venv with pandas + pandera at
# $SEAM_BENCH_VENV (default ~/.cache/seam-bench/venv; created with pip if missing).
# The data file goes to $SEAM_BENCH_DIR (default ~/.cache/seam-bench), never into the repository.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
size=${1:-1100000000}
bench_dir=${SEAM_BENCH_DIR:-$HOME/.cache/seam-bench}
venv=${SEAM_BENCH_VENV:-$bench_dir/venv}
target=${CARGO_TARGET_DIR:-$HOME/.cache/seam-target}
mkdir -p "$bench_dir"

if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet pandas pandera
fi
data="$bench_dir/transactions-$size.csv"
if [ ! -s "$data" ]; then
  python3 "$here/generate.py" "$data" --bytes "$size"
fi

(cd "$root" && cargo build --release -p seam-cli)
seam="$target/release/seam"

# A throwaway project holding the benchmark note; its local store goes to a temp data folder.
project=$(mktemp -d)
trap 'rm -rf "$project"' EXIT
"$seam" init "$project/p" >/dev/null
cp "$here/note.md" "$project/p/datasets/bench-transactions.md"
export SEAM_DATA_DIR="$project/data"

bytes=$(stat -c %s "$data")
rows=$(($(wc -l <"$data") - 1)) # lines; rows with quoted newlines are counted by each tool below

measure() { # NAME COMMAND...: prints wall seconds, peak RSS (KB) and the tool's exit code
  local name=$1 log="$project/$1.time"
  shift
  local status=0
  /usr/bin/time -v -o "$log" "$@" >"$project/$name.out" 2>"$project/$name.err" || status=$?
  local wall rss cpu
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$log")
  cpu=$(awk -F': ' '/User time|System time/ {sum += $2} END {print sum}' "$log")
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")
  local seconds
  seconds=$(echo "$wall" | awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }')
  printf '%-8s exit %d  wall %8.2f s  cpu %8.2f s  %8.1f MB/s  %10.0f rows/s  peak RSS %8.1f MB\n' \
    "$name" "$status" "$seconds" "$cpu" "$(echo "$bytes / 1000000 / $seconds" | bc -l)" \
    "$(echo "$rows / $seconds" | bc -l)" "$(echo "$rss / 1024" | bc -l)"
  tail -n 20 "$project/$name.out" | sed 's/^/    /'
  grep -v '^$' "$project/$name.err" | tail -n 5 | sed 's/^/    /' || true
}

echo "file: $data ($bytes bytes, $rows lines)"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GB", $2/1048576}' /proc/meminfo), $(uname -sr)"
measure seam "$seam" -C "$project/p" dataset validate bench-transactions "$data"
# The same rules without `unique`: the one check whose memory grows with the file (8 bytes of hash
# per row) is left out, which shows the streaming part's own footprint.
sed -e 's/, unique: true//' -e 's/^id: bench-transactions/id: bench-no-unique/' "$here/note.md" \
  >"$project/p/datasets/bench-no-unique.md"
measure seam-nu "$seam" -C "$project/p" dataset validate bench-no-unique "$data"
# pandera at its best: the timestamp rule as a pattern on the text (see pandera_validate.py).
measure pandera "$venv/bin/python" "$here/pandera_validate.py" "$data" --dates-as-text
# The natural statement (coerce to datetime) takes hours on a file with one bad timestamp: opt in.
if [ "${SEAM_BENCH_PANDERA_COERCE:-0}" = 1 ]; then
  measure pandera-coerce "$venv/bin/python" "$here/pandera_validate.py" "$data"
fi
