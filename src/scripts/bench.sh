#!/usr/bin/env bash
# make bench: sikkerguard's feed core against FireHOL's iprange on the same inputs in the same run, whole process
# (JVM start-up included) and in process. Prints a table and writes docs/benchmarks.md. Benchmarks, not tests.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
OUT=target/bench
mkdir -p "$OUT"
SG=target/sikkerguard/bin/sikkerguard
RUNS=${BENCH_RUNS:-10}

# Inputs, generated the same way every time (awk's seeded generator): 1,000,000 IPv4 lines (90% hosts, 7% /24,
# 3% /16), and a mixed feed of 800,000 IPv4 and 200,000 IPv6 lines.
[ -s "$OUT/v4-1m.txt" ] || awk 'BEGIN{srand(42); for(i=0;i<1000000;i++){a=int(rand()*223)+1; b=int(rand()*256);
  c=int(rand()*256); d=int(rand()*256); r=rand(); if(r<0.9) printf "%d.%d.%d.%d\n",a,b,c,d;
  else if (r<0.97) printf "%d.%d.%d.0/24\n",a,b,c; else printf "%d.%d.0.0/16\n",a,b}}' > "$OUT/v4-1m.txt"
[ -s "$OUT/mixed-1m.txt" ] || awk 'BEGIN{srand(7); for(i=0;i<1000000;i++){ if (rand()<0.8) {
  printf "%d.%d.%d.%d\n", int(rand()*223)+1, int(rand()*256), int(rand()*256), int(rand()*256) } else {
  r=rand(); printf "2%03x:%x:%x:%x::%x%s\n", int(rand()*4095)+1, int(rand()*65536), int(rand()*65536),
  int(rand()*65536), int(rand()*65536), (r<0.7 ? "" : (r<0.9 ? "/64" : "/48")) } }}' > "$OUT/mixed-1m.txt"
grep -v ':' "$OUT/mixed-1m.txt" > "$OUT/mixed-1m-v4part.txt"
printf '1.2.3.4\n' > "$OUT/one.txt"

mean() { # command... -> "mean_s stddev_s" over $RUNS runs after a warm-up
  hyperfine -N --warmup 1 --runs "$RUNS" --export-csv "$OUT/h.csv" "$1" > /dev/null 2>&1
  awk -F, 'NR==2{printf "%.3f %.3f", $2, $3}' "$OUT/h.csv"
}
rss() { /usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -1; }

rows=()
row() { # what, tool, mean, stddev, peak RSS in KB (empty: not measured)
  local mb=${5:+$(( $5 / 1024 )) MB}
  rows+=("$(printf '| %s | %s | %s s ± %s | %s |' "$1" "$2" "$3" "$4" "${mb:--}")")
  printf '%-44s %-28s %6s s ± %-6s %8s\n' "$1" "$2" "$3" "$4" "${mb:--}"
}

echo "whole process, mean of $RUNS runs (hyperfine), peak RSS (GNU time)"
for input in v4-1m mixed-1m; do
  file=$OUT/$input.txt
  ipfile=$file
  what="iprange (FireHOL, C)"
  if [ "$input" = mixed-1m ]; then ipfile=$OUT/mixed-1m-v4part.txt; what="iprange, IPv4 lines only"; fi
  read -r m s <<< "$(mean "iprange $ipfile")"; row "$input: merge to CIDRs" "$what" "$m" "$s" "$(rss iprange "$ipfile")"
  read -r m s <<< "$(mean "$SG validate $file")"
  row "$input: parse, validate, strip, aggregate" "sikkerguard validate" "$m" "$s" "$(rss $SG validate "$file")"
done
read -r m s <<< "$(mean "$SG validate $OUT/one.txt")"; row "one line: JVM start-up, with CDS archive" "sikkerguard validate" "$m" "$s" "$(rss $SG validate "$OUT/one.txt")"
read -r m s <<< "$(mean "env JAVA_OPTS=-XX:SharedArchiveFile=/nonexistent $SG validate $OUT/one.txt")"; row "one line: JVM start-up, no app CDS archive" "sikkerguard validate" "$m" "$s" ""
read -r m s <<< "$(mean "iprange $OUT/one.txt")"; row "one line" "iprange" "$m" "$s" "$(rss iprange "$OUT/one.txt")"

echo
echo "in process (no JVM start-up): median of 15 rounds"
CP="target/test-classes:target/classes:$(ls target/quarkus-app/lib/main/*.jar target/quarkus-app/lib/boot/*.jar | tr '\n' ':')"
mvn -B -ntp -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt > /dev/null
core=()
for input in v4-1m mixed-1m; do
  read -r name lines secs rate <<< "$(java -cp "$CP" com.sikkerapi.guard.bench.FeedCoreBench "$OUT/$input.txt" 15)"
  core+=("| $name | $lines | $secs s | $(printf "%'.0f" "$rate") lines/s |")
  printf '%-16s %8s lines %8s s %12.0f lines/s\n' "$name" "$lines" "$secs" "$rate"
done

echo
echo "operator: folding node reports into a ThreatBlocklist's status"
fold=$(java -cp "$CP" com.sikkerapi.guard.operator.StatusFoldBench 2>/dev/null)
echo "$fold"

echo
echo "a published list's encoding (bytes, ConfigMap parts, encode and decode time)"
encoding=$(java -cp "$CP" com.sikkerapi.guard.bench.ListEncodingBench 2>/dev/null)
echo "$encoding"

echo
echo "enforcement in network namespaces (apply time, packet rate)"
enforcement=$(java -cp "$CP" com.sikkerapi.guard.bench.FirewallBench 2>/dev/null | grep -E '^\||^$')
echo "$enforcement"
echo
echo "both backends: full and 1% incremental applies against their floors, the drift check (BackendBench)"
backends=$(java -cp "$CP" com.sikkerapi.guard.bench.BackendBench 2>/dev/null | grep -E '^\||^$')
echo "$backends"
[ -s "$OUT/agent-1m.txt" ] || awk 'BEGIN{for(i=0;i<1000000;i++){a=754974720+2*i; printf "%d.%d.%d.%d\n",
  int(a/16777216)%256, int(a/65536)%256, int(a/256)%256, a%256}}' > "$OUT/agent-1m.txt"
head -5000 "$OUT/agent-1m.txt" > "$OUT/agent-5k.txt"
echo
echo "the agent's resident memory, step by step (AgentMemoryBench, a real API server)"
memory=$(java -cp "$CP:$(cat target/test-classpath.txt)" com.sikkerapi.guard.bench.AgentMemoryBench \
  "$OUT/agent-5k.txt" "$OUT/agent-1m.txt" 2>/dev/null | grep '^|')
echo "$memory"

echo
echo "one hub, 1, 10 and 50 lightweight agents on a real API server (HubBench)"
hub=$(java -cp "$CP:$(cat target/test-classpath.txt)" com.sikkerapi.guard.hub.HubBench 2>/dev/null | grep '^|')
echo "$hub"

echo
echo "the product on real nodes (src/scripts/cluster.sh): start-up and the agent pod's memory"
image_size=$(src/scripts/image.sh size)
nodes=$(java -cp "$CP:$(cat target/test-classpath.txt)" com.sikkerapi.guard.e2e.RealNodesBench 2>/dev/null | grep '^|')
echo "image: $image_size"
echo "$nodes"

reduce_line=$($SG validate --ipset-reduce 20 src/test/resources/feeds/firehol_level1.netset 2>&1 >/dev/null | grep ipset-reduce || true)

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
{
  echo "# Benchmarks"
  echo
  echo "Command: \`make bench\` (src/scripts/bench.sh). Machine: $(nproc) cores ($cpu), $(free -g | awk '/Mem:/{print $2}') GiB,"
  echo "Linux $(uname -r), $(java -version 2>&1 | head -1), iprange $(iprange --version 2>&1 | head -1 | awk '{print $2}')."
  echo "Run: $(date -u +%Y-%m-%dT%H:%MZ). Timings on this virtual machine vary by ±10-20% from run to run."
  echo
  echo "## Feed core: whole process, against iprange"
  echo
  echo "Mean of $RUNS runs after a warm-up (hyperfine -N), peak resident memory from GNU time. sikkerguard does more"
  echo "than iprange here: strict parsing, special-purpose ranges stripped, IPv6; both print the minimal CIDR list"
  echo "(identical output on IPv4, checked by IprangeOracleTest). iprange has no IPv6."
  echo
  echo "| input and work | tool | wall time | peak RSS |"
  echo "| --- | --- | --- | --- |"
  printf '%s\n' "${rows[@]}"
  echo
  echo "## Feed core in process"
  echo
  echo "Parse, validate, strip, aggregate and format a file held in memory (FeedCoreBench), median of 15 rounds."
  echo
  echo "| input | lines | time | rate |"
  echo "| --- | --- | --- | --- |"
  printf '%s\n' "${core[@]}"
  echo
  echo "## Prefix reduction (iprange --ipset-reduce 20, same algorithm, identical output)"
  echo
  echo "FireHOL level1: $reduce_line; the CIDR count grows from 6,260 to 16,233 (the 16,384-entry floor of iprange's"
  echo "default). Each prefix length costs one hash probe per packet in an ipset hash:net; the packet-rate effect is"
  echo "in the enforcement section below."
  echo
  echo "## The product on real nodes"
  echo
  echo "The image (\`make image\`: the Dockerfile built with buildah; a jlink runtime on Debian bookworm slim): $image_size,"
  echo "uncompressed layers as \`docker images\` counts them (549 MB before, with a full JRE on the minbase)."
  echo "On the real cluster of the tests (RealNodesBench: src/scripts/cluster.sh, 3 nodes, cached binaries and image):"
  echo
  echo "| what | measured |"
  echo "| --- | --- |"
  printf '%s\n' "$nodes"
  echo
  echo "The staged rollout (spec.rollout): a stage passes once each of its nodes has held the new identity for the soak,"
  echo "counted from the end of the whole second its report names (reports have whole seconds), so up to 1 s of each"
  echo "stage's overhead is that rounding; the rest is the operator telling the stage's node through the agent ConfigMap,"
  echo "the agent's apply and self-test and its report, and the operator seeing it. With staging, an agent's first list"
  echo "also waits for the operator to name it (the hub's record, then the rollout): part of the first log line to"
  echo "enforcing (4.7 s, three agents starting at once) against 2.4 s before staging (two nodes, the pointer read directly)."
  echo
  echo "The probes are httpGet probes to 127.0.0.1 (the kubelet shares the node's network): no JVM is started for"
  echo "them. With the former exec probes (\`sikkerguard health\`, a JVM every 20 s) the pod's memory cgroup peaked at"
  echo "171 MB while the agent held 96 MB. The cgroup's peak can be below the process's resident size: the image's"
  echo "files (the JVM, its modules and class-data archive) are page cache shared with the operator's container on the"
  echo "same node, charged to whichever cgroup read them first; the memory limit counts the cgroup's figure."
  echo
  echo "## A published list's encoding (ListEncoding, for one pull per cluster)"
  echo
  echo "The validated list as the nodes will read it from ConfigMap binaryData: ranges in order, each as its gap from"
  echo "the previous one and its length, in LEB128 varints; SHA-256 of the whole as its identity; parts of 900 KiB"
  echo "(the API server takes objects up to 1 MiB). Synthetic lists: scattered IPv4 hosts, and 80% of them with 20%"
  echo "scattered IPv6 /64s (ListEncodingBench, median of 9)."
  echo
  echo "| entries | families | encoded | parts | encode | decode |"
  echo "| --- | --- | --- | --- | --- | --- |"
  printf '%s\n' "$encoding"
  echo
  echo "## Operator: folding node reports into the status"
  echo
  echo "StatusAggregator.fold over N ThreatBlocklistNode reports (2% of the nodes failing), median of 50 after a"
  echo "warm-up, and the size of the whole ThreatBlocklist serialised with that status (failing nodes are capped)."
  echo
  echo "| node reports | ready/desired | fold time | object size |"
  echo "| --- | --- | --- | --- |"
  printf '%s\n' "$fold"
  echo
  echo "## Enforcement (ipset + iptables, nf_tables backend, raw PREROUTING), in network namespaces"
  echo
  echo "Apply: median of 5 rounds, each the floor then sikkerguard, so both see the same phases of this machine. The"
  echo "floor is \`ipset restore\` of the same entries from a prepared file plus \`ipset swap\`; sikkerguard's apply"
  echo "streams the entries into \`ipset restore\` (create, add, swap, destroy the old set: one process per family)"
  echo "and checks the chain and jump of both families (one listing per table); every round loads the list whole"
  echo "(incrementalLimit 0%: the same list again would otherwise go in as an empty difference). End to end adds the"
  echo "HTTP pull, parsing, validation and aggregation. Packet rate: small UDP datagrams from an unlisted sender over a"
  echo "veth pair for 2 s a case, the four cases taking turns for 7 rounds (median), counted after the hook. The set"
  echo "rule is the agent's own jump, which matches the set (one lookup for an unlisted packet), into its chain (log"
  echo "sample, DROP); the nftables case loads the backend's table (a hash set of the million) for its turn only."
  echo
  printf '%s\n' "$enforcement"
  echo
  echo "## Both backends: full and incremental applies, the drift check (BackendBench), in network namespaces"
  echo
  echo "Scattered IPv4 hosts (no two merge), IPv4 only. Each backend's floor loads the same entries from a prepared"
  echo "file into empty sets: \`ipset restore\` + \`ipset swap\`, or \`nft -f\` of one table with a hash set declared"
  echo "with its size (where the backend puts single addresses) in statements of 20,000 elements, no rules. The full"
  echo "apply goes into empty sets (removed between rounds), for nftables in two transactions (the sets filled, then"
  echo "the rules switched); the"
  echo "incremental one replaces 0.5% of the entries by as many new ones (1% changed), as a difference: the Java side"
  echo "(the CIDR difference of both lists) and the check before every difference included (ipset: the drift check,"
  echo "run while the difference is computed; nftables: the terse listing, and sample entries deleted and added back"
  echo "in the update's own transaction). Median of 5 rounds (the first with the JIT still warming up). Drift check:"
  echo "20 checks of an intact node, wall time and CPU (the agent's and the tools' it ran, from /proc/self/stat), and"
  echo "the CPU it costs per hour at the default verifyInterval of 10 s; then a repair. The nftables check is one"
  echo "terse listing of the ruleset and a check-only deletion of sample entries (\`nft -c delete element\`, about"
  echo "15 ms of it: the kernel looks them up, then drops the transaction)."
  echo
  printf '%s\n' "$backends"
  echo
  echo "## One pull per cluster: the hub and its nodes"
  echo
  echo "One hub and N lightweight agents on a real kube-apiserver (HubBench) with the local SikkerAPI serving FireHOL"
  echo "level1 with scores: each agent watches the pointer as the real agent does, reads and verifies the parts by"
  echo "name, and writes its node report with two attackers, one shared by every node. Requests per pull counted at"
  echo "SikkerAPI; the shared attacker's entries and the report's size counted in the bulk reports it received; the"
  echo "time from the hub's pull of a new feed version to every agent holding its digest."
  echo
  echo "| nodes | blacklist requests per pull | entries for the shared attacker | report entries | new version on every node |"
  echo "| --- | --- | --- | --- | --- |"
  printf '%s\n' "$hub"
  echo
  echo "Before the hub every node pulled for itself: N requests per pull interval (and one more on every change of the"
  echo "agents' ConfigMap), and the shared attacker was reported N times. On the real cluster (RealNodesKernelTest,"
  echo "2 then 3 nodes): exactly one blacklist request per blocklist, none when a node joins."
  echo
  echo "## The agent's memory"
  echo
  echo "Peak resident size (VmHWM) of a child JVM with the launcher's flags for the agent and a 320 MiB container"
  echo "limit, step by step (AgentMemoryBench): the JVM alone, then the agent's API client with its two watches and a"
  echo "read over TLS from a real kube-apiserver, then holding a published list (the hub's bytes decoded and verified,"
  echo "saved as the last good list and read back)."
  echo
  echo "| the agent process | peak resident |"
  echo "| --- | --- |"
  printf '%s\n' "$memory"
  echo
  echo "Where it went, with the Kubernetes client (Fabric8 7.6.1 on the JDK's HTTP client) in the agent, read from the"
  echo "real agent process (AgentProcessKernelTest, NMT and a class-load log): 6,090 classes loaded, of which 1,105"
  echo "the Kubernetes client and its model, 134 its YAML parser, 678 Jackson, 472 the JDK's HTTP client and 428 its"
  echo "TLS; metaspace 23.5 MiB, heap 17 MiB, symbols 6.5 MiB, class-data archive 12.7 MiB; resident 98-105 MiB."
  echo "The agent now has its own small client for its few calls (agent.KubeApi, agent.ObjectWatch: get, server-side"
  echo "apply, delete, a watch by name) on the JDK's HTTP client: 5,131 classes, metaspace 15.6 MiB, heap 14.7 MiB,"
  echo "resident 71-88 MiB in the same test. The operator and the hub (one per cluster) keep the Kubernetes client."
  echo
  echo "What a JVM costs before any of the agent's work, measured by hand with one-file programs (JDK 17.0.15, the agent's"
  echo "flags, 320 MiB limit): an empty main method 35 MiB (29 MiB without class-data sharing); one HTTPS request"
  echo "(HttpsURLConnection) 53 MiB; the JDK's HttpClient 55 MiB; plus Jackson reading one object 65 MiB. Issue 13's"
  echo "goal of 48 MiB at 5,000 entries is below what a JVM that speaks TLS to the API server holds, so it is not met"
  echo "with this agent; flags (one compiler thread, smaller stacks and code cache, no class-data sharing) moved the"
  echo "figure by less than the run-to-run spread. Nor is 80 MiB at 1,000,000 entries (the table; the probe holds the"
  echo "list twice, as saved and as read back, and the client alone is 74 MiB). Below this takes a runtime other than"
  echo "the JVM (a native image: GraalVM is not among the registries this project builds from)."
} > docs/benchmarks.md
echo
echo "written: docs/benchmarks.md"
