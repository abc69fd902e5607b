#!/usr/bin/env bash
# Installs (if needed) and starts a single-node Slurm on this machine: munged, slurmctld and slurmd as root, on
# loopback, without systemd (see docs/cluster.md and the verified notes in ../shared/notes/slurm-single-node.md).
# Records the PIDs of the daemons it starts in $TP_SLURM_STATE (default /tmp/tp-slurm) for stop.sh, which kills
# exactly those. Prints the install and start times. Exits non-zero if the node does not become idle.
set -euo pipefail
state=${TP_SLURM_STATE:-/tmp/tp-slurm}
mkdir -p "$state"
t0=$(date +%s.%N)

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v sbatch >/dev/null \
   || ! command -v munged >/dev/null; then
  echo "slurm: installing slurmctld slurmd slurm-client munge"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends slurmctld slurmd slurm-client munge >/dev/null
fi
t1=$(date +%s.%N)

host=$(hostname -s)
cpus=$(nproc)
memory=$(free -m | awk '/^Mem:/ {print int($2 * 0.9)}')
version=$(slurmd -V | awk '{print $2}')   # e.g. 22.05.8
major=${version%%.*}; rest=${version#*.}; minor=${rest%%.*}
mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm /run/munge
chown munge:munge /run/munge 2>/dev/null || true
if [ -f /etc/slurm/slurm.conf ] && ! grep -q '^# written by TrainingPipeline' /etc/slurm/slurm.conf; then
  cp /etc/slurm/slurm.conf "$state/slurm.conf.before"   # someone else's config: keep a copy
fi
cat > /etc/slurm/slurm.conf <<CONF
# written by TrainingPipeline .ci/slurm/start.sh: a single-node test cluster on loopback
ClusterName=ci
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
SlurmctldPidFile=$state/slurmctld.pidfile
SlurmdPidFile=$state/slurmd.pidfile
ReturnToService=2
MailProg=/bin/true
SchedulerParameters=batch_sched_delay=0
NodeName=$host CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
# Slurm 22.05 refuses to start without a usable cgroup mount unless told to use v1; >= 24.05 can disable it.
if [ "$major" -gt 24 ] || { [ "$major" -eq 24 ] && [ "$minor" -ge 5 ]; }; then
  echo "CgroupPlugin=disabled" > /etc/slurm/cgroup.conf
else
  echo "CgroupPlugin=cgroup/v1" > /etc/slurm/cgroup.conf
fi

# munge: reuse a running daemon (not ours to stop), else start one and record it.
if pgrep -x munged >/dev/null; then
  echo "slurm: reusing the munged already running (pid $(pgrep -x munged | head -1)); stop.sh will leave it"
else
  /usr/sbin/munged --force 2>"$state/munged.err" || { cat "$state/munged.err"; exit 1; }
  for _ in $(seq 50); do pgrep -x munged >/dev/null && break; sleep 0.1; done
  pgrep -n -x munged > "$state/munged.pid"
fi

for daemon in slurmctld slurmd; do
  if pgrep -x "$daemon" >/dev/null; then
    if [ -f "$state/$daemon.pid" ] && [ "$(cat "$state/$daemon.pid")" = "$(pgrep -n -x "$daemon")" ]; then
      echo "slurm: $daemon already started by this script (pid $(cat "$state/$daemon.pid"))"
      continue
    fi
    echo "slurm: a $daemon not started by this script is running (pid $(pgrep -n -x "$daemon")); stop it first" >&2
    exit 1
  fi
  rm -f "$state/$daemon.pidfile"
  "/usr/sbin/$daemon"
  for _ in $(seq 100); do [ -s "$state/$daemon.pidfile" ] && break; sleep 0.1; done
  cp "$state/$daemon.pidfile" "$state/$daemon.pid"
done
t2=$(date +%s.%N)

for _ in $(seq 300); do
  if sinfo -h -o '%t' 2>/dev/null | grep -qx 'idle'; then
    t3=$(date +%s.%N)
    awk -v h="$host" -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" \
      'BEGIN { printf "slurm: node %s idle (install %.1f s, daemons %.1f s, until idle %.1f s)\n", h, b - a, c - b, d - c }'
    exit 0
  fi
  sleep 0.1
done
echo "slurm: the node did not become idle within 30 s:" >&2
sinfo >&2 || true
tail -n 20 /var/log/slurm/slurmctld.log /var/log/slurm/slurmd.log >&2 || true
exit 1
